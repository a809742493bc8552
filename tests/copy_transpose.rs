//! Copied and transposed projections (ANNarchy's `Copy` and `Transpose`,
//! SPEC.md 9.1), against direct computations over dense weight matrices
//! written here: a copy with each operation and a custom psp between other
//! populations of the same geometries, a rate-coded transpose (`w * r` of
//! the original post-synaptic neurons, summed into the original
//! pre-synaptic ones) and a spiking one (spikes of the original
//! post-synaptic neurons adding `w` to `g_target` of the original
//! pre-synaptic ones). Changes of the original's weights (by hand and by
//! learning) and of its connectivity (by loading) show at the next step;
//! every refusal gives its message; the results are bit-identical on one
//! and two threads; the original's own transmission is unchanged.

use annarchy::prelude::*;
use annarchy::runtime::convolution::{Kernel, Operation};
use approx::assert_relative_eq;

type TestResult = annarchy::Result<()>;

neuron! {
    /// `r = baseline`; receives `sum(inh)` from a transpose.
    struct Input {
        parameters: "baseline = 0",
        equations: "r = baseline + 0.0 * sum(inh)",
    }
}

neuron! {
    /// `r = sum(exc)`.
    struct Output {
        equations: "r = sum(exc) : init = 0.0",
    }
}

neuron! {
    /// A spiking neuron that never spikes: shows its conductances.
    struct Receiver {
        equations: "v = g_inh + g_exc",
        spike: "v > 1e12",
        reset: "v = 0",
    }
}

#[path = "common/emitter.rs"]
mod emitter;
use emitter::Emitter;

/// A dense `post x pre` matrix whose entries all differ, with holes.
fn matrix(post: usize, pre: usize) -> Vec<Vec<Option<f64>>> {
    (0..post)
        .map(|i| {
            (0..pre)
                .map(|j| {
                    (!(i * 7 + j * 3).is_multiple_of(5))
                        .then(|| ((i * pre + j) as f64 * 0.37).sin())
                })
                .collect()
        })
        .collect()
}

/// Rates that all differ, positive and negative.
fn rates(n: usize, phase: f64) -> Vec<f64> {
    (0..n).map(|i| (i as f64 * 0.9 + phase).cos()).collect()
}

fn assert_all_close(values: &[f64], expected: &[f64]) {
    assert_eq!(values.len(), expected.len(), "{values:?} vs {expected:?}");
    for (v, e) in values.iter().zip(expected) {
        assert_relative_eq!(*v, *e, max_relative = 1e-12, epsilon = 1e-12);
    }
}

/// The copy's operation over the terms `psp(w_ij, r_j)` of each row.
fn fold_rows(
    w: &[Vec<Option<f64>>],
    r: &[f64],
    psp: fn(f64, f64) -> f64,
    operation: Operation,
) -> Vec<f64> {
    w.iter()
        .map(|row| {
            let terms: Vec<f64> = row
                .iter()
                .zip(r)
                .filter_map(|(w, &r)| w.map(|w| psp(w, r)))
                .collect();
            match operation {
                Operation::Sum => terms.iter().sum(),
                Operation::Mean => terms.iter().sum::<f64>() / terms.len() as f64,
                Operation::Max => terms.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                Operation::Min => terms.iter().copied().fold(f64::INFINITY, f64::min),
            }
        })
        .collect()
}

/// `sum_i w_ij * r_i` for each column `j`.
fn transposed_sums(w: &[Vec<Option<f64>>], r: &[f64]) -> Vec<f64> {
    let pre = w[0].len();
    (0..pre)
        .map(|j| {
            w.iter()
                .zip(r)
                .filter_map(|(row, &r)| row[j].map(|w| w * r))
                .sum()
        })
        .collect()
}

