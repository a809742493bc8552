//! ANNarchy's `ANNtoSNNConverter` (SPEC.md section 9.4): a trained
//! feed-forward network of rectified linear units, read from an ONNX file,
//! becomes a spiking network that classifies its inputs by spike counts,
//! times to spike or membrane potentials.
//!
//! The input layer encodes each input value `x` as a firing rate
//! `x * max_f` Hz ([`InputEncoding`]); every dense layer becomes a
//! population of non-leaky integrate-and-fire neurons
//! ([`IaF`], or a spiking model of the user's: [`HiddenNeuron::custom`]),
//! reached by a spiking projection
//! (`g_exc += w` at each pre-synaptic spike, ANNarchy's default spiking
//! synapse) whose weights are the layer's, normalised per layer (Diehl et
//! al. 2015, see [`normalization_factors`]); the last dense layer is the
//! read-out ([`ReadOut`]). Convolutions and poolings become populations of
//! the same neurons reached by a
//! [`Convolution`](crate::runtime::convolution::Convolution) or a
//! [`Pooling`](crate::runtime::convolution::Pooling) that reads the
//! decaying `mask` of the spiking pre-synaptic neurons at every step.
//!
//! ```no_run
//! use annarchy::ann_to_snn::{AnnToSnnConverter, HiddenNeuron, InputEncoding, ReadOut};
//!
//! # fn main() -> annarchy::Result<()> {
//! let mut snn = AnnToSnnConverter::new(
//!     InputEncoding::Cpn,
//!     HiddenNeuron::IaF,
//!     ReadOut::SpikeCount,
//!     100.0,
//! )?
//! .seed(42);
//! snn.load_onnx("mlp.onnx", None)?;
//! let samples = vec![vec![0.0; 64], vec![1.0; 64]];
//! let classes = snn.predict(&samples, 200.0)?;
//! assert_eq!(classes.len(), 2);
//! # Ok(())
//! # }
//! ```
//!
//! # What is converted
//!
//! [`onnx::Model::layers`] lists the layers. The input population has the
//! shape of the graph's input without its first (batch) dimension (the
//! first dense layer's number of inputs when the file gives no shape); the
//! samples given to [`AnnToSnnConverter::predict`] are flat, in the
//! row-major order of that shape. An input of three dimensions is an
//! image, ONNX's `(channels, height, width)`: its population is ANNarchy's
//! (Keras's) `(height, width, channels)`, and the converter puts each
//! sample's values in that order.
//!
//! Each dense layer (`MatMul` or `Gemm`) gives a population named after the
//! layer; its activation, a `Flatten`, `Reshape` or a separate activation
//! layer are skipped (ANNarchy skips the layers it does not convert). As in
//! ANNarchy's converter for Keras's `Conv2D`, `MaxPooling2D` and
//! `AveragePooling2D`:
//!
//! * a `Conv` (no bias, or a bias of zeros; strides and dilations 1, one
//!   group, the `'same'` padding: `pads` of `(k - 1) / 2` before and the
//!   rest after, or `auto_pad` `SAME_UPPER`) gives a population `(height,
//!   width, filters)` reached by a convolution named `conv_proj_n` with
//!   the bank of filters `(filters, kh, kw, channels)` (ONNX's `(filters,
//!   channels, kh, kw)` moved), normalised like a dense layer with one row
//!   per filter;
//! * a `MaxPool` or `AveragePool` of disjoint blocks (strides equal to the
//!   extent, no padding) gives a population `(height / kh, width / kw,
//!   channels)` reached by a pooling named `pool_proj_n` (`max` or `mean`,
//!   extent `(kh, kw, 1)`); it has no weights, its normalisation factor is
//!   1, but it takes its place in the list of scale factors;
//! * a `Flatten` (axis 1) or a `Reshape` to `(batch, -1)` of feature maps
//!   keeps ANNarchy's rank order `(row, column, channel)`: the columns of
//!   the next dense layer, which ONNX orders `(channel, row, column)`, are
//!   permuted to match.
//!
//! Also as in ANNarchy:
//!
//! * the layers are numbered from 1 (0 is the input), and the threshold of
//!   a hidden population is `vt = 1 - 0.05 * index`;
//! * a dense layer that is the last layer of the list is the read-out: its
//!   neuron follows the [`ReadOut`]; when another layer comes after the
//!   last dense one, that dense layer keeps the hidden neuron;
//! * the projection into the `n`-th population is named `dense_proj_n`;
//! * a bias is refused unless all its values are 0.
//!
//! Other padding, strides or reshapes are refused with an error naming the
//! layer.
//!
//! # Randomness
//!
//! The random draws of the network (the Poisson-like input of
//! [`InputEncoding::Cpn`]) depend on the network's seed and the step. Each
//! sample starts at time 0 (as in ANNarchy, which resets the network), so
//! to draw fresh numbers for every sample, as ANNarchy does, the `k`-th
//! sample presented since the network was built runs with the seed
//! `seed + k` ([`Network::set_seed`]). Ties between output neurons are
//! broken at random as in ANNarchy, with numbers drawn from
//! `stream(seed, [TIE_KEY, k])` ([`stream`]): the
//! predictions of a converter are reproducible for a given
//! [`AnnToSnnConverter::seed`].

