//! COBA: the conductance-based benchmark network of Vogels & Abbott (2005),
//! as in Brette et al. (2007) and ANNarchy's `examples/vogels_abbott/COBA.py`.
//!
//! 4000 leaky integrate-and-fire neurons with conductance-based synapses, 80 %
//! excitatory (ranks `0..3200`) and 20 % inhibitory (ranks `3200..4000`),
//! sparsely and randomly coupled: each pair is connected with probability
//! 0.02, excitatory synapses add 0.6 to `g_exc`, inhibitory ones 6.7 to
//! `g_inh`. The neuron, every parameter shared by the population
//! (`: population`), is integrated with explicit Euler at `dt = 0.1` ms:
//!
//! ```text
//! tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I
//! tau_exc * dg_exc/dt = -g_exc
//! tau_inh * dg_inh/dt = -g_inh
//! ```
//!
//! with a spike when `v > Vt`, a reset to `Vr` and a refractory period of
//! 5 ms. Initial values are drawn from `v ~ Normal(-55, 5)`,
//! `g_exc ~ Normal(4, 1.5)` and `g_inh ~ Normal(20, 12)` (not clipped). The
//! constant drive `I = 20` holds the resting potential above threshold, so
//! the network settles into the self-sustained asynchronous irregular state
//! of the benchmark: about 20 Hz on average (ANNarchy 4.8 gives 20.2 Hz and
//! Brian2 19.9 Hz for the 10 s run; 20.17 Hz here with seed 42), with
//! irregular, bursty spike trains: the coefficient of variation of the
//! inter-spike intervals is 1.80 on average over the neurons, in ANNarchy
//! as here.
//!
//! The program simulates 10 s by default and prints on stdout a summary that
//! depends only on the seed: the number of synapses and of spikes, the mean
//! firing rates, the mean CV of the inter-spike intervals and the population
//! rate over the run. The build and simulation times go to stderr.
//!
//! ```text
//! cargo run --release --example coba [DURATION_MS [SEED [THREADS]]]
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use annarchy::prelude::*;

annarchy::neuron! {
    /// The COBA neuron: leaky integrate-and-fire with exponentially decaying
    /// excitatory and inhibitory conductances.
    pub struct Coba {
        parameters: "
            El = -60.0 : population
            Vr = -60.0 : population
            Erev_exc = 0.0 : population
            Erev_inh = -80.0 : population
            Vt = -50.0 : population
            tau = 20.0 : population
            tau_exc = 5.0 : population
            tau_inh = 10.0 : population
            I = 20.0 : population
        ",
        equations: "
            tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I
            tau_exc * dg_exc/dt = -g_exc
            tau_inh * dg_inh/dt = -g_inh
        ",
        spike: "v > Vt",
        reset: "v = Vr",
        refractory: 5.0,
    }
}

/// Number of neurons of the benchmark.
pub const NEURONS: usize = 4000;
/// Step of the benchmark, ms.
pub const DT: f64 = 0.1;
/// Connection probability.
pub const PROBABILITY: f64 = 0.02;
/// Weight of the excitatory synapses.
pub const W_EXC: f64 = 0.6;
/// Weight of the inhibitory synapses.
pub const W_INH: f64 = 6.7;

/// What to simulate.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Seed of the network (connectivity, initial values).
    pub seed: u64,
    /// Number of neurons, the first 80 % excitatory.
    pub neurons: usize,
    /// Simulated time, ms.
    pub duration_ms: f64,
    /// Number of threads of the simulation (the result does not depend on it).
    pub threads: usize,
    /// Precision of the neurons' arrays (double by default).
    pub precision: Precision,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 42,
            neurons: NEURONS,
            duration_ms: 10_000.0,
            threads: 1,
            precision: Precision::Double,
        }
    }
}

impl Config {
    /// Number of excitatory neurons (the first ranks).
    pub fn excitatory(&self) -> usize {
        self.neurons * 4 / 5
    }
}

