//! Structural plasticity: synapses that are not used disappear, and
//! synapses appear between neurons that are active together.
//!
//! Sixteen input neurons form four groups of four; every 200 ms one group
//! is active (`r = 2`, the others `r = 0.2`), in turn, so each group is
//! active 200 ms out of every 800 ms. Four output neurons follow the same
//! schedule: output `k` is active with group `k`. The projection starts
//! from random connectivity (`fixed_probability(0.25)`). Its synapse counts
//! the steps since its two neurons were last active together (`age`); a
//! synapse older than `T = 700` steps is pruned with probability 0.1 per
//! step, and a missing synapse between two active neurons is created with
//! probability 0.05 per step, with weight 0.5:
//!
//! ```text
//! equations: "age = if pre.r * post.r > 1.0 : 0.0 else : age + 1.0 : init = 0, int"
//! pruning:   "age > T : proba = 0.1"
//! creating:  "pre.r * post.r > 1.0 : proba = 0.05, w = 0.5"
//! ```
//!
//! A synapse between group `k` and output `k` is refreshed every 800
//! steps, before it reaches `T`, so it stays; every other synapse ages
//! past `T` and goes. After a few cycles each output neuron receives
//! exactly the four neurons of its group. The program prints the number of
//! synapses every 400 ms and the pre-synaptic ranks of each output neuron.
//!
//! ```text
//! cargo run --release --example structural [SEED]
//! ```

use annarchy::prelude::*;

annarchy::synapse! {
    /// A synapse that ages while its two neurons are not active together,
    /// is pruned once too old and is created between active neurons.
    pub struct AgingSynapse {
        parameters: "T = 700 : int, projection",
        equations: "age = if pre.r * post.r > 1.0 : 0.0 else : age + 1.0 : init = 0, int",
        pruning: "age > T : proba = 0.1",
        creating: "pre.r * post.r > 1.0 : proba = 0.05, w = 0.5",
    }
}

annarchy::neuron! {
    /// An output neuron whose rate is set from outside and which reads its
    /// excitatory input (the projection must have a target it uses).
    pub struct Output {
        parameters: "r = 0.0",
        equations: "input = sum(exc)",
    }
}

/// Neurons per input group.
pub const GROUP: usize = 4;
/// Number of groups, and of output neurons.
pub const GROUPS: usize = 4;
/// How long each group stays active, ms.
pub const ACTIVE_MS: f64 = 200.0;

/// The rates of the input (`GROUPS * GROUP` neurons) and of the output
/// (`GROUPS` neurons) while group `k` is active.
fn rates(k: usize) -> (Vec<f64>, Vec<f64>) {
    let input = (0..GROUPS * GROUP)
        .map(|i| if i / GROUP == k { 2.0 } else { 0.2 })
        .collect();
    let output = (0..GROUPS)
        .map(|j| if j == k { 2.0 } else { 0.2 })
        .collect();
    (input, output)
}

/// The synapse count every 400 ms, and the pre-synaptic ranks of each
/// output neuron at the end.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// `(time in ms, number of synapses)`.
    pub counts: Vec<(f64, usize)>,
    /// For each output neuron, its pre-synaptic ranks (empty when it has
    /// no synapse).
    pub fields: Vec<Vec<u32>>,
}

/// Builds the network with `seed`, simulates `duration_ms` and reports.
pub fn run(seed: u64, duration_ms: f64) -> annarchy::Result<Outcome> {
    let mut b = Network::builder().dt(1.0)?.seed(seed);
    let schedule: Vec<(Vec<f64>, Vec<f64>)> = (0..GROUPS).map(rates).collect();
    let period = ACTIVE_MS * GROUPS as f64;
    let input = b.timed_array(
        "input",
        GROUPS * GROUP,
        schedule.iter().map(|(i, _)| i.clone()).collect(),
        Schedule::Every(ACTIVE_MS),
        period,
    )?;
    let output = b.population::<Output>("output", GROUPS)?;
    let proj = b
        .projection::<AgingSynapse>(input, output, "exc")
        .connect_fixed_probability(0.25, 0.5)?;
    let mut net = b.build()?;
    // The output follows the same schedule as the input, set between steps.
    net.every(ACTIVE_MS, 0.0, 0.0, move |net, _| {
        let k = (net.get_time() / ACTIVE_MS).round() as usize % GROUPS;
        net.set(output, "r", schedule[k].1.clone())
    })?;
    net.start_pruning(proj, None)?;
    net.start_creating(proj, None)?;
    let mut counts = vec![(0.0, net.nb_synapses(proj))];
    while net.get_time() < duration_ms {
        net.simulate(400.0)?;
        counts.push((net.get_time(), net.nb_synapses(proj)));
    }
    let fields = (0..GROUPS as u32)
        .map(|post| {
            net.dendrite(proj, post)
                .map(|d| d.pre_ranks().to_vec())
                .unwrap_or_default()
        })
        .collect();
    Ok(Outcome { counts, fields })
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    let seed = match std::env::args().nth(1).map(|s| s.parse::<u64>()) {
        None => 1,
        Some(Ok(seed)) => seed,
        Some(Err(_)) => {
            eprintln!("usage: structural [SEED]");
            return std::process::ExitCode::from(2);
        }
    };
    match run(seed, 4000.0) {
        Ok(outcome) => {
            for (t, n) in &outcome.counts {
                println!("t = {t:>6} ms: {n:>3} synapses");
            }
            for (post, field) in outcome.fields.iter().enumerate() {
                println!("output {post} receives input neurons {field:?}");
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
