//! What the `neuron!` and `synapse!` macros generate code against: model
//! metadata, and the traits through which the network drives a model's state.

use crate::connectivity::{Connectivity, SpikeIndex};
use crate::math::Real;
use crate::team::Team;

/// How many values an attribute has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locality {
    /// One value per neuron (or per synapse).
    Local,
    /// One value per post-synaptic neuron (synapses, `postsynaptic` flag).
    SemiGlobal,
    /// One value per population (`population`) or projection (`projection`).
    Global,
}

/// The declared type of an attribute. Values are stored as `f64`; `Int`
/// attributes are truncated toward zero when assigned, `Bool` ones hold 0 or 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// Floating point (the default).
    Float,
    /// Integer (`int` flag).
    Int,
    /// Boolean (`bool` flag, or a parameter written `True`/`False`).
    Bool,
}

/// Metadata of one attribute (parameter or variable) of a model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AttrInfo {
    /// Its name in the equations.
    pub name: &'static str,
    /// True for parameters, false for variables.
    pub is_parameter: bool,
    /// How many values it has.
    pub locality: Locality,
    /// Declared type.
    pub value_type: ValueType,
    /// Initial value.
    pub init: f64,
}

/// Whether a model is a neuron or a synapse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    /// `neuron!`
    Neuron,
    /// `synapse!`
    Synapse,
}

/// The text a model was defined with, block by block, as written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ModelSource {
    /// `parameters`
    pub parameters: &'static str,
    /// `equations`
    pub equations: &'static str,
    /// `functions`
    pub functions: &'static str,
    /// `spike`
    pub spike: &'static str,
    /// `reset`
    pub reset: &'static str,
    /// `refractory` (a number or an attribute name)
    pub refractory: &'static str,
    /// `psp`
    pub psp: &'static str,
    /// `operation`
    pub operation: &'static str,
    /// `pre_spike`
    pub pre_spike: &'static str,
    /// `post_spike`
    pub post_spike: &'static str,
}

/// One equation of a model's `equations` block in LaTeX, with what reports
/// say about it (part of [`ModelLatex`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LatexEquation {
    /// The variable the equation defines.
    pub variable: &'static str,
    /// The equation as written, in LaTeX: `tau * dv/dt + v = sum(exc)` is
    /// `\tau \cdot \frac{dv}{dt} + v = \sum_{\text{exc}} w \cdot r^{\text{pre}}`.
    pub latex: &'static str,
    /// The numerical method of an ODE (`explicit`, `implicit`,
    /// `semiimplicit`, `exponential`, `midpoint`, `rk4` or `event-driven`);
    /// empty for an assignment.
    pub method: &'static str,
    /// The `min` bound in LaTeX, empty if none.
    pub min: &'static str,
    /// The `max` bound in LaTeX, empty if none.
    pub max: &'static str,
}

/// A model's equations in LaTeX, rendered by the macros at compile time
/// from the syntax tree of each statement (ANNarchy's `LatexParser`), for
/// [`Network::report`](crate::network::Network::report).
///
/// Names follow ANNarchy's reports: `tau` is `\tau`, `v_rest` is
/// `v_{\text{rest}}`, `baseline` is `\text{baseline}`, `pre.r` is
/// `r^{\text{pre}}`, `sum(exc)` is `\sum_{\text{exc}} w \cdot r^{\text{pre}}`,
/// `pos(x)` is `\left(x\right)^{+}`, `dv/dt` is `\frac{dv}{dt}`; `/` is a
/// fraction, `*` a `\cdot`, and only the parentheses that precedence needs
/// are printed. Every field is empty for a model without the block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelLatex {
    /// `(name, symbol)` of every attribute, in the order of
    /// [`ModelInfo::attributes`], then of every constant the model reads
    /// ([`ModelInfo::constants`]): `("tau_m", "\tau_{m}")`.
    pub symbols: &'static [(&'static str, &'static str)],
    /// The equations of `equations`, in declaration order.
    pub equations: &'static [LatexEquation],
    /// Spiking neurons: the spike condition (`v > v_{\text{thresh}}`).
    pub spike: &'static str,
    /// Spiking neurons: the statements of `reset`, in order.
    pub reset: &'static [&'static str],
    /// Spiking neurons: the refractory period, a number of ms or the
    /// symbol of the attribute holding it.
    pub refractory: &'static str,
    /// Synapses: what a synapse transmits (`w \cdot r^{\text{pre}}` for a
    /// rate-coded synapse without `psp`).
    pub psp: &'static str,
    /// Spiking synapses: the statements of `pre_spike`, with the
    /// `g_{\text{target}} \mathrel{+}= w` that a synapse without one gets.
    pub pre_spike: &'static [&'static str],
    /// Spiking synapses: the statements of `post_spike`.
    pub post_spike: &'static [&'static str],
    /// The functions of `functions`: `f\left(x\right) = \frac{2}{x}`.
    pub functions: &'static [&'static str],
}

impl ModelLatex {
    /// Nothing (models written by hand in the run-time).
    pub const EMPTY: ModelLatex = ModelLatex {
        symbols: &[],
        equations: &[],
        spike: "",
        reset: &[],
        refractory: "",
        psp: "",
        pre_spike: &[],
        post_spike: &[],
        functions: &[],
    };

    /// The LaTeX symbol of an attribute or constant, if the model has one
    /// for it.
    pub fn symbol(&self, name: &str) -> Option<&'static str> {
        self.symbols
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
    }
}

/// Everything the run-time needs to know about a model, generated at compile time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModelInfo {
    /// The Rust type name of the model.
    pub type_name: &'static str,
    /// ANNarchy's `name` (shown by reports).
    pub name: &'static str,
    /// ANNarchy's `description`.
    pub description: &'static str,
    /// Neuron or synapse.
    pub kind: ModelKind,
    /// Spiking (neuron with `spike`, synapse with `pre_spike`) or rate-coded.
    pub spiking: bool,
    /// Parameters then variables, in declaration order.
    pub attributes: &'static [AttrInfo],
    /// Neurons: the targets named in `sum(target)`, in order of appearance.
    pub targets: &'static [&'static str],
    /// Neurons: whether `sum()` (all targets) is used.
    pub uses_all_targets: bool,
    /// Global operations the equations read: `(operation, scope, attribute)`
    /// with scope `""` (own), `"pre"` or `"post"`.
    pub global_ops: &'static [(GlobalOpKind, &'static str, &'static str)],
    /// Synapses: `pre.x` names read by the synapse, in order.
    pub pre_attributes: &'static [&'static str],
    /// Synapses: `post.x` names read by the synapse, in order.
    pub post_attributes: &'static [&'static str],
    /// Synapses: `pre.sum(target)` / `post.sum(target)` are not `pre.x`; these list the targets.
    pub pre_targets: &'static [&'static str],
    /// Synapses: targets of `post.sum(target)`.
    pub post_targets: &'static [&'static str],
    /// Synapses: true when `w` changes (the projection is plastic).
    pub plastic: bool,
    /// Spiking synapses: a pre-synaptic spike only adds `w` to the
    /// conductance of its target (`pre_spike: g_target += w`), and the
    /// equations never change `w`. The run-time delivers the spikes of such
    /// a synapse itself ([`SynapseState::pre_spikes`] is not called).
    pub pre_spike_adds_w: bool,
    /// Names of the network constants the equations read (`constants:`).
    pub constants: &'static [&'static str],
    /// Synapses: `sum`, `max`, `min` or `mean`.
    pub operation: &'static str,
    /// The source text of each block.
    pub source: ModelSource,
    /// The equations in LaTeX, for reports.
    pub latex: ModelLatex,
}

