//! The workloads of the side-by-side comparison with ANNarchy 4.8 and Brian2,
//! one per process: the same networks, parameters, durations, steps and
//! recordings as the peers' scripts (`ann_coba_cuba.py`,
//! `brian_coba_cuba.py`, `ann_izhikevich.py`, `ann_rate.py`).
//!
//! | workload | network | length |
//! |---|---|---|
//! | `coba` | `examples/coba.rs`: 4000 neurons, p = 0.02, spikes of all recorded | 10 000 ms at dt 0.1 |
//! | `cuba` | `examples/cuba.rs`: the same with current-based synapses | 10 000 ms at dt 0.1 |
//! | `izhikevich` | `examples/izhikevich.rs`: 1000 neurons all-to-all, spikes and `v` of all recorded | 1000 ms at dt 1 |
//! | `rate_sparse` | 4000 rate neurons, recurrent fixed_probability 0.1, w ~ U(-0.05, 0.05) | 10 000 steps at dt 1 |
//! | `rate_dense` | `InputArray` 2000 (r ~ U(0, 1)) -> 2000 rate neurons all_to_all, w ~ U(-0.01, 0.01) | 10 000 steps at dt 1 |
//!
//! The rate neuron is `tau * dv/dt + v = sum(exc) + B` (explicit Euler),
//! `r = tanh(pos(v))`, `tau = 10` for the population and `B ~ U(0, 1)` per
//! neuron; the synapse is `DefaultRateSynapse` and nothing is recorded.
//!
//! The program prints one line `RESULT:{json}` on stdout with the wall times
//! of the construction (`t_build`: from the builder to `build()`, the
//! equivalent of ANNarchy's network definition and `compile()`) and of
//! `simulate` (`t_sim`), the sizes, the throughputs (`neuron_steps_per_s`;
//! `synaptic_events_per_s`: for a spiking network the spikes times the
//! outgoing synapses of their neuron, for a rate network the synapse updates
//! `n_synapses * steps`), the memory taken by the connectivity
//! (`bytes_per_synapse`: resident memory after `build()` minus before the
//! first `connect_*` (for the spiking workloads, before the examples'
//! `network` function, whose populations take a few kilobytes), over the
//! synapses; `null` without `/proc/self/status`),
//! and the results: `n_spikes`, `rate_hz` and `spike_hash` (64-bit FNV-1a of
//! the raster, ranks ascending and each neuron's steps in order, so that runs
//! with different numbers of threads can be compared) for the spiking
//! workloads, `mean_r_final` for the rate ones.
//!
//! ```text
//! cargo bench --bench workloads -- --workload coba --threads 2
//! cargo bench --bench workloads -- --workload rate_dense --threads 1 --seed 7 --steps 1000
//! ```
//!
//! Options: `--workload coba|cuba|izhikevich|rate_sparse|rate_dense`
//! (required), `--threads N` (1), `--seed S` (42), `--duration MS` or
//! `--steps N` (the simulated length; the defaults above), `--split
//! measured|always` (how the pieces of a step use the threads:
//! `ThreadSplit::Measured`, the default, or `Always`), `--precision
//! double|single` (the neurons' arrays in `f64`, the default, or in `f32`:
//! `Precision::Single`), `--timing` (the time of each phase of a step,
//! measured by `Network::set_measure_time`, printed to stderr; the
//! measuring itself costs time). Unknown arguments
//! end the program with status 2. `benches/peers/compare.sh` runs these
//! workloads next to the peers'.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Instant;

use annarchy::prelude::*;
use serde_json::{Value as Json, json};

#[allow(dead_code)]
#[path = "../examples/coba.rs"]
mod coba;
#[allow(dead_code)]
#[path = "../examples/cuba.rs"]
mod cuba;
#[allow(dead_code)]
#[path = "../examples/izhikevich.rs"]
mod izhikevich;

