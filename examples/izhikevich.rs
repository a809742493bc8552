//! Izhikevich's pulse-coupled network (Izhikevich 2003, "Simple model of
//! spiking neurons"), as in ANNarchy's `examples/izhikevich/Izhikevich.py`.
//!
//! 1000 neurons of the standard `Izhikevich` model, the first 800
//! excitatory (regular spiking to chattering), the last 200 inhibitory (fast
//! spiking to low-threshold spiking), simulated with explicit Euler at
//! `dt = 1` ms. Each neuron gets its own parameters from two random vectors
//! `re`, `ri` of `Uniform(0, 1)` values (drawn from a seeded stream):
//!
//! | | noise | a | b | c | d |
//! |---|---|---|---|---|---|
//! | excitatory | 5 | 0.02 | 0.2 | `-65 + 15 re²` | `8 - 6 re²` |
//! | inhibitory | 2 | `0.02 + 0.08 ri` | `0.25 - 0.05 ri` | -65 | 2 |
//!
//! with `v = -65` and `u = b * v` at the start. The noise term of the model,
//! `noise * Normal(0, 1)` drawn at every step, stands for the random thalamic
//! input. The excitatory neurons project to every neuron with weights
//! `Uniform(0, 0.5)` on target `exc`, the inhibitory ones with weights
//! `Uniform(0, 1)` on target `inh` (the model's input is
//! `I = g_exc - g_inh + noise * Normal(0, 1)`). Both projections are
//! `all_to_all` from a view of the population to the population itself:
//! since the two sides are the same population, the connector leaves out
//! the self-connections (799 excitatory and 200 inhibitory synapses on an
//! excitatory neuron, 800 and 199 on an inhibitory one).
//!
//! After a synchronous burst at the start, the network fires irregularly at
//! about 9 Hz (ANNarchy 4.8: 9.3 Hz), its population activity rhythmic at
//! about 10 Hz (alpha). The program simulates 1 s by default and prints on stdout a
//! summary that depends only on the seed: the number of synapses and spikes,
//! the mean firing rates, the population histogram of spikes per ms (ANNarchy's
//! `Monitor.histogram`) summarised by its peak, by its sums over 50 ms bins
//! and by its dominant frequency, and the spikes of neuron 15 (whose `v` the
//! ANNarchy example plots). The build and simulation times go to stderr.
//!
//! ```text
//! cargo run --release --example izhikevich [DURATION_MS [SEED]]
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use annarchy::prelude::*;
use annarchy::runtime::random::stream;

/// Number of neurons.
pub const NEURONS: usize = 1000;
/// Number of excitatory neurons (the first ranks).
pub const EXCITATORY: usize = 800;
/// The neuron whose membrane potential is recorded.
pub const RECORDED: usize = 15;

/// What to simulate.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Seed of the network (parameters, weights, noise).
    pub seed: u64,
    /// Simulated time, ms (steps of 1 ms).
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
            duration_ms: 1000.0,
            threads: 1,
            precision: Precision::Double,
        }
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
    /// Membrane potential of neuron [`RECORDED`] after each step.
    pub v_recorded: Vec<f64>,
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

    /// Number of spikes in the network at each step (1 ms): ANNarchy's
    /// `Monitor.histogram` with its default bin of one step.
    pub fn histogram(&self) -> Vec<usize> {
        let steps = self.config.duration_ms.ceil() as usize;
        let mut h = vec![0; steps];
        for &s in self.spikes.iter().flatten() {
            h[s as usize] += 1;
        }
        h
    }

    /// The frequency (Hz, 1 Hz resolution over 1 s) between `low` and `high`
    /// at which the power spectrum of the population histogram (mean
    /// removed) is largest.
    pub fn dominant_frequency(&self, low: usize, high: usize) -> usize {
        let h = self.histogram();
        let n = h.len() as f64;
        let mean = h.iter().sum::<usize>() as f64 / n;
        let seconds = n / 1000.0;
        let power = |freq: f64| {
            let (mut re, mut im) = (0.0, 0.0);
            for (t, &x) in h.iter().enumerate() {
                let phase = 2.0 * std::f64::consts::PI * freq * t as f64 / 1000.0;
                re += (x as f64 - mean) * phase.cos();
                im += (x as f64 - mean) * phase.sin();
            }
            re * re + im * im
        };
        // Frequencies on the grid of the discrete Fourier transform.
        let k_low = (low as f64 * seconds).ceil() as usize;
        let k_high = (high as f64 * seconds).floor() as usize;
        let best = (k_low.max(1)..=k_high)
            .map(|k| (k, power(k as f64 / seconds)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(0, |(k, _)| k);
        (best as f64 / seconds).round() as usize
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
            "Izhikevich network: {NEURONS} neurons ({EXCITATORY} excitatory), {} ms at dt = 1 ms, seed {}",
            c.duration_ms, c.seed
        )?;
        writeln!(
            f,
            "synapses: {} excitatory, {} inhibitory",
            self.synapses.0, self.synapses.1
        )?;
        writeln!(
            f,
            "spikes: {} ({} excitatory, {} inhibitory)",
            self.spike_count(0..NEURONS),
            self.spike_count(0..EXCITATORY),
            self.spike_count(EXCITATORY..NEURONS)
        )?;
        writeln!(
            f,
            "mean firing rate: {:.2} Hz (excitatory {:.2} Hz, inhibitory {:.2} Hz)",
            self.rate(0..NEURONS),
            self.rate(0..EXCITATORY),
            self.rate(EXCITATORY..NEURONS)
        )?;
        let h = self.histogram();
        let (peak_t, peak) = h
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
            .map_or((0, 0), |(t, &n)| (t, n));
        writeln!(
            f,
            "spikes per ms: mean {:.2}, peak {peak} at {peak_t} ms, {} ms without spike",
            self.spike_count(0..NEURONS) as f64 / h.len() as f64,
            h.iter().filter(|&&n| n == 0).count()
        )?;
        writeln!(f, "spikes per 50 ms:")?;
        let bins: Vec<usize> = h.chunks(50).map(|c| c.iter().sum()).collect();
        for (row, chunk) in bins.chunks(10).enumerate() {
            let line: Vec<String> = chunk.iter().map(|n| format!("{n:5}")).collect();
            writeln!(f, "  {:4} ms: {}", row * 500, line.join(" "))?;
        }
        if h.len() >= 200 {
            writeln!(
                f,
                "dominant frequency of the population activity (5-100 Hz): {} Hz",
                self.dominant_frequency(5, 100)
            )?;
        }
        let own = &self.spikes[RECORDED];
        let times: Vec<String> = own.iter().map(|s| s.to_string()).collect();
        writeln!(
            f,
            "neuron {RECORDED}: {} spikes at {} ms",
            own.len(),
            times.join(" ")
        )?;
        let (lo, hi) = self
            .v_recorded
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        writeln!(f, "neuron {RECORDED}: v between {lo:.2} and {hi:.2} mV")
    }
}

