//! `Network::simulate_until`: the `stop_condition` of a neuron model, with
//! `: any` and `: all`, conditions on time, the cap on the simulated time,
//! monitors, and the errors that leave the network untouched.
//! (ANNarchy's own three tests are ported in `annarchy_common.rs`.)

use annarchy::prelude::*;

annarchy::neuron! {
    /// Counts steps from its initial value; stops when every neuron is past 5.
    struct AllCounter {
        equations: "r += 1",
        stop_condition: "r > 5.0 : all",
    }
}

annarchy::neuron! {
    /// Stops at a given time, whatever its neurons do.
    struct Clock {
        parameters: "
            until = 12.5 : population
        ",
        equations: "r = t",
        stop_condition: "t >= until",
    }
}

#[test]
fn all_waits_for_the_last_neuron() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let pop = b.population::<AllCounter>("pop", 3)?;
    b.set(pop, "r", vec![0.0, -3.0, 2.0])?;
    let m = b.monitor(pop, &["r"])?;
    let mut net = b.build()?;
    // The neuron starting at -3 passes 5 after 9 steps.
    let t = net.simulate_until(100.0, &[pop.into()], StopOperator::And)?;
    assert_eq!(t, 9.0);
    assert_eq!(net.get(pop, "r")?, vec![9.0, 6.0, 11.0]);
    assert_eq!(net.monitor_get(m, "r")?.values.len(), 9);
    Ok(())
}

#[test]
fn conditions_read_time_and_parameters() -> annarchy::Result<()> {
    let mut b = Network::builder().dt(0.5)?;
    let clock = b.population::<Clock>("clock", 2)?;
    let mut net = b.build()?;
    // `t` is the time of the step just simulated: 12.5 ms after 25 steps.
    let t = net.simulate_until(100.0, &[clock.into()], StopOperator::Or)?;
    assert_eq!(t, 12.5);
    assert_eq!(net.get_current_step(), 25);
    net.set(clock, "until", 20.0)?;
    let more = net.simulate_until(100.0, &[clock.into()], StopOperator::Or)?;
    assert_eq!(more, 7.5);
    Ok(())
}

#[test]
fn the_simulation_stops_at_the_maximum_duration() -> annarchy::Result<()> {
    let mut b = Network::builder().dt(0.3)?;
    let clock = b.population::<Clock>("clock", 1)?;
    b.set(clock, "until", 1.0e9)?;
    let mut net = b.build()?;
    // ceil(10 / 0.3) = 34 steps, as `simulate`.
    let t = net.simulate_until(10.0, &[clock.into()], StopOperator::And)?;
    assert_eq!(net.get_current_step(), 34);
    assert!((t - 34.0 * 0.3).abs() < 1e-12);
    Ok(())
}

#[test]
fn invalid_calls_are_errors_and_simulate_nothing() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let clock = b.population::<Clock>("clock", 1)?;
    let plain = b.population::<LeakyIntegrator>("plain", 1)?;
    let mut net = b.build()?;
    let err = net
        .simulate_until(10.0, &[clock.into(), plain.into()], StopOperator::Or)
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("plain") && text.contains("stop_condition"),
        "{text}"
    );
    let err = net.simulate_until(10.0, &[], StopOperator::Or).unwrap_err();
    assert!(err.to_string().contains("at least one population"), "{err}");
    let err = net
        .simulate_until(-1.0, &[clock.into()], StopOperator::Or)
        .unwrap_err();
    assert!(err.to_string().contains("non-negative"), "{err}");
    assert_eq!(net.get_current_step(), 0);
    Ok(())
}
