//! Shared-weight projections beyond ANNarchy's own tests
//! (`tests/annarchy_convolution.rs`): every error with its message, both
//! kinds of padding with every operation, 1-D, 2-D and 3-D kernels with
//! down-sampling, all against a direct nested-loop computation written here
//! as ANNarchy's generated C++ loops are; delays, reading and changing the
//! kernel, the receptive fields as connectivity, a spiking post-synaptic
//! population, ANNarchy's pooling accumulators, and results that do not
//! depend on the number of threads.

use annarchy::prelude::*;
use annarchy::runtime::convolution::{Convolution, Kernel, Operation, Padding};
use approx::assert_relative_eq;

type TestResult = annarchy::Result<()>;

neuron! {
    /// `r = baseline`.
    struct Baseline {
        parameters: "baseline = 0",
        equations: "r = baseline",
    }
}

neuron! {
    /// Spiking input whose rate is its parameter (to test the refusal).
    struct SpikingInput {
        equations: "v = 0",
        spike: "v > 1",
        reset: "v = 0",
    }
}

neuron! {
    /// `r = sum(exc)`.
    struct Output {
        equations: "r = sum(exc) : init = 0.0",
    }
}

neuron! {
    /// `r = t`: an input whose past values are all different.
    struct Clock {
        equations: "r = t",
    }
}

neuron! {
    /// A spiking neuron that never spikes and copies its conductance.
    struct Conductance {
        equations: "v = g_exc",
        spike: "v > 1e9",
        reset: "v = 0",
    }
}

/// Asserts that `values` equals `expected` element by element.
fn assert_all_close(values: &[f64], expected: &[f64]) {
    assert_eq!(values.len(), expected.len(), "{values:?} vs {expected:?}");
    for (v, e) in values.iter().zip(expected) {
        assert_relative_eq!(*v, *e, max_relative = 1e-12, epsilon = 1e-12);
    }
}

/// Rates that differ everywhere, positive and negative.
fn rates(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i as f64 * 0.7).sin() + 0.1).collect()
}

/// A kernel of this shape with values that differ everywhere.
fn kernel(shape: &[usize]) -> Kernel {
    let mut k = 0.0_f64;
    Kernel::from_fn(shape, |_| {
        k += 1.0;
        (k * 1.3).cos()
    })
    .expect("a kernel")
}

/// ANNarchy's center of a kernel dimension of size `n`.
fn center(n: usize) -> i64 {
    if n % 2 == 1 {
        (n / 2) as i64
    } else {
        (n / 2) as i64 - 1
    }
}

/// ANNarchy's center of post-synaptic coordinate `i` along a dimension.
fn sample_center(pre: usize, post: usize, i: usize) -> i64 {
    let k = pre / post;
    ((k - 1) / 2 + k * i) as i64
}

/// One step of ANNarchy's fold: the accumulator after the term `v`.
fn fold(op: Operation, acc: f64, v: f64) -> f64 {
    match op {
        Operation::Sum | Operation::Mean => acc + v,
        Operation::Max => {
            if v > acc {
                v
            } else {
                acc
            }
        }
        Operation::Min => {
            if v < acc {
                v
            } else {
                acc
            }
        }
    }
}

/// Index `i` along a dimension of size `n`: `Ok(index)` inside (or clamped
/// for border padding with sum/mean), `Err(add)` outside, with what the
/// accumulator gains (the padding value for sum/mean, nothing for max/min).
fn resolve(i: i64, n: usize, op: Operation, padding: Padding) -> Result<usize, Option<f64>> {
    if (0..n as i64).contains(&i) {
        return Ok(i as usize);
    }
    match (op, padding) {
        (Operation::Sum | Operation::Mean, Padding::Border) => {
            Ok(i.clamp(0, n as i64 - 1) as usize)
        }
        (Operation::Sum | Operation::Mean, Padding::Value(v)) => Err(Some(v)),
        _ => Err(None),
    }
}

/// ANNarchy's 2-D convolution loops: pre (p0, p1), post (q0, q1), kernel
/// (k0, k1); a padding term ends the rest of its kernel row.
fn reference_2d(
    r: &[f64],
    (p0, p1): (usize, usize),
    (q0, q1): (usize, usize),
    k: &Kernel,
    op: Operation,
    padding: Padding,
) -> Vec<f64> {
    let (k0, k1) = (k.shape()[0], k.shape()[1]);
    let mut out = Vec::new();
    for i in 0..q0 {
        for j in 0..q1 {
            let (ci, cj) = (sample_center(p0, q0, i), sample_center(p1, q1, j));
            let mut sum = 0.0;
            for iw in 0..k0 {
                let ip = match resolve(ci + iw as i64 - center(k0), p0, op, padding) {
                    Ok(ip) => ip,
                    Err(add) => {
                        sum += add.unwrap_or(0.0);
                        continue;
                    }
                };
                for jw in 0..k1 {
                    let jp = match resolve(cj + jw as i64 - center(k1), p1, op, padding) {
                        Ok(jp) => jp,
                        Err(add) => {
                            sum += add.unwrap_or(0.0);
                            continue;
                        }
                    };
                    let w = k.get(&[iw, jw]).expect("inside the kernel");
                    sum = fold(op, sum, r[ip * p1 + jp] * w);
                }
            }
            out.push(if op == Operation::Mean {
                sum / k.len() as f64
            } else {
                sum
            });
        }
    }
    out
}

