//! The state of a network saved to and loaded from a `.npz` file
//! (ANNarchy's `save()` / `load()`, `Population.save/load` and
//! `Projection.save/load`, SPEC.md 7.9): [`Network::save`],
//! [`Network::load`], their variants for populations or projections only
//! ([`IoOptions`]), and [`Network::save_population`],
//! [`Network::load_population`], [`Network::save_projection`],
//! [`Network::load_projection`] for one object.
//!
//! Only `.npz` files are written and read (ANNarchy also writes `.gz`,
//! `.mat` and pickle files: each is an error naming the supported format).
//!
//! # Layout
//!
//! One `.npy` array per entry, no pickle: `numpy.load(path,
//! allow_pickle=False)` reads every entry. Strings are unicode arrays
//! (`<U..`), integers `int64`, values `float64`. `<p>` is a population's
//! name, `<j>` a projection's, `<a>` an attribute's (names holding `/`
//! cannot be saved).
//!
//! | entry | array |
//! |---|---|
//! | `format` | `"annarchy network state"` |
//! | `version` | `1` |
//! | `dt` | the step in ms |
//! | `time_step` | the current step (network files only) |
//! | `constant_names`, `constant_values` | the named constants (network files only) |
//! | `populations`, `projections` | the names of the objects the file holds |
//! | `pop/<p>/meta/geometry` | its dimensions |
//! | `pop/<p>/meta/size` | its number of neurons |
//! | `pop/<p>/meta/model` | the neuron type's name |
//! | `pop/<p>/meta/parameters`, `pop/<p>/meta/variables` | attribute names |
//! | `pop/<p>/<a>` | local: shaped like the geometry; global: 0-d |
//! | `pop/<p>/sum/<target>` | rate-coded: the weighted sum of the target, shaped like the geometry |
//! | `pop/<p>/spikes/last_spike` | spiking: step of each neuron's last spike (-10000 before the first) |
//! | `pop/<p>/spikes/spiked`, `pop/<p>/spikes/axonal` | spiking: ranks that spiked (emitted an axonal spike only) in the last step |
//! | `pop/<p>/spikes/history`, `pop/<p>/spikes/history_sizes` | spiking, for uniform delays: the ranks that spiked in each past step kept, newest first, flat, and their number per step |
//! | `pop/<p>/delayed/<a>` | for delays: past values of `<a>`, newest first, one row of `size` values (rank order) per step kept; one value per step for a global attribute |
//! | `pop/<p>/run/<r>` | the run-time state the model keeps apart from its attributes (below), one array per name `<r>` |
//! | `pop/<p>/rate/window_ms`, `pop/<p>/rate/history`, `pop/<p>/rate/history_sizes` | `compute_firing_rate`: the window and the spikes of each of its steps, newest first |
//! | `proj/<j>/meta/pre`, `proj/<j>/meta/post`, `proj/<j>/meta/target`, `proj/<j>/meta/model` | what it connects, with which synapse type |
//! | `proj/<j>/meta/parameters`, `proj/<j>/meta/variables` | attribute names |
//! | `proj/<j>/connectivity/post_ranks` | post-synaptic ranks with synapses, ascending (one per dendrite) |
//! | `proj/<j>/connectivity/dendrite_sizes` | number of synapses of each dendrite |
//! | `proj/<j>/connectivity/pre_ranks` | pre-synaptic rank of each synapse, dendrite after dendrite (flat) |
//! | `proj/<j>/connectivity/delay_type` | `"none"`, `"uniform"` or `"per_synapse"` |
//! | `proj/<j>/connectivity/delays` | delays in steps (ms = steps x `dt`): 0-d for `none` (0) and `uniform`, one per synapse otherwise |
//! | `proj/<j>/<a>` | local: one value per synapse in the order of `pre_ranks`; semiglobal: one per dendrite; global: 0-d, or the values of a convolution's kernel (`weights`), flat in row-major order (its receptive fields are the connectivity, which a file loaded into it must repeat) |
//! | `proj/<j>/run/<r>` | the run-time state the model keeps apart from its attributes (below), one array per name `<r>` |
//! | `proj/<j>/spikes/pending`, `proj/<j>/spikes/pending_sizes` | per-synapse delays of spikes: the synapses (indices in `pre_ranks`) reached in each coming step, next step first, flat, and their number per step |
//! | `proj/<j>/structural/pruning`, `proj/<j>/structural/creating` | while the `pruning` (`creating`) condition is evaluated (`start_pruning`): `[period, offset]` in steps, evaluated at the steps `t` where `(t - offset) % period == 0`; absent otherwise |
//! | `bold/<k>/baseline`, `bold/<k>/baseline_end`, `bold/<k>/mean_std` | network files only, per input `k` of the BOLD monitors (in the order of the monitors and of their populations): the values stored during the baseline period, the step that ends it (-1: not started), and `[mean, std, computed]` (`computed` 1 once the baseline is computed) |
//!
//! In Python, the dendrites of a projection are
//! `numpy.split(f["proj/j/connectivity/pre_ranks"],
//! numpy.cumsum(f["proj/j/connectivity/dendrite_sizes"])[:-1])`, and so
//! are its local attributes.
//!
//! # What is saved
//!
//! Every attribute, and what a step reads besides them, so that a network
//! loaded from a file simulates exactly as the saved one would have: the
//! step and `dt`, the named constants, the weighted sums, each neuron's
//! last spike, the spikes of the last step, the spike and value histories
//! kept for delays, spikes still travelling through per-synapse delays,
//! the window of `compute_firing_rate`, the connectivity of each
//! projection with its delays, and the run-time state that models keep
//! apart from their attributes ([`NeuronState::internal_state`],
//! [`SynapseState::internal_state`]; ANNarchy does not save it), under
//! `run/`:
//!
//! | model | `run/<r>` |
//! |---|---|
//! | spiking neurons with a refractory period | `refractory`: the steps left in each neuron's refractory period |
//! | synapses with event-driven equations (`STP`, `STDP`) | `last_event`: the step of each synapse's last event (-10000 before the first), from which the equations integrate at the next one |
//! | `TimedArray`, `TimedPoissonPopulation` | `step`: the steps since the start of the schedule (or of its period); `row`: the index of the next row; `TimedPoissonPopulation` only, `rates`: the rate of each neuron in the current row |
//! | `SpikeSourceArray` | `step`: the steps since the build or the last reset |
//! | `DecodingProjection` | `window_counts`: the weighted spike count of each dendrite in each step of the window, oldest step first |
//!
//! Loading a projection replaces its connectivity by the file's (as
//! ANNarchy does) and rebuilds what depends on it. The global operations
//! (`mean(r)`, ...) are recomputed from the loaded values.
//!
//! Not saved: what a user sets rather than what the network computes —
//! the seed (each network draws its own random numbers), monitors and
//! their recordings, callbacks, learning and enabled flags, the number of
//! threads. A network with random numbers in its equations thus resumes
//! exactly when the loading network has the seed of the saved one (the
//! draws of a step depend on the seed and the step).
//!
//! # Loading
//!
//! Objects are matched by name; those of the network that the file does
//! not hold are left as they are. Everything is checked before anything
//! changes: a file that cannot be read, is not a `.npz` written by
//! [`Network::save`], lacks an entry, names an object or an attribute the
//! network does not have, or whose sizes, geometries, `dt` or
//! connections do not fit the network (run-time state included: a
//! refractory counter for each neuron, a last event for each synapse, a
//! row its schedule has), is an error and leaves the network untouched.

