//! Where the time of a simulation goes: wall-clock time per phase of the
//! step and per population or projection (ANNarchy's `measure_time` and
//! its profiler), measured only when asked for with
//! [`crate::network::Network::set_measure_time`].

use std::fmt;
use std::time::{Duration, Instant};

/// The phases of a step that are timed, in the order of a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Weighted sums and spike delivery, per projection.
    Transmission,
    /// Random numbers of the equations, all objects together.
    Random,
    /// Neuron equations, spike emission and reset, per population.
    NeuronUpdate,
    /// Delay queues and global operations, all populations together.
    Delays,
    /// Synaptic equations, per projection.
    SynapseUpdate,
    /// `post_spike` events, per projection.
    PostEvents,
    /// Recording, all monitors together.
    Monitors,
    /// Functions declared with [`crate::network::Network::every`].
    Callbacks,
}

impl Phase {
    /// How a report names the phase.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Transmission => "transmission",
            Phase::Random => "random numbers",
            Phase::NeuronUpdate => "neuron update",
            Phase::Delays => "delays and global operations",
            Phase::SynapseUpdate => "synapse update",
            Phase::PostEvents => "post-synaptic events",
            Phase::Monitors => "monitors",
            Phase::Callbacks => "callbacks",
        }
    }
}

/// The accumulated times of the steps, sized when the network is built so
/// that measuring allocates nothing.
#[derive(Clone, Debug, Default)]
pub(crate) struct StepTimes {
    pub enabled: bool,
    pub steps: u64,
    pub transmission: Vec<Duration>,
    pub neuron: Vec<Duration>,
    pub synapse: Vec<Duration>,
    pub post_events: Vec<Duration>,
    pub random: Duration,
    pub delays: Duration,
    pub monitors: Duration,
    pub callbacks: Duration,
}

impl StepTimes {
    pub fn new(populations: usize, projections: usize) -> StepTimes {
        StepTimes {
            transmission: vec![Duration::ZERO; projections],
            neuron: vec![Duration::ZERO; populations],
            synapse: vec![Duration::ZERO; projections],
            post_events: vec![Duration::ZERO; projections],
            ..StepTimes::default()
        }
    }

    /// Sets every time back to zero.
    pub fn clear(&mut self) {
        let enabled = self.enabled;
        *self = StepTimes::new(self.neuron.len(), self.transmission.len());
        self.enabled = enabled;
    }

    /// The summary, with the names of the objects.
    pub fn summary(&self, populations: &[&str], projections: &[&str], dt: f64) -> TimingSummary {
        let mut rows = Vec::new();
        let mut each = |phase: Phase, times: &[Duration], names: &[&str]| {
            for (t, name) in times.iter().zip(names) {
                rows.push(TimingRow {
                    phase,
                    object: (*name).to_string(),
                    total: *t,
                });
            }
        };
        each(Phase::Transmission, &self.transmission, projections);
        each(Phase::NeuronUpdate, &self.neuron, populations);
        each(Phase::SynapseUpdate, &self.synapse, projections);
        each(Phase::PostEvents, &self.post_events, projections);
        for (phase, total) in [
            (Phase::Random, self.random),
            (Phase::Delays, self.delays),
            (Phase::Monitors, self.monitors),
            (Phase::Callbacks, self.callbacks),
        ] {
            rows.push(TimingRow {
                phase,
                object: String::new(),
                total,
            });
        }
        rows.sort_by_key(|r| r.phase);
        TimingSummary {
            steps: self.steps,
            simulated_ms: self.steps as f64 * dt,
            rows,
        }
    }
}

/// A stopwatch whose laps go to the phase that just ended; it reads the
/// clock only when measuring.
pub(crate) struct Lap(Option<Instant>);

impl Lap {
    pub fn start(enabled: bool) -> Lap {
        Lap(enabled.then(Instant::now))
    }

