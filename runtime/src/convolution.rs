//! Shared-weight projections (ANNarchy's `extensions.convolution`, SPEC.md
//! 9.1): [`Convolution`], one kernel (or a bank of kernels) applied around
//! every post-synaptic neuron, and [`Pooling`], the maximum, minimum or mean
//! of a block of pre-synaptic neurons.
//!
//! Both are rate-coded projections: they read the rate `r` of a rate-coded
//! pre-synaptic population, or, with
//! [`ConvolutionBuilder::pre_variable`] / [`PoolingBuilder::pre_variable`],
//! another variable of the pre-synaptic population, which may then be
//! spiking (ANNarchy's `psp="pre.mask * w"` over the spiking populations of
//! its ANN-to-SNN converter). The post-synaptic population may be
//! rate-coded (the result is added to `sum(target)`) or spiking (it is
//! added to `g_target`, as a current injection). They are started from the [`NetworkBuilder`] with
//! [`NetworkBuilder::convolution`] and [`NetworkBuilder::pooling`], whose
//! builders end with [`ConvolutionBuilder::connect_filter`],
//! [`ConvolutionBuilder::connect_filters`] or
//! [`PoolingBuilder::connect_pooling`].
//!
//! ```
//! use annarchy_runtime::convolution::{Kernel, Operation, Padding};
//! use annarchy_runtime::inputs::Schedule;
//! use annarchy_runtime::network::Network;
//!
//! # fn main() -> annarchy_runtime::Result<()> {
//! let mut b = Network::builder();
//! let image = b.timed_array("image", (8, 8), vec![vec![0.0; 64]], Schedule::Every(1.0), 0.0)?;
//! let edges = b.timed_array("edges", (8, 8), vec![vec![0.0; 64]], Schedule::Every(1.0), 0.0)?;
//! let small = b.timed_array("small", (4, 4), vec![vec![0.0; 16]], Schedule::Every(1.0), 0.0)?;
//! // A vertical edge detector, with the values of the border repeated outside the image.
//! let kernel = Kernel::from_rows(&[[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])?;
//! b.convolution(image, edges, "exc")
//!     .padding(Padding::Border)
//!     .connect_filter(&kernel)?;
//! // Down-sampling: the (8, 8) image seen through (4, 4) post-synaptic
//! // neurons, centred on every other pre-synaptic neuron.
//! b.convolution(image, small, "exc")
//!     .operation(Operation::Max)
//!     .connect_filter(&kernel)?;
//! // 2x2 max-pooling: the extent is deduced from the geometries.
//! b.pooling(edges, small, "exc").connect_pooling()?;
//! // Geometries that do not fit are refused with ANNarchy's message.
//! let three = b.timed_array("three", 3, vec![vec![0.0; 3]], Schedule::Every(1.0), 0.0)?;
//! let err = b.pooling(image, three, "exc").connect_pooling().unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "Pooling: If you do not provide the extent parameter, the two populations must have the same number of dimensions."
//! );
//! # Ok(())
//! # }
//! ```
//!
//! # What the projections compute
//!
//! **Convolution.** Each post-synaptic neuron has a *center* in the
//! pre-synaptic population. Along a dimension where the pre-synaptic
//! population has `k` times as many neurons as the post-synaptic one, the
//! center of post-synaptic coordinate `i` is `(k - 1) / 2 + k * i` (integer
//! division; a size that is not a multiple is an error). The kernel is
//! centred on it: along a kernel dimension of size `n`, the kernel's center
//! is `n / 2` if `n` is odd and `n / 2 - 1` if it is even, and the kernel
//! element of offset `o` meets the pre-synaptic neuron at `center + o -
//! kernel_center`. It is a cross-correlation, as in ANNarchy and in
//! convolutional networks: the kernel is not flipped. Each pair gives
//! `psp(w, pre.r)` (`pre.r * w` unless [`ConvolutionBuilder::psp`] says
//! otherwise; `pre.r` is the variable given to
//! [`ConvolutionBuilder::pre_variable`], `r` by default), and the operation folds them, from an accumulator of `0.0`
//! for every operation, as ANNarchy does (so `max` never gives less than 0
//! and `min` never more than 0); `mean` divides the sum by the number of
//! elements of the kernel (of the whole bank for
//! [`connect_filters`](ConvolutionBuilder::connect_filters), as ANNarchy).
//!
//! Elements of the kernel that fall outside the pre-synaptic population
//! follow the [`Padding`]: for `sum` and `mean`, [`Padding::Value`] adds
//! the value itself to the accumulator (not multiplied by a weight, and
//! once for the whole part of the kernel that lies outside along that
//! dimension: ANNarchy leaves the rest of that kernel row at once), and
//! [`Padding::Border`] reads the nearest neuron of the border instead. For
//! `max` and `min`, elements outside are skipped whatever the padding.
//!
//! Which dimensions take part (ANNarchy's three cases):
//!
//! * pre, post and kernel have the same number of dimensions:
//!   `(100, 100) * (3, 3) -> (100, 100)`;
//! * the post-synaptic population has one dimension less, and the kernel's
//!   last dimension equals the pre-synaptic population's last:
//!   `(100, 100, 3) * (3, 3, 3) -> (100, 100)`;
//! * the kernel has fewer dimensions, with
//!   [`keep_last_dimension`](ConvolutionBuilder::keep_last_dimension): the
//!   kernel is applied to each feature map of the last dimension,
//!   `(100, 100, 16) * (3, 3) -> (100, 100, 16)`.
//!
//! A bank of filters ([`connect_filters`](ConvolutionBuilder::connect_filters),
//! first kernel index = filter) puts the result of filter `f` in the last
//! dimension of the post-synaptic population: `(100, 100) * (16, 3, 3) ->
//! (100, 100, 16)`. [`subsampling`](ConvolutionBuilder::subsampling) gives
//! the centers explicitly.
//!
//! **Pooling.** Post-synaptic neuron `(i, j, ...)` pools the block of
//! pre-synaptic neurons that starts at `(i * e0, j * e1, ...)` and has the
//! size of the extent `(e0, e1, ...)`; pre-synaptic dimensions that the
//! post-synaptic population lacks start at 0 (their extent usually covers
//! them entirely). The accumulator starts, as in ANNarchy, at `0.0` for
//! `mean`, at `f64::MAX` for `min` and at the smallest *positive* `f64`
//! (`f64::MIN_POSITIVE`, C++'s `numeric_limits<double>::min()`) for `max`:
//! max-pooling of negative rates gives about `2.2e-308`, not the largest of
//! them. `mean` divides by the product of the extent.
//!
//! # Weights, connectivity, delays
//!
//! A convolution holds its kernel once: `net.proj_get(p, "weights")` gives
//! it (flattened, row-major, the shape is [`SharedState::kernel_shape`]),
//! `net.proj_set(p, "weights", values)` changes it for every post-synaptic
//! neuron, and [`SharedState::weights`] / [`SharedState::set_weights`] do
//! the same through `net.proj(p)` / `net.proj_mut(p)`. There is no
//! per-synapse `w`: `net.proj_get(p, "w")` is an error naming `weights`.
//! `net.reset(_, projections = true, ..)` restores the kernel given at
//! build. A pooling has no weights at all.
//!
//! The connectivity describes the receptive fields: every post-synaptic
//! neuron has one dendrite, whose pre-synaptic ranks are the neurons its
//! kernel (or block) reaches, ascending, each once. `net.nb_synapses`,
//! `net.post_ranks`, `net.dendrite(p, post).pre_ranks()` work as for other
//! projections; `net.dendrite(p, post).get("weights")` gives the kernel.
//!
//! A uniform delay longer than `dt` reads `pre.r` (or the variable read
//! instead) as it was that many steps before, from the delayed copy the
//! network keeps for projections with delays; a delay up to `dt` is the usual transmission
//! of the previous step. These projections are not plastic; saving works,
//! loading a convolution back is refused (ANNarchy cannot save them
//! either).