#[test]
fn a_copy_applies_the_original_weights_with_its_own_psp_and_operation() -> TestResult {
    let (npre, npost) = (6, 5);
    let w = matrix(npost, npre);
    let cube: fn(f64, f64) -> f64 = |w, r| w * r * r * r;
    let default: fn(f64, f64) -> f64 = |w, r| r * w;
    for operation in [
        Operation::Sum,
        Operation::Max,
        Operation::Min,
        Operation::Mean,
    ] {
        for (psp, name) in [(default, "default"), (cube, "cube")] {
            let mut b = Network::builder();
            let pre = b.population::<Input>("pre", npre)?;
            let post = b.population::<Output>("post", npost)?;
            let pre2 = b.population::<Input>("pre2", npre)?;
            let post2 = b.population::<Output>("post2", npost)?;
            b.set(pre, "baseline", rates(npre, 0.0))?;
            b.set(pre2, "baseline", rates(npre, 1.3))?;
            let orig = b
                .projection::<DefaultRateSynapse>(pre, post, "exc")
                .connect_from_matrix(&w)?;
            let mut copy = b.copy(pre2, post2, "exc").operation(operation);
            if name == "cube" {
                copy = copy.psp(psp);
            }
            let copy = copy.name("copy").connect_copy(orig)?;
            let mut net = b.build()?;
            net.simulate(2.0)?;
            // The original is unchanged by its copy.
            assert_all_close(
                &net.get(post, "r")?,
                &fold_rows(&w, &rates(npre, 0.0), default, Operation::Sum),
            );
            let expected = fold_rows(&w, &rates(npre, 1.3), psp, operation);
            assert_all_close(&net.get(post2, "sum(exc)")?, &expected);
            // Same connectivity, same ranks.
            assert_eq!(net.nb_synapses(copy), net.nb_synapses(orig));
            assert_eq!(net.post_ranks(copy), net.post_ranks(orig));
            assert_eq!(
                net.dendrite(copy, 3)?.pre_ranks(),
                net.dendrite(orig, 3)?.pre_ranks()
            );
            assert_eq!(net.proj(copy).operation(), operation);
            assert_eq!(net.proj(copy).source(), AnyProj::from(orig));
            assert_eq!(net.connector_info(copy).name, "Copy");
        }
    }
    Ok(())
}

#[test]
fn a_copy_follows_changes_of_the_original_weights() -> TestResult {
    let (npre, npost) = (4, 3);
    let w = matrix(npost, npre);
    let mut b = Network::builder();
    let pre = b.population::<Input>("pre", npre)?;
    let post = b.population::<Output>("post", npost)?;
    let post2 = b.population::<Output>("post2", npost)?;
    b.set(pre, "baseline", rates(npre, 0.4))?;
    let orig = b
        .projection::<DefaultRateSynapse>(pre, post, "exc")
        .connect_from_matrix(&w)?;
    b.copy(pre, post2, "exc").connect_copy(orig)?;
    let mut net = b.build()?;
    // The rates are the baselines from the first update on.
    net.simulate(2.0)?;
    let r = rates(npre, 0.4);
    let default: fn(f64, f64) -> f64 = |w, r| r * w;
    assert_all_close(
        &net.get(post2, "sum(exc)")?,
        &fold_rows(&w, &r, default, Operation::Sum),
    );
    // One synapse by hand.
    let mut w2 = w.clone();
    w2[1][2] = Some(5.0);
    net.set_synapse(orig, 1, 2, "w", 5.0)?;
    net.step();
    assert_all_close(
        &net.get(post2, "sum(exc)")?,
        &fold_rows(&w2, &r, default, Operation::Sum),
    );
    // Every weight at once.
    net.proj_set(orig, "w", 0.5)?;
    net.step();
    let halves: Vec<Vec<Option<f64>>> = w
        .iter()
        .map(|row| row.iter().map(|x| x.map(|_| 0.5)).collect())
        .collect();
    assert_all_close(
        &net.get(post2, "sum(exc)")?,
        &fold_rows(&halves, &r, default, Operation::Sum),
    );
    // A reset of the synapses restores the original weights, for the copy too.
    net.reset(false, true, true, false);
    net.step();
    assert_all_close(
        &net.get(post2, "sum(exc)")?,
        &fold_rows(&w, &r, default, Operation::Sum),
    );
    Ok(())
}

#[test]
fn a_copy_of_a_learning_projection_reads_the_weights_of_each_step() -> TestResult {
    let (npre, npost) = (5, 4);
    let w = matrix(npost, npre);
    let mut b = Network::builder();
    let pre = b.population::<Input>("pre", npre)?;
    let post = b.population::<Output>("post", npost)?;
    let pre2 = b.population::<Input>("pre2", npre)?;
    let post2 = b.population::<Output>("post2", npost)?;
    b.set(
        pre,
        "baseline",
        rates(npre, 0.0).iter().map(|r| r.abs()).collect::<Vec<_>>(),
    )?;
    b.set(pre2, "baseline", rates(npre, 2.0))?;
    let positive: Vec<Vec<Option<f64>>> = w
        .iter()
        .map(|row| row.iter().map(|x| x.map(f64::abs)).collect())
        .collect();
    let orig = b
        .projection::<Hebb>(pre, post, "exc")
        .connect_from_matrix(&positive)?;
    b.copy(pre2, post2, "exc").connect_copy(orig)?;
    let mut net = b.build()?;
    net.proj_set(orig, "eta", 0.1)?;
    // The rates are the baselines from the first update on.
    net.step();
    let r2 = rates(npre, 2.0);
    let mut changed = false;
    for _ in 0..5 {
        // The weights the transmission of this step reads.
        let before = net.proj_get(orig, "w")?;
        net.step();
        let after = net.proj_get(orig, "w")?;
        changed |= before != after;
        let mut k = 0;
        let current: Vec<Vec<Option<f64>>> = positive
            .iter()
            .map(|row| {
                row.iter()
                    .map(|x| {
                        x.map(|_| {
                            k += 1;
                            before[k - 1]
                        })
                    })
                    .collect()
            })
            .collect();
        assert_all_close(
            &net.get(post2, "sum(exc)")?,
            &fold_rows(&current, &r2, |w, r| r * w, Operation::Sum),
        );
    }
    assert!(changed, "the original learns");
    Ok(())
}