annarchy::neuron! {
    /// The rate neuron of the rate workloads: a leaky integrator of its
    /// excitatory input and of a per-neuron baseline, with a saturating
    /// positive transfer function.
    pub struct RateNeuron {
        parameters: "
            tau = 10.0 : population
            B = 0.0
        ",
        equations: "
            tau * dv/dt + v = sum(exc) + B : explicit
            r = tanh(pos(v))
        ",
    }
}

const USAGE: &str = "usage: workloads --workload coba|cuba|izhikevich|rate_sparse|rate_dense \
[--threads N] [--seed S] [--duration MS | --steps N] [--split measured|always] \
[--precision double|single] [--timing]";

/// The networks this program runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Workload {
    Coba,
    Cuba,
    Izhikevich,
    RateSparse,
    RateDense,
}

impl Workload {
    fn parse(name: &str) -> Option<Workload> {
        Some(match name {
            "coba" => Workload::Coba,
            "cuba" => Workload::Cuba,
            "izhikevich" => Workload::Izhikevich,
            "rate_sparse" => Workload::RateSparse,
            "rate_dense" => Workload::RateDense,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Workload::Coba => "coba",
            Workload::Cuba => "cuba",
            Workload::Izhikevich => "izhikevich",
            Workload::RateSparse => "rate_sparse",
            Workload::RateDense => "rate_dense",
        }
    }

    /// Step (ms).
    fn dt(self) -> f64 {
        match self {
            Workload::Coba => coba::DT,
            Workload::Cuba => cuba::DT,
            Workload::Izhikevich | Workload::RateSparse | Workload::RateDense => 1.0,
        }
    }

    /// Simulated time of the peers' scripts (ms).
    fn default_duration_ms(self) -> f64 {
        match self {
            Workload::Izhikevich => 1000.0,
            _ => 10_000.0,
        }
    }
}

/// The command line.
#[derive(Clone, Copy, Debug)]
struct Options {
    workload: Workload,
    threads: usize,
    /// How the pieces of a step use the threads.
    split: ThreadSplit,
    precision: Precision,
    seed: u64,
    /// Simulated time (ms), given to `simulate`.
    duration_ms: f64,
    /// Whether to measure and print the time of each phase of a step.
    timing: bool,
}

impl Options {
    /// Parses the arguments (without the program name); `--bench`, which
    /// cargo adds, is ignored. `None` when the usage is asked for.
    fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, String> {
        let mut workload = None;
        let mut threads = 1;
        let mut split = ThreadSplit::Measured;
        let mut precision = Precision::Double;
        let mut seed = 42;
        let mut duration = None;
        let mut steps: Option<u64> = None;
        let mut timing = false;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--bench" {
                continue;
            }
            if arg == "--help" || arg == "-h" {
                return Ok(None);
            }
            if arg == "--timing" {
                timing = true;
                continue;
            }
            let mut value = || args.next().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                "--workload" => {
                    let name = value()?;
                    workload =
                        Some(Workload::parse(&name).ok_or(format!("unknown workload `{name}`"))?);
                }
                "--threads" => threads = parse_number(&arg, &value()?)?,
                "--seed" => seed = parse_number(&arg, &value()?)?,
                "--split" => {
                    split = match value()?.as_str() {
                        "measured" => ThreadSplit::Measured,
                        "always" => ThreadSplit::Always,
                        other => return Err(format!("unknown split `{other}`")),
                    }
                }
                "--precision" => {
                    precision = match value()?.as_str() {
                        "double" => Precision::Double,
                        "single" => Precision::Single,
                        other => return Err(format!("unknown precision `{other}`")),
                    }
                }
                "--duration" => duration = Some(parse_number::<f64>(&arg, &value()?)?),
                "--steps" => steps = Some(parse_number(&arg, &value()?)?),
                _ => return Err(format!("unknown argument `{arg}`")),
            }
        }
        let workload = workload.ok_or("--workload is required")?;
        if threads == 0 {
            return Err("--threads must be at least 1".into());
        }
        let duration_ms = match (duration, steps) {
            (Some(_), Some(_)) => return Err("give --duration or --steps, not both".into()),
            (Some(d), None) if d.is_finite() && d >= 0.0 => d,
            (Some(d), None) => return Err(format!("invalid duration {d}")),
            // `simulate` runs ceil(duration / dt) steps: half a step less
            // than the product keeps rounding errors from adding one.
            (None, Some(n)) => (n as f64 - 0.5).max(0.0) * workload.dt(),
            (None, None) => workload.default_duration_ms(),
        };
        Ok(Some(Options {
            workload,
            threads,
            split,
            precision,
            seed,
            duration_ms,
            timing,
        }))
    }

    /// A builder with the step, seed and threads of the run.
    fn builder(&self) -> annarchy::Result<NetworkBuilder> {
        Network::builder()
            .dt(self.workload.dt())?
            .seed(self.seed)
            .threads(self.threads)
            .precision(self.precision)
    }
}

