//! Projections that reuse the synapses of another projection (ANNarchy's
//! `extensions.convolution.Copy` and `Transpose`, SPEC.md 9.1):
//! [`CopyProjection`], the same connectivity and weights between two other
//! populations of the same geometries, and [`TransposeProjection`], the
//! same synapses used backwards, from the original's post-synaptic
//! population to its pre-synaptic one.
//!
//! Both read the weights `w` of the original projection at every step:
//! they hold no weights of their own, so a change of the original's
//! weights (by learning, [`Network::proj_set`], [`Network::set_synapse`],
//! a reset or a load) shows in their transmission from the next step on.
//! They are not plastic. They are started from the [`NetworkBuilder`]
//! with [`NetworkBuilder::copy`] and [`NetworkBuilder::transpose`], whose
//! builders end with [`CopyBuilder::connect_copy`] and
//! [`TransposeBuilder::connect`].
//!
//! ```
//! use annarchy_runtime::convolution::Operation;
//! use annarchy_runtime::decoding::DecodingProjection;
//! use annarchy_runtime::inputs::Schedule;
//! use annarchy_runtime::network::Network;
//!
//! # fn main() -> annarchy_runtime::Result<()> {
//! let mut b = Network::builder();
//! let spikes = b.spike_source_array("spikes", &[vec![1.0], vec![2.0], vec![3.0]])?;
//! let out = b.timed_array("out", 3, vec![vec![0.0; 3]], Schedule::Every(1.0), 0.0)?;
//! let decoded = b
//!     .projection::<DecodingProjection>(spikes, out, "exc")
//!     .connect_one_to_one(1.0)?;
//! // The same weights applied to the rates of populations of the same sizes,
//! // keeping the largest term of each post-synaptic neuron.
//! let rates = b.timed_array("rates", 3, vec![vec![1.0; 3]], Schedule::Every(1.0), 0.0)?;
//! let copy = b
//!     .copy(rates, out, "inh")
//!     .operation(Operation::Max)
//!     .psp(|w, r| w * r * r)
//!     .connect_copy(decoded)?;
//! # let _ = copy;
//! // Populations of other geometries are refused with ANNarchy's message.
//! let four = b.timed_array("four", 4, vec![vec![0.0; 4]], Schedule::Every(1.0), 0.0)?;
//! let err = b.copy(four, out, "inh").connect_copy(decoded).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "Copy: When copying a projection, the geometries must be the same."
//! );
//! // So is a transposition from spikes to rates.
//! let err = b.transpose(decoded, "exc").connect().unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "Transpose: TransposeProjection are not applyable on hybrid projections ..."
//! );
//! // And shared weights can not be copied.
//! let pooled = b.pooling(rates, out, "mod").connect_pooling()?;
//! let err = b.copy(rates, out, "mod").connect_copy(pooled).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "Copy: You can only copy regular projections, not shared projections."
//! );
//! # Ok(())
//! # }
//! ```
//!
//! # What the projections compute
//!
//! **Copy.** The copy has the connectivity of the original (the same
//! ranks, between its own populations) and, for each post-synaptic neuron,
//! folds the terms `psp(w, pre.r)` of its synapses (`pre.r * w` unless
//! [`CopyBuilder::psp`] says otherwise; `w` is the original's weight of
//! the synapse, `pre.r` the rate of the copy's own pre-synaptic neuron)
//! with its [`Operation`]: `sum`, `max` (the largest term), `min` (the
//! smallest) or `mean` (the sum divided by the number of synapses of the
//! neuron). The result goes to `sum(target)` of the post-synaptic
//! population, or to `g_target` of a spiking one. The pre-synaptic
//! population must be rate-coded. As in ANNarchy 4.8, the copy transmits
//! without delay, whatever the delays of the original.
//!
//! **Transpose.** The transpose goes from the original's post-synaptic
//! population to its pre-synaptic one. Each original pre-synaptic neuron
//! `j` receives, from the original post-synaptic neurons `i` it projects
//! to, `sum_i w_ij * r_i` (rate-coded; the terms are added in ascending
//! order of `i`), or, when both populations are spiking, `w_ij` added to
//! its `g_target` for each spike of `i` (delivered as the spikes of any
//! other projection). Its connectivity is the transposed one: one
//! dendrite per original pre-synaptic neuron with synapses, whose
//! pre-synaptic ranks are the original post-synaptic ones; it is computed
//! when the transpose is made. A projection between a rate-coded and a
//! spiking population, or one with delays, can not be transposed
//! (ANNarchy's errors).
//!
//! Neither copies nor transposes shared weights ([`crate::convolution`])
//! or another copy or transpose. `net.proj_get(copy, "w")` is an error:
//! read the weights from the original. The results are the same for any
//! number of threads.
//!
//! # Changes of the original's synapses
//!
//! Creating or pruning synapses of a projection that a copy or a
//! transpose reads is refused (see [`crate::structural`]). Loading a new
//! connectivity into the original ([`Network::load_projection`]) is
//! followed: the copy or transpose derives its connectivity again before
//! its next transmission.