/// The network of the example, built and ready to simulate, with the
/// handles of its objects.
pub struct Built {
    /// The network.
    pub net: Network,
    /// All neurons, the first [`EXCITATORY`] excitatory.
    pub pop: PopId<Izhikevich>,
    /// The excitatory projection (target `exc`).
    pub exc_proj: ProjId<DefaultSpikingSynapse>,
    /// The inhibitory projection (target `inh`).
    pub inh_proj: ProjId<DefaultSpikingSynapse>,
    /// The monitor of the spikes of all neurons.
    pub spikes: MonitorId,
    /// The monitor of `v` of neuron [`RECORDED`].
    pub v: MonitorId,
}

/// Builds the network of `config` (its seed and threads).
pub fn network(config: &Config) -> annarchy::Result<Built> {
    let mut b = Network::builder()
        .dt(1.0)?
        .seed(config.seed)
        .threads(config.threads)
        .precision(config.precision)?;
    let pop = b.population::<Izhikevich>("pop", NEURONS)?;
    let exc = b.view(pop, 0..EXCITATORY)?;
    let inh = b.view(pop, EXCITATORY..NEURONS)?;

    // ANNarchy's example draws `re` and `ri` with numpy; a seeded stream here.
    let mut rng = stream(config.seed, &[u64::from_le_bytes(*b"izh_pars")]);
    let unit = RandomDistribution::uniform(0.0, 1.0);
    let re = unit.sample_n(&mut rng, EXCITATORY);
    let ri = unit.sample_n(&mut rng, NEURONS - EXCITATORY);
    let map = |x: &[f64], f: fn(f64) -> f64| x.iter().map(|&x| f(x)).collect::<Vec<f64>>();

    b.set(&exc, "noise", 5.0)?;
    b.set(&exc, "a", 0.02)?;
    b.set(&exc, "b", 0.2)?;
    b.set(&exc, "c", map(&re, |r| -65.0 + 15.0 * r * r))?;
    b.set(&exc, "d", map(&re, |r| 8.0 - 6.0 * r * r))?;
    b.set(&exc, "v", -65.0)?;
    b.set(&exc, "u", -65.0 * 0.2)?;

    let b_inh = map(&ri, |r| 0.25 - 0.05 * r);
    b.set(&inh, "noise", 2.0)?;
    b.set(&inh, "a", map(&ri, |r| 0.02 + 0.08 * r))?;
    b.set(&inh, "b", b_inh.clone())?;
    b.set(&inh, "c", -65.0)?;
    b.set(&inh, "d", 2.0)?;
    b.set(&inh, "v", -65.0)?;
    b.set(
        &inh,
        "u",
        b_inh.iter().map(|b| -65.0 * b).collect::<Vec<f64>>(),
    )?;

    let exc_proj = b
        .projection::<DefaultSpikingSynapse>(&exc, pop, "exc")
        .name("exc_proj")
        .connect_all_to_all(RandomDistribution::uniform(0.0, 0.5))?;
    let inh_proj = b
        .projection::<DefaultSpikingSynapse>(&inh, pop, "inh")
        .name("inh_proj")
        .connect_all_to_all(RandomDistribution::uniform(0.0, 1.0))?;

    let m = b.monitor(pop, &["spike"])?;
    let recorded = b.view(pop, RECORDED..RECORDED + 1)?;
    let mv = b.monitor(&recorded, &["v"])?;
    Ok(Built {
        net: b.build()?,
        pop,
        exc_proj,
        inh_proj,
        spikes: m,
        v: mv,
    })
}

/// Builds the network, simulates `config.duration_ms` and collects the
/// spikes and the membrane potential of neuron [`RECORDED`].
pub fn run(config: &Config) -> annarchy::Result<Outcome> {
    let start = Instant::now();
    let Built {
        mut net,
        exc_proj,
        inh_proj,
        spikes: m,
        v: mv,
        ..
    } = network(config)?;
    let build_time = start.elapsed();

    let start = Instant::now();
    net.simulate(config.duration_ms)?;
    let simulation_time = start.elapsed();

    let synapses = (net.nb_synapses(exc_proj), net.nb_synapses(inh_proj));
    let spikes = collect(net.monitor_spikes(m)?, NEURONS);
    let v_recorded = net
        .monitor_get(mv, "v")?
        .values
        .into_iter()
        .map(|row| row[0])
        .collect();
    Ok(Outcome {
        config: *config,
        synapses,
        spikes,
        v_recorded,
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