fn parse_number<T: std::str::FromStr>(arg: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{arg} takes a number, not `{value}`"))
}

/// Resident memory of this process (KiB), from `/proc/self/status`.
fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    line.trim().strip_suffix("kB")?.trim().parse().ok()
}

/// 64-bit FNV-1a hash of a spike raster: for each neuron by ascending rank,
/// its rank (`u32`) and each spike step (`i64`), little-endian.
fn raster_hash(raster: &BTreeMap<u32, Vec<i64>>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for (rank, steps) in raster {
        for step in steps {
            feed(&rank.to_le_bytes());
            feed(&step.to_le_bytes());
        }
    }
    hash
}

/// What a run measured.
struct Measures {
    t_build: f64,
    t_sim: f64,
    steps: i64,
    /// Neurons updated at each step (the input population of `rate_dense`
    /// left out, as in the peer's script).
    n_neurons: usize,
    n_synapses: usize,
    /// Resident memory (KiB) before the first `connect_*` (or the example's
    /// `network`) and after `build()`.
    rss_kib: (Option<u64>, Option<u64>),
    /// Synaptic events (spiking) or synapse updates (rate) of the whole run.
    synaptic_events: f64,
    results: Json,
}

/// Spiking results: counts, rates, raster hash, and the synaptic events
/// (each spike times the outgoing synapses of its neuron in `projections`).
fn spiking_results(
    net: &mut Network,
    monitor: MonitorId,
    projections: &[AnyProj],
    neurons: usize,
    excitatory: usize,
) -> annarchy::Result<(f64, Json)> {
    let raster = net.monitor_spikes(monitor)?;
    let mut counts = vec![0usize; neurons];
    for (&rank, steps) in &raster {
        counts[rank as usize] = steps.len();
    }
    let mut events = 0.0;
    for &proj in projections {
        let efferent = net.connectivity(proj).nb_efferent_synapses(neurons);
        events += counts
            .iter()
            .zip(&efferent)
            .map(|(&c, &e)| (c * e) as f64)
            .sum::<f64>();
    }
    let n_spikes: usize = counts.iter().sum();
    let n_exc: usize = counts[..excitatory].iter().sum();
    let seconds = net.get_time() / 1000.0;
    let rate = |n: usize, size: usize| n as f64 / size as f64 / seconds;
    Ok((
        events,
        json!({
            "n_spikes": n_spikes,
            "n_spikes_exc": n_exc,
            "n_spikes_inh": n_spikes - n_exc,
            "rate_hz": rate(n_spikes, neurons),
            "rate_exc_hz": rate(n_exc, excitatory),
            "rate_inh_hz": rate(n_spikes - n_exc, neurons - excitatory),
            "spike_hash": format!("{:016x}", raster_hash(&raster)),
        }),
    ))
}