use crate::connectivity::{Connectivity, Delays, SpikeIndex};
use crate::connectors::ConnectorInfo;
use crate::convolution::{Operation, SharedState};
use crate::delivery;
use crate::error::{Error, Result};
use crate::math::Real;
use crate::model::{
    AttrMut, AttrRef, Locality, ModelInfo, ModelKind, ModelSource, SynapseCtx, SynapseModel,
    SynapseState, split_dendrites,
};
use crate::network::{AnyPop, AnyProj, Network, NetworkBuilder, ProjId};
use crate::population::Population;
use crate::projection::Projection;
use crate::team::Team;

/// What one synapse of a copy transmits, from the original's weight and the
/// copy's pre-synaptic rate: `pre_r * w` by default (ANNarchy's
/// `psp="pre.r * w"`).
pub type CopyPsp = fn(w: f64, pre_r: f64) -> f64;

fn default_psp(w: f64, pre_r: f64) -> f64 {
    pre_r * w
}

const fn reader_info(
    type_name: &'static str,
    name: &'static str,
    description: &'static str,
    spiking: bool,
    operation: &'static str,
) -> ModelInfo {
    ModelInfo {
        pre_attributes: if spiking { &[] } else { &["r"] },
        operation,
        source: ModelSource {
            psp: if spiking { "" } else { "pre.r * w" },
            operation,
            pre_spike: if spiking { "g_target += w" } else { "" },
            ..ModelSource::EMPTY
        },
        ..ModelInfo::hand_written(
            ModelKind::Synapse,
            type_name,
            name,
            description,
            spiking,
            &[],
        )
    }
}

const COPY_DESCRIPTION: &str = "Copy of the connectivity and weights of another projection.";

static COPY_SUM: ModelInfo = reader_info(
    "Copy",
    "Copied projection with 'sum' operation",
    COPY_DESCRIPTION,
    false,
    "sum",
);
static COPY_MAX: ModelInfo = reader_info(
    "Copy",
    "Copied projection with 'max' operation",
    COPY_DESCRIPTION,
    false,
    "max",
);
static COPY_MIN: ModelInfo = reader_info(
    "Copy",
    "Copied projection with 'min' operation",
    COPY_DESCRIPTION,
    false,
    "min",
);
static COPY_MEAN: ModelInfo = reader_info(
    "Copy",
    "Copied projection with 'mean' operation",
    COPY_DESCRIPTION,
    false,
    "mean",
);

const TRANSPOSE_DESCRIPTION: &str =
    "Transposed connectivity and weights of another projection, used backwards.";

static TRANSPOSE_RATE: ModelInfo = reader_info(
    "Transpose",
    "Transposed rate-coded projection",
    TRANSPOSE_DESCRIPTION,
    false,
    "sum",
);
static TRANSPOSE_SPIKE: ModelInfo = reader_info(
    "Transpose",
    "Transposed spiking projection",
    TRANSPOSE_DESCRIPTION,
    true,
    "sum",
);

