//! The network: populations, projections and monitors, built by a
//! [`NetworkBuilder`] whose [`build`](NetworkBuilder::build) is ANNarchy's
//! `compile()`, and simulated step by step in ANNarchy's order (SPEC.md 5).

use crate::arrivals::Arrivals;
use crate::callbacks::{Callback, CallbackFn};
use crate::connectivity::{Connectivity, Delays, LilBuilder, SpikeIndex};
use crate::connectors::{self, ConnectorInfo, Side, Value};
use crate::delivery::{self, PreWeights};
use crate::emission::Emission;
use crate::error::{Error, Result};
use crate::geometry::Geometry;
use crate::inputs::{Schedule, SpikeSourceArray, TimedArray, TimedPoisson};
use crate::model::{
    AttrRef, Locality, MAX_LINKED, ModelInfo, NeuronCtx, NeuronModel, NeuronState, Precision,
    RngCtx, SpikeEvents, SpikeOut, SynapseCtx, SynapseModel, SynapseState, VarRef,
};
use crate::monitor::{Monitor, MonitorOptions, Recorded, Recording, Source};
use crate::population::{AttrValue, Population, add_at};
use crate::projection::{Dendrite, Link, Projection};
use crate::random::stream;
use crate::split::{Choices, ThreadSplit, Way};
use crate::team::Team;
use crate::timing::{Lap, StepTimes, TimingSummary};
use rand_chacha::ChaCha8Rng;
use std::marker::PhantomData;
use std::time::Instant;

/// A typed handle over an object index, `Copy` whatever its model, and its
/// untyped twin for access by name.
macro_rules! handle {
    ($(#[$doc:meta])* $name:ident, $(#[$any_doc:meta])* $any:ident) => {
        $(#[$doc])*
        pub struct $name<M> {
            index: usize,
            _model: PhantomData<fn() -> M>,
        }
        impl<M> Clone for $name<M> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<M> Copy for $name<M> {}
        impl<M> std::fmt::Debug for $name<M> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.index)
            }
        }

        $(#[$any_doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $any(pub(crate) usize);

        impl<M> From<$name<M>> for $any {
            fn from(h: $name<M>) -> $any {
                $any(h.index)
            }
        }
    };
}

handle!(
    /// A population of model `M` in a network.
    PopId,
    /// A population of any model (for access by name).
    AnyPop
);
handle!(
    /// A projection of synapse model `S` in a network.
    ProjId,
    /// A projection of any synapse model.
    AnyProj
);

/// A monitor in a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MonitorId(usize);

/// A subset of a population, by ranks (ANNarchy's `PopulationView`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PopView {
    pop: usize,
    ranks: Vec<u32>,
}

impl PopView {
    /// The ranks of the view, in the population.
    pub fn ranks(&self) -> &[u32] {
        &self.ranks
    }
    /// The population the view is part of.
    pub fn population(&self) -> AnyPop {
        AnyPop(self.pop)
    }
}

/// A population or a view of one: what attributes are read from and
/// projections connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Neurons {
    /// The whole population.
    All(usize),
    /// Some of its neurons.
    View(PopView),
}

impl<M> From<PopId<M>> for Neurons {
    fn from(p: PopId<M>) -> Neurons {
        Neurons::All(p.index)
    }
}
impl From<AnyPop> for Neurons {
    fn from(p: AnyPop) -> Neurons {
        Neurons::All(p.0)
    }
}
impl From<PopView> for Neurons {
    fn from(v: PopView) -> Neurons {
        Neurons::View(v)
    }
}
impl From<&PopView> for Neurons {
    fn from(v: &PopView) -> Neurons {
        Neurons::View(v.clone())
    }
}

impl Neurons {
    fn pop(&self) -> usize {
        match self {
            Neurons::All(p) => *p,
            Neurons::View(v) => v.pop,
        }
    }
    fn ranks(&self) -> Option<&[u32]> {
        match self {
            Neurons::All(_) => None,
            Neurons::View(v) => Some(&v.ranks),
        }
    }
}

/// What a monitor records: a population, a view, or a projection.
#[derive(Clone, Debug, PartialEq)]
pub enum MonitorTarget {
    /// A population or a view.
    Neurons(Neurons),
    /// A projection (all synapses, storage order).
    Projection(usize),
    /// One dendrite of a projection (post rank).
    Dendrite(usize, u32),
}

impl MonitorTarget {
    /// One dendrite of a projection: the synapses of post-synaptic neuron `post`.
    pub fn dendrite(proj: impl Into<AnyProj>, post: u32) -> MonitorTarget {
        MonitorTarget::Dendrite(proj.into().0, post)
    }
}

impl<M> From<PopId<M>> for MonitorTarget {
    fn from(p: PopId<M>) -> Self {
        MonitorTarget::Neurons(p.into())
    }
}
impl From<AnyPop> for MonitorTarget {
    fn from(p: AnyPop) -> Self {
        MonitorTarget::Neurons(p.into())
    }
}
impl From<PopView> for MonitorTarget {
    fn from(v: PopView) -> Self {
        MonitorTarget::Neurons(v.into())
    }
}
impl From<&PopView> for MonitorTarget {
    fn from(v: &PopView) -> Self {
        MonitorTarget::Neurons(v.into())
    }
}
impl<S> From<ProjId<S>> for MonitorTarget {
    fn from(p: ProjId<S>) -> Self {
        MonitorTarget::Projection(p.index)
    }
}
impl From<AnyProj> for MonitorTarget {
    fn from(p: AnyProj) -> Self {
        MonitorTarget::Projection(p.0)
    }
}

/// Objects shared by the builder and the built network.
#[derive(Clone)]
pub(crate) struct Objects {
    dt: f64,
    seed: u64,
    /// Precision of the populations and projections of models defined
    /// with `neuron!` and `synapse!`.
    precision: Precision,
    pub(crate) pops: Vec<Population>,
    pub(crate) projs: Vec<Projection>,
    pub(crate) monitors: Vec<Monitor>,
    /// Named constants (ANNarchy's `Constant`).
    pub(crate) constants: Vec<(String, f64)>,
    /// Inputs of the BOLD monitors (`crate::bold`).
    pub(crate) bold: Vec<crate::bold::BoldInput>,
    /// Generator for run-time draws requested by the user (attribute values).
    rng: ChaCha8Rng,
}

impl Objects {
    fn pop(&self, p: usize) -> &Population {
        &self.pops[p]
    }

    fn pop_by_name(&self, name: &str) -> Result<AnyPop> {
        self.pops
            .iter()
            .position(|p| p.name == name)
            .map(AnyPop)
            .ok_or_else(|| Error::UnknownObject {
                kind: "population",
                name: name.to_string(),
            })
    }

    fn proj_by_name(&self, name: &str) -> Result<AnyProj> {
        self.projs
            .iter()
            .position(|p| p.name == name)
            .map(AnyProj)
            .ok_or_else(|| Error::UnknownObject {
                kind: "projection",
                name: name.to_string(),
            })
    }

    fn get(&self, n: &Neurons, name: &str) -> Result<Vec<f64>> {
        self.pops[n.pop()].get(name, n.ranks())
    }

    fn set(&mut self, n: &Neurons, name: &str, value: AttrValue) -> Result<()> {
        let p = &mut self.pops[n.pop()];
        p.set(name, n.ranks(), &value, &mut self.rng)
    }

    /// Copies the constants' values into every object that reads them.
    pub(crate) fn resolve_constants(&mut self) -> Result<()> {
        let lookup = |kind: &str, object: &str, names: &[&str]| -> Result<Vec<f64>> {
            names
                .iter()
                .map(|n| {
                    self.constants
                        .iter()
                        .find(|(c, _)| c == n)
                        .map(|(_, v)| *v)
                        .ok_or_else(|| {
                            Error::Build(format!(
                                "{kind} `{object}` reads the constant `{n}`, which is not defined (NetworkBuilder::constant)"
                            ))
                        })
                })
                .collect()
        };
        let pops: Vec<Vec<f64>> = self
            .pops
            .iter()
            .map(|p| lookup("population", &p.name, p.state.info().constants))
            .collect::<Result<_>>()?;
        let projs: Vec<Vec<f64>> = self
            .projs
            .iter()
            .map(|p| lookup("projection", &p.name, p.state.info().constants))
            .collect::<Result<_>>()?;
        for (p, c) in self.pops.iter_mut().zip(pops) {
            p.constants = c;
        }
        for (p, c) in self.projs.iter_mut().zip(projs) {
            p.constants = c;
        }
        Ok(())
    }

    fn view(&self, pop: AnyPop, ranks: impl IntoIterator<Item = usize>) -> Result<PopView> {
        let p = self.pop(pop.0);
        let size = p.size();
        let ranks: Vec<u32> = ranks
            .into_iter()
            .map(|r| {
                if r < size {
                    Ok(r as u32)
                } else {
                    Err(Error::OutOfRange {
                        object: format!("population `{}`", p.name),
                        what: format!("rank {r} (size {size})"),
                    })
                }
            })
            .collect::<Result<_>>()?;
        Ok(PopView { pop: pop.0, ranks })
    }

    fn proj_get(&self, p: AnyProj, name: &str) -> Result<Vec<f64>> {
        self.projs[p.0].get(name)
    }

    fn proj_set(&mut self, p: AnyProj, name: &str, value: AttrValue) -> Result<()> {
        self.projs[p.0].set(name, &value, &mut self.rng)
    }

    fn synapse_value(&self, p: AnyProj, name: &str, post: u32, pre: Option<u32>) -> Result<f64> {
        let proj = &self.projs[p.0];
        let (idx, pos) = proj.value_index(name, post, pre)?;
        Ok(proj.state.attr(idx).get(pos))
    }

    fn set_synapse_value(
        &mut self,
        p: AnyProj,
        name: &str,
        post: u32,
        pre: Option<u32>,
        value: f64,
    ) -> Result<()> {
        let proj = &mut self.projs[p.0];
        let (idx, pos) = proj.value_index(name, post, pre)?;
        let t = proj.state.info().attributes[idx].value_type;
        proj.pre_weights.invalidate();
        proj.state
            .attr_mut(idx)
            .set(pos, crate::population::typed(value, t));
        Ok(())
    }

    fn dendrite(&self, p: AnyProj, post: u32) -> Result<Dendrite<'_>> {
        let proj = &self.projs[p.0];
        let index = proj
            .conn
            .dendrite_index(post)
            .ok_or_else(|| Error::Invalid {
                object: format!("projection `{}`", proj.name),
                reason: format!(
                    "the post-synaptic neuron {post} has no synapse in this projection"
                ),
            })?;
        Ok(Dendrite { proj, index })
    }

    fn add_monitor(
        &mut self,
        target: MonitorTarget,
        vars: &[&str],
        opts: MonitorOptions,
    ) -> Result<MonitorId> {
        let (source, name) = match &target {
            MonitorTarget::Neurons(n) => (
                Source::Population(n.pop(), n.ranks().map(<[u32]>::to_vec)),
                format!("Monitor_{}", self.pops[n.pop()].name),
            ),
            MonitorTarget::Projection(p) => (
                Source::Projection(*p, None),
                format!("Monitor_{}", self.projs[*p].name),
            ),
            MonitorTarget::Dendrite(p, post) => {
                self.dendrite(AnyProj(*p), *post)?;
                (
                    Source::Projection(*p, Some(*post)),
                    format!("Monitor_{}", self.projs[*p].name),
                )
            }
        };
        let mut recorded = Vec::new();
        for &v in vars {
            let r = match &source {
                Source::Population(p, _) if v == "spike" => {
                    if !self.pops[*p].spiking() {
                        return Err(Error::Invalid {
                            object: name,
                            reason: format!(
                                "the population `{}` is rate-coded: it has no spikes to record",
                                self.pops[*p].name
                            ),
                        });
                    }
                    Recorded::Spike
                }
                Source::Population(p, _) => {
                    let pop = &self.pops[*p];
                    if let Some(t) = v.strip_prefix("sum(").and_then(|s| s.strip_suffix(')')) {
                        Recorded::Sum(t.trim().to_string())
                    } else {
                        let i = pop.attr_index(v)?;
                        if pop.state.info().attributes[i].is_parameter {
                            return Err(Error::Invalid {
                                object: name,
                                reason: format!(
                                    "`{v}` is a parameter; parameters are not recordable"
                                ),
                            });
                        }
                        Recorded::Attr(i)
                    }
                }
                Source::Projection(p, _) => {
                    let proj = &self.projs[*p];
                    let i = proj.attr_index(v)?;
                    if proj.state.info().attributes[i].is_parameter && v != "w" {
                        return Err(Error::Invalid {
                            object: name,
                            reason: format!("`{v}` is a parameter; parameters are not recordable"),
                        });
                    }
                    Recorded::Attr(i)
                }
            };
            recorded.push((v.to_string(), r));
        }
        let period = match opts.period {
            Some(p) if p.is_nan() || p <= 0.0 || !p.is_finite() => {
                return Err(Error::Invalid {
                    object: name,
                    reason: format!("the period must be positive, not {p}"),
                });
            }
            Some(p) => ((p / self.dt).round() as i64).max(1),
            None => 1,
        };
        if !opts.period_offset.is_finite() {
            return Err(Error::Invalid {
                object: name,
                reason: format!(
                    "the period offset must be finite, not {}",
                    opts.period_offset
                ),
            });
        }
        let period_offset = (opts.period_offset / self.dt).round() as i64;
        if period_offset < 0 || period_offset >= period {
            return Err(Error::Invalid {
                object: name,
                reason: "the period offset must be at least 0 and smaller than the period".into(),
            });
        }
        let spike_ranks: Vec<u32> = match &source {
            Source::Population(p, None) => (0..self.pops[*p].size() as u32).collect(),
            Source::Population(_, Some(r)) => r.clone(),
            Source::Projection(..) => Vec::new(),
        };
        let mut monitor = Monitor::new(name, source, recorded, period, period_offset, opts.start);
        monitor.keep_last = opts.keep_last;
        if monitor.vars.iter().any(|(_, r)| *r == Recorded::Spike) {
            if let Source::Population(p, Some(ranks)) = &monitor.source {
                // The first slot of a rank listed twice records it.
                let mut slots = vec![u32::MAX; self.pops[*p].size()];
                for (k, &r) in ranks.iter().enumerate().rev() {
                    slots[r as usize] = k as u32;
                }
                monitor.spike_slots = slots;
            }
            monitor.spike_ranks = spike_ranks;
        }
        self.monitors.push(monitor);
        Ok(MonitorId(self.monitors.len() - 1))
    }
}