use crate::connectivity::{Connectivity, Delays, delay_steps};
use crate::connectors::ConnectorInfo;
use crate::error::{Error, Result};
use crate::geometry::Geometry;
use crate::model::{
    AttrInfo, AttrMut, AttrRef, Locality, ModelInfo, ModelKind, ModelSource, SynapseCtx,
    SynapseModel, SynapseState, ValueType, VarRef, split_dendrites,
};
use crate::network::{AnyPop, NetworkBuilder, ProjId};

use std::sync::Mutex;

/// The most dimensions of a population or a single kernel.
const MAX_DIMS: usize = 4;

/// Marks an entry that adds the padding value instead of reading a neuron.
const PAD: u32 = u32::MAX;

/// A kernel: an n-dimensional array of weights (1 to 4 dimensions for one
/// filter, one more for a bank of filters), stored flat in row-major order
/// (the last index varies fastest, as numpy's C order).
#[derive(Clone, Debug, PartialEq)]
pub struct Kernel {
    shape: Vec<usize>,
    values: Vec<f64>,
}

fn kernel_error(reason: String) -> Error {
    Error::Invalid {
        object: "kernel".to_string(),
        reason,
    }
}

impl Kernel {
    /// A kernel of this shape holding `values` in row-major order.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for no dimension, more than five, a dimension of
    /// size 0, or a number of values other than the product of the shape.
    pub fn new(shape: &[usize], values: Vec<f64>) -> Result<Kernel> {
        if shape.is_empty() || shape.len() > MAX_DIMS + 1 {
            return Err(kernel_error(format!(
                "a kernel has 1 to {} dimensions, not {} ({shape:?})",
                MAX_DIMS + 1,
                shape.len()
            )));
        }
        if shape.contains(&0) {
            return Err(kernel_error(format!(
                "the dimensions of a kernel can not be 0 ({shape:?})"
            )));
        }
        let n = shape
            .iter()
            .try_fold(1usize, |a, &d| a.checked_mul(d))
            .ok_or_else(|| kernel_error(format!("the kernel {shape:?} is too large")))?;
        if values.len() != n {
            return Err(kernel_error(format!(
                "a kernel of shape {shape:?} holds {n} values, not {}",
                values.len()
            )));
        }
        Ok(Kernel {
            shape: shape.to_vec(),
            values,
        })
    }

    /// A 2-D kernel from its rows (all of the same length).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for no row, an empty row, or rows of different
    /// lengths.
    pub fn from_rows<R: AsRef<[f64]>>(rows: &[R]) -> Result<Kernel> {
        let width = rows.first().map_or(0, |r| r.as_ref().len());
        if let Some(r) = rows.iter().position(|r| r.as_ref().len() != width) {
            return Err(kernel_error(format!(
                "row {r} has {} values, row 0 has {width}",
                rows[r].as_ref().len()
            )));
        }
        let values = rows
            .iter()
            .flat_map(|r| r.as_ref().iter().copied())
            .collect();
        Kernel::new(&[rows.len(), width], values)
    }

    /// A kernel of this shape whose element at index `(i, j, ...)` is
    /// `f(&[i, j, ...])`.
    ///
    /// # Errors
    ///
    /// As [`Kernel::new`], for the shape.
    pub fn from_fn(shape: &[usize], mut f: impl FnMut(&[usize]) -> f64) -> Result<Kernel> {
        let n = if shape.is_empty() || shape.contains(&0) {
            0
        } else {
            shape
                .iter()
                .try_fold(1usize, |a, &d| a.checked_mul(d))
                .unwrap_or(0)
        };
        let mut index = vec![0; shape.len()];
        let mut values = Vec::with_capacity(n);
        for _ in 0..n {
            values.push(f(&index));
            increment(&mut index, shape);
        }
        Kernel::new(shape, values)
    }

    /// A bank of filters: the kernels, all of the same shape, stacked along
    /// a new first dimension (the filter index).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for no kernel, kernels of different shapes, or
    /// kernels of more than four dimensions.
    pub fn stack(kernels: &[Kernel]) -> Result<Kernel> {
        let first = kernels
            .first()
            .ok_or_else(|| kernel_error("a bank of filters needs at least one kernel".into()))?;
        if let Some(k) = kernels.iter().position(|k| k.shape != first.shape) {
            return Err(kernel_error(format!(
                "kernel {k} has the shape {:?}, kernel 0 has {:?}",
                kernels[k].shape, first.shape
            )));
        }
        let mut shape = vec![kernels.len()];
        shape.extend_from_slice(&first.shape);
        let values = kernels
            .iter()
            .flat_map(|k| k.values.iter().copied())
            .collect();
        Kernel::new(&shape, values)
    }