    /// Adds the time since the last lap to `total`.
    #[inline]
    pub fn to(&mut self, total: &mut Duration) {
        if let Some(last) = &mut self.0 {
            let now = Instant::now();
            *total += now - *last;
            *last = now;
        }
    }
}

/// The time spent in one phase by one object.
#[derive(Clone, Debug, PartialEq)]
pub struct TimingRow {
    /// The phase of the step.
    pub phase: Phase,
    /// The population or projection (empty for phases timed as a whole).
    pub object: String,
    /// Wall-clock time over all the steps measured.
    pub total: Duration,
}

/// Where the time of the steps measured since
/// [`crate::network::Network::set_measure_time`] went (or since
/// [`crate::network::Network::reset_timing`]). Its `Display` is a table.
#[derive(Clone, Debug, PartialEq)]
pub struct TimingSummary {
    /// Steps measured.
    pub steps: u64,
    /// Simulated time of those steps, ms.
    pub simulated_ms: f64,
    /// One row per phase and object, in the order of a step.
    pub rows: Vec<TimingRow>,
}

impl TimingSummary {
    /// The total of the rows.
    pub fn total(&self) -> Duration {
        self.rows.iter().map(|r| r.total).sum()
    }

    /// The total of one phase over every object.
    pub fn phase(&self, phase: Phase) -> Duration {
        self.rows
            .iter()
            .filter(|r| r.phase == phase)
            .map(|r| r.total)
            .sum()
    }
}

impl fmt::Display for TimingSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.total().as_secs_f64();
        writeln!(
            f,
            "{} steps ({} ms simulated) in {:.6} s",
            self.steps, self.simulated_ms, total
        )?;
        writeln!(
            f,
            "{:<30} {:<20} {:>12} {:>14} {:>7}",
            "phase", "object", "total (s)", "per step (us)", "share"
        )?;
        for r in &self.rows {
            let secs = r.total.as_secs_f64();
            let per_step = if self.steps == 0 {
                0.0
            } else {
                secs * 1e6 / self.steps as f64
            };
            let share = if total > 0.0 {
                100.0 * secs / total
            } else {
                0.0
            };
            writeln!(
                f,
                "{:<30} {:<20} {:>12.6} {:>14.3} {:>6.1}%",
                r.phase.label(),
                r.object,
                secs,
                per_step,
                share
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_objects_and_orders_phases() {
        let mut t = StepTimes::new(2, 1);
        t.steps = 10;
        t.neuron[1] = Duration::from_millis(3);
        t.transmission[0] = Duration::from_millis(1);
        t.monitors = Duration::from_millis(2);
        let s = t.summary(&["a", "b"], &["ab"], 0.5);
        assert_eq!(s.simulated_ms, 5.0);
        assert_eq!(s.total(), Duration::from_millis(6));
        assert_eq!(s.phase(Phase::NeuronUpdate), Duration::from_millis(3));
        assert_eq!(s.rows[0].phase, Phase::Transmission);
        assert_eq!(s.rows[0].object, "ab");
        let text = s.to_string();
        assert!(text.starts_with("10 steps (5 ms simulated) in 0.006000 s"));
        let b = text.lines().find(|l| l.contains(" b ")).unwrap();
        assert!(b.contains("neuron update"), "{b}");
        assert!(b.contains("300.000"), "{b}");
        assert!(b.trim_end().ends_with("50.0%"), "{b}");
        t.clear();
        assert_eq!(t.neuron, vec![Duration::ZERO; 2]);
    }

    #[test]
    fn a_stopwatch_off_measures_nothing() {
        let mut total = Duration::ZERO;
        let mut lap = Lap::start(false);
        std::thread::sleep(Duration::from_millis(2));
        lap.to(&mut total);
        assert_eq!(total, Duration::ZERO);
        let mut lap = Lap::start(true);
        std::thread::sleep(Duration::from_millis(2));
        lap.to(&mut total);
        assert!(total >= Duration::from_millis(2));
    }
}