use std::path::Path;

use crate::connectivity::{Connectivity, Delays};
use crate::error::{Error, Result, closest};
use crate::model::{
    AttrMut, AttrRef, InternalValues, Locality, ModelInfo, NeuronState, SynapseState,
    unknown_internal,
};
use crate::network::{AnyPop, AnyProj, Network};
use crate::npy::{NpyArray, Npz, write_npz};
use crate::population::{Population, typed};
use crate::projection::Projection;

/// The value of the `format` entry.
const FORMAT: &str = "annarchy network state";
/// The value of the `version` entry.
const VERSION: i64 = 1;

/// Which objects [`Network::save_with`] writes and [`Network::load_with`]
/// restores (ANNarchy's `populations=True, projections=True` arguments).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IoOptions {
    /// The populations.
    pub populations: bool,
    /// The projections.
    pub projections: bool,
}

impl IoOptions {
    /// Populations and projections (the default).
    pub const ALL: IoOptions = IoOptions {
        populations: true,
        projections: true,
    };
    /// Populations only.
    pub const POPULATIONS: IoOptions = IoOptions {
        populations: true,
        projections: false,
    };
    /// Projections only.
    pub const PROJECTIONS: IoOptions = IoOptions {
        populations: false,
        projections: true,
    };
}

impl Default for IoOptions {
    fn default() -> Self {
        IoOptions::ALL
    }
}

fn file_label(path: &Path) -> String {
    format!("file `{}`", path.display())
}

/// Only `.npz` files are supported.
fn check_extension(path: &Path) -> Result<()> {
    let npz = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("npz"));
    if npz {
        return Ok(());
    }
    Err(Error::Invalid {
        object: file_label(path),
        reason: "only the .npz format (numpy's savez) is supported for the state of a network; \
                 ANNarchy's other formats (.gz, .mat, pickle) are not: use a name ending in .npz"
            .into(),
    })
}

/// The entries of a file being written.
#[derive(Default)]
struct Entries(Vec<(String, NpyArray)>);

impl Entries {
    fn push(&mut self, key: String, array: NpyArray) {
        self.0.push((key, array));
    }
}

fn ints(values: impl IntoIterator<Item = i64>) -> NpyArray {
    let data: Vec<i64> = values.into_iter().collect();
    NpyArray::I64 {
        shape: vec![data.len()],
        data,
    }
}

fn ranks(values: &[u32]) -> NpyArray {
    ints(values.iter().map(|&r| i64::from(r)))
}

/// Lists of ranks (or synapse indices) as one flat array and the length of
/// each list.
fn lists<'a>(lists: impl Iterator<Item = &'a [u32]>) -> (NpyArray, NpyArray) {
    let mut sizes = Vec::new();
    let mut flat = Vec::new();
    for l in lists {
        sizes.push(l.len() as i64);
        flat.extend(l.iter().map(|&r| i64::from(r)));
    }
    (ints(sizes), ints(flat))
}