    /// The size of each dimension.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The number of dimensions.
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// The values, row-major.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Always false: a kernel has at least one value.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The value at index `(i, j, ...)`, if the index is inside the kernel.
    pub fn get(&self, index: &[usize]) -> Option<f64> {
        if index.len() != self.shape.len() || index.iter().zip(&self.shape).any(|(i, n)| i >= n) {
            return None;
        }
        Some(self.values[flat(index, &self.shape)])
    }
}

/// Row-major flat index.
fn flat(index: &[usize], shape: &[usize]) -> usize {
    index.iter().zip(shape).fold(0, |acc, (&i, &n)| acc * n + i)
}

/// The next index in row-major order (wraps to all zeros after the last).
fn increment(index: &mut [usize], shape: &[usize]) {
    for d in (0..index.len()).rev() {
        index[d] += 1;
        if index[d] < shape[d] {
            return;
        }
        index[d] = 0;
    }
}

/// The operation that folds the terms of a post-synaptic neuron.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Operation {
    /// The sum (the default of a convolution).
    #[default]
    Sum,
    /// The largest term (the default of a pooling).
    Max,
    /// The smallest term.
    Min,
    /// The sum divided by the number of kernel elements (pooling: by the
    /// size of the block).
    Mean,
}

impl Operation {
    /// ANNarchy's name: `sum`, `max`, `min` or `mean`.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Sum => "sum",
            Operation::Max => "max",
            Operation::Min => "min",
            Operation::Mean => "mean",
        }
    }
}

/// What a convolution reads outside the pre-synaptic population (`sum` and
/// `mean` only; `max` and `min` skip those elements).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Padding {
    /// This value is added to the accumulator (not multiplied by a weight).
    Value(f64),
    /// The nearest neuron on the border is read instead.
    Border,
}

impl Default for Padding {
    fn default() -> Self {
        Padding::Value(0.0)
    }
}

/// What one element of a convolution transmits, from its weight and the
/// pre-synaptic rate: `w * pre_r` by default (ANNarchy's `psp="pre.r * w"`).
pub type ConvolutionPsp = fn(w: f64, pre_r: f64) -> f64;

/// What one pre-synaptic neuron of a pooling transmits, from its rate: the
/// rate itself by default (ANNarchy's `psp="pre.r"`).
pub type PoolingPsp = fn(pre_r: f64) -> f64;

fn default_convolution_psp(w: f64, pre_r: f64) -> f64 {
    pre_r * w
}

fn default_pooling_psp(pre_r: f64) -> f64 {
    pre_r
}

static WEIGHTS: [AttrInfo; 1] = [AttrInfo {
    name: "weights",
    is_parameter: true,
    locality: Locality::Global,
    value_type: ValueType::Float,
    init: 0.0,
}];

const fn shared_info(
    type_name: &'static str,
    name: &'static str,
    description: &'static str,
    attributes: &'static [AttrInfo],
    psp: &'static str,
    operation: &'static str,
) -> ModelInfo {
    ModelInfo {
        pre_attributes: &["r"],
        operation,
        source: ModelSource {
            psp,
            operation,
            ..ModelSource::EMPTY
        },
        ..ModelInfo::hand_written(
            ModelKind::Synapse,
            type_name,
            name,
            description,
            false,
            attributes,
        )
    }
}

/// The metadata of a projection that reads `pre.<variable>` instead of
/// `pre.r`: `base` with that pre-synaptic attribute and its `psp` text
/// naming it. Each combination is made once and kept for the life of the
/// program (the metadata of a model is `'static`).
fn reading(base: &'static ModelInfo, variable: &str) -> &'static ModelInfo {
    if variable == "r" {
        return base;
    }
    type Made = Vec<(usize, String, &'static ModelInfo)>;
    static MADE: Mutex<Made> = Mutex::new(Vec::new());
    let key = std::ptr::from_ref(base) as usize;
    let mut made = MADE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(&(_, _, info)) = made.iter().find(|(b, v, _)| *b == key && v == variable) {
        return info;
    }
    let name: &'static str = Box::leak(variable.to_string().into_boxed_str());
    let attributes: &'static [&'static str] = Box::leak(Box::new([name]));
    let psp: &'static str = Box::leak(
        base.source
            .psp
            .replace("pre.r", &format!("pre.{variable}"))
            .into_boxed_str(),
    );
    let info: &'static ModelInfo = Box::leak(Box::new(ModelInfo {
        pre_attributes: attributes,
        source: ModelSource { psp, ..base.source },
        ..*base
    }));
    made.push((key, variable.to_string(), info));
    info
}

const CONV_DESCRIPTION: &str = "Convoluted kernel over the pre-synaptic population.";

static CONV_SUM: ModelInfo = shared_info(
    "Convolution",
    "Convolution with 'sum' operation",
    CONV_DESCRIPTION,
    &WEIGHTS,
    "pre.r * w",
    "sum",
);
static CONV_MAX: ModelInfo = shared_info(
    "Convolution",
    "Convolution with 'max' operation",
    CONV_DESCRIPTION,
    &WEIGHTS,
    "pre.r * w",
    "max",
);
static CONV_MIN: ModelInfo = shared_info(
    "Convolution",
    "Convolution with 'min' operation",
    CONV_DESCRIPTION,
    &WEIGHTS,
    "pre.r * w",
    "min",
);
static CONV_MEAN: ModelInfo = shared_info(
    "Convolution",
    "Convolution with 'mean' operation",
    CONV_DESCRIPTION,
    &WEIGHTS,
    "pre.r * w",
    "mean",
);
static POOL_MAX: ModelInfo = shared_info(
    "Pooling",
    "Pooling operation",
    "max-pooling operation over the pre-synaptic population.",
    &[],
    "pre.r",
    "max",
);
static POOL_MIN: ModelInfo = shared_info(
    "Pooling",
    "Pooling operation",
    "min-pooling operation over the pre-synaptic population.",
    &[],
    "pre.r",
    "min",
);
static POOL_MEAN: ModelInfo = shared_info(
    "Pooling",
    "Pooling operation",
    "mean-pooling operation over the pre-synaptic population.",
    &[],
    "pre.r",
    "mean",
);

/// ANNarchy's `Convolution` projection (see the [module](self) docs):
/// the synapse model of the projections made by
/// [`NetworkBuilder::convolution`]. `net.proj(p)` gives its
/// [`SharedState`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Convolution;

