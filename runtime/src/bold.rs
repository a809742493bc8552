//! BOLD monitoring (ANNarchy's `extensions.bold`, SPEC.md 9.2): the BOLD
//! signal of one or more populations, computed by a BOLD model (a balloon
//! model) from their mean activity.
//!
//! [`NetworkBuilder::bold_monitor`] adds a [`BoldMonitor`] of a
//! [`BoldModel`] (the balloon models of `annarchy_models`: `balloon_RN`,
//! ANNarchy's default, `balloon_RL`, `balloon_CN`, `balloon_CL`,
//! `balloon_maith2021`, `balloon_two_inputs`, or a model of one's own) over
//! populations (or views):
//!
//! - a population of one neuron of the model, named after the model (or
//!   [`BoldOptions::name`]), updated only while the monitor is started;
//! - a monitor of that neuron recording the model's outputs (`BOLD`) and
//!   [`BoldOptions::recorded_variables`];
//! - for each entry `(input, variable)` of [`BoldOptions::mapping`] and each
//!   population, an input (ANNarchy's `AccProjection`): every step, before
//!   the neurons are updated, `sum(input)` of the BOLD neuron receives
//!   `scale * mean(variable)`, the mean of the variable over the population
//!   in the previous step. The default scale of a population is its size
//!   divided by the total size of the populations of the monitor, so that
//!   the input is the mean over all of them.
//!
//! With [`BoldOptions::normalize_input`], a population's input is
//! normalised by a baseline: during the first `baseline` ms after
//! [`Network::bold_start`], the input is 0 and the mean values are stored;
//! afterwards, the input is `scale * (x - mean) / (|mean| + 1e-7)`, the
//! relative deviation of the mean `x` from the baseline's mean.
//!
//! Nothing is computed before [`Network::bold_start`] (or
//! [`BoldOptions::start`]); [`Network::bold_stop`] pauses the monitor and
//! the model. [`Network::bold_get`] returns the recording of a variable;
//! the model's attributes are those of its population,
//! [`BoldMonitor::population`], read and written with
//! [`Network::get`] / [`Network::set`] or [`Network::pop`].
//!
//! The balloon models live in `annarchy_models` (see its `bold` module for
//! an example with them). Here a BOLD model of one's own, a leaky
//! integrator of its input written against the run-time's traits, makes
//! the example self-contained:
//!
//! ```
//! use annarchy_runtime::bold::{BoldModel, BoldOptions};
//! use annarchy_runtime::inputs::Schedule;
//! use annarchy_runtime::network::Network;
//! # use annarchy_runtime::model::*;
//! # /// `BOLD += dt/100 * (I_CBF - BOLD)`, with `I_CBF = sum(I_CBF)`.
//! # #[derive(Clone)]
//! # struct Leaky { i_cbf: Vec<f64>, bold: Vec<f64>, r: Vec<f64> }
//! # static INFO: ModelInfo = ModelInfo {
//! #     targets: &["I_CBF"],
//! #     ..ModelInfo::hand_written(ModelKind::Neuron, "Leaky", "Leaky BOLD", "", false, &[
//! #         AttrInfo { name: "I_CBF", is_parameter: false, locality: Locality::Local, value_type: ValueType::Float, init: 0.0 },
//! #         AttrInfo { name: "BOLD", is_parameter: false, locality: Locality::Local, value_type: ValueType::Float, init: 0.0 },
//! #         AttrInfo { name: "r", is_parameter: false, locality: Locality::Local, value_type: ValueType::Float, init: 0.0 },
//! #     ])
//! # };
//! # impl NeuronState for Leaky {
//! #     fn info(&self) -> &'static ModelInfo { &INFO }
//! #     fn size(&self) -> usize { self.r.len() }
//! #     fn attr(&self, i: usize) -> AttrRef<'_> { AttrRef::Array([&self.i_cbf, &self.bold, &self.r][i]) }
//! #     fn attr_mut(&mut self, i: usize) -> AttrMut<'_> {
//! #         AttrMut::Array(match i { 0 => &mut self.i_cbf, 1 => &mut self.bold, _ => &mut self.r })
//! #     }
//! #     fn update_rng(&mut self, _: &RngCtx<'_>) {}
//! #     fn update(&mut self, ctx: &NeuronCtx<'_>) {
//! #         for k in 0..self.r.len() {
//! #             self.i_cbf[k] = ctx.sums[0][k];
//! #             self.bold[k] += ctx.dt / 100.0 * (self.i_cbf[k] - self.bold[k]);
//! #         }
//! #     }
//! #     fn update_global_ops(&mut self) {}
//! #     fn reset(&mut self) { *self = Leaky::new_state(self.r.len()); }
//! #     fn as_any(&self) -> &dyn std::any::Any { self }
//! #     fn as_any_mut(&mut self) -> &mut dyn std::any::Any { self }
//! # }
//! # impl NeuronModel for Leaky {
//! #     type State = Leaky;
//! #     const INFO: &'static ModelInfo = &INFO;
//! #     fn new_state(n: usize) -> Leaky { Leaky { i_cbf: vec![0.0; n], bold: vec![0.0; n], r: vec![0.0; n] } }
//! # }
//! // A model of one's own says which targets are its inputs and which
//! // variables its outputs.
//! impl BoldModel for Leaky {
//!     const INPUTS: &'static [&'static str] = &["I_CBF"];
//!     const OUTPUTS: &'static [&'static str] = &["BOLD"];
//! }
//!
//! # fn main() -> annarchy_runtime::Result<()> {
//! let mut b = Network::builder();
//! // Two regions of 2 and 6 neurons whose rates are 1 and 3.
//! let small = b.timed_array("small", 2, vec![vec![1.0; 2]], Schedule::Every(1.0), 0.0)?;
//! let large = b.timed_array("large", 6, vec![vec![3.0; 6]], Schedule::Every(1.0), 0.0)?;
//! let bold = b.bold_monitor::<Leaky>(
//!     &[small.into(), large.into()],
//!     BoldOptions {
//!         recorded_variables: Some(vec!["I_CBF"]),
//!         ..BoldOptions::default()
//!     },
//! )?;
//! let mut net = b.build()?;
//! net.simulate(100.0)?; // not started: nothing is computed or recorded
//! net.bold_start(bold)?;
//! net.simulate(1000.0)?;
//! // The input is the mean rate of all neurons: (2 * 1 + 6 * 3) / 8.
//! let input = net.bold_get(bold, "I_CBF")?;
//! assert_eq!(input.steps[0], 100);
//! assert_eq!(input.values[1], [2.5]);
//! let signal = net.bold_get(bold, "BOLD")?;
//! assert_eq!(signal.values.len(), 1000);
//! assert!((signal.values[999][0] - 2.5).abs() < 1e-3);
//! // The model's attributes are those of its population.
//! assert_eq!(net.get(bold.population(), "BOLD")?, signal.values[999]);
//! # Ok(())
//! # }
//! ```

