//! Monitors with bounded memory (`MonitorOptions::keep_last`): only the
//! last rows of each variable and the spikes of the last steps are kept,
//! and they are exactly what an unbounded monitor holds for those steps.

use annarchy::prelude::*;

fn bounded(n: usize) -> MonitorOptions {
    MonitorOptions {
        keep_last: Some(n),
        ..MonitorOptions::default()
    }
}

#[test]
fn the_last_rows_are_those_of_an_unbounded_monitor() -> annarchy::Result<()> {
    let mut b = Network::builder().seed(2);
    let pop = b.population::<LeakyIntegrator>("pop", 4)?;
    b.set(pop, "B", RandomDistribution::uniform(0.0, 1.0))?;
    let all = b.monitor(pop, &["r", "v"])?;
    let last = b.monitor_with(pop, &["r", "v"], bounded(5))?;
    let mut net = b.build()?;
    net.simulate(97.0)?;
    for var in ["r", "v"] {
        let full = net.monitor_get(all, var)?;
        let tail = net.monitor_get(last, var)?;
        assert_eq!(tail.steps, (92..97).collect::<Vec<i64>>());
        assert_eq!(tail.values[..], full.values[92..]);
        assert_eq!(tail.times[..], full.times[92..]);
    }
    // After a read, the next rows.
    net.simulate(3.0)?;
    assert_eq!(net.monitor_get(last, "r")?.steps, vec![97, 98, 99]);
    Ok(())
}

#[test]
fn spikes_of_the_last_steps() -> annarchy::Result<()> {
    let mut b = Network::builder().seed(4);
    let pop = b.population::<Poisson>("pop", 50)?;
    b.set(pop, "rates", 100.0)?;
    let all = b.monitor(pop, &["spike"])?;
    let last = b.monitor_with(pop, &["spike"], bounded(20))?;
    let mut net = b.build()?;
    net.simulate(500.0)?;
    let full = net.monitor_spikes(all)?;
    let tail = net.monitor_spikes(last)?;
    let mut kept = 0;
    for (rank, steps) in &full {
        let expected: Vec<i64> = steps.iter().copied().filter(|&s| s >= 480).collect();
        kept += expected.len();
        assert_eq!(
            tail.get(rank).cloned().unwrap_or_default(),
            expected,
            "rank {rank}"
        );
    }
    assert!(kept > 20, "{kept} spikes in the last 20 steps");
    Ok(())
}
