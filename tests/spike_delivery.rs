//! Spikes of the most common synapse (`pre_spike: g_target += w`) are
//! delivered by the run-time from a copy of the weights in pre-synaptic
//! order. These tests prove that this path adds exactly what the synapse's
//! own code adds, and that every way of changing the weights reaches it.

use annarchy::prelude::*;

#[path = "common/receivers.rs"]
mod receivers;
use receivers::{Receiver, ScaledSynapse};

fn times(steps: &[i64], dt: f64) -> Vec<f64> {
    steps.iter().map(|&s| s as f64 * dt).collect()
}

/// Spike trains of 300 sources (about 27 spikes per step) onto 1000
/// receivers (probability 0.3: more than `PAR_EVENTS` synaptic events per
/// step, so that two threads split the delivery), through
/// `DefaultSpikingSynapse` and through [`ScaledSynapse`]: each conductance
/// is, bit for bit, the sum of the weights of the spikes that reached it.
#[test]
fn the_weight_path_adds_what_the_generated_code_adds() -> annarchy::Result<()> {
    let dt = 0.5;
    let trains: Vec<Vec<f64>> = (0..300)
        .map(|k| {
            let steps: Vec<i64> = (0..100).filter(|s| (s * 7 + k * 13) % 11 == 0).collect();
            times(&steps, dt)
        })
        .collect();
    for threads in [1, 2] {
        let mut b = Network::builder()
            .dt(dt)?
            .seed(4)
            .threads(threads)
            .thread_split(ThreadSplit::Always);
        let src = b.spike_source_array("src", &trains)?;
        let fast = b.population::<Receiver>("fast", 1000)?;
        let generic = b.population::<Receiver>("generic", 1000)?;
        let weights = RandomDistribution::uniform(-1.0, 1.0);
        let p_fast = b
            .projection::<DefaultSpikingSynapse>(src, fast, "exc")
            .connect_fixed_probability(0.3, weights.clone())?;
        let p_generic = b
            .projection::<ScaledSynapse>(src, generic, "exc")
            .connect_fixed_probability(0.3, weights)?;
        let m_fast = b.monitor(fast, &["g_exc"])?;
        let m_generic = b.monitor(generic, &["g_exc"])?;
        let mut net = b.build()?;
        let fast_synapses = net.nb_synapses(p_fast);
        assert!(27 * fast_synapses / 300 > annarchy::runtime::model::PAR_EVENTS);
        net.simulate(50.0)?;
        let fast_g = net.monitor_get(m_fast, "g_exc")?.values;
        let generic_g = net.monitor_get(m_generic, "g_exc")?.values;
        assert!(fast_g.iter().flatten().any(|&g| g != 0.0));
        // Per post-synaptic neuron, the sum of the weights of each step's
        // spikes, computed from the synapses themselves.
        for (proj, g) in [
            (AnyProj::from(p_fast), &fast_g),
            (AnyProj::from(p_generic), &generic_g),
        ] {
            for (row, values) in g.iter().enumerate().skip(1) {
                let arrived = (row - 1) as i64;
                for (rank, &value) in values.iter().enumerate().step_by(37) {
                    let dendrite = net.dendrite(proj, rank as u32)?;
                    let w = dendrite.get("w")?;
                    let mut expected = 0.0;
                    for (&pre, &w) in dendrite.pre_ranks().iter().zip(&w) {
                        let spikes = &trains[pre as usize];
                        if spikes.iter().any(|&t| (t / dt).round() as i64 == arrived) {
                            expected += w;
                        }
                    }
                    assert_eq!(
                        value.to_bits(),
                        expected.to_bits(),
                        "{threads} thread(s), step {row}, neuron {rank}"
                    );
                }
            }
        }
    }
    Ok(())
}

/// Weights changed by `set_synapse`, `proj_set`, the typed arrays
/// (`proj_mut`) and `reset` are the ones the next spike delivers.
#[test]
fn changed_weights_reach_the_next_spike() -> annarchy::Result<()> {
    let dt = 1.0;
    // Spikes at steps 2, 5, 8 and 11, arriving one step later.
    let mut b = Network::builder().dt(dt)?;
    let src = b.spike_source_array("src", &[times(&[2, 5, 8, 11], dt)])?;
    let post = b.population::<Receiver>("post", 1)?;
    let proj = b
        .projection::<DefaultSpikingSynapse>(src, post, "exc")
        .connect_all_to_all(0.5)?;
    let m = b.monitor(post, &["g_exc"])?;
    let mut net = b.build()?;
    net.simulate(4.0)?;
    net.set_synapse(proj, 0, 0, "w", 2.0)?;
    net.simulate(3.0)?;
    net.proj_set(proj, "w", 3.0)?;
    net.simulate(3.0)?;
    // Through the typed arrays too.
    net.proj_mut(proj).w_mut()[0] = 4.0;
    net.simulate(3.0)?;
    // Back to time 0 and to the initial weights; the monitor goes on.
    net.reset(true, true, true, false);
    net.simulate(4.0)?;
    let g: Vec<f64> = net
        .monitor_get(m, "g_exc")?
        .values
        .iter()
        .map(|row| row[0])
        .collect();
    assert_eq!(g.len(), 17);
    assert_eq!(g[3], 0.5, "first spike, initial weight");
    assert_eq!(g[6], 2.0, "after set_synapse");
    assert_eq!(g[9], 3.0, "after proj_set");
    assert_eq!(g[12], 4.0, "after proj_mut");
    assert_eq!(g[16], 0.5, "after reset: the initial weight");
    assert_eq!(g.iter().filter(|&&x| x != 0.0).count(), 5);
    Ok(())
}
