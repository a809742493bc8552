//! Input populations and hybrid projections (SPEC.md 8): current
//! injection, decoding, Poisson and timed Poisson spike trains, correlated
//! spike trains, and the firing rate of spiking populations.

use annarchy::prelude::*;
use annarchy::runtime::decoding::DecodingProjection;
use approx::assert_abs_diff_eq;

annarchy::neuron! {
    /// `r = sin(t)`, as in ANNarchy's test of CurrentInjection.
    struct Sine {
        equations: "r = sin(t)",
    }
}

annarchy::neuron! {
    /// A spiking neuron that only reads its excitatory current.
    struct Reader {
        equations: "mp = g_exc",
        spike: "mp > 1e9",
        reset: "",
    }
}

annarchy::neuron! {
    /// A rate neuron whose rate is its input.
    struct Rate {
        equations: "r = sum(exc)",
    }
}

/// ANNarchy's test_SpecificProjections.test_run_one_loop: the rate of the
/// pre-synaptic neuron is the post-synaptic current one step later.
#[test]
fn current_injection_feeds_the_rate_as_current() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let inp = b.population::<Sine>("inp", 1)?;
    let out = b.population::<Reader>("out", 1)?;
    b.projection::<CurrentInjection>(inp, out, "exc")
        .connect_current()?;
    let m = b.monitor(out, &["mp"])?;
    let mut net = b.build()?;
    net.simulate(11.0)?;
    let mp: Vec<f64> = net
        .monitor_get(m, "mp")?
        .values
        .iter()
        .map(|r| r[0])
        .collect();
    let mut expected = vec![0.0];
    expected.extend((0..10).map(|k| f64::from(k).sin()));
    for (a, b) in mp.iter().zip(&expected) {
        assert_abs_diff_eq!(a, b, epsilon = 1e-12);
    }
    assert_eq!(mp.len(), 11);
    Ok(())
}

/// In single precision the current is the `f32` rate of one step before,
/// added to the `f32` conductance as it is stored.
#[test]
fn current_injection_in_single_precision() -> annarchy::Result<()> {
    let mut b = Network::builder().precision(Precision::Single)?;
    let inp = b.population::<Sine>("inp", 3)?;
    let out = b.population::<Reader>("out", 3)?;
    b.projection::<CurrentInjection>(inp, out, "exc")
        .connect_current()?;
    let m_in = b.monitor(inp, &["r"])?;
    let m_out = b.monitor(out, &["mp"])?;
    let mut net = b.build()?;
    net.simulate(20.0)?;
    let r = net.monitor_get(m_in, "r")?.values;
    let mp = net.monitor_get(m_out, "mp")?.values;
    assert_eq!(mp[0], vec![0.0; 3]);
    for k in 1..20 {
        assert_eq!(mp[k], r[k - 1], "step {k}");
        assert_abs_diff_eq!(mp[k][0], ((k - 1) as f64).sin(), epsilon = 1e-6);
    }
    Ok(())
}

#[test]
fn current_injection_checks_its_populations() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let inp = b.population::<Sine>("inp", 2)?;
    let out = b.population::<Reader>("out", 3)?;
    let err = b
        .projection::<CurrentInjection>(inp, out, "exc")
        .connect_current()
        .unwrap_err();
    assert!(err.to_string().contains("same size"), "{err}");
    let rate = b.population::<Sine>("rate", 3)?;
    let err = b
        .projection::<CurrentInjection>(out, rate, "exc")
        .connect_current()
        .unwrap_err();
    assert!(err.to_string().contains("rate-coded"), "{err}");
    Ok(())
}

/// A source spiking every step at dt = 1 ms is 1000 Hz; with w = 1/1000 the
/// decoded input is 1 once the window is full.
#[test]
fn decoding_projection_turns_spikes_into_a_rate() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let times: Vec<f64> = (0..100).map(f64::from).collect();
    // Neuron 0 spikes every step, neuron 1 every other step.
    let every_other: Vec<f64> = (0..50).map(|k| f64::from(2 * k)).collect();
    let src = b.spike_source_array("src", &[times, every_other])?;
    let out = b.population::<Rate>("out", 2)?;
    let proj = b
        .projection::<DecodingProjection>(src, out, "exc")
        .connect_one_to_one(1.0 / 1000.0)?;
    b.proj_set(proj, "window", 10.0)?;
    let mut net = b.build()?;
    net.simulate(50.0)?;
    let r = net.get(out, "r")?;
    assert_abs_diff_eq!(r[0], 1.0, epsilon = 1e-12);
    assert_abs_diff_eq!(r[1], 0.5, epsilon = 1e-12);
    Ok(())
}