/// The result of a run.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The configuration simulated.
    pub config: Config,
    /// Number of excitatory and of inhibitory synapses.
    pub synapses: (usize, usize),
    /// Spike steps of every neuron, by rank.
    pub spikes: Vec<Vec<i64>>,
    /// Wall-clock time of the construction of the network.
    pub build_time: Duration,
    /// Wall-clock time of the simulation.
    pub simulation_time: Duration,
}

impl Outcome {
    /// Number of spikes of the neurons `ranks`.
    pub fn spike_count(&self, ranks: std::ops::Range<usize>) -> usize {
        self.spikes[ranks].iter().map(Vec::len).sum()
    }

    /// Mean firing rate (Hz) of the neurons `ranks`.
    pub fn rate(&self, ranks: std::ops::Range<usize>) -> f64 {
        let n = ranks.len() as f64;
        self.spike_count(ranks) as f64 / n / (self.config.duration_ms / 1000.0)
    }

    /// Mean firing rate (Hz) of the whole network.
    pub fn mean_rate(&self) -> f64 {
        self.rate(0..self.config.neurons)
    }

    /// Mean coefficient of variation of the inter-spike intervals, over the
    /// neurons with at least two intervals, and the number of those neurons.
    pub fn mean_cv(&self) -> (f64, usize) {
        mean_cv(&self.spikes)
    }

    /// Number of spikes in each of `bins` equal periods of the run.
    pub fn population_histogram(&self, bins: usize) -> Vec<usize> {
        histogram(&self.spikes, self.config.duration_ms / DT, bins)
    }

    /// The summary printed by the example.
    pub fn summary(&self) -> String {
        self.to_string()
    }
}

/// Mean coefficient of variation (population standard deviation over mean)
/// of the inter-spike intervals, over the trains with at least two intervals,
/// and the number of such trains.
pub fn mean_cv(trains: &[Vec<i64>]) -> (f64, usize) {
    let cvs: Vec<f64> = trains
        .iter()
        .filter(|s| s.len() >= 3)
        .map(|s| {
            let isi: Vec<f64> = s.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
            let n = isi.len() as f64;
            let mean = isi.iter().sum::<f64>() / n;
            let var = isi.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
            var.sqrt() / mean
        })
        .collect();
    if cvs.is_empty() {
        return (f64::NAN, 0);
    }
    (cvs.iter().sum::<f64>() / cvs.len() as f64, cvs.len())
}

/// Number of spikes of all `trains` in each of `bins` equal periods of
/// `steps` steps.
pub fn histogram(trains: &[Vec<i64>], steps: f64, bins: usize) -> Vec<usize> {
    let mut counts = vec![0; bins];
    for &s in trains.iter().flatten() {
        let bin = ((s as f64 / steps * bins as f64) as usize).min(bins - 1);
        counts[bin] += 1;
    }
    counts
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.config;
        let ne = c.excitatory();
        writeln!(
            f,
            "COBA: {} neurons ({ne} excitatory), {} ms at dt = {DT} ms, seed {}",
            c.neurons, c.duration_ms, c.seed
        )?;
        writeln!(
            f,
            "synapses: {} excitatory, {} inhibitory",
            self.synapses.0, self.synapses.1
        )?;
        writeln!(
            f,
            "spikes: {} ({} excitatory, {} inhibitory)",
            self.spike_count(0..c.neurons),
            self.spike_count(0..ne),
            self.spike_count(ne..c.neurons)
        )?;
        writeln!(f, "mean firing rate: {:.2} Hz", self.mean_rate())?;
        writeln!(
            f,
            "  excitatory {:.2} Hz, inhibitory {:.2} Hz",
            self.rate(0..ne),
            self.rate(ne..c.neurons)
        )?;
        let silent = self.spikes.iter().filter(|s| s.is_empty()).count();
        writeln!(f, "silent neurons: {silent}")?;
        let (cv, n) = self.mean_cv();
        writeln!(
            f,
            "mean CV of the inter-spike intervals: {cv:.3} ({n} neurons)"
        )?;
        let bins = 10;
        let width = c.duration_ms / bins as f64;
        let rates: Vec<String> = self
            .population_histogram(bins)
            .iter()
            .map(|&n| format!("{:.1}", n as f64 / c.neurons as f64 / (width / 1000.0)))
            .collect();
        writeln!(
            f,
            "population rate (Hz) per {width} ms: {}",
            rates.join(" ")
        )
    }
}

