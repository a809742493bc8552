//! Reproducibility: a seed determines a simulation bit for bit, whatever the
//! number of threads.
//!
//! The network is large enough for every parallel path of the run-time to be
//! taken when it has more than one thread: its main population has more than
//! `PAR_MIN` neurons (neuron updates split between threads), its projections
//! have more than `PAR_MIN` dendrites (transmission split by dendrite), and
//! its random variables draw more than `4 * RANDOM_CHUNK` values per step
//! (draws split in chunks). It has random initial values, random weights,
//! random connectivity, noise in the equations, a global operation
//! (`mean(r)`), three targets read by `sum(exc)`, `sum(inh)` and `sum()`, and
//! two learning rules (Oja and Hebb).
//!
//! The same seed run with 1, 2 and 4 threads, or twice with one thread, must
//! record exactly the same values (compared with `f64::to_bits`) and end with
//! exactly the same weights; another seed must give other values.

use annarchy::prelude::*;
use annarchy::runtime::model::{PAR_EVENTS, PAR_MIN};
use annarchy::runtime::random::RANDOM_CHUNK;

annarchy::neuron! {
    /// A leaky rate neuron with Gaussian noise on its input, uniform noise on
    /// its rate, a normalisation by the population's mean rate, and every
    /// target it receives through `sum()`.
    pub struct NoisyRate {
        parameters: "
            tau = 10.0 : population
            baseline = 0.05
        ",
        equations: "
            tau * dv/dt + v = sum(exc) - sum(inh) + 0.5 * sum() + baseline - 0.5 * mean(r) + Normal(0.0, 0.1)
            r = pos(v) + Uniform(0.0, 0.01)
        ",
    }
}

/// Neurons of the main population: above `PAR_MIN`.
const BIG: usize = 9000;
/// Neurons of the input population.
const INPUT: usize = 1000;
/// Steps simulated.
const STEPS: usize = 50;

/// Everything a run produces, as bit patterns.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    /// `(what, values)`: recorded variables, then final weights.
    series: Vec<(String, Vec<u64>)>,
}

fn bits(values: impl IntoIterator<Item = f64>) -> Vec<u64> {
    values.into_iter().map(f64::to_bits).collect()
}

/// Builds the network with `seed` and `threads`, simulates [`STEPS`] steps
/// and collects recordings and final weights.
fn run(seed: u64, threads: usize, split: ThreadSplit) -> annarchy::Result<Outcome> {
    run_in(seed, threads, split, Precision::Double)
}

/// [`run`] in `precision`.
fn run_in(
    seed: u64,
    threads: usize,
    split: ThreadSplit,
    precision: Precision,
) -> annarchy::Result<Outcome> {
    let mut b = Network::builder()
        .dt(1.0)?
        .precision(precision)?
        .seed(seed)
        .threads(threads)
        .thread_split(split);
    let input = b.population::<InputArray>("input", INPUT)?;
    let big = b.population::<NoisyRate>("big", (90, 100))?;
    b.set(input, "r", RandomDistribution::uniform(0.0, 1.0))?;
    b.set(big, "v", RandomDistribution::normal(0.0, 0.5))?;
    b.set(big, "baseline", RandomDistribution::uniform(0.0, 0.1))?;

    let ff = b
        .projection::<Oja>(input, big, "exc")
        .name("ff")
        .connect_fixed_probability(0.01, RandomDistribution::uniform(0.0, 0.2))?;
    let lateral = b
        .projection::<Hebb>(big, big, "inh")
        .name("lateral")
        .connect_fixed_number_pre(4, RandomDistribution::normal(0.05, 0.01).with_min(0.0))?;
    let extra = b
        .projection::<DefaultRateSynapse>(input, big, "mod")
        .name("extra")
        .connect_fixed_probability(0.002, RandomDistribution::uniform(-0.5, 0.5))?;
    b.proj_set(ff, "eta", 0.05)?;
    b.proj_set(lateral, "eta", 0.001)?;

    let m_big = b.monitor(big, &["r", "v", "sum(exc)", "sum(inh)", "sum(mod)"])?;
    let m_input = b.monitor(input, &["r"])?;
    let mut net = b.build()?;

    // The parallel paths are taken: a population and projections of more
    // than `PAR_MIN` neurons and dendrites, random draws of more than four
    // chunks.
    assert!(net.population_size(big) >= PAR_MIN);
    assert!(net.population_size(big) > 4 * RANDOM_CHUNK);
    for proj in [AnyProj::from(ff), lateral.into(), extra.into()] {
        assert!(net.post_ranks(proj).len() >= PAR_MIN);
    }

    for _ in 0..STEPS {
        net.step();
    }

    let mut series = Vec::new();
    for var in ["r", "v", "sum(exc)", "sum(inh)", "sum(mod)"] {
        let rec = net.monitor_get(m_big, var)?;
        assert_eq!(rec.values.len(), STEPS);
        assert!(rec.values.iter().all(|row| row.len() == BIG));
        series.push((format!("big.{var}"), bits(rec.values.concat())));
    }
    let rec = net.monitor_get(m_input, "r")?;
    series.push(("input.r".into(), bits(rec.values.concat())));
    for (name, proj) in [
        ("ff", AnyProj::from(ff)),
        ("lateral", lateral.into()),
        ("extra", extra.into()),
    ] {
        series.push((format!("{name}.w"), bits(net.proj_get(proj, "w")?)));
        let pre: Vec<f64> = net
            .connectivity(proj)
            .pre_ranks
            .iter()
            .map(|&r| f64::from(r))
            .collect();
        series.push((format!("{name}.pre_ranks"), bits(pre)));
    }
    series.push(("big.tau".into(), bits(net.get(big, "tau")?)));
    series.push(("big.baseline".into(), bits(net.get(big, "baseline")?)));
    Ok(Outcome { series })
}

