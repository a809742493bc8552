//! Simple STDP: spike-timing dependent plasticity on one neuron driven by
//! 1000 Poisson inputs, after Song, Miller & Abbott (2000), as in ANNarchy's
//! `examples/simple_stdp/SimpleSTDPModel.py`.
//!
//! 1000 Poisson neurons firing at 15 Hz (the standard `Poisson` neuron with
//! `rates = 15`) project all-to-all onto one integrate-and-fire neuron
//! through the standard `STDP` synapse. The neuron is the one of ANNarchy's
//! example (explicit Euler, `dt = 1` ms, no refractory period):
//!
//! ```text
//! tau_m * dv/dt = El - v + g_exc * (Ee - vr) : init = -60
//! tau_e * dg_exc/dt = -g_exc
//! ```
//!
//! with `tau_m = 10`, `tau_e = 5` ms, `El = -74`, `Ee = 0`, a spike when
//! `v > vt = -54` and a reset to `vr = -60` mV. (The synaptic current is
//! `g_exc * (Ee - vr)`, as in ANNarchy's example: the driving force is taken
//! at the reset potential, which makes the synapses current-based.)
//!
//! The synapses start with weights `Uniform(0, w_max)`, `w_max = 0.01`, and
//! learn with the additive, online STDP rule of ANNarchy's `STDP` model:
//! each pre-synaptic spike adds `A_plus * w_max` to a trace `x` and adds the
//! post-synaptic trace `y` (negative) to `w`; each post-synaptic spike adds
//! `-A_minus * w_max` to `y` and `x` to `w`; both traces decay with time
//! constants of 20 ms, and `w` stays within `[0, w_max]`. With
//! `A_plus = 0.01` and `A_minus = 0.0105`, depression slightly outweighs
//! potentiation. Inputs whose spikes happen to cause output spikes are
//! potentiated, the others depressed: the weights are driven to the bounds
//! and end in a bimodal distribution (most near 0, some near `w_max`), while
//! the output rate falls from above 50 Hz to about 20 Hz. (ANNarchy 4.8,
//! seed 42: 27.2 Hz on average over 100 s, 295 weights in the lowest tenth
//! of `[0, w_max]` and 180 in the highest; 27.0 Hz, 291 and 166 here.)
//!
//! The program simulates 100 s by default and prints on stdout a summary
//! that depends only on the seed: the input and output rates, the output
//! rate over the run, and a 10-bin histogram of the final weights relative
//! to `w_max`. The build and simulation times go to stderr.
//!
//! ```text
//! cargo run --release --example stdp [DURATION_MS [SEED]]
//! ```

use std::fmt;
use std::time::{Duration, Instant};

use annarchy::prelude::*;

annarchy::neuron! {
    /// The integrate-and-fire neuron of ANNarchy's simple STDP example.
    pub struct SongIf {
        parameters: "
            tau_m = 10.0
            tau_e = 5.0
            vt = -54.0
            vr = -60.0
            El = -74.0
            Ee = 0.0
        ",
        equations: "
            tau_m * dv/dt = El - v + g_exc * (Ee - vr) : init = -60.0
            tau_e * dg_exc/dt = -g_exc
        ",
        spike: "v > vt",
        reset: "v = vr",
    }
}

/// Number of Poisson inputs.
pub const INPUTS: usize = 1000;
/// Firing rate of the inputs, Hz.
pub const INPUT_RATE: f64 = 15.0;
/// Maximal weight.
pub const W_MAX: f64 = 0.01;
/// Amplitude of potentiation, relative to `W_MAX`.
pub const A_PLUS: f64 = 0.01;
/// Amplitude of depression, relative to `W_MAX`.
pub const A_MINUS: f64 = 0.0105;
/// Number of bins of the weight histogram.
pub const BINS: usize = 10;

/// What to simulate.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Seed of the network (initial weights, Poisson spikes).
    pub seed: u64,
    /// Simulated time, ms (steps of 1 ms).
    pub duration_ms: f64,
    /// Number of periods over which the output rate is reported.
    pub periods: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 42,
            duration_ms: 100_000.0,
            periods: 10,
        }
    }
}

/// The result of a run.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The configuration simulated.
    pub config: Config,
    /// The weights before learning, by input rank.
    pub initial_weights: Vec<f64>,
    /// The weights after learning, by input rank.
    pub weights: Vec<f64>,
    /// Number of spikes of all inputs.
    pub input_spikes: usize,
    /// Spike steps of the output neuron.
    pub output_spikes: Vec<i64>,
    /// Wall-clock time of the construction of the network.
    pub build_time: Duration,
    /// Wall-clock time of the simulation.
    pub simulation_time: Duration,
}

/// Number of `weights` in each of [`BINS`] equal bins of `[0, W_MAX]`
/// (`W_MAX` itself in the last one).
pub fn weight_histogram(weights: &[f64]) -> [usize; BINS] {
    let mut h = [0; BINS];
    for &w in weights {
        let bin = ((w / W_MAX * BINS as f64) as usize).min(BINS - 1);
        h[bin] += 1;
    }
    h
}