#[test]
fn a_rate_coded_transpose_sums_the_weights_times_the_original_post_rates() -> TestResult {
    let (npre, npost) = (6, 4);
    let w = matrix(npost, npre);
    let mut b = Network::builder();
    let pre = b.population::<Input>("pre", npre)?;
    let post = b.population::<Output>("post", npost)?;
    b.set(pre, "baseline", rates(npre, 0.2))?;
    let orig = b
        .projection::<DefaultRateSynapse>(pre, post, "exc")
        .connect_from_matrix(&w)?;
    let back = b.transpose(orig, "inh").name("back").connect()?;
    let mut net = b.build()?;
    // The rates of the input from the first step, of the output from the second.
    net.simulate(2.0)?;
    let q = net.get(post, "r")?;
    assert_all_close(
        &q,
        &fold_rows(&w, &rates(npre, 0.2), |w, r| r * w, Operation::Sum),
    );
    net.step();
    // The transpose read the rates of the original post-synaptic neurons
    // of the previous step (equal to this step's: the input is constant).
    assert_all_close(&net.get(pre, "sum(inh)")?, &transposed_sums(&w, &q));
    // The connectivity is the transposed one.
    assert_eq!(net.nb_synapses(back), net.nb_synapses(orig));
    let dense: Vec<u32> = (0..npre as u32)
        .filter(|&j| w.iter().any(|row| row[j as usize].is_some()))
        .collect();
    assert_eq!(net.post_ranks(back), dense.as_slice());
    let column: Vec<u32> = (0..npost as u32)
        .filter(|&i| w[i as usize][2].is_some())
        .collect();
    assert_eq!(net.dendrite(back, 2)?.pre_ranks(), column.as_slice());
    let sources = net.proj(back).source_synapses().to_vec();
    assert_eq!(sources.len(), net.nb_synapses(orig));
    assert_eq!(net.proj(back).source(), AnyProj::from(orig));
    // Weight changes show at the next step.
    let mut w2 = w.clone();
    w2[3][2] = Some(-4.0);
    net.set_synapse(orig, 3, 2, "w", -4.0)?;
    net.step();
    let q = net.get(post, "r")?;
    net.step();
    assert_all_close(&net.get(pre, "sum(inh)")?, &transposed_sums(&w2, &q));
    Ok(())
}

#[test]
fn a_spiking_transpose_delivers_the_spikes_of_the_original_post_neurons() -> TestResult {
    let (na, ns) = (5, 4);
    let w = matrix(ns, na);
    let mut b = Network::builder();
    let a = b.population::<Receiver>("a", na)?;
    let s = b.population::<Emitter>("s", ns)?;
    let orig = b
        .projection::<DefaultSpikingSynapse>(a, s, "exc")
        .connect_from_matrix(&w)?;
    b.transpose(orig, "inh").connect()?;
    let m = b.monitor(a, &["g_inh"])?;
    let mut net = b.build()?;
    let patterns: [&[usize]; 4] = [&[0, 2], &[1], &[0, 1, 2, 3], &[]];
    let mut expected = vec![vec![0.0; na]];
    for fired in patterns {
        let fire: Vec<f64> = (0..ns)
            .map(|i| if fired.contains(&i) { 1.0 } else { 0.0 })
            .collect();
        net.set(s, "fire", fire)?;
        net.step();
        let spiked: Vec<u32> = fired.iter().map(|&i| i as u32).collect();
        assert_eq!(net.spiked(s), spiked.as_slice());
        // Arrive at the next step.
        expected.push(
            (0..na)
                .map(|j| fired.iter().filter_map(|&i| w[i][j]).sum())
                .collect(),
        );
    }
    net.step();
    let recorded = net.monitor_get(m, "g_inh")?;
    assert_eq!(recorded.values.len(), expected.len());
    for (row, e) in recorded.values.iter().zip(&expected) {
        assert_all_close(row, e);
    }
    // A weight change shows at the next delivery.
    net.set_synapse(orig, 2, 4, "w", 9.0)?;
    net.set(s, "fire", vec![0.0, 0.0, 1.0, 0.0])?;
    net.step();
    net.set(s, "fire", 0.0)?;
    net.step();
    let g = net.monitor_get(m, "g_inh")?;
    let last = g.values.last().expect("a row");
    let mut e: Vec<f64> = (0..na).map(|j| w[2][j].unwrap_or(0.0)).collect();
    e[4] = 9.0;
    assert_all_close(last, &e);
    Ok(())
}