use crate::error::{Error, Result, closest};
use crate::model::NeuronModel;
use crate::monitor::{MonitorOptions, Recording};
use crate::network::{AnyPop, MonitorId, Network, NetworkBuilder, Neurons, PopId};
use crate::population::Population;

/// A neuron model that a [`BoldMonitor`] can drive (ANNarchy's
/// `BoldModel`): a rate-coded neuron reading its inputs as weighted sums
/// (`I_CBF = sum(I_CBF)`).
///
/// `annarchy_models` implements it for the balloon models; a model of
/// one's own, written with `neuron!`, implements it to be used by a
/// [`BoldMonitor`].
pub trait BoldModel: NeuronModel {
    /// The targets its inputs arrive on (ANNarchy's `inputs`), the keys of
    /// [`BoldOptions::mapping`]: `["I_CBF"]` for the balloon models.
    const INPUTS: &'static [&'static str];
    /// The variables a [`BoldMonitor`] records in any case (ANNarchy's
    /// `output`): `["BOLD"]` for the balloon models.
    const OUTPUTS: &'static [&'static str];
}

/// The options of [`NetworkBuilder::bold_monitor`] (the arguments of
/// ANNarchy's `BoldMonitor` other than the populations and the model).
///
/// The default maps the rate `r` of the populations to the input `I_CBF`,
/// with the default scales, no normalisation, recording the model's
/// outputs, not started.
#[derive(Clone, Debug, PartialEq)]
pub struct BoldOptions<'a> {
    /// `(input, variable)` pairs: the input of the model (a target of
    /// [`BoldModel::INPUTS`]) that receives the mean of the variable of the
    /// populations. Default: `[("I_CBF", "r")]`.
    pub mapping: Vec<(&'a str, &'a str)>,
    /// One factor per population, weighting its input. Default: the size
    /// of each population divided by the total size of the populations.
    pub scale_factor: Option<Vec<f64>>,
    /// One baseline period in ms per population (0: no normalisation):
    /// during this period after the start, the input of the population is
    /// 0 and its mean values are stored; afterwards it is
    /// `scale * (x - mean) / (|mean| + 1e-7)`. The period is rounded to a
    /// whole number of steps. Default: no normalisation.
    pub normalize_input: Option<Vec<f64>>,
    /// Variables of the model to record besides its outputs
    /// ([`BoldModel::OUTPUTS`]); the monitor records them all, sorted and
    /// without duplicates. Default: the outputs only.
    pub recorded_variables: Option<Vec<&'a str>>,
    /// Whether the monitor starts when the network is built (as if
    /// [`Network::bold_start`] were called at step 0). Default: false.
    pub start: bool,
    /// Name of the population of the BOLD model. Default: the model's
    /// name (`"BOLD model RN"`); population names are unique, so a second
    /// monitor of the same model needs a name of its own.
    pub name: Option<&'a str>,
}

