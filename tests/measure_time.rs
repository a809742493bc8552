//! Timing of the steps (`Network::set_measure_time`, ANNarchy's
//! `measure_time`): every population and projection gets its rows, the
//! times add up, measuring does not change results, and it is off by
//! default.

use annarchy::prelude::*;
use annarchy::runtime::timing::Phase;

fn network() -> annarchy::Result<(Network, PopId<LeakyIntegrator>)> {
    let mut b = Network::builder().seed(9);
    let inp = b.population::<InputArray>("input", 50)?;
    b.set(inp, "r", RandomDistribution::uniform(0.0, 1.0))?;
    let out = b.population::<LeakyIntegrator>("output", 40)?;
    b.projection::<DefaultRateSynapse>(inp, out, "exc")
        .name("feedforward")
        .connect_fixed_probability(0.5, 0.1)?;
    b.monitor(out, &["r"])?;
    Ok((b.build()?, out))
}

#[test]
fn every_object_and_phase_is_timed() -> annarchy::Result<()> {
    let (mut net, _) = network()?;
    assert!(!net.measure_time());
    net.simulate(10.0)?;
    assert_eq!(net.timing().steps, 0, "nothing measured by default");
    net.set_measure_time(true);
    net.simulate(20.0)?;
    for _ in 0..5 {
        net.step();
    }
    let summary = net.timing();
    assert_eq!(summary.steps, 25);
    assert!((summary.simulated_ms - 25.0).abs() < 1e-12);
    let row = |phase: Phase, object: &str| {
        summary
            .rows
            .iter()
            .find(|r| r.phase == phase && r.object == object)
            .unwrap_or_else(|| panic!("no row for {phase:?} {object}"))
    };
    assert!(row(Phase::Transmission, "feedforward").total > std::time::Duration::ZERO);
    assert!(row(Phase::NeuronUpdate, "output").total > std::time::Duration::ZERO);
    assert!(row(Phase::NeuronUpdate, "input").total > std::time::Duration::ZERO);
    assert!(summary.phase(Phase::Monitors) > std::time::Duration::ZERO);
    assert_eq!(
        summary.total(),
        summary
            .rows
            .iter()
            .map(|r| r.total)
            .sum::<std::time::Duration>()
    );
    let table = summary.to_string();
    assert!(table.starts_with("25 steps (25 ms simulated)"), "{table}");
    assert!(table.contains("feedforward"), "{table}");
    net.reset_timing();
    assert_eq!(net.timing().steps, 0);
    assert_eq!(net.timing().total(), std::time::Duration::ZERO);
    net.set_measure_time(false);
    net.simulate(5.0)?;
    assert_eq!(net.timing().steps, 0);
    Ok(())
}

#[test]
fn callbacks_are_timed() -> annarchy::Result<()> {
    let (mut net, _) = network()?;
    net.set_measure_time(true);
    net.every(5.0, 0.0, 0.0, |_, _| {
        std::thread::sleep(std::time::Duration::from_millis(2));
        Ok(())
    })?;
    net.simulate(20.0)?;
    let summary = net.timing();
    assert!(summary.phase(Phase::Callbacks) >= std::time::Duration::from_millis(8));
    Ok(())
}

#[test]
fn measuring_does_not_change_results() -> annarchy::Result<()> {
    let (mut plain, out) = network()?;
    let (mut timed, _) = network()?;
    timed.set_measure_time(true);
    plain.simulate(30.0)?;
    timed.simulate(30.0)?;
    assert_eq!(plain.get(out, "r")?, timed.get(out, "r")?);
    Ok(())
}