impl ModelSource {
    /// No text at all (models written by hand in the run-time).
    pub const EMPTY: ModelSource = ModelSource {
        parameters: "",
        equations: "",
        functions: "",
        spike: "",
        reset: "",
        refractory: "",
        psp: "",
        operation: "",
        pre_spike: "",
        post_spike: "",
    };
}

impl ModelInfo {
    /// Metadata of a model written by hand in the run-time (inputs,
    /// decoding): no targets, no linked attributes, no text, no LaTeX.
    pub const fn hand_written(
        kind: ModelKind,
        type_name: &'static str,
        name: &'static str,
        description: &'static str,
        spiking: bool,
        attributes: &'static [AttrInfo],
    ) -> ModelInfo {
        ModelInfo {
            type_name,
            name,
            description,
            kind,
            spiking,
            attributes,
            targets: &[],
            uses_all_targets: false,
            global_ops: &[],
            pre_attributes: &[],
            post_attributes: &[],
            pre_targets: &[],
            post_targets: &[],
            plastic: false,
            pre_spike_adds_w: false,
            constants: &[],
            operation: "sum",
            source: ModelSource::EMPTY,
            latex: ModelLatex::EMPTY,
        }
    }

    /// Index of an attribute by name.
    pub fn attribute_index(&self, name: &str) -> Option<usize> {
        self.attributes.iter().position(|a| a.name == name)
    }
    /// The attribute with this name.
    pub fn attribute(&self, name: &str) -> Option<&'static AttrInfo> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// The precision a network stores and computes its neurons' and
/// synapses' attributes in (ANNarchy's `setup(precision=...)`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Precision {
    /// `f64` (ANNarchy's `'double'`, the default).
    #[default]
    Double,
    /// `f32` (ANNarchy's `'float'`): the arrays of every population of a
    /// model defined with `neuron!` are stored in `f32` and its equations
    /// computed in `f32`, eight neurons per AVX instruction instead of four;
    /// the attributes of every projection of a model defined with
    /// `synapse!` (its weights first) are stored in `f32` and its equations
    /// computed in `f64`. The weighted sums and conductances that
    /// projections deliver are accumulated in `f64` and rounded once per
    /// step; the inputs and projections the run-time implements by hand
    /// (timed arrays, spike sources, timed Poisson, images, copies,
    /// convolutions, pooling) stay in `f64`.
    Single,
}

/// Read access to one attribute's storage.
#[derive(Clone, Copy, Debug)]
pub enum AttrRef<'a> {
    /// One value per neuron / synapse / dendrite.
    Array(&'a [f64]),
    /// One value for the whole population / projection.
    Scalar(f64),
    /// One value per neuron / synapse / dendrite, in single precision
    /// ([`Precision::Single`]).
    ArrayF32(&'a [f32]),
}

impl AttrRef<'_> {
    /// Number of values (1 for a scalar).
    pub fn len(&self) -> usize {
        match self {
            AttrRef::Array(a) => a.len(),
            AttrRef::ArrayF32(a) => a.len(),
            AttrRef::Scalar(_) => 1,
        }
    }

    /// Whether an array holds no value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `i` (the value of a scalar, whatever `i`).
    #[inline]
    pub fn get(&self, i: usize) -> f64 {
        match self {
            AttrRef::Array(a) => a[i],
            AttrRef::ArrayF32(a) => f64::from(a[i]),
            AttrRef::Scalar(v) => *v,
        }
    }

    /// Whether this is one value for the whole population / projection.
    pub fn is_scalar(&self) -> bool {
        matches!(self, AttrRef::Scalar(_))
    }

    /// Appends every value (one for a scalar) to `out`, in double precision.
    pub fn extend_into(&self, out: &mut Vec<f64>) {
        match self {
            AttrRef::Array(a) => out.extend_from_slice(a),
            AttrRef::ArrayF32(a) => out.extend(a.iter().map(|&x| f64::from(x))),
            AttrRef::Scalar(v) => out.push(*v),
        }
    }

    /// Every value (one for a scalar), in double precision.
    pub fn to_vec(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.len());
        self.extend_into(&mut out);
        out
    }

    /// Writes every value (one for a scalar) to `out`, which holds as many.
    pub fn copy_into(&self, out: &mut [f64]) {
        match self {
            AttrRef::Array(a) => out.copy_from_slice(a),
            AttrRef::ArrayF32(a) => {
                for (o, &x) in out.iter_mut().zip(a.iter()) {
                    *o = f64::from(x);
                }
            }
            AttrRef::Scalar(v) => out[0] = *v,
        }
    }
}

