//! Model variables may be named like the locals of the generated code
//! (`mask`, `rem`, `free`, `next`, `n`, `off`, `end`, `body`): the code
//! keeps them apart.

use annarchy::prelude::*;

annarchy::neuron! {
    /// A neuron whose names are those of the generated code's locals.
    struct Names {
        parameters: "
            level = 0.0
            n = 1.0
        ",
        equations: "
            mask = level
            rem = mask * n
            free = rem + 0.0
            next = free
            off = next
            end = off
            body = end
        ",
        spike: "mask > 1.0 and free > 1.0 and next > 1.0",
        reset: "
            mask = 0.0
            rem = 0.0
        ",
        refractory: 2.0,
    }
}

#[test]
fn names_of_generated_locals() -> annarchy::Result<()> {
    let mut b = Network::builder().dt(1.0)?;
    let p = b.population::<Names>("p", 3)?;
    b.set(p, "level", vec![0.5, 2.0, 3.0])?;
    let m = b.monitor(p, &["spike"])?;
    let mut net = b.build()?;
    net.simulate(6.0)?;
    let spikes = net.monitor_spikes(m)?;
    // Neurons 1 and 2 spike at step 0, then every 3 steps (2 ms refractory).
    assert_eq!(
        spikes.get(&0).cloned().unwrap_or_default(),
        Vec::<i64>::new()
    );
    assert_eq!(spikes[&1], vec![0, 3]);
    assert_eq!(spikes[&2], vec![0, 3]);
    assert_eq!(net.get(p, "body")?, vec![0.5, 2.0, 3.0]);
    Ok(())
}
