//! Hodgkin-Huxley neurons answering a 1 ms current pulse, after ANNarchy's
//! `examples/hodgkin_huxley/HodgkinHuxley.py`.
//!
//! Two single-neuron populations are simulated side by side with
//! `dt = 0.01` ms:
//!
//! * `hh`, the neuron of ANNarchy's example, written here with
//!   `annarchy::neuron!`: the classic Hodgkin-Huxley equations with the
//!   parameters of Börgers et al. (2010) (`C = 1`, leak `gL = 0.3` at
//!   `VL = -59.387`, potassium `gK = 36` at `VK = -82`, sodium `gNa = 120` at
//!   `VNa = 45`), the gating variables `n`, `m`, `h` and the membrane
//!   potential `V` all integrated with the midpoint method (one coupled
//!   block), and a spike when `V` crosses `vt = 30` mV from below
//!   (`(V > vt) and (prev_V <= vt)`, no reset). It starts from `V = -50`,
//!   `n = 0.3`, `m = 0`, `h = 0.6`; the pulse sets its external current `I`
//!   to 200 for 1 ms.
//! * `hh_cond_exp`, the standard `HH_cond_exp` model (Traub-Miles
//!   kinetics as in PyNN, exponential integration), with its default
//!   parameters and initial values; the pulse sets its `i_offset` to
//!   [`PULSE_COND_EXP`] nA for the same millisecond.
//!
//! The protocol is the example's: 100 ms without input (the neurons relax
//! from their initial state to rest without firing), the 1 ms pulse, then
//! 100 ms without input. The pulse triggers one action potential in each
//! neuron, after which the membrane returns to rest; the membrane
//! potentials are those of ANNarchy 4.8 to the fourth decimal. The
//! program prints on stdout the spike times of both neurons and their
//! membrane potential at a few times around the pulse; the summary is
//! deterministic (there is nothing random). The simulation time goes to
//! stderr.
//!
//! ```text
//! cargo run --release --example hh
//! ```

use std::fmt;
use std::time::{Duration, Instant};

use annarchy::prelude::*;

annarchy::neuron! {
    /// The Hodgkin-Huxley neuron of ANNarchy's example (Börgers et al.
    /// 2010), integrated with the midpoint method.
    pub struct HodgkinHuxley {
        parameters: "
            C = 1.0 # Capacitance
            VL = -59.387 # Leak voltage
            VK = -82.0 # Potassium reversal voltage
            VNa = 45.0 # Sodium reversal voltage
            gK = 36.0 # Maximal potassium conductance
            gNa = 120.0 # Maximal sodium conductance
            gL = 0.3 # Leak conductance
            vt = 30.0 # Threshold for spike emission
            I = 0.0 # External current
        ",
        equations: "
            # Previous membrane potential
            prev_V = V

            # Voltage-dependency parameters
            an = 0.01 * (V + 60.0) / (1.0 - exp(-0.1 * (V + 60.0)))
            am = 0.1 * (V + 45.0) / (1.0 - exp(-0.1 * (V + 45.0)))
            ah = 0.07 * exp(-0.05 * (V + 70.0))

            bn = 0.125 * exp(-0.0125 * (V + 70.0))
            bm = 4.0 * exp(-(V + 70.0) / 80.0)
            bh = 1.0 / (1.0 + exp(-0.1 * (V + 40.0)))

            # Alpha/Beta functions
            dn/dt = an * (1.0 - n) - bn * n : init = 0.3, midpoint
            dm/dt = am * (1.0 - m) - bm * m : init = 0.0, midpoint
            dh/dt = ah * (1.0 - h) - bh * h : init = 0.6, midpoint

            # Membrane equation
            C * dV/dt = gL * (VL - V) + gK * n**4 * (VK - V) + gNa * m**3 * h * (VNa - V) + I : midpoint
        ",
        spike: "(V > vt) and (prev_V <= vt)",
        reset: "",
    }
}

/// Step of the simulation, ms.
pub const DT: f64 = 0.01;
/// Amplitude of the pulse given to `hh` (its `I`).
pub const PULSE_HH: f64 = 200.0;
/// Amplitude of the pulse given to `hh_cond_exp` (its `i_offset`, nA).
pub const PULSE_COND_EXP: f64 = 5.0;
/// Times (ms) at which the membrane potentials are printed.
pub const SHOWN: [f64; 10] = [
    0.0, 50.0, 100.0, 100.5, 101.0, 101.5, 102.0, 105.0, 110.0, 201.0,
];

/// What to simulate.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Time before the pulse, ms.
    pub before_ms: f64,
    /// Duration of the pulse, ms.
    pub pulse_ms: f64,
    /// Time after the pulse, ms.
    pub after_ms: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            before_ms: 100.0,
            pulse_ms: 1.0,
            after_ms: 100.0,
        }
    }
}

