//! Rate-coded workloads: the neuron update of a large population, and one
//! step of a 4000-neuron network with 1.6 M synapses (fixed_probability 0.1).
//!
//! `cargo bench --bench rate`

use annarchy::prelude::*;

fn main() {
    divan::main();
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
    bencher.bench_local(|| net.step());
}

/// One step of 4000 `LeakyIntegrator` neurons connected with probability 0.1
/// (1.6 M synapses): the weighted sum dominates.
#[divan::bench(args = [1, 2])]
fn weighted_sum_4000_p01(bencher: divan::Bencher, threads: usize) {
    let mut b = Network::builder().seed(1).threads(threads);
    let pop = b
        .population::<LeakyIntegrator>("pop", 4000)
        .expect("population");
    b.set(pop, "B", RandomDistribution::uniform(0.0, 1.0))
        .expect("set B");
    b.projection::<DefaultRateSynapse>(pop, pop, "exc")
        .connect_fixed_probability(0.1, RandomDistribution::uniform(0.0, 0.01))
        .expect("connect");
    let mut net = b.build().expect("build");
    bencher.bench_local(|| net.step());
}