/// Write access to one attribute's storage.
#[derive(Debug)]
pub enum AttrMut<'a> {
    /// One value per neuron / synapse / dendrite.
    Array(&'a mut [f64]),
    /// One value for the whole population / projection.
    Scalar(&'a mut f64),
    /// One value per neuron / synapse / dendrite, in single precision
    /// ([`Precision::Single`]).
    ArrayF32(&'a mut [f32]),
    /// One value for the whole population / projection, in single precision.
    ScalarF32(&'a mut f32),
}

impl AttrMut<'_> {
    /// Number of values (1 for a scalar).
    pub fn len(&self) -> usize {
        match self {
            AttrMut::Array(a) => a.len(),
            AttrMut::ArrayF32(a) => a.len(),
            AttrMut::Scalar(_) | AttrMut::ScalarF32(_) => 1,
        }
    }

    /// Whether an array holds no value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether this is one value for the whole population / projection.
    pub fn is_scalar(&self) -> bool {
        matches!(self, AttrMut::Scalar(_) | AttrMut::ScalarF32(_))
    }

    /// Sets value `i` (the scalar, whatever `i`), rounded to the storage's
    /// precision.
    #[inline]
    pub fn set(&mut self, i: usize, v: f64) {
        match self {
            AttrMut::Array(a) => a[i] = v,
            AttrMut::ArrayF32(a) => a[i] = v as f32,
            AttrMut::Scalar(x) => **x = v,
            AttrMut::ScalarF32(x) => **x = v as f32,
        }
    }

    /// Sets every value from `values`, which holds as many (one for a scalar).
    pub fn copy_from(&mut self, values: &[f64]) {
        match self {
            AttrMut::Array(a) => a.copy_from_slice(values),
            AttrMut::ArrayF32(a) => {
                for (x, &v) in a.iter_mut().zip(values) {
                    *x = v as f32;
                }
            }
            AttrMut::Scalar(x) => **x = values[0],
            AttrMut::ScalarF32(x) => **x = values[0] as f32,
        }
    }
}

/// Where a projection reads a `pre.x` / `post.x` value from.
#[derive(Clone, Copy, Debug)]
pub enum VarRef<'a> {
    /// The current value of a per-neuron attribute (or a delayed copy, for a uniform delay).
    Array(&'a [f64]),
    /// The current value of a per-neuron attribute stored in single precision.
    ArrayF32(&'a [f32]),
    /// A population-wide attribute.
    Scalar(f64),
    /// Per-synapse delays: `history[d - 1]` holds the values of `d` steps ago
    /// (`history` is a ring, `head` its newest slot); `delays[s]` is synapse `s`'s delay.
    Delayed {
        /// Past values, one array per slot (one value per slot for a
        /// population-wide attribute).
        history: &'a [Vec<f64>],
        /// The slot holding the newest values.
        head: usize,
        /// Per-synapse delays in steps.
        delays: &'a [u32],
        /// True for a population-wide attribute (one value per slot).
        scalar: bool,
    },
}

impl VarRef<'_> {
    /// Value for pre-synaptic rank `j` through synapse `s`.
    #[inline(always)]
    pub fn at(&self, j: usize, s: usize) -> f64 {
        match self {
            VarRef::Array(a) => a[j],
            VarRef::ArrayF32(a) => f64::from(a[j]),
            VarRef::Scalar(v) => *v,
            VarRef::Delayed {
                history,
                head,
                delays,
                scalar,
            } => {
                let d = (delays[s].max(1) - 1) as usize;
                let n = history.len();
                history[(head + n - d % n) % n][if *scalar { 0 } else { j }]
            }
        }
    }
    /// Value for rank `j` (no per-synapse delay).
    #[inline(always)]
    pub fn get(&self, j: usize) -> f64 {
        match self {
            VarRef::Array(a) => a[j],
            VarRef::ArrayF32(a) => f64::from(a[j]),
            VarRef::Scalar(v) => *v,
            VarRef::Delayed {
                history,
                head,
                scalar,
                ..
            } => history[*head][if *scalar { 0 } else { j }],
        }
    }
}

/// Fewest neurons (or dendrites) for which an update is split over the
/// threads of a [`Team`]: below it, a thread would spend more time waiting
/// than computing. Every neuron (dendrite) is computed the same way whoever
/// computes it, so the results never depend on the number of threads.
pub const PAR_MIN: usize = 1024;

/// The parts a [`Team`] cuts a population into for its update start at
/// multiples of this many neurons (the whole vectors of any processor).
pub const PART_ALIGN: usize = 8;

/// The first index at or after `from` whose byte in `mask` is not zero.
///
/// Spike masks are mostly zeros: they are skipped 32 bytes at a time (four
/// words or'ed together, whatever the processor's vector width), then
/// searched eight bytes at a time.
#[inline]
pub fn next_spike(mask: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 32 <= mask.len() {
        let block = &mask[i..i + 32];
        let word = |k: usize| u64::from_le_bytes(block[k..k + 8].try_into().expect("eight bytes"));
        if word(0) | word(8) | word(16) | word(24) != 0 {
            break;
        }
        i += 32;
    }
    while i + 8 <= mask.len() {
        let word = u64::from_le_bytes(mask[i..i + 8].try_into().expect("eight bytes"));
        if word != 0 {
            return Some(i + word.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    (i..mask.len()).find(|&k| mask[k] != 0)
}

/// Fewest synaptic events in a step (spikes times their synapses) for which
/// the delivery of spikes is split over the threads of a [`Team`].
pub const PAR_EVENTS: usize = 4096;

/// Partial sums of one dendrite in [`fold_dendrites`] and [`weighted_sums`].
pub const SUM_LANES: usize = 4;

/// Rate-coded transmission: for each dendrite `k` (row `k` of `conn`),
/// `out[k] = fin(acc, n)`, where `acc` folds `add` over `term(k, s, j)` for
/// the `n` synapses `s` of the row (`j` is the pre-synaptic rank of synapse
/// `s`). `init` is the identity of `add` (`0.0` for a sum, an infinity for
/// a minimum or a maximum). The dendrites are split over the threads of
/// `team`, if any and if there are at least [`PAR_MIN`] of them.
///
/// Synapse `i` of a row (counted from the row's first) goes to partial
/// `i % SUM_LANES`; each partial folds its synapses in their order, and
/// the partials are combined as `(p0 + p1) + (p2 + p3)`: independent
/// chains of additions that the processor overlaps, in an order that
/// depends only on the row, so the result is the same whatever the number
/// of threads (and the same as [`weighted_sums`]'). A row whose
/// pre-synaptic ranks are consecutive (all-to-all connectivity) is
/// recognised from its first and last rank, and its ranks are not read.
#[inline]
pub fn fold_dendrites<T, A, F>(
    team: Option<&Team>,
    conn: &Connectivity,
    out: &mut [f64],
    init: f64,
    term: T,
    add: A,
    fin: F,
) where
    T: Fn(usize, usize, usize) -> f64 + Sync,
    A: Fn(f64, f64) -> f64 + Sync,
    F: Fn(f64, usize) -> f64 + Sync,
{
    let (row_ptr, pre_ranks) = (&conn.row_ptr[..], &conn.pre_ranks[..]);
    let fill = |off: usize, [part]: [&mut [f64]; 1]| {
        for (k, out) in (off..).zip(part.iter_mut()) {
            let (lo, hi) = (row_ptr[k], row_ptr[k + 1]);
            let mut acc = [init; SUM_LANES];
            match consecutive(pre_ranks, lo, hi) {
                Some(first) => {
                    for (i, s) in (lo..hi).enumerate() {
                        let l = i % SUM_LANES;
                        acc[l] = add(acc[l], term(k, s, first + i));
                    }
                }
                None => {
                    for (i, (s, &j)) in (lo..hi).zip(&pre_ranks[lo..hi]).enumerate() {
                        let l = i % SUM_LANES;
                        acc[l] = add(acc[l], term(k, s, j as usize));
                    }
                }
            }
            *out = fin(add(add(acc[0], acc[1]), add(acc[2], acc[3])), hi - lo);
        }
    };
    split_dendrites(team, out, &fill);
}

/// Runs `fill(offset, [part])` over the results of the dendrites, `out`:
/// on parts of it split over the threads of `team` when there are at
/// least [`PAR_MIN`] dendrites, else on the whole of it on this thread.
/// Each result is computed alone, so they do not depend on the team.
pub(crate) fn split_dendrites(
    team: Option<&Team>,
    out: &mut [f64],
    fill: &(dyn Fn(usize, [&mut [f64]; 1]) + Sync),
) {
    match team {
        Some(team) if out.len() >= PAR_MIN => team.split_mut(out.len(), 1, [out], fill),
        _ => fill(0, [out]),
    }
}

/// The first pre-synaptic rank of the synapses `lo..hi` when their ranks
/// are consecutive (all-to-all rows), from the first and the last.
#[inline]
fn consecutive(pre_ranks: &[u32], lo: usize, hi: usize) -> Option<usize> {
    (hi > lo && (pre_ranks[hi - 1] - pre_ranks[lo]) as usize == hi - 1 - lo)
        .then(|| pre_ranks[lo] as usize)
}

/// The weighted sum of every dendrite, `out[k] = sum of w[s] * r[j]` over
/// the synapses `s` of row `k` (pre-synaptic rank `j`): the transmission
/// of a synapse whose psp is a per-synapse weight times a current
/// pre-synaptic value (`w * pre.r`, the default). The same sums as
/// [`fold_dendrites`], bit for bit, through slices that the compiler turns
/// into vector instructions without bounds checks; the dendrites are split
/// over the threads of `team` as there. Weights and pre-synaptic values in
/// single precision (`w: &[f32]`, `r: &[f32]`) are multiplied in double
/// precision.
///
/// # Panics
///
/// When `w` holds fewer values than there are synapses, or a pre-synaptic
/// rank is not an index of `r`.
pub fn weighted_sums<W: Real, R: Real>(
    team: Option<&Team>,
    conn: &Connectivity,
    w: &[W],
    r: &[R],
    out: &mut [f64],
) {
    let (row_ptr, pre_ranks) = (&conn.row_ptr[..], &conn.pre_ranks[..]);
    let fill = |off: usize, [part]: [&mut [f64]; 1]| {
        for (k, out) in (off..).zip(part.iter_mut()) {
            let (lo, hi) = (row_ptr[k], row_ptr[k + 1]);
            let w = &w[lo..hi];
            let mut acc = [0.0; SUM_LANES];
            match consecutive(pre_ranks, lo, hi) {
                Some(first) => {
                    let r = &r[first..first + w.len()];
                    let ((wc, wt), (rc, rt)) =
                        (w.as_chunks::<SUM_LANES>(), r.as_chunks::<SUM_LANES>());
                    let every = chunks_per_line::<W>();
                    for (i, (w4, r4)) in wc.iter().zip(rc).enumerate() {
                        if i % every == 0 {
                            prefetch_ahead(w4);
                        }
                        let (w4, r4) = (W::widen4(w4), R::widen4(r4));
                        for l in 0..SUM_LANES {
                            acc[l] += w4[l] * r4[l];
                        }
                    }
                    for (l, (w, r)) in wt.iter().zip(rt).enumerate() {
                        acc[l] += w.to_f64() * r.to_f64();
                    }
                }
                None => {
                    let ranks = &pre_ranks[lo..hi];
                    let ((wc, wt), (jc, jt)) =
                        (w.as_chunks::<SUM_LANES>(), ranks.as_chunks::<SUM_LANES>());
                    for (w4, j4) in wc.iter().zip(jc) {
                        let w4 = W::widen4(w4);
                        for l in 0..SUM_LANES {
                            acc[l] += w4[l] * r[j4[l] as usize].to_f64();
                        }
                    }
                    for (l, (w, &j)) in wt.iter().zip(jt).enumerate() {
                        acc[l] += w.to_f64() * r[j as usize].to_f64();
                    }
                }
            }
            *out = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        }
    };
    split_dendrites(team, out, &fill);
}

/// How far ahead of the weights a weighted sum asks for them, in bytes.
/// The weights of all-to-all rows are read once per step in order, from
/// memory: one core's hardware prefetchers alone leave that single stream
/// at 65-78 % of the machine's bandwidth; asking 8 KiB ahead makes the
/// dense sum 15-25 % faster on one thread (BENCHMARKS.md, kernels). Sparse
/// rows got slower with it: they go without.
const PREFETCH_BYTES: usize = 8192;

/// Chunks of [`SUM_LANES`] values of `T` per 64-byte cache line.
const fn chunks_per_line<T>() -> usize {
    let n = 64 / (SUM_LANES * std::mem::size_of::<T>());
    if n == 0 { 1 } else { n }
}

/// Asks the processor to bring the cache line [`PREFETCH_BYTES`] after `x`
/// into its caches (past the end of the array, the address is not read:
/// a prefetch never faults).
#[inline(always)]
fn prefetch_ahead<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let p = (x as *const T)
            .wrapping_byte_add(PREFETCH_BYTES)
            .cast::<i8>();
        // SAFETY: a prefetch reads nothing into the program and never
        // faults, whatever the address; `wrapping_byte_add` computes it
        // without dereferencing.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// Most `pre.x` (or `post.x`) attributes a synapse may read.
pub const MAX_LINKED: usize = 8;

/// Values of the pre- or post-synaptic population, in the synapse's order:
/// [`ModelInfo::pre_attributes`] (or `post_attributes`), then the sums of
/// [`ModelInfo::pre_targets`] (or `post_targets`). Unused entries are `Scalar(0.0)`.
pub type Linked<'a> = [VarRef<'a>; MAX_LINKED];

/// What a neuron update sees of the network.
#[derive(Debug)]
pub struct NeuronCtx<'a> {
    /// Current step (time in ms is `t * dt`).
    pub t: i64,
    /// Step size in ms.
    pub dt: f64,
    /// Weighted sums per target: the model's targets first, then any other
    /// target that projections deliver to (used by `sum()`).
    pub sums: &'a [Vec<f64>],
    /// Values of the named constants the model reads, in the model's order.
    pub constants: &'a [f64],
    /// Step of each neuron's last spike (spiking populations; -10000 before the first).
    pub last_spike: &'a [i64],
    /// The threads to split the update over (`None`: this thread only).
    pub team: Option<&'a Team>,
    /// Spikes to add to the conductances before updating them (only when
    /// [`NeuronState::arrival_attrs`] lists them; `None` when the
    /// transmission phase delivered them).
    pub arrivals: Option<&'a crate::arrivals::Arrivals<'a>>,
    /// Where each part of the update lists the neurons that spike (see
    /// [`crate::emission`]); updates that evaluate their spike condition
    /// in their loop use it, others leave it empty.
    pub emission: &'a crate::emission::Emission,
}

/// Where a spiking population's update writes this step's spikes.
#[derive(Debug)]
pub struct SpikeOut<'a> {
    /// Cleared, then filled with the ranks that spike this step, ascending.
    pub spiked: &'a mut Vec<u32>,
    /// Step of each neuron's last spike, updated for the neurons that spike.
    pub last_spike: &'a mut [i64],
    /// Cleared, then filled with the ranks that emit an axonal spike only
    /// (`axon_spike` holds, `spike` does not).
    pub axonal: &'a mut Vec<u32>,
}

/// The pre-synaptic events a projection processes in one step.
#[derive(Clone, Copy, Debug)]
pub enum SpikeEvents<'a> {
    /// Spikes of these pre-synaptic ranks reach all their synapses.
    Neurons(&'a [u32]),
    /// Spikes reach these synapses (per-synapse delays).
    Synapses(&'a [u32]),
}

/// Seeds of the random streams of one step.
#[derive(Clone, Copy, Debug)]
pub struct RngCtx<'a> {
    /// The network's seed.
    pub seed: u64,
    /// Identifier of the object (population or projection) in the network.
    pub object: u64,
    /// Current step.
    pub t: i64,
    /// The threads to split the draws over (`None`: this thread only).
    pub team: Option<&'a Team>,
}

/// A global operation over a population's attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GlobalOpKind {
    /// `min(x)`
    Min,
    /// `max(x)`
    Max,
    /// `mean(x)`
    Mean,
    /// `norm1(x)`: sum of absolute values.
    Norm1,
    /// `norm2(x)`: Euclidean norm.
    Norm2,
}

impl GlobalOpKind {
    /// Reduces `values` in rank order (the order is fixed, so the result does
    /// not depend on the number of threads). Empty input gives 0.
    /// Values in single precision are reduced in double precision.
    pub fn reduce<T: Real>(self, values: &[T]) -> f64 {
        if values.is_empty() {
            return 0.0;
        }
        let values = values.iter().map(|v| v.to_f64());
        match self {
            GlobalOpKind::Min => values.fold(f64::INFINITY, f64::min),
            GlobalOpKind::Max => values.fold(f64::NEG_INFINITY, f64::max),
            GlobalOpKind::Mean => {
                let n = values.len();
                values.sum::<f64>() / n as f64
            }
            GlobalOpKind::Norm1 => values.map(f64::abs).sum(),
            GlobalOpKind::Norm2 => values.map(|v| v * v).sum::<f64>().sqrt(),
        }
    }
}

/// Copies a neuron state behind a `Box<dyn NeuronState>`; implemented for
/// every state that is `Clone` (generated states are).
pub trait CloneNeuronState {
    /// A copy of the state.
    fn clone_state(&self) -> Box<dyn NeuronState>;
}

impl<T: NeuronState + Clone> CloneNeuronState for T {
    fn clone_state(&self) -> Box<dyn NeuronState> {
        Box::new(self.clone())
    }
}

impl Clone for Box<dyn NeuronState> {
    fn clone(&self) -> Self {
        self.clone_state()
    }
}

/// Copies a synapse state behind a `Box<dyn SynapseState>`; implemented
/// for every state that is `Clone` (generated states are).
pub trait CloneSynapseState {
    /// A copy of the state.
    fn clone_state(&self) -> Box<dyn SynapseState>;
}

impl<T: SynapseState + Clone> CloneSynapseState for T {
    fn clone_state(&self) -> Box<dyn SynapseState> {
        Box::new(self.clone())
    }
}

impl Clone for Box<dyn SynapseState> {
    fn clone(&self) -> Self {
        self.clone_state()
    }
}

/// The values of one array of the run-time state that a model keeps apart
/// from its attributes ([`NeuronState::internal_state`],
/// [`SynapseState::internal_state`]).
#[derive(Clone, Debug, PartialEq)]
pub enum InternalValues {
    /// Steps or counts.
    Int(Vec<i64>),
    /// Real values.
    Float(Vec<f64>),
}

impl InternalValues {
    /// The integers of the array `name`, which must hold `len` of them
    /// (for [`NeuronState::set_internal_state`]).
    ///
    /// # Errors
    ///
    /// Why not, for real values or another number of values than `len`.
    pub fn into_ints(self, name: &str, len: usize) -> Result<Vec<i64>, String> {
        match self {
            InternalValues::Int(v) if v.len() == len => Ok(v),
            InternalValues::Int(v) => Err(format!(
                "`{name}` holds {} values instead of {len}",
                v.len()
            )),
            InternalValues::Float(_) => Err(format!("`{name}` holds real values, not integers")),
        }
    }

    /// As [`into_ints`](Self::into_ints), for counts: none may be
    /// negative.
    ///
    /// # Errors
    ///
    /// As [`into_ints`](Self::into_ints), and for a negative value.
    pub fn into_counts(self, name: &str, len: usize) -> Result<Vec<i64>, String> {
        let v = self.into_ints(name, len)?;
        match v.iter().find(|&&x| x < 0) {
            Some(x) => Err(format!("`{name}` holds {x}, not a count")),
            None => Ok(v),
        }
    }
}

/// The error of [`NeuronState::set_internal_state`] and
/// [`SynapseState::set_internal_state`] for a name the state does not have.
pub fn unknown_internal(name: &str) -> String {
    format!("the model keeps no run-time state named `{name}`")
}

/// The state of one population: the arrays of a neuron model. Implemented by
/// code that `neuron!` generates (and by the run-time's input populations).
pub trait NeuronState: CloneNeuronState + Send + Sync + 'static {
    /// The model's metadata.
    fn info(&self) -> &'static ModelInfo;
    /// Number of neurons.
    fn size(&self) -> usize;
    /// Read access to attribute `index` of [`ModelInfo::attributes`].
    fn attr(&self, index: usize) -> AttrRef<'_>;
    /// Write access to attribute `index`.
    fn attr_mut(&mut self, index: usize) -> AttrMut<'_>;
    /// Draws this step's values of the random variables of the equations
    /// (nothing, by default: a model without random variables).
    fn update_rng(&mut self, rng: &RngCtx<'_>) {
        let _ = rng;
    }
    /// One step of the neuron equations (nothing, by default: a model
    /// without equations, such as an input set from outside).
    fn update(&mut self, ctx: &NeuronCtx<'_>) {
        let _ = ctx;
    }
    /// Spiking populations: evaluates the spike condition after `update`,
    /// runs the reset of the neurons that spike and starts their refractory
    /// period. Rate-coded populations emit nothing.
    fn spike_gather(&mut self, ctx: &NeuronCtx<'_>, out: SpikeOut<'_>) {
        let _ = ctx;
        out.spiked.clear();
        out.axonal.clear();
    }
    /// Whether the population meets the model's `stop_condition` at step
    /// `t` (`None` for a model without one).
    fn stop_condition(&self, t: i64, dt: f64) -> Option<bool> {
        let _ = (t, dt);
        None
    }
    /// Lends the values of a per-neuron attribute to `other` (used to let
    /// projections add to conductances while reading the population), until
    /// [`put_array`](Self::put_array) gives them back. A state in double
    /// precision exchanges the storage; one in single precision copies its
    /// values into `other`.
    fn take_array(&mut self, index: usize, other: &mut Vec<f64>) {
        let _ = (index, other);
    }
    /// Gives back the values lent by [`take_array`](Self::take_array).
    fn put_array(&mut self, index: usize, other: &mut Vec<f64>) {
        let _ = (index, other);
    }
    /// A state in single precision: lends the `f32` values of a per-neuron
    /// attribute to `other` by exchanging the storage, until
    /// [`put_array_f32`](Self::put_array_f32) gives them back. Whether it
    /// did (the default: no, nothing changed).
    fn take_array_f32(&mut self, index: usize, other: &mut Vec<f32>) -> bool {
        let _ = (index, other);
        false
    }
    /// Gives back the values lent by [`take_array_f32`](Self::take_array_f32).
    fn put_array_f32(&mut self, index: usize, other: &mut Vec<f32>) {
        let _ = (index, other);
    }
    /// The conductances (attribute indices) that [`NeuronState::update`]
    /// passes, in this order, to [`NeuronCtx::arrivals`] for each part of
    /// the population before updating it. None by default: the
    /// transmission phase delivers the spikes.
    fn arrival_attrs(&self) -> &'static [usize] {
        &[]
    }
    /// Recomputes the global operations (`mean(r)`, ...) the equations read
    /// (nothing, by default: a model that reads none).
    fn update_global_ops(&mut self) {}
    /// Restores every attribute to its initial value.
    fn reset(&mut self);
    /// The run-time state the model keeps apart from its attributes, by
    /// name, for saving the network: the steps left in each neuron's
    /// refractory period, the position of an input in its schedule. Empty
    /// for a model without any (the default).
    fn internal_state(&self) -> Vec<(&'static str, InternalValues)> {
        Vec::new()
    }
    /// Restores one array of [`internal_state`](Self::internal_state).
    ///
    /// # Errors
    ///
    /// Why not (an unknown name, values of another kind or number, or out
    /// of their range); the state is then unchanged.
    fn set_internal_state(&mut self, name: &str, values: InternalValues) -> Result<(), String> {
        let _ = values;
        Err(unknown_internal(name))
    }
    /// As `Any`, for typed access.
    fn as_any(&self) -> &dyn std::any::Any;
    /// As `Any`, for typed access.
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any;
}

