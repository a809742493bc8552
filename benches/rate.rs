//! Kernels of one step, with the machine's memory bandwidth beside them.
//!
//! * the neuron update of large rate-coded and spiking populations
//!   (neuron-steps per second), integrate-and-fire neurons with
//!   population-wide parameters (`Lif`) and with per-neuron ones
//!   (`IF_curr_exp`);
//! * the weighted sum of a sparse (4000 neurons, fixed_probability 0.1,
//!   1.6 M synapses) and of a dense (2000 x 2000 all_to_all, 4 M synapses)
//!   rate-coded projection, with the bytes each synapse reads (its weight,
//!   8 bytes, and its pre-synaptic rank, 4 bytes);
//! * a STREAM-like triad `a = b + s * c` over arrays that do not fit in the
//!   caches, on one and two threads: the memory bandwidth the weighted sums
//!   are compared with.
//!
//! `cargo bench --bench rate`

use annarchy::prelude::*;
use annarchy::runtime::memory;
use divan::counter::{BytesCount, ItemsCount};

fn main() {
    divan::main();
}

/// Bytes read per synapse by the weighted sum: a weight (`f64`, or `f32`
/// in single precision) and a `u32` pre-synaptic rank (the pre-synaptic
/// rates stay in the caches).
fn bytes_per_synapse(precision: Precision) -> usize {
    match precision {
        Precision::Double => 8 + 4,
        Precision::Single => 4 + 4,
    }
}

/// One step of 100 000 `LeakyIntegrator` neurons without inputs.
#[divan::bench(args = [1, 2])]
fn leaky_integrator_100k(bencher: divan::Bencher, threads: usize) {
    let mut b = Network::builder().threads(threads);
    let pop = b
        .population::<LeakyIntegrator>("pop", 100_000)
        .expect("population");
    b.set(pop, "B", RandomDistribution::uniform(0.0, 1.0))
        .expect("set B");
    let mut net = b.build().expect("build");
    bencher
        .counter(ItemsCount::new(100_000usize))
        .bench_local(|| net.step());
}

annarchy::neuron! {
    /// A leaky integrate-and-fire neuron with population-wide parameters
    /// (the neuron of CUBA, without its currents) and a constant drive.
    struct Lif {
        parameters: "
            El = -49.0 : population
            Vr = -60.0 : population
            Vt = -50.0 : population
            tau_m = 20.0 : population
        ",
        equations: "
            tau_m * dv/dt = (El - v)
        ",
        spike: "v > Vt",
        reset: "v = Vr",
        refractory: 5.0,
    }
}

/// One step of 100 000 integrate-and-fire neurons that fire regularly,
/// with population-wide parameters: the update, the spike condition and
/// the reset of the neurons that spike.
#[divan::bench(args = [1, 2])]
fn lif_100k(bencher: divan::Bencher, threads: usize) {
    lif_step(bencher, threads, Precision::Double, 100_000);
}

/// `lif_100k` in single precision (`Precision::Single`): the arrays are
/// `f32`, eight neurons per AVX instruction.
#[divan::bench(args = [1, 2])]
fn lif_100k_single(bencher: divan::Bencher, threads: usize) {
    lif_step(bencher, threads, Precision::Single, 100_000);
}

/// `lif_100k` at the size of COBA's population (4000 neurons, a step of
/// a few microseconds): what splitting such a step over two threads gains.
#[divan::bench(args = [1, 2])]
fn lif_4000(bencher: divan::Bencher, threads: usize) {
    lif_step(bencher, threads, Precision::Double, 4000);
}

fn lif_step(bencher: divan::Bencher, threads: usize, precision: Precision, size: usize) {
    let mut b = Network::builder()
        .threads(threads)
        .precision(precision)
        .expect("precision");
    let pop = b.population::<Lif>("pop", size).expect("population");
    b.set(pop, "v", RandomDistribution::uniform(-60.0, -50.0))
        .expect("set v");
    let mut net = b.build().expect("build");
    bencher
        .counter(ItemsCount::new(size))
        .bench_local(|| net.step());
}

/// One step of 100 000 `IF_curr_exp` neurons driven above threshold by a
/// constant current: per-neuron parameters, so the exponential factors of
/// its equations are computed for every neuron at every step (as ANNarchy
/// does).
#[divan::bench(args = [1, 2])]
fn if_curr_exp_100k(bencher: divan::Bencher, threads: usize) {
    let mut b = Network::builder().threads(threads);
    let pop = b
        .population::<IF_curr_exp>("pop", 100_000)
        .expect("population");
    b.set(pop, "i_offset", RandomDistribution::uniform(0.0, 2.0))
        .expect("set i_offset");
    let mut net = b.build().expect("build");
    bencher
        .counter(ItemsCount::new(100_000usize))
        .bench_local(|| net.step());
}