impl Default for BoldOptions<'_> {
    fn default() -> Self {
        BoldOptions {
            mapping: vec![("I_CBF", "r")],
            scale_factor: None,
            normalize_input: None,
            recorded_variables: None,
            start: false,
            name: None,
        }
    }
}

/// A BOLD monitor in a network, of BOLD model `M`, returned by
/// [`NetworkBuilder::bold_monitor`]: started and stopped with
/// [`Network::bold_start`] and [`Network::bold_stop`], read with
/// [`Network::bold_get`].
pub struct BoldMonitor<M> {
    pop: PopId<M>,
    monitor: MonitorId,
    /// The monitor's inputs: `inputs..inputs + nb_inputs` in
    /// `Objects::bold`.
    inputs: usize,
    nb_inputs: usize,
}

impl<M> Clone for BoldMonitor<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for BoldMonitor<M> {}

impl<M> std::fmt::Debug for BoldMonitor<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoldMonitor")
            .field("population", &self.pop)
            .field("monitor", &self.monitor)
            .field("inputs", &(self.inputs..self.inputs + self.nb_inputs))
            .finish()
    }
}

impl<M> BoldMonitor<M> {
    /// The population of one neuron of the BOLD model: its attributes are
    /// the model's parameters and variables (ANNarchy's attribute access
    /// on a `BoldMonitor`).
    pub fn population(&self) -> PopId<M> {
        self.pop
    }

    /// The monitor recording the model's variables.
    pub fn monitor(&self) -> MonitorId {
        self.monitor
    }
}

/// The baseline of a normalised input, once computed
/// ([`Network::bold_baselines`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Baseline {
    /// Mean over the baseline period of the population's mean variable.
    pub mean: f64,
    /// Its standard deviation (with `n - 1`; NaN for a period of one step).
    pub std: f64,
}

/// One input of a BOLD monitor: the mean of a variable of a population
/// (or view), added to `sum(target)` of the BOLD population each step
/// (ANNarchy's `AccProjection`).
#[derive(Clone, Debug)]
pub(crate) struct BoldInput {
    /// Population read.
    pre: usize,
    /// Ranks read (a view), or the whole population.
    ranks: Option<Vec<u32>>,
    /// Index of the variable in the population's attributes.
    attr: usize,
    /// The BOLD population.
    post: usize,
    /// Index of the target among the BOLD population's sums.
    target: usize,
    scale: f64,
    /// Steps of the baseline period (0: no normalisation).
    baseline_steps: i64,
    /// Mean values stored during the baseline period.
    baseline: Vec<f64>,
    /// The step that ends the baseline period, at which the baseline is
    /// computed (-1: never started).
    baseline_end: i64,
    mean: f64,
    std: f64,
    computed: bool,
}