/// A neuron model: a type generated by `neuron!`.
pub trait NeuronModel: 'static {
    /// The arrays of a population of this model.
    type State: NeuronState;
    /// The model's metadata.
    const INFO: &'static ModelInfo;
    /// A population of `size` neurons, every attribute at its initial value.
    fn new_state(size: usize) -> Self::State;
    /// A population of `size` neurons in `precision` (models that have no
    /// single-precision state give [`new_state`](Self::new_state)).
    fn new_state_in(size: usize, precision: Precision) -> Box<dyn NeuronState> {
        let _ = precision;
        Box::new(Self::new_state(size))
    }
}

/// What a synapse sees of the network in the transmission and update phases.
#[derive(Debug)]
pub struct SynapseCtx<'a> {
    /// Current step.
    pub t: i64,
    /// Step size in ms.
    pub dt: f64,
    /// The projection's connectivity.
    pub conn: &'a Connectivity,
    /// Pre-synaptic values.
    pub pre: Linked<'a>,
    /// Post-synaptic values.
    pub post: Linked<'a>,
    /// Values of the synapse's global operations (`mean(pre.r)`, ...), in the model's order.
    pub global_ops: [f64; MAX_LINKED],
    /// Whether `w` may change (learning enabled).
    pub plasticity: bool,
    /// Values of the named constants the model reads.
    pub constants: &'a [f64],
    /// Spiking: step of the last spike of each pre-synaptic neuron.
    pub pre_last_spike: &'a [i64],
    /// Spiking: step of the last spike of each post-synaptic neuron.
    pub post_last_spike: &'a [i64],
    /// Spiking: pre-synaptic index of the connectivity.
    pub index: &'a SpikeIndex,
    /// The threads to split the work over (`None`: this thread only).
    pub team: Option<&'a Team>,
}