impl Outcome {
    /// Mean firing rate of the inputs, Hz.
    pub fn input_rate(&self) -> f64 {
        self.input_spikes as f64 / INPUTS as f64 / (self.config.duration_ms / 1000.0)
    }

    /// Mean firing rate of the output neuron, Hz.
    pub fn output_rate(&self) -> f64 {
        self.output_spikes.len() as f64 / (self.config.duration_ms / 1000.0)
    }

    /// Output rate (Hz) in each of `config.periods` equal periods of the run.
    pub fn output_rates(&self) -> Vec<f64> {
        let n = self.config.periods;
        let steps = self.config.duration_ms;
        let mut counts = vec![0usize; n];
        for &s in &self.output_spikes {
            counts[((s as f64 / steps * n as f64) as usize).min(n - 1)] += 1;
        }
        let seconds = self.config.duration_ms / 1000.0 / n as f64;
        counts.iter().map(|&c| c as f64 / seconds).collect()
    }

    /// The summary printed by the example.
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        writeln!(
            f,
            "simple STDP: {INPUTS} Poisson inputs at {INPUT_RATE} Hz -> 1 neuron, {} ms at dt = 1 ms, seed {}",
            c.duration_ms, c.seed
        )?;
        writeln!(f, "input rate: {:.3} Hz", self.input_rate())?;
        writeln!(
            f,
            "output rate: {:.2} Hz ({} spikes)",
            self.output_rate(),
            self.output_spikes.len()
        )?;
        let width = c.duration_ms / c.periods as f64;
        let rates: Vec<String> = self
            .output_rates()
            .iter()
            .map(|r| format!("{r:.1}"))
            .collect();
        writeln!(f, "output rate (Hz) per {width} ms: {}", rates.join(" "))?;
        let mean = |w: &[f64]| w.iter().sum::<f64>() / w.len() as f64 / W_MAX;
        writeln!(
            f,
            "mean w / w_max: {:.3} before, {:.3} after",
            mean(&self.initial_weights),
            mean(&self.weights)
        )?;
        writeln!(f, "final weights, w / w_max:")?;
        let h = weight_histogram(&self.weights);
        let most = h.iter().copied().max().unwrap_or(0).max(1);
        for (i, &n) in h.iter().enumerate() {
            let lo = i as f64 / BINS as f64;
            let hi = (i + 1) as f64 / BINS as f64;
            let bar = "#".repeat((n * 50).div_ceil(most));
            writeln!(
                f,
                "  [{lo:.1}, {hi:.1}{}: {n:4} {bar}",
                if i + 1 == BINS { "]" } else { ")" }
            )?;
        }
        Ok(())
    }
}

/// Builds the network, simulates `config.duration_ms` and reads the weights.
pub fn run(config: &Config) -> annarchy::Result<Outcome> {
    let start = Instant::now();
    let mut b = Network::builder().dt(1.0)?.seed(config.seed);
    let input = b.population::<Poisson>("Input", INPUTS)?;
    b.set(input, "rates", INPUT_RATE)?;
    let output = b.population::<SongIf>("Output", 1)?;
    let proj = b
        .projection::<STDP>(input, output, "exc")
        .name("proj")
        .connect_all_to_all(RandomDistribution::uniform(0.0, W_MAX))?;
    b.proj_set(proj, "tau_plus", 20.0)?;
    b.proj_set(proj, "tau_minus", 20.0)?;
    b.proj_set(proj, "A_plus", A_PLUS)?;
    b.proj_set(proj, "A_minus", A_MINUS)?;
    b.proj_set(proj, "w_max", W_MAX)?;
    let mi = b.monitor(input, &["spike"])?;
    let mo = b.monitor(output, &["spike"])?;
    let mut net = b.build()?;
    let initial_weights = net.proj_get(proj, "w")?;
    let build_time = start.elapsed();

    let start = Instant::now();
    net.simulate(config.duration_ms)?;
    let simulation_time = start.elapsed();

    let input_spikes = net.monitor_spikes(mi)?.values().map(Vec::len).sum();
    let output_spikes = net.monitor_spikes(mo)?.remove(&0).unwrap_or_default();
    let weights = net.proj_get(proj, "w")?;
    Ok(Outcome {
        config: *config,
        initial_weights,
        weights,
        input_spikes,
        output_spikes,
        build_time,
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
    // Optional arguments: simulated time (ms), seed.
    let mut config = Config::default();
    let mut args = std::env::args().skip(1);
    if let Some(duration) = args.next() {
        config.duration_ms = parse_arg(&duration, "the first argument is a duration in ms")?;
    }
    if let Some(seed) = args.next() {
        config.seed = parse_arg(&seed, "the second argument is a seed")?;
    }
    let outcome = run(&config)?;
    print!("{outcome}");
    eprintln!(
        "build time: {:.1} ms, simulation time: {:.3} s",
        outcome.build_time.as_secs_f64() * 1e3,
        outcome.simulation_time.as_secs_f64()
    );
    Ok(())
}

/// A command-line argument, or an error saying which one is wrong.
fn parse_arg<T: std::str::FromStr>(value: &str, what: &str) -> annarchy::Result<T> {
    value.parse().map_err(|_| annarchy::Error::Invalid {
        object: "command line".into(),
        reason: format!("{what}, not `{value}`"),
    })
}