use std::path::Path;

use crate::models::{CPN, DefaultSpikingSynapse, IB, IaF, IaF_Acc, IaF_TTKS, PSO};
use crate::runtime::convolution::{Kernel, Operation};
use crate::runtime::model::{ModelInfo, NeuronModel};
use crate::runtime::network::{AnyPop, AnyProj, MonitorId, Network, NetworkBuilder, StopOperator};
use crate::runtime::onnx::{self, FeedForward, Layer, PoolOperation};
use crate::runtime::random::{RandomDistribution, stream};
use crate::{Error, Result};

/// The key of the random stream of the tie-breaks (with the sample's
/// number): `stream(seed, [TIE_KEY, k])`.
pub const TIE_KEY: u64 = 0x0041_4E4E_3253_4E4E;

/// How the input values become spikes (ANNarchy's `input_encoding`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputEncoding {
    /// `'CPN'`: Poisson-like spike trains of rate `x * max_f` Hz
    /// ([`CPN`]).
    Cpn,
    /// `'poisson'`: the same as [`InputEncoding::Cpn`].
    Poisson,
    /// `'PSO'`: phase-coded input with an oscillating threshold
    /// ([`PSO`]).
    Pso,
    /// `'IB'`: bursting Izhikevich neurons driven by the current
    /// `x * max_f` ([`IB`]).
    Ib,
}

/// The neuron of the hidden layers (ANNarchy's `hidden_neuron`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HiddenNeuron {
    /// `'IaF'`: [`IaF`].
    IaF,
    /// A spiking neuron model of the user's (ANNarchy's
    /// `hidden_neuron=Neuron(...)`), made by [`HiddenNeuron::custom`].
    Custom(CustomNeuron),
}

impl HiddenNeuron {
    /// The spiking model `N` as the hidden neuron (ANNarchy's
    /// `hidden_neuron=Neuron(...)`), written with `neuron!` as any other.
    /// Its populations receive the layers' weights on the target `exc`
    /// (`g_exc += w` at each pre-synaptic spike); when it has a `vt`
    /// attribute, a hidden layer's is set to `1 - 0.05 * index` as for
    /// [`IaF`] (ANNarchy sets it whether or not the model has one). A
    /// convolution or pooling layer after it reads its `mask`. The
    /// converter checks these when it is made and when it builds the
    /// network.
    ///
    /// ```
    /// use annarchy::ann_to_snn::{AnnToSnnConverter, HiddenNeuron, InputEncoding, ReadOut};
    ///
    /// annarchy::neuron! {
    ///     /// IaF whose reset subtracts the threshold.
    ///     struct SubtractiveIaF {
    ///         parameters: "
    ///             vt = 1.0 : population
    ///             mask_tau = 20.0 : population
    ///         ",
    ///         equations: "
    ///             dv/dt = g_exc : init = 0.0, min = -2.0
    ///             dmask/dt = -mask / mask_tau : init = 0.0
    ///         ",
    ///         spike: "v > vt",
    ///         reset: "
    ///             v -= vt
    ///             mask += 1.0 / mask_tau
    ///         ",
    ///     }
    /// }
    ///
    /// # fn main() -> annarchy::Result<()> {
    /// let hidden = HiddenNeuron::custom::<SubtractiveIaF>();
    /// let snn = AnnToSnnConverter::new(InputEncoding::Cpn, hidden, ReadOut::SpikeCount, 100.0)?;
    /// assert_eq!(snn.hidden_neuron(), hidden);
    /// # Ok(())
    /// # }
    /// ```
    pub fn custom<N: NeuronModel>() -> HiddenNeuron {
        fn add<N: NeuronModel>(
            b: &mut NetworkBuilder,
            name: &str,
            geometry: &[usize],
        ) -> Result<AnyPop> {
            Ok(b.population::<N>(name, geometry)?.into())
        }
        HiddenNeuron::Custom(CustomNeuron {
            info: N::INFO,
            add: add::<N>,
        })
    }

    /// The model's description.
    pub fn info(&self) -> &'static ModelInfo {
        match self {
            HiddenNeuron::IaF => IaF::INFO,
            HiddenNeuron::Custom(c) => c.info,
        }
    }

    /// Adds a population of this neuron.
    fn add(&self, b: &mut NetworkBuilder, name: &str, geometry: &[usize]) -> Result<AnyPop> {
        match self {
            HiddenNeuron::IaF => Ok(b.population::<IaF>(name, geometry)?.into()),
            HiddenNeuron::Custom(c) => (c.add)(b, name, geometry),
        }
    }
}

/// A neuron model of the user's as the hidden neuron of a converter
/// ([`HiddenNeuron::custom`]).
#[derive(Clone, Copy)]
pub struct CustomNeuron {
    info: &'static ModelInfo,
    add: fn(&mut NetworkBuilder, &str, &[usize]) -> Result<AnyPop>,
}

impl std::fmt::Debug for CustomNeuron {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CustomNeuron")
            .field(&self.info.type_name)
            .finish()
    }
}

