//! Reader for the reference cases of `shared/reference` (format 1).
//!
//! A reference case is a pair `NAME.json` (the network, the stimulus and what was recorded) and
//! `NAME.csv` (the values recorded by ANNarchy, one row per simulated step). The format is
//! described in `shared/reference/README.md`; this module parses a case into plain Rust types,
//! checks every rule of that description and compares simulated traces against the CSV.
//!
//! The reader is written for the format, not for particular files: any well-formed case is
//! accepted, whatever its models, parameters or stimuli.
//!
//! JSON objects are read with their key order preserved (`serde_json` is used without its
//! `preserve_order` feature, so a small order-preserving front end walks the text; every leaf
//! value is still parsed by `serde_json`).

// Integration tests that include this helper use only part of it.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Environment variable naming a folder of reference cases to use instead of the default one.
pub const REFERENCE_DIR_ENV: &str = "ANNARCHY_REFERENCE_DIR";

/// Names of ANNarchy's input populations, which carry their stimulus in extra keys.
pub const INPUT_MODELS: [&str; 3] = ["SpikeSourceArray", "InputArray", "TimedArray"];

/// Standard ANNarchy model names that a custom model may not shadow (neurons, inputs and
/// synapses). The list is not exhaustive: it holds the standard models this format names.
pub const STANDARD_MODELS: [&str; 17] = [
    "LeakyIntegrator",
    "Izhikevich",
    "IF_curr_exp",
    "IF_cond_exp",
    "IF_curr_alpha",
    "IF_cond_alpha",
    "HH_cond_exp",
    "EIF_cond_exp_isfa_ista",
    "EIF_cond_alpha_isfa_ista",
    "SpikeSourceArray",
    "InputArray",
    "TimedArray",
    "STDP",
    "STP",
    "Hebb",
    "Oja",
    "IBCM",
];

/// Keys of a case's JSON object that every case has (`columns_before_update` is handled apart).
const TOP_LEVEL_KEYS: [&str; 16] = [
    "format",
    "name",
    "description",
    "paradigm",
    "dt",
    "steps",
    "populations",
    "projections",
    "custom_models",
    "events",
    "record",
    "columns",
    "row_semantics",
    "tolerance",
    "annarchy_version",
    "notes",
];

/// Relative tolerance on the `t` column (`t = k*dt`).
const TIME_RTOL: f64 = 1e-9;

/// Maximum number of mismatches listed by [`compare`].
const MAX_REPORTED_MISMATCHES: usize = 10;

/// Whether a case is rate-coded or spiking (`"paradigm"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Paradigm {
    /// `"rate"`
    Rate,
    /// `"spike"`
    Spike,
}

/// A value in a population's `parameters` / `init`, or an event's `value`: one number for every
/// neuron, or one number per neuron (rank order).
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    /// The same value for every neuron.
    Scalar(f64),
    /// One value per neuron, in rank order.
    List(Vec<f64>),
}

impl Number {
    /// The value for neuron `rank`: the scalar, or the list entry (`None` past the list's end).
    pub fn at(&self, rank: usize) -> Option<f64> {
        match self {
            Number::Scalar(x) => Some(*x),
            Number::List(values) => values.get(rank).copied(),
        }
    }

    /// The values of `n` neurons: the scalar repeated, or the list when it has `n` entries.
    pub fn expand(&self, n: usize) -> Option<Vec<f64>> {
        match self {
            Number::Scalar(x) => Some(vec![*x; n]),
            Number::List(values) if values.len() == n => Some(values.clone()),
            Number::List(_) => None,
        }
    }

    /// The scalar value, if this is a scalar.
    pub fn as_scalar(&self) -> Option<f64> {
        match self {
            Number::Scalar(x) => Some(*x),
            Number::List(_) => None,
        }
    }
}

/// One reference case: `NAME.json` and the data of `NAME.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Identifier, equal to the file stem.
    pub name: String,
    /// One sentence describing the case.
    pub description: String,
    /// Rate-coded or spiking.
    pub paradigm: Paradigm,
    /// Step in ms.
    pub dt: f64,
    /// Number of simulated steps, equal to the number of CSV rows.
    pub steps: usize,
    /// Populations, in creation order.
    pub populations: Vec<PopulationSpec>,
    /// Projections, in creation order.
    pub projections: Vec<ProjectionSpec>,
    /// Custom neuron and synapse models, in JSON order.
    pub custom_models: Vec<CustomModel>,
    /// Changes made between steps, sorted by step.
    pub events: Vec<Event>,
    /// What was recorded.
    pub record: Vec<RecordSpec>,
    /// The CSV columns after `t`, parsed from their names.
    pub columns: Vec<Column>,
    /// Which state row k holds.
    pub row_semantics: RowSemantics,
    /// Tolerance for the comparison of state columns.
    pub tolerance: Tolerance,
    /// The ANNarchy release that produced the CSV.
    pub annarchy_version: String,
    /// Anything else that matters to reproduce the case.
    pub notes: String,
    /// The CSV values, `steps` rows of `1 + columns.len()` values (the `t` column first).
    pub data: Vec<Vec<f64>>,
}

/// A population of the case.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationSpec {
    /// Unique name.
    pub name: String,
    /// A standard model name, an input model (see [`INPUT_MODELS`]) or a custom model name.
    pub model: String,
    /// Number of neurons.
    pub size: usize,
    /// Optional geometry; its product equals `size`.
    pub geometry: Option<Vec<usize>>,
    /// Parameter values, in JSON order; parameters not listed keep the model's defaults.
    pub parameters: Vec<(String, Number)>,
    /// Initial values of variables, in JSON order.
    pub init: Vec<(String, Number)>,
    /// The stimulus of an input population (`Some` exactly for the models of [`INPUT_MODELS`]).
    pub input: Option<InputSpec>,
}

impl PopulationSpec {
    /// The value given to parameter `name` in `parameters`, if any.
    pub fn parameter(&self, name: &str) -> Option<&Number> {
        lookup(&self.parameters, name)
    }

    /// The initial value given to variable `name` in `init`, if any.
    pub fn init_value(&self, name: &str) -> Option<&Number> {
        lookup(&self.init, name)
    }
}

/// The stimulus of an input population.
// The variants are named after ANNarchy's classes, which all end in `Array`.
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, PartialEq)]
pub enum InputSpec {
    /// `SpikeSourceArray`: one list of spike times (ms) per neuron; see [`spike_steps`].
    SpikeSourceArray {
        /// Spike times in ms, one list per neuron.
        spike_times: Vec<Vec<f64>>,
    },
    /// `InputArray`: the value of `r` from step 0.
    InputArray {
        /// Initial `r`, for every neuron or per neuron.
        r: Number,
    },
    /// `TimedArray`: rows of rates, each shown for `schedule` ms.
    TimedArray {
        /// Rows of `size` rates.
        rates: Vec<Vec<f64>>,
        /// Duration of each row in ms.
        schedule: f64,
        /// Period after which the sequence restarts, in ms; `-1` (or any negative value): no
        /// repetition, the last row is kept. `-1` when the key is absent.
        period: f64,
    },
}

/// A projection of the case.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionSpec {
    /// Unique name.
    pub name: String,
    /// Name of the presynaptic population.
    pub pre: String,
    /// Name of the postsynaptic population.
    pub post: String,
    /// Target (`exc`, `inh`, ...): the projection feeds `sum(target)` / `g_target`.
    pub target: String,
    /// `None` for ANNarchy's default synapse, else a standard or custom synapse model name.
    pub synapse: Option<String>,
    /// Synapse parameter values, in JSON order.
    pub parameters: Vec<(String, ParamValue)>,
    /// Initial values of synaptic variables other than `w`, in JSON order.
    pub init: Vec<(String, ParamValue)>,
    /// How the synapses are created, with their weights and delays.
    pub connector: ConnectorSpec,
}

impl ProjectionSpec {
    /// The value given to synapse parameter `name` in `parameters`, if any.
    pub fn parameter(&self, name: &str) -> Option<&ParamValue> {
        lookup(&self.parameters, name)
    }

    /// The initial value given to synaptic variable `name` in `init`, if any.
    pub fn init_value(&self, name: &str) -> Option<&ParamValue> {
        lookup(&self.init, name)
    }
}

/// A value in a projection's `parameters` / `init`.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// The same value for every synapse.
    Scalar(f64),
    /// One value per synapse, `post.size` rows of `pre.size` values.
    Matrix(Vec<Vec<f64>>),
    /// A flat list (the format does not give it a meaning; kept as written).
    List(Vec<f64>),
}

impl ParamValue {
    /// The value of synapse `(post, pre)` for a scalar or a matrix (`None` for a flat list or
    /// out-of-range indices).
    pub fn at(&self, post: usize, pre: usize) -> Option<f64> {
        match self {
            ParamValue::Scalar(x) => Some(*x),
            ParamValue::Matrix(rows) => rows.get(post)?.get(pre).copied(),
            ParamValue::List(_) => None,
        }
    }
}

/// The `connector` of a projection.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectorSpec {
    /// The connector `type`: `"one_to_one"`, `"all_to_all"`, `"from_matrix"` or any other
    /// string, kept as is.
    pub kind: String,
    /// Synaptic weights.
    pub weights: WeightSpec,
    /// Synaptic delays in ms (`0` means no `delays` argument was given to ANNarchy).
    pub delays: WeightSpec,
    /// Every other key of the connector, in JSON order.
    pub extra: Vec<(String, Value)>,
}

/// Weights or delays of a connector.
#[derive(Debug, Clone, PartialEq)]
pub enum WeightSpec {
    /// The same value for every synapse.
    Scalar(f64),
    /// `post.size` rows of `pre.size` entries; `None` (JSON `null`) means no synapse.
    Matrix(Vec<Vec<Option<f64>>>),
}

impl WeightSpec {
    /// The value for synapse `(post, pre)`: the scalar, or the matrix entry (`None` for a
    /// `null` entry or out-of-range indices).
    pub fn at(&self, post: usize, pre: usize) -> Option<f64> {
        match self {
            WeightSpec::Scalar(x) => Some(*x),
            WeightSpec::Matrix(rows) => rows.get(post)?.get(pre).copied().flatten(),
        }
    }

    /// The scalar value, if this is a scalar.
    pub fn as_scalar(&self) -> Option<f64> {
        match self {
            WeightSpec::Scalar(x) => Some(*x),
            WeightSpec::Matrix(_) => None,
        }
    }
}

/// Whether a custom model is a neuron or a synapse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelKind {
    /// `"neuron"`
    Neuron,
    /// `"synapse"`
    Synapse,
}

/// A custom model (entry of `custom_models`).
#[derive(Debug, Clone, PartialEq)]
pub struct CustomModel {
    /// The model name, used in `populations[].model` or `projections[].synapse`.
    pub name: String,
    /// Neuron or synapse.
    pub kind: ModelKind,
    /// The model's strings (`"parameters"`, `"equations"`, `"spike"`, `"reset"`, ...), exactly
    /// as given to ANNarchy, in JSON order.
    pub blocks: Vec<(String, String)>,
}

