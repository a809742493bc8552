//! Axonal spikes (ANNarchy's `axon_spike`, `axon_reset`, `pre_axon_spike`):
//! a neuron can emit an event that reaches synapses without being a spike
//! (no reset, no refractory period, no `last_spike`).

use annarchy::prelude::*;
use annarchy::{neuron, synapse};

neuron! {
    /// Counts steps; an axonal spike when the count exceeds 3, a spike (and
    /// reset) when it exceeds 5.
    struct Counter {
        equations: "
            v = v + 1
            a = a
        ",
        spike: "v > 5",
        reset: "v = 0",
        axon_spike: "v > 3",
        axon_reset: "a = a + 1",
    }
}

neuron! {
    /// Shows its excitatory input.
    struct Input {
        equations: "mp = g_exc",
        spike: "mp > 1e9",
        reset: "",
    }
}

synapse! {
    /// A spike adds `w`; an axonal spike adds `10 w`.
    struct Axonal {
        pre_spike: "g_target += w",
        pre_axon_spike: "g_target += 10 * w",
    }
}

#[test]
fn axonal_spikes_reach_synapses_without_being_spikes() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let pre = b.population::<Counter>("pre", 1)?;
    let post = b.population::<Input>("post", 1)?;
    b.projection::<Axonal>(pre, post, "exc")
        .connect_one_to_one(1.0)?;
    let mp = b.monitor(post, &["mp"])?;
    let spikes = b.monitor(pre, &["spike"])?;
    let mut net = b.build()?;
    net.simulate(13.0)?;
    let mp: Vec<f64> = net
        .monitor_get(mp, "mp")?
        .values
        .iter()
        .map(|r| r[0])
        .collect();
    // v: 1 2 3 4a 5a 6s | 1 2 3 4a 5a 6s | 1  (a: axonal, s: spike, 0 after reset)
    // Each event acts on the post-synaptic neuron the next step.
    assert_eq!(
        mp,
        vec![
            0.0, 0.0, 0.0, 0.0, 10.0, 10.0, 1.0, 0.0, 0.0, 0.0, 10.0, 10.0, 1.0
        ]
    );
    // Axonal spikes are not spikes.
    assert_eq!(net.monitor_spikes(spikes)?[&0], vec![5, 11]);
    // `axon_reset` ran at each axonal spike.
    assert_eq!(net.get(pre, "a")?, vec![4.0]);
    Ok(())
}