/// A network of `pre` (rates `r`) into `post` through the projection that
/// `connect` makes, after two steps: the post-synaptic rates.
fn run_geometries(
    pre: &[usize],
    post: &[usize],
    r: &[f64],
    connect: impl FnOnce(&mut NetworkBuilder, PopId<Baseline>, PopId<Output>) -> annarchy::Result<()>,
) -> annarchy::Result<Vec<f64>> {
    let mut b = Network::builder();
    let inp = b.population::<Baseline>("inp", pre)?;
    let out = b.population::<Output>("out", post)?;
    b.set(inp, "baseline", r.to_vec())?;
    connect(&mut b, inp, out)?;
    let mut net = b.build()?;
    net.simulate(2.0)?;
    net.get(out, "r")
}

#[test]
fn two_dimensional_kernels_follow_annarchy_loops_for_every_operation_and_padding() -> TestResult {
    let r = rates(42);
    for shape in [[3, 3], [2, 4], [5, 2], [1, 1]] {
        let k = kernel(&shape);
        for op in [
            Operation::Sum,
            Operation::Max,
            Operation::Min,
            Operation::Mean,
        ] {
            for padding in [Padding::Value(0.0), Padding::Value(0.75), Padding::Border] {
                for post in [[6, 7], [3, 7], [2, 1]] {
                    let got = run_geometries(&[6, 7], &post, &r, |b, inp, out| {
                        b.convolution(inp, out, "exc")
                            .operation(op)
                            .padding(padding)
                            .connect_filter(&k)?;
                        Ok(())
                    })?;
                    let expected = reference_2d(&r, (6, 7), (post[0], post[1]), &k, op, padding);
                    assert_all_close(&got, &expected);
                }
            }
        }
    }
    Ok(())
}

#[test]
fn padding_value_is_added_once_per_row_outside_and_not_weighted() -> TestResult {
    // A 3x3 kernel of ones on a 1x1 population of rate 0: the row above and
    // the row below are outside (one padding each), and in the middle row
    // the columns left and right are outside (one padding each).
    let ones = Kernel::new(&[3, 3], vec![1.0; 9])?;
    let sum = run_geometries(&[1, 1], &[1, 1], &[0.0], |b, inp, out| {
        b.convolution(inp, out, "exc")
            .padding(Padding::Value(2.0))
            .connect_filter(&ones)?;
        Ok(())
    })?;
    assert_all_close(&sum, &[8.0]);
    let doubled = Kernel::new(&[3, 3], vec![10.0; 9])?;
    let mean = run_geometries(&[1, 1], &[1, 1], &[0.5], |b, inp, out| {
        b.convolution(inp, out, "exc")
            .operation(Operation::Mean)
            .padding(Padding::Value(2.0))
            .connect_filter(&doubled)?;
        Ok(())
    })?;
    assert_all_close(&mean, &[(4.0 * 2.0 + 10.0 * 0.5) / 9.0]);
    Ok(())
}

#[test]
fn border_padding_repeats_the_border_and_max_ignores_padding() -> TestResult {
    let ones = Kernel::new(&[3], vec![1.0; 3])?;
    let r = [1.0, 2.0, 4.0];
    let border = run_geometries(&[3], &[3], &r, |b, inp, out| {
        b.convolution(inp, out, "exc")
            .padding(Padding::Border)
            .connect_filter(&ones)?;
        Ok(())
    })?;
    assert_all_close(&border, &[1.0 + 1.0 + 2.0, 7.0, 2.0 + 4.0 + 4.0]);
    let max = run_geometries(&[3], &[3], &[-1.0, -2.0, -4.0], |b, inp, out| {
        b.convolution(inp, out, "exc")
            .operation(Operation::Max)
            .padding(Padding::Value(5.0))
            .connect_filter(&ones)?;
        Ok(())
    })?;
    // The accumulator starts at 0: negative terms never win.
    assert_all_close(&max, &[0.0, 0.0, 0.0]);
    let min = run_geometries(&[3], &[3], &[1.0, -2.0, 4.0], |b, inp, out| {
        b.convolution(inp, out, "exc")
            .operation(Operation::Min)
            .padding(Padding::Border)
            .connect_filter(&ones)?;
        Ok(())
    })?;
    assert_all_close(&min, &[-2.0, -2.0, -2.0]);
    Ok(())
}