impl BoldInput {
    /// Starts the baseline period at step `t` (ANNarchy's
    /// `AccProjection.start`). Values stored by an earlier start are kept
    /// and enter the new baseline, as in ANNarchy.
    fn start(&mut self, t: i64) {
        if self.baseline_steps > 0 {
            self.baseline_end = t + self.baseline_steps;
            self.baseline.reserve(self.baseline_steps as usize);
        }
    }

    /// The state of the baseline, for files: the values stored, the step
    /// that ends the period (-1: not started), and `[mean, std, computed]`
    /// (`computed`: 1 once computed, else 0).
    pub(crate) fn baseline_state(&self) -> (&[f64], i64, [f64; 3]) {
        let computed = if self.computed { 1.0 } else { 0.0 };
        (
            &self.baseline,
            self.baseline_end,
            [self.mean, self.std, computed],
        )
    }

    /// Sets what [`baseline_state`](Self::baseline_state) gives.
    pub(crate) fn set_baseline_state(&mut self, values: Vec<f64>, end: i64, stats: [f64; 3]) {
        self.baseline = values;
        self.baseline_end = end;
        [self.mean, self.std] = [stats[0], stats[1]];
        self.computed = stats[2] != 0.0;
    }

    /// Forgets the stored baseline; a baseline period that had started
    /// starts again at step 0 (the network was reset to it).
    pub(crate) fn reset(&mut self) {
        self.baseline.clear();
        self.mean = 0.0;
        self.std = 0.0;
        self.computed = false;
        if self.baseline_end >= 0 {
            self.baseline_end = self.baseline_steps;
        }
    }

    /// The population whose variable the input reads.
    pub(crate) fn reads(&self) -> usize {
        self.pre
    }

    /// The sum of the variable over the neurons read, and their number.
    fn sum(&self, pops: &[Population]) -> (f64, usize) {
        let values = pops[self.pre].state.attr(self.attr);
        let at = |j: usize| values.get(j);
        match &self.ranks {
            Some(ranks) => (
                ranks.iter().fold(0.0, |acc, &j| acc + at(j as usize)),
                ranks.len(),
            ),
            None => {
                let n = pops[self.pre].size();
                ((0..n).fold(0.0, |acc, j| acc + at(j)), n)
            }
        }
    }
}

/// Adds the inputs of the BOLD monitors to the sums of their populations,
/// in the transmission phase of step `t`, with ANNarchy's arithmetic.
///
/// As ANNarchy's `AccProjection`, an input stores its baseline values
/// even while its BOLD population is disabled; otherwise, nothing is
/// computed for a disabled population (whose sums are never read).
pub(crate) fn accumulate(inputs: &mut [BoldInput], pops: &mut [Population], t: i64) {
    for input in inputs {
        let collecting = t < input.baseline_end;
        let averaging = t == input.baseline_end;
        if !pops[input.post].enabled && !collecting && !averaging {
            continue;
        }
        let (sum, n) = input.sum(pops);
        let value = if input.baseline_steps == 0 {
            input.scale * sum / n as f64
        } else {
            let x = sum / n as f64;
            if averaging {
                let count = input.baseline.len() as f64;
                input.mean = input.baseline.iter().fold(0.0, |acc, v| acc + v) / count;
                let squares = input
                    .baseline
                    .iter()
                    .fold(0.0, |acc, v| acc + (v - input.mean) * (v - input.mean));
                input.std = (squares / (count - 1.0)).sqrt();
                input.computed = true;
            }
            if collecting {
                input.baseline.push(x);
                0.0
            } else {
                input.scale * ((x - input.mean) / (input.mean.abs() + 1e-7))
            }
        };
        pops[input.post].sums[input.target][0] += value;
    }
}