/// Simulates the workload's duration; returns the wall time in seconds.
/// With `--timing`, the time of each phase of the step goes to stderr.
fn simulate(net: &mut Network, opts: &Options) -> annarchy::Result<f64> {
    net.set_thread_split(opts.split);
    net.set_measure_time(opts.timing);
    let start = Instant::now();
    net.simulate(opts.duration_ms)?;
    let t_sim = start.elapsed().as_secs_f64();
    if opts.timing {
        eprintln!("{}", net.timing());
    }
    Ok(t_sim)
}

/// COBA or CUBA, built by the examples' `network` functions, with the
/// spikes of all neurons recorded.
fn vogels_abbott(opts: &Options) -> annarchy::Result<Measures> {
    let start = Instant::now();
    let rss_before = resident_kib();
    let (mut net, ce, ci, m, neurons, ne) = if opts.workload == Workload::Coba {
        let config = coba::Config {
            seed: opts.seed,
            duration_ms: opts.duration_ms,
            threads: opts.threads,
            precision: opts.precision,
            ..coba::Config::default()
        };
        let built = coba::network(&config)?;
        let ne = config.excitatory();
        (
            built.net,
            built.ce,
            built.ci,
            built.spikes,
            config.neurons,
            ne,
        )
    } else {
        let config = cuba::Config {
            seed: opts.seed,
            duration_ms: opts.duration_ms,
            threads: opts.threads,
            precision: opts.precision,
            ..cuba::Config::default()
        };
        let built = cuba::network(&config)?;
        let ne = config.excitatory();
        (
            built.net,
            built.ce,
            built.ci,
            built.spikes,
            config.neurons,
            ne,
        )
    };
    let rss_after = resident_kib();
    let t_build = start.elapsed().as_secs_f64();

    let t_sim = simulate(&mut net, opts)?;

    let projections = [AnyProj::from(ce), AnyProj::from(ci)];
    let (synaptic_events, results) = spiking_results(&mut net, m, &projections, neurons, ne)?;
    Ok(Measures {
        t_build,
        t_sim,
        steps: net.get_current_step(),
        n_neurons: neurons,
        n_synapses: net.nb_synapses(ce) + net.nb_synapses(ci),
        rss_kib: (rss_before, rss_after),
        synaptic_events,
        results,
    })
}

/// Izhikevich's pulse-coupled network, built by `examples/izhikevich.rs`,
/// with the spikes and `v` of all neurons recorded (as the peer's script).
fn izhikevich(opts: &Options) -> annarchy::Result<Measures> {
    use izhikevich::{EXCITATORY, NEURONS};
    let start = Instant::now();
    let rss_before = resident_kib();
    let config = izhikevich::Config {
        seed: opts.seed,
        duration_ms: opts.duration_ms,
        threads: opts.threads,
        precision: opts.precision,
    };
    let izhikevich::Built {
        mut net,
        pop,
        exc_proj,
        inh_proj,
        spikes: m,
        ..
    } = izhikevich::network(&config)?;
    let mv = net.monitor(pop, &["v"])?;
    let rss_after = resident_kib();
    let t_build = start.elapsed().as_secs_f64();

    let t_sim = simulate(&mut net, opts)?;

    let projections = [AnyProj::from(exc_proj), AnyProj::from(inh_proj)];
    let (synaptic_events, mut results) =
        spiking_results(&mut net, m, &projections, NEURONS, EXCITATORY)?;
    let v = net.monitor_get(mv, "v")?;
    results["v_recorded_rows"] = json!(v.values.len());
    Ok(Measures {
        t_build,
        t_sim,
        steps: net.get_current_step(),
        n_neurons: NEURONS,
        n_synapses: net.nb_synapses(exc_proj) + net.nb_synapses(inh_proj),
        rss_kib: (rss_before, rss_after),
        synaptic_events,
        results,
    })
}