/// ANNarchy's `Copy` projection (see the [module](self) docs): the synapse
/// model of the projections made by [`NetworkBuilder::copy`]. `net.proj(p)`
/// gives its [`CopyState`].
#[derive(Clone, Copy, Debug, Default)]
pub struct CopyProjection;

/// ANNarchy's `Transpose` projection (see the [module](self) docs): the
/// synapse model of the projections made by [`NetworkBuilder::transpose`].
/// `net.proj(p)` gives its [`TransposeState`].
#[derive(Clone, Copy, Debug, Default)]
pub struct TransposeProjection;

impl SynapseModel for CopyProjection {
    type State = CopyState;
    const INFO: &'static ModelInfo = &COPY_SUM;
    fn new_state() -> CopyState {
        CopyState {
            info: &COPY_SUM,
            psp: default_psp,
            operation: Operation::Sum,
            source: 0,
            w: 0,
            seen: (0, 0),
        }
    }
}

impl SynapseModel for TransposeProjection {
    type State = TransposeState;
    const INFO: &'static ModelInfo = &TRANSPOSE_RATE;
    fn new_state() -> TransposeState {
        TransposeState {
            info: &TRANSPOSE_RATE,
            source: 0,
            w: 0,
            synapses: Vec::new(),
            seen: (0, 0),
        }
    }
}

/// The state of a [`CopyProjection`]: what it computes and which
/// projection it reads; no weights of its own.
#[derive(Clone, Debug)]
pub struct CopyState {
    info: &'static ModelInfo,
    psp: CopyPsp,
    operation: Operation,
    /// The original projection.
    source: usize,
    /// Index of `w` among the original's attributes.
    w: usize,
    /// The versions of the original's and of this projection's
    /// connectivity that this one was derived from.
    seen: (u64, u64),
}

impl CopyState {
    /// The operation over the terms of each post-synaptic neuron.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// The copied projection.
    pub fn source(&self) -> AnyProj {
        AnyProj(self.source)
    }

    /// The result of one post-synaptic neuron from its terms (none gives 0).
    #[inline]
    fn fold(&self, mut terms: impl Iterator<Item = f64>, n: usize) -> f64 {
        match self.operation {
            Operation::Sum => terms.fold(0.0, |acc, v| acc + v),
            Operation::Mean if n == 0 => 0.0,
            Operation::Mean => terms.fold(0.0, |acc, v| acc + v) / n as f64,
            Operation::Max => terms.next().map_or(0.0, |first| {
                terms.fold(first, |m, v| if v > m { v } else { m })
            }),
            Operation::Min => terms.next().map_or(0.0, |first| {
                terms.fold(first, |m, v| if v < m { v } else { m })
            }),
        }
    }
}

/// The state of a [`TransposeProjection`]: which projection it reads, and
/// for each of its synapses the original synapse whose weight it uses; no
/// weights of its own.
#[derive(Clone, Debug)]
pub struct TransposeState {
    info: &'static ModelInfo,
    /// The original projection.
    source: usize,
    /// Index of `w` among the original's attributes.
    w: usize,
    /// `synapses[s]` is the synapse of the original that synapse `s` of
    /// the transpose uses backwards.
    synapses: Vec<u32>,
    /// As [`CopyState::seen`].
    seen: (u64, u64),
}

impl TransposeState {
    /// The transposed projection.
    pub fn source(&self) -> AnyProj {
        AnyProj(self.source)
    }

    /// For each synapse of the transpose (in its storage order), the index
    /// of the synapse of the original it uses backwards.
    pub fn source_synapses(&self) -> &[u32] {
        &self.synapses
    }
}