impl NetworkBuilder {
    /// Adds a BOLD monitor of model `M` over `populations` (ANNarchy's
    /// `BoldMonitor(populations, bold_model, mapping, scale_factor,
    /// normalize_input, recorded_variables, start)`); see the [module
    /// documentation](crate::bold).
    ///
    /// # Errors
    ///
    /// - no population;
    /// - `scale_factor` or `normalize_input` without one value per
    ///   population, or a baseline period that is negative, not finite, or
    ///   shorter than half a step;
    /// - a key of `mapping` that is not one of the model's
    ///   [`BoldModel::INPUTS`], or given twice;
    /// - a variable of `mapping` that a population does not have;
    /// - a population name already taken (see [`BoldOptions::name`]);
    /// - a recorded variable that the model does not have, or a parameter.
    pub fn bold_monitor<M: BoldModel>(
        &mut self,
        populations: &[Neurons],
        options: BoldOptions<'_>,
    ) -> Result<BoldMonitor<M>> {
        let name = options.name.unwrap_or(M::INFO.name);
        let invalid = |reason: String| Error::Invalid {
            object: format!("BOLD monitor `{name}`"),
            reason,
        };
        if populations.is_empty() {
            return Err(invalid(
                "no population to monitor: give at least one population or view".into(),
            ));
        }
        let per_population = |values: &Option<Vec<f64>>, what: &str| match values {
            Some(v) if v.len() != populations.len() => Err(invalid(format!(
                "`{what}` has {} values but there are {} populations: give one value per population",
                v.len(),
                populations.len()
            ))),
            _ => Ok(()),
        };
        per_population(&options.scale_factor, "scale_factor")?;
        per_population(&options.normalize_input, "normalize_input")?;
        let dt = self.get_dt();
        let baseline_steps: Vec<i64> = match &options.normalize_input {
            None => vec![0; populations.len()],
            Some(periods) => periods
                .iter()
                .map(|&p| {
                    let steps = (p / dt).round();
                    if !p.is_finite() || p < 0.0 || (p > 0.0 && steps < 1.0) {
                        Err(invalid(format!(
                            "the baseline period of `normalize_input` must be 0 (no normalisation) or at least one step ({dt} ms), not {p} ms"
                        )))
                    } else {
                        Ok(steps as i64)
                    }
                })
                .collect::<Result<_>>()?,
        };
        for (k, (input, _)) in options.mapping.iter().enumerate() {
            if !M::INPUTS.contains(input) {
                return Err(invalid(format!(
                    "the key `{input}` of `mapping` is not an input of the model `{}` (its inputs: {})",
                    M::INFO.type_name,
                    M::INPUTS.join(", ")
                )));
            }
            if !M::INFO.targets.contains(input) && !M::INFO.uses_all_targets {
                return Err(invalid(format!(
                    "the model `{}` declares the input `{input}` but does not read `sum({input})`",
                    M::INFO.type_name
                )));
            }
            if options.mapping[..k].iter().any(|(i, _)| i == input) {
                return Err(invalid(format!(
                    "the key `{input}` of `mapping` is given twice"
                )));
            }
        }
        // The populations read: index, ranks, size.
        let sides: Vec<(usize, Option<Vec<u32>>, usize)> = populations
            .iter()
            .map(|n| match n {
                Neurons::All(p) => (*p, None, self.objects.pops[*p].size()),
                Neurons::View(v) => (v.population().0, Some(v.ranks().to_vec()), v.ranks().len()),
            })
            .collect();
        let total: usize = sides.iter().map(|s| s.2).sum();
        let scales: Vec<f64> = match &options.scale_factor {
            Some(s) => s.clone(),
            None => sides.iter().map(|s| s.2 as f64 / total as f64).collect(),
        };
        // The variables read, checked before anything is added.
        let mut attrs = Vec::with_capacity(options.mapping.len() * sides.len());
        for (input, variable) in &options.mapping {
            for (p, _, _) in &sides {
                let pop = &self.objects.pops[*p];
                let info = pop.state.info();
                let attr =
                    info.attribute_index(variable)
                        .ok_or_else(|| Error::UnknownAttribute {
                            object: format!(
                                "population `{}` (read as `{input}` by the BOLD monitor `{name}`)",
                                pop.name
                            ),
                            name: variable.to_string(),
                            suggestion: closest(variable, info.attributes.iter().map(|a| a.name)),
                        })?;
                attrs.push(attr);
            }
        }
        let pop = self.population::<M>(name, 1).map_err(|e| match e {
            Error::Invalid { object, reason } => Error::Invalid {
                object,
                reason: format!(
                    "{reason}: give the BOLD monitor a name of its own (BoldOptions::name)"
                ),
            },
            other => other,
        })?;
        let post = AnyPop::from(pop).0;
        let mut recorded: Vec<&str> = M::OUTPUTS.to_vec();
        if let Some(extra) = &options.recorded_variables {
            recorded.extend(extra.iter().copied());
            recorded.sort_unstable();
            recorded.dedup();
        }
        let monitor = match self.monitor_with(
            pop,
            &recorded,
            MonitorOptions {
                start: options.start,
                ..MonitorOptions::default()
            },
        ) {
            Ok(m) => m,
            Err(e) => {
                // Leave the builder as it was.
                self.objects.pops.pop();
                return Err(e);
            }
        };
        let objects = &mut self.objects;
        objects.pops[post].enabled = options.start;
        let first = objects.bold.len();
        let mut attrs = attrs.into_iter();
        for (input, _) in &options.mapping {
            // A target the model does not name is read by its `sum()`.
            let target = objects.pops[post].add_target(input);
            for (k, (p, ranks, _)) in sides.iter().enumerate() {
                let mut bold_input = BoldInput {
                    pre: *p,
                    ranks: ranks.clone(),
                    attr: attrs
                        .next()
                        .expect("one attribute per input and population"),
                    post,
                    target,
                    scale: scales[k],
                    baseline_steps: baseline_steps[k],
                    baseline: Vec::new(),
                    baseline_end: -1,
                    mean: 0.0,
                    std: 1.0,
                    computed: false,
                };
                if options.start {
                    bold_input.start(0);
                }
                objects.bold.push(bold_input);
            }
        }
        Ok(BoldMonitor {
            pop,
            monitor,
            inputs: first,
            nb_inputs: objects.bold.len() - first,
        })
    }
}