/// The rate workloads: a sparse recurrent network or a dense feed-forward one.
fn rate(opts: &Options) -> annarchy::Result<Measures> {
    let start = Instant::now();
    let mut b = opts.builder()?;
    let (pop, rss_before, proj) = if opts.workload == Workload::RateSparse {
        let pop = b.population::<RateNeuron>("pop", 4000)?;
        b.set(pop, "B", RandomDistribution::uniform(0.0, 1.0))?;
        let rss_before = resident_kib();
        let proj = b
            .projection::<DefaultRateSynapse>(pop, pop, "exc")
            .connect_fixed_probability(0.1, RandomDistribution::uniform(-0.05, 0.05))?;
        (pop, rss_before, proj)
    } else {
        let inp = b.population::<InputArray>("inp", 2000)?;
        b.set(inp, "r", RandomDistribution::uniform(0.0, 1.0))?;
        let pop = b.population::<RateNeuron>("pop", 2000)?;
        b.set(pop, "B", RandomDistribution::uniform(0.0, 1.0))?;
        let rss_before = resident_kib();
        let proj = b
            .projection::<DefaultRateSynapse>(inp, pop, "exc")
            .connect_all_to_all(RandomDistribution::uniform(-0.01, 0.01))?;
        (pop, rss_before, proj)
    };
    let mut net = b.build()?;
    let rss_after = resident_kib();
    let t_build = start.elapsed().as_secs_f64();

    let t_sim = simulate(&mut net, opts)?;

    let steps = net.get_current_step();
    let n_synapses = net.nb_synapses(proj);
    let r = net.get(pop, "r")?;
    let mean_r = r.iter().sum::<f64>() / r.len() as f64;
    let ms_per_step = t_sim / steps as f64 * 1000.0;
    Ok(Measures {
        t_build,
        t_sim,
        steps,
        n_neurons: net.population_size(pop),
        n_synapses,
        rss_kib: (rss_before, rss_after),
        synaptic_events: n_synapses as f64 * steps as f64,
        results: json!({
            "mean_r_final": mean_r,
            "ms_per_step": ms_per_step,
            "ms_per_Msyn_update": ms_per_step / (n_synapses as f64 / 1e6),
        }),
    })
}

/// Runs the workload and gives the `RESULT` object.
fn run(opts: &Options) -> annarchy::Result<Json> {
    let m = match opts.workload {
        Workload::Coba | Workload::Cuba => vogels_abbott(opts)?,
        Workload::Izhikevich => izhikevich(opts)?,
        Workload::RateSparse | Workload::RateDense => rate(opts)?,
    };
    let bytes_per_synapse = match m.rss_kib {
        (Some(before), Some(after)) if m.n_synapses > 0 => {
            Some((after as f64 - before as f64) * 1024.0 / m.n_synapses as f64)
        }
        _ => None,
    };
    let mut result = json!({
        "peer": "annarchy-rs",
        "workload": opts.workload.name(),
        "threads": opts.threads,
        "split": format!("{:?}", opts.split).to_lowercase(),
        "precision": format!("{:?}", opts.precision).to_lowercase(),
        "seed": opts.seed,
        "dt": opts.workload.dt(),
        "duration_ms": m.steps as f64 * opts.workload.dt(),
        "steps": m.steps,
        "t_build": m.t_build,
        "t_sim": m.t_sim,
        "n_neurons": m.n_neurons,
        "n_synapses": m.n_synapses,
        "neuron_steps_per_s": m.n_neurons as f64 * m.steps as f64 / m.t_sim,
        "synaptic_events": m.synaptic_events,
        "synaptic_events_per_s": m.synaptic_events / m.t_sim,
        "rss_before_connect_kib": m.rss_kib.0,
        "rss_after_build_kib": m.rss_kib.1,
        "bytes_per_synapse": bytes_per_synapse,
    });
    if let (Some(all), Json::Object(extra)) = (result.as_object_mut(), m.results) {
        all.extend(extra);
    }
    Ok(result)
}

fn main() -> ExitCode {
    let opts = match Options::parse(std::env::args().skip(1)) {
        Ok(Some(opts)) => opts,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(result) => {
            println!("RESULT:{result}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
