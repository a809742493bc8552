//! Input populations with their own update (SPEC.md section 8):
//! `TimedArray` (`InputArray` is a plain model of the standard library).

use crate::error::{Error, Result};
use crate::model::{
    AttrInfo, AttrMut, AttrRef, InternalValues, Locality, ModelInfo, ModelKind, NeuronCtx,
    NeuronState, RngCtx, SpikeOut, ValueType, unknown_internal,
};

static TIMED_ARRAY_INFO: ModelInfo = ModelInfo::hand_written(
    ModelKind::Neuron,
    "TimedArray",
    "Timed Array",
    "Timed array source.",
    false,
    &[AttrInfo {
        name: "r",
        is_parameter: false,
        locality: Locality::Local,
        value_type: ValueType::Float,
        init: 0.0,
    }],
);

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
    fn reset(&mut self) {
        self.t = 0;
        self.block = 0;
        self.r.fill(0.0);
    }
    /// `step`: the steps since the start of the schedule (or of its
    /// period); `row`: the index of the next row.
    fn internal_state(&self) -> Vec<(&'static str, InternalValues)> {
        vec![
            ("step", InternalValues::Int(vec![self.t])),
            ("row", InternalValues::Int(vec![self.block as i64])),
        ]
    }
    fn set_internal_state(&mut self, name: &str, values: InternalValues) -> Result<(), String> {
        if !matches!(name, "step" | "row") {
            return Err(unknown_internal(name));
        }
        let v = values.into_counts(name, 1)?[0];
        if name == "step" {
            if self.period > -1 && v >= self.period {
                return Err(format!(
                    "`step` is {v}, beyond the period of {} steps",
                    self.period
                ));
            }
            self.t = v;
        } else {
            self.block = usize::try_from(v)
                .ok()
                .filter(|&row| row < self.schedule.len())
                .ok_or_else(|| {
                    format!(
                        "`row` is {v}, but the schedule has {} rows",
                        self.schedule.len()
                    )
                })?;
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

static SPIKE_SOURCE_INFO: ModelInfo = ModelInfo::hand_written(
    ModelKind::Neuron,
    "SpikeSourceArray",
    "Spike source",
    "Spikes emitted at predefined times.",
    true,
    &[],
);

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
    fn reset(&mut self) {
        self.t = 0;
        self.next.fill(0);
    }
    /// `step`: the steps since the build or the last reset (the next spike
    /// of each neuron follows from it).
    fn internal_state(&self) -> Vec<(&'static str, InternalValues)> {
        vec![("step", InternalValues::Int(vec![self.t]))]
    }
    fn set_internal_state(&mut self, name: &str, values: InternalValues) -> Result<(), String> {
        if name != "step" {
            return Err(unknown_internal(name));
        }
        self.t = values.into_counts(name, 1)?[0];
        for (next, steps) in self.next.iter_mut().zip(&self.steps) {
            *next = steps.partition_point(|&x| x < self.t);
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

/// The error function, to double precision (series near 0, continued
/// fraction of `erfc` in the tails).
pub fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let a = x.abs();
    let v = if a < 2.5 {
        // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
        let mut term = a;
        let mut sum = a;
        let x2 = a * a;
        let mut n = 0.0;
        while term.abs() > 1e-17 * sum.abs() {
            n += 1.0;
            term *= -x2 / n;
            sum += term / (2.0 * n + 1.0);
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    } else {
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
        let mut f = 0.0;
        for k in (1..=60).rev() {
            f = (k as f64 / 2.0) / (a + f);
        }
        1.0 - (-a * a).exp() / std::f64::consts::PI.sqrt() / (a + f)
    };
    if x < 0.0 { -v } else { v }
}

/// Mean and deviation of the Ornstein-Uhlenbeck rate of
/// `HomogeneousCorrelatedSpikeTrains` for spike trains of mean `rate` (Hz),
/// correlation `corr` and time constant `tau` (ms), corrected for the
/// rectification of the rate at 0 as ANNarchy does (Brette 2009): solves
/// `mean/std` of the rectified Gaussian by the secant method.
pub fn correlated_spike_parameters(rate: f64, corr: f64, tau: f64) -> Result<(f64, f64)> {
    let invalid = |reason: String| Error::Invalid {
        object: "HomogeneousCorrelatedSpikeTrains".into(),
        reason,
    };
    if !(rate.is_finite() && rate >= 0.0) {
        return Err(invalid(format!(
            "the rate must be finite and non-negative, not {rate}"
        )));
    }
    if !(0.0..=1.0).contains(&corr) {
        return Err(invalid(format!(
            "the correlation must be in [0, 1], not {corr}"
        )));
    }
    if !(tau.is_finite() && tau > 0.0) {
        return Err(invalid(format!("tau must be positive, not {tau}")));
    }
    let sigma = (corr * rate / (2.0 * tau / 1000.0)).sqrt();
    if sigma == 0.0 {
        return Ok((rate, 0.0));
    }
    let x0 = rate / sigma;
    let sqrt2 = std::f64::consts::SQRT_2;
    let sqrt2pi = (2.0 * std::f64::consts::PI).sqrt();
    // mean / std of a Gaussian (m, 1) rectified at 0.
    let ratio = |m: f64| {
        let a = 1.0 + erf(m / sqrt2);
        let mur = (-m * m / 2.0).exp() / sqrt2pi + m * a / 2.0;
        let sigmar = ((m - mur) * mur + a / 2.0).sqrt();
        mur / sigmar - x0
    };
    // Secant iterations from 1.1 * x0, as scipy's `newton` without derivative.
    let mut p0 = 1.1 * x0;
    let mut p1 = p0 * (1.0 + 1e-4) + if p0 >= 0.0 { 1e-4 } else { -1e-4 };
    let (mut q0, mut q1) = (ratio(p0), ratio(p1));
    for _ in 0..100 {
        if q1 == q0 {
            break;
        }
        let p = p1 - q1 * (p1 - p0) / (q1 - q0);
        if (p - p1).abs() < 1.48e-8 {
            p1 = p;
            break;
        }
        p0 = p1;
        q0 = q1;
        p1 = p;
        q1 = ratio(p1);
    }
    let y = p1;
    if !y.is_finite() {
        return Err(invalid(
            "the rectification correction did not converge".into(),
        ));
    }
    let new_sigma = rate / ((-y * y / 2.0).exp() / sqrt2pi + y / 2.0 * (1.0 + erf(y / sqrt2)));
    Ok((y * new_sigma, new_sigma))
}

#[cfg(test)]
mod correlated_tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        for (x, v) in [
            (0.0, 0.0),
            (0.5, 0.520_499_877_813_046_5),
            (1.0, 0.842_700_792_949_714_9),
            (2.0, 0.995_322_265_018_952_7),
            (3.0, 0.999_977_909_503_001_4),
            (-1.0, -0.842_700_792_949_714_9),
        ] {
            assert!((erf(x) - v).abs() < 1e-14, "erf({x}) = {}", erf(x));
        }
    }

    #[test]
    fn rectified_rate_keeps_the_mean_rate() {
        let (mu, sigma) = correlated_spike_parameters(10.0, 0.3, 10.0).unwrap();
        // The rectified Gaussian of (mu, sigma) has mean `rate`.
        let m = mu / sigma;
        let a = 1.0 + erf(m / std::f64::consts::SQRT_2);
        let mean =
            sigma * ((-m * m / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt() + m * a / 2.0);
        assert!((mean - 10.0).abs() < 1e-9, "{mean}");
        assert!(mu < 10.0 && sigma > 0.0);
        assert_eq!(
            correlated_spike_parameters(10.0, 0.0, 10.0).unwrap(),
            (10.0, 0.0)
        );
        assert!(correlated_spike_parameters(10.0, 1.5, 10.0).is_err());
    }
}

static TIMED_POISSON_INFO: ModelInfo = ModelInfo::hand_written(
    ModelKind::Neuron,
    "TimedPoisson",
    "TimedPoisson",
    "Poisson spike trains whose rates follow a schedule.",
    true,
    &[
        AttrInfo {
            name: "proba",
            is_parameter: true,
            locality: Locality::Local,
            value_type: ValueType::Float,
            init: 1.0,
        },
        AttrInfo {
            name: "p",
            is_parameter: false,
            locality: Locality::Local,
            value_type: ValueType::Float,
            init: 0.0,
        },
        AttrInfo {
            name: "r",
            is_parameter: false,
            locality: Locality::Local,
            value_type: ValueType::Float,
            init: 0.0,
        },
    ],
);

/// ANNarchy's `TimedPoissonPopulation`: Poisson spike trains whose rates
/// (Hz) follow a schedule of rows, as a [`TimedArray`] does; a row of one
/// value applies to every neuron.
#[derive(Clone, Debug)]
pub struct TimedPoisson {
    /// The scheduled rates (its `r` is the current rate of each neuron).
    schedule: TimedArray,
    proba: Vec<f64>,
    p: Vec<f64>,
    r: Vec<f64>,
}

impl TimedPoisson {
    /// A population of `size` neurons; `rates` has one row (of `size`
    /// values, or one value for all) per scheduled time.
    pub fn new(
        size: usize,
        rates: Vec<Vec<f64>>,
        schedule: Schedule,
        period: f64,
        dt: f64,
    ) -> Result<TimedPoisson> {
        let rates = rates
            .into_iter()
            .map(|row| {
                if row.len() == 1 {
                    vec![row[0]; size]
                } else {
                    row
                }
            })
            .collect();
        Ok(TimedPoisson {
            schedule: TimedArray::new(size, rates, schedule, period, dt)?,
            proba: vec![1.0; size],
            p: vec![0.0; size],
            r: vec![0.0; size],
        })
    }
}

impl NeuronState for TimedPoisson {
    fn info(&self) -> &'static ModelInfo {
        &TIMED_POISSON_INFO
    }
    fn size(&self) -> usize {
        self.p.len()
    }
    fn attr(&self, index: usize) -> AttrRef<'_> {
        match index {
            0 => AttrRef::Array(&self.proba),
            1 => AttrRef::Array(&self.p),
            2 => AttrRef::Array(&self.r),
            _ => AttrRef::Array(&[]),
        }
    }
    fn attr_mut(&mut self, index: usize) -> AttrMut<'_> {
        match index {
            0 => AttrMut::Array(&mut self.proba),
            1 => AttrMut::Array(&mut self.p),
            2 => AttrMut::Array(&mut self.r),
            _ => AttrMut::Array(&mut []),
        }
    }
    fn update_rng(&mut self, rng: &RngCtx<'_>) {
        crate::random::fill_chunked_with(
            &crate::random::RandomDistribution::uniform(0.0, 1.0),
            &mut self.p,
            rng.seed,
            [rng.object, 0, rng.t as u64],
            rng.team,
        );
    }
    fn update(&mut self, ctx: &NeuronCtx<'_>) {
        self.schedule.update(ctx);
        if let AttrRef::Array(rates) = self.schedule.attr(0) {
            self.proba.copy_from_slice(rates);
        }
        let scale = 1000.0 / ctx.dt;
        for p in &mut self.p {
            *p *= scale;
        }
    }
    fn spike_gather(&mut self, ctx: &NeuronCtx<'_>, out: SpikeOut<'_>) {
        out.spiked.clear();
        for (i, (p, proba)) in self.p.iter().zip(&self.proba).enumerate() {
            if p < proba {
                out.spiked.push(i as u32);
                out.last_spike[i] = ctx.t;
            }
        }
    }
    fn reset(&mut self) {
        self.schedule.reset();
        self.p.fill(0.0);
        self.r.fill(0.0);
    }
    /// That of its schedule ([`TimedArray`]'s), and `rates`: the rate of
    /// each neuron in the current row (`proba` takes it at each step).
    fn internal_state(&self) -> Vec<(&'static str, InternalValues)> {
        let mut state = self.schedule.internal_state();
        state.push(("rates", InternalValues::Float(self.schedule.r.clone())));
        state
    }
    fn set_internal_state(&mut self, name: &str, values: InternalValues) -> Result<(), String> {
        if name != "rates" {
            return self.schedule.set_internal_state(name, values);
        }
        match values {
            InternalValues::Float(rates) if rates.len() == self.schedule.r.len() => {
                self.schedule.r = rates;
                Ok(())
            }
            InternalValues::Float(rates) => Err(format!(
                "`rates` holds {} values instead of {}",
                rates.len(),
                self.schedule.r.len()
            )),
            InternalValues::Int(_) => Err("`rates` holds integers, not real values".into()),
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}