/// The two states share everything the network asks of a synapse state:
/// no attributes, no equations, no individual synapses to create or prune.
macro_rules! reader_state {
    ($state:ty, $what:literal) => {
        impl SynapseState for $state {
            fn info(&self) -> &'static ModelInfo {
                self.info
            }
            fn attr(&self, _: usize) -> AttrRef<'_> {
                AttrRef::Array(&[])
            }
            fn attr_mut(&mut self, _: usize) -> AttrMut<'_> {
                AttrMut::Array(&mut [])
            }
            /// The connectivity is derived from the original's when the
            /// projection is made: nothing to size.
            fn connect(&mut self, _: &Connectivity) {}
            /// Zero: the state alone lacks the original's weights. The
            /// network transmits these projections with the original at
            /// hand (see the [module](self) docs).
            fn compute_psp(&self, _: &SynapseCtx<'_>, out: &mut [f64]) {
                out.fill(0.0);
            }
            fn reset(&mut self) {}
            fn remap(&mut self, _: &crate::structural::Remap<'_>) -> Result<(), String> {
                Err(concat!(
                    "a ",
                    $what,
                    " projection uses the synapses of another one: it has none to create or prune"
                )
                .into())
            }
            fn as_any(&self) -> &dyn std::any::Any {
                self
            }
            fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
                self
            }
        }
    };
}

reader_state!(CopyState, "copied");
reader_state!(TransposeState, "transposed");

/// The weights of the original projection, as its synapse model holds them
/// (in double or single precision).
#[derive(Clone, Copy)]
enum Weights<'a> {
    /// One weight for the whole projection.
    One(f64),
    /// One weight per dendrite.
    PerDendrite(AttrRef<'a>),
    /// One weight per synapse.
    PerSynapse(AttrRef<'a>),
}

impl<'a> Weights<'a> {
    fn of(source: &'a Projection, w: usize) -> Weights<'a> {
        let locality = source.state.info().attributes[w].locality;
        match (source.state.attr(w), locality) {
            (AttrRef::Scalar(v), _) => Weights::One(v),
            (values, Locality::Global) => Weights::One(if values.is_empty() {
                0.0
            } else {
                values.get(0)
            }),
            (values, Locality::Local) => Weights::PerSynapse(values),
            (values, Locality::SemiGlobal) => Weights::PerDendrite(values),
        }
    }

    /// The weight of synapse `s` of dendrite `k` of the original.
    #[inline(always)]
    fn at(&self, k: usize, s: usize) -> f64 {
        match self {
            Weights::One(v) => *v,
            Weights::PerDendrite(a) => a.get(k),
            Weights::PerSynapse(a) => a.get(s),
        }
    }
}

fn copy_error(reason: impl Into<String>) -> Error {
    Error::Connector {
        connector: "Copy",
        reason: reason.into(),
    }
}

fn transpose_error(reason: impl Into<String>) -> Error {
    Error::Connector {
        connector: "Transpose",
        reason: reason.into(),
    }
}

/// The original projection, checked: part of the network, with individual
/// synapses and weights `w`. Returns it with the index of `w`.
fn original<'b>(
    b: &'b NetworkBuilder,
    proj: AnyProj,
    verb: &str,
    error: fn(String) -> Error,
) -> Result<(&'b Projection, usize)> {
    let source = b.objects.projs.get(proj.0).ok_or_else(|| {
        error(format!(
            "You must provide an existing projection to {verb}()."
        ))
    })?;
    if source.state.as_any().is::<SharedState>() {
        return Err(error(format!(
            "You can only {verb} regular projections, not shared projections."
        )));
    }
    if source.source.is_some() {
        return Err(error(format!(
            "You can only {verb} regular projections, not copied or transposed ones (`{}` is one).",
            source.name
        )));
    }
    let w = source.state.info().attribute_index("w").ok_or_else(|| {
        error(format!(
            "the projection `{}` has no weights `w` (its synapse `{}`).",
            source.name,
            source.state.info().type_name
        ))
    })?;
    Ok((source, w))
}

/// The name of a new projection: the given one, or `proj<N>`, unused.
fn new_name(b: &NetworkBuilder, name: &str) -> Result<String> {
    let name = if name.is_empty() {
        format!("proj{}", b.objects.projs.len())
    } else {
        name.to_string()
    };
    b.check_name(&name)?;
    Ok(name)
}

/// The connectivity of a copy: the original's ranks, without delays or weights.
fn copied(conn: &Connectivity) -> Connectivity {
    Connectivity {
        post_ranks: conn.post_ranks.clone(),
        row_ptr: conn.row_ptr.clone(),
        pre_ranks: conn.pre_ranks.clone(),
        weights: Vec::new(),
        delays: Delays::None,
    }
}

/// The transposed connectivity of `conn` (whose pre-synaptic population
/// has `pre_size` neurons), without delays or weights, and for each of its
/// synapses the synapse of `conn` it stands for. Its dendrites are the
/// pre-synaptic ranks of `conn` with synapses, ascending; the pre-synaptic
/// ranks of each are the post-synaptic ranks of `conn`, ascending.
fn transposed(conn: &Connectivity, pre_size: usize) -> (Connectivity, Vec<u32>) {
    let index = conn.pre_index(pre_size);
    let mut post_of = vec![0u32; conn.nb_synapses()];
    for (k, &post) in conn.post_ranks.iter().enumerate() {
        post_of[conn.row(k)].fill(post);
    }
    let mut t = Connectivity::empty();
    t.pre_ranks.reserve(conn.nb_synapses());
    let mut synapses = Vec::with_capacity(conn.nb_synapses());
    for j in 0..pre_size {
        let outgoing = index.synapses_of(j);
        if outgoing.is_empty() {
            continue;
        }
        t.post_ranks.push(j as u32);
        for &s in outgoing {
            t.pre_ranks.push(post_of[s as usize]);
            synapses.push(s);
        }
        t.row_ptr.push(t.pre_ranks.len());
    }
    (t, synapses)
}

impl NetworkBuilder {
    /// Starts a [`CopyProjection`] from `pre` to `post` on `target`
    /// (ANNarchy's `Copy(pre, post, target)`); finish it with
    /// [`CopyBuilder::connect_copy`].
    pub fn copy(
        &mut self,
        pre: impl Into<AnyPop>,
        post: impl Into<AnyPop>,
        target: &str,
    ) -> CopyBuilder<'_> {
        CopyBuilder {
            builder: self,
            pre: pre.into(),
            post: post.into(),
            target: target.to_string(),
            name: String::new(),
            operation: Operation::Sum,
            psp: default_psp,
        }
    }

    /// Starts a [`TransposeProjection`] of `proj` on `target` (ANNarchy's
    /// `Transpose(proj, target)`), from `proj`'s post-synaptic population
    /// to its pre-synaptic one; finish it with [`TransposeBuilder::connect`].
    pub fn transpose(&mut self, proj: impl Into<AnyProj>, target: &str) -> TransposeBuilder<'_> {
        TransposeBuilder {
            builder: self,
            proj: proj.into(),
            target: target.to_string(),
            name: String::new(),
        }
    }
}