/// The error of typed access to the arrays of `object` (a population or a
/// projection of the model `model`) when they are not an `S`.
fn not_a_state<S>(object: String, model: &str) -> Error {
    Error::Invalid {
        object,
        reason: format!(
            "its arrays are not a `{}` (model `{model}`, precision: double for `{{Model}}State`, single for `{{Model}}StateF32`)",
            std::any::type_name::<S>(),
        ),
    }
}

/// Why typed access to a population's arrays failed: a `PopId<M>` always
/// refers to a population of `M`, whose state has another type only in
/// single precision.
const TYPED_SINGLE: &str = "typed access to a population's arrays with pop needs double precision (in single precision, use pop_as with the model's StateF32, or get and set)";

/// Why typed access to a projection's arrays failed (see [`TYPED_SINGLE`]).
const TYPED_SINGLE_PROJ: &str = "typed access to a projection's arrays with proj needs double precision (in single precision, use proj_as with the model's StateF32, or proj_get and proj_set)";

/// Builds a network: populations, projections, monitors; then
/// [`build`](Self::build), which checks everything (ANNarchy's `compile()`).
pub struct NetworkBuilder {
    pub(crate) objects: Objects,
    threads: usize,
    thread_split: ThreadSplit,
}

impl Default for NetworkBuilder {
    fn default() -> Self {
        NetworkBuilder::new()
    }
}

impl NetworkBuilder {
    /// A builder with `dt = 1.0` ms, seed 0, one thread.
    pub fn new() -> NetworkBuilder {
        NetworkBuilder {
            objects: Objects {
                dt: 1.0,
                seed: 0,
                precision: Precision::Double,
                pops: Vec::new(),
                projs: Vec::new(),
                monitors: Vec::new(),
                constants: Vec::new(),
                bold: Vec::new(),
                rng: stream(0, &[u64::MAX]),
            },
            threads: 1,
            thread_split: ThreadSplit::Measured,
        }
    }

    /// Sets the step size in ms (before adding objects). Errors for a
    /// non-positive or non-finite step.
    pub fn dt(mut self, dt: f64) -> Result<NetworkBuilder> {
        if dt.is_nan() || dt <= 0.0 || !dt.is_finite() {
            return Err(Error::Invalid {
                object: "network".into(),
                reason: format!("dt must be positive and finite, not {dt}"),
            });
        }
        self.before_populations("dt")?;
        self.objects.dt = dt;
        Ok(self)
    }

    /// Sets the precision in which populations and projections store
    /// their attributes (ANNarchy's `setup(precision='float')`; double by
    /// default), before populations are added. In
    /// [`Precision::Single`], every population of a model defined with
    /// `neuron!` stores its arrays in `f32` and computes its equations in
    /// `f32`: a step of such a population reads and writes half the bytes
    /// and computes twice as many neurons per vector instruction. Every
    /// projection of a model defined with `synapse!` stores its weights
    /// and other attributes in `f32` (its equations compute in `f64`,
    /// rounded when stored): a weighted sum or a learning rule reads half
    /// the bytes. Values read and set from outside (`get`, `set`,
    /// `proj_get`, `proj_set`, monitors, files) are `f64`, rounded to `f32`
    /// when stored. Typed access to the arrays goes through the model's
    /// `{Model}StateF32` ([`Network::pop_as`], [`Network::proj_as`];
    /// [`Network::pop`] and [`Network::proj`] give the double-precision
    /// states). An example is in the documentation of the `annarchy` crate.
    ///
    /// # Errors
    ///
    /// When populations have already been added.
    pub fn precision(mut self, precision: Precision) -> Result<NetworkBuilder> {
        self.before_populations("the precision")?;
        self.objects.precision = precision;
        Ok(self)
    }