/// The state of one projection: the per-synapse arrays of a synapse model.
pub trait SynapseState: CloneSynapseState + Send + Sync + 'static {
    /// The model's metadata.
    fn info(&self) -> &'static ModelInfo;
    /// Read access to attribute `index` of [`ModelInfo::attributes`].
    fn attr(&self, index: usize) -> AttrRef<'_>;
    /// Write access to attribute `index`.
    fn attr_mut(&mut self, index: usize) -> AttrMut<'_>;
    /// Resizes the arrays for a connectivity (initial values; `w` from the connectivity).
    fn connect(&mut self, conn: &Connectivity);
    /// Rate-coded transmission: the result of `operation` over the psp of
    /// each dendrite, into `out[k]` for dendrite `k`.
    fn compute_psp(&self, ctx: &SynapseCtx<'_>, out: &mut [f64]);
    /// Draws this step's values of the random variables of the equations
    /// (nothing, by default: a model without random variables).
    fn update_rng(&mut self, rng: &RngCtx<'_>) {
        let _ = rng;
    }
    /// One step of the continuous synaptic equations (nothing, by default:
    /// a model without any).
    fn update(&mut self, ctx: &SynapseCtx<'_>) {
        let _ = ctx;
    }
    /// True if the model has continuous equations (so `update` does
    /// something); false by default.
    fn has_update(&self) -> bool {
        false
    }
    /// Spiking synapses: processes pre-synaptic spikes (`pre_spike`), adding
    /// to the post-synaptic conductances `g` of the projection's target.
    fn pre_spikes(&mut self, ctx: &SynapseCtx<'_>, events: SpikeEvents<'_>, g: &mut [f64]) {
        let _ = (ctx, events, g);
    }
    /// Spiking synapses: processes the spikes of post-synaptic neurons (`post_spike`).
    fn post_spikes(&mut self, ctx: &SynapseCtx<'_>, spiked: &[u32]) {
        let _ = (ctx, spiked);
    }
    /// True if the model reacts to post-synaptic spikes.
    fn has_post_spike(&self) -> bool {
        false
    }
    /// Spiking synapses: processes axonal spikes (`pre_axon_spike`).
    fn pre_axon_spikes(&mut self, ctx: &SynapseCtx<'_>, events: SpikeEvents<'_>, g: &mut [f64]) {
        let _ = (ctx, events, g);
    }
    /// True if the model reacts to axonal spikes.
    fn has_axon_spike(&self) -> bool {
        false
    }
    /// Whether [`pre_spikes_f32`](Self::pre_spikes_f32) and
    /// [`pre_axon_spikes_f32`](Self::pre_axon_spikes_f32) round each event
    /// as it is stored (states in single precision); otherwise the run-time
    /// gives [`pre_spikes`](Self::pre_spikes) a copy of the conductance in
    /// `f64`. False by default.
    fn events_in_f32(&self) -> bool {
        false
    }
    /// [`pre_spikes`](Self::pre_spikes) on a conductance stored in single
    /// precision, each event's change rounded to `f32` as it is stored.
    /// The default runs `pre_spikes` on a copy in `f64` and rounds once.
    fn pre_spikes_f32(&mut self, ctx: &SynapseCtx<'_>, events: SpikeEvents<'_>, g: &mut [f32]) {
        through_f64(g, |wide| self.pre_spikes(ctx, events, wide));
    }
    /// [`pre_axon_spikes`](Self::pre_axon_spikes) on a conductance stored in
    /// single precision, as [`pre_spikes_f32`](Self::pre_spikes_f32).
    fn pre_axon_spikes_f32(
        &mut self,
        ctx: &SynapseCtx<'_>,
        events: SpikeEvents<'_>,
        g: &mut [f32],
    ) {
        through_f64(g, |wide| self.pre_axon_spikes(ctx, events, wide));
    }
    /// Restores every attribute but `w` to its initial value.
    fn reset(&mut self);
    /// The run-time state the model keeps apart from its attributes, by
    /// name, for saving the network: the step of each synapse's last
    /// event, from which event-driven equations integrate. Empty
    /// for a model without any (the default).
    fn internal_state(&self) -> Vec<(&'static str, InternalValues)> {
        Vec::new()
    }
    /// Restores one array of [`internal_state`](Self::internal_state), for
    /// the connectivity the state was last [`connect`](Self::connect)ed to.
    ///
    /// # Errors
    ///
    /// Why not (an unknown name, values of another kind or number, or out
    /// of their range); the state is then unchanged.
    fn set_internal_state(&mut self, name: &str, values: InternalValues) -> Result<(), String> {
        let _ = values;
        Err(unknown_internal(name))
    }
    /// Structural plasticity: moves every per-synapse and per-dendrite
    /// array (attributes and internal state alike) to the connectivity
    /// [`Remap::conn`](crate::structural::Remap::conn). Kept synapses and
    /// dendrites keep their values; a new synapse gets its weight from the
    /// map and the initial value of every other local attribute; a new
    /// dendrite gets the initial values of the semiglobal attributes.
    /// Global attributes are untouched.
    ///
    /// # Errors
    ///
    /// Why not (a state without individual synapses); the state is then
    /// unchanged.
    fn remap(&mut self, map: &crate::structural::Remap<'_>) -> Result<(), String>;
    /// Structural plasticity: whether the model has a `pruning` condition,
    /// a `creating` one, and the weight and delay of created synapses.
    fn structural_rules(&self) -> crate::structural::StructuralRules {
        crate::structural::StructuralRules::default()
    }
    /// Structural plasticity: appends to `out` the synapses (indices,
    /// ascending) that the `pruning` condition removes at this step. Draws
    /// come from [`crate::structural::Draws`] keyed by `rng`.
    fn pruning(&self, ctx: &SynapseCtx<'_>, rng: &RngCtx<'_>, out: &mut Vec<u32>) {
        let _ = (ctx, rng, out);
    }
    /// Structural plasticity: appends to `out` the synapses `(post, pre)`
    /// that the `creating` condition adds at this step, for the
    /// post-synaptic ranks `posts` (ascending) and every pre-synaptic rank
    /// below `pre_size` not yet connected to them, in this order.
    fn creating(
        &self,
        ctx: &SynapseCtx<'_>,
        rng: &RngCtx<'_>,
        posts: &[u32],
        pre_size: usize,
        out: &mut Vec<(u32, u32)>,
    ) {
        let _ = (ctx, rng, posts, pre_size, out);
    }
    /// As `Any`, for typed access.
    fn as_any(&self) -> &dyn std::any::Any;
    /// As `Any`, for typed access.
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any;
}

/// Runs `f` on a copy of `g` in `f64`, then rounds the results back into
/// `g` (the default single-precision events of [`SynapseState`]).
fn through_f64(g: &mut [f32], f: impl FnOnce(&mut [f64])) {
    let mut wide: Vec<f64> = g.iter().map(|&x| f64::from(x)).collect();
    f(&mut wide);
    for (g, &x) in g.iter_mut().zip(&wide) {
        *g = x as f32;
    }
}

/// A synapse model: a type generated by `synapse!`.
pub trait SynapseModel: 'static {
    /// The arrays of a projection of this model.
    type State: SynapseState;
    /// The model's metadata.
    const INFO: &'static ModelInfo;
    /// An unconnected projection.
    fn new_state() -> Self::State;
    /// An unconnected projection in `precision` (models that have no
    /// single-precision state give [`new_state`](Self::new_state)).
    fn new_state_in(precision: Precision) -> Box<dyn SynapseState> {
        let _ = precision;
        Box::new(Self::new_state())
    }
}