/// The network of the example, built and ready to simulate, with the
/// handles of its objects.
pub struct Built {
    /// The network.
    pub net: Network,
    /// The excitatory projection (target `exc`).
    pub ce: ProjId<DefaultSpikingSynapse>,
    /// The inhibitory projection (target `inh`).
    pub ci: ProjId<DefaultSpikingSynapse>,
    /// The monitor of the spikes of all neurons.
    pub spikes: MonitorId,
}

/// Builds the network of `config` (its seed, size and threads).
pub fn network(config: &Config) -> annarchy::Result<Built> {
    let mut b = Network::builder()
        .dt(DT)?
        .seed(config.seed)
        .threads(config.threads)
        .precision(config.precision)?;
    let p = b.population::<Coba>("P", config.neurons)?;
    let ne = config.excitatory();
    let pe = b.view(p, 0..ne)?;
    let pi = b.view(p, ne..config.neurons)?;
    b.set(p, "v", RandomDistribution::normal(-55.0, 5.0))?;
    b.set(p, "g_exc", RandomDistribution::normal(4.0, 1.5))?;
    b.set(p, "g_inh", RandomDistribution::normal(20.0, 12.0))?;
    let ce = b
        .projection::<DefaultSpikingSynapse>(pe, p, "exc")
        .name("Ce")
        .connect_fixed_probability(PROBABILITY, W_EXC)?;
    let ci = b
        .projection::<DefaultSpikingSynapse>(pi, p, "inh")
        .name("Ci")
        .connect_fixed_probability(PROBABILITY, W_INH)?;
    let m = b.monitor(p, &["spike"])?;
    Ok(Built {
        net: b.build()?,
        ce,
        ci,
        spikes: m,
    })
}

/// Builds the network, simulates `config.duration_ms` and collects the spikes.
pub fn run(config: &Config) -> annarchy::Result<Outcome> {
    let start = Instant::now();
    let Built {
        mut net,
        ce,
        ci,
        spikes: m,
        ..
    } = network(config)?;
    let build_time = start.elapsed();

    let start = Instant::now();
    net.simulate(config.duration_ms)?;
    let simulation_time = start.elapsed();

    let synapses = (net.nb_synapses(ce), net.nb_synapses(ci));
    let spikes = collect(net.monitor_spikes(m)?, config.neurons);
    Ok(Outcome {
        config: *config,
        synapses,
        spikes,
        build_time,
        simulation_time,
    })
}

/// The spike trains of `n` neurons, by rank, from a monitor's recording.
fn collect(recorded: BTreeMap<u32, Vec<i64>>, n: usize) -> Vec<Vec<i64>> {
    let mut spikes = vec![Vec::new(); n];
    for (rank, steps) in recorded {
        spikes[rank as usize] = steps;
    }
    spikes
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
    // Optional arguments: simulated time (ms), seed, threads.
    let mut config = Config::default();
    let mut args = std::env::args().skip(1);
    if let Some(duration) = args.next() {
        config.duration_ms = parse_arg(&duration, "the first argument is a duration in ms")?;
    }
    if let Some(seed) = args.next() {
        config.seed = parse_arg(&seed, "the second argument is a seed")?;
    }
    if let Some(threads) = args.next() {
        config.threads = parse_arg(&threads, "the third argument is a number of threads")?;
    }
    let outcome = run(&config)?;
    print!("{outcome}");
    eprintln!(
        "build time: {:.1} ms, simulation time: {:.3} s ({} thread{})",
        outcome.build_time.as_secs_f64() * 1e3,
        outcome.simulation_time.as_secs_f64(),
        config.threads,
        if config.threads == 1 { "" } else { "s" }
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
