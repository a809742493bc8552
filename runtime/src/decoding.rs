//! ANNarchy's `DecodingProjection`: turns the spikes of a spiking population
//! into a rate, as the input `sum(target)` of a rate-coded population.

use crate::connectivity::Connectivity;
use crate::model::{
    AttrInfo, AttrMut, AttrRef, InternalValues, Locality, ModelInfo, ModelKind, SpikeEvents,
    SynapseCtx, SynapseModel, SynapseState, ValueType, unknown_internal,
};
use crate::structural::Remap;

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
    /// `window_counts`: the weighted spike counts of each step of the
    /// window, oldest first, one value per dendrite for each step.
    fn internal_state(&self) -> Vec<(&'static str, InternalValues)> {
        let nd = self.count.len();
        let mut counts = Vec::with_capacity(self.history.len());
        if nd > 0 && !self.history.is_empty() {
            // The step after the newest (`head`) is the oldest.
            let (to_head, after_head) = self.history.split_at((self.head + 1) * nd);
            counts.extend_from_slice(after_head);
            counts.extend_from_slice(to_head);
        }
        vec![("window_counts", InternalValues::Float(counts))]
    }
    fn set_internal_state(&mut self, name: &str, values: InternalValues) -> Result<(), String> {
        if name != "window_counts" {
            return Err(unknown_internal(name));
        }
        let InternalValues::Float(counts) = values else {
            return Err(format!("`{name}` holds integers, not real values"));
        };
        let nd = self.count.len();
        if nd == 0 {
            if !counts.is_empty() {
                return Err(format!(
                    "`{name}` holds values for a projection without synapses"
                ));
            }
            // Without dendrites the window holds nothing: start afresh.
            self.steps = 0;
        } else if counts.len() % nd != 0 {
            return Err(format!(
                "`{name}` holds {} values, not rows of {nd} (one per dendrite)",
                counts.len()
            ));
        } else {
            self.steps = counts.len() / nd;
        }
        self.head = self.steps.saturating_sub(1);
        self.history = counts;
        Ok(())
    }
    /// Weights and counts follow their synapses and dendrites; a new
    /// dendrite starts with an empty window.
    fn remap(&mut self, map: &Remap<'_>) -> Result<(), String> {
        let conn = map.conn();
        let (old_nd, nd) = (self.count.len(), conn.nb_dendrites());
        self.w = map.weights(&self.w);
        self.count = map.dendrites(&self.count, 0.0);
        self.synapses = (0..nd).map(|k| conn.row(k).len() as f64).collect();
        if old_nd > 0 {
            self.history = self
                .history
                .chunks(old_nd)
                .flat_map(|step| map.dendrites(step, 0.0))
                .collect();
        } else {
            self.history = vec![0.0; self.steps * nd];
        }
        Ok(())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}