/// ANNarchy's `Pooling` projection (see the [module](self) docs): the
/// synapse model of the projections made by [`NetworkBuilder::pooling`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Pooling;

impl SynapseModel for Convolution {
    type State = SharedState;
    const INFO: &'static ModelInfo = &CONV_SUM;
    fn new_state() -> SharedState {
        SharedState::empty(&CONV_SUM)
    }
}

impl SynapseModel for Pooling {
    type State = SharedState;
    const INFO: &'static ModelInfo = &POOL_MAX;
    fn new_state() -> SharedState {
        SharedState::empty(&POOL_MAX)
    }
}

/// How a term is made from a weight and a rate.
#[derive(Clone, Copy, Debug)]
enum Psp {
    Weighted(ConvolutionPsp),
    Rate(PoolingPsp),
}

/// The state of a [`Convolution`] or a [`Pooling`]: the kernel, and for each
/// post-synaptic neuron the list of its terms, computed once when the
/// projection is made.
#[derive(Clone, Debug)]
pub struct SharedState {
    info: &'static ModelInfo,
    shape: Vec<usize>,
    kernel: Vec<f64>,
    psp: Psp,
    operation: Operation,
    /// The accumulator's initial value.
    init: f64,
    /// What `mean` divides by (1 for the other operations).
    divisor: f64,
    /// What a [`PAD`] entry adds.
    padding: f64,
    /// The terms of post-synaptic rank `k` are `entries[row_ptr[k]..row_ptr[k + 1]]`.
    row_ptr: Vec<usize>,
    /// `(kernel index, pre-synaptic rank or PAD)`, in ANNarchy's loop order.
    entries: Vec<(u32, u32)>,
}

impl SharedState {
    fn empty(info: &'static ModelInfo) -> SharedState {
        SharedState {
            info,
            shape: Vec::new(),
            kernel: Vec::new(),
            psp: Psp::Rate(default_pooling_psp),
            operation: Operation::Sum,
            init: 0.0,
            divisor: 1.0,
            padding: 0.0,
            row_ptr: vec![0],
            entries: Vec::new(),
        }
    }

    /// The kernel, row-major (empty for a pooling).
    pub fn weights(&self) -> &[f64] {
        &self.kernel
    }

    /// The shape of the kernel (empty for a pooling).
    pub fn kernel_shape(&self) -> &[usize] {
        &self.shape
    }

    /// The kernel as a [`Kernel`] (`None` for a pooling).
    pub fn kernel(&self) -> Option<Kernel> {
        Kernel::new(&self.shape, self.kernel.clone()).ok()
    }

    /// Replaces the kernel; every post-synaptic neuron uses the new one
    /// from the next step.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the shape differs from the kernel's (a
    /// pooling has none).
    pub fn set_weights(&mut self, kernel: &Kernel) -> Result<()> {
        if kernel.shape() != self.shape.as_slice() {
            return Err(Error::Invalid {
                object: self.info.type_name.to_string(),
                reason: format!(
                    "the new kernel has the shape {:?}, the projection's has {:?}",
                    kernel.shape(),
                    self.shape
                ),
            });
        }
        self.kernel.copy_from_slice(kernel.values());
        Ok(())
    }