/// Asserts that two outcomes are bitwise equal, naming the first difference.
fn assert_identical(a: &Outcome, b: &Outcome, what: &str) {
    assert_eq!(a.series.len(), b.series.len(), "{what}: number of series");
    for ((name_a, va), (name_b, vb)) in a.series.iter().zip(&b.series) {
        assert_eq!(name_a, name_b);
        assert_eq!(va.len(), vb.len(), "{what}: length of {name_a}");
        if let Some(i) = va.iter().zip(vb).position(|(x, y)| x != y) {
            panic!(
                "{what}: {name_a}[{i}] differs: {} vs {}",
                f64::from_bits(va[i]),
                f64::from_bits(vb[i])
            );
        }
    }
}

/// The same seed gives the same simulation with 1, 2 and 4 threads.
#[test]
fn same_seed_same_results_for_any_number_of_threads() -> annarchy::Result<()> {
    let one = run(7, 1, ThreadSplit::Measured)?;
    // The run is not trivial: the noise and the learning change values.
    let r = &one.series[0].1;
    let distinct: std::collections::BTreeSet<u64> = r.iter().copied().collect();
    assert!(distinct.len() > BIG, "the recorded rates vary");
    for threads in [2, 4] {
        for split in [ThreadSplit::Always, ThreadSplit::Measured] {
            let many = run(7, threads, split)?;
            let what = format!("1 thread vs {threads} threads, {split:?}");
            assert_identical(&one, &many, &what);
        }
    }
    Ok(())
}

/// Two runs with the same seed and one thread are identical; another seed
/// gives other connectivity, initial values, noise and weights.
#[test]
fn seed_determines_the_run() -> annarchy::Result<()> {
    let a = run(11, 1, ThreadSplit::Measured)?;
    let b = run(11, 1, ThreadSplit::Measured)?;
    assert_identical(&a, &b, "two runs of seed 11");
    let c = run(12, 1, ThreadSplit::Measured)?;
    assert_eq!(a.series.len(), c.series.len());
    for ((name, va), (_, vc)) in a.series.iter().zip(&c.series) {
        if name == "big.tau" {
            continue; // A parameter left at its default value.
        }
        assert_ne!(va, vc, "{name} does not depend on the seed");
    }
    Ok(())
}

annarchy::neuron! {
    /// COBA's neuron (SPEC.md 13.1), with a noisy drive so that random
    /// draws take part.
    struct NoisyCoba {
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
            tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I + Normal(0.0, 1.0)
            tau_exc * dg_exc/dt = -g_exc
            tau_inh * dg_inh/dt = -g_inh
        ",
        spike: "v > Vt",
        reset: "v = Vr",
        refractory: 5.0,
    }
}