/// The recording of one neuron.
#[derive(Clone, Debug)]
pub struct Trace {
    /// Name of the population.
    pub name: &'static str,
    /// Steps of the spikes.
    pub spikes: Vec<i64>,
    /// Membrane potential after each step (row `k`: after `k + 1` steps).
    pub v: Vec<f64>,
}

impl Trace {
    /// Spike times, ms.
    pub fn spike_times(&self) -> Vec<f64> {
        self.spikes.iter().map(|&s| s as f64 * DT).collect()
    }

    /// Membrane potential at time `t` ms (after `round(t / dt)` steps; the
    /// value of the first recorded step for `t = 0`).
    pub fn v_at(&self, t: f64) -> f64 {
        let k = ((t / DT).round() as usize).clamp(1, self.v.len());
        self.v[k - 1]
    }

    /// Largest membrane potential in the time window `[from, to)` ms, and
    /// when.
    pub fn peak(&self, from: f64, to: f64) -> (f64, f64) {
        let a = (from / DT).round() as usize;
        let b = ((to / DT).round() as usize).min(self.v.len());
        self.v[a..b]
            .iter()
            .enumerate()
            .fold((f64::NEG_INFINITY, 0.0), |best, (i, &v)| {
                if v > best.0 {
                    (v, (a + i + 1) as f64 * DT)
                } else {
                    best
                }
            })
    }
}

/// The result of a run.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The configuration simulated.
    pub config: Config,
    /// The neuron of ANNarchy's example.
    pub hh: Trace,
    /// The standard `HH_cond_exp` neuron.
    pub cond_exp: Trace,
    /// Wall-clock time of the simulation.
    pub simulation_time: Duration,
}

impl Outcome {
    /// The summary printed by the example.
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        let on = c.before_ms;
        let off = c.before_ms + c.pulse_ms;
        let end = off + c.after_ms;
        writeln!(
            f,
            "Hodgkin-Huxley neurons, dt = {DT} ms: {} ms at rest, pulse from {on} to {off} ms, {} ms at rest",
            c.before_ms, c.after_ms
        )?;
        for (trace, pulse) in [(&self.hh, PULSE_HH), (&self.cond_exp, PULSE_COND_EXP)] {
            let times: Vec<String> = trace
                .spike_times()
                .iter()
                .map(|t| format!("{t:.2}"))
                .collect();
            writeln!(f, "{} (pulse {pulse}):", trace.name)?;
            writeln!(
                f,
                "  spikes at (ms): {}",
                if times.is_empty() {
                    "none".to_string()
                } else {
                    times.join(" ")
                }
            )?;
            let (peak, when) = trace.peak(on, end);
            writeln!(
                f,
                "  peak of V after the pulse onset: {peak:.3} mV at {when:.2} ms"
            )?;
            for t in SHOWN.iter().filter(|&&t| t <= end) {
                writeln!(f, "  V({t:5.1} ms) = {:9.4} mV", trace.v_at(*t))?;
            }
        }
        Ok(())
    }
}

/// Simulates both neurons through the protocol and records them.
pub fn run(config: &Config) -> annarchy::Result<Outcome> {
    let mut b = Network::builder().dt(DT)?;
    let hh = b.population::<HodgkinHuxley>("hh", 1)?;
    b.set(hh, "V", -50.0)?;
    let ce = b.population::<HH_cond_exp>("hh_cond_exp", 1)?;
    let m_hh = b.monitor(hh, &["spike", "V"])?;
    let m_ce = b.monitor(ce, &["spike", "v"])?;
    let mut net = b.build()?;

    let start = Instant::now();
    net.simulate(config.before_ms)?;
    net.set(hh, "I", PULSE_HH)?;
    net.set(ce, "i_offset", PULSE_COND_EXP)?;
    net.simulate(config.pulse_ms)?;
    net.set(hh, "I", 0.0)?;
    net.set(ce, "i_offset", 0.0)?;
    net.simulate(config.after_ms)?;
    let simulation_time = start.elapsed();

    let mut trace = |name, m, v| -> annarchy::Result<Trace> {
        Ok(Trace {
            name,
            spikes: net.monitor_spikes(m)?.remove(&0).unwrap_or_default(),
            v: net
                .monitor_get(m, v)?
                .values
                .into_iter()
                .map(|row| row[0])
                .collect(),
        })
    };
    let hh = trace("hh", m_hh, "V")?;
    let cond_exp = trace("hh_cond_exp", m_ce, "v")?;
    Ok(Outcome {
        config: *config,
        hh,
        cond_exp,
        simulation_time,
    })
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    match try_main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[allow(dead_code)]
fn try_main() -> annarchy::Result<()> {
    let outcome = run(&Config::default())?;
    print!("{outcome}");
    eprintln!(
        "simulation time: {:.3} s",
        outcome.simulation_time.as_secs_f64()
    );
    Ok(())
}