/// The run-time state of a model apart from its attributes
/// (`<prefix>run/<name>`).
fn save_internal(
    internal: Vec<(&'static str, InternalValues)>,
    key: impl Fn(&str) -> String,
    out: &mut Entries,
) {
    for (name, values) in internal {
        let array = match values {
            InternalValues::Int(v) => ints(v),
            InternalValues::Float(v) => NpyArray::F64 {
                shape: vec![v.len()],
                data: v,
            },
        };
        out.push(key(&format!("run/{name}")), array);
    }
}

/// Names of the parameters and of the variables of a model.
fn attribute_names(info: &ModelInfo) -> (NpyArray, NpyArray) {
    let pick = |parameters: bool| {
        let names: Vec<&str> = info
            .attributes
            .iter()
            .filter(|a| a.is_parameter == parameters)
            .map(|a| a.name)
            .collect();
        NpyArray::strings(&names)
    };
    (pick(true), pick(false))
}

/// The entries of a population (`pop/<name>/...`).
fn save_population(p: &Population, out: &mut Entries) {
    let key = |s: &str| format!("pop/{}/{s}", p.name);
    let info = p.state.info();
    let dims = p.geometry.dims().to_vec();
    out.push(key("meta/geometry"), ints(dims.iter().map(|&d| d as i64)));
    out.push(key("meta/size"), NpyArray::scalar_i64(p.size() as i64));
    out.push(key("meta/model"), NpyArray::scalar_str(info.type_name));
    let (parameters, variables) = attribute_names(info);
    out.push(key("meta/parameters"), parameters);
    out.push(key("meta/variables"), variables);
    let shaped = |data: Vec<f64>| NpyArray::F64 {
        shape: dims.clone(),
        data,
    };
    for (i, a) in info.attributes.iter().enumerate() {
        let values = match p.state.attr(i) {
            AttrRef::Scalar(v) => NpyArray::scalar_f64(v),
            x => shaped(x.to_vec()),
        };
        out.push(key(a.name), values);
    }
    save_internal(p.state.internal_state(), key, out);
    if p.spiking() {
        out.push(key("spikes/last_spike"), ints(p.last_spike.iter().copied()));
        out.push(key("spikes/spiked"), ranks(&p.spiked));
        out.push(key("spikes/axonal"), ranks(&p.axonal));
        let (sizes, flat) = lists(p.spike_history());
        out.push(key("spikes/history_sizes"), sizes);
        out.push(key("spikes/history"), flat);
    } else {
        for (t, sum) in p.targets.iter().zip(&p.sums) {
            out.push(key(&format!("sum/{t}")), shaped(sum.clone()));
        }
    }
    for ring in &p.rings {
        let history: Vec<&[f64]> = ring.history().collect();
        let width = history.first().map_or(0, |h| h.len());
        let shape = if p.state.attr(ring.attr).is_scalar() {
            vec![history.len()]
        } else {
            vec![history.len(), width]
        };
        out.push(
            key(&format!("delayed/{}", info.attributes[ring.attr].name)),
            NpyArray::F64 {
                shape,
                data: history.concat(),
            },
        );
    }
    if let Some((window_ms, history)) = p.rate_history() {
        out.push(key("rate/window_ms"), NpyArray::scalar_f64(window_ms));
        let (sizes, flat) = lists(history);
        out.push(key("rate/history_sizes"), sizes);
        out.push(key("rate/history"), flat);
    }
}

/// The entries of a projection (`proj/<name>/...`).
fn save_projection(p: &Projection, pops: &[Population], out: &mut Entries) {
    let key = |s: &str| format!("proj/{}/{s}", p.name);
    let info = p.state.info();
    out.push(key("meta/pre"), NpyArray::scalar_str(&pops[p.pre].name));
    out.push(key("meta/post"), NpyArray::scalar_str(&pops[p.post].name));
    out.push(key("meta/target"), NpyArray::scalar_str(&p.target));
    out.push(key("meta/model"), NpyArray::scalar_str(info.type_name));
    let (parameters, variables) = attribute_names(info);
    out.push(key("meta/parameters"), parameters);
    out.push(key("meta/variables"), variables);
    let conn = &p.conn;
    out.push(key("connectivity/post_ranks"), ranks(&conn.post_ranks));
    out.push(
        key("connectivity/dendrite_sizes"),
        ints(conn.row_ptr.windows(2).map(|w| (w[1] - w[0]) as i64)),
    );
    out.push(key("connectivity/pre_ranks"), ranks(&conn.pre_ranks));
    let (kind, delays) = match &conn.delays {
        Delays::None => ("none", NpyArray::scalar_i64(0)),
        Delays::Uniform(d) => ("uniform", NpyArray::scalar_i64(i64::from(*d))),
        Delays::PerSynapse(d) => ("per_synapse", ranks(d)),
    };
    out.push(key("connectivity/delay_type"), NpyArray::scalar_str(kind));
    out.push(key("connectivity/delays"), delays);
    for (i, a) in info.attributes.iter().enumerate() {
        let values = match p.state.attr(i) {
            AttrRef::Scalar(v) => NpyArray::scalar_f64(v),
            x => NpyArray::F64 {
                shape: vec![x.len()],
                data: x.to_vec(),
            },
        };
        out.push(key(a.name), values);
    }
    save_internal(p.state.internal_state(), key, out);
    if !p.events.is_empty() {
        let (sizes, flat) = lists(p.pending_events());
        out.push(key("spikes/pending_sizes"), sizes);
        out.push(key("spikes/pending"), flat);
    }
    let [pruning, creating] = p.structural.schedules();
    for (name, schedule) in [
        ("structural/pruning", pruning),
        ("structural/creating", creating),
    ] {
        if let Some((period, offset)) = schedule {
            out.push(key(name), ints([period, offset]));
        }
    }
}

/// A file being loaded: typed access to its entries, with messages that
/// name it.
struct StateFile<'a> {
    npz: &'a Npz,
    label: String,
}

impl StateFile<'_> {
    fn invalid(&self, reason: String) -> Error {
        Error::Invalid {
            object: self.label.clone(),
            reason,
        }
    }

    fn numbers(&self, key: &str) -> Result<NpyArray> {
        let a = self.npz.get(key)?;
        if matches!(a, NpyArray::Str { .. }) {
            return Err(self.invalid(format!("entry `{key}` holds strings, not numbers")));
        }
        Ok(a)
    }

    fn f64s(&self, key: &str) -> Result<Vec<f64>> {
        Ok(self.numbers(key)?.to_f64().unwrap_or_default())
    }

    fn i64s(&self, key: &str) -> Result<Vec<i64>> {
        self.numbers(key)?.to_i64().ok_or_else(|| {
            self.invalid(format!(
                "entry `{key}` holds floating point numbers, not integers"
            ))
        })
    }

    fn i64(&self, key: &str) -> Result<i64> {
        match self.i64s(key)?[..] {
            [v] => Ok(v),
            ref v => Err(self.invalid(format!(
                "entry `{key}` holds {} values instead of one",
                v.len()
            ))),
        }
    }

    fn f64(&self, key: &str) -> Result<f64> {
        match self.f64s(key)?[..] {
            [v] => Ok(v),
            ref v => Err(self.invalid(format!(
                "entry `{key}` holds {} values instead of one",
                v.len()
            ))),
        }
    }

    fn strings(&self, key: &str) -> Result<Vec<String>> {
        match self.npz.get(key)? {
            NpyArray::Str { data, .. } => Ok(data),
            _ => Err(self.invalid(format!("entry `{key}` does not hold strings"))),
        }
    }

    fn string(&self, key: &str) -> Result<String> {
        let mut s = self.strings(key)?;
        match s.len() {
            1 => Ok(s.remove(0)),
            n => Err(self.invalid(format!("entry `{key}` holds {n} strings instead of one"))),
        }
    }

    /// Ranks (or indices) below `bound`.
    fn ranks(&self, key: &str, bound: usize) -> Result<Vec<u32>> {
        self.i64s(key)?
            .into_iter()
            .map(|r| {
                u32::try_from(r)
                    .ok()
                    .filter(|&r| (r as usize) < bound)
                    .ok_or_else(|| {
                        self.invalid(format!(
                            "entry `{key}` holds {r}, out of the range 0..{bound}"
                        ))
                    })
            })
            .collect()
    }

    /// Lists stored as `<key>` (flat) and `<key>_sizes`, each value below `bound`.
    fn lists(&self, key: &str, bound: usize) -> Result<Vec<Vec<u32>>> {
        let sizes_key = format!("{key}_sizes");
        let sizes = self.i64s(&sizes_key)?;
        let flat = self.ranks(key, bound)?;
        let mut out = Vec::with_capacity(sizes.len());
        let mut at = 0usize;
        for n in sizes {
            let end = usize::try_from(n)
                .ok()
                .and_then(|n| at.checked_add(n))
                .filter(|&end| end <= flat.len())
                .ok_or_else(|| {
                    self.invalid(format!(
                        "entries `{sizes_key}` and `{key}` do not match ({} values in all)",
                        flat.len()
                    ))
                })?;
            out.push(flat[at..end].to_vec());
            at = end;
        }
        if at != flat.len() {
            return Err(self.invalid(format!(
                "entries `{sizes_key}` and `{key}` do not match ({at} values listed, {} held)",
                flat.len()
            )));
        }
        Ok(out)
    }

    /// The names listed under `key` (`populations`, `projections`).
    fn names(&self, key: &str) -> Result<Vec<String>> {
        let names = self.strings(key)?;
        if let Some(n) = names.iter().find(|n| n.is_empty() || n.contains('/')) {
            return Err(self.invalid(format!("entry `{key}` holds an invalid name `{n}`")));
        }
        Ok(names)
    }

    /// The entries whose names start with `prefix`, without it.
    fn under<'s>(&'s self, prefix: &'s str) -> impl Iterator<Item = &'s str> {
        self.npz.names().filter_map(move |n| n.strip_prefix(prefix))
    }
}