impl CustomModel {
    /// The text of block `key` (`"equations"`, `"spike"`, ...), if present.
    pub fn block(&self, key: &str) -> Option<&str> {
        lookup(&self.blocks, key).map(String::as_str)
    }

    /// Whether this is a spiking neuron model (it has a `"spike"` block).
    pub fn is_spiking(&self) -> bool {
        self.kind == ModelKind::Neuron && self.block("spike").is_some()
    }
}

/// A change made between steps: before step `step` is computed, `attribute` of `object` is set.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The step before which the change is applied (`0 <= step < steps`).
    pub step: usize,
    /// Name of a population or projection.
    pub object: String,
    /// A parameter or a variable of the object.
    pub attribute: String,
    /// The new value, for every neuron or per neuron.
    pub value: Number,
}

/// One entry of `record`.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordSpec {
    /// Name of a population or projection.
    pub object: String,
    /// Recorded variables.
    pub variables: Vec<String>,
    /// Recorded ranks.
    pub ranks: Vec<RecordRank>,
}

/// A recorded rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordRank {
    /// A neuron rank of a population, or a post rank of a projection (per-dendrite variable).
    Neuron(usize),
    /// A synapse of a projection, by its post and pre neuron ranks.
    Synapse {
        /// Rank in the postsynaptic population.
        post: usize,
        /// Rank in the presynaptic population.
        pre: usize,
    },
}

impl fmt::Display for RecordRank {
    /// Formats the rank as it appears between the brackets of a column name (`3`, `0,1`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordRank::Neuron(rank) => write!(f, "{rank}"),
            RecordRank::Synapse { post, pre } => write!(f, "{post},{pre}"),
        }
    }
}

/// A CSV column after `t`, parsed from its name `OBJECT.VARIABLE[RANK]` or
/// `OBJECT.VARIABLE[POST,PRE]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Column {
    /// Population or projection name.
    pub object: String,
    /// Variable name (`spike` for spike columns).
    pub variable: String,
    /// Neuron or synapse rank.
    pub rank: RecordRank,
    /// Whether the column is listed in `columns_before_update` (recorded at the start of the
    /// step, before the neuron update).
    pub before_update: bool,
}

impl Column {
    /// Parses a column name `OBJECT.VARIABLE[RANK]` or `OBJECT.VARIABLE[POST,PRE]` (the
    /// variable is the part after the last `.`). `before_update` is `false`.
    pub fn parse(name: &str) -> Result<Column, String> {
        let malformed = || {
            format!(
                "column name {name:?} is not OBJECT.VARIABLE[RANK] or OBJECT.VARIABLE[POST,PRE]"
            )
        };
        let (head, rank_text) = name
            .strip_suffix(']')
            .and_then(|s| s.rsplit_once('['))
            .ok_or_else(malformed)?;
        let (object, variable) = head.rsplit_once('.').ok_or_else(malformed)?;
        if object.is_empty() || variable.is_empty() {
            return Err(malformed());
        }
        let rank = match rank_text.split_once(',') {
            None => RecordRank::Neuron(parse_rank(rank_text).ok_or_else(malformed)?),
            Some((post, pre)) => RecordRank::Synapse {
                post: parse_rank(post).ok_or_else(malformed)?,
                pre: parse_rank(pre).ok_or_else(malformed)?,
            },
        };
        let column = Column {
            object: object.to_owned(),
            variable: variable.to_owned(),
            rank,
            before_update: false,
        };
        if column.name() != name {
            return Err(format!(
                "column name {name:?} is not in canonical form (expected {:?})",
                column.name()
            ));
        }
        Ok(column)
    }

    /// The column name as written in the CSV header.
    pub fn name(&self) -> String {
        format!("{}.{}[{}]", self.object, self.variable, self.rank)
    }

    /// Whether this is a spike column (variable `spike`), which must match exactly.
    pub fn is_spike(&self) -> bool {
        self.variable == "spike"
    }
}

/// A rank written in decimal digits only.
fn parse_rank(text: &str) -> Option<usize> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Which state row k of the CSV holds (`"row_semantics"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowSemantics {
    /// `"after_step"`: the state at the end of step k.
    AfterStep,
    /// `"after_step_g_before_update"`: as `AfterStep`, except the columns with
    /// [`Column::before_update`], recorded at the start of step k.
    AfterStepGBeforeUpdate,
}

/// Tolerance for comparing state columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Relative tolerance, on the simulated value.
    pub rtol: f64,
    /// Absolute tolerance.
    pub atol: f64,
}

impl Tolerance {
    /// Whether `expected` (CSV) matches `actual` (simulated): `|expected - actual| <= atol +
    /// rtol * |actual|`. A non-finite value matches only the same non-finite value (`inf` with
    /// `inf`, `-inf` with `-inf`, `nan` with `nan`).
    pub fn matches(&self, expected: f64, actual: f64) -> bool {
        if !expected.is_finite() || !actual.is_finite() {
            return (expected.is_nan() && actual.is_nan()) || expected == actual;
        }
        (expected - actual).abs() <= self.atol + self.rtol * actual.abs()
    }
}

impl Case {
    /// The values of column `c` (an index into [`Case::columns`], so the `t` column excluded)
    /// over the rows.
    ///
    /// # Panics
    ///
    /// Panics if `c >= self.columns.len()`.
    pub fn column_values(&self, c: usize) -> impl Iterator<Item = f64> + '_ {
        assert!(
            c < self.columns.len(),
            "column index {c} out of range ({} columns)",
            self.columns.len()
        );
        self.data.iter().map(move |row| row[c + 1])
    }

    /// The `t` value (ms) of row `row`, if it exists.
    pub fn time(&self, row: usize) -> Option<f64> {
        self.data
            .get(row)
            .and_then(|values| values.first().copied())
    }

    /// The index in [`Case::columns`] of the column `object.variable[rank]`, if recorded.
    pub fn column_index(&self, object: &str, variable: &str, rank: RecordRank) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.object == object && c.variable == variable && c.rank == rank)
    }

    /// The population named `name`, if any.
    pub fn population(&self, name: &str) -> Option<&PopulationSpec> {
        self.populations.iter().find(|p| p.name == name)
    }

    /// The projection named `name`, if any.
    pub fn projection(&self, name: &str) -> Option<&ProjectionSpec> {
        self.projections.iter().find(|p| p.name == name)
    }

    /// The custom model named `name`, if any.
    pub fn custom_model(&self, name: &str) -> Option<&CustomModel> {
        self.custom_models.iter().find(|m| m.name == name)
    }

    /// The events applied before step `step` is computed, in listed order.
    pub fn events_at(&self, step: usize) -> impl Iterator<Item = &Event> + '_ {
        self.events.iter().filter(move |e| e.step == step)
    }
}

/// The step during which a `SpikeSourceArray` emits a spike at `t_ms`: `round(t/dt)` in double
/// precision with ties to even (as Python's `round`). `None` when the result is negative or not
/// finite.
pub fn spike_step(t_ms: f64, dt: f64) -> Option<usize> {
    let step = (t_ms / dt).round_ties_even();
    // `as` saturates; the bound keeps the conversion exact.
    (0.0..9.0e15).contains(&step).then_some(step as usize)
}

/// The sorted, deduplicated steps during which a `SpikeSourceArray` neuron with spike times
/// `times` (ms) emits a spike (several times in the same step give one spike; times mapping to
/// no valid step are dropped).
pub fn spike_steps(times: &[f64], dt: f64) -> Vec<usize> {
    let mut steps: Vec<usize> = times.iter().filter_map(|&t| spike_step(t, dt)).collect();
    steps.sort_unstable();
    steps.dedup();
    steps
}

/// The folder of reference cases: `$ANNARCHY_REFERENCE_DIR` when set (and not empty), else
/// `<crate root>/../shared/reference`.
pub fn reference_dir() -> PathBuf {
    match std::env::var_os(REFERENCE_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference"),
    }
}

/// Every `*.json` file of `dir` except a `README`, sorted by file name.
pub fn list_cases(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read reference folder {}: {e}", dir.display()))?;
    let mut cases = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read reference folder {}: {e}", dir.display()))?
            .path();
        let is_json = path.extension().is_some_and(|ext| ext == "json");
        let is_readme = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .is_some_and(|stem| stem.eq_ignore_ascii_case("readme"));
        if is_json && !is_readme && path.is_file() {
            cases.push(path);
        }
    }
    cases.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(cases)
}

/// Reads the case `json_path` (`NAME.json`) and its sibling `NAME.csv`, checking every rule of
/// the format. Errors name the case and say what is wrong.
pub fn load_case(json_path: &Path) -> Result<Case, String> {
    let stem = json_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse_case_files(json_path, &stem)
        .map_err(|e| format!("reference case `{stem}` ({}): {e}", json_path.display()))
}