    /// The operation.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// The pre-synaptic ranks that post-synaptic rank `post` reads, in the
    /// order of its terms, with the kernel index of each (`None` for a
    /// padding term); empty for a rank out of range.
    pub fn terms(&self, post: usize) -> Vec<(usize, Option<usize>)> {
        match (self.row_ptr.get(post), self.row_ptr.get(post + 1)) {
            (Some(&a), Some(&b)) => self.entries[a..b]
                .iter()
                .map(|&(w, j)| (w as usize, (j != PAD).then_some(j as usize)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The receptive fields as a connectivity: one dendrite per
    /// post-synaptic neuron, its distinct pre-synaptic ranks ascending.
    fn receptive_fields(&self, delays: Delays) -> Connectivity {
        let n = self.row_ptr.len() - 1;
        let mut conn = Connectivity::empty();
        conn.delays = delays;
        let mut field = Vec::new();
        for k in 0..n {
            field.clear();
            field.extend(
                self.entries[self.row_ptr[k]..self.row_ptr[k + 1]]
                    .iter()
                    .filter(|e| e.1 != PAD)
                    .map(|e| e.1),
            );
            field.sort_unstable();
            field.dedup();
            if field.is_empty() {
                continue;
            }
            conn.post_ranks.push(k as u32);
            conn.pre_ranks.extend_from_slice(&field);
            conn.row_ptr.push(conn.pre_ranks.len());
        }
        conn.weights = vec![0.0; conn.pre_ranks.len()];
        conn
    }

    /// The result of post-synaptic rank `k`.
    #[inline]
    fn fold(&self, k: usize, r: &VarRef<'_>) -> f64 {
        let entries = &self.entries[self.row_ptr[k]..self.row_ptr[k + 1]];
        let mut acc = self.init;
        let term = |w: u32, j: u32| match self.psp {
            Psp::Weighted(f) => f(self.kernel[w as usize], r.get(j as usize)),
            Psp::Rate(f) => f(r.get(j as usize)),
        };
        match self.operation {
            Operation::Sum | Operation::Mean => {
                for &(w, j) in entries {
                    acc += if j == PAD { self.padding } else { term(w, j) };
                }
            }
            Operation::Max => {
                for &(w, j) in entries {
                    let v = term(w, j);
                    if v > acc {
                        acc = v;
                    }
                }
            }
            Operation::Min => {
                for &(w, j) in entries {
                    let v = term(w, j);
                    if v < acc {
                        acc = v;
                    }
                }
            }
        }
        if self.operation == Operation::Mean {
            acc / self.divisor
        } else {
            acc
        }
    }
}

impl SynapseState for SharedState {
    fn info(&self) -> &'static ModelInfo {
        self.info
    }
    fn attr(&self, index: usize) -> AttrRef<'_> {
        match index {
            0 => AttrRef::Array(&self.kernel),
            _ => AttrRef::Array(&[]),
        }
    }
    fn attr_mut(&mut self, index: usize) -> AttrMut<'_> {
        match index {
            0 => AttrMut::Array(&mut self.kernel),
            _ => AttrMut::Array(&mut []),
        }
    }
    /// The terms were computed when the projection was made, for the
    /// receptive fields of its connectivity: nothing changes.
    fn connect(&mut self, _: &Connectivity) {}
    fn compute_psp(&self, ctx: &SynapseCtx<'_>, out: &mut [f64]) {
        let r = ctx.pre[0];
        let posts = &ctx.conn.post_ranks;
        let fill = |off: usize, [part]: [&mut [f64]; 1]| {
            for (i, o) in part.iter_mut().enumerate() {
                *o = self.fold(posts[off + i] as usize, &r);
            }
        };
        split_dendrites(ctx.team, out, &fill);
    }
    fn reset(&mut self) {}
    fn remap(&mut self, _: &crate::structural::Remap<'_>) -> Result<(), String> {
        Err("a shared-weight projection has no individual synapses to create or prune".into())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The center of a kernel dimension of size `n`: `n / 2` if `n` is odd,
/// `n / 2 - 1` if it is even.
fn kernel_center(n: usize) -> usize {
    if n % 2 == 1 { n / 2 } else { n / 2 - 1 }
}

fn conv_error(reason: impl Into<String>) -> Error {
    Error::Connector {
        connector: "Convolution",
        reason: reason.into(),
    }
}

fn pool_error(reason: impl Into<String>) -> Error {
    Error::Connector {
        connector: "Pooling",
        reason: reason.into(),
    }
}

/// What the two kinds of projection share when they are made.
struct Sides {
    pre: usize,
    post: usize,
    pre_geometry: Geometry,
    post_geometry: Geometry,
}

/// The populations of a shared-weight projection: the pre-synaptic one
/// must have the variable read, and be rate-coded when it is `r`.
fn sides(
    b: &NetworkBuilder,
    pre: AnyPop,
    post: AnyPop,
    variable: &str,
    error: fn(String) -> Error,
) -> Result<Sides> {
    let pops = &b.objects.pops;
    let (pre, post) = (pre.0, post.0);
    if pre >= pops.len() || post >= pops.len() {
        return Err(error("the populations are not part of this network".into()));
    }
    if pops[pre].spiking() && variable == "r" {
        return Err(error(format!(
            "the pre-synaptic population `{}` must be rate-coded",
            pops[pre].name
        )));
    }
    if pops[pre].state.info().attribute_index(variable).is_none() {
        return Err(error(format!(
            "the pre-synaptic population `{}` has no attribute called `{variable}`",
            pops[pre].name
        )));
    }
    Ok(Sides {
        pre,
        post,
        pre_geometry: pops[pre].geometry,
        post_geometry: pops[post].geometry,
    })
}

/// The delay in steps, uniform (a delay of one step is the usual
/// transmission of the previous step's rates).
fn delays_of(b: &NetworkBuilder, delay_ms: f64) -> Result<Delays> {
    let steps = delay_steps(delay_ms, b.get_dt())?;
    Ok(if steps == 0 {
        Delays::None
    } else {
        Delays::Uniform(steps)
    })
}

/// Stores a made projection.
fn push<S: SynapseModel>(
    b: &mut NetworkBuilder,
    name: &str,
    sides: &Sides,
    target: &str,
    state: SharedState,
    delays: Delays,
    connector: &str,
) -> Result<ProjId<S>> {
    let name = if name.is_empty() {
        format!("proj{}", b.objects.projs.len())
    } else {
        name.to_string()
    };
    b.check_name(&name)?;
    let mut conn = state.receptive_fields(delays);
    conn.validate(sides.pre_geometry.size(), sides.post_geometry.size())?;
    conn.weights = Vec::new();
    let description = format!("{connector}, {} operation", state.operation.name());
    Ok(b.push_projection(
        name,
        (sides.pre, sides.post),
        target.to_string(),
        Box::new(state),
        conn,
        ConnectorInfo {
            name: connector.to_string(),
            description,
        },
    ))
}

impl NetworkBuilder {
    /// Starts a [`Convolution`] from `pre` to `post` on `target`
    /// (ANNarchy's `Convolution(pre, post, target)`); finish it with
    /// [`ConvolutionBuilder::connect_filter`] or
    /// [`ConvolutionBuilder::connect_filters`].
    pub fn convolution(
        &mut self,
        pre: impl Into<AnyPop>,
        post: impl Into<AnyPop>,
        target: &str,
    ) -> ConvolutionBuilder<'_> {
        ConvolutionBuilder {
            builder: self,
            pre: pre.into(),
            post: post.into(),
            target: target.to_string(),
            name: String::new(),
            operation: Operation::Sum,
            psp: default_convolution_psp,
            pre_variable: "r".to_string(),
            padding: Padding::default(),
            keep_last_dimension: false,
            subsampling: None,
            delays: 0.0,
        }
    }

    /// Starts a [`Pooling`] from `pre` to `post` on `target` (ANNarchy's
    /// `Pooling(pre, post, target, operation="max")`); finish it with
    /// [`PoolingBuilder::connect_pooling`].
    pub fn pooling(
        &mut self,
        pre: impl Into<AnyPop>,
        post: impl Into<AnyPop>,
        target: &str,
    ) -> PoolingBuilder<'_> {
        PoolingBuilder {
            builder: self,
            pre: pre.into(),
            post: post.into(),
            target: target.to_string(),
            name: String::new(),
            operation: Operation::Max,
            psp: default_pooling_psp,
            pre_variable: "r".to_string(),
            extent: None,
            delays: 0.0,
        }
    }
}

/// Makes a [`Convolution`] ([`NetworkBuilder::convolution`]).
pub struct ConvolutionBuilder<'b> {
    builder: &'b mut NetworkBuilder,
    pre: AnyPop,
    post: AnyPop,
    target: String,
    name: String,
    operation: Operation,
    psp: ConvolutionPsp,
    pre_variable: String,
    padding: Padding,
    keep_last_dimension: bool,
    subsampling: Option<Vec<Vec<usize>>>,
    delays: f64,
}