/// Opens a state file: checks the format, the version and `dt`.
fn open<'a>(npz: &'a Npz, path: &Path, dt: f64) -> Result<StateFile<'a>> {
    let file = StateFile {
        npz,
        label: file_label(path),
    };
    let format = if npz.contains("format") {
        file.string("format").ok()
    } else {
        None
    };
    if format.as_deref() != Some(FORMAT) {
        return Err(file.invalid(format!(
            "is not the state of a network written by Network::save (its entry `format` is not \"{FORMAT}\")"
        )));
    }
    let version = file.i64("version")?;
    if version != VERSION {
        return Err(file.invalid(format!(
            "is of version {version} of the layout; this version reads version {VERSION}"
        )));
    }
    let saved_dt = file.f64("dt")?;
    if saved_dt.to_bits() != dt.to_bits() {
        return Err(file.invalid(format!(
            "was saved with dt = {saved_dt} ms; the network's dt is {dt} ms"
        )));
    }
    Ok(file)
}

/// Reads the state file at `path` and checks its format, version and `dt`
/// (the network's), then plans a load with `plan`.
fn read_checked(
    path: &Path,
    dt: f64,
    plan: impl FnOnce(&StateFile<'_>) -> Result<Load>,
) -> Result<Load> {
    check_extension(path)?;
    let npz = Npz::read(path)?;
    let file = open(&npz, path, dt)?;
    plan(&file)
}

/// Values of attributes to set: attribute index, values (one for a global
/// attribute).
type AttrValues = Vec<(usize, Vec<f64>)>;

/// The attribute values of an object in a file, checked against its model:
/// every attribute of the model and no other, each with `len(index,
/// locality)` values.
fn attribute_values(
    file: &StateFile<'_>,
    prefix: &str,
    object: &str,
    info: &ModelInfo,
    len: impl Fn(usize, Locality) -> usize,
) -> Result<AttrValues> {
    let mut listed = file.strings(&format!("{prefix}meta/parameters"))?;
    listed.extend(file.strings(&format!("{prefix}meta/variables"))?);
    for name in &listed {
        if info.attribute_index(name).is_none() {
            return Err(Error::UnknownAttribute {
                object: object.to_string(),
                name: name.clone(),
                suggestion: closest(name, info.attributes.iter().map(|a| a.name)),
            });
        }
    }
    info.attributes
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if !listed.iter().any(|n| n == a.name) {
                return Err(file.invalid(format!(
                    "holds no value of the attribute `{}` of {object} (its model `{}` has it)",
                    a.name, info.type_name
                )));
            }
            let values = file.f64s(&format!("{prefix}{}", a.name))?;
            let expected = len(i, a.locality);
            if values.len() != expected {
                return Err(Error::SizeMismatch {
                    object: object.to_string(),
                    attribute: format!("{} (in {})", a.name, file.label),
                    expected,
                    got: values.len(),
                });
            }
            Ok((
                i,
                values.into_iter().map(|v| typed(v, a.value_type)).collect(),
            ))
        })
        .collect()
}