/// Compares `simulated` (rows x columns, in the order of [`Case::columns`], without the `t`
/// column) against the CSV. Spike columns must match exactly, the others within
/// [`Case::tolerance`]. On mismatch, the error has a summary line followed by the first
/// mismatches (at most 10 lines: row, time, column name, expected, got), in row order.
pub fn compare(case: &Case, simulated: &[Vec<f64>]) -> Result<(), String> {
    if simulated.len() != case.data.len() {
        return Err(format!(
            "case `{}`: simulated {} rows, the reference has {}",
            case.name,
            simulated.len(),
            case.data.len()
        ));
    }
    let width = case.columns.len();
    if let Some((row, values)) = simulated.iter().enumerate().find(|(_, v)| v.len() != width) {
        return Err(format!(
            "case `{}`: simulated row {row} has {} values, expected {width} (columns without `t`)",
            case.name,
            values.len()
        ));
    }
    let mut count = 0usize;
    let mut lines = Vec::new();
    for (row, (expected_row, got_row)) in case.data.iter().zip(simulated).enumerate() {
        let t = expected_row.first().copied().unwrap_or(f64::NAN);
        for (c, column) in case.columns.iter().enumerate() {
            let expected = expected_row.get(c + 1).copied().unwrap_or(f64::NAN);
            let got = got_row[c];
            let ok = if column.is_spike() {
                expected == got
            } else {
                case.tolerance.matches(expected, got)
            };
            if !ok {
                count += 1;
                if lines.len() < MAX_REPORTED_MISMATCHES {
                    lines.push(format!(
                        "  row {row} (t = {t} ms) {}: expected {expected}, got {got} (diff {})",
                        column.name(),
                        got - expected
                    ));
                }
            }
        }
    }
    if count == 0 {
        return Ok(());
    }
    Err(format!(
        "case `{}`: {count} of {} values differ (rtol = {}, atol = {}, spike columns exact); first {}:\n{}",
        case.name,
        case.data.len() * width,
        case.tolerance.rtol,
        case.tolerance.atol,
        lines.len(),
        lines.join("\n")
    ))
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/// A population or a projection, as named by `record` and `events`.
#[derive(Clone, Copy)]
enum Object<'a> {
    Population(&'a PopulationSpec),
    Projection {
        projection: &'a ProjectionSpec,
        pre_size: usize,
        post_size: usize,
    },
}

fn parse_case_files(json_path: &Path, stem: &str) -> Result<Case, String> {
    let text = std::fs::read_to_string(json_path).map_err(|e| format!("cannot read JSON: {e}"))?;
    let root = json::parse(&text)?;
    let root = Obj::new(&root, "")?;

    let semantics_key_present = root.get("columns_before_update").is_some();
    let mut allowed: Vec<&str> = TOP_LEVEL_KEYS.to_vec();
    allowed.push("columns_before_update");
    root.check_keys(&allowed)?;
    let missing: Vec<&str> = TOP_LEVEL_KEYS
        .into_iter()
        .filter(|key| root.get(key).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(format!("missing keys {missing:?}"));
    }

    let format = root.f64("format")?;
    if format != 1.0 {
        return Err(format!("format is {format}, only format 1 is supported"));
    }
    let name = root.str("name")?.to_owned();
    if name != stem {
        return Err(format!("name {name:?} differs from the file stem {stem:?}"));
    }
    let description = root.str("description")?.to_owned();
    let paradigm = match root.str("paradigm")? {
        "rate" => Paradigm::Rate,
        "spike" => Paradigm::Spike,
        other => {
            return Err(format!(
                "paradigm {other:?} is neither \"rate\" nor \"spike\""
            ));
        }
    };
    let dt = root.f64("dt")?;
    if !(dt.is_finite() && dt > 0.0) {
        return Err(format!("dt = {dt} is not a positive number"));
    }
    let steps = root.usize("steps")?;
    if steps == 0 {
        return Err("steps is 0".to_owned());
    }

    let custom_models = parse_custom_models(root.req("custom_models")?)?;
    let populations = parse_populations(root.array("populations")?, &custom_models)?;
    let projections = parse_projections(root.array("projections")?, &populations, &custom_models)?;

    let mut objects: HashMap<&str, Object<'_>> = HashMap::new();
    for population in &populations {
        objects.insert(&population.name, Object::Population(population));
    }
    for projection in &projections {
        let size = |name: &str| populations.iter().find(|p| p.name == name).map(|p| p.size);
        let (Some(pre_size), Some(post_size)) = (size(&projection.pre), size(&projection.post))
        else {
            return Err(format!(
                "projection {:?}: unknown population",
                projection.name
            ));
        };
        if objects
            .insert(
                &projection.name,
                Object::Projection {
                    projection,
                    pre_size,
                    post_size,
                },
            )
            .is_some()
        {
            return Err(format!(
                "projection name {:?} is also a population name",
                projection.name
            ));
        }
    }

    let events = parse_events(root.array("events")?, steps, &objects)?;
    let record = parse_record(root.array("record")?, &objects)?;

    let header = string_list(root.req("columns")?, "columns")?;
    let row_semantics = match root.str("row_semantics")? {
        "after_step" => RowSemantics::AfterStep,
        "after_step_g_before_update" => RowSemantics::AfterStepGBeforeUpdate,
        other => {
            return Err(format!(
                "row_semantics {other:?} is neither \"after_step\" nor \"after_step_g_before_update\""
            ));
        }
    };
    let before_update = match (row_semantics, semantics_key_present) {
        (RowSemantics::AfterStepGBeforeUpdate, true) => {
            string_list(root.req("columns_before_update")?, "columns_before_update")?
        }
        (RowSemantics::AfterStepGBeforeUpdate, false) => {
            return Err(
                "missing key \"columns_before_update\" (required with row_semantics \
                 \"after_step_g_before_update\")"
                    .to_owned(),
            );
        }
        (RowSemantics::AfterStep, true) => {
            return Err(
                "key \"columns_before_update\" is only allowed with row_semantics \
                 \"after_step_g_before_update\""
                    .to_owned(),
            );
        }
        (RowSemantics::AfterStep, false) => Vec::new(),
    };
    let columns = parse_columns(&header, &before_update, &record, &objects)?;

    let tolerance = parse_tolerance(root.req("tolerance")?)?;
    let annarchy_version = root.str("annarchy_version")?.to_owned();
    let notes = root.str("notes")?.to_owned();

    let csv_path = json_path.with_extension("csv");
    let data = read_csv(&csv_path, &header, &columns, steps, dt)?;

    Ok(Case {
        name,
        description,
        paradigm,
        dt,
        steps,
        populations,
        projections,
        custom_models,
        events,
        record,
        columns,
        row_semantics,
        tolerance,
        annarchy_version,
        notes,
        data,
    })
}

fn parse_custom_models(value: &json::Json) -> Result<Vec<CustomModel>, String> {
    let models = Obj::new(value, "custom_models")?;
    let mut out = Vec::new();
    for (name, model) in models.members {
        let path = format!("custom_models.{name}");
        if name.is_empty() {
            return Err("custom_models: empty model name".to_owned());
        }
        if STANDARD_MODELS.contains(&name.as_str()) {
            return Err(format!(
                "{path}: custom model shadows the standard model {name:?}"
            ));
        }
        let model = Obj::new(model, &path)?;
        let kind = match model.str("kind")? {
            "neuron" => ModelKind::Neuron,
            "synapse" => ModelKind::Synapse,
            other => {
                return Err(format!(
                    "{path}.kind: {other:?} is neither \"neuron\" nor \"synapse\""
                ));
            }
        };
        let mut blocks = Vec::new();
        for (key, text) in model.members {
            if key != "kind" {
                let text = json::as_str(text, &format!("{path}.{key}"))?;
                blocks.push((key.clone(), text.to_owned()));
            }
        }
        let model = CustomModel {
            name: name.clone(),
            kind,
            blocks,
        };
        if model.kind == ModelKind::Neuron
            && model.block("spike").is_some()
            && model.block("reset").is_none()
        {
            return Err(format!(
                "{path}: a spiking neuron (with \"spike\") must have a \"reset\" key"
            ));
        }
        out.push(model);
    }
    Ok(out)
}

fn parse_populations(
    list: &[json::Json],
    custom_models: &[CustomModel],
) -> Result<Vec<PopulationSpec>, String> {
    let mut out: Vec<PopulationSpec> = Vec::new();
    for (i, value) in list.iter().enumerate() {
        let path = format!("populations[{i}]");
        let obj = Obj::new(value, &path)?;
        let name = obj.str("name")?.to_owned();
        let path = format!("population {name:?}");
        let obj = Obj::new(value, &path)?;
        if name.is_empty() {
            return Err(format!("{path}: empty name"));
        }
        if out.iter().any(|p| p.name == name) {
            return Err(format!("population name {name:?} is used twice"));
        }
        let model = obj.str("model")?.to_owned();
        let input_keys: &[&str] = match model.as_str() {
            "SpikeSourceArray" => &["spike_times"],
            "InputArray" => &["r"],
            "TimedArray" => &["rates", "schedule", "period"],
            _ => &[],
        };
        let mut allowed = vec!["name", "model", "size", "geometry", "parameters", "init"];
        allowed.extend_from_slice(input_keys);
        obj.check_keys(&allowed)?;
        if let Some(custom) = custom_models.iter().find(|m| m.name == model)
            && custom.kind != ModelKind::Neuron
        {
            return Err(format!("{path}: model {model:?} is a synapse model"));
        }
        let size = obj.usize("size")?;
        if size == 0 {
            return Err(format!("{path}: size is 0"));
        }
        let geometry = match obj.get("geometry") {
            None => None,
            Some(value) => {
                let dims = json::as_array(value, &format!("{path}.geometry"))?
                    .iter()
                    .enumerate()
                    .map(|(d, v)| json::as_usize(v, &format!("{path}.geometry[{d}]")))
                    .collect::<Result<Vec<_>, _>>()?;
                let product = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
                if product != Some(size) {
                    return Err(format!(
                        "{path}: geometry {dims:?} does not have size {size} neurons"
                    ));
                }
                Some(dims)
            }
        };
        let parameters = number_map(obj.req("parameters")?, &format!("{path}.parameters"), size)?;
        let init = number_map(obj.req("init")?, &format!("{path}.init"), size)?;
        let input = match model.as_str() {
            "SpikeSourceArray" => {
                let key_path = format!("{path}.spike_times");
                let lists = json::as_array(obj.req("spike_times")?, &key_path)?;
                if lists.len() != size {
                    return Err(format!(
                        "{key_path}: {} lists for {size} neurons",
                        lists.len()
                    ));
                }
                let spike_times = lists
                    .iter()
                    .enumerate()
                    .map(|(n, l)| finite_list(l, &format!("{key_path}[{n}]")))
                    .collect::<Result<Vec<_>, _>>()?;
                Some(InputSpec::SpikeSourceArray { spike_times })
            }
            "InputArray" => Some(InputSpec::InputArray {
                r: number(obj.req("r")?, &format!("{path}.r"), Some(size))?,
            }),
            "TimedArray" => {
                let key_path = format!("{path}.rates");
                let rows = json::as_array(obj.req("rates")?, &key_path)?;
                if rows.is_empty() {
                    return Err(format!("{key_path}: no rows"));
                }
                let rates = rows
                    .iter()
                    .enumerate()
                    .map(|(r, row)| {
                        let row_path = format!("{key_path}[{r}]");
                        let row = finite_list(row, &row_path)?;
                        if row.len() == size {
                            Ok(row)
                        } else {
                            Err(format!(
                                "{row_path}: {} values for {size} neurons",
                                row.len()
                            ))
                        }
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                let schedule = obj.f64("schedule")?;
                if !(schedule.is_finite() && schedule > 0.0) {
                    return Err(format!("{path}.schedule = {schedule} is not positive"));
                }
                let period = match obj.get("period") {
                    Some(value) => json::as_f64(value, &format!("{path}.period"))?,
                    None => -1.0,
                };
                if !period.is_finite() {
                    return Err(format!("{path}.period is not finite"));
                }
                Some(InputSpec::TimedArray {
                    rates,
                    schedule,
                    period,
                })
            }
            _ => None,
        };
        if input.is_some() && !(parameters.is_empty() && init.is_empty()) {
            return Err(format!(
                "{path}: an input population ({model}) must have empty \"parameters\" and \"init\""
            ));
        }
        out.push(PopulationSpec {
            name,
            model,
            size,
            geometry,
            parameters,
            init,
            input,
        });
    }
    Ok(out)
}

fn parse_projections(
    list: &[json::Json],
    populations: &[PopulationSpec],
    custom_models: &[CustomModel],
) -> Result<Vec<ProjectionSpec>, String> {
    let mut out: Vec<ProjectionSpec> = Vec::new();
    for (i, value) in list.iter().enumerate() {
        let obj = Obj::new(value, &format!("projections[{i}]"))?;
        let name = obj.str("name")?.to_owned();
        let path = format!("projection {name:?}");
        let obj = Obj::new(value, &path)?;
        obj.check_keys(&[
            "name",
            "pre",
            "post",
            "target",
            "synapse",
            "parameters",
            "init",
            "connector",
        ])?;
        if name.is_empty() {
            return Err(format!("{path}: empty name"));
        }
        if out.iter().any(|p| p.name == name) {
            return Err(format!("projection name {name:?} is used twice"));
        }
        let pre = obj.str("pre")?.to_owned();
        let post = obj.str("post")?.to_owned();
        let size = |population: &str| {
            populations
                .iter()
                .find(|p| p.name == population)
                .map(|p| p.size)
                .ok_or_else(|| format!("{path}: unknown population {population:?}"))
        };
        let pre_size = size(&pre)?;
        let post_size = size(&post)?;
        let target = obj.str("target")?.to_owned();
        if target.is_empty() {
            return Err(format!("{path}: empty target"));
        }
        let synapse = match obj.req("synapse")? {
            json::Json::Leaf(Value::Null) => None,
            other => Some(json::as_str(other, &format!("{path}.synapse"))?.to_owned()),
        };
        if let Some(synapse) = &synapse
            && let Some(custom) = custom_models.iter().find(|m| &m.name == synapse)
            && custom.kind != ModelKind::Synapse
        {
            return Err(format!("{path}: synapse {synapse:?} is a neuron model"));
        }
        let shape = (post_size, pre_size);
        let parameters = param_map(obj.req("parameters")?, &format!("{path}.parameters"), shape)?;
        let init = param_map(obj.req("init")?, &format!("{path}.init"), shape)?;
        let connector = parse_connector(obj.req("connector")?, &path, shape)?;
        out.push(ProjectionSpec {
            name,
            pre,
            post,
            target,
            synapse,
            parameters,
            init,
            connector,
        });
    }
    Ok(out)
}

fn parse_connector(
    value: &json::Json,
    projection_path: &str,
    (post_size, pre_size): (usize, usize),
) -> Result<ConnectorSpec, String> {
    let path = format!("{projection_path}.connector");
    let obj = Obj::new(value, &path)?;
    let kind = obj.str("type")?.to_owned();
    let weight_spec = |key: &str| -> Result<WeightSpec, String> {
        let key_path = format!("{path}.{key}");
        match obj.req(key)? {
            json::Json::Array(rows) => {
                if rows.len() != post_size {
                    return Err(format!(
                        "{key_path}: {} rows, the post population has {post_size} neurons",
                        rows.len()
                    ));
                }
                let mut matrix = Vec::with_capacity(rows.len());
                for (r, row) in rows.iter().enumerate() {
                    let row_path = format!("{key_path}[{r}]");
                    let entries = json::as_array(row, &row_path)?;
                    if entries.len() != pre_size {
                        return Err(format!(
                            "{row_path}: {} entries, the pre population has {pre_size} neurons",
                            entries.len()
                        ));
                    }
                    let row = entries
                        .iter()
                        .enumerate()
                        .map(|(c, v)| match v {
                            json::Json::Leaf(Value::Null) => Ok(None),
                            v => finite(v, &format!("{row_path}[{c}]")).map(Some),
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    matrix.push(row);
                }
                Ok(WeightSpec::Matrix(matrix))
            }
            other => Ok(WeightSpec::Scalar(finite(other, &key_path)?)),
        }
    };
    let weights = weight_spec("weights")?;
    let delays = weight_spec("delays")?;
    let negative_delay = match &delays {
        WeightSpec::Scalar(d) => *d < 0.0,
        WeightSpec::Matrix(rows) => rows.iter().flatten().flatten().any(|d| *d < 0.0),
    };
    if negative_delay {
        return Err(format!("{path}.delays: negative delay"));
    }
    if kind == "one_to_one" && pre_size != post_size {
        return Err(format!(
            "{path}: one_to_one between populations of sizes {pre_size} and {post_size}"
        ));
    }
    let extra = obj
        .members
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "type" | "weights" | "delays"))
        .map(|(key, value)| (key.clone(), value.to_value()))
        .collect();
    Ok(ConnectorSpec {
        kind,
        weights,
        delays,
        extra,
    })
}

fn parse_events(
    list: &[json::Json],
    steps: usize,
    objects: &HashMap<&str, Object<'_>>,
) -> Result<Vec<Event>, String> {
    let mut out: Vec<Event> = Vec::new();
    for (i, value) in list.iter().enumerate() {
        let path = format!("events[{i}]");
        let obj = Obj::new(value, &path)?;
        obj.check_keys(&["step", "object", "attribute", "value"])?;
        let step = obj.usize("step")?;
        if step >= steps {
            return Err(format!("{path}: step {step} is not below steps = {steps}"));
        }
        if let Some(previous) = out.last()
            && step < previous.step
        {
            return Err(format!(
                "events are not sorted by step: {path} has step {step} after step {}",
                previous.step
            ));
        }
        let object = obj.str("object")?.to_owned();
        let size = match objects.get(object.as_str()) {
            None => return Err(format!("{path}: unknown object {object:?}")),
            Some(Object::Population(p)) => Some(p.size),
            Some(Object::Projection { .. }) => None,
        };
        let attribute = obj.str("attribute")?.to_owned();
        if attribute.is_empty() {
            return Err(format!("{path}: empty attribute"));
        }
        let value = number(obj.req("value")?, &format!("{path}.value"), size)?;
        out.push(Event {
            step,
            object,
            attribute,
            value,
        });
    }
    Ok(out)
}

fn parse_record(
    list: &[json::Json],
    objects: &HashMap<&str, Object<'_>>,
) -> Result<Vec<RecordSpec>, String> {
    let mut out = Vec::new();
    for (i, value) in list.iter().enumerate() {
        let path = format!("record[{i}]");
        let obj = Obj::new(value, &path)?;
        obj.check_keys(&["object", "variables", "ranks"])?;
        let object_name = obj.str("object")?.to_owned();
        let Some(&object) = objects.get(object_name.as_str()) else {
            return Err(format!("{path}: unknown object {object_name:?}"));
        };
        let variables = string_list(obj.req("variables")?, &format!("{path}.variables"))?;
        if let Some(v) = variables.iter().find(|v| v.is_empty()) {
            return Err(format!("{path}.variables: empty variable name {v:?}"));
        }
        let ranks = json::as_array(obj.req("ranks")?, &format!("{path}.ranks"))?
            .iter()
            .enumerate()
            .map(|(r, rank)| parse_record_rank(rank, &format!("{path}.ranks[{r}]"), object))
            .collect::<Result<Vec<_>, _>>()?;
        out.push(RecordSpec {
            object: object_name,
            variables,
            ranks,
        });
    }
    Ok(out)
}

fn parse_record_rank(
    value: &json::Json,
    path: &str,
    object: Object<'_>,
) -> Result<RecordRank, String> {
    let rank = match value {
        json::Json::Array(pair) => match pair.as_slice() {
            [post, pre] => RecordRank::Synapse {
                post: json::as_usize(post, path)?,
                pre: json::as_usize(pre, path)?,
            },
            _ => return Err(format!("{path}: a synapse rank is a pair [post, pre]")),
        },
        other => RecordRank::Neuron(json::as_usize(other, path)?),
    };
    check_rank(rank, object).map_err(|e| format!("{path}: {e}"))?;
    Ok(rank)
}

/// Checks that `rank` designates a neuron, dendrite or synapse of `object`.
fn check_rank(rank: RecordRank, object: Object<'_>) -> Result<(), String> {
    match (object, rank) {
        (Object::Population(p), RecordRank::Neuron(n)) => {
            if n >= p.size {
                return Err(format!(
                    "rank {n} out of range for population {:?} of size {}",
                    p.name, p.size
                ));
            }
        }
        (Object::Population(p), RecordRank::Synapse { .. }) => {
            return Err(format!(
                "a [post, pre] rank is for projections, {:?} is a population",
                p.name
            ));
        }
        (
            Object::Projection {
                projection,
                post_size,
                ..
            },
            RecordRank::Neuron(post),
        ) => {
            if post >= post_size {
                return Err(format!(
                    "post rank {post} out of range for projection {:?} (post size {post_size})",
                    projection.name
                ));
            }
        }
        (
            Object::Projection {
                projection,
                pre_size,
                post_size,
            },
            RecordRank::Synapse { post, pre },
        ) => {
            if post >= post_size || pre >= pre_size {
                return Err(format!(
                    "synapse [{post}, {pre}] out of range for projection {:?} \
                     (post size {post_size}, pre size {pre_size})",
                    projection.name
                ));
            }
            let connector = &projection.connector;
            let missing = (connector.kind == "one_to_one" && post != pre)
                || matches!(&connector.weights, WeightSpec::Matrix(_))
                    && connector.weights.at(post, pre).is_none();
            if missing {
                return Err(format!(
                    "projection {:?} has no synapse [{post}, {pre}]",
                    projection.name
                ));
            }
        }
    }
    Ok(())
}

fn parse_columns(
    header: &[String],
    before_update: &[String],
    record: &[RecordSpec],
    objects: &HashMap<&str, Object<'_>>,
) -> Result<Vec<Column>, String> {
    match header.first() {
        Some(first) if first == "t" => {}
        _ => return Err("columns: the first column must be \"t\"".to_owned()),
    }
    let mut seen = HashSet::new();
    if let Some(duplicate) = header.iter().find(|name| !seen.insert(name.as_str())) {
        return Err(format!("columns: {duplicate:?} appears twice"));
    }
    let mut columns = Vec::with_capacity(header.len() - 1);
    for name in &header[1..] {
        let column = Column::parse(name).map_err(|e| format!("columns: {e}"))?;
        let Some(&object) = objects.get(column.object.as_str()) else {
            return Err(format!("columns: {name:?} names an unknown object"));
        };
        check_rank(column.rank, object).map_err(|e| format!("columns: {name:?}: {e}"))?;
        columns.push(column);
    }

    let mut expected: Vec<(&str, &str, RecordRank)> = record
        .iter()
        .flat_map(|entry| {
            entry.variables.iter().flat_map(move |variable| {
                entry
                    .ranks
                    .iter()
                    .map(move |&rank| (entry.object.as_str(), variable.as_str(), rank))
            })
        })
        .collect();
    let mut actual: Vec<(&str, &str, RecordRank)> = columns
        .iter()
        .map(|c| (c.object.as_str(), c.variable.as_str(), c.rank))
        .collect();
    expected.sort_unstable();
    actual.sort_unstable();
    if expected != actual {
        let describe = |(object, variable, rank): (&str, &str, RecordRank)| {
            format!("{object}.{variable}[{rank}]")
        };
        let missing: Vec<String> = expected
            .iter()
            .filter(|e| !actual.contains(e))
            .take(5)
            .map(|&e| describe(e))
            .collect();
        let unexpected: Vec<String> = actual
            .iter()
            .filter(|a| !expected.contains(a))
            .take(5)
            .map(|&a| describe(a))
            .collect();
        return Err(format!(
            "columns are not the product variables x ranks of the record entries \
             ({} recorded, {} columns; recorded but not a column: {missing:?}; \
             column but not recorded: {unexpected:?})",
            expected.len(),
            actual.len()
        ));
    }

    let mut seen = HashSet::new();
    for name in before_update {
        if !seen.insert(name.as_str()) {
            return Err(format!("columns_before_update: {name:?} appears twice"));
        }
        let Some(column) = columns.iter_mut().find(|c| c.name() == *name) else {
            return Err(format!(
                "columns_before_update: {name:?} is not a column (after \"t\")"
            ));
        };
        if !matches!(
            objects.get(column.object.as_str()),
            Some(Object::Population(_))
        ) {
            return Err(format!(
                "columns_before_update: {name:?} is not a column of a population"
            ));
        }
        column.before_update = true;
    }
    Ok(columns)
}

fn parse_tolerance(value: &json::Json) -> Result<Tolerance, String> {
    let obj = Obj::new(value, "tolerance")?;
    obj.check_keys(&["rtol", "atol"])?;
    let rtol = obj.f64("rtol")?;
    let atol = obj.f64("atol")?;
    if !(rtol.is_finite() && rtol >= 0.0 && atol.is_finite() && atol >= 0.0) {
        return Err(format!(
            "tolerance: rtol = {rtol}, atol = {atol} must be finite and non-negative"
        ));
    }
    Ok(Tolerance { rtol, atol })
}

fn read_csv(
    csv_path: &Path,
    header: &[String],
    columns: &[Column],
    steps: usize,
    dt: f64,
) -> Result<Vec<Vec<f64>>, String> {
    let file = std::fs::File::open(csv_path)
        .map_err(|e| format!("cannot open CSV {}: {e}", csv_path.display()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(file);
    let csv_header = reader
        .headers()
        .map_err(|e| format!("CSV header: {e}"))?
        .clone();
    if csv_header.iter().ne(header.iter().map(String::as_str)) {
        let position = csv_header
            .iter()
            .zip(header)
            .position(|(a, b)| a != b)
            .unwrap_or(csv_header.len().min(header.len()));
        return Err(format!(
            "CSV header differs from \"columns\" ({} fields, {} columns; first difference at \
             field {position}: {:?} vs {:?})",
            csv_header.len(),
            header.len(),
            csv_header.get(position).unwrap_or("<none>"),
            header.get(position).map_or("<none>", String::as_str)
        ));
    }

    let mut data = Vec::with_capacity(steps);
    let mut rows = 0usize;
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("CSV row {row}: {e}"))?;
        rows += 1;
        if row >= steps {
            // Only count the extra rows, for the message.
            continue;
        }
        if record.len() != header.len() {
            return Err(format!(
                "CSV row {row} has {} fields, the header {}",
                record.len(),
                header.len()
            ));
        }
        let values = record
            .iter()
            .zip(header)
            .map(|(field, name)| {
                field.trim().parse::<f64>().map_err(|_| {
                    format!("CSV row {row}, column {name:?}: {field:?} is not a number")
                })
            })
            .collect::<Result<Vec<f64>, String>>()?;
        let t = values[0];
        let expected_t = row as f64 * dt;
        let time_ok = (t - expected_t).abs() <= TIME_RTOL * expected_t.abs().max(dt);
        if !time_ok {
            return Err(format!(
                "CSV row {row}: t = {t}, expected k*dt = {expected_t}"
            ));
        }
        for (column, &value) in columns.iter().zip(&values[1..]) {
            if column.is_spike() && value != 0.0 && value != 1.0 {
                return Err(format!(
                    "CSV row {row}, spike column {:?}: {value} is neither 0 nor 1",
                    column.name()
                ));
            }
        }
        data.push(values);
    }
    if rows != steps {
        return Err(format!("CSV has {rows} data rows, steps = {steps}"));
    }
    Ok(data)
}

/// A number or a list of numbers, of `size` entries when `size` is known.
fn number(value: &json::Json, path: &str, size: Option<usize>) -> Result<Number, String> {
    match value {
        json::Json::Array(_) => {
            let list = finite_list(value, path)?;
            if let Some(size) = size
                && list.len() != size
            {
                return Err(format!("{path}: {} values for {size} neurons", list.len()));
            }
            Ok(Number::List(list))
        }
        other => Ok(Number::Scalar(finite(other, path)?)),
    }
}

/// An object of name -> [`Number`], in JSON order.
fn number_map(
    value: &json::Json,
    path: &str,
    size: usize,
) -> Result<Vec<(String, Number)>, String> {
    Obj::new(value, path)?
        .members
        .iter()
        .map(|(key, v)| {
            Ok((
                key.clone(),
                number(v, &format!("{path}.{key}"), Some(size))?,
            ))
        })
        .collect()
}

/// An object of name -> [`ParamValue`], in JSON order; matrices are `post x pre`.
fn param_map(
    value: &json::Json,
    path: &str,
    (post_size, pre_size): (usize, usize),
) -> Result<Vec<(String, ParamValue)>, String> {
    let mut out = Vec::new();
    for (key, v) in Obj::new(value, path)?.members {
        let key_path = format!("{path}.{key}");
        let parsed = match v {
            json::Json::Array(items) if items.iter().any(|i| matches!(i, json::Json::Array(_))) => {
                if items.len() != post_size {
                    return Err(format!(
                        "{key_path}: {} rows, the post population has {post_size} neurons",
                        items.len()
                    ));
                }
                let rows = items
                    .iter()
                    .enumerate()
                    .map(|(r, row)| {
                        let row_path = format!("{key_path}[{r}]");
                        let row = finite_list(row, &row_path)?;
                        if row.len() == pre_size {
                            Ok(row)
                        } else {
                            Err(format!(
                                "{row_path}: {} values, the pre population has {pre_size} neurons",
                                row.len()
                            ))
                        }
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                ParamValue::Matrix(rows)
            }
            json::Json::Array(_) => ParamValue::List(finite_list(v, &key_path)?),
            other => ParamValue::Scalar(finite(other, &key_path)?),
        };
        out.push((key.clone(), parsed));
    }
    Ok(out)
}

/// A JSON number (JSON cannot hold non-finite numbers; `serde_json` rejects overflowing ones).
fn finite(value: &json::Json, path: &str) -> Result<f64, String> {
    json::as_f64(value, path)
}

/// A list of numbers.
fn finite_list(value: &json::Json, path: &str) -> Result<Vec<f64>, String> {
    json::as_array(value, path)?
        .iter()
        .enumerate()
        .map(|(i, v)| finite(v, &format!("{path}[{i}]")))
        .collect()
}

/// A list of strings.
fn string_list(value: &json::Json, path: &str) -> Result<Vec<String>, String> {
    json::as_array(value, path)?
        .iter()
        .enumerate()
        .map(|(i, v)| json::as_str(v, &format!("{path}[{i}]")).map(str::to_owned))
        .collect()
}

/// The value of `key` in an ordered list of pairs.
fn lookup<'a, T>(pairs: &'a [(String, T)], key: &str) -> Option<&'a T> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// A JSON object with the path used in error messages.
struct Obj<'a> {
    members: &'a [(String, json::Json)],
    path: String,
}

impl<'a> Obj<'a> {
    fn new(value: &'a json::Json, path: &str) -> Result<Self, String> {
        match value {
            json::Json::Object(members) => Ok(Obj {
                members,
                path: path.to_owned(),
            }),
            other => Err(format!(
                "{}: expected an object, found {}",
                display_path(path),
                other.kind()
            )),
        }
    }

    fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn get(&self, key: &str) -> Option<&'a json::Json> {
        lookup(self.members, key)
    }

    fn req(&self, key: &str) -> Result<&'a json::Json, String> {
        self.get(key)
            .ok_or_else(|| format!("{}: missing key {key:?}", display_path(&self.path)))
    }

    fn str(&self, key: &str) -> Result<&'a str, String> {
        json::as_str(self.req(key)?, &self.key_path(key))
    }

    fn f64(&self, key: &str) -> Result<f64, String> {
        json::as_f64(self.req(key)?, &self.key_path(key))
    }

    fn usize(&self, key: &str) -> Result<usize, String> {
        json::as_usize(self.req(key)?, &self.key_path(key))
    }

    fn array(&self, key: &str) -> Result<&'a [json::Json], String> {
        json::as_array(self.req(key)?, &self.key_path(key))
    }

    fn check_keys(&self, allowed: &[&str]) -> Result<(), String> {
        match self
            .members
            .iter()
            .find(|(k, _)| !allowed.contains(&k.as_str()))
        {
            Some((key, _)) => Err(format!("{}: unknown key {key:?}", display_path(&self.path))),
            None => Ok(()),
        }
    }
}