#[cfg(test)]
mod tests {
    use super::{Connectivity, Team, fold_dendrites, next_spike, weighted_sums};

    #[test]
    fn next_spike_finds_every_set_byte_in_order() {
        for n in [0, 1, 7, 8, 9, 63, 64, 100] {
            let mask: Vec<u8> = (0..n).map(|i| u8::from(i % 7 == 3 || i == n - 1)).collect();
            let expected: Vec<usize> = (0..n).filter(|&i| mask[i] != 0).collect();
            let mut found = Vec::new();
            let mut from = 0;
            while let Some(i) = next_spike(&mask, from) {
                found.push(i);
                from = i + 1;
            }
            assert_eq!(found, expected, "mask of {n} bytes");
        }
        assert_eq!(next_spike(&[0, 0, 1], 3), None);
        // Sparse masks: one or two set bytes anywhere in a block of 32,
        // in a word of 8 or in the tail, from any start.
        for n in [31, 32, 33, 95, 96, 131] {
            for p in 0..n {
                let mut mask = vec![0u8; n];
                mask[p] = 1;
                let q = p + 37;
                if q < n {
                    mask[q] = 2;
                }
                for from in [0, p.saturating_sub(5), p] {
                    assert_eq!(
                        next_spike(&mask, from),
                        Some(p),
                        "{n} bytes, {p} set, from {from}"
                    );
                }
                let second = (q < n).then_some(q);
                assert_eq!(next_spike(&mask, p + 1), second, "{n} bytes, {p} set");
            }
        }
    }