#[test]
fn one_dimensional_kernel_with_down_sampling_matches_direct_loops() -> TestResult {
    let r = rates(12);
    let k = kernel(&[4]);
    let got = run_geometries(&[12], &[4], &r, |b, inp, out| {
        b.convolution(inp, out, "exc").connect_filter(&k)?;
        Ok(())
    })?;
    let mut expected = Vec::new();
    for i in 0..4 {
        // Centers 1, 4, 7, 10; kernel center 1.
        let c = sample_center(12, 4, i);
        let mut sum = 0.0;
        for w in 0..4 {
            let j = c + w as i64 - center(4);
            if (0..12).contains(&j) {
                sum += r[j as usize] * k.values()[w];
            }
        }
        expected.push(sum);
    }
    assert_eq!(
        (0..4).map(|i| sample_center(12, 4, i)).collect::<Vec<_>>(),
        [1, 4, 7, 10]
    );
    assert_all_close(&got, &expected);
    Ok(())
}

#[test]
fn three_dimensional_kernels_match_direct_loops() -> TestResult {
    let (p, q) = ([4, 6, 3], [2, 3, 3]);
    let r = rates(72);
    let k = kernel(&[3, 2, 3]);
    for padding in [Padding::Value(0.5), Padding::Border] {
        let got = run_geometries(&p, &q, &r, |b, inp, out| {
            b.convolution(inp, out, "exc")
                .padding(padding)
                .connect_filter(&k)?;
            Ok(())
        })?;
        let op = Operation::Sum;
        let mut expected = Vec::new();
        for i in 0..q[0] {
            for j in 0..q[1] {
                for l in 0..q[2] {
                    let c = [
                        sample_center(p[0], q[0], i),
                        sample_center(p[1], q[1], j),
                        sample_center(p[2], q[2], l),
                    ];
                    let mut sum = 0.0;
                    for a in 0..3 {
                        let ia = match resolve(c[0] + a as i64 - center(3), p[0], op, padding) {
                            Ok(x) => x,
                            Err(add) => {
                                sum += add.unwrap_or(0.0);
                                continue;
                            }
                        };
                        for bb in 0..2 {
                            let ib = match resolve(c[1] + bb as i64 - center(2), p[1], op, padding)
                            {
                                Ok(x) => x,
                                Err(add) => {
                                    sum += add.unwrap_or(0.0);
                                    continue;
                                }
                            };
                            for cc in 0..3 {
                                let ic = match resolve(
                                    c[2] + cc as i64 - center(3),
                                    p[2],
                                    op,
                                    padding,
                                ) {
                                    Ok(x) => x,
                                    Err(add) => {
                                        sum += add.unwrap_or(0.0);
                                        continue;
                                    }
                                };
                                let w = k.get(&[a, bb, cc]).expect("inside");
                                sum += r[(ia * p[1] + ib) * p[2] + ic] * w;
                            }
                        }
                    }
                    expected.push(sum);
                }
            }
        }
        assert_all_close(&got, &expected);
    }
    Ok(())
}

#[test]
fn a_post_population_with_one_dimension_less_reads_the_whole_last_axis() -> TestResult {
    // (4, 4, 2) * (3, 3, 2) -> (4, 4): the last kernel axis (center 0) covers
    // both feature maps.
    let r = rates(32);
    let k = kernel(&[3, 3, 2]);
    let got = run_geometries(&[4, 4, 2], &[4, 4], &r, |b, inp, out| {
        b.convolution(inp, out, "exc").connect_filter(&k)?;
        Ok(())
    })?;
    let mut expected = Vec::new();
    for i in 0..4i64 {
        for j in 0..4i64 {
            let mut sum = 0.0;
            for a in 0..3 {
                let ip = i + a as i64 - 1;
                if !(0..4).contains(&ip) {
                    continue;
                }
                for bb in 0..3 {
                    let jp = j + bb as i64 - 1;
                    if !(0..4).contains(&jp) {
                        continue;
                    }
                    for f in 0..2 {
                        let rank = ((ip * 4 + jp) * 2) as usize + f;
                        sum += r[rank] * k.get(&[a, bb, f]).expect("inside");
                    }
                }
            }
            expected.push(sum);
        }
    }
    assert_all_close(&got, &expected);
    Ok(())
}