impl Network {
    /// Starts a BOLD monitor (ANNarchy's `BoldMonitor.start()`): starts
    /// recording, enables the update of the BOLD model, and starts the
    /// baseline periods of the normalised inputs.
    ///
    /// # Errors
    ///
    /// When the monitor is not one of this network.
    pub fn bold_start<M>(&mut self, bold: BoldMonitor<M>) -> Result<()> {
        self.monitor_start(bold.monitor)?;
        self.set_enabled(bold.pop, true);
        let t = self.get_current_step();
        for input in &mut self.objects.bold[bold.inputs..bold.inputs + bold.nb_inputs] {
            input.start(t);
        }
        Ok(())
    }

    /// Stops a BOLD monitor (ANNarchy's `BoldMonitor.stop()`): pauses the
    /// recording and the update of the BOLD model, which keeps its state
    /// until the next [`bold_start`](Self::bold_start). Unlike ANNarchy,
    /// which deletes the recorder, the values recorded so far stay
    /// available to [`bold_get`](Self::bold_get).
    ///
    /// # Errors
    ///
    /// When the monitor is not one of this network.
    pub fn bold_stop<M>(&mut self, bold: BoldMonitor<M>) -> Result<()> {
        self.monitor_pause(bold.monitor)?;
        self.set_enabled(bold.pop, false);
        Ok(())
    }

    /// The recording of a variable of the BOLD model (ANNarchy's
    /// `BoldMonitor.get(variable)`), one column; the data is erased.
    ///
    /// # Errors
    ///
    /// When the variable is not recorded.
    pub fn bold_get<M>(&mut self, bold: BoldMonitor<M>, variable: &str) -> Result<Recording> {
        self.monitor_get(bold.monitor, variable)
    }

