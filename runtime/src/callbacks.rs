//! Functions called periodically during `Network::simulate` (ANNarchy's
//! `@every` decorator).
//!
//! A callback is declared with a period, an offset and a wait, in ms, and
//! receives the network (to read or change anything between two steps) and
//! `n`, the number of its earlier calls within the same `simulate`. The
//! moments of the calls follow ANNarchy 4.8 exactly (SPEC.md section 7):
//! during `simulate(duration)` started at step `t0`, with
//! `L = int(duration / dt)` steps (callbacks round the length down, where
//! a plain `simulate` rounds it up), a callback of period `p`, offset `o`
//! and wait `w` (converted to steps with `int(x / dt)`; the offset modulo
//! the period, so that a negative offset counts from the end of the period)
//! is called before the steps `t0 + w + o + k * p < t0 + L`, `k = 0, 1, ...`,
//! with `n = k`. Calls at the same step come in the order of declaration.

use crate::error::{Error, Result};
use crate::network::Network;

/// The function of a callback: the network, and how many times it was
/// called before in the current `simulate`. An error ends the simulation.
pub type CallbackFn = dyn FnMut(&mut Network, usize) -> Result<()> + Send;

/// One declared callback.
pub(crate) struct Callback {
    /// Period in ms, at least `dt`.
    pub period: f64,
    /// Offset in ms, at most the period.
    pub offset: f64,
    /// Wait before the first call, in ms.
    pub wait: f64,
    pub f: Box<CallbackFn>,
    /// Moments of the current `simulate`: the first one and the period, in steps.
    pub first: i64,
    pub period_steps: i64,
    /// Calls made in the current `simulate`.
    pub calls: usize,
}

impl std::fmt::Debug for Callback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callback")
            .field("period", &self.period)
            .field("offset", &self.offset)
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}

impl Callback {
    /// A callback with ANNarchy's adjustments: the period is at least `dt`,
    /// the offset at most the period.
    pub fn new(
        period: f64,
        offset: f64,
        wait: f64,
        dt: f64,
        f: Box<CallbackFn>,
    ) -> Result<Callback> {
        let invalid = |reason: String| Error::Invalid {
            object: "callback".into(),
            reason,
        };
        if !period.is_finite() || period <= 0.0 {
            return Err(invalid(format!(
                "the period must be positive, not {period} ms"
            )));
        }
        if !offset.is_finite() {
            return Err(invalid(format!(
                "the offset must be finite, not {offset} ms"
            )));
        }
        if !wait.is_finite() || wait < 0.0 {
            return Err(invalid(format!(
                "the wait must be non-negative, not {wait} ms"
            )));
        }
        let period = period.max(dt);
        Ok(Callback {
            period,
            offset: offset.min(period),
            wait,
            f,
            first: 0,
            period_steps: 1,
            calls: 0,
        })
    }

    /// Prepares the moments of a `simulate` that starts at step `t0`.
    pub fn start(&mut self, t0: i64, dt: f64) {
        // ANNarchy converts with `int()` (towards zero) and Python's `%`
        // (the sign of the divisor).
        self.period_steps = ((self.period / dt) as i64).max(1);
        let offset = ((self.offset / dt) as i64).rem_euclid(self.period_steps);
        let wait = (self.wait / dt) as i64;
        self.first = t0 + wait + offset;
        self.calls = 0;
    }

    /// The step of the next call.
    pub fn next(&self) -> i64 {
        self.first + self.calls as i64 * self.period_steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn callback(period: f64, offset: f64, wait: f64) -> Callback {
        Callback::new(period, offset, wait, 1.0, Box::new(|_, _| Ok(()))).expect("valid")
    }

    #[test]
    fn moments_follow_annarchy() {
        let mut c = callback(100.0, -10.0, 0.0);
        c.start(5, 1.0);
        assert_eq!(c.next(), 95);
        c.calls = 2;
        assert_eq!(c.next(), 295);
        let mut c = callback(10.0, 3.0, 25.0);
        c.start(0, 1.0);
        assert_eq!(c.next(), 28);
        // An offset beyond the period becomes the period, which modulo the
        // period puts the first call at the start.
        let mut c = callback(10.0, 30.0, 0.0);
        c.start(0, 1.0);
        assert_eq!(c.next(), 0);
        // A period below dt is dt.
        let mut c = Callback::new(0.01, 0.0, 0.0, 0.5, Box::new(|_, _| Ok(()))).expect("valid");
        c.start(0, 0.5);
        assert_eq!(c.period_steps, 1);
    }

    #[test]
    fn invalid_timing_is_an_error() {
        for (p, o, w) in [
            (0.0, 0.0, 0.0),
            (f64::NAN, 0.0, 0.0),
            (1.0, f64::INFINITY, 0.0),
            (1.0, 0.0, -1.0),
        ] {
            assert!(
                Callback::new(p, o, w, 1.0, Box::new(|_, _| Ok(()))).is_err(),
                "{p} {o} {w}"
            );
        }
    }
}
