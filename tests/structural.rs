//! Structural plasticity: synapses created and pruned while a network runs,
//! by the user (`create_synapse(s)`, `prune_synapse(s)`) and by the
//! `creating` / `pruning` conditions of a synapse model.
//!
//! These tests prove that every part of the run-time that depends on the
//! connectivity follows a change: a pruned synapse never transmits again
//! (rate-coded sums, spikes with and without delays, spikes already on
//! their way, post-synaptic events), a created one does, the values of the
//! other synapses stay with them, and a network changed this way computes,
//! bit for bit, what a network built directly with the final connectivity
//! computes.

use annarchy::prelude::*;
use annarchy::runtime::Error;

annarchy::neuron! {
    /// A rate-coded source: `r` is a parameter.
    struct Source {
        parameters: "r = 0.0",
    }
}

annarchy::neuron! {
    /// Shows its weighted sum.
    struct Sum {
        equations: "r = sum(exc)",
    }
}

annarchy::synapse! {
    /// A rate-coded synapse with a per-synapse and a per-dendrite value
    /// that nothing changes.
    struct Tagged {
        parameters: "
            tag = 0.5
            depth = 2.0 : postsynaptic
        ",
    }
}

annarchy::neuron! {
    /// A spiking neuron that shows the weights of the spikes it receives in
    /// `g_exc` and never spikes.
    struct Receiver {
        equations: "dv/dt = -v + g_exc",
        spike: "v > 1000.0",
        reset: "v = 0.0",
    }
}

annarchy::neuron! {
    /// A spiking neuron that spikes at every step, whatever it receives.
    struct Always {
        equations: "v = 1.0 + 0.0 * g_exc",
        spike: "v > 0.5",
        reset: "v = 0.0",
    }
}

annarchy::synapse! {
    /// `DefaultSpikingSynapse` that the run-time does not recognise: its
    /// spikes go through the generated code and the pre-synaptic index.
    struct Scaled {
        parameters: "scale = 1.0 : projection",
        pre_spike: "g_target += w * scale",
    }
}

annarchy::synapse! {
    /// Counts the post-synaptic spikes in its weight.
    struct Counter {
        pre_spike: "g_target += w",
        post_spike: "w += 1.0",
    }
}

type TestResult = annarchy::Result<()>;

/// Weight of synapse `pre -> post` in these tests: every digit matters.
fn weight(post: usize, pre: usize) -> f64 {
    0.1 + 0.37 * post as f64 - 0.013 * pre as f64 + 1e-9 * (post * pre) as f64
}

