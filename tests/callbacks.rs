//! Callbacks (`Network::every`): the moments of their calls as ANNarchy 4.8
//! computes them (period, offset, negative offset, wait, declaration order,
//! `n` counted per `simulate`, the length rounded down), changes they make
//! to the network, enabling, disabling and clearing, and errors.

use std::sync::{Arc, Mutex};

use annarchy::prelude::*;

annarchy::neuron! {
    /// Follows its input with no delay of its own: `r` is the weighted sum.
    struct Follower {
        equations: "r = sum(exc)",
    }
}

/// A network of one input; the calls of the callbacks are logged as
/// `(name, n, step)`.
type Log = Arc<Mutex<Vec<(&'static str, usize, i64)>>>;

fn network(dt: f64) -> annarchy::Result<(Network, PopId<InputArray>)> {
    let mut b = Network::builder().dt(dt)?;
    let input = b.population::<InputArray>("input", 1)?;
    Ok((b.build()?, input))
}

fn logger(
    log: &Log,
    name: &'static str,
) -> impl FnMut(&mut Network, usize) -> annarchy::Result<()> + Send + 'static {
    let log = Arc::clone(log);
    move |net: &mut Network, n| {
        log.lock()
            .expect("log")
            .push((name, n, net.get_current_step()));
        Ok(())
    }
}

fn steps(log: &Log, name: &str) -> Vec<(usize, i64)> {
    log.lock()
        .expect("log")
        .iter()
        .filter(|(c, _, _)| *c == name)
        .map(|&(_, n, s)| (n, s))
        .collect()
}

#[test]
fn calls_come_at_the_moments_annarchy_computes() -> annarchy::Result<()> {
    let (mut net, _) = network(1.0)?;
    let log = Log::default();
    net.every(10.0, 0.0, 0.0, logger(&log, "plain"))?;
    net.every(100.0, -10.0, 0.0, logger(&log, "negative offset"))?;
    net.every(10.0, 3.0, 25.0, logger(&log, "wait"))?;
    net.simulate(300.0)?;
    assert_eq!(net.get_current_step(), 300);
    let plain = steps(&log, "plain");
    assert_eq!(plain.len(), 30);
    assert_eq!(plain[..3], [(0, 0), (1, 10), (2, 20)]);
    assert_eq!(plain[29], (29, 290));
    assert_eq!(
        steps(&log, "negative offset"),
        vec![(0, 90), (1, 190), (2, 290)]
    );
    let wait = steps(&log, "wait");
    assert_eq!(wait[..2], [(0, 28), (1, 38)]);
    assert_eq!(wait.last(), Some(&(27, 298)));
    // At step 90 the callback declared first comes first.
    let all = log.lock().expect("log").clone();
    let at_90: Vec<&str> = all.iter().filter(|e| e.2 == 90).map(|e| e.0).collect();
    assert_eq!(at_90, vec!["plain", "negative offset"]);
    Ok(())
}

#[test]
fn n_counts_the_calls_of_each_simulate_and_the_length_is_rounded_down() -> annarchy::Result<()> {
    let (mut net, _) = network(0.1)?;
    let log = Log::default();
    net.every(1.0, 0.0, 0.0, logger(&log, "c"))?;
    net.simulate(2.0)?;
    net.simulate(2.0)?;
    assert_eq!(steps(&log, "c"), vec![(0, 0), (1, 10), (0, 20), (1, 30)]);
    // With callbacks, 0.3 ms at dt = 0.1 is int(2.999...) = 2 steps (ANNarchy);
    // without, ceil gives 3.
    net.simulate(0.3)?;
    assert_eq!(net.get_current_step(), 42);
    net.disable_callbacks();
    assert!(!net.callbacks_enabled());
    net.simulate(0.3)?;
    assert_eq!(net.get_current_step(), 45);
    assert_eq!(steps(&log, "c").len(), 5);
    Ok(())
}

#[test]
fn callbacks_change_the_network_between_steps() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let input = b.population::<InputArray>("input", 1)?;
    let out = b.population::<Follower>("out", 1)?;
    b.projection::<DefaultRateSynapse>(input, out, "exc")
        .connect_one_to_one(1.0)?;
    let m = b.monitor(out, &["r"])?;
    let mut net = b.build()?;
    net.every(5.0, 0.0, 0.0, move |net, n| {
        net.set(input, "r", (n + 1) as f64)
    })?;
    net.simulate(12.0)?;
    let r: Vec<f64> = net
        .monitor_get(m, "r")?
        .values
        .iter()
        .map(|row| row[0])
        .collect();
    // Set before steps 0, 5 and 10: the weighted sum of that step reads it
    // (an input's `r` is not computed by the step).
    let expected = [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 3.0, 3.0];
    assert_eq!(r, expected);
    Ok(())
}

#[test]
fn enabling_disabling_and_clearing() -> annarchy::Result<()> {
    let (mut net, _) = network(1.0)?;
    let log = Log::default();
    net.every(2.0, 0.0, 0.0, logger(&log, "c"))?;
    net.disable_callbacks();
    net.simulate(4.0)?;
    assert!(log.lock().expect("log").is_empty());
    net.enable_callbacks();
    net.simulate(4.0)?;
    assert_eq!(steps(&log, "c"), vec![(0, 4), (1, 6)]);
    net.clear_all_callbacks();
    net.simulate(4.0)?;
    assert_eq!(steps(&log, "c").len(), 2);
    // A callback that clears them all stops the others, and itself.
    let log2 = Log::default();
    net.every(1.0, 0.0, 0.0, logger(&log2, "a"))?;
    net.every(3.0, 0.0, 0.0, |net, _| {
        net.clear_all_callbacks();
        Ok(())
    })?;
    net.simulate(5.0)?;
    assert_eq!(steps(&log2, "a"), vec![(0, 12)]);
    assert_eq!(net.get_current_step(), 17);
    net.simulate(2.0)?;
    assert_eq!(steps(&log2, "a").len(), 1);
    Ok(())
}

#[test]
fn errors_of_callbacks_stop_the_simulation() -> annarchy::Result<()> {
    let (mut net, input) = network(1.0)?;
    net.every(3.0, 0.0, 0.0, move |net, n| {
        if n == 2 {
            net.get(input, "no_such_attribute").map(|_| ())
        } else {
            Ok(())
        }
    })?;
    let err = net.simulate(20.0).unwrap_err();
    assert!(err.to_string().contains("no_such_attribute"), "{err}");
    assert_eq!(net.get_current_step(), 6);
    assert!(net.every(0.0, 0.0, 0.0, |_, _| Ok(())).is_err());
    assert!(net.every(1.0, 0.0, -2.0, |_, _| Ok(())).is_err());
    Ok(())
}