impl ConvolutionBuilder<'_> {
    /// Names the projection (default `proj<N>`).
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    /// The operation over the terms (default [`Operation::Sum`]).
    pub fn operation(mut self, operation: Operation) -> Self {
        self.operation = operation;
        self
    }

    /// What each kernel element transmits, from its weight and the
    /// pre-synaptic rate (default `pre.r * w`). ANNarchy's
    /// `psp="w * pre.r * pre.r"` is `.psp(|w, r| w * r * r)`.
    pub fn psp(mut self, psp: ConvolutionPsp) -> Self {
        self.psp = psp;
        self
    }

    /// The pre-synaptic variable read in place of the rate `r` (default
    /// `"r"`): `.pre_variable("mask")` is ANNarchy's `psp="pre.mask * w"`.
    /// With another variable than `r`, the pre-synaptic population may be
    /// spiking; the result still goes to `sum(target)` or `g_target` of the
    /// post-synaptic population at every step.
    pub fn pre_variable(mut self, variable: &str) -> Self {
        self.pre_variable = variable.to_string();
        self
    }

    /// What is read outside the pre-synaptic population (default
    /// `Padding::Value(0.0)`).
    pub fn padding(mut self, padding: Padding) -> Self {
        self.padding = padding;
        self
    }

    /// Applies a kernel with fewer dimensions than the populations to each
    /// feature map of their last dimension (default false).
    pub fn keep_last_dimension(mut self, keep: bool) -> Self {
        self.keep_last_dimension = keep;
        self
    }

    /// The center of each post-synaptic neuron's kernel, as coordinates in
    /// the pre-synaptic population: one per post-synaptic neuron for
    /// [`connect_filter`](Self::connect_filter), one per position of the
    /// post-synaptic population without its last (filter) dimension for
    /// [`connect_filters`](Self::connect_filters).
    pub fn subsampling(mut self, centers: Vec<Vec<usize>>) -> Self {
        self.subsampling = Some(centers);
        self
    }

    /// The uniform delay in ms (default 0: the rates of the previous step).
    pub fn delays(mut self, delay_ms: f64) -> Self {
        self.delays = delay_ms;
        self
    }

    /// Applies one kernel around every post-synaptic neuron (ANNarchy's
    /// `connect_filter`).
    ///
    /// # Errors
    ///
    /// [`Error::Connector`] with ANNarchy's messages when the dimensions of
    /// the populations and of the kernel do not fit together (see the
    /// [module](self) docs), when a pre-synaptic size is not a multiple of
    /// the post-synaptic one, for a sub-sampling list of the wrong shape or
    /// with a center outside the pre-synaptic population, for a spiking
    /// pre-synaptic population read through `r`, and for a pre-synaptic
    /// variable the population lacks; [`Error::Invalid`] for a negative delay or a
    /// name already used.
    pub fn connect_filter(self, kernel: &Kernel) -> Result<ProjId<Convolution>> {
        self.make(kernel, false)
    }

    /// Applies a bank of kernels (first index = filter) around every
    /// position; the result of filter `f` goes to the post-synaptic neurons
    /// whose last coordinate is `f` (ANNarchy's `connect_filters`).
    ///
    /// # Errors
    ///
    /// As [`connect_filter`](Self::connect_filter), and when the last
    /// dimension of the post-synaptic population is not the number of
    /// filters.
    pub fn connect_filters(self, bank: &Kernel) -> Result<ProjId<Convolution>> {
        self.make(bank, true)
    }

    fn make(self, kernel: &Kernel, bank: bool) -> Result<ProjId<Convolution>> {
        let sides = sides(
            self.builder,
            self.pre,
            self.post,
            &self.pre_variable,
            conv_error,
        )?;
        let p = sides.pre_geometry.dims().to_vec();
        let q = sides.post_geometry.dims().to_vec();
        let k = kernel.shape();
        let (dp, dq, dk) = (p.len(), q.len(), k.len());
        if dq > MAX_DIMS {
            return Err(conv_error(
                "Too many dimensions for the post-synaptic population (maximum 4).",
            ));
        }
        if dp > MAX_DIMS {
            return Err(conv_error(
                "Too many dimensions for the pre-synaptic population (maximum 4).",
            ));
        }
        if dk > MAX_DIMS + 1 || (!bank && dk > MAX_DIMS) {
            return Err(conv_error(
                "Too many dimensions for the kernel (maximum 4).",
            ));
        }
        if dk < dp {
            if !self.keep_last_dimension {
                return Err(conv_error(
                    "If the kernel has less dimensions than the pre-synaptic population, you need to set the flag keep_last_dimension to True.",
                ));
            }
            if p[dp - 1] != q[dq - 1] {
                return Err(conv_error(
                    "If the kernel has fewer dimensions than the two populations (keep_last_dimension=True), these must have the same number of neurons in the last dimension.",
                ));
            }
        }
        if dq < dp && k[dk - 1] != p[dp - 1] {
            return Err(conv_error(
                "If the post-synaptic population has less dimensions than the pre-synaptic one, the last dimension of the filter must be equal to the last of the pre-synaptic population.",
            ));
        }
        if !bank && dk > dp {
            return Err(conv_error(
                "If the kernel has more dimensions than the pre-synaptic population, you need to use the connect_filters() method.",
            ));
        }
        if bank {
            if k[0] != q[dq - 1] {
                return Err(conv_error(
                    "For multiple filters, the last dimension of the post-synaptic population must have as many neurons as there are filters.",
                ));
            }
            if dk - 1 != dp {
                return Err(conv_error(format!(
                    "Each filter of a bank must have as many dimensions as the pre-synaptic population ({dp}), not {}.",
                    dk - 1
                )));
            }
            if self.keep_last_dimension {
                return Err(conv_error(
                    "keep_last_dimension can not be used with a bank of filters.",
                ));
            }
        }
        // The dimensions of one filter, and the post-synaptic dimensions
        // that are positions (the last one is the filter index for a bank).
        let filter: Vec<usize> = if bank { k[1..].to_vec() } else { k.to_vec() };
        let nb_filters = if bank { k[0] } else { 1 };
        let dpos = if bank { dq - 1 } else { dq };
        if dpos > dp {
            return Err(conv_error(format!(
                "The post-synaptic population ({dq} dimensions) can not have more dimensions than the pre-synaptic one ({dp}){}.",
                if bank { " plus the filters" } else { "" }
            )));
        }
        let positions = sides.post_geometry.size() / nb_filters;
        let centers: Vec<Vec<usize>> = match self.subsampling {
            Some(list) => {
                if list.len() != positions || list.iter().any(|c| c.len() != dp) {
                    return Err(conv_error(format!(
                        "The sub-sampling list must have {positions} elements of size {dp}"
                    )));
                }
                if let Some(i) = list
                    .iter()
                    .position(|c| c.iter().zip(&p).any(|(x, n)| x >= n))
                {
                    return Err(conv_error(format!(
                        "The sub-sampling center {:?} of element {i} lies outside the pre-synaptic population {p:?}.",
                        list[i]
                    )));
                }
                list
            }
            None => {
                let mut ranges: Vec<Vec<usize>> = Vec::with_capacity(dp);
                for d in 0..dp {
                    if d < dpos {
                        let sample = p[d] / q[d];
                        if q[d] * sample != p[d] {
                            return Err(conv_error(
                                "The pre-synaptic dimensions must be a multiple of the post-synaptic ones for down-sampling to work.",
                            ));
                        }
                        ranges.push((0..q[d]).map(|i| (sample - 1) / 2 + sample * i).collect());
                    } else if d < filter.len() {
                        ranges.push(vec![kernel_center(filter[d])]);
                    } else {
                        return Err(conv_error(format!(
                            "The kernel must cover dimension {d} of the pre-synaptic population, which the post-synaptic one lacks."
                        )));
                    }
                }
                let shape: Vec<usize> = ranges.iter().map(Vec::len).collect();
                let n: usize = shape.iter().product();
                let mut index = vec![0; dp];
                let mut centers = Vec::with_capacity(n);
                for _ in 0..n {
                    centers.push(index.iter().zip(&ranges).map(|(&i, r)| r[i]).collect());
                    increment(&mut index, &shape);
                }
                centers
            }
        };
        debug_assert_eq!(centers.len() * nb_filters, sides.post_geometry.size());
        let filter_size: usize = filter.iter().product();
        let fold_padding = matches!(self.operation, Operation::Sum | Operation::Mean);
        let mut row_ptr = vec![0];
        let mut entries = Vec::new();
        let mut offsets = vec![0usize; filter.len()];
        let mut pre_index = vec![0usize; dp];
        for center in &centers {
            for f in 0..nb_filters {
                offsets.fill(0);
                // Kernel elements in row-major order; an element whose index
                // is outside along dimension `d` ends the whole sub-block of
                // dimension `d` (ANNarchy's `continue` in the loop of `d`).
                'elements: loop {
                    let mut skip_from = None;
                    for d in 0..dp {
                        if d >= filter.len() {
                            pre_index[d] = center[d];
                            continue;
                        }
                        let i =
                            center[d] as i64 + offsets[d] as i64 - kernel_center(filter[d]) as i64;
                        if (0..p[d] as i64).contains(&i) {
                            pre_index[d] = i as usize;
                        } else if fold_padding && self.padding == Padding::Border {
                            pre_index[d] = i.clamp(0, p[d] as i64 - 1) as usize;
                        } else {
                            if fold_padding {
                                entries.push((0, PAD));
                            }
                            skip_from = Some(d);
                            break;
                        }
                    }
                    match skip_from {
                        None => {
                            let w = f * filter_size + flat(&offsets, &filter);
                            let j = flat(&pre_index, &p);
                            entries.push((w as u32, j as u32));
                            if !advance(&mut offsets, &filter, filter.len() - 1) {
                                break 'elements;
                            }
                        }
                        Some(d) => {
                            // Skip every later index of the dimensions after `d`.
                            for o in &mut offsets[d + 1..] {
                                *o = 0;
                            }
                            if !advance(&mut offsets, &filter, d) {
                                break 'elements;
                            }
                        }
                    }
                }
                row_ptr.push(entries.len());
            }
        }
        let padding = match self.padding {
            Padding::Value(v) => v,
            Padding::Border => 0.0,
        };
        let info = match self.operation {
            Operation::Sum => &CONV_SUM,
            Operation::Max => &CONV_MAX,
            Operation::Min => &CONV_MIN,
            Operation::Mean => &CONV_MEAN,
        };
        let state = SharedState {
            info: reading(info, &self.pre_variable),
            shape: k.to_vec(),
            kernel: kernel.values().to_vec(),
            psp: Psp::Weighted(self.psp),
            operation: self.operation,
            init: 0.0,
            divisor: kernel.len() as f64,
            padding,
            row_ptr,
            entries,
        };
        let delays = delays_of(self.builder, self.delays)?;
        push(
            self.builder,
            &self.name,
            &sides,
            &self.target,
            state,
            delays,
            "Convolution",
        )
    }
}