/// Makes a [`CopyProjection`] ([`NetworkBuilder::copy`]).
pub struct CopyBuilder<'b> {
    builder: &'b mut NetworkBuilder,
    pre: AnyPop,
    post: AnyPop,
    target: String,
    name: String,
    operation: Operation,
    psp: CopyPsp,
}

impl CopyBuilder<'_> {
    /// Names the projection (default `proj<N>`).
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    /// The operation over the terms of each post-synaptic neuron (default
    /// [`Operation::Sum`]).
    pub fn operation(mut self, operation: Operation) -> Self {
        self.operation = operation;
        self
    }

    /// What each synapse transmits, from the original's weight and the
    /// copy's pre-synaptic rate (default `pre.r * w`). ANNarchy's
    /// `psp="w * pre.r * pre.r"` is `.psp(|w, r| w * r * r)`.
    pub fn psp(mut self, psp: CopyPsp) -> Self {
        self.psp = psp;
        self
    }

    /// Makes the copy of `projection` (ANNarchy's `connect_copy`).
    ///
    /// # Errors
    ///
    /// [`Error::Connector`] with ANNarchy's messages for a projection that
    /// is not part of the network, for a convolution or a pooling, and when
    /// the geometries of the populations differ from the original's; also
    /// for a copied or transposed projection, for an original without
    /// weights `w`, and for a spiking pre-synaptic population;
    /// [`Error::Invalid`] for a name already used.
    pub fn connect_copy(self, projection: impl Into<AnyProj>) -> Result<ProjId<CopyProjection>> {
        let b = self.builder;
        let (pre, post) = (self.pre.0, self.post.0);
        let pops = &b.objects.pops;
        if pre >= pops.len() || post >= pops.len() {
            return Err(copy_error("the populations are not part of this network"));
        }
        let index = projection.into();
        let (source, w) = original(b, index, "copy", copy_error)?;
        if pops[pre].geometry != pops[source.pre].geometry
            || pops[post].geometry != pops[source.post].geometry
        {
            return Err(copy_error(
                "When copying a projection, the geometries must be the same.",
            ));
        }
        if pops[pre].spiking() {
            return Err(copy_error(format!(
                "the pre-synaptic population `{}` must be rate-coded",
                pops[pre].name
            )));
        }
        let name = new_name(b, &self.name)?;
        let info = match self.operation {
            Operation::Sum => &COPY_SUM,
            Operation::Max => &COPY_MAX,
            Operation::Min => &COPY_MIN,
            Operation::Mean => &COPY_MEAN,
        };
        let state = CopyState {
            info,
            psp: self.psp,
            operation: self.operation,
            source: index.0,
            w,
            seen: (source.version, 0),
        };
        let conn = copied(&source.conn);
        let connector = ConnectorInfo {
            name: "Copy".to_string(),
            description: format!(
                "Copy of `{}`, {} operation",
                source.name,
                self.operation.name()
            ),
        };
        let id: ProjId<CopyProjection> = b.push_projection(
            name,
            (pre, post),
            self.target,
            Box::new(state),
            conn,
            connector,
        );
        b.objects.projs[AnyProj::from(id).0].source = Some(index.0);
        Ok(id)
    }
}