#[test]
fn a_bank_without_subsampling_puts_each_filter_in_the_last_dimension() -> TestResult {
    let r = rates(20);
    let filters = [kernel(&[3, 3]), Kernel::new(&[3, 3], vec![0.5; 9])?];
    let bank = Kernel::stack(&filters)?;
    let got = run_geometries(&[4, 5], &[4, 5, 2], &r, |b, inp, out| {
        b.convolution(inp, out, "exc").connect_filters(&bank)?;
        Ok(())
    })?;
    for (f, filter) in filters.iter().enumerate() {
        let expected = reference_2d(
            &r,
            (4, 5),
            (4, 5),
            filter,
            Operation::Sum,
            Padding::Value(0.0),
        );
        let map: Vec<f64> = got.iter().skip(f).step_by(2).copied().collect();
        assert_all_close(&map, &expected);
    }
    Ok(())
}

#[test]
fn the_kernel_is_shared_read_and_changed_for_every_post_neuron() -> TestResult {
    let mut b = Network::builder();
    let inp = b.population::<Baseline>("inp", (4, 4))?;
    let out = b.population::<Output>("out", (4, 4))?;
    let r = rates(16);
    b.set(inp, "baseline", r.clone())?;
    let k = kernel(&[3, 3]);
    let proj = b
        .convolution(inp, out, "exc")
        .name("conv")
        .connect_filter(&k)?;
    let mut net = b.build()?;
    assert_eq!(net.projection_name(proj), "conv");
    assert_all_close(&net.proj_get(proj, "weights")?, k.values());
    assert_eq!(net.proj(proj).kernel(), Some(k.clone()));
    // The receptive fields: a corner reaches 2x2 neurons, the center 3x3.
    assert_eq!(net.post_ranks(proj).len(), 16);
    assert_eq!(net.dendrite(proj, 0)?.pre_ranks(), [0, 1, 4, 5]);
    assert_eq!(
        net.dendrite(proj, 5)?.pre_ranks(),
        [0, 1, 2, 4, 5, 6, 8, 9, 10]
    );
    assert_eq!(net.nb_synapses(proj), 4 * 4 + 8 * 6 + 4 * 9);
    assert_all_close(&net.dendrite(proj, 5)?.get("weights")?, k.values());
    // There is no per-synapse `w`.
    assert!(matches!(
        net.proj_get(proj, "w"),
        Err(annarchy::Error::UnknownAttribute { .. })
    ));
    // Nor a value of the kernel per synapse.
    let err = net.synapse(proj, 5, 4, "weights").unwrap_err().to_string();
    assert!(err.contains("proj_get"), "{err}");
    net.simulate(2.0)?;
    let before = net.get(out, "r")?;
    assert_all_close(
        &before,
        &reference_2d(&r, (4, 4), (4, 4), &k, Operation::Sum, Padding::Value(0.0)),
    );
    // Setting the weights by name: all doubled.
    let doubled: Vec<f64> = k.values().iter().map(|w| 2.0 * w).collect();
    net.proj_set(proj, "weights", doubled)?;
    net.simulate(1.0)?;
    let twice: Vec<f64> = before.iter().map(|v| 2.0 * v).collect();
    assert_all_close(&net.get(out, "r")?, &twice);
    // Typed access: a new kernel of the same shape.
    let other = kernel(&[3, 3]).values().iter().map(|w| -w).collect();
    let other = Kernel::new(&[3, 3], other)?;
    net.proj_mut(proj).set_weights(&other)?;
    net.simulate(1.0)?;
    assert_all_close(
        &net.get(out, "r")?,
        &reference_2d(
            &r,
            (4, 4),
            (4, 4),
            &other,
            Operation::Sum,
            Padding::Value(0.0),
        ),
    );
    assert!(net.proj_mut(proj).set_weights(&kernel(&[2, 2])).is_err());
    assert!(net.proj_set(proj, "weights", vec![1.0; 4]).is_err());
    Ok(())
}

#[test]
fn delays_read_the_rates_of_earlier_steps() -> TestResult {
    let mut b = Network::builder().dt(0.5)?;
    let inp = b.population::<Clock>("inp", 3)?;
    let out = b.population::<Output>("out", 3)?;
    let late = b.population::<Output>("late", 1)?;
    let one = Kernel::new(&[1], vec![1.0])?;
    b.convolution(inp, out, "exc")
        .delays(2.0)
        .connect_filter(&one)?;
    b.pooling(inp, late, "exc").delays(1.5).connect_pooling()?;
    let m = b.monitor(out, &["r"])?;
    let ml = b.monitor(late, &["r"])?;
    let mut net = b.build()?;
    net.simulate(10.0)?;
    let r = net.monitor_get(m, "r")?;
    let rl = net.monitor_get(ml, "r")?;
    for step in 0..20 {
        // `inp.r` is `t` from the end of step 0 on: a delay of 4 steps
        // (2 ms) reads the value of step `step - 4`, 0 before.
        let t = |d: usize| {
            if step >= d {
                (step - d) as f64 * 0.5
            } else {
                0.0
            }
        };
        assert_all_close(&r.values[step], &[t(4); 3]);
        // Max-pooling of three equal values; its accumulator starts at the
        // smallest positive number, which wins over 0.
        let expected = if step >= 3 && t(3) > 0.0 {
            t(3)
        } else {
            f64::MIN_POSITIVE
        };
        assert_eq!(rl.values[step], [expected]);
    }
    Ok(())
}

