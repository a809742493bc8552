//! ANNarchy 4.8's own monitor tests (`tests/Monitor/`) for rate-coded
//! populations and views: recording every step or every period, start,
//! pause and resume, views of several neurons, a synaptic variable of a
//! projection; one `#[test]` per ANNarchy test method, with the same expected
//! values.
//!
//! Each ANNarchy test class becomes a builder function that mirrors its
//! `setUpClass` and `setUp`. Tests are named `<class>_<method>`. The spiking
//! tests of `test_PopulationMonitor` and what its network leaves out are
//! listed in `TESTS.md`.
//!
//! A network here refuses a projection on a target that the post-synaptic
//! model never reads (`sum(target)`). Where an ANNarchy test connects to
//! such a target, the post-synaptic model here also computes
//! `received = sum(target)`, a variable that nothing asserted depends on.

use annarchy::prelude::*;

type TestResult = annarchy::Result<()>;

/// ANNarchy's `Network.reset()` with its defaults: populations and monitors
/// are reset, projections and synapses are not.
fn reset(net: &mut Network) {
    net.reset(true, false, false, true);
}

/// `n` rows of `width` columns, row `k` holding `first + k * step`.
fn rows(first: f64, step: f64, n: usize, width: usize) -> Vec<Vec<f64>> {
    (0..n)
        .map(|k| vec![first + k as f64 * step; width])
        .collect()
}

// ---------------------------------------------------------------------------
// tests/Monitor/test_Population.py

neuron! {
    /// `r = t`.
    struct TimeNeuron {
        equations: "r = t",
    }
}

neuron! {
    /// `r = t`; reads `exc` into `received`.
    struct TimeNeuronExc {
        equations: "
            r = t
            received = sum(exc)
        ",
    }
}

synapse! {
    /// The original's `Oja`: two unused parameters and `w = t`.
    struct WeightIsTime {
        parameters: "
            tau = 5000.0
            alpha = 8.0
        ",
        equations: "w = t",
    }
}

/// `test_PopulationMonitor`: pop1 (3 neurons) and pop2 (5 neurons) with
/// `r = t`, an all-to-all projection from pop1 to pop2 (weight 1, `w = t`),
/// and the monitors `m`, `n`, `o`, `p`, `q` and `r` of the original. (The
/// spiking populations `pop3`, `pop4` and their monitors `s`, `t` are not
/// part of it: see `TESTS.md`.)
struct PopulationMonitor {
    net: Network,
    /// `Monitor(pop1, 'r')`
    m: MonitorId,
    /// `Monitor(pop1[:2], 'r')`
    n: MonitorId,
    /// `Monitor(pop1, 'r', period=10.0)`
    o: MonitorId,
    /// `Monitor(pop1, 'r', start=False)`
    p: MonitorId,
    /// `Monitor(pop1[0] + pop1[2], 'r')`
    q: MonitorId,
    /// `Monitor(pop2[:2] + pop2.neuron(4), 'r')`
    r: MonitorId,
}

fn population_monitor() -> annarchy::Result<PopulationMonitor> {
    let mut b = Network::builder();
    let pop1 = b.population::<TimeNeuron>("pop1", 3)?;
    let pop2 = b.population::<TimeNeuronExc>("pop2", 5)?;
    b.projection::<WeightIsTime>(pop1, pop2, "exc")
        .connect_all_to_all(1.0)?;
    let m = b.monitor(pop1, &["r"])?;
    let first_two = b.view(pop1, 0..2)?;
    let n = b.monitor(&first_two, &["r"])?;
    let o = b.monitor_with(
        pop1,
        &["r"],
        MonitorOptions {
            period: Some(10.0),
            ..MonitorOptions::default()
        },
    )?;
    let p = b.monitor_with(
        pop1,
        &["r"],
        MonitorOptions {
            start: false,
            ..MonitorOptions::default()
        },
    )?;
    let first_and_last = b.view(pop1, [0, 2])?;
    let q = b.monitor(&first_and_last, &["r"])?;
    let some = b.view(pop2, [0, 1, 4])?;
    let r = b.monitor(&some, &["r"])?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok(PopulationMonitor {
        net,
        m,
        n,
        o,
        p,
        q,
        r,
    })
}

#[test]
fn test_population_monitor_r_sim_10() -> TestResult {
    let mut t = population_monitor()?;
    t.net.simulate(10.0)?;
    let data_m = t.net.monitor_get(t.m, "r")?;
    assert_eq!(data_m.values, rows(0.0, 1.0, 10, 3));
    Ok(())
}