    #[test]
    fn dendrites_fold_in_four_partials_whatever_the_threads() {
        // Rows of 0 to 9 synapses, some with consecutive pre-synaptic
        // ranks; terms whose sum depends on the order.
        let mut row_ptr = vec![0];
        let mut pre_ranks = Vec::new();
        for k in 0..2000usize {
            let n = (k * 7) % 10;
            let step = if k % 3 == 0 { 1 } else { 2 };
            pre_ranks.extend((0..n as u32).map(|i| 5 + i * step));
            row_ptr.push(pre_ranks.len());
        }
        let term = |k: usize, s: usize, j: usize| {
            1e16_f64.powi((s % 3) as i32) * if (k + j).is_multiple_of(2) { 1.0 } else { -1.0 }
                + 0.1 * s as f64
        };
        let fin = |acc: f64, n: usize| acc * 2.0 + n as f64;
        let partials = |k: usize, row: &[u32], lo: usize| {
            let mut p = [0.0; 4];
            for (i, &j) in row.iter().enumerate() {
                p[i % 4] += term(k, lo + i, j as usize);
            }
            (p[0] + p[1]) + (p[2] + p[3])
        };
        let expected: Vec<f64> = (0..2000)
            .map(|k| {
                let (lo, hi) = (row_ptr[k], row_ptr[k + 1]);
                fin(partials(k, &pre_ranks[lo..hi], lo), hi - lo)
            })
            .collect();
        let sequential: Vec<f64> = (0..2000)
            .map(|k| {
                let (lo, hi) = (row_ptr[k], row_ptr[k + 1]);
                let acc = (lo..hi)
                    .zip(&pre_ranks[lo..hi])
                    .fold(0.0, |acc, (s, &j)| acc + term(k, s, j as usize));
                fin(acc, hi - lo)
            })
            .collect();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        // The order matters for these terms: the test sees it.
        assert_ne!(bits(&sequential), bits(&expected));
        let conn = Connectivity {
            post_ranks: (0..2000).collect(),
            weights: vec![0.0; pre_ranks.len()],
            row_ptr,
            pre_ranks,
            delays: crate::connectivity::Delays::None,
        };
        let mut out = vec![0.0; 2000];
        fold_dendrites(None, &conn, &mut out, 0.0, term, |a, p| a + p, fin);
        assert_eq!(bits(&out), bits(&expected));
        let team = Team::new(3).expect("threads");
        let mut out = vec![0.0; 2000];
        fold_dendrites(Some(&team), &conn, &mut out, 0.0, term, |a, p| a + p, fin);
        assert_eq!(bits(&out), bits(&expected));
    }

