//! Input populations with their own update (SPEC.md section 8):
//! `TimedArray` (`InputArray` is a plain model of the standard library).

use crate::error::{Error, Result};
use crate::model::{
    AttrInfo, AttrMut, AttrRef, Locality, ModelInfo, ModelKind, ModelSource, NeuronCtx,
    NeuronState, RngCtx, SpikeOut, ValueType,
};

static TIMED_ARRAY_INFO: ModelInfo = ModelInfo {
    type_name: "TimedArray",
    name: "Timed Array",
    description: "Timed array source.",
    kind: ModelKind::Neuron,
    spiking: false,
    attributes: &[AttrInfo {
        name: "r",
        is_parameter: false,
        locality: Locality::Local,
        value_type: ValueType::Float,
        init: 0.0,
    }],
    targets: &[],
    uses_all_targets: false,
    global_ops: &[],
    pre_attributes: &[],
    post_attributes: &[],
    pre_targets: &[],
    post_targets: &[],
    plastic: false,
    constants: &[],
    operation: "sum",
    source: ModelSource {
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
    },
};

/// When the rows of a [`TimedArray`] start.
#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    /// Row `k` starts at `k * interval` ms (an interval `<= 0` means `dt`).
    Every(f64),
    /// Row `k` starts at time `times[k]` ms.
    Times(Vec<f64>),
}

/// ANNarchy's `TimedArray`: a rate-coded population whose `r` follows a
/// sequence of rows, each from its scheduled time; optionally repeating
/// every `period` ms.
#[derive(Clone, Debug)]
pub struct TimedArray {
    rates: Vec<Vec<f64>>,
    schedule: Vec<i64>,
    period: i64,
    r: Vec<f64>,
    t: i64,
    block: usize,
}

impl TimedArray {
    /// A timed array of `size` neurons. `rates` has one row of `size`
    /// values per scheduled time; `period` (ms, `< 0`: none) restarts the
    /// sequence.
    pub fn new(
        size: usize,
        rates: Vec<Vec<f64>>,
        schedule: Schedule,
        period: f64,
        dt: f64,
    ) -> Result<TimedArray> {
        let mut ta = TimedArray {
            rates: Vec::new(),
            schedule: Vec::new(),
            period: -1,
            r: vec![0.0; size],
            t: 0,
            block: 0,
        };
        ta.update_rates(rates, schedule, period, dt)?;
        // Before the first step `r` is 0: the first row arrives in step 0's update.
        ta.r.fill(0.0);
        Ok(ta)
    }

    /// Replaces the rows, the schedule and the period (ANNarchy's `update()`);
    /// `r` takes the values of the current row at once. (At construction `r`
    /// stays 0 until the first step.)
    pub fn update_rates(
        &mut self,
        rates: Vec<Vec<f64>>,
        schedule: Schedule,
        period: f64,
        dt: f64,
    ) -> Result<()> {
        let invalid = |reason: String| Error::Invalid {
            object: "TimedArray".into(),
            reason,
        };
        if rates.is_empty() {
            return Err(invalid("the rates must have at least one row".into()));
        }
        if let Some((k, row)) = rates
            .iter()
            .enumerate()
            .find(|(_, r)| r.len() != self.r.len())
        {
            return Err(invalid(format!(
                "row {k} of the rates has {} values, the population has {} neurons",
                row.len(),
                self.r.len()
            )));
        }
        if period.is_nan() {
            return Err(invalid(
                "the period must be a number (negative: no repetition)".into(),
            ));
        }
        let times: Vec<f64> = match schedule {
            Schedule::Every(s) if !s.is_finite() => {
                return Err(invalid(format!(
                    "the schedule interval must be finite, not {s}"
                )));
            }
            Schedule::Every(s) => {
                let s = if s <= 0.0 { dt } else { s };
                (0..rates.len()).map(|k| k as f64 * s).collect()
            }
            Schedule::Times(t) => {
                if t.len() > rates.len() {
                    return Err(invalid(format!(
                        "the schedule has {} times but there are only {} rows of rates",
                        t.len(),
                        rates.len()
                    )));
                }
                if t.is_empty() {
                    return Err(invalid("the schedule is empty".into()));
                }
                if t.iter().any(|x| !x.is_finite() || *x < 0.0) || t.windows(2).any(|w| w[1] < w[0])
                {
                    return Err(invalid(
                        "the schedule times must be finite, non-negative and increasing".into(),
                    ));
                }
                t
            }
        };
        self.schedule = times.iter().map(|t| (t / dt) as i64).collect();
        self.period = if period >= 0.0 {
            (period / dt) as i64
        } else {
            -1
        };
        self.rates = rates;
        if self.block >= self.schedule.len() {
            self.block = 0;
        }
        self.r.copy_from_slice(&self.rates[self.block]);
        Ok(())
    }
}

