//! ANNarchy 4.8's own `TimedArray` tests (`tests/Interface/test_TimedArray.py`):
//! rows read one per step or per schedule, repeated with a period, given
//! after construction, and replaced during a simulation; one `#[test]` per
//! ANNarchy test method, with the same expected values.
//!
//! Each ANNarchy test class becomes a builder function that mirrors its
//! `setUpClass` and `setUp`. Tests are named `<class>_<method>`.

use annarchy::prelude::*;
use approx::assert_relative_eq;

type TestResult = annarchy::Result<()>;

/// ANNarchy's `Network.reset()` with its defaults: populations and monitors
/// are reset, projections and synapses are not.
fn reset(net: &mut Network) {
    net.reset(true, false, false, true);
}

/// Asserts that `values` equals `expected` element by element.
fn assert_all_close(values: &[f64], expected: &[f64]) {
    assert_eq!(values.len(), expected.len(), "{values:?} vs {expected:?}");
    for (v, e) in values.iter().zip(expected) {
        assert_relative_eq!(*v, *e, max_relative = 1e-7);
    }
}

/// The 10 x 10 identity: row `k` sets neuron `k` to 1.
fn inputs() -> Vec<Vec<f64>> {
    (0..10)
        .map(|k| (0..10).map(|i| if i == k { 1.0 } else { 0.0 }).collect())
        .collect()
}

/// `e_k`: 1 at position `k`, 0 elsewhere.
fn unit(k: usize) -> Vec<f64> {
    inputs().swap_remove(k)
}

neuron! {
    /// Reads four targets into four variables.
    struct SimpleNeuron {
        equations: "
            r = sum(exc)
            r2 = sum(exc2)
            r3 = sum(exc3)
            r4 = sum(exc4)
        ",
    }
}

/// `test_TimedArray` and `test_TimedArrayLateInit`: four timed arrays of the
/// identity (default schedule; schedule 10 ms; period 10 ms; schedule 2 ms
/// and period 20 ms) each connected one-to-one with weight 1 to its own
/// target of the output population.
fn timed_arrays(late_init: bool) -> annarchy::Result<(Network, PopId<SimpleNeuron>)> {
    let configurations = [
        (Schedule::Every(0.0), -1.0),
        (Schedule::Every(10.0), -1.0),
        (Schedule::Every(0.0), 10.0),
        (Schedule::Every(2.0), 20.0),
    ];
    let mut b = Network::builder();
    let mut inps = Vec::new();
    for (k, (schedule, period)) in configurations.iter().enumerate() {
        let name = ["inp", "inp2", "inp3", "inp4"][k];
        inps.push(if late_init {
            // Created without the rates, which are given below.
            b.timed_array(name, 10, vec![vec![0.0; 10]], Schedule::Every(0.0), -1.0)?
        } else {
            b.timed_array(name, 10, inputs(), schedule.clone(), *period)?
        });
    }
    let output = b.population::<SimpleNeuron>("output", 10)?;
    for (inp, target) in inps.iter().zip(["exc", "exc2", "exc3", "exc4"]) {
        b.projection::<DefaultRateSynapse>(*inp, output, target)
            .connect_one_to_one(1.0)?;
    }
    let mut net = b.build()?;
    if late_init {
        for (inp, (schedule, period)) in inps.iter().zip(configurations) {
            net.update_timed_array(*inp, inputs(), schedule, period)?;
        }
    }
    reset(&mut net);
    Ok((net, output))
}

#[test]
fn test_timed_array_compile() -> TestResult {
    timed_arrays(false)?;
    Ok(())
}

#[test]
fn test_timed_array_run_one_loop() -> TestResult {
    let (mut net, output) = timed_arrays(false)?;
    // 10 ms of input: after 11 ms the last row is read.
    net.simulate(11.0)?;
    assert_all_close(net.pop(output).r(), &unit(9));
    Ok(())
}

#[test]
fn test_timed_array_more_steps() -> TestResult {
    let (mut net, output) = timed_arrays(false)?;
    // The last row stays.
    net.simulate(12.0)?;
    assert_all_close(net.pop(output).r(), &unit(9));
    Ok(())
}

#[test]
fn test_timed_array_run_one_schedule() -> TestResult {
    let (mut net, output) = timed_arrays(false)?;
    net.simulate(11.0)?; // 1st row
    net.simulate(10.0)?; // 2nd row
    assert_all_close(net.pop(output).r2(), &unit(1));
    Ok(())
}

#[test]
fn test_timed_array_run_one_period() -> TestResult {
    let (mut net, output) = timed_arrays(false)?;
    // Period 10: the 12th step reads the first row again.
    net.simulate(12.0)?;
    assert_all_close(net.pop(output).r3(), &unit(0));
    Ok(())
}