/// Two custom neurons are the same model when their descriptions are.
impl PartialEq for CustomNeuron {
    fn eq(&self, other: &CustomNeuron) -> bool {
        std::ptr::eq(self.info, other.info)
    }
}

impl Eq for CustomNeuron {}

/// How the class is read from the output layer (ANNarchy's `read_out`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadOut {
    /// `'spike_count'`: the neuron that spiked most during the sample
    /// (output neurons: the hidden neuron).
    SpikeCount,
    /// `'time_to_first_spike'`: the simulation of a sample stops after the
    /// first step in which an output neuron spiked; the neuron that spiked
    /// most wins (output neurons: [`IaF`]).
    TimeToFirstSpike,
    /// `'time_to_k_spikes'`: the simulation of a sample stops once an
    /// output neuron has spiked `k` times; the neuron that spiked most wins
    /// (output neurons: [`IaF_TTKS`]).
    TimeToKSpikes(u32),
    /// `'membrane_potential'`: the neuron with the highest membrane
    /// potential at the end of the sample (output neurons, which never
    /// spike: [`IaF_Acc`]).
    MembranePotential,
}

/// The converted network and what `predict` needs of it.
struct Converted {
    net: Network,
    input: AnyPop,
    output: AnyPop,
    monitor: MonitorId,
    projections: Vec<AnyProj>,
    factors: Vec<f64>,
    description: String,
    /// For an input in (height, width, channels): the index, in the
    /// sample's (channels, height, width) order, of each input neuron.
    input_order: Option<Vec<usize>>,
    /// Samples presented since the network was built.
    presented: u64,
}

/// ANNarchy's `ANNtoSNNConverter`: builds a spiking network from a trained
/// network and classifies samples with it.
pub struct AnnToSnnConverter {
    encoding: InputEncoding,
    hidden: HiddenNeuron,
    read_out: ReadOut,
    max_f: f64,
    dt: f64,
    seed: u64,
    converted: Option<Converted>,
}

impl AnnToSnnConverter {
    /// A converter with an input encoding, a hidden neuron, a read-out and
    /// the rate `max_f` (Hz) of an input of value 1 (ANNarchy's default is
    /// 100). The network is built with `dt = 1` ms and seed 0 unless
    /// [`AnnToSnnConverter::dt`] and [`AnnToSnnConverter::seed`] say
    /// otherwise.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a negative or non-finite `max_f`, or a
    /// hidden neuron that is not spiking or does not receive the target
    /// `exc`.
    pub fn new(
        encoding: InputEncoding,
        hidden: HiddenNeuron,
        read_out: ReadOut,
        max_f: f64,
    ) -> Result<AnnToSnnConverter> {
        if !max_f.is_finite() || max_f < 0.0 {
            return Err(invalid(format!(
                "max_f must be finite and non-negative, not {max_f}"
            )));
        }
        let info = hidden.info();
        if !info.spiking {
            return Err(invalid(format!(
                "the hidden neuron `{}` is not a spiking neuron (it needs a `spike` condition)",
                info.type_name
            )));
        }
        if !info.uses_all_targets && !info.targets.contains(&"exc") {
            return Err(invalid(format!(
                "the hidden neuron `{}` does not receive the target `exc` (its equations read \
                 no `g_exc` or `sum(exc)`)",
                info.type_name
            )));
        }
        Ok(AnnToSnnConverter {
            encoding,
            hidden,
            read_out,
            max_f,
            dt: 1.0,
            seed: 0,
            converted: None,
        })
    }

    /// The step of the network built by the next load, in ms (default 1).
    pub fn dt(mut self, dt: f64) -> AnnToSnnConverter {
        self.dt = dt;
        self
    }

    /// The seed of the network built by the next load (default 0).
    pub fn seed(mut self, seed: u64) -> AnnToSnnConverter {
        self.seed = seed;
        self
    }

    /// The input encoding.
    pub fn encoding(&self) -> InputEncoding {
        self.encoding
    }

    /// The hidden neuron.
    pub fn hidden_neuron(&self) -> HiddenNeuron {
        self.hidden
    }

    /// The read-out.
    pub fn read_out(&self) -> ReadOut {
        self.read_out
    }

    /// The rate of an input of value 1, in Hz.
    pub fn max_f(&self) -> f64 {
        self.max_f
    }

    /// Reads a trained network from an ONNX file and builds its spiking
    /// version (ANNarchy's `load_keras_model`), replacing any network built
    /// before.
    ///
    /// `scale_factor` gives the scale of each projection's normalisation
    /// (see [`normalization_factors`]): `None` for ANNarchy's default `[2,
    /// 3, ...]`, one value for all projections, or one value per
    /// projection.
    ///
    /// # Errors
    ///
    /// The errors of [`onnx::Model::load`] and of
    /// [`AnnToSnnConverter::load_model`].
    pub fn load_onnx(
        &mut self,
        path: impl AsRef<Path>,
        scale_factor: Option<Vec<f64>>,
    ) -> Result<&mut Network> {
        let model = onnx::Model::load(path)?;
        self.load_model(&model, scale_factor)
    }