#[test]
fn a_spiking_post_population_receives_the_result_in_its_conductance() -> TestResult {
    let mut b = Network::builder();
    let inp = b.population::<Baseline>("inp", (3, 3))?;
    let out = b.population::<Conductance>("out", (3, 3))?;
    let r = rates(9);
    b.set(inp, "baseline", r.clone())?;
    let k = kernel(&[3, 3]);
    b.convolution(inp, out, "exc").connect_filter(&k)?;
    let mut net = b.build()?;
    net.simulate(2.0)?;
    assert_all_close(
        &net.get(out, "v")?,
        &reference_2d(&r, (3, 3), (3, 3), &k, Operation::Sum, Padding::Value(0.0)),
    );
    Ok(())
}

#[test]
fn pooling_accumulators_are_annarchy_ones() -> TestResult {
    let negative = [-1.0, -2.0, -3.0, -4.0];
    let max = run_geometries(&[2, 2], &[1, 1], &negative, |b, inp, out| {
        b.pooling(inp, out, "exc").connect_pooling()?;
        Ok(())
    })?;
    assert_eq!(max, [f64::MIN_POSITIVE]);
    let min = run_geometries(&[2, 2], &[1, 1], &[3.0, 2.0, 5.0, 4.0], |b, inp, out| {
        b.pooling(inp, out, "exc")
            .operation(Operation::Min)
            .connect_pooling()?;
        Ok(())
    })?;
    assert_eq!(min, [2.0]);
    let squares = run_geometries(
        &[4, 2],
        &[2, 1],
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
        |b, inp, out| {
            b.pooling(inp, out, "exc")
                .operation(Operation::Mean)
                .psp(|r| r * r)
                .connect_pooling()?;
            Ok(())
        },
    )?;
    assert_all_close(
        &squares,
        &[
            (1.0 + 4.0 + 9.0 + 16.0) / 4.0,
            (25.0 + 36.0 + 49.0 + 64.0) / 4.0,
        ],
    );
    // An extent larger than the population reaches past its end: the
    // elements outside are skipped, the mean still divides by the extent.
    let partial = run_geometries(&[5], &[2], &[1.0, 2.0, 3.0, 4.0, 5.0], |b, inp, out| {
        b.pooling(inp, out, "exc")
            .operation(Operation::Mean)
            .extent(&[3])
            .connect_pooling()?;
        Ok(())
    })?;
    assert_all_close(&partial, &[2.0, 3.0]);
    Ok(())
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() -> TestResult {
    let run = |threads: usize| -> annarchy::Result<Vec<f64>> {
        let mut b = Network::builder()
            .threads(threads)
            .thread_split(ThreadSplit::Always);
        let inp = b.population::<Baseline>("inp", (48, 48))?;
        let out = b.population::<Output>("out", (48, 48))?;
        b.set(inp, "baseline", rates(48 * 48))?;
        b.convolution(inp, out, "exc")
            .padding(Padding::Border)
            .connect_filter(&kernel(&[5, 5]))?;
        let mut net = b.build()?;
        net.simulate(2.0)?;
        net.get(out, "r")
    };
    let one = run(1)?;
    let three = run(3)?;
    assert_eq!(
        one.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        three.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
    Ok(())
}

/// The message of the error of a projection made between populations of
/// these geometries.
fn conv_error(
    pre: &[usize],
    post: &[usize],
    connect: impl FnOnce(
        &mut NetworkBuilder,
        PopId<Baseline>,
        PopId<Output>,
    ) -> annarchy::Result<ProjId<Convolution>>,
) -> String {
    let mut b = Network::builder();
    let inp = b.population::<Baseline>("inp", pre).expect("pre");
    let out = b.population::<Output>("out", post).expect("post");
    match connect(&mut b, inp, out) {
        Ok(_) => panic!("{pre:?} -> {post:?} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn convolution_errors_carry_annarchy_messages() {
    let k2 = kernel(&[3, 3]);
    let k3 = kernel(&[3, 3, 2]);
    let cases: Vec<(String, &str)> = vec![
        (
            conv_error(&[4, 4, 2], &[4, 4, 2], |b, i, o| {
                b.convolution(i, o, "exc").connect_filter(&k2)
            }),
            "Convolution: If the kernel has less dimensions than the pre-synaptic population, you need to set the flag keep_last_dimension to True.",
        ),
        (
            conv_error(&[4, 4, 2], &[4, 4, 3], |b, i, o| {
                b.convolution(i, o, "exc")
                    .keep_last_dimension(true)
                    .connect_filter(&k2)
            }),
            "Convolution: If the kernel has fewer dimensions than the two populations (keep_last_dimension=True), these must have the same number of neurons in the last dimension.",
        ),
        (
            conv_error(&[4, 4, 3], &[4, 4], |b, i, o| {
                b.convolution(i, o, "exc").connect_filter(&k3)
            }),
            "Convolution: If the post-synaptic population has less dimensions than the pre-synaptic one, the last dimension of the filter must be equal to the last of the pre-synaptic population.",
        ),
        (
            conv_error(&[4, 4], &[4, 4], |b, i, o| {
                b.convolution(i, o, "exc").connect_filter(&k3)
            }),
            "Convolution: If the kernel has more dimensions than the pre-synaptic population, you need to use the connect_filters() method.",
        ),
        (
            conv_error(&[4, 4], &[4, 4, 2], |b, i, o| {
                b.convolution(i, o, "exc")
                    .connect_filters(&kernel(&[3, 3, 3]))
            }),
            "Convolution: For multiple filters, the last dimension of the post-synaptic population must have as many neurons as there are filters.",
        ),
        (
            conv_error(&[5, 4], &[2, 4], |b, i, o| {
                b.convolution(i, o, "exc").connect_filter(&k2)
            }),
            "Convolution: The pre-synaptic dimensions must be a multiple of the post-synaptic ones for down-sampling to work.",
        ),
        (
            conv_error(&[4, 4], &[2, 2], |b, i, o| {
                b.convolution(i, o, "exc")
                    .subsampling(vec![vec![0, 0]; 3])
                    .connect_filter(&k2)
            }),
            "Convolution: The sub-sampling list must have 4 elements of size 2",
        ),
        (
            conv_error(&[4, 4], &[2, 2, 2], |b, i, o| {
                b.convolution(i, o, "exc")
                    .subsampling(vec![vec![0, 0, 0]; 4])
                    .connect_filters(&kernel(&[2, 3, 3]))
            }),
            "Convolution: The sub-sampling list must have 4 elements of size 2",
        ),
        (
            conv_error(&[4, 4], &[1, 2], |b, i, o| {
                b.convolution(i, o, "exc")
                    .subsampling(vec![vec![0, 0], vec![0, 4]])
                    .connect_filter(&k2)
            }),
            "Convolution: The sub-sampling center [0, 4] of element 1 lies outside the pre-synaptic population [4, 4].",
        ),
        (
            conv_error(&[4, 4], &[4, 4, 2], |b, i, o| {
                b.convolution(i, o, "exc").connect_filters(&kernel(&[2, 3]))
            }),
            "Convolution: Each filter of a bank must have as many dimensions as the pre-synaptic population (2), not 1.",
        ),
        (
            conv_error(&[4, 4], &[4, 4, 2], |b, i, o| {
                b.convolution(i, o, "exc")
                    .keep_last_dimension(true)
                    .connect_filters(&kernel(&[2, 3, 3]))
            }),
            "Convolution: keep_last_dimension can not be used with a bank of filters.",
        ),
        (
            conv_error(&[4], &[4, 1], |b, i, o| {
                b.convolution(i, o, "exc").connect_filter(&kernel(&[3]))
            }),
            "Convolution: The post-synaptic population (2 dimensions) can not have more dimensions than the pre-synaptic one (1).",
        ),
        (
            conv_error(&[4, 4, 3], &[4, 4], |b, i, o| {
                b.convolution(i, o, "exc")
                    .keep_last_dimension(true)
                    .connect_filter(&k2)
            }),
            "Convolution: If the kernel has fewer dimensions than the two populations (keep_last_dimension=True), these must have the same number of neurons in the last dimension.",
        ),
    ];
    for (got, expected) in cases {
        assert_eq!(got, expected);
    }
    // Delays and names are checked as for other projections.
    let negative = conv_error(&[4], &[4], |b, i, o| {
        b.convolution(i, o, "exc")
            .delays(-1.0)
            .connect_filter(&kernel(&[3]))
    });
    assert!(
        negative.contains("a delay must be positive or zero"),
        "{negative}"
    );
    let taken = conv_error(&[4], &[4], |b, i, o| {
        b.convolution(i, o, "exc")
            .name("inp")
            .connect_filter(&kernel(&[3]))
    });
    assert!(taken.contains("already exists"), "{taken}");
}

#[test]
fn a_spiking_pre_synaptic_population_is_refused() -> TestResult {
    let mut b = Network::builder();
    let inp = b.population::<SpikingInput>("inp", 4)?;
    let out = b.population::<Output>("out", 4)?;
    let conv = b
        .convolution(inp, out, "exc")
        .connect_filter(&kernel(&[3]))
        .map(|_| ());
    assert_eq!(
        conv.unwrap_err().to_string(),
        "Convolution: the pre-synaptic population `inp` must be rate-coded"
    );
    let pool = b.pooling(inp, out, "exc").connect_pooling().map(|_| ());
    assert_eq!(
        pool.unwrap_err().to_string(),
        "Pooling: the pre-synaptic population `inp` must be rate-coded"
    );
    Ok(())
}

#[test]
fn pooling_errors_carry_annarchy_messages() -> TestResult {
    let mut b = Network::builder();
    let pre = b.population::<Baseline>("pre", (4, 6))?;
    let same = b.population::<Output>("same", (2, 3))?;
    let odd = b.population::<Output>("odd", (3, 3))?;
    let flat = b.population::<Output>("flat", 2)?;
    let deep = b.population::<Output>("deep", (2, 3, 1))?;
    let far = b.population::<Output>("far", (4, 3))?;
    let message = |r: annarchy::Result<_>| r.map(|_| ()).unwrap_err().to_string();
    assert_eq!(
        message(
            b.pooling(pre, same, "exc")
                .operation(Operation::Sum)
                .connect_pooling()
        ),
        "Pooling: the operation must be either 'max', 'mean' or 'min'."
    );
    assert_eq!(
        message(b.pooling(pre, flat, "exc").connect_pooling()),
        "Pooling: If you do not provide the extent parameter, the two populations must have the same number of dimensions."
    );
    assert_eq!(
        message(b.pooling(pre, odd, "exc").connect_pooling()),
        "Pooling: Unable to compute the extent of the pooling area: the number of neurons do not match."
    );
    assert_eq!(
        message(b.pooling(pre, same, "exc").extent(&[2]).connect_pooling()),
        "Pooling: You must provide a tuple for the extent of the pooling operation."
    );
    assert_eq!(
        message(
            b.pooling(pre, same, "exc")
                .extent(&[2, 0])
                .connect_pooling()
        ),
        "Pooling: The extent [2, 0] of the pooling area can not be 0 along a dimension."
    );
    assert_eq!(
        message(
            b.pooling(pre, deep, "exc")
                .extent(&[2, 2, 1])
                .connect_pooling()
        ),
        "Pooling: The post-synaptic population (3 dimensions) can not have more dimensions than the pre-synaptic one (2)."
    );
    assert_eq!(
        message(b.pooling(pre, far, "exc").extent(&[2, 2]).connect_pooling()),
        "Pooling: The pooling area [2, 2] of post-synaptic neuron [2, 0] lies outside the pre-synaptic population [4, 6]."
    );
    // Nothing was added by the refused projections: the network builds.
    let pooled = b.pooling(pre, same, "exc").connect_pooling()?;
    let net = b.build()?;
    assert_eq!(net.projections(None, None, None).len(), 1);
    assert_eq!(net.dendrite(pooled, 4)?.pre_ranks(), [14, 15, 20, 21]);
    Ok(())
}

/// A saved convolution loads back with its kernel (a global attribute of
/// many values; tests/network_io.rs runs a loaded one).
#[test]
fn a_saved_convolution_is_loaded_back() -> TestResult {
    let mut b = Network::builder();
    let inp = b.population::<Baseline>("inp", (3, 3))?;
    let out = b.population::<Output>("out", (3, 3))?;
    let conv = b
        .convolution(inp, out, "exc")
        .connect_filter(&kernel(&[3, 3]))?;
    let mut net = b.build()?;
    let dir = std::env::temp_dir().join(format!("annarchy-convolution-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join("net.npz");
    net.save(&path)?;
    let loaded = net.load(&path);
    std::fs::remove_dir_all(&dir).expect("removed");
    loaded?;
    assert_eq!(net.proj_get(conv, "weights")?, kernel(&[3, 3]).values());
    Ok(())
}

neuron! {
    /// A spiking neuron that never spikes, whose `mask` is its parameter
    /// `level` (a variable other than `r` to read).
    struct Masked {
        parameters: "level = 0",
        equations: "
            v = 0
            mask = level
        ",
        spike: "v > 1",
        reset: "v = 0",
    }
}

#[test]
fn a_spiking_pre_synaptic_population_is_read_through_a_named_variable() -> TestResult {
    let mut b = Network::builder();
    let inp = b.population::<Masked>("inp", (3, 3))?;
    let rate = b.population::<Output>("rate", (3, 3))?;
    let cond = b.population::<Conductance>("cond", (3, 3))?;
    let pooled = b.population::<Output>("pooled", (1, 3))?;
    let levels = rates(9);
    b.set(inp, "level", levels.clone())?;
    let k = kernel(&[3, 3]);
    let conv = b
        .convolution(inp, rate, "exc")
        .pre_variable("mask")
        .connect_filter(&k)?;
    b.convolution(inp, cond, "exc")
        .pre_variable("mask")
        .connect_filter(&k)?;
    b.pooling(inp, pooled, "exc")
        .operation(Operation::Mean)
        .pre_variable("mask")
        .extent(&[3, 1])
        .connect_pooling()?;
    let mut net = b.build()?;
    net.simulate(2.0)?;
    let expected = reference_2d(
        &levels,
        (3, 3),
        (3, 3),
        &k,
        Operation::Sum,
        Padding::Value(0.0),
    );
    assert_all_close(&net.get(rate, "r")?, &expected);
    assert_all_close(&net.get(cond, "v")?, &expected);
    let column = |c: usize| (levels[c] + levels[3 + c] + levels[6 + c]) / 3.0;
    assert_all_close(&net.get(pooled, "r")?, &[column(0), column(1), column(2)]);
    // The variable is read anew at every step.
    let doubled: Vec<f64> = levels.iter().map(|x| 2.0 * x).collect();
    net.set(inp, "level", doubled.clone())?;
    net.simulate(2.0)?;
    assert_all_close(
        &net.get(rate, "r")?,
        &reference_2d(
            &doubled,
            (3, 3),
            (3, 3),
            &k,
            Operation::Sum,
            Padding::Value(0.0),
        ),
    );
    // The projection says what it reads.
    assert_eq!(net.proj_get(conv, "weights")?, k.values());
    Ok(())
}

#[test]
fn the_mask_of_spiking_neurons_reaches_the_post_population_one_step_later() -> TestResult {
    let mut b = Network::builder().dt(1.0)?.seed(3);
    let inp = b.population::<annarchy::models::CPN>("inp", (4, 4))?;
    let out = b.population::<Output>("out", (4, 4))?;
    let pool = b.population::<Output>("pool", (2, 2))?;
    b.set(inp, "rates", 300.0)?;
    let k = kernel(&[3, 3]);
    b.convolution(inp, out, "exc")
        .pre_variable("mask")
        .connect_filter(&k)?;
    b.pooling(inp, pool, "exc")
        .pre_variable("mask")
        .connect_pooling()?;
    let mut net = b.build()?;
    let mut spikes = 0;
    for _ in 0..30 {
        let mask = net.get(inp, "mask")?;
        net.step();
        spikes += net.spiked(inp).len();
        let expected = reference_2d(
            &mask,
            (4, 4),
            (4, 4),
            &k,
            Operation::Sum,
            Padding::Value(0.0),
        );
        assert_all_close(&net.get(out, "r")?, &expected);
        let block = |i: usize, j: usize| {
            [0, 1, 4, 5]
                .iter()
                .map(|o| mask[8 * i + 2 * j + o])
                .fold(f64::MIN_POSITIVE, f64::max)
        };
        assert_all_close(
            &net.get(pool, "r")?,
            &[block(0, 0), block(0, 1), block(1, 0), block(1, 1)],
        );
    }
    // The input did spike: the masks were not all 0.
    assert!(spikes > 20, "{spikes} spikes");
    Ok(())
}

#[test]
fn an_unknown_pre_synaptic_variable_is_refused() -> TestResult {
    let mut b = Network::builder();
    let spiking = b.population::<Masked>("spiking", 4)?;
    let rate = b.population::<Baseline>("rate", 4)?;
    let out = b.population::<Output>("out", 4)?;
    for pre in [AnyPop::from(spiking), AnyPop::from(rate)] {
        let name = if pre == AnyPop::from(spiking) {
            "spiking"
        } else {
            "rate"
        };
        let conv = b
            .convolution(pre, out, "exc")
            .pre_variable("nope")
            .connect_filter(&kernel(&[3]))
            .map(|_| ());
        assert_eq!(
            conv.unwrap_err().to_string(),
            format!(
                "Convolution: the pre-synaptic population `{name}` has no attribute called `nope`"
            )
        );
        let pool = b
            .pooling(pre, out, "exc")
            .pre_variable("nope")
            .connect_pooling()
            .map(|_| ());
        assert_eq!(
            pool.unwrap_err().to_string(),
            format!("Pooling: the pre-synaptic population `{name}` has no attribute called `nope`")
        );
    }
    // A rate-coded population read through another variable than `r`.
    b.set(rate, "baseline", vec![1.0, 2.0, 3.0, 4.0])?;
    b.convolution(rate, out, "exc")
        .pre_variable("baseline")
        .connect_filter(&Kernel::new(&[3], vec![1.0, 10.0, 100.0])?)?;
    let mut net = b.build()?;
    net.simulate(2.0)?;
    assert_all_close(&net.get(out, "r")?, &[210.0, 321.0, 432.0, 43.0]);
    Ok(())
}