/// Makes a [`TransposeProjection`] ([`NetworkBuilder::transpose`]).
pub struct TransposeBuilder<'b> {
    builder: &'b mut NetworkBuilder,
    proj: AnyProj,
    target: String,
    name: String,
}

impl TransposeBuilder<'_> {
    /// Names the projection (default `proj<N>`).
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    /// Makes the transpose (ANNarchy's `connect()`).
    ///
    /// # Errors
    ///
    /// [`Error::Connector`] with ANNarchy's messages for a projection
    /// between a rate-coded and a spiking population and for a projection
    /// with delays; also for a projection that is not part of the network,
    /// for a convolution or a pooling, for a copied or transposed
    /// projection, for an original without weights `w` and for one with a
    /// weight per post-synaptic neuron; [`Error::Invalid`] for a name
    /// already used.
    pub fn connect(self) -> Result<ProjId<TransposeProjection>> {
        let b = self.builder;
        let index = self.proj;
        let (source, w) = original(b, index, "transpose", transpose_error)?;
        let pops = &b.objects.pops;
        let spiking = pops[source.pre].spiking();
        if spiking != pops[source.post].spiking() {
            return Err(transpose_error(
                "TransposeProjection are not applyable on hybrid projections ...",
            ));
        }
        if !matches!(source.conn.delays, Delays::None) {
            return Err(transpose_error(
                "TransposeProjection can not be applied on delayed projections yet ...",
            ));
        }
        if source.state.info().attributes[w].locality == Locality::SemiGlobal {
            return Err(transpose_error(format!(
                "the weights `w` of `{}` are one per post-synaptic neuron, not one per synapse.",
                source.name
            )));
        }
        let name = new_name(b, &self.name)?;
        let (conn, synapses) = transposed(&source.conn, pops[source.pre].size());
        let state = TransposeState {
            info: if spiking {
                &TRANSPOSE_SPIKE
            } else {
                &TRANSPOSE_RATE
            },
            source: index.0,
            w,
            synapses,
            seen: (source.version, 0),
        };
        let connector = ConnectorInfo {
            name: "Transpose".to_string(),
            description: format!("Transpose of `{}`", source.name),
        };
        let sides = (source.post, source.pre);
        let id: ProjId<TransposeProjection> =
            b.push_projection(name, sides, self.target, Box::new(state), conn, connector);
        b.objects.projs[AnyProj::from(id).0].source = Some(index.0);
        Ok(id)
    }
}