#[test]
fn test_timed_array_run_one_period_one_schedule() -> TestResult {
    let (mut net, output) = timed_arrays(false)?;
    // Schedule 2 doubles every row, period 20 is one loop: after 25 steps
    // the second row again.
    net.simulate(25.0)?;
    assert_all_close(net.pop(output).r4(), &unit(1));
    Ok(())
}

#[test]
fn test_timed_array_late_init_compile() -> TestResult {
    timed_arrays(true)?;
    Ok(())
}

#[test]
fn test_timed_array_late_init_run_one_loop() -> TestResult {
    let (mut net, output) = timed_arrays(true)?;
    net.simulate(11.0)?;
    assert_all_close(net.pop(output).r(), &unit(9));
    Ok(())
}

#[test]
fn test_timed_array_late_init_more_steps() -> TestResult {
    let (mut net, output) = timed_arrays(true)?;
    net.simulate(12.0)?;
    assert_all_close(net.pop(output).r(), &unit(9));
    Ok(())
}

#[test]
fn test_timed_array_late_init_run_one_schedule() -> TestResult {
    let (mut net, output) = timed_arrays(true)?;
    net.simulate(11.0)?;
    net.simulate(10.0)?;
    assert_all_close(net.pop(output).r2(), &unit(1));
    Ok(())
}

#[test]
fn test_timed_array_late_init_run_one_period() -> TestResult {
    let (mut net, output) = timed_arrays(true)?;
    net.simulate(12.0)?;
    assert_all_close(net.pop(output).r3(), &unit(0));
    Ok(())
}

#[test]
fn test_timed_array_late_init_run_one_period_one_schedule() -> TestResult {
    let (mut net, output) = timed_arrays(true)?;
    net.simulate(25.0)?;
    assert_all_close(net.pop(output).r4(), &unit(1));
    Ok(())
}

neuron! {
    /// The sum of two targets.
    struct SumNeuron {
        equations: "r = sum(exc_1) + sum(exc_2)",
    }
}

/// The rows written over the identity by `test_TimedArrayUpdate`.
fn overwrite_inputs() -> Vec<Vec<f64>> {
    (0..10)
        .map(|k| {
            (0..10)
                .map(|i| match i {
                    _ if i == k => 1.0,
                    _ if i == 9 - k => 2.0,
                    _ => 0.0,
                })
                .collect()
        })
        .collect()
}

/// `test_TimedArrayUpdate`: the identity every step (`input`) and every
/// 2 ms (`input2`), one-to-one on `exc_1` and `exc_2` of the output.
struct TimedArrayUpdate {
    net: Network,
    input: PopId<TimedArray>,
    input2: PopId<TimedArray>,
    output: PopId<SumNeuron>,
}

fn timed_array_update() -> annarchy::Result<TimedArrayUpdate> {
    let mut b = Network::builder();
    let input = b.timed_array("input", 10, inputs(), Schedule::Every(0.0), -1.0)?;
    let input2 = b.timed_array("input2", 10, inputs(), Schedule::Every(2.0), -1.0)?;
    let output = b.population::<SumNeuron>("output", 10)?;
    b.projection::<DefaultRateSynapse>(input, output, "exc_1")
        .connect_one_to_one(1.0)?;
    b.projection::<DefaultRateSynapse>(input2, output, "exc_2")
        .connect_one_to_one(1.0)?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok(TimedArrayUpdate {
        net,
        input,
        input2,
        output,
    })
}

#[test]
fn test_timed_array_update_compile() -> TestResult {
    timed_array_update()?;
    Ok(())
}

#[test]
fn test_timed_array_update_run_one_loop() -> TestResult {
    let mut t = timed_array_update()?;
    // 5 ms, new rows, 6 ms more: the last of the new rows (no period).
    t.net.simulate(5.0)?;
    t.net
        .update_timed_array(t.input, overwrite_inputs(), Schedule::Every(0.0), -1.0)?;
    t.net.simulate(6.0)?;
    assert_all_close(
        &t.net.get(t.output, "sum(exc_1)")?,
        &[2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
    );
    Ok(())
}

#[test]
fn test_timed_array_update_run_one_loop_and_period() -> TestResult {
    let mut t = timed_array_update()?;
    // With a schedule of 2 ms, the 5th new row is read.
    t.net.simulate(5.0)?;
    t.net
        .update_timed_array(t.input2, overwrite_inputs(), Schedule::Every(2.0), -1.0)?;
    t.net.simulate(6.0)?;
    assert_all_close(
        &t.net.get(t.output, "sum(exc_2)")?,
        &[0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 0.0],
    );
    Ok(())
}