    /// Refuses to set `what` once populations have been added (they were
    /// made with its old value).
    fn before_populations(&self, what: &str) -> Result<()> {
        if self.objects.pops.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid {
                object: "network".into(),
                reason: format!("{what} must be set before populations are added"),
            })
        }
    }

    /// Sets the seed of every random number of the network (connectors,
    /// initial values, equations).
    pub fn seed(mut self, seed: u64) -> NetworkBuilder {
        self.objects.seed = seed;
        self.objects.rng = stream(seed, &[u64::MAX]);
        self
    }

    /// Number of threads of the simulation (1 by default). Results are the
    /// same for any number.
    pub fn threads(mut self, n: usize) -> NetworkBuilder {
        self.threads = n.max(1);
        self
    }

    /// How each piece of a step (a population's update, a projection's
    /// transmission, ...) uses the threads: by default
    /// ([`ThreadSplit::Measured`]) it is split over them only where its
    /// measured times show that splitting is faster, and whole steps run
    /// on one thread when their measured times show that faster, so that
    /// more threads do not slow a simulation down; [`ThreadSplit::Always`]
    /// splits every piece large enough. Results are the same either way.
    pub fn thread_split(mut self, split: ThreadSplit) -> NetworkBuilder {
        self.thread_split = split;
        self
    }

    /// Defines (or redefines) a named constant that models declare with
    /// `constants: "name"` and read in their equations.
    pub fn constant(&mut self, name: &str, value: f64) -> &mut Self {
        match self.objects.constants.iter_mut().find(|(n, _)| n == name) {
            Some(c) => c.1 = value,
            None => self.objects.constants.push((name.to_string(), value)),
        }
        self
    }

    pub(crate) fn check_name(&self, name: &str) -> Result<()> {
        if self.objects.pops.iter().any(|p| p.name == name)
            || self.objects.projs.iter().any(|p| p.name == name)
        {
            return Err(Error::Invalid {
                object: format!("`{name}`"),
                reason: "a population or projection of this name already exists".into(),
            });
        }
        Ok(())
    }

    /// Stores a projection whose name, connectivity and state have been
    /// checked (by a connector, or by the shared-weight projections of
    /// [`crate::convolution`], whose states are built by hand).
    pub(crate) fn push_projection<S>(
        &mut self,
        name: String,
        (pre, post): (usize, usize),
        target: String,
        state: Box<dyn SynapseState>,
        mut conn: Connectivity,
        connector: ConnectorInfo,
    ) -> ProjId<S> {
        conn.rehouse();
        let nd = conn.nb_dendrites();
        let structural = crate::structural::Structural::new(&conn);
        let info = state.info();
        let delivered_w = info.attribute_index("w").filter(|_| info.pre_spike_adds_w);
        self.objects.projs.push(Projection {
            name,
            pre,
            post,
            target,
            target_index: 0,
            state,
            conn,
            psp: vec![0.0; nd],
            transmission: true,
            update: true,
            plasticity: true,
            period: 1,
            offset: 0,
            pre_links: Vec::new(),
            post_links: Vec::new(),
            initial: Vec::new(),
            constants: Vec::new(),
            index: SpikeIndex::default(),
            events: Vec::new(),
            event_head: 0,
            pre_weights: PreWeights::new(),
            deferred: false,
            arriving: Vec::new(),
            cuts: crate::arrivals::RowCuts::default(),
            delivered_w,
            connector,
            structural,
            source: None,
            version: 0,
        });
        ProjId {
            index: self.objects.projs.len() - 1,
            _model: PhantomData,
        }
    }

    fn add_population(
        &mut self,
        name: &str,
        geometry: Geometry,
        state: Box<dyn NeuronState>,
    ) -> Result<usize> {
        let name = if name.is_empty() {
            format!("pop{}", self.objects.pops.len())
        } else {
            name.to_string()
        };
        self.check_name(&name)?;
        self.objects
            .pops
            .push(Population::new(name, geometry, state));
        Ok(self.objects.pops.len() - 1)
    }

    /// Adds a population of model `M` (an empty name gives `pop<N>`).
    pub fn population<M: NeuronModel>(
        &mut self,
        name: &str,
        geometry: impl TryInto<Geometry, Error = Error>,
    ) -> Result<PopId<M>> {
        let g: Geometry = geometry.try_into()?;
        check_size(name, g)?;
        let state = M::new_state_in(g.size(), self.objects.precision);
        let index = self.add_population(name, g, state)?;
        Ok(PopId {
            index,
            _model: PhantomData,
        })
    }

    /// Adds a `TimedArray` input (SPEC.md 8): `rates` has one row per
    /// scheduled time.
    pub fn timed_array(
        &mut self,
        name: &str,
        geometry: impl TryInto<Geometry, Error = Error>,
        rates: Vec<Vec<f64>>,
        schedule: Schedule,
        period: f64,
    ) -> Result<PopId<TimedArray>> {
        let g: Geometry = geometry.try_into()?;
        check_size(name, g)?;
        let ta = TimedArray::new(g.size(), rates, schedule, period, self.objects.dt).map_err(
            |e| match e {
                Error::Invalid { reason, .. } => Error::Invalid {
                    object: format!("TimedArray `{name}`"),
                    reason,
                },
                other => other,
            },
        )?;
        let index = self.add_population(name, g, Box::new(ta))?;
        Ok(PopId {
            index,
            _model: PhantomData,
        })
    }

    /// Adds a `TimedPoissonPopulation` (SPEC.md 8): Poisson spike trains
    /// whose rates (Hz) follow `rates`, one row (of `size` values, or one
    /// for all neurons) per scheduled time.
    pub fn timed_poisson(
        &mut self,
        name: &str,
        geometry: impl TryInto<Geometry, Error = Error>,
        rates: Vec<Vec<f64>>,
        schedule: Schedule,
        period: f64,
    ) -> Result<PopId<TimedPoisson>> {
        let g: Geometry = geometry.try_into()?;
        check_size(name, g)?;
        let tp =
            TimedPoisson::new(g.size(), rates, schedule, period, self.objects.dt).map_err(|e| {
                match e {
                    Error::Invalid { reason, .. } => Error::Invalid {
                        object: format!("TimedPoissonPopulation `{name}`"),
                        reason,
                    },
                    other => other,
                }
            })?;
        let index = self.add_population(name, g, Box::new(tp))?;
        Ok(PopId {
            index,
            _model: PhantomData,
        })
    }

    /// Adds a `SpikeSourceArray` (SPEC.md 8): one list of spike times (ms)
    /// per neuron.
    pub fn spike_source_array(
        &mut self,
        name: &str,
        spike_times: &[Vec<f64>],
    ) -> Result<PopId<SpikeSourceArray>> {
        if spike_times.is_empty() {
            return Err(Error::Invalid {
                object: format!("SpikeSourceArray `{name}`"),
                reason: "at least one neuron (one list of spike times) is needed".into(),
            });
        }
        let g = Geometry::new(&[spike_times.len()])?;
        check_size(name, g)?;
        let s = SpikeSourceArray::new(spike_times, self.objects.dt).map_err(|e| match e {
            Error::Invalid { reason, .. } => Error::Invalid {
                object: format!("SpikeSourceArray `{name}`"),
                reason,
            },
            other => other,
        })?;
        let index = self.add_population(name, g, Box::new(s))?;
        Ok(PopId {
            index,
            _model: PhantomData,
        })
    }

    /// Starts a projection from `pre` to `post` on `target`; finish it with
    /// one of the `connect_*` methods. The synapse model is `S`.
    pub fn projection<S: SynapseModel>(
        &mut self,
        pre: impl Into<Neurons>,
        post: impl Into<Neurons>,
        target: &str,
    ) -> ProjectionBuilder<'_, S> {
        ProjectionBuilder {
            builder: self,
            pre: pre.into(),
            post: post.into(),
            target: target.to_string(),
            name: String::new(),
            delays: Value::Const(0.0),
            allow_self_connections: false,
            connector: ConnectorInfo::default(),
            _model: PhantomData,
        }
    }

    /// Adds a monitor recording `variables` of a population, view or
    /// projection, every step from the start.
    pub fn monitor(
        &mut self,
        target: impl Into<MonitorTarget>,
        variables: &[&str],
    ) -> Result<MonitorId> {
        self.objects
            .add_monitor(target.into(), variables, MonitorOptions::default())
    }

    /// Adds a monitor with options (period, offset, start).
    pub fn monitor_with(
        &mut self,
        target: impl Into<MonitorTarget>,
        variables: &[&str],
        options: MonitorOptions,
    ) -> Result<MonitorId> {
        self.objects.add_monitor(target.into(), variables, options)
    }

    /// Checks the network and makes it ready to simulate (ANNarchy's
    /// `compile()`): every projection's target must be read by the
    /// post-synaptic model, every `pre.x`/`post.x` must exist, and the
    /// connectivity must fit the populations.
    pub fn build(self) -> Result<Network> {
        let NetworkBuilder {
            mut objects,
            threads,
            thread_split,
        } = self;
        // Targets of projections.
        for k in 0..objects.projs.len() {
            let (post, target, name) = {
                let p = &objects.projs[k];
                (p.post, p.target.clone(), p.name.clone())
            };
            let pop = &mut objects.pops[post];
            let info = pop.state.info();
            // Hybrid projections are allowed: a rate-coded synapse onto a
            // spiking population adds its weighted sum to `g_target` (a current
            // injection); a spiking synapse onto a rate-coded population adds
            // to `sum(target)` (a decoding projection).
            if info.spiking {
                let idx = pop.target_index(&target).ok_or_else(|| {
                    Error::Build(format!(
                        "projection `{name}`: the post-synaptic population `{}` has no conductance `g_{target}` (its model `{}` uses {})",
                        pop.name,
                        info.type_name,
                        if info.targets.is_empty() {
                            "none".to_string()
                        } else {
                            info.targets.iter().map(|t| format!("g_{t}")).collect::<Vec<_>>().join(", ")
                        }
                    ))
                })?;
                objects.projs[k].target_index = idx;
                continue;
            }
            let idx = match pop.target_index(&target) {
                Some(i) => i,
                None if info.uses_all_targets => pop.add_target(&target),
                None => {
                    return Err(Error::Build(format!(
                        "projection `{name}`: the post-synaptic population `{}` does not use the target `{target}` (its model `{}` reads {})",
                        pop.name,
                        info.type_name,
                        if info.targets.is_empty() {
                            "no target".to_string()
                        } else {
                            info.targets
                                .iter()
                                .map(|t| format!("sum({t})"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    )));
                }
            };
            objects.projs[k].target_index = idx;
        }
        // Links of pre./post. names, and delay rings.
        for k in 0..objects.projs.len() {
            let info = objects.projs[k].state.info();
            let (pre, post) = (objects.projs[k].pre, objects.projs[k].post);
            let name = objects.projs[k].name.clone();
            if info.pre_attributes.len() + info.pre_targets.len() > MAX_LINKED
                || info.post_attributes.len() + info.post_targets.len() > MAX_LINKED
            {
                return Err(Error::Build(format!(
                    "projection `{name}`: a synapse may read at most {MAX_LINKED} attributes of each side"
                )));
            }
            let max_delay = objects.projs[k].conn.max_delay();
            let mut pre_links = Vec::new();
            for &a in info.pre_attributes {
                let pop = &mut objects.pops[pre];
                // The default psp `w * pre.r` is not used when spikes arrive:
                // a spike source without `r` is fine.
                if pop.spiking()
                    && a == "r"
                    && info.source.psp.trim().is_empty()
                    && pop.state.info().attribute_index(a).is_none()
                {
                    pre_links.push(Link::Zero);
                    continue;
                }
                let index = pop.state.info().attribute_index(a).ok_or_else(|| {
                    Error::Build(format!(
                        "projection `{name}`: the pre-synaptic population `{}` has no attribute called `{a}`",
                        pop.name
                    ))
                })?;
                let ring = (max_delay > 1).then(|| pop.delay_ring(index, max_delay as usize));
                pre_links.push(Link::Attr { index, ring });
            }
            for &t in info.pre_targets {
                let pop = &objects.pops[pre];
                let index = pop.target_index(t).ok_or_else(|| {
                    Error::Build(format!(
                        "projection `{name}`: `pre.sum({t})` but the pre-synaptic population `{}` receives no projection on `{t}`",
                        pop.name
                    ))
                })?;
                pre_links.push(Link::Sum { index });
            }
            let mut post_links = Vec::new();
            for &a in info.post_attributes {
                let pop = &objects.pops[post];
                let index = pop.state.info().attribute_index(a).ok_or_else(|| {
                    Error::Build(format!(
                        "projection `{name}`: the post-synaptic population `{}` has no attribute called `{a}`",
                        pop.name
                    ))
                })?;
                post_links.push(Link::Attr { index, ring: None });
            }
            for &t in info.post_targets {
                let pop = &objects.pops[post];
                let index = pop.target_index(t).ok_or_else(|| {
                    Error::Build(format!(
                        "projection `{name}`: `post.sum({t})` but the post-synaptic population `{}` receives no projection on `{t}`",
                        pop.name
                    ))
                })?;
                post_links.push(Link::Sum { index });
            }
            objects.projs[k].pre_links = pre_links;
            objects.projs[k].post_links = post_links;
        }
        // Spiking: conductances, spike histories, per-synapse event rings.
        let nprojs = objects.projs.len();
        for pop in &mut objects.pops {
            if pop.spiking() {
                pop.arrivals = Vec::with_capacity(nprojs);
                let info = pop.state.info();
                pop.g_index = pop
                    .targets
                    .iter()
                    .map(|t| info.attribute_index(&format!("g_{t}")))
                    .collect();
            }
        }
        for k in 0..objects.projs.len() {
            let (pre, post) = (objects.projs[k].pre, objects.projs[k].post);
            if !objects.pops[pre].spiking() {
                continue;
            }
            let npost = objects.pops[post].size();
            objects.projs[k].prepare_spikes(&mut objects.pops[pre], npost);
        }
        objects.resolve_constants()?;
        for pop in &mut objects.pops {
            pop.take_snapshot();
        }
        for proj in &mut objects.projs {
            proj.take_snapshot();
        }
        let mut net = Network::start(objects, threads)?;
        net.set_thread_split(thread_split);
        Ok(net)
    }
}

/// Ranks are 32-bit: a population has at most `u32::MAX` neurons.
fn check_size(name: &str, g: Geometry) -> Result<()> {
    if g.size() > u32::MAX as usize {
        return Err(Error::Geometry {
            dims: g.dims().to_vec(),
            reason: format!(
                "population `{name}` would have more than {} neurons",
                u32::MAX
            ),
        });
    }
    Ok(())
}

/// Finishes a projection with a connector (ANNarchy's `connect_*` methods).
pub struct ProjectionBuilder<'b, S> {
    builder: &'b mut NetworkBuilder,
    pre: Neurons,
    post: Neurons,
    target: String,
    name: String,
    delays: Value,
    allow_self_connections: bool,
    connector: ConnectorInfo,
    _model: PhantomData<fn() -> S>,
}

impl<S: SynapseModel> ProjectionBuilder<'_, S> {
    /// Names the projection (default `proj<N>`).
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    /// Synaptic delays in ms: a constant or a distribution (per synapse).
    pub fn delays(mut self, delays: impl Into<Value>) -> Self {
        self.delays = delays.into();
        self
    }

    /// Allows a neuron to connect to itself when pre and post are the same
    /// population (default: not allowed).
    pub fn allow_self_connections(mut self, allow: bool) -> Self {
        self.allow_self_connections = allow;
        self
    }

    fn sides(&self) -> (Vec<u32>, Vec<u32>, Geometry, Geometry) {
        let objects = &self.builder.objects;
        let ranks = |n: &Neurons| match n {
            Neurons::All(p) => (0..objects.pops[*p].size() as u32).collect(),
            Neurons::View(v) => v.ranks.clone(),
        };
        (
            ranks(&self.pre),
            ranks(&self.post),
            objects.pops[self.pre.pop()].geometry,
            objects.pops[self.post.pop()].geometry,
        )
    }

    /// Self-connections are excluded when not allowed and both sides are
    /// the same population (`all_to_all`, `gaussian`, `dog`: views of the same
    /// population count as the same).
    fn exclude_self_underlying(&self) -> bool {
        !self.allow_self_connections && self.pre.pop() == self.post.pop()
    }

    /// Random connectors compare the objects: a view is not its population.
    fn exclude_self_same_object(&self) -> bool {
        !self.allow_self_connections && self.pre == self.post
    }

    fn rng(&self) -> ChaCha8Rng {
        let n = self.builder.objects.projs.len() as u64;
        stream(self.builder.objects.seed, &[0xC0, n])
    }

    fn finish(self, mut conn: Connectivity) -> Result<ProjId<S>> {
        let b = self.builder;
        let name = if self.name.is_empty() {
            format!("proj{}", b.objects.projs.len())
        } else {
            self.name.clone()
        };
        b.check_name(&name)?;
        let pre = self.pre.pop();
        let post = self.post.pop();
        let pre_info = b.objects.pops[pre].state.info();
        // A synapse with spike events needs spiking neurons; one without
        // takes the type of its pre-synaptic population.
        if S::INFO.spiking && !pre_info.spiking {
            return Err(Error::Invalid {
                object: format!("projection `{name}`"),
                reason: format!(
                    "the synapse `{}` is {} but the pre-synaptic population is {}",
                    S::INFO.type_name,
                    if S::INFO.spiking {
                        "spiking"
                    } else {
                        "rate-coded"
                    },
                    if pre_info.spiking {
                        "spiking"
                    } else {
                        "rate-coded"
                    }
                ),
            });
        }
        conn.validate(b.objects.pops[pre].size(), b.objects.pops[post].size())?;
        let mut state = S::new_state_in(b.objects.precision);
        state.connect(&conn);
        // The weights now live in the synapse's state: no second copy.
        conn.weights = Vec::new();
        Ok(b.push_projection(
            name,
            (pre, post),
            self.target.clone(),
            state,
            conn,
            self.connector,
        ))
    }

    /// ANNarchy's `connect_current()` of a `CurrentInjection`: a rate-coded
    /// population into a spiking one of the same size, one-to-one, weight 1.
    pub fn connect_current(self) -> Result<ProjId<S>> {
        let objects = &self.builder.objects;
        let (pre, post) = (
            &objects.pops[self.pre.pop()],
            &objects.pops[self.post.pop()],
        );
        let reason = if pre.spiking() {
            Some(format!(
                "the pre-synaptic population `{}` must be rate-coded",
                pre.name
            ))
        } else if !post.spiking() {
            Some(format!(
                "the post-synaptic population `{}` must be spiking",
                post.name
            ))
        } else if self.pre_size() != self.post_size() {
            Some(format!(
                "pre and post must have the same size ({} and {})",
                self.pre_size(),
                self.post_size()
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(Error::Connector {
                connector: "connect_current",
                reason,
            });
        }
        self.connect_one_to_one(1.0)
    }

    fn pre_size(&self) -> usize {
        match &self.pre {
            Neurons::All(p) => self.builder.objects.pops[*p].size(),
            Neurons::View(v) => v.ranks.len(),
        }
    }

    fn post_size(&self) -> usize {
        match &self.post {
            Neurons::All(p) => self.builder.objects.pops[*p].size(),
            Neurons::View(v) => v.ranks.len(),
        }
    }

    /// Records the connector's name and its description for reports.
    fn described(mut self, name: &str, description: String) -> Self {
        self.connector = ConnectorInfo {
            name: name.to_string(),
            description,
        };
        self
    }

    /// `weights W, delays D` as ANNarchy's connector descriptions end.
    fn weights_delays(&self, weights: &Value) -> String {
        format!("weights {weights}, delays {}", self.delays)
    }

    /// Runs a connector on the two sides and finishes the projection. The
    /// connector gets the sides, the builder's delays, `dt` and a generator
    /// seeded for this projection.
    fn connect(
        self,
        connector: impl FnOnce(&Side, &Side, Value, f64, &mut ChaCha8Rng) -> Result<Connectivity>,
    ) -> Result<ProjId<S>> {
        let (pr, po, gp, gq) = self.sides();
        let mut rng = self.rng();
        let conn = connector(
            &Side::new(&pr, gp),
            &Side::new(&po, gq),
            self.delays.clone(),
            self.builder.objects.dt,
            &mut rng,
        )?;
        self.finish(conn)
    }

    /// The builder's delay as a constant, for connectors that take no distribution.
    fn constant_delay(&self, connector: &'static str, hint: &str) -> Result<f64> {
        match &self.delays {
            Value::Const(d) => Ok(*d),
            Value::Dist(_) => Err(Error::Connector {
                connector,
                reason: format!("only constant delays are allowed{hint}"),
            }),
        }
    }

    /// Connects pre and post neuron of the same position (`k`-th to `k`-th).
    pub fn connect_one_to_one(self, weights: impl Into<Value>) -> Result<ProjId<S>> {
        let weights = weights.into();
        let d = format!("One-to-One, {}", self.weights_delays(&weights));
        self.described("One-to-One", d)
            .connect(|pre, post, delays, dt, rng| {
                connectors::one_to_one(pre, post, weights, delays, dt, rng)
            })
    }

    /// Connects every pre neuron to every post neuron.
    pub fn connect_all_to_all(self, weights: impl Into<Value>) -> Result<ProjId<S>> {
        let exclude = self.exclude_self_underlying();
        let weights = weights.into();
        let d = format!("All-to-All, {}", self.weights_delays(&weights));
        self.described("All-to-All", d)
            .connect(|pre, post, delays, dt, rng| {
                connectors::all_to_all(pre, post, weights, delays, exclude, dt, rng)
            })
    }

    /// Gaussian profile of weights over normalised coordinates (whole populations).
    pub fn connect_gaussian(self, amp: f64, sigma: f64, limit: f64) -> Result<ProjId<S>> {
        let exclude = self.exclude_self_underlying();
        let d = format!(
            "Gaussian, $A$ {amp:?}, $\\sigma$ {sigma:?}, delays {}",
            self.delays
        );
        self.described("Gaussian", d)
            .connect(|pre, post, delays, dt, rng| {
                connectors::gaussian(pre, post, amp, sigma, delays, limit, exclude, dt, rng)
            })
    }

    /// Difference-of-Gaussians profile of weights (whole populations).
    pub fn connect_dog(
        self,
        amp_pos: f64,
        sigma_pos: f64,
        amp_neg: f64,
        sigma_neg: f64,
        limit: f64,
    ) -> Result<ProjId<S>> {
        let exclude = self.exclude_self_underlying();
        let d = format!(
            "Difference-of-Gaussian, $A^+$ {amp_pos:?}, $\\sigma^+$ {sigma_pos:?}, $A^-$ {amp_neg:?}, \
             $\\sigma^-$ {sigma_neg:?}, delays {}",
            self.delays
        );
        self.described("Difference-of-Gaussian", d)
            .connect(|pre, post, delays, dt, rng| {
                connectors::dog(
                    pre, post, amp_pos, sigma_pos, amp_neg, sigma_neg, delays, limit, exclude, dt,
                    rng,
                )
            })
    }

    /// Each pair connected with probability `p`.
    pub fn connect_fixed_probability(
        self,
        probability: f64,
        weights: impl Into<Value>,
    ) -> Result<ProjId<S>> {
        let exclude = self.exclude_self_same_object();
        let weights = weights.into();
        let d = format!(
            "Random, sparse {probability:?}, {}",
            self.weights_delays(&weights)
        );
        self.described("Random", d)
            .connect(|pre, post, delays, dt, rng| {
                connectors::fixed_probability(
                    pre,
                    post,
                    probability,
                    weights,
                    delays,
                    exclude,
                    dt,
                    rng,
                )
            })
    }

    /// Each post neuron receives `number` distinct random pre neurons.
    pub fn connect_fixed_number_pre(
        self,
        number: usize,
        weights: impl Into<Value>,
    ) -> Result<ProjId<S>> {
        let exclude = self.exclude_self_same_object();
        let weights = weights.into();
        let d = format!(
            "Random, {number} neurons pre, {}",
            self.weights_delays(&weights)
        );
        self.described("Random Convergent", d)
            .connect(|pre, post, delays, dt, rng| {
                connectors::fixed_number_pre(pre, post, number, weights, delays, exclude, dt, rng)
            })
    }

    /// Each pre neuron projects to `number` distinct random post neurons.
    pub fn connect_fixed_number_post(
        self,
        number: usize,
        weights: impl Into<Value>,
    ) -> Result<ProjId<S>> {
        let exclude = self.exclude_self_same_object();
        let weights = weights.into();
        let d = format!(
            "Random, {number} neurons post, {}",
            self.weights_delays(&weights)
        );
        self.described("Random Divergent", d)
            .connect(|pre, post, delays, dt, rng| {
                connectors::fixed_number_post(pre, post, number, weights, delays, exclude, dt, rng)
            })
    }

    /// Weights from a dense matrix, `post x pre` (`None`: no synapse).
    pub fn connect_from_matrix(self, weights: &[Vec<Option<f64>>]) -> Result<ProjId<S>> {
        let delay = self.constant_delay(
            "connect_from_matrix",
            " (or a matrix: use connect_from_matrix_with_delays)",
        )?;
        let d = "Connectivity matrix".to_string();
        self.described("Connectivity matrix", d)
            .connect(|pre, post, _, dt, _| {
                connectors::from_matrix(pre, post, weights, None, delay, dt)
            })
    }

    /// Weights and per-synapse delays (ms) from dense `post x pre` matrices.
    pub fn connect_from_matrix_with_delays(
        self,
        weights: &[Vec<Option<f64>>],
        delays: &[Vec<Option<f64>>],
    ) -> Result<ProjId<S>> {
        let d = "Connectivity matrix with delays".to_string();
        self.described("Connectivity matrix", d)
            .connect(|pre, post, _, dt, _| {
                connectors::from_matrix(pre, post, weights, Some(delays), 0.0, dt)
            })
    }

    /// Synapses from `(pre index, post index, weight)` triplets (positions
    /// in the pre and post sides), with the builder's constant delay.
    pub fn connect_from_sparse(self, triplets: &[(usize, usize, f64)]) -> Result<ProjId<S>> {
        let delay = self.constant_delay("connect_from_sparse", "")?;
        let d = "Sparse connectivity matrix".to_string();
        self.described("Sparse connectivity matrix", d)
            .connect(|pre, post, _, dt, _| connectors::from_sparse(pre, post, triplets, delay, dt))
    }

    /// Synapses from `(post index, pre index, weight, delay ms)` tuples.
    pub fn connect_from_list(self, synapses: &[(usize, usize, f64, f64)]) -> Result<ProjId<S>> {
        let d = "List-based description".to_string();
        self.described("List-based", d)
            .connect(|pre, post, _, dt, _| connectors::from_list(pre, post, synapses, dt))
    }

    /// Synapses from a user function returning a [`LilBuilder`].
    pub fn connect_with_func(
        self,
        f: impl FnOnce(&Side, &Side) -> Result<LilBuilder>,
    ) -> Result<ProjId<S>> {
        let d = "Created by a user function".to_string();
        self.described("User-defined", d)
            .connect(|pre, post, _, dt, _| connectors::with_func(pre, post, f, dt))
    }
}

/// How [`Network::simulate_until`] combines the stop conditions of
/// several populations (ANNarchy's `operator`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopOperator {
    /// Stop when every population meets its condition (`'and'`).
    And,
    /// Stop when any population meets its condition (`'or'`).
    Or,
}

/// A built network, ready to simulate.
pub struct Network {
    pub(crate) objects: Objects,
    /// Storage swapped with a population's conductance while projections add to it.
    scratch: Vec<f64>,
    /// Holds a conductance in single precision while spikes add to it.
    scratch_f32: Vec<f32>,
    /// The spikes each thread finds in its part of a population's update.
    emission: Emission,
    t: i64,
    threads: usize,
    /// The threads of the simulation (none for one thread).
    team: Option<Team>,
    /// Functions called periodically by `simulate`, in declaration order.
    callbacks: Vec<Callback>,
    callbacks_enabled: bool,
    /// Counts the calls of `clear_all_callbacks` (one made by a callback
    /// also drops the callbacks that are running).
    callbacks_cleared: u64,
    /// Whether long `simulate` calls show a progress bar on a terminal.
    progress_bar: bool,
    /// Time spent per phase and object, when measured.
    times: StepTimes,
    /// Whether each piece of a step is split over the threads.
    split: Choices,
}

/// Fewest steps of a `simulate` call that shows a progress bar.
const PROGRESS_MIN_STEPS: usize = 10_000;

/// A progress bar of `n` steps of `dt` ms, counting simulated milliseconds.
fn progress_bar(n: usize, dt: f64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(n as u64);
    let template = format!(
        "{{bar:40}} {{percent:>3}} % of {:.0} ms simulated, {{elapsed}} elapsed, {{eta}} left",
        n as f64 * dt
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

macro_rules! access_methods {
    ($ty:ty) => {
        impl $ty {
            /// Step size in ms.
            pub fn get_dt(&self) -> f64 {
                self.objects.dt
            }
            /// The population with this name.
            pub fn get_population(&self, name: &str) -> Result<AnyPop> {
                self.objects.pop_by_name(name)
            }
            /// The projection with this name.
            pub fn get_projection(&self, name: &str) -> Result<AnyProj> {
                self.objects.proj_by_name(name)
            }
            /// Name of a population.
            pub fn population_name(&self, pop: impl Into<AnyPop>) -> &str {
                &self.objects.pops[pop.into().0].name
            }
            /// Every population, in order of creation (ANNarchy's `populations()`).
            pub fn populations(&self) -> Vec<AnyPop> {
                (0..self.objects.pops.len()).map(AnyPop).collect()
            }
            /// The projections, in order of creation, restricted to those
            /// reaching `post`, leaving `pre` and with the `target` given
            /// (ANNarchy's `projections(post, pre, target)`).
            pub fn projections(
                &self,
                post: Option<AnyPop>,
                pre: Option<AnyPop>,
                target: Option<&str>,
            ) -> Vec<AnyProj> {
                self.objects
                    .projs
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| post.is_none_or(|q| q.0 == p.post))
                    .filter(|(_, p)| pre.is_none_or(|q| q.0 == p.pre))
                    .filter(|(_, p)| target.is_none_or(|t| t == p.target))
                    .map(|(k, _)| AnyProj(k))
                    .collect()
            }
            /// Every monitor, in order of creation.
            pub fn monitors(&self) -> Vec<MonitorId> {
                (0..self.objects.monitors.len()).map(MonitorId).collect()
            }
            /// Name of a projection.
            pub fn projection_name(&self, proj: impl Into<AnyProj>) -> &str {
                &self.objects.projs[proj.into().0].name
            }
            /// The connector that created a projection's synapses, with
            /// its arguments (ANNarchy's `connector_name` and
            /// `connector_description`).
            pub fn connector_info(&self, proj: impl Into<AnyProj>) -> &ConnectorInfo {
                &self.objects.projs[proj.into().0].connector
            }
            /// Size of a population.
            pub fn population_size(&self, pop: impl Into<AnyPop>) -> usize {
                self.objects.pops[pop.into().0].size()
            }
            /// Geometry of a population.
            pub fn population_geometry(&self, pop: impl Into<AnyPop>) -> Geometry {
                self.objects.pops[pop.into().0].geometry
            }
            /// The neuron model of a population: its type's name, its
            /// attributes, its equations.
            pub fn population_model(&self, pop: impl Into<AnyPop>) -> &'static ModelInfo {
                self.objects.pops[pop.into().0].state.info()
            }
            /// Values of an attribute (or `sum(target)`) of a population or
            /// view: one per neuron, or one value for a global attribute.
            pub fn get(&self, neurons: impl Into<Neurons>, name: &str) -> Result<Vec<f64>> {
                self.objects.get(&neurons.into(), name)
            }
            /// Sets an attribute of a population or view: one value for all,
            /// one per neuron, or a distribution.
            pub fn set(
                &mut self,
                neurons: impl Into<Neurons>,
                name: &str,
                value: impl Into<AttrValue>,
            ) -> Result<()> {
                self.objects.set(&neurons.into(), name, value.into())
            }
            /// A view of a population by ranks.
            pub fn view(
                &self,
                pop: impl Into<AnyPop>,
                ranks: impl IntoIterator<Item = usize>,
            ) -> Result<PopView> {
                self.objects.view(pop.into(), ranks)
            }
            /// A view of the neurons of a population whose coordinates lie in
            /// `region` (one range per dimension), in row-major order: ANNarchy's
            /// `pop[a:b, c:d]`.
            pub fn view_region(
                &self,
                pop: impl Into<AnyPop>,
                region: &[std::ops::Range<usize>],
            ) -> Result<PopView> {
                let pop = pop.into();
                let g = self.objects.pops[pop.0].geometry;
                if region.len() != g.ndim() {
                    return Err(Error::Invalid {
                        object: format!("population `{}`", self.objects.pops[pop.0].name),
                        reason: format!(
                            "a region needs one range per dimension ({}), {} given",
                            g.ndim(),
                            region.len()
                        ),
                    });
                }
                let mut ranks = Vec::new();
                let mut coords: Vec<usize> = region.iter().map(|r| r.start).collect();
                if region.iter().any(|r| r.is_empty()) {
                    return self.objects.view(pop, ranks);
                }
                loop {
                    ranks.push(g.rank_from_coordinates(&coords)?);
                    let mut d = coords.len();
                    loop {
                        if d == 0 {
                            return self.objects.view(pop, ranks);
                        }
                        d -= 1;
                        coords[d] += 1;
                        if coords[d] < region[d].end {
                            break;
                        }
                        coords[d] = region[d].start;
                    }
                }
            }
            /// Typed access to a population's arrays as the state type
            /// `S`: the model's `{Model}State` in double precision, its
            /// `{Model}StateF32` in single precision
            /// ([`NetworkBuilder::precision`]).
            ///
            /// # Errors
            ///
            /// When the population's arrays are not an `S`.
            pub fn pop_as<S: NeuronState>(&self, pop: impl Into<AnyPop>) -> Result<&S> {
                let p = &self.objects.pops[pop.into().0];
                p.state.as_any().downcast_ref::<S>().ok_or_else(|| {
                    not_a_state::<S>(format!("population `{}`", p.name), p.state.info().type_name)
                })
            }
            /// Typed, writable access to a population's arrays as the state
            /// type `S` (see [`pop_as`](Self::pop_as)).
            ///
            /// # Errors
            ///
            /// When the population's arrays are not an `S`.
            pub fn pop_as_mut<S: NeuronState>(&mut self, pop: impl Into<AnyPop>) -> Result<&mut S> {
                let p = &mut self.objects.pops[pop.into().0];
                if p.state.as_any().downcast_ref::<S>().is_none() {
                    return Err(not_a_state::<S>(
                        format!("population `{}`", p.name),
                        p.state.info().type_name,
                    ));
                }
                Ok(p.state
                    .as_any_mut()
                    .downcast_mut::<S>()
                    .expect("checked above"))
            }
            /// Typed access to a population's arrays.
            ///
            /// # Panics
            ///
            /// In a network of [`Precision::Single`], whose arrays are
            /// `f32` (read them with `get`, or with
            /// [`pop_as`](Self::pop_as) and the model's `{Model}StateF32`).
            pub fn pop<M: NeuronModel>(&self, pop: PopId<M>) -> &M::State {
                self.objects.pops[pop.index]
                    .state
                    .as_any()
                    .downcast_ref::<M::State>()
                    .expect(TYPED_SINGLE)
            }
            /// Typed, writable access to a population's arrays.
            ///
            /// # Panics
            ///
            /// In a network of [`Precision::Single`], whose arrays are
            /// `f32` (write them with `set`).
            pub fn pop_mut<M: NeuronModel>(&mut self, pop: PopId<M>) -> &mut M::State {
                self.objects.pops[pop.index]
                    .state
                    .as_any_mut()
                    .downcast_mut::<M::State>()
                    .expect(TYPED_SINGLE)
            }
            /// Typed access to a projection's arrays.
            ///
            /// # Panics
            ///
            /// In a network of [`Precision::Single`], whose synapses are
            /// stored in `f32` (read them with `proj_get`, or with
            /// [`proj_as`](Self::proj_as) and the model's `{Model}StateF32`).
            pub fn proj<S: SynapseModel>(&self, proj: ProjId<S>) -> &S::State {
                self.objects.projs[proj.index]
                    .state
                    .as_any()
                    .downcast_ref::<S::State>()
                    .expect(TYPED_SINGLE_PROJ)
            }
            /// Typed, writable access to a projection's arrays.
            ///
            /// # Panics
            ///
            /// In a network of [`Precision::Single`], whose synapses are
            /// stored in `f32` (write them with `proj_set`).
            pub fn proj_mut<S: SynapseModel>(&mut self, proj: ProjId<S>) -> &mut S::State {
                let p = &mut self.objects.projs[proj.index];
                // The caller may change the weights.
                p.pre_weights.invalidate();
                p.state
                    .as_any_mut()
                    .downcast_mut::<S::State>()
                    .expect(TYPED_SINGLE_PROJ)
            }
            /// Typed access to a projection's arrays as the state type `S`:
            /// the model's `{Model}State` in double precision, its
            /// `{Model}StateF32` in single precision
            /// ([`NetworkBuilder::precision`]).
            ///
            /// # Errors
            ///
            /// When the projection's arrays are not an `S`.
            pub fn proj_as<S: SynapseState>(&self, proj: impl Into<AnyProj>) -> Result<&S> {
                let p = &self.objects.projs[proj.into().0];
                p.state.as_any().downcast_ref::<S>().ok_or_else(|| {
                    not_a_state::<S>(format!("projection `{}`", p.name), p.state.info().type_name)
                })
            }
            /// Typed, writable access to a projection's arrays as the state
            /// type `S` (see [`proj_as`](Self::proj_as)).
            ///
            /// # Errors
            ///
            /// When the projection's arrays are not an `S`.
            pub fn proj_as_mut<S: SynapseState>(
                &mut self,
                proj: impl Into<AnyProj>,
            ) -> Result<&mut S> {
                let p = &mut self.objects.projs[proj.into().0];
                if p.state.as_any().downcast_ref::<S>().is_none() {
                    return Err(not_a_state::<S>(
                        format!("projection `{}`", p.name),
                        p.state.info().type_name,
                    ));
                }
                // The caller may change the weights.
                p.pre_weights.invalidate();
                Ok(p.state
                    .as_any_mut()
                    .downcast_mut::<S>()
                    .expect("checked above"))
            }
            /// All values of a projection attribute in storage order (rows by
            /// ascending post rank, pre ranks ascending); one per dendrite for
            /// `postsynaptic` attributes, one value for `projection` ones.
            pub fn proj_get(&self, proj: impl Into<AnyProj>, name: &str) -> Result<Vec<f64>> {
                self.objects.proj_get(proj.into(), name)
            }
            /// Sets a projection attribute everywhere (one value, one per
            /// synapse in storage order, or a distribution).
            pub fn proj_set(
                &mut self,
                proj: impl Into<AnyProj>,
                name: &str,
                value: impl Into<AttrValue>,
            ) -> Result<()> {
                self.objects.proj_set(proj.into(), name, value.into())
            }
            /// Value of a projection attribute for the synapse `pre -> post`
            /// (`pre` is ignored for `postsynaptic` and `projection` attributes).
            pub fn synapse(
                &self,
                proj: impl Into<AnyProj>,
                post: u32,
                pre: u32,
                name: &str,
            ) -> Result<f64> {
                self.objects
                    .synapse_value(proj.into(), name, post, Some(pre))
            }
            /// Sets a projection attribute for the synapse `pre -> post`.
            pub fn set_synapse(
                &mut self,
                proj: impl Into<AnyProj>,
                post: u32,
                pre: u32,
                name: &str,
                value: f64,
            ) -> Result<()> {
                self.objects
                    .set_synapse_value(proj.into(), name, post, Some(pre), value)
            }
            /// Value of a `postsynaptic` (or `projection`) attribute for a post neuron.
            pub fn dendrite_value(
                &self,
                proj: impl Into<AnyProj>,
                post: u32,
                name: &str,
            ) -> Result<f64> {
                self.objects.synapse_value(proj.into(), name, post, None)
            }
            /// The synapses of one post-synaptic neuron.
            pub fn dendrite(&self, proj: impl Into<AnyProj>, post: u32) -> Result<Dendrite<'_>> {
                self.objects.dendrite(proj.into(), post)
            }
            /// The ranks of a spiking population that spiked in the last step
            /// (ANNarchy's `pop.spike`), ascending.
            pub fn spiked(&self, pop: impl Into<AnyPop>) -> &[u32] {
                &self.objects.pops[pop.into().0].spiked
            }
            /// Number of synapses of a projection.
            pub fn nb_synapses(&self, proj: impl Into<AnyProj>) -> usize {
                self.objects.projs[proj.into().0].conn.nb_synapses()
            }
            /// Post-synaptic ranks that have synapses in a projection.
            pub fn post_ranks(&self, proj: impl Into<AnyProj>) -> &[u32] {
                &self.objects.projs[proj.into().0].conn.post_ranks
            }
            /// The connectivity of a projection.
            pub fn connectivity(&self, proj: impl Into<AnyProj>) -> &Connectivity {
                &self.objects.projs[proj.into().0].conn
            }
        }
    };
}