    /// Builds the spiking version of an ONNX model already read.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a layer that cannot be converted (a non-zero
    /// bias, a convolution that is not a 2-D one with strides 1, dilations
    /// 1, one group and ANNarchy's `'same'` padding, a pooling whose
    /// strides are not its extent or with padding, a reshape that is not a
    /// flatten), a layer whose input does not have the shape the previous
    /// layer gives, a network without projection, a `scale_factor` of the
    /// wrong length or a weighted layer without positive weight; the errors
    /// of [`onnx::Model::layers`] and of the network's construction.
    pub fn load_model(
        &mut self,
        model: &onnx::Model,
        scale_factor: Option<Vec<f64>>,
    ) -> Result<&mut Network> {
        self.converted = None;
        let net = model.layers()?;
        let plan = plan(&net)?;
        let weights: Vec<Vec<Vec<f64>>> = plan
            .steps
            .iter()
            .filter_map(|step| match step {
                Step::Dense { weights, .. } => Some(weights.clone()),
                Step::Conv { bank, shape, .. } => Some(
                    bank.chunks(shape[1..].iter().product())
                        .map(<[f64]>::to_vec)
                        .collect(),
                ),
                Step::Pool { .. } => Some(Vec::new()),
                Step::Skip { .. } => None,
            })
            .collect();
        let factors = normalization_factors(&weights, scale_factor.as_deref())?;

        let mut description = String::new();
        let mut b = Network::builder().dt(self.dt)?.seed(self.seed);
        let input_name = net.input.name.as_str();
        let input = self.add_input(&mut b, input_name, &plan.input_shape)?;
        description += &format!("* Input layer: {input_name}, {:?}\n", plan.input_shape);
        let mut pops = vec![input];
        let mut projections = Vec::new();
        let last = net.layers.len();
        let mut level = 0;
        for (i, step) in plan.steps.iter().enumerate() {
            let idx = i + 1;
            let pre = *pops.last().expect("the input population");
            match step {
                Step::Skip { name } => {
                    description += &format!("* {name} skipped.\n");
                }
                Step::Dense {
                    name,
                    inputs,
                    outputs,
                    weights,
                } => {
                    let readout = idx == last;
                    let pop = match (readout, self.read_out) {
                        (true, ReadOut::MembranePotential) => {
                            b.population::<IaF_Acc>(name, *outputs)?.into()
                        }
                        (true, ReadOut::TimeToFirstSpike) => {
                            b.population::<IaF>(name, *outputs)?.into()
                        }
                        (true, ReadOut::TimeToKSpikes(k)) => {
                            let p = b.population::<IaF_TTKS>(name, *outputs)?;
                            b.set(p, "k", f64::from(k))?;
                            p.into()
                        }
                        _ => self.hidden.add(&mut b, name, &[*outputs])?,
                    };
                    if !readout {
                        self.set_threshold(&mut b, pop, idx)?;
                    }
                    description += &format!("* Dense layer: {name}, {outputs} \n");
                    let factor = factors[level];
                    level += 1;
                    let matrix: Vec<Vec<Option<f64>>> = weights
                        .iter()
                        .map(|row| row.iter().map(|&w| Some(w * factor)).collect())
                        .collect();
                    pops.push(pop);
                    let proj = b
                        .projection::<DefaultSpikingSynapse>(pre, pop, "exc")
                        .name(&format!("dense_proj_{}", pops.len()))
                        .connect_from_matrix(&matrix)?;
                    projections.push(proj.into());
                    description += &format!("    weights: ({outputs}, {inputs})\n");
                    description += &statistics(weights.iter().flatten().copied());
                }
                Step::Conv {
                    name,
                    geometry,
                    shape,
                    bank,
                } => {
                    let pop = self.hidden.add(&mut b, name, geometry)?;
                    self.set_threshold(&mut b, pop, idx)?;
                    description += &format!("* Conv2D layer: {name}, {geometry:?} \n");
                    let factor = factors[level];
                    level += 1;
                    let kernel = Kernel::new(shape, bank.iter().map(|w| w * factor).collect())?;
                    pops.push(pop);
                    let proj = b
                        .convolution(pre, pop, "exc")
                        .name(&format!("conv_proj_{}", pops.len()))
                        .pre_variable("mask")
                        .connect_filters(&kernel)?;
                    projections.push(proj.into());
                }
                Step::Pool {
                    name,
                    geometry,
                    extent,
                    operation,
                } => {
                    let pop = self.hidden.add(&mut b, name, geometry)?;
                    self.set_threshold(&mut b, pop, idx)?;
                    let kind = match operation {
                        Operation::Max => "MaxPooling2D",
                        _ => "AveragePooling2D",
                    };
                    description += &format!("* {kind} layer: {name}, {geometry:?} \n");
                    level += 1;
                    pops.push(pop);
                    let proj = b
                        .pooling(pre, pop, "exc")
                        .name(&format!("pool_proj_{}", pops.len()))
                        .operation(*operation)
                        .pre_variable("mask")
                        .extent(extent)
                        .connect_pooling()?;
                    projections.push(proj.into());
                }
            }
        }
        if projections.is_empty() {
            return Err(invalid("the network has no layer to convert"));
        }
        let output = *pops.last().expect("at least one layer");
        let monitor = b.monitor(output, &["v", "spike"])?;
        let net = b.build()?;
        let converted = self.converted.insert(Converted {
            net,
            input,
            output,
            monitor,
            projections,
            factors,
            description,
            input_order: plan.input_order,
            presented: 0,
        });
        Ok(&mut converted.net)
    }