/// One step of 4000 `LeakyIntegrator` neurons connected with probability 0.1
/// (1.6 M synapses): the weighted sum dominates.
#[divan::bench(args = [1, 2])]
fn weighted_sum_4000_p01(bencher: divan::Bencher, threads: usize) {
    sparse_step(bencher, threads, Precision::Double);
}

/// `weighted_sum_4000_p01` in single precision: `f32` weights and rates.
#[divan::bench(args = [1, 2])]
fn weighted_sum_4000_p01_single(bencher: divan::Bencher, threads: usize) {
    sparse_step(bencher, threads, Precision::Single);
}

fn sparse_step(bencher: divan::Bencher, threads: usize, precision: Precision) {
    let mut b = Network::builder()
        .seed(1)
        .threads(threads)
        .precision(precision)
        .expect("precision");
    let pop = b
        .population::<LeakyIntegrator>("pop", 4000)
        .expect("population");
    b.set(pop, "B", RandomDistribution::uniform(0.0, 1.0))
        .expect("set B");
    let proj = b
        .projection::<DefaultRateSynapse>(pop, pop, "exc")
        .connect_fixed_probability(0.1, RandomDistribution::uniform(-0.05, 0.05))
        .expect("connect");
    let mut net = b.build().expect("build");
    let synapses = net.nb_synapses(proj);
    bencher
        .counter(BytesCount::new(synapses * bytes_per_synapse(precision)))
        .bench_local(|| net.step());
}

/// One step of 2000 constant inputs projected all_to_all onto 2000
/// `LeakyIntegrator` neurons (4 M synapses).
#[divan::bench(args = [1, 2])]
fn weighted_sum_dense_2000(bencher: divan::Bencher, threads: usize) {
    dense_step(bencher, threads, Precision::Double);
}

/// `weighted_sum_dense_2000` in single precision: `f32` weights and rates.
#[divan::bench(args = [1, 2])]
fn weighted_sum_dense_2000_single(bencher: divan::Bencher, threads: usize) {
    dense_step(bencher, threads, Precision::Single);
}

fn dense_step(bencher: divan::Bencher, threads: usize, precision: Precision) {
    let mut b = Network::builder()
        .seed(1)
        .threads(threads)
        .precision(precision)
        .expect("precision");
    let input = b.population::<InputArray>("input", 2000).expect("input");
    b.set(input, "r", RandomDistribution::uniform(0.0, 1.0))
        .expect("set r");
    let pop = b
        .population::<LeakyIntegrator>("pop", 2000)
        .expect("population");
    b.set(pop, "B", RandomDistribution::uniform(0.0, 1.0))
        .expect("set B");
    let proj = b
        .projection::<DefaultRateSynapse>(input, pop, "exc")
        .connect_all_to_all(RandomDistribution::uniform(-0.01, 0.01))
        .expect("connect");
    let mut net = b.build().expect("build");
    let synapses = net.nb_synapses(proj);
    bencher
        .counter(BytesCount::new(synapses * bytes_per_synapse(precision)))
        .bench_local(|| net.step());
}

/// STREAM's triad over three arrays of 4 M values (96 MiB, far beyond the
/// caches), on one thread or split between two: the bytes moved per second
/// are the machine's memory bandwidth. The arrays are in huge pages where
/// the system gives them, as the synapses of the weighted sums are.
#[divan::bench(args = [1, 2])]
fn stream_triad(bencher: divan::Bencher, threads: usize) {
    const N: usize = 4 << 20;
    let b = memory::filled(1.0f64, N);
    let c = memory::filled(2.0f64, N);
    let mut a = memory::filled(0.0f64, N);
    let s = std::hint::black_box(3.0);
    let triad = |a: &mut [f64], b: &[f64], c: &[f64]| {
        for ((a, &b), &c) in a.iter_mut().zip(b).zip(c) {
            *a = b + s * c;
        }
    };
    // STREAM counts two arrays read and one written.
    bencher.counter(BytesCount::new(3 * 8 * N)).bench_local(|| {
        if threads == 1 {
            triad(&mut a, &b, &c);
        } else {
            let (a0, a1) = a.split_at_mut(N / 2);
            let (b0, b1) = b.split_at(N / 2);
            let (c0, c1) = c.split_at(N / 2);
            std::thread::scope(|scope| {
                scope.spawn(|| triad(a1, b1, c1));
                triad(a0, b0, c0);
            });
        }
        std::hint::black_box(&mut a);
    });
}

/// One round of a two-thread team with nothing to do: the cost of handing
/// a phase of a step over to the other thread and waiting for it.
#[divan::bench]
fn team_round(bencher: divan::Bencher) {
    let team = annarchy::runtime::team::Team::new(2).expect("threads");
    bencher.bench_local(|| {
        team.run(&|part| {
            std::hint::black_box(part);
        })
    });
}