/// Increments `index` at dimension `d` (carrying into the earlier ones);
/// false after the last index.
fn advance(index: &mut [usize], shape: &[usize], d: usize) -> bool {
    let mut d = d;
    loop {
        index[d] += 1;
        if index[d] < shape[d] {
            return true;
        }
        index[d] = 0;
        if d == 0 {
            return false;
        }
        d -= 1;
    }
}

/// Makes a [`Pooling`] ([`NetworkBuilder::pooling`]).
pub struct PoolingBuilder<'b> {
    builder: &'b mut NetworkBuilder,
    pre: AnyPop,
    post: AnyPop,
    target: String,
    name: String,
    operation: Operation,
    psp: PoolingPsp,
    pre_variable: String,
    extent: Option<Vec<usize>>,
    delays: f64,
}

impl PoolingBuilder<'_> {
    /// Names the projection (default `proj<N>`).
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    /// The pooling operation: [`Operation::Max`] (the default),
    /// [`Operation::Min`] or [`Operation::Mean`]; [`Operation::Sum`] is
    /// refused by [`connect_pooling`](Self::connect_pooling).
    pub fn operation(mut self, operation: Operation) -> Self {
        self.operation = operation;
        self
    }

    /// What each pre-synaptic neuron transmits, from its rate (default the
    /// rate itself, ANNarchy's `psp="pre.r"`).
    pub fn psp(mut self, psp: PoolingPsp) -> Self {
        self.psp = psp;
        self
    }

    /// The pre-synaptic variable pooled in place of the rate `r` (default
    /// `"r"`): `.pre_variable("mask")` is ANNarchy's `psp="pre.mask"`. With
    /// another variable than `r`, the pre-synaptic population may be
    /// spiking.
    pub fn pre_variable(mut self, variable: &str) -> Self {
        self.pre_variable = variable.to_string();
        self
    }

    /// The size of the pooled block along each pre-synaptic dimension (at
    /// least as many entries as the pre-synaptic population has
    /// dimensions). Default: the pre-synaptic geometry divided by the
    /// post-synaptic one, dimension by dimension.
    pub fn extent(mut self, extent: &[usize]) -> Self {
        self.extent = Some(extent.to_vec());
        self
    }

    /// The uniform delay in ms (default 0: the rates of the previous step).
    pub fn delays(mut self, delay_ms: f64) -> Self {
        self.delays = delay_ms;
        self
    }

    /// Makes the projection (ANNarchy's `connect_pooling`).
    ///
    /// # Errors
    ///
    /// [`Error::Connector`] with ANNarchy's messages for the `sum`
    /// operation, for a default extent between populations of different
    /// numbers of dimensions or sizes that do not divide, for an extent
    /// with fewer entries than the pre-synaptic dimensions; also for an
    /// extent of 0, for more post-synaptic than pre-synaptic dimensions,
    /// for a block entirely outside the pre-synaptic population, for a
    /// spiking pre-synaptic population read through `r`, and for a
    /// pre-synaptic variable the population lacks; [`Error::Invalid`] for a negative
    /// delay or a name already used.
    pub fn connect_pooling(self) -> Result<ProjId<Pooling>> {
        if self.operation == Operation::Sum {
            return Err(pool_error(
                "the operation must be either 'max', 'mean' or 'min'.",
            ));
        }
        let sides = sides(
            self.builder,
            self.pre,
            self.post,
            &self.pre_variable,
            pool_error,
        )?;
        let p = sides.pre_geometry.dims().to_vec();
        let q = sides.post_geometry.dims().to_vec();
        let (dp, dq) = (p.len(), q.len());
        if dq > MAX_DIMS {
            return Err(pool_error(
                "Too many dimensions for the post-synaptic population (maximum 4).",
            ));
        }
        if dp > MAX_DIMS {
            return Err(pool_error(
                "Too many dimensions for the pre-synaptic population (maximum 4).",
            ));
        }
        let extent = match self.extent {
            None => {
                if dp != dq {
                    return Err(pool_error(
                        "If you do not provide the extent parameter, the two populations must have the same number of dimensions.",
                    ));
                }
                if p.iter().zip(&q).any(|(a, b)| a % b != 0) {
                    return Err(pool_error(
                        "Unable to compute the extent of the pooling area: the number of neurons do not match.",
                    ));
                }
                p.iter().zip(&q).map(|(a, b)| a / b).collect()
            }
            Some(e) => {
                if e.len() < dp {
                    return Err(pool_error(
                        "You must provide a tuple for the extent of the pooling operation.",
                    ));
                }
                e
            }
        };
        let extent = &extent[..dp];
        if extent.contains(&0) {
            return Err(pool_error(format!(
                "The extent {extent:?} of the pooling area can not be 0 along a dimension."
            )));
        }
        if dq > dp {
            return Err(pool_error(format!(
                "The post-synaptic population ({dq} dimensions) can not have more dimensions than the pre-synaptic one ({dp})."
            )));
        }
        let mut row_ptr = vec![0];
        let mut entries = Vec::new();
        let mut post_index = vec![0usize; dq];
        let mut offsets = vec![0usize; dp];
        let mut pre_index = vec![0usize; dp];
        for _ in 0..sides.post_geometry.size() {
            offsets.fill(0);
            loop {
                let mut inside = true;
                for d in 0..dp {
                    let start = if d < dq { post_index[d] * extent[d] } else { 0 };
                    pre_index[d] = start + offsets[d];
                    inside &= pre_index[d] < p[d];
                }
                if inside {
                    entries.push((0, flat(&pre_index, &p) as u32));
                }
                if !advance(&mut offsets, extent, dp - 1) {
                    break;
                }
            }
            if entries.len() == row_ptr[row_ptr.len() - 1] {
                return Err(pool_error(format!(
                    "The pooling area {extent:?} of post-synaptic neuron {post_index:?} lies outside the pre-synaptic population {p:?}."
                )));
            }
            row_ptr.push(entries.len());
            increment(&mut post_index, &q);
        }
        let (info, init) = match self.operation {
            Operation::Min => (&POOL_MIN, f64::MAX),
            Operation::Mean => (&POOL_MEAN, 0.0),
            _ => (&POOL_MAX, f64::MIN_POSITIVE),
        };
        let state = SharedState {
            info: reading(info, &self.pre_variable),
            shape: Vec::new(),
            kernel: Vec::new(),
            psp: Psp::Rate(self.psp),
            operation: self.operation,
            init,
            divisor: extent.iter().product::<usize>() as f64,
            padding: 0.0,
            row_ptr,
            entries,
        };
        let delays = delays_of(self.builder, self.delays)?;
        push(
            self.builder,
            &self.name,
            &sides,
            &self.target,
            state,
            delays,
            "Pooling",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{Kernel, advance, kernel_center};

    #[test]
    fn kernel_centers_follow_annarchy() {
        assert_eq!(
            (1..=6).map(kernel_center).collect::<Vec<_>>(),
            [0, 0, 1, 1, 2, 2]
        );
    }

    #[test]
    fn advance_skips_the_rest_of_a_block() {
        let shape = [2, 3];
        let mut index = vec![0, 0];
        assert!(advance(&mut index, &shape, 0));
        assert_eq!(index, [1, 0]);
        assert!(!advance(&mut index, &shape, 0));
        let mut index = vec![0, 2];
        assert!(advance(&mut index, &shape, 1));
        assert_eq!(index, [1, 0]);
    }

    #[test]
    fn kernels_check_their_shape() {
        assert!(Kernel::new(&[2, 2], vec![1.0; 3]).is_err());
        assert!(Kernel::new(&[], vec![]).is_err());
        assert!(Kernel::new(&[2, 0], vec![]).is_err());
        assert!(Kernel::from_rows(&[vec![1.0, 2.0], vec![3.0]]).is_err());
        let k = Kernel::from_fn(&[2, 3], |i| (10 * i[0] + i[1]) as f64).expect("kernel");
        assert_eq!(k.values(), [0.0, 1.0, 2.0, 10.0, 11.0, 12.0]);
        assert_eq!(k.get(&[1, 2]), Some(12.0));
        assert_eq!(k.get(&[2, 0]), None);
        let bank = Kernel::stack(&[k.clone(), k]).expect("bank");
        assert_eq!(bank.shape(), [2, 2, 3]);
    }
}