access_methods!(NetworkBuilder);
access_methods!(Network);

impl Network {
    /// A builder (ANNarchy's `setup` + object creation + `compile`).
    pub fn builder() -> NetworkBuilder {
        NetworkBuilder::new()
    }

    /// Current time in ms.
    pub fn get_time(&self) -> f64 {
        self.t as f64 * self.objects.dt
    }

    /// Sets the time (ms); the step becomes `int(t / dt)`.
    pub fn set_time(&mut self, t: f64) -> Result<()> {
        if !t.is_finite() || t < 0.0 {
            return Err(Error::Invalid {
                object: "network".into(),
                reason: format!("the time must be finite and non-negative, not {t}"),
            });
        }
        let steps = t / self.objects.dt;
        if steps > (i64::MAX / 2) as f64 {
            return Err(Error::Invalid {
                object: "network".into(),
                reason: format!("a time of {t} ms is more steps than a simulation can count"),
            });
        }
        self.t = steps as i64;
        Ok(())
    }

    /// Current step.
    pub fn get_current_step(&self) -> i64 {
        self.t
    }

    /// Sets the current step.
    pub fn set_current_step(&mut self, t: i64) {
        self.t = t;
    }

    /// Number of threads.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Changes how the pieces of a step use the threads (see
    /// [`NetworkBuilder::thread_split`]); the times measured so far are
    /// forgotten.
    pub fn set_thread_split(&mut self, split: ThreadSplit) {
        let o = &self.objects;
        self.split = Choices::new(o.pops.len(), o.projs.len(), split);
    }