    /// `vt = 1 - 0.05 * index` for the hidden layer `index`, when its
    /// neuron has a `vt`.
    fn set_threshold(&self, b: &mut NetworkBuilder, pop: AnyPop, index: usize) -> Result<()> {
        if self.hidden.info().attribute_index("vt").is_some() {
            b.set(pop, "vt", 1.0 - 0.05 * index as f64)?;
        }
        Ok(())
    }

    fn add_input(&self, b: &mut NetworkBuilder, name: &str, shape: &[usize]) -> Result<AnyPop> {
        Ok(match self.encoding {
            InputEncoding::Cpn | InputEncoding::Poisson => b.population::<CPN>(name, shape)?.into(),
            InputEncoding::Pso => b.population::<PSO>(name, shape)?.into(),
            InputEncoding::Ib => b.population::<IB>(name, shape)?.into(),
        })
    }

    /// The converted network (ANNarchy's `get_annarchy_network`), once a
    /// model is loaded.
    pub fn network(&self) -> Option<&Network> {
        self.converted.as_ref().map(|c| &c.net)
    }

    /// The converted network, mutable.
    pub fn network_mut(&mut self) -> Option<&mut Network> {
        self.converted.as_mut().map(|c| &mut c.net)
    }

    /// The input population.
    pub fn input_population(&self) -> Option<AnyPop> {
        self.converted.as_ref().map(|c| c.input)
    }

    /// The output (read-out) population.
    pub fn output_population(&self) -> Option<AnyPop> {
        self.converted.as_ref().map(|c| c.output)
    }

    /// The monitor of `v` and the spikes of the output population.
    pub fn output_monitor(&self) -> Option<MonitorId> {
        self.converted.as_ref().map(|c| c.monitor)
    }

    /// The projections, from the input to the output.
    pub fn projections(&self) -> &[AnyProj] {
        self.converted
            .as_ref()
            .map_or(&[], |c| c.projections.as_slice())
    }

    /// The factor each projection's weights were multiplied by.
    pub fn factors(&self) -> &[f64] {
        self.converted
            .as_ref()
            .map_or(&[], |c| c.factors.as_slice())
    }

    /// The description of the converted network that ANNarchy prints
    /// (`show_info`): layers, sizes, weight statistics.
    pub fn description(&self) -> &str {
        self.converted
            .as_ref()
            .map_or("", |c| c.description.as_str())
    }

    /// Classifies each sample: the index of the winning output neuron
    /// (ANNarchy's `predict` with `multiple=False`); ties are broken at
    /// random (see the module's documentation).
    ///
    /// For each sample the network's populations and monitors are reset,
    /// the input rates set to `sample * max_f`, and the network simulated
    /// for `duration_per_sample` ms, or until the read-out's condition is
    /// met for the time-to-spike read-outs.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when no model is loaded, for a sample whose size
    /// is not the input population's, or an invalid duration (the
    /// membrane-potential read-out needs at least one step).
    pub fn predict(
        &mut self,
        samples: &[Vec<f64>],
        duration_per_sample: f64,
    ) -> Result<Vec<usize>> {
        let seed = self.seed;
        let mut out = Vec::with_capacity(samples.len());
        for sample in samples {
            let winners = self.present(sample, duration_per_sample)?;
            let k = self.converted.as_ref().map_or(0, |c| c.presented - 1);
            let choice = if winners.len() == 1 {
                winners[0]
            } else {
                let mut rng = stream(seed, &[TIE_KEY, k]);
                let max = i64::try_from(winners.len() - 1).unwrap_or(i64::MAX);
                let j = RandomDistribution::discrete_uniform(0, max).sample(&mut rng) as usize;
                winners[j.min(winners.len() - 1)]
            };
            out.push(choice);
        }
        Ok(out)
    }

    /// Like [`AnnToSnnConverter::predict`], but gives every output neuron
    /// that met the criterion (ANNarchy's `predict` with `multiple=True`),
    /// ascending.
    ///
    /// # Errors
    ///
    /// As [`AnnToSnnConverter::predict`].
    pub fn predict_multiple(
        &mut self,
        samples: &[Vec<f64>],
        duration_per_sample: f64,
    ) -> Result<Vec<Vec<usize>>> {
        samples
            .iter()
            .map(|s| self.present(s, duration_per_sample))
            .collect()
    }