/// Spike steps of each neuron, bits of the final `v` and of the STDP weights.
type SpikingOutcome = (Vec<Vec<i64>>, Vec<u64>, Vec<u64>);

/// Spike steps and final state of a spiking network large enough for the
/// parallel update (more than `PAR_MIN` neurons), with STDP and delays, and
/// Poisson inputs whose spikes reach more than `PAR_EVENTS` synapses per
/// step (delivery split between threads).
fn run_spiking(
    threads: usize,
    split: ThreadSplit,
    precision: Precision,
) -> annarchy::Result<SpikingOutcome> {
    let mut b = Network::builder()
        .dt(0.1)?
        .precision(precision)?
        .seed(11)
        .threads(threads)
        .thread_split(split);
    let pop = b.population::<NoisyCoba>("pop", 9000)?;
    b.set(pop, "v", RandomDistribution::normal(-55.0, 5.0))?;
    let exc = b.view(pop, 0..7200)?;
    let inh = b.view(pop, 7200..9000)?;
    b.projection::<DefaultSpikingSynapse>(exc, pop, "exc")
        .connect_fixed_probability(0.002, 0.6)?;
    let stdp = b
        .projection::<STDP>(inh, pop, "inh")
        .delays(RandomDistribution::uniform(0.1, 2.0))
        .connect_fixed_probability(0.002, 6.7)?;
    b.proj_set(stdp, "w_max", 10.0)?;
    // 500 Poisson neurons at 200 Hz: 10 spikes per step, each reaching
    // about 900 neurons.
    let poisson = b.population::<Poisson>("poisson", 500)?;
    b.set(poisson, "rates", 200.0)?;
    b.projection::<DefaultSpikingSynapse>(poisson, pop, "exc")
        .connect_fixed_probability(0.1, RandomDistribution::uniform(0.0, 0.05))?;
    const { assert!(10 * 900 > PAR_EVENTS) };
    let m = b.monitor(pop, &["spike"])?;
    let mut net = b.build()?;
    net.simulate(50.0)?;
    let spikes = net.monitor_spikes(m)?.into_values().collect();
    Ok((
        spikes,
        bits(net.get(pop, "v")?),
        bits(net.proj_get(stdp, "w")?),
    ))
}

#[test]
fn spiking_network_same_spikes_for_1_2_and_4_threads() -> annarchy::Result<()> {
    let one = run_spiking(1, ThreadSplit::Measured, Precision::Double)?;
    assert!(
        one.0.iter().map(Vec::len).sum::<usize>() > 1000,
        "the network is active"
    );
    for threads in [2, 4] {
        for split in [ThreadSplit::Always, ThreadSplit::Measured] {
            let other = run_spiking(threads, split, Precision::Double)?;
            assert!(
                one == other,
                "results differ with {threads} threads, {split:?}"
            );
        }
    }
    Ok(())
}

/// In single precision too, the same seed gives the same simulation bit for
/// bit with 1, 2 and 4 threads (the rate network and the spiking one), and
/// the values are `f32`'s, close to but not those of double precision.
#[test]
fn single_precision_same_results_for_any_number_of_threads() -> annarchy::Result<()> {
    let one = run_in(7, 1, ThreadSplit::Measured, Precision::Single)?;
    let double = run(7, 1, ThreadSplit::Measured)?;
    let r = &one.series[0].1;
    assert!(
        r.iter()
            .all(|&x| f64::from(f64::from_bits(x) as f32).to_bits() == x),
        "the rates are stored in f32"
    );
    assert_ne!(r, &double.series[0].1);
    for threads in [2, 4] {
        let many = run_in(7, threads, ThreadSplit::Always, Precision::Single)?;
        assert_identical(&one, &many, &format!("single precision, {threads} threads"));
    }
    let one = run_spiking(1, ThreadSplit::Measured, Precision::Single)?;
    assert!(one.0.iter().map(Vec::len).sum::<usize>() > 1000);
    for threads in [2, 4] {
        let other = run_spiking(threads, ThreadSplit::Always, Precision::Single)?;
        assert!(
            one == other,
            "spikes differ in single precision with {threads} threads"
        );
    }
    Ok(())
}