#[test]
fn a_transpose_follows_a_loaded_connectivity_of_the_original() -> TestResult {
    let (npre, npost) = (5, 4);
    let make = |w: &[Vec<Option<f64>>]| -> annarchy::Result<_> {
        let mut b = Network::builder();
        let pre = b.population::<Input>("pre", npre)?;
        let post = b.population::<Output>("post", npost)?;
        b.set(pre, "baseline", rates(npre, 0.7))?;
        let orig = b
            .projection::<DefaultRateSynapse>(pre, post, "exc")
            .name("orig")
            .connect_from_matrix(w)?;
        let back = b.transpose(orig, "inh").connect()?;
        Ok((b.build()?, pre, post, orig, back))
    };
    let w1 = matrix(npost, npre);
    let w2: Vec<Vec<Option<f64>>> = (0..npost)
        .map(|i| {
            (0..npre)
                .map(|j| (j % 2 == i % 2).then_some(0.1 * (i + j) as f64 + 0.05))
                .collect()
        })
        .collect();
    let (first, ..) = make(&w2)?;
    let path = std::env::temp_dir().join(format!(
        "annarchy-copy-transpose-{}/orig.npz",
        std::process::id()
    ));
    first.save_projection(first.get_projection("orig")?, &path)?;
    let (mut net, pre, post, orig, back) = make(&w1)?;
    net.load_projection(orig, &path)?;
    let _ = std::fs::remove_dir_all(path.parent().expect("a folder"));
    net.simulate(2.0)?;
    let q = net.get(post, "r")?;
    net.step();
    assert_all_close(&net.get(pre, "sum(inh)")?, &transposed_sums(&w2, &q));
    assert_eq!(net.nb_synapses(back), net.nb_synapses(orig));
    Ok(())
}

#[test]
fn refusals_give_their_messages() -> TestResult {
    let mut b = Network::builder();
    let pre = b.population::<Input>("pre", (2, 3))?;
    let post = b.population::<Output>("post", 4)?;
    let other = b.population::<Input>("other", 6)?;
    let a = b.population::<Receiver>("a", 3)?;
    let s = b.population::<Emitter>("s", 2)?;
    let orig = b
        .projection::<DefaultRateSynapse>(pre, post, "exc")
        .connect_all_to_all(0.5)?;
    let conv = b
        .convolution(pre, pre, "inh")
        .connect_filter(&Kernel::from_rows(&[[1.0, 0.0], [0.0, 1.0]])?)?;
    let message = |e: annarchy::Error| e.to_string();
    // Copy.
    assert_eq!(
        message(b.copy(pre, pre, "inh").connect_copy(conv).unwrap_err()),
        "Copy: You can only copy regular projections, not shared projections."
    );
    assert_eq!(
        message(b.copy(other, post, "exc").connect_copy(orig).unwrap_err()),
        "Copy: When copying a projection, the geometries must be the same."
    );
    let spiking = b
        .projection::<DefaultSpikingSynapse>(s, a, "exc")
        .connect_all_to_all(1.0)?;
    let s2 = b.population::<Emitter>("s2", 2)?;
    let err = message(b.copy(s2, a, "inh").connect_copy(spiking).unwrap_err());
    assert!(err.contains("must be rate-coded"), "{err}");
    let copy = b.copy(pre, post, "exc").connect_copy(orig)?;
    let err = message(b.copy(pre, post, "exc").connect_copy(copy).unwrap_err());
    assert!(err.contains("not copied or transposed ones"), "{err}");
    // Transpose.
    assert_eq!(
        message(b.transpose(conv, "inh").connect().unwrap_err()),
        "Transpose: You can only transpose regular projections, not shared projections."
    );
    let err = message(b.transpose(copy, "inh").connect().unwrap_err());
    assert!(err.contains("not copied or transposed ones"), "{err}");
    let hybrid = b
        .projection::<DefaultRateSynapse>(other, a, "exc")
        .connect_all_to_all(1.0)?;
    assert_eq!(
        message(b.transpose(hybrid, "inh").connect().unwrap_err()),
        "Transpose: TransposeProjection are not applyable on hybrid projections ..."
    );
    let delayed = b
        .projection::<DefaultRateSynapse>(other, post, "exc")
        .delays(2.0)
        .connect_all_to_all(1.0)?;
    assert_eq!(
        message(b.transpose(delayed, "inh").connect().unwrap_err()),
        "Transpose: TransposeProjection can not be applied on delayed projections yet ..."
    );
    let err = message(b.transpose(orig, "inh").name("pre").connect().unwrap_err());
    assert!(err.contains("already exists"), "{err}");
    // The transpose's post-synaptic population must read its target.
    let mut b2 = Network::builder();
    let p = b2.population::<Input>("p", 2)?;
    let q = b2.population::<Output>("q", 2)?;
    let fwd = b2
        .projection::<DefaultRateSynapse>(p, q, "exc")
        .connect_all_to_all(1.0)?;
    b2.transpose(fwd, "nothing").connect()?;
    let err = b2.build().map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("does not use the target `nothing`"), "{err}");
    // The synapses of a projection that is copied can not change.
    b.transpose(orig, "inh").connect()?;
    let mut net = b.build()?;
    let err = message(net.create_synapse(orig, 0, 0, 1.0, 0.0).unwrap_err());
    assert!(err.contains("reads its connectivity and weights"), "{err}");
    let err = message(net.prune_synapse(orig, 0, 0).unwrap_err());
    assert!(err.contains("reads its connectivity and weights"), "{err}");
    // A copy has no weights of its own.
    assert!(net.proj_get(copy, "w").is_err());
    Ok(())
}