/// Restores the run-time state of an object from a file (entries
/// `<prefix>run/<name>`) with `set` (the state's `set_internal_state`):
/// `expected` is the object's (the names its model keeps, each with its
/// kind of values); the file must hold exactly those.
fn load_internal(
    file: &StateFile<'_>,
    prefix: &str,
    object: &str,
    expected: Vec<(&'static str, InternalValues)>,
    mut set: impl FnMut(&str, InternalValues) -> std::result::Result<(), String>,
) -> Result<()> {
    let run = format!("{prefix}run/");
    if let Some(name) = file
        .under(&run)
        .find(|n| !expected.iter().any(|(e, _)| e == n))
    {
        return Err(file.invalid(format!(
            "holds the run-time state `{name}` of {object}, which its model does not keep"
        )));
    }
    for (name, kind) in expected {
        let key = format!("{run}{name}");
        let values = match kind {
            InternalValues::Int(_) => InternalValues::Int(file.i64s(&key)?),
            InternalValues::Float(_) => InternalValues::Float(file.f64s(&key)?),
        };
        set(name, values).map_err(|reason| Error::Invalid {
            object: object.to_string(),
            reason: format!(
                "its run-time state in {} does not fit it: {reason}",
                file.label
            ),
        })?;
    }
    Ok(())
}

/// The spike state of a spiking population, checked.
struct SpikeState {
    last_spike: Vec<i64>,
    spiked: Vec<u32>,
    axonal: Vec<u32>,
    history: Vec<Vec<u32>>,
}

/// What loading changes in a population, checked.
struct PopulationLoad {
    index: usize,
    /// The state with the run-time state of the file, for a model that
    /// keeps one apart from its attributes.
    state: Option<Box<dyn NeuronState>>,
    attributes: AttrValues,
    /// Weighted sums, by target index.
    sums: Vec<(usize, Vec<f64>)>,
    spikes: Option<SpikeState>,
    /// Past values, newest first, by attribute index.
    delayed: Vec<(usize, Vec<Vec<f64>>)>,
    /// The spikes of the firing-rate window, newest first.
    rate: Option<Vec<Vec<u32>>>,
}

/// What loading changes in a projection, checked.
struct ProjectionLoad {
    index: usize,
    /// With one (zero) weight per synapse, for the state's `connect`.
    conn: Connectivity,
    /// The state, connected as `conn`, with the values of the file.
    state: Box<dyn SynapseState>,
    pending: Option<Vec<Vec<u32>>>,
    /// When the `pruning` and `creating` conditions are evaluated.
    schedules: [Option<(i64, i64)>; 2],
}

/// Everything a load changes, checked before anything is changed.
#[derive(Default)]
struct Load {
    time_step: Option<i64>,
    /// Index in the network's constants, value.
    constants: Vec<(usize, f64)>,
    populations: Vec<PopulationLoad>,
    projections: Vec<ProjectionLoad>,
    /// Per input of the BOLD monitors: stored values, end, `[mean, std, computed]`.
    bold: Vec<(Vec<f64>, i64, [f64; 3])>,
}

/// Checks the population `name` of a file against the network's
/// population `p` (of index `index`), and what loading it changes.
fn check_population(
    file: &StateFile<'_>,
    name: &str,
    p: &Population,
    index: usize,
) -> Result<PopulationLoad> {
    let prefix = format!("pop/{name}/");
    let key = |s: &str| format!("{prefix}{s}");
    let object = format!("population `{}`", p.name);
    let size = p.size();
    let dims = file.i64s(&key("meta/geometry"))?;
    if !dims
        .iter()
        .copied()
        .eq(p.geometry.dims().iter().map(|&d| d as i64))
    {
        return Err(Error::Invalid {
            object,
            reason: format!(
                "{} holds it with the geometry {dims:?}; the network's is {:?}",
                file.label,
                p.geometry.dims()
            ),
        });
    }
    let info = p.state.info();
    let attributes = attribute_values(file, &prefix, &object, info, |_, l| match l {
        Locality::Global => 1,
        _ => size,
    })?;
    let width = |attr: usize| p.state.attr(attr).len();
    let unknown = |name: &str| Error::UnknownAttribute {
        object: object.clone(),
        name: name.to_string(),
        suggestion: closest(name, info.attributes.iter().map(|a| a.name)),
    };
    let mut sums = Vec::new();
    for target in file.under(&key("sum/")) {
        let k = p.target_index(target).ok_or_else(|| Error::Invalid {
            object: object.clone(),
            reason: format!(
                "{} holds its weighted sum of the target `{target}`, which it does not receive",
                file.label
            ),
        })?;
        let values = file.f64s(&key(&format!("sum/{target}")))?;
        if values.len() != size {
            return Err(Error::SizeMismatch {
                object: object.clone(),
                attribute: format!("sum({target}) (in {})", file.label),
                expected: size,
                got: values.len(),
            });
        }
        sums.push((k, values));
    }
    let spikes = if p.spiking() {
        let last_spike = file.i64s(&key("spikes/last_spike"))?;
        if last_spike.len() != size {
            return Err(Error::SizeMismatch {
                object: object.clone(),
                attribute: format!("last_spike (in {})", file.label),
                expected: size,
                got: last_spike.len(),
            });
        }
        Some(SpikeState {
            last_spike,
            spiked: file.ranks(&key("spikes/spiked"), size)?,
            axonal: file.ranks(&key("spikes/axonal"), size)?,
            history: file.lists(&key("spikes/history"), size)?,
        })
    } else {
        None
    };
    let mut delayed = Vec::new();
    for attr in file.under(&key("delayed/")) {
        let i = info.attribute_index(attr).ok_or_else(|| unknown(attr))?;
        let k = key(&format!("delayed/{attr}"));
        let values = file.f64s(&k)?;
        let w = width(i);
        if values.is_empty() || values.len() % w != 0 {
            return Err(file.invalid(format!(
                "entry `{k}` holds {} values, not rows of {w} ({object} has {w} values of `{attr}`)",
                values.len()
            )));
        }
        delayed.push((i, values.chunks_exact(w).map(<[f64]>::to_vec).collect()));
    }
    let rate = if file.npz.contains(&key("rate/history")) {
        Some(file.lists(&key("rate/history"), size)?)
    } else {
        None
    };
    // The state checks its run-time values itself (their ranges are its
    // model's): a copy takes them, and replaces the population's state
    // when the load is applied.
    let internal = p.state.internal_state();
    let state = if internal.is_empty() {
        // Only a file holding some is refused.
        load_internal(file, &prefix, &object, internal, |name, _| {
            Err(unknown_internal(name))
        })?;
        None
    } else {
        let mut state = p.state.clone();
        load_internal(file, &prefix, &object, internal, |name, values| {
            state.set_internal_state(name, values)
        })?;
        Some(state)
    };
    Ok(PopulationLoad {
        index,
        state,
        attributes,
        sums,
        spikes,
        delayed,
        rate,
    })
}

/// Checks the projection `name` of a file against the network's
/// projection `p` (of index `index`), and what loading it changes: its
/// connectivity, delays and values, and the spikes on their way.
fn check_projection(
    file: &StateFile<'_>,
    name: &str,
    p: &Projection,
    pops: &[Population],
    index: usize,
) -> Result<ProjectionLoad> {
    let prefix = format!("proj/{name}/");
    let key = |s: &str| format!("{prefix}{s}");
    let object = format!("projection `{}`", p.name);
    let (pre, post) = (&pops[p.pre], &pops[p.post]);
    let saved = (
        file.string(&key("meta/pre"))?,
        file.string(&key("meta/post"))?,
        file.string(&key("meta/target"))?,
    );
    if (saved.0.as_str(), saved.1.as_str(), saved.2.as_str())
        != (pre.name.as_str(), post.name.as_str(), p.target.as_str())
    {
        return Err(Error::Invalid {
            object,
            reason: format!(
                "{} holds it from `{}` to `{}` on the target `{}`; in the network it goes from `{}` to `{}` on `{}`",
                file.label, saved.0, saved.1, saved.2, pre.name, post.name, p.target
            ),
        });
    }
    let post_ranks = file.ranks(&key("connectivity/post_ranks"), post.size())?;
    let sizes = file.i64s(&key("connectivity/dendrite_sizes"))?;
    let pre_ranks = file.ranks(&key("connectivity/pre_ranks"), pre.size())?;
    let mismatch = |attribute: &str, expected: usize, got: usize| Error::SizeMismatch {
        object: object.clone(),
        attribute: format!("{attribute} (in {})", file.label),
        expected,
        got,
    };
    if sizes.len() != post_ranks.len() {
        return Err(mismatch(
            "connectivity/dendrite_sizes",
            post_ranks.len(),
            sizes.len(),
        ));
    }
    let mut row_ptr = Vec::with_capacity(sizes.len() + 1);
    row_ptr.push(0usize);
    for &n in &sizes {
        let end = usize::try_from(n)
            .ok()
            .and_then(|n| row_ptr.last().and_then(|&at: &usize| at.checked_add(n)))
            .ok_or_else(|| {
                file.invalid(format!(
                    "entry `{}` holds {n}, not a number of synapses",
                    key("connectivity/dendrite_sizes")
                ))
            })?;
        row_ptr.push(end);
    }
    let ns = pre_ranks.len();
    if row_ptr.last() != Some(&ns) {
        return Err(mismatch(
            "connectivity/pre_ranks",
            row_ptr.last().copied().unwrap_or(0),
            ns,
        ));
    }
    let delay_type = file.string(&key("connectivity/delay_type"))?;
    let steps = |d: i64| {
        u32::try_from(d).map_err(|_| {
            file.invalid(format!(
                "entry `{}` holds {d}, not a delay in steps",
                key("connectivity/delays")
            ))
        })
    };
    let delays = match delay_type.as_str() {
        "none" => Delays::None,
        "uniform" => Delays::Uniform(steps(file.i64(&key("connectivity/delays"))?)?),
        "per_synapse" => {
            let d = file.i64s(&key("connectivity/delays"))?;
            if d.len() != ns {
                return Err(mismatch("connectivity/delays", ns, d.len()));
            }
            Delays::PerSynapse(d.into_iter().map(steps).collect::<Result<_>>()?)
        }
        other => {
            return Err(file.invalid(format!(
                "entry `{}` is \"{other}\", not \"none\", \"uniform\" or \"per_synapse\"",
                key("connectivity/delay_type")
            )));
        }
    };
    let conn = Connectivity {
        post_ranks,
        row_ptr,
        pre_ranks,
        weights: vec![0.0; ns],
        delays,
    };
    conn.validate(pre.size(), post.size()).map_err(|e| {
        let reason = match e {
            Error::Invalid { reason, .. } => reason,
            Error::OutOfRange { what, .. } => format!("{what} is out of range"),
            e => e.to_string(),
        };
        Error::Invalid {
            object: object.clone(),
            reason: format!("the connectivity in {} is not valid: {reason}", file.label),
        }
    })?;
    // A shared-weight projection (convolution, pooling) derives its
    // connectivity from its geometry and kernel: the file must hold the
    // same, and its kernel (a global attribute) as many values.
    let shared = p.state.as_any().is::<crate::convolution::SharedState>();
    let same = |a: &Connectivity, b: &Connectivity| {
        (&a.post_ranks, &a.row_ptr, &a.pre_ranks, &a.delays)
            == (&b.post_ranks, &b.row_ptr, &b.pre_ranks, &b.delays)
    };
    if shared && !same(&conn, &p.conn) {
        return Err(Error::Invalid {
            object,
            reason: format!(
                "the receptive fields in {} differ from the projection's, which its geometry and kernel fix",
                file.label
            ),
        });
    }
    let nd = conn.nb_dendrites();
    let info = p.state.info();
    let attributes = attribute_values(file, &prefix, &object, info, |i, l| match l {
        Locality::Global => p.state.attr(i).len(),
        Locality::SemiGlobal => nd,
        Locality::Local => ns,
    })?;
    let pending = if pre.spiking() && matches!(conn.delays, Delays::PerSynapse(_)) {
        Some(file.lists(&key("spikes/pending"), ns)?)
    } else {
        None
    };
    let mut state = p.state.clone();
    state.connect(&conn);
    for (i, values) in attributes {
        write(state.attr_mut(i), &values);
    }
    let internal = state.internal_state();
    load_internal(file, &prefix, &object, internal, |name, values| {
        state.set_internal_state(name, values)
    })?;
    let schedule = |name: &str| -> Result<Option<(i64, i64)>> {
        let k = key(name);
        if !file.npz.contains(&k) {
            return Ok(None);
        }
        match file.i64s(&k)?[..] {
            [period, offset] if period >= 1 => Ok(Some((period, offset))),
            ref other => Err(file.invalid(format!(
                "entry `{k}` holds {other:?}, not [period, offset] with a period of at least one step"
            ))),
        }
    };
    Ok(ProjectionLoad {
        index,
        conn,
        state,
        pending,
        schedules: [
            schedule("structural/pruning")?,
            schedule("structural/creating")?,
        ],
    })
}

/// The object of the file to load into an object named `name`: the one of
/// that name, or the only one the file holds.
fn pick<'n>(file: &StateFile<'_>, names: &'n [String], name: &str, kind: &str) -> Result<&'n str> {
    if let Some(n) = names.iter().find(|n| *n == name) {
        return Ok(n);
    }
    match names {
        [only] => Ok(only),
        _ => Err(file.invalid(format!(
            "holds no {kind} named `{name}` (it holds {})",
            if names.is_empty() {
                "none".to_string()
            } else {
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ))),
    }
}

impl Network {
    /// Writes the state of the network to a `.npz` file (ANNarchy's
    /// `save()`): the step, `dt`, the constants, and every population and
    /// projection, in the layout of the [module documentation](self).
    /// A missing folder of the path is created.
    ///
    /// ```
    /// use annarchy_runtime::inputs::Schedule;
    /// use annarchy_runtime::network::Network;
    /// # fn main() -> annarchy_runtime::Result<()> {
    /// let network = || -> annarchy_runtime::Result<Network> {
    ///     let mut b = Network::builder().dt(0.5)?;
    ///     let rows = vec![vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]];
    ///     b.timed_array("input", 2, rows, Schedule::Every(1.0), -1.0)?;
    ///     b.build()
    /// };
    /// let mut net = network()?;
    /// net.simulate(1.5)?;
    /// let path = std::env::temp_dir().join(format!("save-doc-{}/state.npz", std::process::id()));
    /// net.save(&path)?;
    ///
    /// let mut copy = network()?;
    /// copy.load(&path)?;
    /// assert_eq!(copy.get_current_step(), 3);
    /// let input = copy.get_population("input")?;
    /// assert_eq!(copy.get(input, "r")?, vec![3.0, 4.0]);
    /// # std::fs::remove_dir_all(path.parent().unwrap()).ok();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a path that does not end in `.npz`, an
    /// object whose name holds `/`, or a file or folder that cannot be
    /// written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        self.save_with(path, IoOptions::ALL)
    }

    /// [`Network::save`] of the populations and/or the projections only
    /// (the step, `dt` and the constants are always written).
    ///
    /// # Errors
    ///
    /// As [`Network::save`].
    pub fn save_with(&self, path: impl AsRef<Path>, options: IoOptions) -> Result<()> {
        let pops: Vec<usize> = if options.populations {
            (0..self.objects.pops.len()).collect()
        } else {
            Vec::new()
        };
        let projs: Vec<usize> = if options.projections {
            (0..self.objects.projs.len()).collect()
        } else {
            Vec::new()
        };
        self.write_state(path.as_ref(), &pops, &projs, true)
    }

    /// Writes the state of one population to a `.npz` file (ANNarchy's
    /// `Population.save()`), in the layout of a network's file without
    /// the step and the constants.
    ///
    /// # Errors
    ///
    /// As [`Network::save`].
    pub fn save_population(&self, pop: impl Into<AnyPop>, path: impl AsRef<Path>) -> Result<()> {
        self.write_state(path.as_ref(), &[pop.into().0], &[], false)
    }

    /// Writes the state of one projection to a `.npz` file (ANNarchy's
    /// `Projection.save()`), connectivity included, in the layout of a
    /// network's file without the step and the constants.
    ///
    /// # Errors
    ///
    /// As [`Network::save`].
    pub fn save_projection(&self, proj: impl Into<AnyProj>, path: impl AsRef<Path>) -> Result<()> {
        self.write_state(path.as_ref(), &[], &[proj.into().0], false)
    }

    fn write_state(
        &self,
        path: &Path,
        pops: &[usize],
        projs: &[usize],
        network: bool,
    ) -> Result<()> {
        check_extension(path)?;
        let names = pops
            .iter()
            .map(|&i| ("population", &self.objects.pops[i].name))
            .chain(
                projs
                    .iter()
                    .map(|&i| ("projection", &self.objects.projs[i].name)),
            );
        for (kind, name) in names {
            if name.contains('/') {
                return Err(Error::Invalid {
                    object: format!("{kind} `{name}`"),
                    reason: "a name holding `/` cannot be saved (it separates the parts of the entries of the file)".into(),
                });
            }
        }
        let mut out = Entries::default();
        out.push("format".into(), NpyArray::scalar_str(FORMAT));
        out.push("version".into(), NpyArray::scalar_i64(VERSION));
        out.push("dt".into(), NpyArray::scalar_f64(self.get_dt()));
        if network {
            out.push(
                "time_step".into(),
                NpyArray::scalar_i64(self.get_current_step()),
            );
            let constants = &self.objects.constants;
            let names: Vec<&str> = constants.iter().map(|(n, _)| n.as_str()).collect();
            out.push("constant_names".into(), NpyArray::strings(&names));
            out.push(
                "constant_values".into(),
                NpyArray::F64 {
                    shape: vec![constants.len()],
                    data: constants.iter().map(|(_, v)| *v).collect(),
                },
            );
            for (k, input) in self.objects.bold.iter().enumerate() {
                let (values, end, stats) = input.baseline_state();
                let key = |s: &str| format!("bold/{k}/{s}");
                out.push(
                    key("baseline"),
                    NpyArray::F64 {
                        shape: vec![values.len()],
                        data: values.to_vec(),
                    },
                );
                out.push(key("baseline_end"), NpyArray::scalar_i64(end));
                out.push(
                    key("mean_std"),
                    NpyArray::F64 {
                        shape: vec![3],
                        data: stats.to_vec(),
                    },
                );
            }
        }
        let pop_names: Vec<&str> = pops
            .iter()
            .map(|&i| self.objects.pops[i].name.as_str())
            .collect();
        let proj_names: Vec<&str> = projs
            .iter()
            .map(|&i| self.objects.projs[i].name.as_str())
            .collect();
        out.push("populations".into(), NpyArray::strings(&pop_names));
        out.push("projections".into(), NpyArray::strings(&proj_names));
        for &i in pops {
            save_population(&self.objects.pops[i], &mut out);
        }
        for &i in projs {
            save_projection(&self.objects.projs[i], &self.objects.pops, &mut out);
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::Invalid {
                object: format!("folder `{}`", dir.display()),
                reason: format!("cannot be created: {e}"),
            })?;
        }
        write_npz(path, &out.0)
    }

    /// Restores the state saved by [`Network::save`] (ANNarchy's
    /// `load()`): the step, the constants, and each population and
    /// projection of the file into the object of the same name; a
    /// projection takes the connectivity of the file. The network then
    /// simulates as the saved one would have (see the [module
    /// documentation](self) for what is not saved).
    ///
    /// ```
    /// use annarchy_runtime::inputs::Schedule;
    /// use annarchy_runtime::network::Network;
    /// # fn main() -> annarchy_runtime::Result<()> {
    /// let mut b = Network::builder();
    /// b.timed_array("input", 3, vec![vec![1.0, 2.0, 3.0]], Schedule::Every(0.0), -1.0)?;
    /// let mut net = b.build()?;
    /// net.simulate(10.0)?;
    /// let path = std::env::temp_dir().join(format!("load-doc-{}.npz", std::process::id()));
    /// net.save(&path)?;
    /// net.simulate(10.0)?;
    /// net.load(&path)?;
    /// assert_eq!(net.get_time(), 10.0);
    /// // Anything but a state file is an error, and changes nothing.
    /// std::fs::write(&path, b"not a zip archive").expect("written");
    /// assert!(net.load(&path).is_err());
    /// assert_eq!(net.get_time(), 10.0);
    /// # std::fs::remove_file(&path).ok();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a path that does not end in `.npz`, a file
    /// that cannot be read, is not a `.npz` written by `save` (truncated,
    /// damaged, another layout), lacks an entry, was saved with another
    /// `dt`, or whose objects do not fit the network's (geometry,
    /// connected populations, connectivity out of range);
    /// [`Error::UnknownObject`] for an object or constant the network does
    /// not have; [`Error::UnknownAttribute`] for an attribute its object
    /// does not have; [`Error::SizeMismatch`] for values that do not fit
    /// their attribute. The network is then left unchanged.
    pub fn load(&mut self, path: impl AsRef<Path>) -> Result<()> {
        self.load_with(path, IoOptions::ALL)
    }

    /// [`Network::load`] of the populations and/or the projections of the
    /// file only (the step and the constants are always restored).
    ///
    /// # Errors
    ///
    /// As [`Network::load`].
    pub fn load_with(&mut self, path: impl AsRef<Path>, options: IoOptions) -> Result<()> {
        let load = read_checked(path.as_ref(), self.get_dt(), |file| {
            self.plan_load(file, options)
        })?;
        self.apply(load)
    }

    /// Checks a whole file against the network ([`Network::load_with`]).
    fn plan_load(&self, file: &StateFile<'_>, options: IoOptions) -> Result<Load> {
        let mut load = Load::default();
        if file.npz.contains("time_step") {
            load.time_step = Some(file.i64("time_step")?);
        }
        if file.npz.contains("constant_names") {
            let names = file.strings("constant_names")?;
            let values = file.f64s("constant_values")?;
            if values.len() != names.len() {
                return Err(file.invalid(format!(
                    "holds {} constant names and {} values",
                    names.len(),
                    values.len()
                )));
            }
            for (name, v) in names.into_iter().zip(values) {
                let index = self
                    .objects
                    .constants
                    .iter()
                    .position(|(n, _)| *n == name)
                    .ok_or(Error::UnknownObject {
                        kind: "constant",
                        name,
                    })?;
                load.constants.push((index, v));
            }
        }
        let inputs = file
            .npz
            .names()
            .filter(|n| n.starts_with("bold/") && n.ends_with("/baseline_end"))
            .count();
        if inputs > 0 && inputs != self.objects.bold.len() {
            return Err(file.invalid(format!(
                "holds the baselines of {inputs} BOLD inputs; the network has {}",
                self.objects.bold.len()
            )));
        }
        for k in 0..inputs {
            let key = |s: &str| format!("bold/{k}/{s}");
            let stats: [f64; 3] =
                file.f64s(&key("mean_std"))?
                    .try_into()
                    .map_err(|v: Vec<f64>| {
                        file.invalid(format!(
                            "entry `{}` holds {} values, not [mean, std, computed]",
                            key("mean_std"),
                            v.len()
                        ))
                    })?;
            load.bold.push((
                file.f64s(&key("baseline"))?,
                file.i64(&key("baseline_end"))?,
                stats,
            ));
        }
        if options.populations {
            for name in file.names("populations")? {
                let index = self.get_population(&name)?.0;
                let p = &self.objects.pops[index];
                load.populations
                    .push(check_population(file, &name, p, index)?);
            }
        }
        if options.projections {
            for name in file.names("projections")? {
                let index = self.get_projection(&name)?.0;
                let p = &self.objects.projs[index];
                load.projections
                    .push(check_projection(file, &name, p, &self.objects.pops, index)?);
            }
        }
        Ok(load)
    }

    /// Restores the state of one population from a file written by
    /// [`Network::save_population`] or [`Network::save`] (ANNarchy's
    /// `Population.load()`): the file's population of the same name, or
    /// its only population.
    ///
    /// # Errors
    ///
    /// As [`Network::load`]; the network is then left unchanged.
    pub fn load_population(
        &mut self,
        pop: impl Into<AnyPop>,
        path: impl AsRef<Path>,
    ) -> Result<()> {
        let index = pop.into().0;
        let load = read_checked(path.as_ref(), self.get_dt(), |file| {
            let names = file.names("populations")?;
            let p = &self.objects.pops[index];
            let name = pick(file, &names, &p.name, "population")?;
            Ok(Load {
                populations: vec![check_population(file, name, p, index)?],
                ..Load::default()
            })
        })?;
        self.apply(load)
    }

    /// Restores the state of one projection, connectivity included, from
    /// a file written by [`Network::save_projection`] or [`Network::save`]
    /// (ANNarchy's `Projection.load()`): the file's projection of the same
    /// name, or its only projection.
    ///
    /// # Errors
    ///
    /// As [`Network::load`]; the network is then left unchanged.
    pub fn load_projection(
        &mut self,
        proj: impl Into<AnyProj>,
        path: impl AsRef<Path>,
    ) -> Result<()> {
        let index = proj.into().0;
        let load = read_checked(path.as_ref(), self.get_dt(), |file| {
            let names = file.names("projections")?;
            let p = &self.objects.projs[index];
            let name = pick(file, &names, &p.name, "projection")?;
            Ok(Load {
                projections: vec![check_projection(file, name, p, &self.objects.pops, index)?],
                ..Load::default()
            })
        })?;
        self.apply(load)
    }

    /// Applies a checked load: nothing here fails (the constants were
    /// resolved at build and only their values change).
    fn apply(&mut self, load: Load) -> Result<()> {
        let objects = &mut self.objects;
        for l in load.projections {
            let proj = &mut objects.projs[l.index];
            let mut conn = l.conn;
            conn.weights = Vec::new();
            proj.rewire(conn, l.state, &mut objects.pops);
            if let Some(pending) = l.pending {
                proj.set_pending_events(pending);
            }
            proj.structural.set_schedules(l.schedules);
        }
        for l in load.populations {
            let pop = &mut objects.pops[l.index];
            if let Some(state) = l.state {
                pop.state = state;
            }
            for (i, values) in l.attributes {
                write(pop.state.attr_mut(i), &values);
            }
            for s in &mut pop.sums {
                s.fill(0.0);
            }
            for (k, values) in l.sums {
                pop.sums[k].copy_from_slice(&values);
            }
            if let Some(s) = l.spikes {
                pop.last_spike = s.last_spike;
                pop.spiked.clear();
                pop.spiked.extend_from_slice(&s.spiked);
                pop.axonal.clear();
                pop.axonal.extend_from_slice(&s.axonal);
                pop.set_spike_history(s.history);
            }
            let Population { state, rings, .. } = pop;
            for ring in rings.iter_mut() {
                match l.delayed.iter().find(|(i, _)| *i == ring.attr) {
                    Some((_, history)) => ring.set_history(history),
                    None => ring.fill(state.attr(ring.attr)),
                }
            }
            pop.set_rate_history(l.rate.unwrap_or_default());
            pop.state.update_global_ops();
        }
        for (input, (values, end, stats)) in objects.bold.iter_mut().zip(load.bold) {
            input.set_baseline_state(values, end, stats);
        }
        if let Some(t) = load.time_step {
            self.set_current_step(t);
        }
        if load.constants.is_empty() {
            return Ok(());
        }
        for (i, v) in load.constants {
            self.objects.constants[i].1 = v;
        }
        self.objects.resolve_constants()
    }
}

/// Copies checked values (as many as the storage holds) into an attribute.
fn write(mut target: AttrMut<'_>, values: &[f64]) {
    target.copy_from(values);
}