/// Derives the connectivity of `reader` again if the original's (or its
/// own) was replaced since it was last derived.
fn refresh(reader: &mut Projection, source: &Projection, pops: &[Population]) {
    let now = (source.version, reader.version);
    let Projection {
        state,
        conn,
        psp,
        index,
        pre,
        post,
        ..
    } = reader;
    let any = state.as_any_mut();
    if let Some(copy) = any.downcast_mut::<CopyState>() {
        if copy.seen == now {
            return;
        }
        copy.seen = now;
        *conn = copied(&source.conn);
    } else if let Some(transpose) = any.downcast_mut::<TransposeState>() {
        if transpose.seen == now {
            return;
        }
        transpose.seen = now;
        let (t, synapses) = transposed(&source.conn, pops[source.pre].size());
        *conn = t;
        transpose.synapses = synapses;
        if pops[*pre].spiking() {
            *index = SpikeIndex::new(conn, pops[*pre].size(), pops[*post].size());
        }
    }
    *psp = vec![0.0; conn.nb_dendrites()];
}

/// Adds the weights `w` of a spiking transpose's synapses, in pre-synaptic
/// order, to the conductances `g` of the post-synaptic neurons of the
/// pre-synaptic neurons in `spikes`.
fn deliver_transposed<G: Real>(
    index: &SpikeIndex,
    w: &Weights<'_>,
    spikes: &[u32],
    g: &mut [G],
    team: Option<&Team>,
) {
    match *w {
        Weights::PerSynapse(AttrRef::Array(w)) => delivery::deliver(index, w, spikes, g, team),
        Weights::PerSynapse(AttrRef::ArrayF32(w)) => {
            delivery::deliver(index, w, spikes, g, team);
        }
        Weights::PerSynapse(AttrRef::Scalar(_)) => unreachable!("a scalar is `Weights::One`"),
        Weights::One(v) => {
            for &i in spikes {
                for &j in index.posts_of(i as usize) {
                    let g = &mut g[j as usize];
                    *g = G::from_f64(g.to_f64() + v);
                }
            }
        }
        Weights::PerDendrite(_) => unreachable!("refused when the transpose is made"),
    }
}