fn display_path(path: &str) -> &str {
    if path.is_empty() { "top level" } else { path }
}

/// An order-preserving JSON front end: objects keep their key order; leaves are parsed by
/// `serde_json`.
mod json {
    use serde_json::Value;

    /// A JSON value whose objects keep their key order.
    #[derive(Debug, Clone, PartialEq)]
    pub(super) enum Json {
        /// `null`, a boolean, a number or a string.
        Leaf(Value),
        Array(Vec<Json>),
        /// Members in document order (keys are unique).
        Object(Vec<(String, Json)>),
    }

    impl Json {
        /// The kind of value, for error messages.
        pub(super) fn kind(&self) -> &'static str {
            match self {
                Json::Leaf(Value::Null) => "null",
                Json::Leaf(Value::Bool(_)) => "a boolean",
                Json::Leaf(Value::Number(_)) => "a number",
                Json::Leaf(Value::String(_)) => "a string",
                Json::Leaf(_) => "a value",
                Json::Array(_) => "a list",
                Json::Object(_) => "an object",
            }
        }

        /// The equivalent `serde_json::Value` (object key order is not kept).
        pub(super) fn to_value(&self) -> Value {
            match self {
                Json::Leaf(value) => value.clone(),
                Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
                Json::Object(members) => Value::Object(
                    members
                        .iter()
                        .map(|(k, v)| (k.clone(), v.to_value()))
                        .collect(),
                ),
            }
        }
    }

    pub(super) fn as_str<'a>(value: &'a Json, path: &str) -> Result<&'a str, String> {
        match value {
            Json::Leaf(Value::String(s)) => Ok(s),
            other => Err(format!("{path}: expected a string, found {}", other.kind())),
        }
    }

    pub(super) fn as_f64(value: &Json, path: &str) -> Result<f64, String> {
        match value {
            Json::Leaf(Value::Number(n)) => n
                .as_f64()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{path}: {n} is not a finite number")),
            other => Err(format!("{path}: expected a number, found {}", other.kind())),
        }
    }

    /// A non-negative integer (an integral floating-point number such as `3.0` is accepted).
    pub(super) fn as_usize(value: &Json, path: &str) -> Result<usize, String> {
        let not_index = || {
            format!(
                "{path}: expected a non-negative integer, found {}",
                value.kind()
            )
        };
        let Json::Leaf(Value::Number(n)) = value else {
            return Err(not_index());
        };
        if let Some(u) = n.as_u64() {
            return usize::try_from(u).map_err(|_| format!("{path}: {u} is too large"));
        }
        match n.as_f64() {
            // Below 2^53 every integral f64 converts exactly.
            Some(x) if x.fract() == 0.0 && (0.0..9.0e15).contains(&x) => Ok(x as usize),
            _ => Err(format!("{path}: {n} is not a non-negative integer")),
        }
    }

    pub(super) fn as_array<'a>(value: &'a Json, path: &str) -> Result<&'a [Json], String> {
        match value {
            Json::Array(items) => Ok(items),
            other => Err(format!("{path}: expected a list, found {}", other.kind())),
        }
    }

    /// Parses `text`, keeping object key order; duplicate keys are an error.
    pub(super) fn parse(text: &str) -> Result<Json, String> {
        // serde_json checks the syntax (and bounds the nesting depth, so the recursion below
        // is bounded); the walk below then only has to find token boundaries.
        serde_json::from_str::<Value>(text).map_err(|e| format!("invalid JSON: {e}"))?;
        let mut parser = Parser { text, pos: 0 };
        let value = parser.value()?;
        parser.skip_ws();
        if parser.pos != text.len() {
            return Err(format!(
                "invalid JSON: trailing text at byte {}",
                parser.pos
            ));
        }
        Ok(value)
    }

    struct Parser<'a> {
        text: &'a str,
        pos: usize,
    }

    impl Parser<'_> {
        fn peek(&self) -> Option<u8> {
            self.text.as_bytes().get(self.pos).copied()
        }

        fn skip_ws(&mut self) {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.pos += 1;
            }
        }

        fn error(&self, what: &str) -> String {
            format!("invalid JSON: {what} at byte {}", self.pos)
        }

        fn slice(&self, start: usize) -> Result<&str, String> {
            self.text
                .get(start..self.pos)
                .ok_or_else(|| self.error("bad token boundary"))
        }

        fn value(&mut self) -> Result<Json, String> {
            self.skip_ws();
            match self.peek() {
                Some(b'{') => self.object(),
                Some(b'[') => self.array(),
                Some(b'"') => Ok(Json::Leaf(Value::String(self.string()?))),
                Some(_) => {
                    let start = self.pos;
                    while let Some(c) = self.peek() {
                        if matches!(c, b',' | b']' | b'}' | b':' | b' ' | b'\t' | b'\n' | b'\r') {
                            break;
                        }
                        self.pos += 1;
                    }
                    let token = self.slice(start)?;
                    serde_json::from_str::<Value>(token)
                        .map(Json::Leaf)
                        .map_err(|e| self.error(&format!("bad value {token:?} ({e})")))
                }
                None => Err(self.error("unexpected end")),
            }
        }

        fn string(&mut self) -> Result<String, String> {
            let start = self.pos;
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string"));
            }
            self.pos += 1;
            loop {
                match self.peek() {
                    None => return Err(self.error("unterminated string")),
                    Some(b'\\') => self.pos += 2,
                    Some(b'"') => {
                        self.pos += 1;
                        break;
                    }
                    Some(_) => self.pos += 1,
                }
            }
            let token = self.slice(start)?;
            serde_json::from_str::<String>(token)
                .map_err(|e| self.error(&format!("bad string ({e})")))
        }

        fn object(&mut self) -> Result<Json, String> {
            self.pos += 1; // '{'
            let mut members: Vec<(String, Json)> = Vec::new();
            self.skip_ws();
            if self.peek() == Some(b'}') {
                self.pos += 1;
                return Ok(Json::Object(members));
            }
            loop {
                self.skip_ws();
                let key = self.string()?;
                self.skip_ws();
                if self.peek() != Some(b':') {
                    return Err(self.error("expected ':'"));
                }
                self.pos += 1;
                let value = self.value()?;
                if members.iter().any(|(k, _)| *k == key) {
                    return Err(self.error(&format!("duplicate key {key:?}")));
                }
                members.push((key, value));
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        return Ok(Json::Object(members));
                    }
                    _ => return Err(self.error("expected ',' or '}'")),
                }
            }
        }

        fn array(&mut self) -> Result<Json, String> {
            self.pos += 1; // '['
            let mut items = Vec::new();
            self.skip_ws();
            if self.peek() == Some(b']') {
                self.pos += 1;
                return Ok(Json::Array(items));
            }
            loop {
                items.push(self.value()?);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        return Ok(Json::Array(items));
                    }
                    _ => return Err(self.error("expected ',' or ']'")),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A valid synthetic case; `NAME` is replaced by the case name.
    const BASE_JSON: &str = r#"{
 "format": 1,
 "name": "NAME",
 "description": "Synthetic spiking case.",
 "paradigm": "spike",
 "dt": 0.5,
 "steps": 4,
 "populations": [
  {"name": "src", "model": "SpikeSourceArray", "size": 2, "parameters": {}, "init": {},
   "spike_times": [[0.5, 0.6], [1.25]]},
  {"name": "post", "model": "lif", "size": 1, "geometry": [1],
   "parameters": {"tau": 10.0, "I": [0.5]}, "init": {"v": 0.0, "g_exc": 0}}
 ],
 "projections": [
  {"name": "proj", "pre": "src", "post": "post", "target": "exc", "synapse": null,
   "parameters": {}, "init": {},
   "connector": {"type": "from_matrix", "weights": [[0.5, null]], "delays": 0.0, "seed": 3}}
 ],
 "custom_models": {
  "lif": {"kind": "neuron", "parameters": "tau = 10.0\nI = 0.0",
          "equations": "tau * dv/dt = -v + I + g_exc", "spike": "v > 1.0", "reset": "v = 0.0"}
 },
 "events": [
  {"step": 1, "object": "post", "attribute": "I", "value": 1.0},
  {"step": 1, "object": "post", "attribute": "tau", "value": 5.0},
  {"step": 3, "object": "post", "attribute": "I", "value": [0.0]}
 ],
 "record": [
  {"object": "post", "variables": ["v", "g_exc", "spike"], "ranks": [0]},
  {"object": "src", "variables": ["spike"], "ranks": [0, 1]},
  {"object": "proj", "variables": ["w"], "ranks": [[0, 0]]}
 ],
 "columns": ["t", "post.v[0]", "post.g_exc[0]", "post.spike[0]", "src.spike[0]",
             "src.spike[1]", "proj.w[0,0]"],
 "row_semantics": "after_step_g_before_update",
 "columns_before_update": ["post.g_exc[0]"],
 "tolerance": {"rtol": 1e-6, "atol": 1e-9},
 "annarchy_version": "4.8.2.6",
 "notes": "Made up for the reader's tests."
}"#;

    const BASE_CSV: &str = "\
t,post.v[0],post.g_exc[0],post.spike[0],src.spike[0],src.spike[1],\"proj.w[0,0]\"
0,0.1,0,0,0,0,0.5
0.5,0.2,0,0,1,0,0.5
1,inf,0.5,0,0,1,0.5
1.5,nan,-inf,1,0,0,0.5
";

    /// A folder under the system temporary folder, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "annarchy-reference-test-{}-{tag}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("create temporary folder");
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn base_json(name: &str) -> String {
        BASE_JSON.replace("\"NAME\"", &format!("{name:?}"))
    }

    /// The base JSON of case `name`, changed by `edit`.
    fn edited_json(name: &str, edit: impl FnOnce(&mut Value)) -> String {
        let mut value: Value = serde_json::from_str(&base_json(name)).expect("base JSON");
        edit(&mut value);
        value.to_string()
    }

    fn write_case(dir: &Path, name: &str, json: &str, csv: &str) -> PathBuf {
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, json).expect("write JSON");
        std::fs::write(dir.join(format!("{name}.csv")), csv).expect("write CSV");
        path
    }

    fn load(name: &str, json: &str, csv: &str) -> Result<Case, String> {
        let dir = TempDir::new(name);
        load_case(&write_case(&dir.0, name, json, csv))
    }

    /// Asserts that the case is rejected with an error naming it and containing `needle`.
    fn assert_rejected(name: &str, json: &str, csv: &str, needle: &str) {
        match load(name, json, csv) {
            Ok(_) => panic!("case {name} was accepted, expected an error containing {needle:?}"),
            Err(e) => {
                assert!(
                    e.contains(&format!("`{name}`")),
                    "error does not name the case: {e}"
                );
                assert!(
                    e.contains(needle),
                    "error {e:?} does not contain {needle:?}"
                );
            }
        }
    }

    fn base_case() -> Case {
        load("base", &base_json("base"), BASE_CSV).expect("the synthetic case loads")
    }

    #[test]
    fn every_reference_case_loads() {
        let dir = reference_dir();
        let cases = list_cases(&dir).expect("reference folder is readable");
        assert!(!cases.is_empty(), "no reference case in {}", dir.display());
        let errors: Vec<String> = cases
            .iter()
            .filter_map(|path| match load_case(path) {
                Ok(case) => {
                    assert_eq!(case.data.len(), case.steps);
                    assert!(
                        case.data
                            .iter()
                            .all(|row| row.len() == case.columns.len() + 1)
                    );
                    None
                }
                Err(e) => Some(e),
            })
            .collect();
        assert!(
            errors.is_empty(),
            "{} cases rejected:\n{}",
            errors.len(),
            errors.join("\n")
        );
    }

    #[test]
    fn reference_cases_compare_equal_to_themselves() {
        let dir = reference_dir();
        for path in list_cases(&dir).expect("reference folder is readable") {
            let case = load_case(&path).expect("case loads");
            let simulated: Vec<Vec<f64>> = case.data.iter().map(|row| row[1..].to_vec()).collect();
            compare(&case, &simulated).expect("a case matches its own data");
        }
    }

    #[test]
    fn synthetic_case_loads_completely() {
        let case = base_case();
        assert_eq!(case.name, "base");
        assert_eq!(case.paradigm, Paradigm::Spike);
        assert_eq!(case.dt, 0.5);
        assert_eq!(case.steps, 4);
        assert_eq!(case.row_semantics, RowSemantics::AfterStepGBeforeUpdate);
        assert_eq!(
            case.tolerance,
            Tolerance {
                rtol: 1e-6,
                atol: 1e-9
            }
        );
        assert_eq!(case.annarchy_version, "4.8.2.6");

        let src = case.population("src").expect("src");
        assert_eq!(
            src.input,
            Some(InputSpec::SpikeSourceArray {
                spike_times: vec![vec![0.5, 0.6], vec![1.25]]
            })
        );
        let post = case.population("post").expect("post");
        assert_eq!(post.geometry, Some(vec![1]));
        // JSON key order is kept (not alphabetical).
        let names: Vec<&str> = post.parameters.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["tau", "I"]);
        assert_eq!(post.parameter("I"), Some(&Number::List(vec![0.5])));
        assert_eq!(post.init_value("g_exc"), Some(&Number::Scalar(0.0)));

        let proj = case.projection("proj").expect("proj");
        assert_eq!(proj.synapse, None);
        assert_eq!(proj.connector.kind, "from_matrix");
        assert_eq!(
            proj.connector.weights,
            WeightSpec::Matrix(vec![vec![Some(0.5), None]])
        );
        assert_eq!(proj.connector.weights.at(0, 1), None);
        assert_eq!(proj.connector.delays, WeightSpec::Scalar(0.0));
        assert_eq!(
            proj.connector.extra,
            vec![("seed".to_owned(), Value::from(3))]
        );

        let lif = case.custom_model("lif").expect("lif");
        assert_eq!(lif.kind, ModelKind::Neuron);
        assert!(lif.is_spiking());
        let blocks: Vec<&str> = lif.blocks.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(blocks, ["parameters", "equations", "spike", "reset"]);
        assert_eq!(lif.block("parameters"), Some("tau = 10.0\nI = 0.0"));

        assert_eq!(case.events.len(), 3);
        assert_eq!(case.events_at(1).count(), 2);
        assert_eq!(case.events[2].value, Number::List(vec![0.0]));

        assert_eq!(
            case.record[2].ranks,
            vec![RecordRank::Synapse { post: 0, pre: 0 }]
        );
        let names: Vec<String> = case.columns.iter().map(Column::name).collect();
        assert_eq!(
            names,
            [
                "post.v[0]",
                "post.g_exc[0]",
                "post.spike[0]",
                "src.spike[0]",
                "src.spike[1]",
                "proj.w[0,0]"
            ]
        );
        let before: Vec<bool> = case.columns.iter().map(|c| c.before_update).collect();
        assert_eq!(before, [false, true, false, false, false, false]);

        assert_eq!(case.data.len(), 4);
        assert_eq!(case.time(3), Some(1.5));
        let v: Vec<f64> = case.column_values(0).collect();
        assert_eq!(v[..2], [0.1, 0.2]);
        assert_eq!(v[2], f64::INFINITY);
        assert!(v[3].is_nan());
        assert_eq!(case.column_values(1).last(), Some(f64::NEG_INFINITY));
        assert_eq!(
            case.column_index("proj", "w", RecordRank::Synapse { post: 0, pre: 0 }),
            Some(5)
        );
    }

    #[test]
    fn quoted_synapse_header_column_parses_into_a_synapse_rank() {
        let column = Column::parse("proj.w[0,1]").expect("valid name");
        assert_eq!(column.object, "proj");
        assert_eq!(column.variable, "w");
        assert_eq!(column.rank, RecordRank::Synapse { post: 0, pre: 1 });
        assert!(!column.before_update);

        // Through the CSV reader: the header field is quoted because of its comma.
        let case = base_case();
        let last = case.columns.last().expect("columns");
        assert_eq!(last.rank, RecordRank::Synapse { post: 0, pre: 0 });
        assert_eq!(last.name(), "proj.w[0,0]");

        let dendrite = Column::parse("proj.theta[3]").expect("valid name");
        assert_eq!(dendrite.rank, RecordRank::Neuron(3));
        let dotted = Column::parse("a.b.v[2]").expect("valid name");
        assert_eq!(
            (dotted.object.as_str(), dotted.variable.as_str()),
            ("a.b", "v")
        );
    }

    #[test]
    fn malformed_column_names_are_rejected() {
        for name in [
            "t",
            "pop[0]",
            "pop.v",
            "pop.v[]",
            "pop.v[a]",
            "pop.v[0, 1]",
            "pop.v[+1]",
            "pop.v[0,1,2]",
            ".v[0]",
            "pop.[0]",
            "pop.v[0]x",
            "pop.v[-1]",
        ] {
            assert!(Column::parse(name).is_err(), "{name:?} accepted");
        }
    }

    #[test]
    fn wrong_header_is_rejected() {
        let csv = BASE_CSV.replacen("post.v[0],post.g_exc[0]", "post.g_exc[0],post.v[0]", 1);
        assert_rejected(
            "bad_header",
            &base_json("bad_header"),
            &csv,
            "CSV header differs",
        );
        let csv = BASE_CSV.replacen(",\"proj.w[0,0]\"", "", 1);
        assert_rejected(
            "short_header",
            &base_json("short_header"),
            &csv,
            "CSV header",
        );
    }

    #[test]
    fn wrong_number_of_rows_is_rejected() {
        let missing: String = BASE_CSV.lines().take(4).map(|l| format!("{l}\n")).collect();
        assert_rejected(
            "missing_row",
            &base_json("missing_row"),
            &missing,
            "3 data rows",
        );
        let extra = format!("{BASE_CSV}2,0,0,0,0,0,0.5\n");
        assert_rejected("extra_row", &base_json("extra_row"), &extra, "5 data rows");
        let ragged = BASE_CSV.replacen("0.5,0.2,0,0,1,0,0.5", "0.5,0.2,0,0,1,0", 1);
        assert_rejected("ragged_row", &base_json("ragged_row"), &ragged, "CSV row 1");
    }

    #[test]
    fn non_binary_spike_value_is_rejected() {
        let csv = BASE_CSV.replacen("0.5,0.2,0,0,1,0,0.5", "0.5,0.2,0,0,2,0,0.5", 1);
        assert_rejected(
            "spike_two",
            &base_json("spike_two"),
            &csv,
            "neither 0 nor 1",
        );
        let csv = BASE_CSV.replacen("0.5,0.2,0,0,1,0,0.5", "0.5,0.2,0,0,nan,0,0.5", 1);
        assert_rejected("spike_nan", &base_json("spike_nan"), &csv, "src.spike[0]");
    }

    #[test]
    fn unsorted_events_are_rejected() {
        let json = edited_json("unsorted", |v| {
            v["events"].as_array_mut().expect("events").swap(0, 2);
        });
        assert_rejected("unsorted", &json, BASE_CSV, "not sorted");
        let json = edited_json("late_event", |v| v["events"][2]["step"] = Value::from(4));
        assert_rejected("late_event", &json, BASE_CSV, "not below steps");
        let json = edited_json("event_object", |v| v["events"][0]["object"] = "nope".into());
        assert_rejected("event_object", &json, BASE_CSV, "unknown object");
        let json = edited_json("event_size", |v| {
            v["events"][2]["value"] = serde_json::json!([1, 2])
        });
        assert_rejected("event_size", &json, BASE_CSV, "2 values for 1 neurons");
    }

    #[test]
    fn malformed_json_structure_is_rejected() {
        use serde_json::json;
        fn remove(value: &mut Value, key: &str) {
            if let Some(object) = value.as_object_mut() {
                object.remove(key);
            }
        }
        fn check(name: &str, needle: &str, edit: impl FnOnce(&mut Value)) {
            assert_rejected(name, &edited_json(name, edit), BASE_CSV, needle);
        }
        check("fmt", "format", |v| v["format"] = 2.into());
        check("no_tol", "missing keys [\"tolerance\"]", |v| {
            remove(v, "tolerance")
        });
        check("no_notes", "missing keys [\"events\", \"notes\"]", |v| {
            remove(v, "notes");
            remove(v, "events");
        });
        check("extra_key", "unknown key \"seed\"", |v| {
            v["seed"] = 1.into()
        });
        check("tol_str", "tolerance.rtol", |v| {
            v["tolerance"]["rtol"] = "1e-6".into()
        });
        check("tol_neg", "non-negative", |v| {
            v["tolerance"]["atol"] = (-1.0).into()
        });
        check("paradigm", "paradigm", |v| v["paradigm"] = "both".into());
        check("dt", "dt", |v| v["dt"] = 0.into());
        check("steps", "steps", |v| v["steps"] = 2.5.into());
        check("no_before", "columns_before_update", |v| {
            remove(v, "columns_before_update");
        });
        check("stray_before", "columns_before_update", |v| {
            v["row_semantics"] = "after_step".into();
        });
        check("before_unknown", "not a column", |v| {
            v["columns_before_update"][0] = "post.u[0]".into();
        });
        check("before_proj", "not a column of a population", |v| {
            v["columns_before_update"][0] = "proj.w[0,0]".into();
        });
        check("dup_pop", "used twice", |v| {
            v["populations"][1]["name"] = "src".into()
        });
        check("pop_proj_name", "also a population", |v| {
            v["projections"][0]["name"] = "post".into();
        });
        check("bad_pre", "unknown population \"ghost\"", |v| {
            v["projections"][0]["pre"] = "ghost".into();
        });
        check("bad_record", "unknown object", |v| {
            v["record"][0]["object"] = "ghost".into();
        });
        check("rank_range", "out of range", |v| {
            v["record"][1]["ranks"][1] = 2.into()
        });
        check("pair_on_pop", "for projections", |v| {
            v["record"][1]["ranks"][1] = json!([0, 0]);
        });
        check("no_synapse", "no synapse [0, 1]", |v| {
            v["record"][2]["ranks"][0] = json!([0, 1]);
        });
        check("product", "product variables x ranks", |v| {
            v["record"][1]["ranks"] = json!([0]);
        });
        check("geometry", "geometry", |v| {
            v["populations"][1]["geometry"] = json!([2])
        });
        check("param_len", "parameters.I", |v| {
            v["populations"][1]["parameters"]["I"] = json!([1, 2]);
        });
        check("weights_shape", "connector.weights[0]", |v| {
            v["projections"][0]["connector"]["weights"] = json!([[1]]);
        });
        check("no_delays", "missing key \"delays\"", |v| {
            remove(&mut v["projections"][0]["connector"], "delays");
        });
        check("input_params", "empty \"parameters\"", |v| {
            v["populations"][0]["parameters"]["x"] = 1.into();
        });
        check("spike_lists", "spike_times", |v| {
            v["populations"][0]["spike_times"] = json!([[1.0]]);
        });
        check("pop_key", "unknown key \"rates\"", |v| {
            v["populations"][1]["rates"] = json!([[1.0]]);
        });
        check("model_kind", "synapse model", |v| {
            v["custom_models"]["lif"]["kind"] = "synapse".into();
        });
        check("no_reset", "reset", |v| {
            remove(&mut v["custom_models"]["lif"], "reset")
        });
        check("shadow", "shadows", |v| {
            let lif = v["custom_models"]["lif"].take();
            remove(&mut v["custom_models"], "lif");
            v["custom_models"]["Izhikevich"] = lif;
            v["populations"][1]["model"] = "Izhikevich".into();
        });
        let json = edited_json("columns_t", |v| v["columns"][0] = "time".into());
        let csv = BASE_CSV.replacen("t,", "time,", 1);
        assert_rejected("columns_t", &json, &csv, "\"t\"");
    }

    #[test]
    fn name_must_equal_the_file_stem() {
        assert_rejected("stem", &base_json("other"), BASE_CSV, "file stem");
    }

    #[test]
    fn invalid_json_and_csv_are_errors_not_panics() {
        assert_rejected(
            "truncated",
            &base_json("truncated")[..200],
            BASE_CSV,
            "invalid JSON",
        );
        assert_rejected("not_object", "[1, 2]", BASE_CSV, "expected an object");
        let dup = base_json("dup_key").replacen("\"dt\": 0.5,", "\"dt\": 0.5, \"dt\": 0.5,", 1);
        assert_rejected("dup_key", &dup, BASE_CSV, "duplicate key \"dt\"");
        let csv = BASE_CSV.replacen("0.5,0.2", "0.5,abc", 1);
        assert_rejected(
            "bad_number",
            &base_json("bad_number"),
            &csv,
            "\"abc\" is not a number",
        );
        let csv = BASE_CSV.replacen("\n1,inf", "\n1.1,inf", 1);
        assert_rejected("bad_time", &base_json("bad_time"), &csv, "k*dt");
        assert_rejected("empty_csv", &base_json("empty_csv"), "", "CSV header");

        let dir = TempDir::new("no_csv");
        let path = dir.0.join("no_csv.json");
        std::fs::write(&path, base_json("no_csv")).expect("write");
        let err = load_case(&path).expect_err("missing CSV");
        assert!(
            err.contains("`no_csv`") && err.contains("cannot open CSV"),
            "{err}"
        );
        let err = load_case(&dir.0.join("absent.json")).expect_err("missing JSON");
        assert!(
            err.contains("`absent`") && err.contains("cannot read JSON"),
            "{err}"
        );
    }

    #[test]
    fn time_column_tolerates_rounding() {
        let csv = BASE_CSV.replacen("\n1.5,", "\n1.5000000001,", 1);
        load("time_round", &base_json("time_round"), &csv).expect("t within 1e-9 relative");
    }

    #[test]
    fn other_inputs_and_projection_values_load() {
        let json = edited_json("inputs", |v| {
            v["paradigm"] = "rate".into();
            v["populations"][0] = serde_json::json!({"name": "src", "model": "TimedArray",
                "size": 2, "parameters": {}, "init": {}, "rates": [[1, 0], [0, 1]],
                "schedule": 5.0, "period": -1});
            v["populations"].as_array_mut().expect("populations").push(
                serde_json::json!({"name": "arr", "model": "InputArray", "size": 2,
                    "parameters": {}, "init": {}, "r": [0.5, 1.0]}),
            );
            v["projections"][0]["synapse"] = "Hebb".into();
            v["projections"][0]["parameters"] =
                serde_json::json!({"eta": 0.1, "m": [[1, 2]], "l": [3]});
            v["projections"][0]["connector"] =
                serde_json::json!({"type": "all_to_all", "weights": 1.0, "delays": [[0.0, 1.0]]});
            v["record"][1]["variables"] = serde_json::json!(["r"]);
            v["columns"][4] = "src.r[0]".into();
            v["columns"][5] = "src.r[1]".into();
        });
        let csv = BASE_CSV.replacen("src.spike[0],src.spike[1]", "src.r[0],src.r[1]", 1);
        let case = load("inputs", &json, &csv).expect("case loads");
        assert_eq!(
            case.population("src").and_then(|p| p.input.clone()),
            Some(InputSpec::TimedArray {
                rates: vec![vec![1.0, 0.0], vec![0.0, 1.0]],
                schedule: 5.0,
                period: -1.0
            })
        );
        assert_eq!(
            case.population("arr").and_then(|p| p.input.clone()),
            Some(InputSpec::InputArray {
                r: Number::List(vec![0.5, 1.0])
            })
        );
        let proj = case.projection("proj").expect("proj");
        assert_eq!(proj.synapse.as_deref(), Some("Hebb"));
        assert_eq!(proj.parameter("eta"), Some(&ParamValue::Scalar(0.1)));
        assert_eq!(
            proj.parameter("m"),
            Some(&ParamValue::Matrix(vec![vec![1.0, 2.0]]))
        );
        assert_eq!(proj.parameter("m").and_then(|m| m.at(0, 1)), Some(2.0));
        assert_eq!(proj.parameter("l"), Some(&ParamValue::List(vec![3.0])));
        assert_eq!(proj.connector.weights, WeightSpec::Scalar(1.0));
        assert_eq!(proj.connector.delays.at(0, 1), Some(1.0));
    }

    #[test]
    fn tolerance_matches_finite_values() {
        let tol = Tolerance {
            rtol: 1e-6,
            atol: 1e-9,
        };
        assert!(tol.matches(1.0, 1.0));
        assert!(tol.matches(1.0, 1.0 + 5e-7));
        assert!(!tol.matches(1.0, 1.0 + 2e-6));
        assert!(tol.matches(0.0, 5e-10));
        assert!(!tol.matches(0.0, 2e-9));
        // The relative part scales with the simulated value b.
        assert!(tol.matches(1000.0, 1000.0009));
        assert!(!tol.matches(-1000.0, -1000.002));
        let exact = Tolerance {
            rtol: 0.0,
            atol: 0.0,
        };
        assert!(exact.matches(0.25, 0.25));
        assert!(!exact.matches(0.25, 0.25 + f64::EPSILON));
    }

    #[test]
    fn tolerance_matches_non_finite_values_only_with_themselves() {
        let tol = Tolerance {
            rtol: 1e-6,
            atol: 1e-9,
        };
        let (inf, nan) = (f64::INFINITY, f64::NAN);
        assert!(tol.matches(inf, inf));
        assert!(tol.matches(-inf, -inf));
        assert!(tol.matches(nan, nan));
        assert!(!tol.matches(inf, -inf));
        assert!(!tol.matches(-inf, inf));
        assert!(!tol.matches(inf, nan));
        assert!(!tol.matches(nan, inf));
        assert!(!tol.matches(1.0, inf));
        assert!(!tol.matches(inf, 1.0));
        assert!(!tol.matches(1.0, nan));
        assert!(!tol.matches(nan, 1.0));
        assert!(!tol.matches(f64::MAX, inf));
        let loose = Tolerance {
            rtol: 1.0,
            atol: 1.0,
        };
        assert!(!loose.matches(1.0, inf));
    }

    #[test]
    fn compare_reports_the_first_mismatches() {
        let case = base_case();
        let exact: Vec<Vec<f64>> = case.data.iter().map(|row| row[1..].to_vec()).collect();
        compare(&case, &exact).expect("identical values match");

        let mut close = exact.clone();
        close[0][0] *= 1.0 + 1e-7;
        compare(&case, &close).expect("within tolerance");

        let mut off = exact.clone();
        off[1][5] = 0.6;
        let err = compare(&case, &off).expect_err("w differs");
        assert!(
            err.contains("`base`") && err.contains("proj.w[0,0]"),
            "{err}"
        );
        assert!(
            err.contains("row 1 (t = 0.5 ms)") && err.contains("expected 0.5, got 0.6"),
            "{err}"
        );

        // Spike columns must match exactly.
        let mut spike = exact.clone();
        spike[1][3] = 1.0 - 1e-12;
        let err = compare(&case, &spike).expect_err("spike differs");
        assert!(err.contains("src.spike[0]"), "{err}");

        // Many mismatches: a summary line and at most 10 more.
        let wrong = vec![vec![42.0; case.columns.len()]; case.steps];
        let err = compare(&case, &wrong).expect_err("everything differs");
        assert_eq!(err.lines().count(), 1 + MAX_REPORTED_MISMATCHES, "{err}");
        assert!(
            err.lines().next().is_some_and(|l| l.contains("24 of 24")),
            "{err}"
        );

        let err = compare(&case, &exact[..3]).expect_err("missing row");
        assert!(err.contains("3 rows"), "{err}");
        let mut narrow = exact.clone();
        narrow[2].pop();
        let err = compare(&case, &narrow).expect_err("missing value");
        assert!(err.contains("row 2"), "{err}");
    }

    #[test]
    fn spike_times_round_half_to_even() {
        assert_eq!(spike_step(200.05, 0.1), Some(2000));
        assert_eq!(spike_step(200.15, 0.1), Some(2002));
        assert_eq!(spike_step(200.25, 0.1), Some(2002));
        assert_eq!(spike_step(1.25, 0.5), Some(2));
        assert_eq!(spike_step(-1.0, 0.5), None);
        assert_eq!(spike_step(f64::NAN, 0.5), None);
        assert_eq!(spike_steps(&[0.6, 0.5, 10.0, 0.55], 0.1), vec![5, 6, 100]);
    }

    #[test]
    fn numbers_expand_per_neuron() {
        assert_eq!(Number::Scalar(2.0).expand(3), Some(vec![2.0; 3]));
        assert_eq!(Number::List(vec![1.0, 2.0]).expand(2), Some(vec![1.0, 2.0]));
        assert_eq!(Number::List(vec![1.0, 2.0]).expand(3), None);
        assert_eq!(Number::List(vec![1.0, 2.0]).at(1), Some(2.0));
        assert_eq!(Number::Scalar(4.0).as_scalar(), Some(4.0));
    }

    #[test]
    fn list_cases_is_sorted_and_skips_other_files() {
        let dir = TempDir::new("list");
        for file in [
            "b.json",
            "a.json",
            "a.csv",
            "README.md",
            "README.json",
            "c.txt",
        ] {
            std::fs::write(dir.0.join(file), "{}").expect("write");
        }
        std::fs::create_dir(dir.0.join("d.json")).expect("folder");
        let names: Vec<String> = list_cases(&dir.0)
            .expect("readable")
            .iter()
            .map(|p| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(names, ["a.json", "b.json"]);
        assert!(list_cases(&dir.0.join("missing")).is_err());
    }

    #[test]
    fn json_front_end_keeps_order_and_values() {
        let parsed =
            json::parse(r#" { "z": [1, -2.5e3, "a\"b\\", null, true], "a": {"y": {}, "x": []} } "#)
                .expect("valid JSON");
        let json::Json::Object(members) = &parsed else {
            panic!("object expected")
        };
        let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["z", "a"]);
        assert_eq!(
            parsed.to_value(),
            serde_json::json!({"z": [1, -2500.0, "a\"b\\", null, true], "a": {"y": {}, "x": []}})
        );
        assert!(json::parse(r#"{"a": 1, "a": 2}"#).is_err());
        assert!(json::parse("[1, 2,]").is_err());
        assert!(json::parse("").is_err());
    }
}