    /// The baselines of a BOLD monitor's inputs, in the order of the
    /// mapping, then of the populations: `None` for an input without
    /// normalisation or whose baseline period has not ended yet.
    pub fn bold_baselines<M>(&self, bold: BoldMonitor<M>) -> Vec<Option<Baseline>> {
        self.objects.bold[bold.inputs..bold.inputs + bold.nb_inputs]
            .iter()
            .map(|input| {
                (input.baseline_steps > 0 && input.computed).then_some(Baseline {
                    mean: input.mean,
                    std: input.std,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{BoldInput, accumulate};
    use crate::geometry::Geometry;
    use crate::inputs::{Schedule, TimedArray};
    use crate::population::Population;

    /// A population whose `r` is `r` (a timed array, never updated here).
    fn rates(r: &[f64]) -> Population {
        let state = TimedArray::new(r.len(), vec![r.to_vec()], Schedule::Every(1.0), 0.0, 1.0)
            .expect("a valid timed array");
        let mut pop = Population::new(
            "rates".into(),
            Geometry::new(&[r.len()]).expect("a valid geometry"),
            Box::new(state),
        );
        set_rates(&mut pop, r);
        pop
    }

    fn set_rates(pop: &mut Population, r: &[f64]) {
        pop.state.attr_mut(0).copy_from(r);
    }

    /// `pops[0]`: the population read; `pops[1]`: a BOLD neuron with the
    /// target `I_CBF`.
    fn network(r: &[f64]) -> Vec<Population> {
        let mut bold = rates(&[0.0]);
        bold.add_target("I_CBF");
        vec![rates(r), bold]
    }

    fn input(ranks: Option<Vec<u32>>, scale: f64, baseline_steps: i64) -> BoldInput {
        BoldInput {
            pre: 0,
            ranks,
            attr: 0,
            post: 1,
            target: 0,
            scale,
            baseline_steps,
            baseline: Vec::new(),
            baseline_end: -1,
            mean: 0.0,
            std: 1.0,
            computed: false,
        }
    }

    /// The input `sum(I_CBF)` receives in step `t`.
    fn step(inputs: &mut [BoldInput], pops: &mut [Population], t: i64) -> f64 {
        pops[1].sums[0][0] = 0.0;
        accumulate(inputs, pops, t);
        pops[1].sums[0][0]
    }

    #[test]
    fn the_input_is_the_scaled_mean_of_the_variable() {
        let mut pops = network(&[1.0, 2.0, 3.0, 6.0]);
        let mut inputs = [input(None, 0.5, 0)];
        assert_eq!(step(&mut inputs, &mut pops, 0), 0.5 * 12.0 / 4.0);
        // A view reads its ranks only; inputs of the same target add up.
        let mut inputs = [input(None, 0.5, 0), input(Some(vec![3, 1]), 2.0, 0)];
        assert_eq!(step(&mut inputs, &mut pops, 0), 1.5 + 2.0 * 8.0 / 2.0);
    }

    #[test]
    fn a_disabled_model_receives_nothing_but_baselines_are_stored() {
        let mut pops = network(&[2.0, 4.0]);
        pops[1].enabled = false;
        let mut inputs = [input(None, 1.0, 0), input(None, 1.0, 2)];
        assert_eq!(step(&mut inputs, &mut pops, 0), 0.0);
        assert!(inputs[1].baseline.is_empty());
        inputs[1].start(1);
        step(&mut inputs, &mut pops, 1);
        step(&mut inputs, &mut pops, 2);
        assert_eq!(inputs[1].baseline, [3.0, 3.0]);
        step(&mut inputs, &mut pops, 3);
        assert!(inputs[1].computed);
        assert_eq!(inputs[1].mean, 3.0);
    }

    #[test]
    fn a_baseline_period_gives_zero_then_the_relative_deviation() {
        let mut pops = network(&[1.0, 3.0]);
        let mut inputs = [input(None, 0.5, 3)];
        inputs[0].start(10);
        // Steps 10, 11, 12: means 2, 4, 6 stored, no input.
        for (t, r) in [(10, [1.0, 3.0]), (11, [3.0, 5.0]), (12, [5.0, 7.0])] {
            set_rates(&mut pops[0], &r);
            assert_eq!(step(&mut inputs, &mut pops, t), 0.0);
        }
        assert!(!inputs[0].computed);
        set_rates(&mut pops[0], &[5.0, 5.0]);
        let first = step(&mut inputs, &mut pops, 13);
        assert_eq!((inputs[0].mean, inputs[0].std), (4.0, 2.0));
        assert_eq!(first, 0.5 * ((5.0 - 4.0) / (4.0 + 1e-7)));
        assert_eq!(step(&mut inputs, &mut pops, 14), first);
        // As in ANNarchy, a new start adds to the stored values: the
        // baseline is then over the six of them.
        inputs[0].start(20);
        set_rates(&mut pops[0], &[9.0, 9.0]);
        for t in 20..23 {
            assert_eq!(step(&mut inputs, &mut pops, t), 0.0);
        }
        step(&mut inputs, &mut pops, 23);
        assert_eq!(inputs[0].baseline, [2.0, 4.0, 6.0, 9.0, 9.0, 9.0]);
        assert_eq!(inputs[0].mean, 39.0 / 6.0);
    }
}