    /// Presents one sample; the output neurons that met the criterion.
    fn present(&mut self, sample: &[f64], duration: f64) -> Result<Vec<usize>> {
        let max_f = self.max_f;
        let read_out = self.read_out;
        let seed = self.seed;
        let c = self
            .converted
            .as_mut()
            .ok_or_else(|| invalid("no model is loaded: call load_onnx first"))?;
        let size = c.net.population_size(c.input);
        if sample.len() != size {
            return Err(invalid(format!(
                "a sample has {} values but the input population has {size} neurons",
                sample.len()
            )));
        }
        c.net.reset(true, false, false, true);
        c.net.set_seed(seed.wrapping_add(c.presented));
        c.presented += 1;
        let rates: Vec<f64> = match &c.input_order {
            Some(order) => order.iter().map(|&i| sample[i] * max_f).collect(),
            None => sample.iter().map(|x| x * max_f).collect(),
        };
        c.net.set(c.input, "rates", rates)?;
        let classes = c.net.population_size(c.output);
        match read_out {
            ReadOut::SpikeCount => c.net.simulate(duration)?,
            ReadOut::TimeToFirstSpike => {
                if !duration.is_finite() || duration < 0.0 {
                    return Err(invalid(format!(
                        "the duration must be finite and non-negative, not {duration}"
                    )));
                }
                // ANNarchy's stop condition `spiked: any`.
                let steps = (duration / c.net.get_dt()).ceil() as u64;
                for _ in 0..steps {
                    c.net.step();
                    if !c.net.spiked(c.output).is_empty() {
                        break;
                    }
                }
            }
            ReadOut::TimeToKSpikes(_) => {
                c.net
                    .simulate_until(duration, &[c.output], StopOperator::Or)?;
            }
            ReadOut::MembranePotential => {
                c.net.simulate(duration)?;
                let v = c.net.monitor_get(c.monitor, "v")?;
                let last = v.values.last().ok_or_else(|| {
                    invalid("the membrane-potential read-out needs at least one step")
                })?;
                return Ok(argmax_all(last));
            }
        }
        let mut counts = vec![0.0; classes];
        for (rank, steps) in c.net.monitor_spikes(c.monitor)? {
            counts[rank as usize] = steps.len() as f64;
        }
        Ok(argmax_all(&counts))
    }
}

/// The indices of the largest values, ascending (NaN values never win;
/// all indices when every value is NaN).
pub fn argmax_all(values: &[f64]) -> Vec<usize> {
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let winners: Vec<usize> = (0..values.len()).filter(|&i| values[i] == max).collect();
    if winners.is_empty() {
        (0..values.len()).collect()
    } else {
        winners
    }
}

/// The normalisation factor of each weight matrix (ANNarchy's
/// `_normalize_weights`, the model-based normalisation of Diehl et al.
/// 2015): `factor_l = scale_factor_l / max_i sum_j max(w_ij, 0)`, the
/// largest input a post-synaptic neuron can receive when every
/// pre-synaptic neuron is active, each matrix given `post x pre` (a
/// convolution's bank: one row per filter, its `height x width x channels`
/// weights). An empty matrix (a pooling, which has no weights) gets the
/// factor 1 but takes its place in the list of scales, as in ANNarchy.
///
/// `scale_factor`: `None` gives ANNarchy's default `[2, 3, ..., L + 1]`
/// for `L` matrices (deeper layers receive more); one value applies to
/// every matrix (ANNarchy's scalar); otherwise one value per matrix.
///
/// # Errors
///
/// [`Error::Invalid`] when `scale_factor` has neither one nor `L` values,
/// or for a matrix without positive weight (ANNarchy would divide by 0).
pub fn normalization_factors(
    weights: &[Vec<Vec<f64>>],
    scale_factor: Option<&[f64]>,
) -> Result<Vec<f64>> {
    let n = weights.len();
    let scale: Vec<f64> = match scale_factor {
        None => (0..n).map(|l| (l + 2) as f64).collect(),
        Some([s]) => vec![*s; n],
        Some(s) if s.len() == n => s.to_vec(),
        Some(s) => {
            return Err(invalid(format!(
                "the length of the scale_factor list ({}) must be equal to the number of \
                 projections ({n})",
                s.len()
            )));
        }
    };
    weights
        .iter()
        .zip(scale)
        .enumerate()
        .map(|(l, (w, s))| {
            if w.is_empty() {
                // A pooling: no weights, factor 1 (its scale is not used).
                return Ok(1.0);
            }
            let max = w
                .iter()
                .map(|row| row.iter().filter(|&&x| x > 0.0).sum::<f64>())
                .fold(0.0, f64::max);
            if max > 0.0 {
                Ok(s / max)
            } else {
                Err(invalid(format!(
                    "weight matrix {l} has no positive weight: it cannot be normalised"
                )))
            }
        })
        .collect()
}

/// ANNarchy's weight statistics of a dense layer (`show_info`).
fn statistics(weights: impl Iterator<Item = f64> + Clone) -> String {
    let n = weights.clone().count() as f64;
    let mean = weights.clone().sum::<f64>() / n;
    let std = (weights.clone().map(|w| (w - mean).powi(2)).sum::<f64>() / n).sqrt();
    let (min, max) = weights.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), w| {
        (a.min(w), b.max(w))
    });
    format!("    mean {mean}, std {std}\n    min {min}, max {max}\n")
}