/// What [`large`] computes.
#[derive(Debug, PartialEq)]
struct Large {
    /// `sum(exc)` of the copy's post-synaptic population.
    copy: Vec<f64>,
    /// `sum(inh)` of the rate-coded transpose's post-synaptic population.
    back: Vec<f64>,
    /// `g_inh` of the spiking transpose's post-synaptic population, per step.
    spikes: Vec<Vec<f64>>,
}

/// A network large enough for the transmission to be split over threads:
/// a copy and a rate-coded transpose over more than 1024 dendrites, and a
/// spiking transpose delivering more than 4096 events per step.
fn large(threads: usize) -> annarchy::Result<Large> {
    let mut b = Network::builder()
        .seed(7)
        .threads(threads)
        .thread_split(ThreadSplit::Always);
    let pre = b.population::<Input>("pre", 1100)?;
    let post = b.population::<Output>("post", 1200)?;
    let pre2 = b.population::<Input>("pre2", 1100)?;
    let post2 = b.population::<Output>("post2", 1200)?;
    b.set(pre, "baseline", rates(1100, 0.1))?;
    b.set(pre2, "baseline", rates(1100, 0.5))?;
    let orig = b
        .projection::<DefaultRateSynapse>(pre, post, "exc")
        .connect_fixed_probability(0.05, RandomDistribution::uniform(-1.0, 1.0))?;
    b.copy(pre2, post2, "exc")
        .operation(Operation::Max)
        .connect_copy(orig)?;
    b.transpose(orig, "inh").connect()?;
    let a = b.population::<Receiver>("a", 1100)?;
    let s = b.population::<Emitter>("s", 1200)?;
    b.set(s, "fire", 1.0)?;
    let spiking = b
        .projection::<DefaultSpikingSynapse>(a, s, "exc")
        .connect_fixed_probability(0.05, RandomDistribution::uniform(0.0, 1.0))?;
    b.transpose(spiking, "inh").connect()?;
    let m = b.monitor(a, &["g_inh"])?;
    let mut net = b.build()?;
    assert!(net.nb_synapses(spiking) > 4096);
    net.simulate(3.0)?;
    Ok(Large {
        copy: net.get(post2, "sum(exc)")?,
        back: net.get(pre, "sum(inh)")?,
        spikes: net.monitor_get(m, "g_inh")?.values,
    })
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() -> TestResult {
    let one = large(1)?;
    let two = large(2)?;
    // Bit-identical.
    assert_eq!(one, two);
    assert!(one.copy.iter().any(|&x| x != 0.0));
    assert!(one.back.iter().any(|&x| x != 0.0));
    assert!(one.spikes.last().expect("a row").iter().any(|&x| x > 1.0));
    Ok(())
}