    /// How the pieces of a step use the threads.
    pub fn thread_split(&self) -> ThreadSplit {
        self.split.policy
    }

    /// Simulates `duration` ms: `ceil(duration / dt)` steps, or, when
    /// callbacks are declared and enabled, `int(duration / dt)` steps with
    /// the calls of the callbacks in between (as ANNarchy does; see
    /// [`Network::every`]).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a negative or non-finite duration (nothing is
    /// simulated); the first error a callback returns (the simulation stops
    /// there).
    pub fn simulate(&mut self, duration: f64) -> Result<()> {
        let n = self.steps_of(duration)?;
        let started = std::time::Instant::now();
        let outcome = if self.callbacks_enabled && !self.callbacks.is_empty() {
            self.simulate_with_callbacks(duration)
        } else {
            self.run_steps(n);
            Ok(())
        };
        if self.times.enabled {
            // ANNarchy's message with `measure_time=True`.
            eprintln!(
                "Simulating {} seconds of the network took {} seconds.",
                duration / 1000.0,
                started.elapsed().as_secs_f64()
            );
        }
        outcome.and(self.sync_streams())
    }

    /// Brings the files of streamed monitors up to date; the first write
    /// error met since the last call.
    fn sync_streams(&mut self) -> Result<()> {
        let mut outcome = Ok(());
        for m in &mut self.objects.monitors {
            let r = m.sync_stream();
            if outcome.is_ok() {
                outcome = r;
            }
        }
        outcome
    }

    /// Measures where the time of the steps goes, per phase and per
    /// population or projection (ANNarchy's `measure_time` and profiler);
    /// each `simulate` then also prints its duration on stderr as ANNarchy
    /// does. Off by default: measuring reads the clock a few times per
    /// object and step. Results are unchanged.
    pub fn set_measure_time(&mut self, on: bool) {
        self.times.enabled = on;
    }

    /// Whether time is measured ([`Network::set_measure_time`]).
    pub fn measure_time(&self) -> bool {
        self.times.enabled
    }

    /// Where the time of the steps measured so far went; its `Display` is
    /// a table of phases and objects.
    ///
    /// ```
    /// use annarchy_runtime::network::Network;
    /// use annarchy_runtime::timing::Phase;
    /// # fn main() -> annarchy_runtime::Result<()> {
    /// let mut net = Network::builder().build()?;
    /// net.set_measure_time(true);
    /// net.simulate(10.0)?;
    /// let summary = net.timing();
    /// assert_eq!(summary.steps, 10);
    /// assert!(summary.phase(Phase::Monitors) <= summary.total());
    /// println!("{summary}");
    /// # Ok(())
    /// # }
    /// ```
    pub fn timing(&self) -> TimingSummary {
        let o = &self.objects;
        let pops: Vec<&str> = o.pops.iter().map(|p| p.name.as_str()).collect();
        let projs: Vec<&str> = o.projs.iter().map(|p| p.name.as_str()).collect();
        self.times.summary(&pops, &projs, o.dt)
    }

    /// Sets the measured times back to zero.
    pub fn reset_timing(&mut self) {
        self.times.clear();
    }

    /// `n` steps, with the monitors' room reserved beforehand, and a
    /// progress bar on stderr for a long call when stderr is a terminal.
    fn run_steps(&mut self, n: usize) {
        use std::io::IsTerminal;
        for m in &mut self.objects.monitors {
            m.reserve(n);
        }
        let bar = (self.progress_bar && n >= PROGRESS_MIN_STEPS && std::io::stderr().is_terminal())
            .then(|| progress_bar(n, self.objects.dt));
        // With a bar, the steps run in 200 chunks, each followed by an update.
        let chunk = if bar.is_some() {
            (n / 200).max(1)
        } else {
            n.max(1)
        };
        let team = self.team.take();
        let mut done = 0;
        while done < n {
            let m = chunk.min(n - done);
            for _ in 0..m {
                self.step_inner(team.as_ref());
            }
            done += m;
            if let Some(bar) = &bar {
                bar.set_position(done as u64);
            }
        }
        self.team = team;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
    }

    /// Whether a long `simulate` shows a progress bar on stderr when stderr
    /// is a terminal (on by default; never shown otherwise, nor for calls
    /// of fewer than 10 000 steps).
    pub fn set_progress_bar(&mut self, on: bool) {
        self.progress_bar = on;
    }

    /// `simulate` with the calls of the callbacks (`callbacks.rs`).
    fn simulate_with_callbacks(&mut self, duration: f64) -> Result<()> {
        let dt = self.objects.dt;
        let t0 = self.t;
        let end = t0 + (duration / dt) as i64;
        let mut callbacks = std::mem::take(&mut self.callbacks);
        let cleared = self.callbacks_cleared;
        for c in &mut callbacks {
            c.start(t0, dt);
        }
        let mut outcome = Ok(());
        loop {
            // The next call: the earliest moment, the first declared on a tie.
            let next = callbacks
                .iter()
                .enumerate()
                .map(|(i, c)| (c.next(), i))
                .filter(|&(moment, _)| moment < end)
                .min();
            let Some((moment, i)) = next else {
                break;
            };
            if self.callbacks_cleared != cleared {
                callbacks.clear();
                break;
            }
            self.run_steps(usize::try_from(moment - self.t).unwrap_or(0));
            let c = &mut callbacks[i];
            let n = c.calls;
            c.calls += 1;
            let mut lap = Lap::start(self.times.enabled);
            let result = (c.f)(self, n);
            lap.to(&mut self.times.callbacks);
            if let Err(e) = result {
                outcome = Err(e);
                break;
            }
        }
        if outcome.is_ok() {
            self.run_steps(usize::try_from(end - self.t).unwrap_or(0));
        }
        // Callbacks declared by a callback come after the others.
        if self.callbacks_cleared != cleared {
            callbacks.clear();
        }
        let added = std::mem::replace(&mut self.callbacks, callbacks);
        self.callbacks.extend(added);
        outcome
    }

    /// Declares a function called periodically during [`Network::simulate`]
    /// (ANNarchy's `@every(period, offset, wait)`): every `period` ms
    /// (at least `dt`), `offset` ms into each period (at most `period`; a
    /// negative offset counts from the end of the period), after waiting
    /// `wait` ms from the start of each `simulate`. It is called before the
    /// step at each of these moments, with the network, which it may read
    /// and change, and `n`, the number of its earlier calls in the same
    /// `simulate`. An error it returns ends the simulation and is returned
    /// by `simulate`.
    ///
    /// ```
    /// use annarchy_runtime::network::Network;
    /// use std::sync::{Arc, Mutex};
    /// # fn main() -> annarchy_runtime::Result<()> {
    /// let mut net = Network::builder().build()?;
    /// let calls = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&calls);
    /// // Every 100 ms, 10 ms before the end of each period.
    /// net.every(100.0, -10.0, 0.0, move |net, n| {
    ///     log.lock().unwrap().push((n, net.get_time()));
    ///     Ok(())
    /// })?;
    /// net.simulate(300.0)?;
    /// assert_eq!(*calls.lock().unwrap(), vec![(0, 90.0), (1, 190.0), (2, 290.0)]);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Callbacks are not called by `step`, `simulate_until`, or a
    /// `simulate` run by a callback.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a period that is not positive, an offset that
    /// is not finite or a negative wait.
    pub fn every(
        &mut self,
        period: f64,
        offset: f64,
        wait: f64,
        f: impl FnMut(&mut Network, usize) -> Result<()> + Send + 'static,
    ) -> Result<()> {
        let f: Box<CallbackFn> = Box::new(f);
        let c = Callback::new(period, offset, wait, self.objects.dt, f)?;
        self.callbacks.push(c);
        Ok(())
    }

    /// Lets `simulate` call the callbacks (the default).
    pub fn enable_callbacks(&mut self) {
        self.callbacks_enabled = true;
    }

    /// Makes `simulate` ignore the callbacks until they are enabled again.
    pub fn disable_callbacks(&mut self) {
        self.callbacks_enabled = false;
    }

    /// Whether `simulate` calls the callbacks.
    pub fn callbacks_enabled(&self) -> bool {
        self.callbacks_enabled
    }

    /// Forgets every callback (called by a callback: the callbacks of the
    /// running `simulate` are not called any more).
    pub fn clear_all_callbacks(&mut self) {
        self.callbacks.clear();
        self.callbacks_cleared += 1;
    }

    /// The number of steps of `duration` ms: `ceil(duration / dt)`.
    fn steps_of(&self, duration: f64) -> Result<usize> {
        if !duration.is_finite() || duration < 0.0 {
            return Err(Error::Invalid {
                object: "network".into(),
                reason: format!("the duration must be finite and non-negative, not {duration}"),
            });
        }
        let steps = (duration / self.objects.dt).ceil();
        if steps > (i64::MAX / 2 - self.t.max(0)) as f64 {
            return Err(Error::Invalid {
                object: "network".into(),
                reason: format!(
                    "a duration of {duration} ms is more steps than a simulation can count"
                ),
            });
        }
        Ok(steps as usize)
    }