/// What the converter makes of one layer of the ONNX list.
enum Step {
    /// A layer without population (flatten, reshape, activation).
    Skip { name: String },
    /// A dense layer: its weights (`outputs x inputs`), columns in the
    /// order of the ranks of the population before it.
    Dense {
        name: String,
        inputs: usize,
        outputs: usize,
        weights: Vec<Vec<f64>>,
    },
    /// A convolution: ANNarchy's bank of filters `(filters, height, width,
    /// channels)`, row-major, onto a population `(height, width,
    /// filters)`.
    Conv {
        name: String,
        geometry: Vec<usize>,
        shape: Vec<usize>,
        bank: Vec<f64>,
    },
    /// A pooling onto a population `(height, width, channels)`.
    Pool {
        name: String,
        geometry: Vec<usize>,
        extent: Vec<usize>,
        operation: Operation,
    },
}

/// The layers checked and put in ANNarchy's layout.
struct Plan {
    input_shape: Vec<usize>,
    input_order: Option<Vec<usize>>,
    steps: Vec<Step>,
}

/// What the previous layer gives.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    /// A vector of this many values.
    Flat(usize),
    /// Feature maps: ANNarchy's population `(height, width, channels)`,
    /// ONNX's tensor `(channels, height, width)`.
    Maps { h: usize, w: usize, c: usize },
}

impl Shape {
    fn size(self) -> usize {
        match self {
            Shape::Flat(n) => n,
            Shape::Maps { h, w, c } => h * w * c,
        }
    }
}

/// The ONNX index `(channel, row, column)` of each rank of a population
/// `(h, w, c)` in ANNarchy's (and Keras's) row-major order `(row, column,
/// channel)`.
fn channels_last_order(h: usize, w: usize, c: usize) -> Vec<usize> {
    let mut order = Vec::with_capacity(h * w * c);
    for y in 0..h {
        for x in 0..w {
            for ch in 0..c {
                order.push(ch * h * w + y * w + x);
            }
        }
    }
    order
}

/// Checks the layers, computes the shapes, and puts the weights in
/// ANNarchy's layout.
fn plan(net: &FeedForward) -> Result<Plan> {
    let first_dense = net.layers.iter().find_map(|l| match l {
        Layer::Dense(d) => Some(d.inputs),
        _ => None,
    });
    // The input's shape without the batch dimension.
    let dims: Option<Vec<usize>> = match &net.input.shape {
        Some(dims) if dims.len() > 1 && dims[1..].iter().all(Option::is_some) => {
            Some(dims[1..].iter().map(|d| d.unwrap_or(0)).collect())
        }
        _ => None,
    };
    let (input_shape, input_order, mut shape) = match dims {
        Some(d) if d.len() == 3 => {
            let (c, h, w) = (d[0], d[1], d[2]);
            let order = (c > 1).then(|| channels_last_order(h, w, c));
            (vec![h, w, c], order, Shape::Maps { h, w, c })
        }
        Some(d) => {
            let n = d.iter().product();
            (d, None, Shape::Flat(n))
        }
        None => match first_dense {
            Some(n) => (vec![n], None, Shape::Flat(n)),
            None => return Err(invalid("the graph's input has no known shape")),
        },
    };
    // The ONNX index of each rank of the population before, once feature
    // maps are flattened.
    let mut order: Option<Vec<usize>> = None;
    let mut steps = Vec::with_capacity(net.layers.len());
    for layer in &net.layers {
        let step = match layer {
            Layer::Dense(d) => {
                if d.bias.as_ref().is_some_and(|b| b.iter().any(|&x| x != 0.0)) {
                    return Err(invalid(format!(
                        "layer `{}` has a bias: the converted network must have none",
                        d.name
                    )));
                }
                let Shape::Flat(n) = shape else {
                    return Err(invalid(format!(
                        "layer `{}` is a dense layer on feature maps {shape:?}: flatten them \
                         first",
                        d.name
                    )));
                };
                if d.inputs != n {
                    return Err(invalid(format!(
                        "layer `{}` has {} inputs but the population before it has {n} neurons",
                        d.name, d.inputs
                    )));
                }
                let weights = match order.take() {
                    Some(o) => d
                        .weights
                        .iter()
                        .map(|row| o.iter().map(|&j| row[j]).collect())
                        .collect(),
                    None => d.weights.clone(),
                };
                shape = Shape::Flat(d.outputs);
                Step::Dense {
                    name: d.name.clone(),
                    inputs: d.inputs,
                    outputs: d.outputs,
                    weights,
                }
            }
            Layer::Conv(cv) => {
                let (step, out) = conv_step(cv, shape)?;
                shape = out;
                step
            }
            Layer::Pool(p) => {
                let (step, out) = pool_step(p, shape)?;
                shape = out;
                step
            }
            Layer::Flatten { name, axis } => {
                if let Shape::Maps { h, w, c } = shape {
                    if *axis != 1 {
                        return Err(invalid(format!(
                            "layer `{name}` flattens from axis {axis}: only a flatten of \
                             whole samples (axis 1) can be converted"
                        )));
                    }
                    order = Some(channels_last_order(h, w, c));
                    shape = Shape::Flat(h * w * c);
                }
                Step::Skip { name: name.clone() }
            }
            Layer::Reshape { name, shape: to } => {
                let n = shape.size() as i64;
                let flat = to.len() == 2
                    && (-1..=1).contains(&to[0])
                    && (to[1] == n || (to[1] == -1 && to[0] != -1));
                if !flat {
                    return Err(invalid(format!(
                        "layer `{name}` reshapes {shape:?} to {to:?}: only a flatten of whole \
                         samples can be converted"
                    )));
                }
                if let Shape::Maps { h, w, c } = shape {
                    order = Some(channels_last_order(h, w, c));
                    shape = Shape::Flat(h * w * c);
                }
                Step::Skip { name: name.clone() }
            }
            Layer::Activation { name, .. } => Step::Skip { name: name.clone() },
        };
        steps.push(step);
    }
    Ok(Plan {
        input_shape,
        input_order,
        steps,
    })
}