    #[test]
    fn weighted_sums_are_the_folds_of_w_times_r() {
        // Sparse rows, all-to-all rows and empty rows, of every length
        // modulo the partials.
        let mut row_ptr = vec![0];
        let mut pre_ranks = Vec::new();
        for k in 0..1500usize {
            let n = (k * 13) % 23;
            if k % 4 == 0 {
                pre_ranks.extend((0..n as u32).map(|i| 3 + i));
            } else {
                pre_ranks.extend((0..n as u32).map(|i| (i * 7 + k as u32) % 40 + 41 * i / 23));
                let row = row_ptr[k]..;
                pre_ranks[row].sort_unstable();
            }
            row_ptr.push(pre_ranks.len());
        }
        let n = pre_ranks.len();
        let w: Vec<f64> = (0..n)
            .map(|s| ((s * 37 % 101) as f64 - 50.0) * 1.1e-3)
            .collect();
        let r: Vec<f64> = (0..80).map(|j| 1.0 / (j as f64 + 0.3)).collect();
        let conn = Connectivity {
            post_ranks: (0..1500).collect(),
            weights: vec![0.0; n],
            row_ptr,
            pre_ranks,
            delays: crate::connectivity::Delays::None,
        };
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let mut folded = vec![0.0; 1500];
        let term = |_: usize, s: usize, j: usize| w[s] * r[j];
        fold_dendrites(None, &conn, &mut folded, 0.0, term, |a, p| a + p, |a, _| a);
        let mut summed = vec![0.0; 1500];
        weighted_sums(None, &conn, &w, &r, &mut summed);
        assert_eq!(bits(&summed), bits(&folded));
        let team = Team::new(2).expect("threads");
        let mut split = vec![0.0; 1500];
        weighted_sums(Some(&team), &conn, &w, &r, &mut split);
        assert_eq!(bits(&split), bits(&folded));
        assert!(folded.iter().any(|&x| x != 0.0));
        // Pre-synaptic values in single precision: the products of their
        // values in double precision.
        let r32: Vec<f32> = r.iter().map(|&x| x as f32).collect();
        let term = |_: usize, s: usize, j: usize| w[s] * f64::from(r32[j]);
        fold_dendrites(None, &conn, &mut folded, 0.0, term, |a, p| a + p, |a, _| a);
        weighted_sums(Some(&team), &conn, &w, &r32, &mut split);
        assert_eq!(bits(&split), bits(&folded));
        // Weights and pre-synaptic values in single precision (the widened
        // chunks of four), on one thread and on two.
        let w32: Vec<f32> = w.iter().map(|&x| x as f32).collect();
        let term = |_: usize, s: usize, j: usize| f64::from(w32[s]) * f64::from(r32[j]);
        fold_dendrites(None, &conn, &mut folded, 0.0, term, |a, p| a + p, |a, _| a);
        weighted_sums(None, &conn, &w32, &r32, &mut summed);
        assert_eq!(bits(&summed), bits(&folded));
        weighted_sums(Some(&team), &conn, &w32, &r32, &mut split);
        assert_eq!(bits(&split), bits(&folded));
    }

    #[test]
    fn widen4_is_the_exact_value_of_each() {
        use crate::math::Real;
        let x = [1.5f32, -0.1, f32::MAX, f32::MIN_POSITIVE / 4.0];
        assert_eq!(f32::widen4(&x), x.map(f64::from));
        let y = [0.1, -2.0, f64::INFINITY, 3.0];
        assert_eq!(f64::widen4(&y), y);
    }
}