    /// Simulates at most `max_duration` ms (`ceil(max_duration / dt)`
    /// steps), and stops after the first step at whose end the
    /// `stop_condition` of the models of `populations` holds: of all of them
    /// ([`StopOperator::And`]) or of any ([`StopOperator::Or`]). Each
    /// population meets its condition when it holds for any of its neurons
    /// (`: any`, the default) or for all (`: all`).
    ///
    /// Returns the simulated time in ms. (ANNarchy 4.8 returns the number of
    /// steps divided by `dt`, which is the time only for `dt = 1`.)
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for an invalid duration, an empty list of
    /// populations, or a population whose model has no `stop_condition`;
    /// nothing is simulated then.
    pub fn simulate_until(
        &mut self,
        max_duration: f64,
        populations: &[AnyPop],
        operator: StopOperator,
    ) -> Result<f64> {
        let n = self.steps_of(max_duration)?;
        if populations.is_empty() {
            return Err(Error::Invalid {
                object: "network".into(),
                reason: "simulate_until needs at least one population".into(),
            });
        }
        for p in populations {
            let pop = &self.objects.pops[p.0];
            if pop.state.stop_condition(self.t, self.objects.dt).is_none() {
                return Err(Error::Invalid {
                    object: format!("population `{}`", pop.name),
                    reason: format!(
                        "its model `{}` has no stop_condition",
                        pop.state.info().type_name
                    ),
                });
            }
        }
        for m in &mut self.objects.monitors {
            m.reserve(n);
        }
        let team = self.team.take();
        let mut done = 0;
        while done < n {
            self.step_inner(team.as_ref());
            done += 1;
            let (t, dt) = (self.t, self.objects.dt);
            let mut met = populations.iter().map(|p| {
                self.objects.pops[p.0]
                    .state
                    .stop_condition(t, dt)
                    .unwrap_or(false)
            });
            let stop = match operator {
                StopOperator::And => met.all(|m| m),
                StopOperator::Or => met.any(|m| m),
            };
            if stop {
                break;
            }
        }
        self.team = team;
        self.sync_streams()?;
        Ok(done as f64 * self.objects.dt)
    }

    /// An independent copy of the network in its current state: every
    /// attribute, connectivity, delay, spike history, monitor recording,
    /// the time and the seed; its own threads. Callbacks are not copied
    /// (a closure cannot be). The copy and the original then simulate the
    /// same way, bit for bit.
    ///
    /// # Errors
    ///
    /// [`Error::Build`] when the copy's threads cannot be started.
    pub fn try_clone(&self) -> Result<Network> {
        self.clone_with_threads(self.threads)
    }

    /// [`Network::try_clone`] with another number of threads.
    fn clone_with_threads(&self, threads: usize) -> Result<Network> {
        let mut copy = Network::start(self.objects.clone(), threads)?;
        copy.t = self.t;
        copy.callbacks_enabled = self.callbacks_enabled;
        copy.progress_bar = self.progress_bar;
        copy.times = self.times.clone();
        copy.set_thread_split(self.split.policy);
        Ok(copy)
    }

    /// A network of these objects at step 0, with its threads started.
    fn start(mut objects: Objects, threads: usize) -> Result<Network> {
        let team = if threads > 1 {
            Some(
                Team::new(threads)
                    .map_err(|e| Error::Build(format!("cannot start {threads} threads: {e}")))?,
            )
        } else {
            None
        };
        crate::arrivals::prepare(&mut objects.projs, &objects.pops, team.as_ref());
        let largest = objects
            .pops
            .iter()
            .filter(|p| p.spiking())
            .map(|p| p.size())
            .max()
            .unwrap_or(0);
        let emission = Emission::new(team.as_ref(), largest);
        let times = StepTimes::new(objects.pops.len(), objects.projs.len());
        let split = Choices::new(
            objects.pops.len(),
            objects.projs.len(),
            ThreadSplit::Measured,
        );
        Ok(Network {
            objects,
            times,
            split,
            scratch: Vec::new(),
            scratch_f32: Vec::new(),
            emission,
            t: 0,
            threads,
            team,
            callbacks: Vec::new(),
            callbacks_enabled: true,
            callbacks_cleared: 0,
            progress_bar: true,
        })
    }

    /// Changes the seed of the random draws made from now on: noise in the
    /// equations, Poisson inputs, values set from a distribution.
    pub fn set_seed(&mut self, seed: u64) {
        self.objects.seed = seed;
        self.objects.rng = stream(seed, &[u64::MAX]);
    }

    /// The seed of the network's random draws.
    pub fn seed(&self) -> u64 {
        self.objects.seed
    }

    /// The precision the populations and projections store their
    /// attributes in ([`NetworkBuilder::precision`]).
    pub fn precision(&self) -> Precision {
        self.objects.precision
    }

    /// Runs `f(k, copy)` on `n` copies of the network (`k = 0..n`), in
    /// parallel on rayon's threads, and returns the results in the order of
    /// `k` (ANNarchy's `parallel_run`). Each copy starts from the network's
    /// current state, runs on one thread, and draws its random numbers
    /// from the seed `seed() + k`, or from the network's seed with
    /// `same_seed` (the copies then run identically). `k` selects the
    /// arguments of each run. The network itself is left unchanged.
    ///
    /// # Errors
    ///
    /// The error of the first run (by `k`) that fails.
    pub fn parallel_run<R: Send>(
        &self,
        n: usize,
        same_seed: bool,
        f: impl Fn(usize, &mut Network) -> Result<R> + Sync,
    ) -> Result<Vec<R>> {
        use rayon::prelude::*;
        let mut copies = Vec::with_capacity(n);
        for k in 0..n {
            let mut copy = self.clone_with_threads(1)?;
            if !same_seed {
                copy.set_seed(self.objects.seed.wrapping_add(k as u64));
            }
            copies.push(copy);
        }
        let results: Vec<Result<R>> = copies
            .into_par_iter()
            .enumerate()
            .map(|(k, mut net)| f(k, &mut net))
            .collect();
        results.into_iter().collect()
    }

    /// Runs `f(k, &mut networks[k])` on networks built independently (of
    /// any structure), in parallel on rayon's threads, and returns the
    /// results in the order of the list (ANNarchy's `parallel_run` over a
    /// list of networks). Each network keeps its own seed and threads and
    /// is left in the state `f` brings it to.
    ///
    /// ```
    /// use annarchy_runtime::network::Network;
    /// # fn main() -> annarchy_runtime::Result<()> {
    /// let mut nets = vec![
    ///     Network::builder().dt(0.5)?.build()?,
    ///     Network::builder().dt(1.0)?.build()?,
    /// ];
    /// let steps = Network::parallel_run_networks(&mut nets, |_, net| {
    ///     net.simulate(10.0)?;
    ///     Ok(net.get_current_step())
    /// })?;
    /// assert_eq!(steps, vec![20, 10]);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// The error of the first run (by position) that fails; the others
    /// still run to their end.
    pub fn parallel_run_networks<R: Send>(
        networks: &mut [Network],
        f: impl Fn(usize, &mut Network) -> Result<R> + Sync,
    ) -> Result<Vec<R>> {
        use rayon::prelude::*;
        let results: Vec<Result<R>> = networks
            .par_iter_mut()
            .enumerate()
            .map(|(k, net)| f(k, net))
            .collect();
        results.into_iter().collect()
    }

    /// Simulates one step.
    pub fn step(&mut self) {
        let team = self.team.take();
        self.step_inner(team.as_ref());
        self.team = team;
    }

