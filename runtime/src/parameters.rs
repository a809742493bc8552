//! The parameters of a network as JSON, in the layout of ANNarchy's
//! `save_parameters` / `load_parameters`:
//!
//! ```json
//! {
//!     "populations": { "pop": { "tau": 10.0 } },
//!     "projections": { "proj": { "eta": 0.01 } },
//!     "network": {},
//!     "constants": { "c": 2.0 }
//! }
//! ```
//!
//! Only the parameters shared by a whole population or projection (flags
//! `population` and `projection`) are written, with their current values.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::model::{AttrRef, Locality, ModelInfo};
use crate::network::Network;

/// Parameters of a model that have one value for the whole object.
fn global_parameters(info: &ModelInfo) -> impl Iterator<Item = (usize, &'static str)> {
    info.attributes
        .iter()
        .enumerate()
        .filter(|(_, a)| a.is_parameter && a.locality == Locality::Global)
        .map(|(i, a)| (i, a.name))
}

/// The values of one object in a parameters file: its name, then
/// `(parameter, value)` pairs.
type ObjectValues = (String, Vec<(String, f64)>);

/// The global parameters of a model's state as a JSON object.
fn globals_of<'a>(info: &ModelInfo, attr: impl Fn(usize) -> AttrRef<'a>) -> Value {
    let values: Map<String, Value> = global_parameters(info)
        .filter_map(|(i, name)| match attr(i) {
            AttrRef::Scalar(v) => Some((name.to_string(), number(v))),
            AttrRef::Array(_) | AttrRef::ArrayF32(_) => None,
        })
        .collect();
    Value::Object(values)
}

/// The attribute index of each of `values` that is a global parameter of
/// object `name`; the others are added to `skipped`.
fn resolve(
    name: &str,
    info: &ModelInfo,
    values: Vec<(String, f64)>,
    skipped: &mut Vec<String>,
) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    for (attr, x) in values {
        match global_parameters(info).find(|(_, a)| *a == attr) {
            Some((i, _)) => out.push((i, x)),
            None => skipped.push(format!("`{name}.{attr}`")),
        }
    }
    out
}

fn number(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

impl Network {
    /// The network's global parameters and constants as JSON, in the layout
    /// of ANNarchy's `save_parameters`.
    pub fn parameters_json(&self) -> String {
        let pops: Map<String, Value> = self
            .objects
            .pops
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    globals_of(p.state.info(), |i| p.state.attr(i)),
                )
            })
            .collect();
        let projs: Map<String, Value> = self
            .objects
            .projs
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    globals_of(p.state.info(), |i| p.state.attr(i)),
                )
            })
            .collect();
        let constants: Map<String, Value> = self
            .objects
            .constants
            .iter()
            .map(|(n, v)| (n.clone(), number(*v)))
            .collect();
        let doc = json!({
            "populations": pops,
            "projections": projs,
            "network": {},
            "constants": constants,
        });
        serde_json::to_string_pretty(&doc).expect("a JSON value always serialises")
    }

    /// Writes [`Network::parameters_json`] to `path` (ANNarchy's
    /// `save_parameters`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming the file when it cannot be written.
    pub fn save_parameters(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.parameters_json()).map_err(|e| Error::Invalid {
            object: format!("file `{}`", path.display()),
            reason: format!("cannot be written: {e}"),
        })
    }

    /// Reads a file written by [`Network::save_parameters`] (or ANNarchy's)
    /// and sets the global parameters and constants it holds on the
    /// objects of the same names (ANNarchy's `load_parameters`). Returns
    /// what was left aside: names of objects, parameters or constants that
    /// this network does not have, and attributes that are not global
    /// parameters.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a file that cannot be read, that is not JSON,
    /// or whose layout or values are not those of a parameters file (a
    /// value that is not a number); the network is then left unchanged.
    pub fn load_parameters(&mut self, path: impl AsRef<Path>) -> Result<Vec<String>> {
        let path = path.as_ref();
        let invalid = |reason: String| Error::Invalid {
            object: format!("parameters file `{}`", path.display()),
            reason,
        };
        let text =
            std::fs::read_to_string(path).map_err(|e| invalid(format!("cannot be read: {e}")))?;
        let doc: Value =
            serde_json::from_str(&text).map_err(|e| invalid(format!("not JSON: {e}")))?;
        let root = doc
            .as_object()
            .ok_or_else(|| invalid("the top level is not an object".into()))?;
        // Check everything first, then apply: an error changes nothing.
        let section = |key: &str| -> Result<Vec<ObjectValues>> {
            let Some(v) = root.get(key) else {
                return Ok(Vec::new());
            };
            let objects = v
                .as_object()
                .ok_or_else(|| invalid(format!("`{key}` is not an object")))?;
            objects
                .iter()
                .map(|(name, attrs)| {
                    let attrs = attrs
                        .as_object()
                        .ok_or_else(|| invalid(format!("`{key}.{name}` is not an object")))?;
                    let values = attrs
                        .iter()
                        .map(|(a, v)| {
                            v.as_f64().map(|x| (a.clone(), x)).ok_or_else(|| {
                                invalid(format!("`{key}.{name}.{a}` is not a number: {v}"))
                            })
                        })
                        .collect::<Result<Vec<_>>>()?;
                    Ok((name.clone(), values))
                })
                .collect()
        };
        let pops = section("populations")?;
        let projs = section("projections")?;
        let constants: Vec<(String, f64)> = match root.get("constants") {
            None => Vec::new(),
            Some(Value::Object(c)) => c
                .iter()
                .map(|(n, v)| {
                    v.as_f64()
                        .map(|x| (n.clone(), x))
                        .ok_or_else(|| invalid(format!("`constants.{n}` is not a number: {v}")))
                })
                .collect::<Result<_>>()?,
            Some(_) => return Err(invalid("`constants` is not an object".into())),
        };
        let mut skipped = Vec::new();
        for (name, values) in pops {
            let Some(p) = self.objects.pops.iter_mut().find(|p| p.name == name) else {
                skipped.push(format!("population `{name}`"));
                continue;
            };
            for (i, x) in resolve(&name, p.state.info(), values, &mut skipped) {
                let mut target = p.state.attr_mut(i);
                if target.is_scalar() {
                    target.set(0, x);
                }
            }
        }
        for (name, values) in projs {
            let Some(p) = self.objects.projs.iter_mut().find(|p| p.name == name) else {
                skipped.push(format!("projection `{name}`"));
                continue;
            };
            for (i, x) in resolve(&name, p.state.info(), values, &mut skipped) {
                let mut target = p.state.attr_mut(i);
                if target.is_scalar() {
                    target.set(0, x);
                }
            }
        }
        for (name, x) in constants {
            match self.objects.constants.iter_mut().find(|(n, _)| *n == name) {
                Some(c) => c.1 = x,
                None => skipped.push(format!("constant `{name}`")),
            }
        }
        self.objects.resolve_constants()?;
        Ok(skipped)
    }
}
