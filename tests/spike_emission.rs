//! Spikes emitted by the parts of the update (`runtime/src/emission.rs`):
//! each thread resets the neurons of its part that spike; the network
//! joins their ranks in order. A reset that reads the time of the previous
//! spike and a random number, with a refractory period given by a
//! population-wide parameter, gives the same values bit for bit on any
//! number of threads, and what it computes is checked against the
//! recorded spikes.

use annarchy::prelude::*;
use annarchy::runtime::model::PAR_MIN;

annarchy::neuron! {
    /// A leaky neuron driven above its threshold whose reset draws the new
    /// potential and keeps the interval since the previous spike.
    struct Interval {
        parameters: "
            tau = 10.0 : population
            drive = 1.5
            t_ref = 1.0 : population
        ",
        equations: "
            tau * dv/dt = drive - v
            dgap/dt = 0.0
        ",
        spike: "v > 1.0",
        reset: "
            v = 0.2 * Uniform(0.0, 1.0)
            gap = t - t_last
        ",
        refractory: "t_ref",
    }
}

/// The spike steps of each neuron, then `v` and `gap` at the end.
type Outcome = (Vec<Vec<i64>>, Vec<f64>, Vec<f64>);

/// 3000 neurons (more than `PAR_MIN`: the update is split), each with its
/// own drive.
fn run(threads: usize) -> annarchy::Result<Outcome> {
    let mut b = Network::builder()
        .dt(0.1)?
        .seed(5)
        .threads(threads)
        .thread_split(ThreadSplit::Always);
    const { assert!(3000 > PAR_MIN) };
    let pop = b.population::<Interval>("pop", 3000)?;
    // The fastest neurons would spike every 4 steps without the
    // refractory period (10 steps).
    b.set(pop, "drive", RandomDistribution::uniform(1.2, 30.0))?;
    b.set(pop, "v", RandomDistribution::uniform(0.0, 1.0))?;
    let m = b.monitor(pop, &["spike"])?;
    let mut net = b.build()?;
    net.simulate(100.0)?;
    let spikes = net.monitor_spikes(m)?;
    let spikes = (0..3000).map(|r| spikes.get(&r).cloned().unwrap_or_default());
    Ok((spikes.collect(), net.get(pop, "v")?, net.get(pop, "gap")?))
}

#[test]
fn resets_in_the_parts_of_the_update_match_one_thread() -> annarchy::Result<()> {
    let (spikes, v, gap) = run(1)?;
    let mut checked = 0;
    for (rank, steps) in spikes.iter().enumerate() {
        // The reset keeps the interval between the last two spikes, read
        // before the spike of the step is stamped.
        if let [.., before, last] = steps[..] {
            let interval = (last - before) as f64 * 0.1;
            approx::assert_relative_eq!(gap[rank], interval, max_relative = 1e-9);
            // One step of refractoriness (t_ref / dt = 10 steps) at least.
            assert!(last - before > 10, "rank {rank}: {before} then {last}");
            checked += 1;
        }
    }
    assert!(checked > 2900, "{checked} neurons spiked twice");
    let shortest = spikes
        .iter()
        .flat_map(|s| s.windows(2).map(|w| w[1] - w[0]))
        .min();
    assert!(
        shortest < Some(15),
        "the refractory period binds: {shortest:?}"
    );
    // A drawn potential, different from neuron to neuron.
    let distinct: std::collections::BTreeSet<u64> = v.iter().map(|x| x.to_bits()).collect();
    assert!(distinct.len() > 2900);
    for threads in [2, 3] {
        let (s, v2, gap2) = run(threads)?;
        assert!(s == spikes, "spikes differ with {threads} threads");
        let bits = |x: &[f64]| x.iter().map(|y| y.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&v2), bits(&v), "v with {threads} threads");
        assert_eq!(bits(&gap2), bits(&gap), "gap with {threads} threads");
    }
    Ok(())
}