/// Poisson neurons with rate 0 never spike; at 1000 Hz with dt = 1 ms they
/// spike every step; at 100 Hz about one step in ten.
#[test]
fn poisson_rates() -> annarchy::Result<()> {
    let mut b = Network::builder().seed(3);
    let silent = b.population::<Poisson>("silent", 100)?;
    b.set(silent, "rates", 0.0)?;
    let saturated = b.population::<Poisson>("saturated", 100)?;
    b.set(saturated, "rates", 1000.0)?;
    let regular = b.population::<Poisson>("regular", 1000)?;
    b.set(regular, "rates", 100.0)?;
    let ms = b.monitor(silent, &["spike"])?;
    let mf = b.monitor(saturated, &["spike"])?;
    let mr = b.monitor(regular, &["spike"])?;
    let mut net = b.build()?;
    net.simulate(100.0)?;
    let count =
        |s: std::collections::BTreeMap<u32, Vec<i64>>| s.values().map(Vec::len).sum::<usize>();
    assert_eq!(count(net.monitor_spikes(ms)?), 0);
    assert_eq!(count(net.monitor_spikes(mf)?), 100 * 100);
    let n = count(net.monitor_spikes(mr)?) as f64;
    // Binomial(100 000, 0.1): mean 10 000, sd 95.
    assert!((n - 10_000.0).abs() < 500.0, "{n} spikes");
    Ok(())
}

#[test]
fn timed_poisson_follows_its_schedule() -> annarchy::Result<()> {
    let mut b = Network::builder().seed(1);
    let tp = b.timed_poisson(
        "tp",
        10,
        vec![vec![0.0], vec![1000.0], vec![0.0]],
        Schedule::Every(10.0),
        -1.0,
    )?;
    let m = b.monitor(tp, &["spike"])?;
    let mut net = b.build()?;
    net.simulate(30.0)?;
    let spikes = net.monitor_spikes(m)?;
    for steps in spikes.values() {
        assert_eq!(steps, &(10..20).collect::<Vec<i64>>());
    }
    Ok(())
}

/// `compute_firing_rate`: a neuron spiking every 10 ms has a rate of 100 Hz
/// over a 100 ms window once the window is full.
#[test]
fn firing_rate_over_a_window() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let times: Vec<f64> = (0..100).map(|k| f64::from(10 * k)).collect();
    let pop = b.population::<Poisson>("pop", 1)?;
    b.set(pop, "rates", 0.0)?;
    let src = b.spike_source_array("src", &[times])?;
    let mut net = b.build()?;
    // A SpikeSourceArray has no `r`; a model with `r` has one.
    assert!(net.compute_firing_rate(src, 100.0).is_err());
    net.compute_firing_rate(pop, 100.0)?;
    net.simulate(50.0)?;
    assert_eq!(net.get(pop, "r")?, vec![0.0]);
    assert!(net.compute_firing_rate(pop, -1.0).is_err());
    Ok(())
}

annarchy::neuron! {
    /// Spikes every `period` steps.
    struct Clock {
        parameters: "period = 10.0",
        equations: "n = modulo(t, period)",
        spike: "n == 0.0",
        reset: "",
    }
}

#[test]
fn firing_rate_of_a_regular_neuron() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let pop = b.population::<Clock>("clock", 1)?;
    let mut net = b.build()?;
    net.compute_firing_rate(pop, 100.0)?;
    net.simulate(200.0)?;
    // 10 spikes in the last 100 ms: 100 Hz.
    assert_abs_diff_eq!(net.get(pop, "r")?[0], 100.0, epsilon = 1e-12);
    Ok(())
}