#[test]
fn test_population_monitor_r_first_neurons() -> TestResult {
    let mut t = population_monitor()?;
    t.net.simulate(10.0)?;
    let datan = t.net.monitor_get(t.n, "r")?;
    assert_eq!(datan.values, rows(0.0, 1.0, 10, 2));
    Ok(())
}

#[test]
fn test_population_monitor_r_sim_100_p_10() -> TestResult {
    let mut t = population_monitor()?;
    t.net.simulate(100.0)?;
    let datao = t.net.monitor_get(t.o, "r")?;
    assert_eq!(datao.values, rows(0.0, 10.0, 10, 3));
    Ok(())
}

#[test]
fn test_population_monitor_startrec() -> TestResult {
    let mut t = population_monitor()?;
    t.net.simulate(10.0)?;
    t.net.monitor_start(t.p)?;
    t.net.simulate(10.0)?;
    let datap = t.net.monitor_get(t.p, "r")?;
    assert_eq!(datap.values, rows(10.0, 1.0, 10, 3));
    Ok(())
}

#[test]
fn test_population_monitor_a_pauserec() -> TestResult {
    let mut t = population_monitor()?;
    t.net.monitor_pause(t.m)?;
    t.net.simulate(10.0)?;
    t.net.monitor_resume(t.m)?;
    t.net.simulate(10.0)?;
    let datam = t.net.monitor_get(t.m, "r")?;
    assert_eq!(datam.values, rows(10.0, 1.0, 10, 3));
    Ok(())
}

#[test]
fn test_population_monitor_r_after_5() -> TestResult {
    let mut t = population_monitor()?;
    t.net.simulate(10.0)?;
    let datam = t.net.monitor_get(t.m, "r")?;
    assert_eq!(datam.values[5], [5.0, 5.0, 5.0]);
    Ok(())
}

#[test]
fn test_population_monitor_r_from_rank() -> TestResult {
    let mut t = population_monitor()?;
    t.net.simulate(10.0)?;
    let datam = t.net.monitor_get(t.m, "r")?;
    let rank1: Vec<f64> = datam.values.iter().map(|row| row[1]).collect();
    assert_eq!(rank1, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    Ok(())
}

#[test]
fn test_population_monitor_popview() -> TestResult {
    let mut t = population_monitor()?;
    t.net.simulate(10.0)?;
    let dataq = t.net.monitor_get(t.q, "r")?;
    assert_eq!(dataq.values, rows(0.0, 1.0, 10, 2));
    Ok(())
}

#[test]
fn test_population_monitor_popview2() -> TestResult {
    let mut t = population_monitor()?;
    t.net.simulate(10.0)?;
    let datar = t.net.monitor_get(t.r, "r")?;
    assert_eq!(datar.values, rows(0.0, 1.0, 10, 3));
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/Monitor/test_Projection.py

neuron! {
    /// `r = t`.
    struct SimplePreNeuron {
        equations: "r = t",
    }
}

neuron! {
    /// `r = 10 - t`; reads `exc` into `received`.
    struct SimplePostNeuron {
        equations: "
            r = 10 - t
            received = sum(exc)
        ",
    }
}

synapse! {
    /// A synaptic variable of the pre- and post-synaptic rates.
    struct SimpleSynapse {
        equations: "y = pre.r * post.r * w",
    }
}

/// `test_ProjectionMonitor`: 2 pre neurons, 1 post neuron, all-to-all with
/// weight 0.5, `y` of the projection monitored.
fn projection_monitor() -> annarchy::Result<(Network, MonitorId)> {
    let mut b = Network::builder();
    let p0 = b.population::<SimplePreNeuron>("p0", 2)?;
    let p1 = b.population::<SimplePostNeuron>("p1", 1)?;
    let proj = b
        .projection::<SimpleSynapse>(p0, p1, "exc")
        .connect_all_to_all(0.5)?;
    let mon_m = b.monitor(proj, &["y"])?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok((net, mon_m))
}

#[test]
fn test_projection_monitor_y_sim_10() -> TestResult {
    let (mut net, mon_m) = projection_monitor()?;
    net.simulate(10.0)?;
    // One row per step; the one dendrite's two synapses.
    let data_m = net.monitor_get(mon_m, "y")?;
    let target_m = [0.0, 4.5, 8.0, 10.5, 12.0, 12.5, 12.0, 10.5, 8.0, 4.5].map(|y| vec![y, y]);
    assert_eq!(data_m.values.len(), target_m.len());
    for (row, target) in data_m.values.iter().zip(&target_m) {
        assert_eq!(row.len(), target.len());
        for (y, t) in row.iter().zip(target) {
            approx::assert_relative_eq!(*y, *t, max_relative = 1e-5, epsilon = 1e-8);
        }
    }
    Ok(())
}
