//! ANNarchy's `DecodingProjection`: turns the spikes of a spiking population
//! into a rate, as the input `sum(target)` of a rate-coded population.

use crate::connectivity::Connectivity;
use crate::model::{
    AttrInfo, AttrMut, AttrRef, Locality, ModelInfo, ModelKind, RngCtx, SpikeEvents, SynapseCtx,
    SynapseModel, SynapseState, ValueType,
};

static DECODING_INFO: ModelInfo = ModelInfo::hand_written(
    ModelKind::Synapse,
    "DecodingProjection",
    "Decoding projection",
    "Decodes the spikes of a spiking population into a firing rate.",
    true,
    &[
        AttrInfo {
            name: "w",
            is_parameter: true,
            locality: Locality::Local,
            value_type: ValueType::Float,
            init: 0.0,
        },
        AttrInfo {
            name: "window",
            is_parameter: true,
            locality: Locality::Global,
            value_type: ValueType::Float,
            init: 0.0,
        },
    ],
);

/// ANNarchy's `DecodingProjection` (SPEC.md 8): each step, each post-synaptic
/// neuron adds to `sum(target)` the weighted spike count of its synapses over
/// the last `window` ms (default: `dt`), as a rate in Hz divided by its number
/// of synapses: `sum(w over spikes in the window) / W * 1000/dt / n`. With
/// `w = 1/100`, 100 Hz of input maps to 1. Delays are ignored.
#[derive(Clone, Copy, Debug, Default)]
pub struct DecodingProjection;

/// The state of a [`DecodingProjection`].
#[derive(Clone, Debug, Default)]
pub struct DecodingState {
    w: Vec<f64>,
    window: f64,
    /// Weighted spike count of this step, per dendrite.
    count: Vec<f64>,
    /// Counts of the last `W` steps, per dendrite (`history[step * nd + k]`).
    history: Vec<f64>,
    head: usize,
    steps: usize,
    synapses: Vec<f64>,
}

impl SynapseModel for DecodingProjection {
    type State = DecodingState;
    const INFO: &'static ModelInfo = &DECODING_INFO;
    fn new_state() -> DecodingState {
        DecodingState::default()
    }
}

impl SynapseState for DecodingState {
    fn info(&self) -> &'static ModelInfo {
        &DECODING_INFO
    }
    fn attr(&self, index: usize) -> AttrRef<'_> {
        match index {
            0 => AttrRef::Array(&self.w),
            1 => AttrRef::Scalar(self.window),
            _ => AttrRef::Array(&[]),
        }
    }
    fn attr_mut(&mut self, index: usize) -> AttrMut<'_> {
        match index {
            0 => AttrMut::Array(&mut self.w),
            1 => AttrMut::Scalar(&mut self.window),
            _ => AttrMut::Array(&mut []),
        }
    }
    fn connect(&mut self, conn: &Connectivity) {
        self.w = conn.weights.clone();
        let nd = conn.nb_dendrites();
        self.count = vec![0.0; nd];
        self.synapses = (0..nd).map(|k| conn.row(k).len() as f64).collect();
        self.history.clear();
        self.steps = 0;
        self.head = 0;
    }
    fn compute_psp(&self, _: &SynapseCtx<'_>, out: &mut [f64]) {
        out.fill(0.0);
    }
    fn update_rng(&mut self, _: &RngCtx<'_>) {}
    fn update(&mut self, _: &SynapseCtx<'_>) {}
    fn has_update(&self) -> bool {
        false
    }
    fn pre_spikes(&mut self, ctx: &SynapseCtx<'_>, events: SpikeEvents<'_>, g: &mut [f64]) {
        let nd = self.count.len();
        let steps = if self.window > 0.0 {
            ((self.window / ctx.dt) as usize).max(1)
        } else {
            1
        };
        if self.steps != steps {
            // The window changed (or this is the first step): start afresh.
            self.steps = steps;
            self.history = vec![0.0; steps * nd];
            self.head = 0;
        }
        self.count.fill(0.0);
        let index = ctx.index;
        let mut add = |s: usize| {
            let k = index.syn_dendrite[s] as usize;
            self.count[k] += self.w[s];
        };
        match events {
            SpikeEvents::Neurons(list) => {
                for &j in list {
                    for &s in index.synapses_of(j as usize) {
                        add(s as usize);
                    }
                }
            }
            SpikeEvents::Synapses(list) => list.iter().for_each(|&s| add(s as usize)),
        }
        self.head = (self.head + 1) % steps;
        self.history[self.head * nd..(self.head + 1) * nd].copy_from_slice(&self.count);
        let scale = 1000.0 / ctx.dt / steps as f64;
        for k in 0..nd {
            let total: f64 = (0..steps).map(|h| self.history[h * nd + k]).sum();
            let post = ctx.conn.post_ranks[k] as usize;
            g[post] += total * scale / self.synapses[k];
        }
    }
    fn reset(&mut self) {
        self.history.fill(0.0);
        self.head = 0;
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}