/// `post x pre` matrix of `weight` where `exists` holds.
fn matrix(
    posts: usize,
    pres: usize,
    exists: impl Fn(usize, usize) -> bool,
) -> Vec<Vec<Option<f64>>> {
    (0..posts)
        .map(|i| {
            (0..pres)
                .map(|j| exists(i, j).then(|| weight(i, j)))
                .collect()
        })
        .collect()
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

const PRE: usize = 7;
const POST: usize = 5;

fn before(i: usize, j: usize) -> bool {
    !(i + j).is_multiple_of(3) || i == 4
}

/// Post 4 loses all its synapses; the others lose and gain some.
fn after(i: usize, j: usize) -> bool {
    i != 4 && !(i * j + 1).is_multiple_of(4)
}

/// A rate-coded network from `Source` (values that make the order of the
/// additions matter) to `Sum` through [`Tagged`] synapses.
fn rate_network(
    threads: usize,
    exists: impl Fn(usize, usize) -> bool,
) -> annarchy::Result<(Network, PopId<Sum>, ProjId<Tagged>)> {
    let mut b = Network::builder()
        .dt(0.1)?
        .threads(threads)
        .thread_split(ThreadSplit::Always);
    let pre = b.population::<Source>("pre", PRE)?;
    let post = b.population::<Sum>("post", POST)?;
    b.set(pre, "r", vec![1.1, -2.3e8, 3.7, 0.13, 5.9e8, -0.7, 1e-8])?;
    let proj = b
        .projection::<Tagged>(pre, post, "exc")
        .connect_from_matrix(&matrix(POST, PRE, exists))?;
    Ok((b.build()?, post, proj))
}

/// Prunes and creates synapses of `proj` to go from `before` to `after`,
/// with the single and the multiple calls.
fn rewire(net: &mut Network, proj: impl Into<AnyProj> + Copy) -> TestResult {
    for i in 0..POST {
        let prune: Vec<u32> = (0..PRE)
            .filter(|&j| before(i, j) && !after(i, j))
            .map(|j| j as u32)
            .collect();
        let create: Vec<u32> = (0..PRE)
            .filter(|&j| after(i, j) && !before(i, j))
            .rev()
            .map(|j| j as u32)
            .collect();
        let post = i as u32;
        if i % 2 == 0 {
            net.prune_synapses(proj, post, &prune)?;
            let w: Vec<f64> = create.iter().map(|&j| weight(i, j as usize)).collect();
            net.create_synapses(proj, post, &create, &w, None)?;
        } else {
            for &j in &create {
                net.create_synapse(proj, post, j, weight(i, j as usize), 0.0)?;
            }
            for &j in &prune {
                net.prune_synapse(proj, post, j)?;
            }
        }
    }
    Ok(())
}

/// Synapses pruned and created between two steps: the weighted sums, the
/// connectivity and the weights are those of a network built with the
/// final connectivity, bit for bit, on one thread and on two.
#[test]
fn rate_sums_equal_those_of_the_final_connectivity() -> TestResult {
    for threads in [1, 2] {
        let (mut net, post, proj) = rate_network(threads, before)?;
        let (mut direct, d_post, d_proj) = rate_network(threads, after)?;
        net.step();
        rewire(&mut net, proj)?;
        direct.step();
        assert_eq!(net.connectivity(proj), direct.connectivity(d_proj));
        assert_eq!(
            bits(&net.proj_get(proj, "w")?),
            bits(&direct.proj_get(d_proj, "w")?)
        );
        for _ in 0..3 {
            net.step();
            direct.step();
            assert_eq!(bits(&net.get(post, "r")?), bits(&direct.get(d_post, "r")?));
        }
        // Post 4 has no synapse left: it receives nothing.
        assert_eq!(net.get(post, "r")?[4], 0.0);
        assert!(net.dendrite(proj, 4).is_err());
        assert!(net.get(post, "r")?[..4].iter().all(|&r| r != 0.0));
    }
    Ok(())
}

/// The values of the other attributes stay with their synapse and their
/// dendrite; a created synapse gets its weight and the initial value of
/// every other local attribute; a dendrite that comes back starts from the
/// initial values of its semiglobal attributes.
#[test]
fn values_follow_their_synapses() -> TestResult {
    let (mut net, _, proj) = rate_network(1, before)?;
    // A distinct tag per synapse, a distinct depth per dendrite.
    let tags: Vec<f64> = (0..net.nb_synapses(proj))
        .map(|s| 10.0 + s as f64)
        .collect();
    net.proj_set(proj, "tag", tags)?;
    net.proj_set(proj, "depth", vec![20.0, 21.0, 22.0, 23.0, 24.0])?;
    let tag_of = |net: &Network, post: u32, pre: u32| net.synapse(proj, post, pre, "tag");
    let before_tags: Vec<(u32, u32, f64)> = (0..POST as u32)
        .flat_map(|i| (0..PRE as u32).map(move |j| (i, j)))
        .filter_map(|(i, j)| tag_of(&net, i, j).ok().map(|t| (i, j, t)))
        .collect();
    rewire(&mut net, proj)?;
    for i in 0..POST {
        for j in 0..PRE {
            let value = tag_of(&net, i as u32, j as u32);
            match (before(i, j), after(i, j)) {
                (_, false) => assert!(value.is_err(), "{i} <- {j} was pruned"),
                (false, true) => {
                    assert_eq!(value?, 0.5);
                    assert_eq!(net.synapse(proj, i as u32, j as u32, "w")?, weight(i, j));
                }
                (true, true) => {
                    let kept = before_tags
                        .iter()
                        .find(|s| (s.0, s.1) == (i as u32, j as u32));
                    assert_eq!(Some(value?), kept.map(|s| s.2));
                }
            }
        }
    }
    assert_eq!(net.proj_get(proj, "depth")?, vec![20.0, 21.0, 22.0, 23.0]);
    // Post 4 comes back: a new dendrite, at the initial depth.
    net.create_synapse(proj, 4, 6, 1.5, 0.0)?;
    assert_eq!(
        net.proj_get(proj, "depth")?,
        vec![20.0, 21.0, 22.0, 23.0, 2.0]
    );
    assert_eq!(net.dendrite(proj, 4)?.pre_ranks(), &[6]);
    assert_eq!(net.dendrite(proj, 4)?.get("w")?, vec![1.5]);
    // `reset` restores the kept synapses' build values and the created
    // synapses' creation values.
    net.proj_set(proj, "w", 0.0)?;
    net.reset(false, true, true, false);
    assert_eq!(net.synapse(proj, 4, 6, "w")?, 1.5);
    assert_eq!(net.synapse(proj, 0, 1, "w")?, weight(0, 1));
    assert_eq!(net.synapse(proj, 0, 1, "tag")?, 0.5);
    Ok(())
}

/// ANNarchy's errors: an existing synapse cannot be created, a missing one
/// cannot be pruned, and only the projection's post-synaptic neurons have
/// synapses; nothing changes when a call fails.
#[test]
fn errors_change_nothing() -> TestResult {
    let (mut net, _, proj) = rate_network(1, before)?;
    let conn = net.connectivity(proj).clone();
    let err = net.create_synapse(proj, 0, 1, 1.0, 0.0).unwrap_err();
    assert!(
        err.to_string()
            .contains("the synapse of rank 1 already exists."),
        "{err}"
    );
    let err = net.prune_synapse(proj, 0, 0).unwrap_err();
    assert!(
        err.to_string()
            .contains("the synapse of rank 0 did not already exist."),
        "{err}"
    );
    // All or nothing: the second rank fails.
    assert!(net.prune_synapses(proj, 0, &[1, 3]).is_err());
    assert!(net.prune_synapses(proj, 0, &[1, 1]).is_err());
    assert!(net.create_synapses(proj, 0, &[0, 1], &[1.0], None).is_err());
    assert!(net.create_synapses(proj, 0, &[0, 0], &[1.0], None).is_err());
    assert!(matches!(
        net.create_synapse(proj, POST as u32, 0, 1.0, 0.0),
        Err(Error::OutOfRange { .. })
    ));
    assert!(matches!(
        net.create_synapse(proj, 0, PRE as u32, 1.0, 0.0),
        Err(Error::OutOfRange { .. })
    ));
    assert!(matches!(
        net.create_synapses(proj, 0, &[0, 3], &[1.0, 2.0, 3.0], None),
        Err(Error::SizeMismatch { .. })
    ));
    // Without delays, a synapse cannot have one.
    assert!(net.create_synapse(proj, 0, 0, 1.0, 2.0).is_err());
    assert_eq!(net.connectivity(proj), &conn);
    Ok(())
}

/// A network of 4 spike sources onto 3 receivers; sources spike at steps
/// 1, 4 and 6 (source `j` also at step `7 + j`).
fn spiking_network<S: annarchy::runtime::model::SynapseModel>(
    exists: impl Fn(usize, usize) -> bool,
    delays: Option<&dyn Fn(usize, usize) -> f64>,
) -> annarchy::Result<(Network, ProjId<S>, MonitorId)> {
    let dt = 1.0;
    let trains: Vec<Vec<f64>> = (0..4)
        .map(|j| vec![1.0, 4.0, 6.0, 7.0 + j as f64])
        .collect();
    let mut b = Network::builder().dt(dt)?;
    let src = b.spike_source_array("src", &trains)?;
    let post = b.population::<Receiver>("post", 3)?;
    let weights = matrix(3, 4, &exists);
    let proj = match delays {
        Some(d) => {
            let delays: Vec<Vec<Option<f64>>> = (0..3)
                .map(|i| (0..4).map(|j| exists(i, j).then(|| d(i, j))).collect())
                .collect();
            b.projection::<S>(src, post, "exc")
                .connect_from_matrix_with_delays(&weights, &delays)?
        }
        None => b
            .projection::<S>(src, post, "exc")
            .delays(3.0)
            .connect_from_matrix(&weights)?,
    };
    let m = b.monitor(post, &["g_exc"])?;
    Ok((b.build()?, proj, m))
}

/// Per-synapse delays of 2 to 4 steps.
fn per_synapse(i: usize, j: usize) -> f64 {
    2.0 + ((i + 2 * j) % 3) as f64
}

/// Changes made before the first step: the conductances are, bit for bit,
/// those of the final connectivity, for the run-time's own delivery
/// (`DefaultSpikingSynapse`) and the generated one, with a uniform delay
/// and with per-synapse delays (created synapses get theirs).
#[test]
fn spikes_follow_the_final_connectivity() -> TestResult {
    fn check<S: annarchy::runtime::model::SynapseModel>(per: bool) -> TestResult {
        let delays: Option<&dyn Fn(usize, usize) -> f64> = per.then_some(&per_synapse);
        let before = |i: usize, j: usize| (i + j).is_multiple_of(2);
        let after = |i: usize, j: usize| (i * j) % 3 != 1;
        let (mut net, proj, m) = spiking_network::<S>(before, delays)?;
        let (mut direct, _, dm) = spiking_network::<S>(after, delays)?;
        let delay = |i: usize, j: usize| if per { per_synapse(i, j) } else { 0.0 };
        for i in 0..3 {
            for j in 0..4 {
                let (post, pre) = (i as u32, j as u32);
                match (before(i, j), after(i, j)) {
                    (true, false) => net.prune_synapse(proj, post, pre)?,
                    (false, true) => {
                        net.create_synapse(proj, post, pre, weight(i, j), delay(i, j))?
                    }
                    _ => {}
                }
            }
        }
        assert_eq!(net.connectivity(proj), direct.connectivity(proj));
        net.simulate(16.0)?;
        direct.simulate(16.0)?;
        let g = net.monitor_get(m, "g_exc")?.values;
        assert!(g.iter().flatten().any(|&x| x != 0.0));
        let expected = direct.monitor_get(dm, "g_exc")?.values;
        for (row, (a, b)) in g.iter().zip(&expected).enumerate() {
            assert_eq!(bits(a), bits(b), "step {row}");
        }
        Ok(())
    }
    for per in [false, true] {
        check::<DefaultSpikingSynapse>(per)?;
        check::<Scaled>(per)?;
    }
    Ok(())
}

/// Spikes already on their way: through a per-synapse delay, a pruned
/// synapse's spike is lost while the other spikes arrive at their step
/// with their weight (the indices of the synapses moved); with a uniform
/// delay, the pruned synapse's spike is lost and a created synapse
/// receives the spikes its pre-synaptic neuron emitted before, as the
/// final connectivity would. Without delay, a spike emitted before the
/// change reaches the created synapse only.
#[test]
fn spikes_on_their_way() -> TestResult {
    // Source 0 and 1 spike at step 1.
    // Per-synapse delays, a uniform delay of 3 ms, or none.
    let build = |delays: Option<&[Vec<Option<f64>>]>, uniform: bool| -> annarchy::Result<_> {
        let mut b = Network::builder().dt(1.0)?;
        let src = b.spike_source_array("src", &[vec![1.0], vec![1.0]])?;
        let post = b.population::<Receiver>("post", 2)?;
        let w = vec![vec![Some(1.0), Some(10.0)], vec![Some(100.0), Some(1000.0)]];
        let proj = match delays {
            Some(d) => b
                .projection::<DefaultSpikingSynapse>(src, post, "exc")
                .connect_from_matrix_with_delays(&w, d)?,
            None => b
                .projection::<DefaultSpikingSynapse>(src, post, "exc")
                .delays(if uniform { 3.0 } else { 0.0 })
                .connect_from_matrix(&w)?,
        };
        let m = b.monitor(post, &["g_exc"])?;
        Ok((b.build()?, proj, m))
    };
    let arrivals = |net: &mut Network, m| -> annarchy::Result<Vec<(usize, usize, f64)>> {
        let g = net.monitor_get(m, "g_exc")?.values;
        Ok(g.iter()
            .enumerate()
            .flat_map(|(step, row)| {
                row.iter()
                    .enumerate()
                    .filter(|(_, g)| **g != 0.0)
                    .map(move |(post, &g)| (step, post, g))
            })
            .collect())
    };
    // Per-synapse delays (steps): 0 <- 0: 3, 0 <- 1: 2, 1 <- 0: 3, 1 <- 1: 4.
    let d = vec![vec![Some(3.0), Some(2.0)], vec![Some(3.0), Some(4.0)]];
    let (mut net, proj, m) = build(Some(&d), false)?;
    net.simulate(3.0)?;
    net.prune_synapse(proj, 0, 0)?;
    net.simulate(5.0)?;
    assert_eq!(
        arrivals(&mut net, m)?,
        vec![(3, 0, 10.0), (4, 1, 100.0), (5, 1, 1000.0)]
    );
    // Uniform delay of 3 steps: everything arrives at step 4.
    let (mut net, proj, m) = build(None, true)?;
    net.simulate(3.0)?;
    net.prune_synapses(proj, 0, &[0, 1])?;
    net.prune_synapse(proj, 1, 0)?;
    net.simulate(1.0)?;
    net.create_synapse(proj, 0, 1, 5.0, 0.0)?;
    net.simulate(3.0)?;
    assert_eq!(arrivals(&mut net, m)?, vec![(4, 0, 5.0), (4, 1, 1000.0)]);
    // No delay: the spikes of step 1 arrive at step 2.
    let (mut net, proj, m) = build(None, false)?;
    net.simulate(2.0)?;
    net.prune_synapse(proj, 1, 1)?;
    net.prune_synapse(proj, 0, 0)?;
    net.simulate(2.0)?;
    assert_eq!(arrivals(&mut net, m)?, vec![(2, 0, 10.0), (2, 1, 100.0)]);
    Ok(())
}

/// Post-synaptic events reach the synapses of the spiking neuron that
/// exist at that step: a pruned synapse stops counting, a created one
/// starts from its weight.
#[test]
fn post_spikes_reach_the_current_synapses() -> TestResult {
    let mut b = Network::builder().dt(1.0)?;
    let src = b.spike_source_array("src", &[vec![], vec![], vec![]])?;
    let post = b.population::<Always>("post", 2)?;
    let w = vec![
        vec![Some(0.0), Some(0.0), Some(0.0)],
        vec![Some(0.0), Some(0.0), None],
    ];
    let proj = b
        .projection::<Counter>(src, post, "exc")
        .connect_from_matrix(&w)?;
    let mut net = b.build()?;
    net.simulate(2.0)?;
    assert_eq!(net.proj_get(proj, "w")?, vec![2.0; 5]);
    net.prune_synapse(proj, 0, 1)?;
    net.create_synapse(proj, 1, 2, 0.5, 0.0)?;
    net.simulate(3.0)?;
    assert_eq!(net.proj_get(proj, "w")?, vec![5.0, 5.0, 5.0, 5.0, 3.5]);
    assert_eq!(net.dendrite(proj, 0)?.pre_ranks(), &[0, 2]);
    Ok(())
}

annarchy::synapse! {
    /// Weights that decrease by 0.1 per step; synapses below 0.05 are pruned.
    struct Fading {
        equations: "w = w - 0.1",
        pruning: "w < 0.05",
    }
}

annarchy::synapse! {
    /// Synapses created towards a less active post-synaptic neuron with
    /// weight 0.25, and pruned above 0.2: created synapses do not survive
    /// the step of their creation (creating comes first).
    struct Ephemeral {
        creating: "pre.r > post.r : w = 0.25",
        pruning: "w > 0.2",
    }
}

annarchy::synapse! {
    /// Random pruning and creation.
    struct Random {
        pruning: "Uniform(0.0, 1.0) < 0.3",
        creating: "pre.r > 0.5 : proba = 0.2, w = 0.5",
    }
}

/// `start_pruning(period)`: evaluated every `int(period / dt)` steps from
/// the step it was called at, until `stop_pruning`.
#[test]
fn conditions_follow_their_period() -> TestResult {
    let mut b = Network::builder().dt(0.5)?;
    let pre = b.population::<Source>("pre", 10)?;
    let post = b.population::<Sum>("post", 1)?;
    // Weights 0.1 k: the synapse from k is below 0.05 after k + 1 updates.
    let w = vec![(1..=10).map(|k| Some(0.1 * k as f64)).collect()];
    let proj = b
        .projection::<Fading>(pre, post, "exc")
        .connect_from_matrix(&w)?;
    let mut net = b.build()?;
    net.simulate(1.0)?;
    // Steps 2, 5, 8 and 11: at step n, the synapses of k <= n + 1 go.
    net.start_pruning(proj, Some(1.5))?;
    let mut left = Vec::new();
    for _ in 2..13 {
        net.step();
        left.push(net.nb_synapses(proj));
    }
    assert_eq!(left, vec![7, 7, 7, 4, 4, 4, 1, 1, 1, 0, 0]);
    assert!(net.start_pruning(proj, Some(0.25)).is_err());
    assert!(net.start_creating(proj, None).is_err());
    Ok(())
}

/// Creating comes before pruning in a step: what `creating` adds,
/// `pruning` can remove at once. Created synapses get the `w` of the
/// condition; the condition reads pre- and post-synaptic attributes.
#[test]
fn creating_comes_before_pruning() -> TestResult {
    let mut b = Network::builder().dt(1.0)?;
    let pre = b.population::<Source>("pre", 4)?;
    let post = b.population::<Sum>("post", 4)?;
    let proj = b
        .projection::<Ephemeral>(pre, post, "exc")
        .connect_one_to_one(0.1)?;
    let mut net = b.build()?;
    net.set(pre, "r", vec![0.0, 1.0, 2.0, 3.0])?;
    let one_to_one = net.connectivity(proj).clone();
    net.start_creating(proj, None)?;
    net.start_pruning(proj, None)?;
    net.step();
    assert_eq!(net.connectivity(proj), &one_to_one);
    // Without pruning, they stay: every pre-synaptic neuron more active
    // than the post-synaptic one (`post.r = 0.1 pre.r` of its one-to-one
    // partner: 0, 0.1, 0.2, 0.3) reaches it.
    net.stop_pruning(proj);
    net.step();
    for post_rank in 0..4 {
        let d = net.dendrite(proj, post_rank)?;
        assert_eq!(d.pre_ranks(), &[0, 1, 2, 3][post_rank.min(1) as usize..]);
    }
    net.stop_creating(proj);
    assert_eq!(net.synapse(proj, 0, 3, "w")?, 0.25);
    assert_eq!(net.synapse(proj, 2, 2, "w")?, 0.1);
    Ok(())
}

/// Random conditions draw from streams keyed by the network's seed, the
/// projection, the step and the post-synaptic neuron: the same synapses
/// are pruned and created on one thread and on two, about as often as
/// the probabilities say.
#[test]
fn random_conditions_are_the_same_for_any_number_of_threads() -> TestResult {
    let run = |threads: usize| -> annarchy::Result<(Vec<usize>, Network, ProjId<Random>)> {
        let mut b = Network::builder()
            .dt(1.0)?
            .seed(11)
            .threads(threads)
            .thread_split(ThreadSplit::Always);
        let pre = b.population::<Source>("pre", 60)?;
        let post = b.population::<Sum>("post", 50)?;
        let proj = b
            .projection::<Random>(pre, post, "exc")
            .connect_all_to_all(1.0)?;
        let mut net = b.build()?;
        net.set(
            pre,
            "r",
            (0..60).map(|j| f64::from(j % 2)).collect::<Vec<_>>(),
        )?;
        net.start_pruning(proj, None)?;
        let mut counts = Vec::new();
        for _ in 0..3 {
            net.step();
            counts.push(net.nb_synapses(proj));
        }
        net.stop_pruning(proj);
        net.start_creating(proj, None)?;
        for _ in 0..3 {
            net.step();
            counts.push(net.nb_synapses(proj));
        }
        Ok((counts, net, proj))
    };
    let (counts, net, proj) = run(1)?;
    let (counts2, net2, proj2) = run(2)?;
    assert_eq!(counts, counts2);
    assert_eq!(net.connectivity(proj), net2.connectivity(proj2));
    // 3000 synapses, 70 % kept per step.
    for (n, expected) in counts[..3].iter().zip([2100.0, 1470.0, 1029.0]) {
        assert!((*n as f64 - expected).abs() < 100.0, "{counts:?}");
    }
    // Only active pre-synaptic neurons gain synapses, with weight 0.5.
    let w = net.proj_get(proj, "w")?;
    let conn = net.connectivity(proj);
    let gained: Vec<(u32, f64)> = conn
        .pre_ranks
        .iter()
        .zip(&w)
        .filter(|(_, w)| **w == 0.5)
        .map(|(&j, &w)| (j, w))
        .collect();
    assert!(gained.len() > 100, "{}", gained.len());
    assert!(gained.iter().all(|(j, _)| j % 2 == 1));
    assert!(counts[3] > counts[2] && counts[5] > counts[4]);
    Ok(())
}

/// A `DecodingProjection` decodes through the synapses it has: a created
/// synapse adds its spikes and counts in the mean, a neuron whose last
/// synapse is pruned receives nothing.
#[test]
fn decoding_follows_its_synapses() -> TestResult {
    use annarchy::runtime::decoding::DecodingProjection;
    let mut b = Network::builder();
    // Source 0 spikes at every step (1000 Hz), source 1 every other step.
    let every: Vec<f64> = (0..200).map(f64::from).collect();
    let every_other: Vec<f64> = (0..100).map(|k| f64::from(2 * k)).collect();
    let src = b.spike_source_array("src", &[every, every_other])?;
    let out = b.population::<Sum>("out", 2)?;
    let proj = b
        .projection::<DecodingProjection>(src, out, "exc")
        .connect_one_to_one(1.0 / 1000.0)?;
    b.proj_set(proj, "window", 10.0)?;
    let mut net = b.build()?;
    net.simulate(50.0)?;
    net.create_synapse(proj, 0, 1, 1.0 / 1000.0, 0.0)?;
    net.prune_synapse(proj, 1, 1)?;
    net.simulate(50.0)?;
    let r = net.get(out, "r")?;
    approx::assert_abs_diff_eq!(r[0], 0.75, epsilon = 1e-12);
    assert_eq!(r[1], 0.0);
    Ok(())
}