fn conv_step(cv: &onnx::Conv, shape: Shape) -> Result<(Step, Shape)> {
    let name = &cv.name;
    let refuse = |why: String| Err(invalid(format!("layer `{name}` is a convolution {why}")));
    let Shape::Maps { h, w, c } = shape else {
        return refuse(format!(
            "over an input of shape {shape:?}: it needs feature maps (channels, height, width)"
        ));
    };
    if cv
        .bias
        .as_ref()
        .is_some_and(|b| b.iter().any(|&x| x != 0.0))
    {
        return Err(invalid(format!(
            "layer `{name}` has a bias: the converted network must have none"
        )));
    }
    if cv.group != 1 || cv.in_channels != c {
        return refuse(format!(
            "of {} groups of {} channels over {c} channels: ANNarchy's filters see all the \
             channels",
            cv.group, cv.in_channels
        ));
    }
    if cv.strides.iter().any(|&s| s != 1) || cv.dilations.iter().any(|&d| d != 1) {
        return refuse(format!(
            "with strides {:?} and dilations {:?}: only strides and dilations 1 can be converted",
            cv.strides, cv.dilations
        ));
    }
    // ANNarchy centres a kernel of size k on element (k - 1) / 2: Keras's
    // and ONNX's 'same' padding (SAME_UPPER), the output as large as the input.
    let [kh, kw] = cv.kernel_shape;
    let same = [
        (kh - 1) / 2,
        (kw - 1) / 2,
        kh - 1 - (kh - 1) / 2,
        kw - 1 - (kw - 1) / 2,
    ];
    let pads_ok = match cv.auto_pad.as_str() {
        "SAME_UPPER" => true,
        "SAME_LOWER" => kh % 2 == 1 && kw % 2 == 1,
        "NOTSET" => cv.pads == same,
        _ => false,
    };
    if !pads_ok {
        return refuse(format!(
            "with padding {:?} (auto_pad {}): only the 'same' padding {same:?} can be converted",
            cv.pads, cv.auto_pad
        ));
    }
    let m = cv.out_channels;
    // ONNX (out, in, kh, kw) -> ANNarchy (out, kh, kw, in).
    let mut bank = Vec::with_capacity(cv.weights.len());
    for o in 0..m {
        for y in 0..kh {
            for x in 0..kw {
                for i in 0..c {
                    bank.push(cv.weights[((o * c + i) * kh + y) * kw + x]);
                }
            }
        }
    }
    Ok((
        Step::Conv {
            name: name.clone(),
            geometry: vec![h, w, m],
            shape: vec![m, kh, kw, c],
            bank,
        },
        Shape::Maps { h, w, c: m },
    ))
}

fn pool_step(p: &onnx::Pool, shape: Shape) -> Result<(Step, Shape)> {
    let name = &p.name;
    let refuse = |why: String| Err(invalid(format!("layer `{name}` is a pooling {why}")));
    let Shape::Maps { h, w, c } = shape else {
        return refuse(format!(
            "over an input of shape {shape:?}: it needs feature maps (channels, height, width)"
        ));
    };
    let [ph, pw] = p.kernel_shape[..] else {
        return refuse(format!(
            "of extent {:?}: only 2-D poolings can be converted",
            p.kernel_shape
        ));
    };
    if p.strides != p.kernel_shape || p.pads.iter().any(|&x| x != 0) {
        return refuse(format!(
            "with strides {:?} and padding {:?}: only poolings of disjoint blocks (strides = \
             extent {:?}, no padding) can be converted",
            p.strides, p.pads, p.kernel_shape
        ));
    }
    if ph > h || pw > w {
        return refuse(format!(
            "of extent {:?} over maps of {h}x{w}",
            p.kernel_shape
        ));
    }
    let (oh, ow) = (h / ph, w / pw);
    Ok((
        Step::Pool {
            name: name.clone(),
            geometry: vec![oh, ow, c],
            extent: vec![ph, pw, 1],
            operation: match p.operation {
                PoolOperation::Max => Operation::Max,
                PoolOperation::Average => Operation::Mean,
            },
        },
        Shape::Maps { h: oh, w: ow, c },
    ))
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::Invalid {
        object: "ANN-to-SNN converter".into(),
        reason: reason.into(),
    }
}