    pub(crate) fn linked<'a>(
        pop: &'a Population,
        links: &[Link],
        conn: &'a Connectivity,
    ) -> [VarRef<'a>; MAX_LINKED] {
        let mut out = [VarRef::Scalar(0.0); MAX_LINKED];
        for (slot, link) in out.iter_mut().zip(links) {
            *slot = match *link {
                Link::Zero => VarRef::Scalar(0.0),
                Link::Sum { index } => VarRef::Array(&pop.sums[index]),
                Link::Attr { index, ring } => {
                    let current = pop.state.attr(index);
                    let scalar = current.is_scalar();
                    match (ring.map(|r| &pop.rings[r]), &conn.delays) {
                        (Some(ring), Delays::Uniform(d)) if *d > 1 => {
                            let past = ring.delayed(*d);
                            if scalar {
                                VarRef::Scalar(past[0])
                            } else {
                                VarRef::Array(past)
                            }
                        }
                        (Some(ring), Delays::PerSynapse(d)) => VarRef::Delayed {
                            history: &ring.slots,
                            head: ring.head,
                            delays: d,
                            scalar,
                        },
                        _ => match current {
                            AttrRef::Scalar(v) => VarRef::Scalar(v),
                            AttrRef::Array(a) => VarRef::Array(a),
                            AttrRef::ArrayF32(a) => VarRef::ArrayF32(a),
                        },
                    }
                }
            };
        }
        out
    }

    pub(crate) fn global_ops(proj: &Projection, pops: &[Population]) -> [f64; MAX_LINKED] {
        let mut out = [0.0; MAX_LINKED];
        for (slot, (op, scope, attr)) in out.iter_mut().zip(proj.state.info().global_ops) {
            let pop = &pops[if *scope == "post" {
                proj.post
            } else {
                proj.pre
            }];
            if let Some(i) = pop.state.info().attribute_index(attr) {
                *slot = match pop.state.attr(i) {
                    AttrRef::Array(a) => op.reduce(a),
                    AttrRef::ArrayF32(a) => op.reduce(a),
                    AttrRef::Scalar(v) => v,
                };
            }
        }
        out
    }

    /// One step, on the threads of `team` where the choices of
    /// [`crate::split`] say so.
    fn step_inner(&mut self, team: Option<&Team>) {
        let Some(team) = team else {
            return self.step_pieces(None);
        };
        match self.split.step.next(self.split.policy) {
            Way::Chosen(split) => self.step_pieces(split.then_some(team)),
            Way::Timed(split) => {
                let start = Instant::now();
                self.step_pieces(split.then_some(team));
                self.split.step.timed(start);
            }
        }
    }

    /// One step, each piece on the threads of `team` or not as its choice
    /// says (on one thread without a team).
    fn step_pieces(&mut self, team: Option<&Team>) {
        let t = self.t;
        let dt = self.objects.dt;
        let seed = self.objects.seed;
        let Objects {
            pops,
            projs,
            monitors,
            bold,
            ..
        } = &mut self.objects;
        let scratch = &mut self.scratch;
        let scratch_f32 = &mut self.scratch_f32;
        let emission = &self.emission;
        let times = &mut self.times;
        let split = &mut self.split;
        let policy = split.policy;
        // 1. Reset the sums of rate-coded populations.
        for pop in pops.iter_mut() {
            if !pop.spiking() {
                for s in &mut pop.sums {
                    s.fill(0.0);
                }
            }
        }
        let mut lap = Lap::start(times.enabled);
        for m in monitors.iter_mut() {
            m.due_now = m.due(t);
        }
        crate::arrivals::plan(pops, projs, monitors, bold);
        // 2. Transmission: weighted sums, and spikes into conductances (or
        // kept for the update of their population to deliver).
        for i in 0..projs.len() {
            // A copied or transposed projection reads the synapses of an
            // earlier one, lent from the part of the slice before it.
            let (earlier, rest) = projs.split_at_mut(i);
            let proj = &mut rest[0];
            if proj.deferred {
                crate::arrivals::defer(proj, &pops[proj.pre], team);
            } else if proj.transmission && pops[proj.post].enabled {
                split.transmission[i].run(team, policy, |team| {
                    if let Some(source) = proj.source {
                        crate::copy::transmit(
                            proj,
                            &earlier[source],
                            pops,
                            scratch,
                            scratch_f32,
                            team,
                        );
                    } else if pops[proj.pre].spiking() {
                        transmit_spikes(proj, pops, scratch, scratch_f32, t, dt, team);
                    } else {
                        transmit_rates(proj, pops, scratch, scratch_f32, t, dt, team);
                    }
                });
            }
            lap.to(&mut times.transmission[i]);
        }
        crate::bold::accumulate(bold, pops, t);
        // 3. Conductances are recorded after the spikes arrive, before the update.
        for m in monitors.iter_mut() {
            if m.due_now {
                record(m, pops, projs, t, Phase::BeforeUpdate);
            }
        }
        lap.to(&mut times.monitors);
        // 4. Random draws.
        for (i, pop) in pops.iter_mut().enumerate() {
            if pop.enabled {
                split.random[i].run(team, policy, |team| {
                    pop.state.update_rng(&RngCtx {
                        seed,
                        object: i as u64,
                        t,
                        team,
                    });
                });
            }
        }
        let npops = pops.len();
        for (i, proj) in projs.iter_mut().enumerate() {
            split.random[npops + i].run(team, policy, |team| {
                proj.state.update_rng(&RngCtx {
                    seed,
                    object: (1u64 << 32) + i as u64,
                    t,
                    team,
                });
            });
        }
        lap.to(&mut times.random);
        // 5. Neuron updates, each followed by its spike emission.
        for (i, pop) in pops.iter_mut().enumerate() {
            if !pop.enabled {
                continue;
            }
            let spiking = pop.spiking();
            let Population {
                state,
                sums,
                constants,
                spiked,
                last_spike,
                axonal,
                arrivals,
                ..
            } = pop;
            let arrivals = Arrivals::new(projs, arrivals);
            let arrivals = (!arrivals.is_empty()).then_some(&arrivals);
            split.neuron[i].run(team, policy, |team| {
                state.update(&NeuronCtx {
                    t,
                    dt,
                    sums,
                    constants,
                    last_spike,
                    team,
                    arrivals,
                    emission,
                });
                if spiking {
                    state.spike_gather(
                        &NeuronCtx {
                            t,
                            dt,
                            sums,
                            constants,
                            last_spike: &[],
                            team,
                            arrivals: None,
                            emission,
                        },
                        SpikeOut {
                            spiked,
                            last_spike,
                            axonal,
                        },
                    );
                }
            });
            if spiking {
                pop.update_rate();
            }
            lap.to(&mut times.neuron[i]);
        }
        // 6. Delay queues.
        for pop in pops.iter_mut() {
            pop.push_spikes();
            let Population { state, rings, .. } = pop;
            for ring in rings.iter_mut() {
                ring.push(state.attr(ring.attr));
            }
        }
        // 7. Global operations.
        for pop in pops.iter_mut() {
            if pop.enabled {
                pop.state.update_global_ops();
            }
        }
        lap.to(&mut times.delays);
        // 8. Synaptic updates.
        for (i, proj) in projs.iter_mut().enumerate() {
            if !proj.transmission
                || !proj.update
                || !pops[proj.post].enabled
                || !proj.state.has_update()
                || (t - proj.offset).rem_euclid(proj.period) != 0
            {
                continue;
            }
            split.synapse[i].run(team, policy, |team| {
                with_synapse_ctx(proj, pops, t, dt, team, |state, ctx, _, _| {
                    state.update(ctx);
                });
            });
            lap.to(&mut times.synapse[i]);
        }
        // 9. Post-synaptic events.
        for (i, proj) in projs.iter_mut().enumerate() {
            if !proj.transmission
                || !pops[proj.post].enabled
                || !proj.state.has_post_spike()
                || pops[proj.post].spiked.is_empty()
            {
                continue;
            }
            let spiked = &pops[proj.post].spiked;
            split.post_events[i].run(team, policy, |team| {
                with_synapse_ctx(proj, pops, t, dt, team, |state, ctx, _, _| {
                    state.post_spikes(ctx, spiked);
                });
            });
            lap.to(&mut times.post_events[i]);
        }
        // 10. Structural plasticity: creating, then pruning.
        split.structural.run(team, policy, |team| {
            crate::structural::step(projs, pops, t, dt, seed, team);
        });
        // 11. Monitors.
        for m in monitors.iter_mut() {
            if m.recording {
                record_spikes(m, pops, t);
            }
            if m.due_now {
                record(m, pops, projs, t, Phase::AfterStep);
            }
        }
        lap.to(&mut times.monitors);
        times.steps += u64::from(times.enabled);
        // 12. Time.
        self.t += 1;
    }

    /// Recorded values of `variable` by a monitor; the data is erased
    /// (ANNarchy's `Monitor.get`, `keep=False`).
    pub fn monitor_get(&mut self, monitor: MonitorId, variable: &str) -> Result<Recording> {
        let dt = self.objects.dt;
        self.monitor_ref(monitor)?.get(variable, dt, false)
    }

    /// Spikes recorded by a monitor of `"spike"`: for each recorded neuron
    /// (population rank), the steps of its spikes. The data is erased.
    pub fn monitor_spikes(
        &mut self,
        monitor: MonitorId,
    ) -> Result<std::collections::BTreeMap<u32, Vec<i64>>> {
        self.monitor_ref(monitor)?.spikes(false)
    }

    /// Recorded values of `variable`, keeping the data.
    pub fn monitor_peek(&mut self, monitor: MonitorId, variable: &str) -> Result<Recording> {
        let dt = self.objects.dt;
        self.monitor_ref(monitor)?.get(variable, dt, true)
    }

    /// Sends what a monitor records to `.npy` files in the folder `dir`
    /// (created if needed) instead of memory, from now on: a long recording
    /// then needs no more memory than a write buffer. The rows held in
    /// memory go first. Each variable `x` gets `x.npy` (one row per recorded
    /// step) and `x.steps.npy` (their steps); spikes go to `spike.npy`, one
    /// `(step, rank)` row per spike. The files are complete `.npy` files
    /// after each `simulate`/`simulate_until` call and after
    /// [`Network::monitor_stream_close`] (after `step` calls, their headers
    /// are brought up to date by the next of these). Reading the monitor
    /// with [`Network::monitor_get`] is then an error. A copy of the network
    /// ([`Network::try_clone`]) does not stream.
    ///
    /// ```
    /// use annarchy_runtime::network::Network;
    /// # fn main() -> annarchy_runtime::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("annarchy-doc-stream-{}", std::process::id()));
    /// let mut b = Network::builder();
    /// let pop = b.timed_array("inp", 2, vec![vec![1.0, 2.0]], annarchy_runtime::inputs::Schedule::Every(1.0), 0.0)?;
    /// let m = b.monitor(pop, &["r"])?;
    /// let mut net = b.build()?;
    /// net.monitor_stream(m, &dir)?;
    /// net.simulate(5.0)?;
    /// let bytes = std::fs::read(dir.join("r.npy")).unwrap();
    /// assert_eq!(bytes.len(), 128 + 5 * 2 * 8);
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownObject`] for a monitor of another network, and
    /// [`Error::Invalid`] when the folder or a file cannot be created or
    /// written (write errors during the steps are returned by the next
    /// `simulate`).
    pub fn monitor_stream(
        &mut self,
        monitor: MonitorId,
        dir: impl AsRef<std::path::Path>,
    ) -> Result<()> {
        self.monitor_ref(monitor)?.stream_to(dir.as_ref())
    }

    /// Completes the files of a streamed monitor and stops streaming: what
    /// it records from now on stays in memory.
    ///
    /// # Errors
    ///
    /// As [`Network::monitor_stream`].
    pub fn monitor_stream_close(&mut self, monitor: MonitorId) -> Result<()> {
        self.monitor_ref(monitor)?.close_stream()
    }

    fn monitor_ref(&mut self, monitor: MonitorId) -> Result<&mut Monitor> {
        self.objects
            .monitors
            .get_mut(monitor.0)
            .ok_or(Error::UnknownObject {
                kind: "monitor",
                name: format!("#{}", monitor.0),
            })
    }

    /// Adds a monitor to a built network; it starts at once unless told otherwise.
    pub fn monitor(
        &mut self,
        target: impl Into<MonitorTarget>,
        variables: &[&str],
    ) -> Result<MonitorId> {
        self.objects
            .add_monitor(target.into(), variables, MonitorOptions::default())
    }

    /// Adds a monitor with options to a built network.
    pub fn monitor_with(
        &mut self,
        target: impl Into<MonitorTarget>,
        variables: &[&str],
        options: MonitorOptions,
    ) -> Result<MonitorId> {
        self.objects.add_monitor(target.into(), variables, options)
    }

    /// Starts (or restarts) recording.
    pub fn monitor_start(&mut self, monitor: MonitorId) -> Result<()> {
        self.monitor_ref(monitor)?.start();
        Ok(())
    }

    /// Pauses recording.
    pub fn monitor_pause(&mut self, monitor: MonitorId) -> Result<()> {
        let t = self.t;
        self.monitor_ref(monitor)?.pause(t);
        Ok(())
    }

    /// Resumes recording after a pause.
    pub fn monitor_resume(&mut self, monitor: MonitorId) -> Result<()> {
        self.monitor_start(monitor)
    }

    /// Enables or disables the update of a population (and of the
    /// projections that target it).
    pub fn set_enabled(&mut self, pop: impl Into<AnyPop>, enabled: bool) {
        self.objects.pops[pop.into().0].enabled = enabled;
    }

    /// Enables learning of a projection, every `period` ms (default `dt`)
    /// from `offset` ms within the period.
    pub fn enable_learning(
        &mut self,
        proj: impl Into<AnyProj>,
        period: Option<f64>,
        offset: Option<f64>,
    ) -> Result<()> {
        let dt = self.objects.dt;
        let t = self.t;
        let p = &mut self.objects.projs[proj.into().0];
        let period_steps = match period {
            Some(x) if x.is_nan() || x <= 0.0 || !x.is_finite() => {
                return Err(Error::Invalid {
                    object: format!("projection `{}`", p.name),
                    reason: format!("the learning period must be positive, not {x}"),
                });
            }
            Some(x) => ((x / dt) as i64).max(1),
            None => 1,
        };
        if offset.is_some_and(|o| !o.is_finite() || o < 0.0) {
            return Err(Error::Invalid {
                object: format!("projection `{}`", p.name),
                reason: "the learning offset must be finite and non-negative".into(),
            });
        }
        let off = match (offset, period) {
            (Some(_), None) => {
                return Err(Error::Invalid {
                    object: format!("projection `{}`", p.name),
                    reason: "an offset needs a period".into(),
                });
            }
            (Some(o), Some(per)) if o >= per => {
                return Err(Error::Invalid {
                    object: format!("projection `{}`", p.name),
                    reason: "the offset must be smaller than the period".into(),
                });
            }
            (Some(o), Some(_)) => t + (o / dt) as i64,
            _ => t,
        };
        p.update = true;
        p.plasticity = true;
        p.period = period_steps;
        p.offset = off;
        Ok(())
    }

    /// Disables learning of a projection (rate-coded: no synaptic variable
    /// is updated).
    pub fn disable_learning(&mut self, proj: impl Into<AnyProj>) {
        let p = &mut self.objects.projs[proj.into().0];
        p.update = false;
        p.plasticity = false;
    }

    /// Disables learning of every projection.
    pub fn disable_learning_all(&mut self) {
        for p in &mut self.objects.projs {
            p.update = false;
            p.plasticity = false;
        }
    }

    /// Enables learning of every projection, every step.
    pub fn enable_learning_all(&mut self) {
        for p in &mut self.objects.projs {
            p.update = true;
            p.plasticity = true;
            p.period = 1;
            p.offset = 0;
        }
    }

    /// Restores populations (and projections if asked; `w` too if
    /// `synapses`) to their values at build time, clears monitors if asked,
    /// and sets the time to 0. With the projections, the inputs of BOLD
    /// monitors forget their baselines: a baseline period that had started
    /// starts again at step 0, so that a run after the reset normalises as
    /// the first one did.
    pub fn reset(&mut self, populations: bool, projections: bool, synapses: bool, monitors: bool) {
        if populations {
            for p in &mut self.objects.pops {
                p.state.reset();
                p.reset();
            }
            // Spikes on their way through per-synapse delays are dropped with
            // the populations' spike histories.
            for p in &mut self.objects.projs {
                for slot in &mut p.events {
                    slot.clear();
                }
            }
        }
        if projections {
            for p in &mut self.objects.projs {
                p.state.reset();
                p.reset(synapses);
            }
            for input in &mut self.objects.bold {
                input.reset();
            }
        }
        if monitors {
            for m in &mut self.objects.monitors {
                for d in &mut m.data {
                    d.clear();
                }
                for s in &mut m.steps {
                    s.clear();
                }
                m.spikes.clear();
                m.offset = None;
            }
        }
        self.t = 0;
    }

    /// Changes a named constant in every population and projection that reads it.
    pub fn set_constant(&mut self, name: &str, value: f64) -> Result<()> {
        let c = self
            .objects
            .constants
            .iter_mut()
            .find(|(n, _)| n == name)
            .ok_or_else(|| Error::UnknownObject {
                kind: "constant",
                name: name.to_string(),
            })?;
        c.1 = value;
        self.objects.resolve_constants()
    }

    /// Value of a named constant.
    pub fn get_constant(&self, name: &str) -> Result<f64> {
        self.objects
            .constants
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| Error::UnknownObject {
                kind: "constant",
                name: name.to_string(),
            })
    }

    /// Delays of a projection in ms: one value for a uniform delay (`dt`
    /// when there is none, a spike or value arriving the next step), one per
    /// synapse in storage order otherwise.
    pub fn delay(&self, proj: impl Into<AnyProj>) -> Vec<f64> {
        let dt = self.objects.dt;
        let p = &self.objects.projs[proj.into().0];
        match &p.conn.delays {
            Delays::None => vec![dt],
            Delays::Uniform(d) => vec![f64::from((*d).max(1)) * dt],
            Delays::PerSynapse(d) => d.iter().map(|&x| f64::from(x.max(1)) * dt).collect(),
        }
    }

    /// Changes the uniform delay of a projection built with one (ANNarchy
    /// allows no change from no delay to a delay, nor between uniform and
    /// per-synapse delays).
    pub fn set_delay(&mut self, proj: impl Into<AnyProj>, delay_ms: f64) -> Result<()> {
        let dt = self.objects.dt;
        let k = proj.into().0;
        let steps = crate::connectivity::delay_steps(delay_ms, dt)?;
        let Objects { pops, projs, .. } = &mut self.objects;
        let p = &mut projs[k];
        let object = format!("projection `{}`", p.name);
        match &p.conn.delays {
            Delays::PerSynapse(_) => {
                return Err(Error::Invalid {
                    object,
                    reason: "its delays are per synapse; a uniform delay cannot replace them"
                        .into(),
                });
            }
            Delays::None => {
                return Err(Error::Invalid {
                    object,
                    reason: "it was built without delays; give it a delay when connecting to change it later".into(),
                });
            }
            Delays::Uniform(_) if steps > 1 && p.conn.max_delay() <= 1 => {
                return Err(Error::Invalid {
                    object,
                    reason: "it was built with a delay of one step; give it a longer delay when connecting to change it later".into(),
                });
            }
            Delays::Uniform(_) => {}
        }
        for link in &p.pre_links {
            if let Link::Attr { ring: Some(r), .. } = link {
                pops[p.pre].rings[*r].grow(steps as usize);
            }
        }
        p.conn.delays = Delays::Uniform(steps.max(1));
        Ok(())
    }

    /// Makes the spiking population's `r` its mean firing rate in Hz over
    /// the last `window` ms (ANNarchy's `compute_firing_rate`).
    pub fn compute_firing_rate(&mut self, pop: impl Into<AnyPop>, window: f64) -> Result<()> {
        let dt = self.objects.dt;
        let p = &mut self.objects.pops[pop.into().0];
        if !p.spiking() {
            return Err(Error::Invalid {
                object: format!("population `{}`", p.name),
                reason: "compute_firing_rate() is for spiking populations".into(),
            });
        }
        if window.is_nan() || window <= 0.0 || !window.is_finite() {
            return Err(Error::Invalid {
                object: format!("population `{}`", p.name),
                reason: format!("the window must be positive and finite, not {window}"),
            });
        }
        let r = p.attr_index("r")?;
        p.start_rate(r, ((window / dt) as usize).max(1), window);
        Ok(())
    }

    /// Changes the per-synapse delays (ms, storage order) of a projection
    /// built with per-synapse delays (ANNarchy allows no change between
    /// uniform and per-synapse delays). Spikes already on their way keep
    /// their arrival step.
    pub fn set_delays(&mut self, proj: impl Into<AnyProj>, delays_ms: &[f64]) -> Result<()> {
        let dt = self.objects.dt;
        let k = proj.into().0;
        let Objects { pops, projs, .. } = &mut self.objects;
        let p = &mut projs[k];
        let object = format!("projection `{}`", p.name);
        if !matches!(p.conn.delays, Delays::PerSynapse(_)) {
            return Err(Error::Invalid {
                object,
                reason: "it was built with a uniform delay (or none); use set_delay, or give it per-synapse delays when connecting".into(),
            });
        }
        if delays_ms.len() != p.conn.nb_synapses() {
            return Err(Error::SizeMismatch {
                object,
                attribute: "delay".into(),
                expected: p.conn.nb_synapses(),
                got: delays_ms.len(),
            });
        }
        let steps = delays_ms
            .iter()
            .map(|&d| crate::connectivity::delay_steps(d, dt))
            .collect::<Result<Vec<u32>>>()?;
        let max = steps.iter().copied().max().unwrap_or(1).max(1) as usize;
        for link in &p.pre_links {
            if let Link::Attr { ring: Some(r), .. } = link {
                pops[p.pre].rings[*r].grow(max);
            }
        }
        if pops[p.pre].spiking() && p.events.len() < max {
            // Keep pending events at the same distance from now.
            let n = p.events.len().max(1);
            let mut events = vec![Vec::new(); max];
            for (k, slot) in events.iter_mut().enumerate().take(p.events.len()) {
                *slot = std::mem::take(&mut p.events[(p.event_head + k) % n]);
            }
            p.events = events;
            p.event_head = 0;
        }
        p.conn.delays = Delays::PerSynapse(steps);
        Ok(())
    }

    /// Changes the delay (ms) of the synapse `pre -> post` of a projection
    /// built with per-synapse delays.
    pub fn set_synapse_delay(
        &mut self,
        proj: impl Into<AnyProj>,
        post: u32,
        pre: u32,
        delay_ms: f64,
    ) -> Result<()> {
        let proj = proj.into();
        let p = &self.objects.projs[proj.0];
        let s = p
            .conn
            .synapse_index(post, pre)
            .ok_or_else(|| Error::OutOfRange {
                object: format!("projection `{}`", p.name),
                what: format!("synapse {pre} -> {post}"),
            })?;
        let mut delays = self.delay(proj);
        if delays.len() != p.conn.nb_synapses() {
            return self.set_delays(proj, &[]);
        }
        delays[s] = delay_ms;
        self.set_delays(proj, &delays)
    }

    /// Replaces the rows of a `TimedArray` (ANNarchy's `update()`).
    pub fn update_timed_array(
        &mut self,
        pop: PopId<TimedArray>,
        rates: Vec<Vec<f64>>,
        schedule: Schedule,
        period: f64,
    ) -> Result<()> {
        let dt = self.objects.dt;
        self.objects.pops[pop.index]
            .state
            .as_any_mut()
            .downcast_mut::<TimedArray>()
            .expect("a PopId<TimedArray> always refers to a TimedArray")
            .update_rates(rates, schedule, period, dt)
    }
}

/// Delivers the spikes that reach a projection this step (after its delay)
/// to the post-synaptic conductances of its target, and adds its
/// continuous transmission (`psp`), if any. A conductance stored in single
/// precision is lent as it is (`f32`) to a synapse that rounds each event
/// as it is stored; otherwise as a copy in `f64`.
fn transmit_spikes(
    proj: &mut Projection,
    pops: &mut [Population],
    scratch: &mut Vec<f64>,
    scratch_f32: &mut Vec<f32>,
    t: i64,
    dt: f64,
    team: Option<&Team>,
) {
    let (pre, post) = (proj.pre, proj.post);
    // Where the spikes go: the conductance of a spiking population, or the
    // weighted sum of a rate-coded one.
    let g = if pops[post].spiking() {
        match pops[post].g_index.get(proj.target_index).copied().flatten() {
            Some(g) => Some(g),
            None => return,
        }
    } else {
        None
    };
    // Per-synapse delays: this step's spikes go into the slots of their arrival.
    if let Delays::PerSynapse(delays) = &proj.conn.delays {
        let n = proj.events.len();
        for &j in &pops[pre].spiked {
            for &s in proj.index.synapses_of(j as usize) {
                let d = delays[s as usize].max(1) as usize;
                proj.events[(proj.event_head + d - 1) % n].push(s);
            }
        }
    }
    let mut target = match g {
        Some(g)
            if proj.state.events_in_f32() && pops[post].state.take_array_f32(g, scratch_f32) =>
        {
            Lent::Single(g, scratch_f32)
        }
        Some(g) => {
            pops[post].state.take_array(g, scratch);
            Lent::Wide(scratch)
        }
        None => {
            std::mem::swap(&mut pops[post].sums[proj.target_index], scratch);
            Lent::Wide(scratch)
        }
    };
    {
        let pre_pop = &pops[pre];
        let post_pop = &pops[post];
        let Projection {
            conn,
            state,
            pre_links,
            post_links,
            plasticity,
            constants,
            index,
            events,
            event_head,
            psp,
            pre_weights,
            delivered_w,
            ..
        } = proj;
        let ctx = SynapseCtx {
            t,
            dt,
            conn,
            pre: Network::linked(pre_pop, pre_links, conn),
            post: Network::linked(post_pop, post_links, conn),
            global_ops: [0.0; MAX_LINKED],
            plasticity: *plasticity,
            constants,
            pre_last_spike: &pre_pop.last_spike,
            post_last_spike: &post_pop.last_spike,
            index,
            team,
        };
        let arriving = match &conn.delays {
            Delays::PerSynapse(_) => SpikeEvents::Synapses(&events[*event_head]),
            Delays::Uniform(d) => SpikeEvents::Neurons(pre_pop.delayed_spikes(*d)),
            Delays::None => SpikeEvents::Neurons(&pre_pop.spiked),
        };
        // The most common synapse (`g_target += w`) is delivered here,
        // from the weights in pre-synaptic order.
        let weights = match arriving {
            SpikeEvents::Neurons(spikes) => pre_weights
                .of(index, delivered_w.map(|i| state.attr(i)))
                .map(|w| (spikes, w)),
            SpikeEvents::Synapses(_) => None,
        };
        match (weights, &mut target) {
            (Some((spikes, w)), Lent::Wide(g)) => delivery::deliver(index, w, spikes, g, team),
            (Some((spikes, w)), Lent::Single(_, g)) => {
                delivery::deliver(index, w, spikes, g, team);
            }
            (None, Lent::Wide(g)) => state.pre_spikes(&ctx, arriving, g),
            (None, Lent::Single(_, g)) => state.pre_spikes_f32(&ctx, arriving, g),
        }
        // Axonal spikes (ANNarchy: openmp only) arrive the next step, without delay.
        if state.has_axon_spike() && !pre_pop.axonal.is_empty() {
            let axonal = SpikeEvents::Neurons(&pre_pop.axonal);
            match &mut target {
                Lent::Wide(g) => state.pre_axon_spikes(&ctx, axonal, g),
                Lent::Single(_, g) => state.pre_axon_spikes_f32(&ctx, axonal, g),
            }
        }
        if !state.info().source.psp.trim().is_empty() {
            state.compute_psp(&ctx, psp);
            match &mut target {
                Lent::Wide(g) => add_at(g, &conn.post_ranks, psp),
                Lent::Single(_, g) => add_at(g, &conn.post_ranks, psp),
            }
        }
    }
    if !proj.events.is_empty() {
        let head = proj.event_head;
        proj.events[head].clear();
        proj.event_head = (head + 1) % proj.events.len();
    }
    match (target, g) {
        (Lent::Single(g, lent), _) => pops[post].state.put_array_f32(g, lent),
        (Lent::Wide(lent), Some(g)) => pops[post].state.put_array(g, lent),
        (Lent::Wide(lent), None) => {
            std::mem::swap(&mut pops[post].sums[proj.target_index], lent);
        }
    }
}

/// What a spiking projection adds to during its transmission, lent by the
/// post-synaptic population: a conductance in `f32` as it is stored, or a
/// conductance or weighted sum in `f64`.
enum Lent<'a> {
    /// `f64` values.
    Wide(&'a mut Vec<f64>),
    /// The `f32` values of a conductance (attribute `.0` of the population)
    /// in single precision.
    Single(usize, &'a mut Vec<f32>),
}

/// When a monitor records a variable within a step.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// After spike arrival, before the neuron update: conductances of spiking populations.
    BeforeUpdate,
    /// At the end of the step: everything else.
    AfterStep,
}

/// The weighted sums of a rate-coded projection, added to the sums of its
/// target (or, for a current injection, to the conductance of a spiking
/// population).
fn transmit_rates(
    proj: &mut Projection,
    pops: &mut [Population],
    scratch: &mut Vec<f64>,
    scratch_f32: &mut Vec<f32>,
    t: i64,
    dt: f64,
    team: Option<&Team>,
) {
    with_synapse_ctx(proj, pops, t, dt, team, |state, ctx, psp, _| {
        state.compute_psp(ctx, psp);
    });
    pops[proj.post].add_per_dendrite(
        proj.target_index,
        &proj.conn.post_ranks,
        &proj.psp,
        scratch,
        scratch_f32,
    );
}

/// Calls `f` with a projection's synapse state, the context of a step for
/// its equations (connectivity, linked pre- and post-synaptic attributes,
/// global operations, ...), its psp buffer and its post-synaptic neurons.
pub(crate) fn with_synapse_ctx<R>(
    proj: &mut Projection,
    pops: &[Population],
    t: i64,
    dt: f64,
    team: Option<&Team>,
    f: impl FnOnce(&mut dyn SynapseState, &SynapseCtx<'_>, &mut [f64], &[u32]) -> R,
) -> R {
    let global_ops = Network::global_ops(proj, pops);
    let Projection {
        pre,
        post,
        state,
        conn,
        psp,
        plasticity,
        pre_links,
        post_links,
        constants,
        index,
        structural,
        ..
    } = proj;
    let (pre, post) = (&pops[*pre], &pops[*post]);
    let ctx = SynapseCtx {
        t,
        dt,
        conn,
        pre: Network::linked(pre, pre_links, conn),
        post: Network::linked(post, post_links, conn),
        global_ops,
        plasticity: *plasticity,
        constants,
        pre_last_spike: &pre.last_spike,
        post_last_spike: &post.last_spike,
        index,
        team,
    };
    f(&mut **state, &ctx, psp, &structural.post_neurons)
}

fn record_spikes(m: &mut Monitor, pops: &[Population], t: i64) {
    let Source::Population(p, ranks) = &m.source else {
        return;
    };
    if !m.vars.iter().any(|(_, r)| *r == Recorded::Spike) {
        return;
    }
    let spiked = &pops[*p].spiked;
    let slots = &m.spike_slots;
    let recorded = spiked.iter().filter_map(|&i| match ranks {
        None => Some(i),
        Some(_) => Some(slots[i as usize]).filter(|&s| s != u32::MAX),
    });
    if let Some(s) = &mut m.stream.0 {
        for slot in recorded {
            s.write_spike(t, m.spike_ranks[slot as usize]);
        }
    } else {
        m.spikes.push(t, recorded);
        if let Some(n) = m.keep_last {
            m.spikes.bound(n, t);
        }
    }
    m.last_spike_step = t;
}

fn record(m: &mut Monitor, pops: &[Population], projs: &[Projection], t: i64, phase: Phase) {
    for (v, (name, what)) in m.vars.iter().enumerate() {
        if *what == Recorded::Spike {
            continue;
        }
        let before_update = matches!(&m.source, Source::Population(p, _) if pops[*p].spiking())
            && name.starts_with("g_");
        if before_update != (phase == Phase::BeforeUpdate) {
            continue;
        }
        let before = m.data[v].len();
        match (&m.source, what) {
            (Source::Population(p, ranks), Recorded::Attr(i)) => {
                let values = pops[*p].state.attr(*i);
                match ranks {
                    Some(r) if !values.is_scalar() => {
                        m.data[v].extend(r.iter().map(|&k| values.get(k as usize)));
                    }
                    _ => values.extend_into(&mut m.data[v]),
                }
            }
            (Source::Population(p, ranks), Recorded::Sum(target)) => {
                let pop = &pops[*p];
                match pop.target_index(target) {
                    Some(k) => match ranks {
                        None => m.data[v].extend_from_slice(&pop.sums[k]),
                        Some(r) => m.data[v].extend(r.iter().map(|&i| pop.sums[k][i as usize])),
                    },
                    None => {
                        let n = ranks.as_ref().map_or(pop.size(), Vec::len);
                        m.data[v].extend(std::iter::repeat_n(0.0, n));
                    }
                }
            }
            (Source::Projection(p, dendrite), Recorded::Attr(i)) => {
                let proj = &projs[*p];
                let values = proj.state.attr(*i);
                match dendrite {
                    Some(post) if !values.is_scalar() => {
                        if let Some(k) = proj.conn.dendrite_index(*post) {
                            if proj.state.info().attributes[*i].locality == Locality::SemiGlobal {
                                m.data[v].push(values.get(k));
                            } else {
                                m.data[v].extend(proj.conn.row(k).map(|s| values.get(s)));
                            }
                        }
                    }
                    _ => values.extend_into(&mut m.data[v]),
                }
            }
            (Source::Projection(..), Recorded::Sum(_)) | (_, Recorded::Spike) => {}
        }
        m.width[v] = m.data[v].len() - before;
        m.steps[v].push(t);
    }
    m.drain_to_stream();
    m.bound_rows();
}