impl NeuronState for TimedArray {
    fn info(&self) -> &'static ModelInfo {
        &TIMED_ARRAY_INFO
    }
    fn size(&self) -> usize {
        self.r.len()
    }
    fn attr(&self, index: usize) -> AttrRef<'_> {
        match index {
            0 => AttrRef::Array(&self.r),
            _ => AttrRef::Array(&[]),
        }
    }
    fn attr_mut(&mut self, index: usize) -> AttrMut<'_> {
        match index {
            0 => AttrMut::Array(&mut self.r),
            _ => AttrMut::Array(&mut []),
        }
    }
    fn update_rng(&mut self, _: &RngCtx) {}
    fn update(&mut self, _: &NeuronCtx<'_>) {
        if self.schedule.get(self.block) == Some(&self.t) {
            self.r.copy_from_slice(&self.rates[self.block]);
            self.block = (self.block + 1) % self.schedule.len();
        }
        if self.period > -1 && self.t == self.period - 1 {
            self.block = 0;
            self.t = -1;
        }
        self.t += 1;
    }
    fn update_global_ops(&mut self) {}
    fn reset(&mut self) {
        self.t = 0;
        self.block = 0;
        self.r.fill(0.0);
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

static SPIKE_SOURCE_INFO: ModelInfo = ModelInfo {
    type_name: "SpikeSourceArray",
    name: "Spike source",
    description: "Spikes emitted at predefined times.",
    kind: ModelKind::Neuron,
    spiking: true,
    attributes: &[],
    targets: &[],
    uses_all_targets: false,
    global_ops: &[],
    pre_attributes: &[],
    post_attributes: &[],
    pre_targets: &[],
    post_targets: &[],
    plastic: false,
    constants: &[],
    operation: "sum",
    source: ModelSource {
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
    },
};

/// ANNarchy's `SpikeSourceArray`: each neuron spikes at given times (ms),
/// counted from the build or the last reset. A time `t` falls in step
/// `round(t / dt)` (ties to even, as Python's `round`); several times in one
/// step give one spike.
#[derive(Clone, Debug)]
pub struct SpikeSourceArray {
    /// Spike steps of each neuron, sorted and without repetition.
    steps: Vec<Vec<i64>>,
    /// Index of each neuron's next spike.
    next: Vec<usize>,
    t: i64,
}

impl SpikeSourceArray {
    /// Spike times in ms, one list per neuron.
    pub fn new(spike_times: &[Vec<f64>], dt: f64) -> Result<SpikeSourceArray> {
        let mut s = SpikeSourceArray {
            steps: Vec::new(),
            next: Vec::new(),
            t: 0,
        };
        s.set_spike_times(spike_times, dt)?;
        Ok(s)
    }

    /// Replaces the spike times (same number of neurons once built); the
    /// times count from the build or last reset, as the internal step does.
    pub fn set_spike_times(&mut self, spike_times: &[Vec<f64>], dt: f64) -> Result<()> {
        if !self.steps.is_empty() && spike_times.len() != self.steps.len() {
            return Err(Error::Invalid {
                object: "SpikeSourceArray".into(),
                reason: format!(
                    "{} lists of spike times given for {} neurons",
                    spike_times.len(),
                    self.steps.len()
                ),
            });
        }
        let mut steps = Vec::with_capacity(spike_times.len());
        for (i, times) in spike_times.iter().enumerate() {
            if let Some(bad) = times.iter().find(|t| !t.is_finite() || **t < 0.0) {
                return Err(Error::Invalid {
                    object: "SpikeSourceArray".into(),
                    reason: format!(
                        "neuron {i}: the spike time {bad} is not a finite, non-negative time"
                    ),
                });
            }
            let mut s: Vec<i64> = times
                .iter()
                .map(|t| (t / dt).round_ties_even() as i64)
                .collect();
            s.sort_unstable();
            s.dedup();
            steps.push(s);
        }
        self.next = steps
            .iter()
            .map(|s| s.partition_point(|&x| x < self.t))
            .collect();
        self.steps = steps;
        Ok(())
    }
}

impl NeuronState for SpikeSourceArray {
    fn info(&self) -> &'static ModelInfo {
        &SPIKE_SOURCE_INFO
    }
    fn size(&self) -> usize {
        self.steps.len()
    }
    fn attr(&self, _: usize) -> AttrRef<'_> {
        AttrRef::Array(&[])
    }
    fn attr_mut(&mut self, _: usize) -> AttrMut<'_> {
        AttrMut::Array(&mut [])
    }
    fn update_rng(&mut self, _: &RngCtx) {}
    fn update(&mut self, _: &NeuronCtx<'_>) {}
    fn spike_gather(&mut self, _: &NeuronCtx<'_>, out: SpikeOut<'_>) {
        out.spiked.clear();
        for (i, (steps, next)) in self.steps.iter().zip(&mut self.next).enumerate() {
            if steps.get(*next) == Some(&self.t) {
                out.spiked.push(i as u32);
                out.last_spike[i] = self.t;
                *next += 1;
            }
        }
        self.t += 1;
    }
    fn update_global_ops(&mut self) {}
    fn reset(&mut self) {
        self.t = 0;
        self.next.fill(0);
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}