#[test]
fn correlated_spike_trains_have_their_mean_rate() -> annarchy::Result<()> {
    let (rate, corr, tau, dt) = (10.0, 0.3, 10.0, 1.0);
    let mut b = Network::builder().seed(5);
    let pop = homogeneous_correlated_spike_trains(&mut b, "corr", 1000, rate, corr, tau)?;
    let m = b.monitor(pop, &["spike"])?;
    let mut net = b.build()?;
    let (mu, sigma) = (net.get(pop, "mu")?[0], net.get(pop, "sigma")?[0]);
    net.simulate(5000.0)?;
    let n: usize = net.monitor_spikes(m)?.values().map(Vec::len).sum();
    let measured = n as f64 / 1000.0 / 5.0;
    // The rate `x` is a discrete Ornstein-Uhlenbeck process: stationary mean
    // `mu`, deviation sigma * sqrt(h / (2h - h^2)) with h = dt/tau; neurons
    // fire at its positive part, whose mean is s * (phi(m) + m * Phi(m)).
    let h = dt / tau;
    let s = sigma * (h / (2.0 * h - h * h)).sqrt();
    let z = mu / s;
    let phi = (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let cdf = 0.5 * (1.0 + annarchy::runtime::inputs::erf(z / std::f64::consts::SQRT_2));
    let expected = s * (phi + z * cdf);
    assert!(
        (measured - expected).abs() < 0.05 * expected,
        "{measured} Hz measured, {expected} Hz expected"
    );
    Ok(())
}

annarchy::synapse! {
    /// A synapse without spike events: on spiking neurons it adds `w` per
    /// spike, as ANNarchy gives a synapse the type of its pre-synaptic population.
    struct Decaying {
        parameters: "tau = 10.0 : projection",
        equations: "tau * dw/dt = -w",
    }
}

annarchy::neuron! {
    /// Reads its excitatory conductance, which decays.
    struct Conductance {
        equations: "tau * dg_exc/dt = -g_exc : exponential",
        parameters: "tau = 10.0",
        spike: "g_exc > 1e9",
        reset: "",
    }
}

#[test]
fn a_synapse_without_events_takes_the_type_of_its_pre_synaptic_population() -> annarchy::Result<()>
{
    let mut b = Network::builder();
    let src = b.spike_source_array("src", &[vec![1.0]])?;
    let post = b.population::<Conductance>("post", 1)?;
    let proj = b
        .projection::<Decaying>(src, post, "exc")
        .connect_one_to_one(1.0)?;
    let mut net = b.build()?;
    net.simulate(3.0)?;
    // Spike emitted in step 1, added in step 2 with the weight of then (two
    // explicit steps of `tau * dw/dt = -w`: 0.9^2), decayed by that step's update.
    let g = net.get(post, "g_exc")?[0];
    assert_abs_diff_eq!(g, 0.81 * (-0.1f64).exp(), epsilon = 1e-12);
    // The input of a spiking population on a target is its conductance.
    assert_eq!(net.get(post, "sum(exc)")?, vec![g]);
    // The continuous equation of the synapse still runs.
    assert!(net.proj_get(proj, "w")?[0] < 1.0);
    Ok(())
}

annarchy::synapse! {
    /// Continuous transmission: adds `w` to the conductance every step.
    struct ConstantPsp {
        psp: "w",
    }
}

annarchy::neuron! {
    /// Never spikes.
    struct Silent {
        equations: "v = 0",
        spike: "v > 1",
        reset: "",
    }
}

/// A synapse with a `psp` and no spike events, between spiking populations,
/// adds its psp to the conductance every step (SPEC.md 4).
#[test]
fn continuous_transmission_between_spiking_populations() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let pre = b.population::<Silent>("pre", 1)?;
    let post = b.population::<Reader>("post", 1)?;
    b.projection::<ConstantPsp>(pre, post, "exc")
        .connect_all_to_all(2.0)?;
    let mut net = b.build()?;
    net.simulate(3.0)?;
    assert_eq!(net.get(post, "mp")?, vec![2.0]);
    Ok(())
}

/// `reset` drops spikes on their way through delays and restarts spike
/// sources: a second run from the reset is the same as the first.
#[test]
fn reset_restarts_a_spiking_network() -> annarchy::Result<()> {
    let mut b = Network::builder().dt(0.1)?;
    let src = b.spike_source_array("src", &[vec![1.0, 2.0, 3.0]])?;
    let post = b.population::<Reader>("post", 2)?;
    b.projection::<DefaultSpikingSynapse>(src, post, "exc")
        .delays(RandomDistribution::uniform(0.5, 1.0))
        .connect_all_to_all(1.0)?;
    let m = b.monitor(post, &["mp"])?;
    let mut net = b.build()?;
    net.simulate(2.5)?;
    let first = net.monitor_get(m, "mp")?.values;
    net.reset(true, true, false, true);
    net.simulate(2.5)?;
    let second = net.monitor_get(m, "mp")?.values;
    assert_eq!(first, second);
    assert!(first.iter().any(|r| r.iter().any(|&v| v > 0.0)));
    Ok(())
}