/// The transmission of a copy or a transpose `reader` of the projection
/// `source` (the network lends it from the projections made before
/// `reader`): its weighted sums added to its target, or, for a spiking
/// transpose, the spikes of its pre-synaptic population delivered to the
/// conductance `g_target` (in single precision, to its `f32` values, each
/// spike rounded as it is stored).
pub(crate) fn transmit(
    reader: &mut Projection,
    source: &Projection,
    pops: &mut [Population],
    scratch: &mut Vec<f64>,
    scratch_f32: &mut Vec<f32>,
    team: Option<&Team>,
) {
    refresh(reader, source, pops);
    let Projection {
        state,
        conn,
        psp,
        pre_links,
        index,
        pre,
        post,
        target_index,
        ..
    } = reader;
    let (pre, post, target) = (*pre, *post, *target_index);
    let any = state.as_any();
    if let Some(copy) = any.downcast_ref::<CopyState>() {
        let w = Weights::of(source, copy.w);
        let r = Network::linked(&pops[pre], pre_links, conn)[0];
        let conn = &*conn;
        let fill = |off: usize, [part]: [&mut [f64]; 1]| {
            for (i, o) in part.iter_mut().enumerate() {
                let k = off + i;
                let row = conn.row(k);
                let n = row.len();
                let terms = row.map(|s| (copy.psp)(w.at(k, s), r.get(conn.pre_ranks[s] as usize)));
                *o = copy.fold(terms, n);
            }
        };
        split_dendrites(team, psp, &fill);
    } else if let Some(transpose) = any.downcast_ref::<TransposeState>() {
        let w = Weights::of(source, transpose.w);
        if pops[pre].spiking() {
            let Some(g) = pops[post].g_index.get(target).copied().flatten() else {
                return;
            };
            // The synapses of the transpose in pre-synaptic order are those
            // of the original in storage order: its weights are already in
            // the order delivery reads them.
            debug_assert!(
                !matches!(w, Weights::PerSynapse(_))
                    || index
                        .pre_synapses
                        .iter()
                        .enumerate()
                        .all(|(p, &s)| transpose.synapses[s as usize] as usize == p)
            );
            if pops[post].state.take_array_f32(g, scratch_f32) {
                deliver_transposed(index, &w, &pops[pre].spiked, scratch_f32, team);
                pops[post].state.put_array_f32(g, scratch_f32);
            } else {
                pops[post].state.take_array(g, scratch);
                deliver_transposed(index, &w, &pops[pre].spiked, scratch, team);
                pops[post].state.put_array(g, scratch);
            }
            return;
        }
        let r = Network::linked(&pops[pre], pre_links, conn)[0];
        let conn = &*conn;
        let synapses = &transpose.synapses;
        let fill = |off: usize, [part]: [&mut [f64]; 1]| {
            for (i, o) in part.iter_mut().enumerate() {
                let mut sum = 0.0;
                for s in conn.row(off + i) {
                    let weight = match w {
                        Weights::One(v) => v,
                        Weights::PerSynapse(a) => a.get(synapses[s] as usize),
                        Weights::PerDendrite(_) => {
                            unreachable!("refused when the transpose is made")
                        }
                    };
                    sum += r.get(conn.pre_ranks[s] as usize) * weight;
                }
                *o = sum;
            }
        };
        split_dendrites(team, psp, &fill);
    }
    // The sums go to the target: `sum(target)`, or `g_target` of a
    // spiking population (a current injection).
    pops[post].add_per_dendrite(target, &conn.post_ranks, psp, scratch, scratch_f32);
}

#[cfg(test)]
mod tests {
    use super::transposed;
    use crate::connectivity::{Connectivity, Delays, SpikeIndex};

    /// 4 pre, 5 post neurons; synapse (post, pre) when (post * pre) % 3 != 1,
    /// post 2 without synapses.
    fn conn() -> Connectivity {
        let mut c = Connectivity::empty();
        for post in [0u32, 1, 3, 4] {
            let pres: Vec<u32> = (0..4).filter(|pre| (post * pre) % 3 != 1).collect();
            c.post_ranks.push(post);
            c.pre_ranks.extend(&pres);
            c.row_ptr.push(c.pre_ranks.len());
        }
        c.delays = Delays::None;
        c
    }

    #[test]
    fn the_transposed_connectivity_swaps_the_ranks() {
        let c = conn();
        let (mut t, synapses) = transposed(&c, 4);
        t.weights = vec![0.0; t.nb_synapses()];
        t.validate(5, 4).expect("valid");
        assert_eq!(t.nb_synapses(), c.nb_synapses());
        for k in 0..t.nb_dendrites() {
            for s in t.row(k) {
                let o = synapses[s] as usize;
                assert_eq!(c.pre_ranks[o], t.post_ranks[k]);
                assert_eq!(
                    c.synapse_index(t.pre_ranks[s], t.post_ranks[k]),
                    Some(o),
                    "synapse {s} of the transpose"
                );
            }
        }
    }

    #[test]
    fn the_spike_order_of_the_transpose_is_the_storage_order_of_the_original() {
        let c = conn();
        let (t, synapses) = transposed(&c, 4);
        let index = SpikeIndex::new(&t, 5, 4);
        let order: Vec<u32> = index
            .pre_synapses
            .iter()
            .map(|&s| synapses[s as usize])
            .collect();
        assert_eq!(order, (0..c.nb_synapses() as u32).collect::<Vec<_>>());
    }
}
