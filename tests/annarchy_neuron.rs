//! ANNarchy 4.8's own rate-coded neuron tests (`tests/Neuron/`), ported one
//! `#[test]` per ANNarchy test method, with the same expected values.
//!
//! Each ANNarchy test class becomes a small builder function that mirrors its
//! `setUpClass` (the network) and `setUp` (ANNarchy's default `reset()`:
//! populations and monitors, not projections). Tests are named
//! `<class>_<method>`, e.g. `test_population_2d_rank_from_coordinates` for
//! `test_Population2D.test_rank_from_coordinates`.
//!
//! ANNarchy returns the values of a population attribute shaped like its
//! geometry; here they are flat, in rank order (row-major), which is the same
//! order as numpy's flattening of the expected nested arrays. The list of
//! ported tests, and of those that cannot apply, is in `TESTS.md`.

use annarchy::prelude::*;
use annarchy::runtime::geometry::Geometry;
use annarchy::runtime::model::NeuronModel;
use annarchy::runtime::random::stream;
use approx::assert_relative_eq;
use std::ops::Range;

type TestResult = annarchy::Result<()>;

/// ANNarchy's `Network.reset()` with its defaults: populations and monitors
/// are reset, projections and synapses are not.
fn reset(net: &mut Network) {
    net.reset(true, false, false, true);
}

/// Ranks of the slice `pop[ranges...]` of a population of geometry `g`
/// (numpy basic slicing: one range per dimension, row-major order).
fn slice(g: Geometry, ranges: &[Range<usize>]) -> Vec<usize> {
    assert_eq!(ranges.len(), g.ndim(), "one range per dimension");
    let mut ranks = vec![0usize];
    for (range, &d) in ranges.iter().zip(g.dims()) {
        ranks = ranks
            .iter()
            .flat_map(|&r| range.clone().map(move |c| r * d + c))
            .collect();
    }
    ranks
}

/// Asserts that `values` equals `expected` element by element.
fn assert_all_close(values: &[f64], expected: &[f64]) {
    assert_eq!(values.len(), expected.len(), "{values:?} vs {expected:?}");
    for (v, e) in values.iter().zip(expected) {
        assert_relative_eq!(*v, *e, max_relative = 1e-7);
    }
}

/// Asserts that every value is `expected` and that there are `n` of them.
fn assert_all_equal_to(values: &[f64], expected: f64, n: usize) {
    assert_all_close(values, &vec![expected; n]);
}

// ---------------------------------------------------------------------------
// tests/Neuron/test_GlobalOperations.py

neuron! {
    /// `r` is a parameter; its mean, max, min, L1 and L2 norms are variables.
    struct GlobalOpsNeuron {
        parameters: "r = 0",
        equations: "
            mean_r = mean(r)
            max_r = max(r)
            min_r = min(r)
            l1 = norm1(r)
            l2 = norm2(r)
        ",
    }
}

neuron! {
    /// The same global operation used several times.
    struct GlobalOpsMultiUseNeuron {
        parameters: "r = 0",
        equations: "
            tmp = max(r)
            tmp2 = max(r)
            tmp3 = mean(r) + mean(r)
        ",
    }
}

/// `test_GlobalOps_1D` / `_2D`: a population of `geometry`, `r` set to
/// `[2, 1, 0, -5, -3, -1]` and two steps simulated (setUp).
fn global_ops(
    geometry: impl TryInto<Geometry, Error = annarchy::Error>,
) -> annarchy::Result<(Network, PopId<GlobalOpsNeuron>)> {
    let mut b = Network::builder();
    let pop = b.population::<GlobalOpsNeuron>("pop", geometry)?;
    let mut net = b.build()?;
    net.set(pop, "r", vec![2.0, 1.0, 0.0, -5.0, -3.0, -1.0])?;
    // 1st step: the operations are computed; 2nd step: the variables read them.
    net.simulate(2.0)?;
    Ok((net, pop))
}

#[test]
fn test_global_ops_1d_get_mean_r() -> TestResult {
    let (net, pop) = global_ops(6)?;
    assert_all_equal_to(net.pop(pop).mean_r(), -1.0, 6);
    Ok(())
}

#[test]
fn test_global_ops_1d_get_max_r() -> TestResult {
    let (net, pop) = global_ops(6)?;
    assert_all_equal_to(net.pop(pop).max_r(), 2.0, 6);
    Ok(())
}

#[test]
fn test_global_ops_1d_get_min_r() -> TestResult {
    let (net, pop) = global_ops(6)?;
    assert_all_equal_to(net.pop(pop).min_r(), -5.0, 6);
    Ok(())
}

#[test]
fn test_global_ops_1d_get_l1_norm() -> TestResult {
    let (net, pop) = global_ops(6)?;
    assert_all_equal_to(net.pop(pop).l1(), 12.0, 6);
    Ok(())
}

#[test]
fn test_global_ops_1d_get_l2_norm() -> TestResult {
    let (net, pop) = global_ops(6)?;
    let l2norm = net.pop(pop).r().iter().map(|x| x * x).sum::<f64>().sqrt();
    assert_all_equal_to(net.pop(pop).l2(), l2norm, 6);
    Ok(())
}

/// `test_GlobalOps_1D_Large`: 500 neurons, `r` set to 500 values drawn
/// uniformly in [0, 1), two steps.
fn global_ops_large(seed: u64) -> annarchy::Result<(Network, PopId<GlobalOpsNeuron>, Vec<f64>)> {
    let mut b = Network::builder();
    let pop = b.population::<GlobalOpsNeuron>("pop", 500)?;
    let mut net = b.build()?;
    let rand_val = RandomDistribution::uniform(0.0, 1.0).sample_n(&mut stream(seed, &[1]), 500);
    net.set(pop, "r", rand_val.clone())?;
    net.simulate(2.0)?;
    Ok((net, pop, rand_val))
}

#[test]
fn test_global_ops_1d_large_mean_r() -> TestResult {
    let (net, pop, rand_val) = global_ops_large(1)?;
    let mean = rand_val.iter().sum::<f64>() / rand_val.len() as f64;
    assert_all_equal_to(net.pop(pop).mean_r(), mean, 500);
    Ok(())
}

#[test]
fn test_global_ops_1d_large_min_r() -> TestResult {
    let (net, pop, rand_val) = global_ops_large(2)?;
    let min = rand_val.iter().copied().fold(f64::INFINITY, f64::min);
    assert_all_equal_to(net.pop(pop).min_r(), min, 500);
    Ok(())
}

#[test]
fn test_global_ops_1d_large_max_r() -> TestResult {
    let (net, pop, rand_val) = global_ops_large(3)?;
    let max = rand_val.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert_all_equal_to(net.pop(pop).max_r(), max, 500);
    Ok(())
}

#[test]
fn test_global_ops_2d_get_mean_r() -> TestResult {
    let (net, pop) = global_ops((2, 3))?;
    assert_all_equal_to(net.pop(pop).mean_r(), -1.0, 6);
    Ok(())
}

#[test]
fn test_global_ops_2d_get_max_r() -> TestResult {
    let (net, pop) = global_ops((2, 3))?;
    assert_all_equal_to(net.pop(pop).max_r(), 2.0, 6);
    Ok(())
}

#[test]
fn test_global_ops_2d_get_min_r() -> TestResult {
    let (net, pop) = global_ops((2, 3))?;
    assert_all_equal_to(net.pop(pop).min_r(), -5.0, 6);
    Ok(())
}

#[test]
fn test_global_ops_2d_get_l1_norm() -> TestResult {
    let (net, pop) = global_ops((2, 3))?;
    assert_all_equal_to(net.pop(pop).l1(), 12.0, 6);
    Ok(())
}

#[test]
fn test_global_ops_multi_use_compile() -> TestResult {
    let mut b = Network::builder();
    let pop = b.population::<GlobalOpsMultiUseNeuron>("pop", 6)?;
    let mut net = b.build()?;
    net.set(pop, "r", vec![2.0, 1.0, 0.0, -5.0, -3.0, -1.0])?;
    net.simulate(2.0)?;
    assert_all_close(net.pop(pop).r(), &[2.0, 1.0, 0.0, -5.0, -3.0, -1.0]);
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/Neuron/test_IndividualNeuron.py and tests/Neuron/test_PopulationView.py

neuron! {
    /// `r += 1/tau * t`.
    struct ViewNeuron {
        parameters: "tau = 10",
        equations: "r += 1/tau * t",
    }
}

/// `test_IndividualNeuron` / `test_PopulationView`: an (8, 8) population.
fn population_8x8() -> annarchy::Result<(Network, PopId<ViewNeuron>)> {
    let mut b = Network::builder();
    let pop = b.population::<ViewNeuron>("pop", (8, 8))?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok((net, pop))
}

/// `pop[2, 2] + pop[3, 3] + pop[4, 4]`.
fn diagonal_neurons(net: &Network, pop: PopId<ViewNeuron>) -> annarchy::Result<PopView> {
    let g = net.population_geometry(pop);
    let ranks = [[2, 2], [3, 3], [4, 4]]
        .iter()
        .map(|c| g.rank_from_coordinates(c))
        .collect::<annarchy::Result<Vec<_>>>()?;
    net.view(pop, ranks)
}

#[test]
fn test_individual_neuron_get_r() -> TestResult {
    let (net, pop) = population_8x8()?;
    let view = diagonal_neurons(&net, pop)?;
    assert_all_close(&net.get(&view, "r")?, &[0.0, 0.0, 0.0]);
    Ok(())
}

#[test]
fn test_individual_neuron_set_r() -> TestResult {
    let (mut net, pop) = population_8x8()?;
    let view = diagonal_neurons(&net, pop)?;
    net.set(&view, "r", 1.0)?;
    let view = diagonal_neurons(&net, pop)?;
    assert_all_close(&net.get(&view, "r")?, &[1.0, 1.0, 1.0]);
    Ok(())
}

#[test]
fn test_individual_neuron_rank_assignment() -> TestResult {
    let (net, pop) = population_8x8()?;
    let g = net.population_geometry(pop);
    let view = net.view(pop, [g.rank_from_coordinates(&[2, 4])?])?;
    assert_eq!(view.ranks(), &[20]); // 2 * 8 + 4
    Ok(())
}

#[test]
fn test_population_view_get_r() -> TestResult {
    let (net, pop) = population_8x8()?;
    let view = net.view(pop, slice(net.population_geometry(pop), &[0..8, 2..3]))?;
    assert_all_equal_to(&net.get(&view, "r")?, 0.0, 8);
    Ok(())
}

#[test]
fn test_population_view_set_r() -> TestResult {
    let (mut net, pop) = population_8x8()?;
    let view = net.view(pop, slice(net.population_geometry(pop), &[0..8, 2..3]))?;
    net.set(&view, "r", 1.0)?;
    assert_all_equal_to(&net.get(&view, "r")?, 1.0, 8);
    Ok(())
}

#[test]
fn test_population_view_rank_assignment_column() -> TestResult {
    let (net, pop) = population_8x8()?;
    let view = net.view(pop, slice(net.population_geometry(pop), &[0..8, 4..5]))?;
    // row_rank * 8 + 4
    assert_eq!(view.ranks(), &[4, 12, 20, 28, 36, 44, 52, 60]);
    Ok(())
}

#[test]
fn test_population_view_rank_assignment_row() -> TestResult {
    let (net, pop) = population_8x8()?;
    let view = net.view(pop, slice(net.population_geometry(pop), &[2..3, 0..8]))?;
    // 2 * 8 + column_rank
    assert_eq!(view.ranks(), &[16, 17, 18, 19, 20, 21, 22, 23]);
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/Neuron/test_NeuronUpdate.py

neuron! {
    /// A local random variable and `r = t`.
    struct LocalEq {
        equations: "
            noise = Uniform(0,1)
            r = t
        ",
    }
}

neuron! {
    /// Global random variable and global `glob_r = t`.
    struct GlobalEq {
        equations: "
            noise = Uniform(0,1) : population
            glob_r = t : population
            r = t
        ",
    }
}

neuron! {
    /// A local equation reading a global parameter.
    struct MixedEq {
        parameters: "glob_par = 1.0: population",
        equations: "r = t + glob_par",
    }
}

neuron! {
    /// `r = t` bounded by global parameters.
    struct BoundEq {
        parameters: "
            min_r=1.0: population
            max_r=3.0: population
        ",
        equations: "r = t : min=min_r, max=max_r",
    }
}

/// `test_NeuronUpdate`: four populations of 3 neurons, a monitor of `r` of the
/// bounded one, seed 1; five steps simulated by every test.
struct NeuronUpdate {
    net: Network,
    loc: PopId<LocalEq>,
    glob: PopId<GlobalEq>,
    mix: PopId<MixedEq>,
    m: MonitorId,
}

fn neuron_update() -> annarchy::Result<NeuronUpdate> {
    let mut b = Network::builder().seed(1);
    let loc = b.population::<LocalEq>("tc_loc_up_pop", 3)?;
    let glob = b.population::<GlobalEq>("tc_glob_up_pop", 3)?;
    let mix = b.population::<MixedEq>("tc_mixed_up_pop", 3)?;
    let bound = b.population::<BoundEq>("tc_bound_up_pop", 3)?;
    let m = b.monitor(bound, &["r"])?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok(NeuronUpdate {
        net,
        loc,
        glob,
        mix,
        m,
    })
}

#[test]
fn test_neuron_update_single_update_local() -> TestResult {
    let mut t = neuron_update()?;
    t.net.simulate(5.0)?;
    // after 5 ms, r is 4
    assert_all_close(t.net.pop(t.loc).r(), &[4.0, 4.0, 4.0]);
    Ok(())
}

#[test]
fn test_neuron_update_single_update_global() -> TestResult {
    let mut t = neuron_update()?;
    t.net.simulate(5.0)?;
    assert_all_close(&t.net.get(t.glob, "glob_r")?, &[4.0]);
    Ok(())
}

#[test]
fn test_neuron_update_single_update_mixed() -> TestResult {
    let mut t = neuron_update()?;
    t.net.simulate(5.0)?;
    // 4 + glob_par
    assert_all_close(t.net.pop(t.mix).r(), &[5.0, 5.0, 5.0]);
    Ok(())
}

#[test]
fn test_neuron_update_bound_update() -> TestResult {
    let mut t = neuron_update()?;
    t.net.simulate(5.0)?;
    let r = t.net.monitor_get(t.m, "r")?;
    let first: Vec<f64> = r.values.iter().map(|row| row[0]).collect();
    assert_all_close(&first, &[1.0, 1.0, 2.0, 3.0, 3.0]);
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/Neuron/test_Population.py

neuron! {
    /// `tau = 10`, `r += t/tau`.
    struct PopNeuron {
        parameters: "tau = 10",
        equations: "r += t/tau",
    }
}

neuron! {
    /// A global `tau`, `r` initialised to 1.
    struct PopNeuron2 {
        parameters: "tau = 10: population",
        equations: "r += t/tau : init = 1.0",
    }
}

/// `test_Population1D` / `2D` / `3D` / `2x3D`: one population of each neuron
/// with the same geometry; the network is reset before each test.
struct PopulationTest {
    net: Network,
    pop1: PopId<PopNeuron>,
    pop2: PopId<PopNeuron2>,
}

impl PopulationTest {
    fn new(
        geometry: impl TryInto<Geometry, Error = annarchy::Error> + Copy,
    ) -> annarchy::Result<Self> {
        let mut b = Network::builder();
        let pop1 = b.population::<PopNeuron>("pop1", geometry)?;
        let pop2 = b.population::<PopNeuron2>("pop2", geometry)?;
        let mut net = b.build()?;
        reset(&mut net);
        Ok(PopulationTest { net, pop1, pop2 })
    }

    fn geometry(&self) -> Geometry {
        self.net.population_geometry(self.pop1)
    }

    /// `pop1[ranges...]`.
    fn view(&self, ranges: &[Range<usize>]) -> annarchy::Result<PopView> {
        self.net.view(self.pop1, slice(self.geometry(), ranges))
    }

    /// `pop1.neuron(rank)`.
    fn neuron(&self, rank: usize) -> annarchy::Result<PopView> {
        self.net.view(self.pop1, [rank])
    }

    /// The attribute lists of `test_popattributes`: all, parameters, variables.
    fn attribute_lists() -> (Vec<&'static str>, Vec<&'static str>, Vec<&'static str>) {
        let attrs = PopNeuron::INFO.attributes;
        (
            attrs.iter().map(|a| a.name).collect(),
            attrs
                .iter()
                .filter(|a| a.is_parameter)
                .map(|a| a.name)
                .collect(),
            attrs
                .iter()
                .filter(|a| !a.is_parameter)
                .map(|a| a.name)
                .collect(),
        )
    }
}

/// `Uniform(0.0, 1.0).get_values(n)`.
fn uniform_values(n: usize) -> Vec<f64> {
    RandomDistribution::uniform(0.0, 1.0).sample_n(&mut stream(7, &[n as u64]), n)
}

// test_Population1D: geometry 3.

/// `test_Population1D.test_coordinates_from_rank`.
#[test]
fn test_population_1d_coordinates_from_rank() -> TestResult {
    let t = PopulationTest::new(3)?;
    assert_eq!(t.geometry().coordinates_from_rank(1)?, [1]);
    Ok(())
}

/// `test_Population1D.test_rank_from_coordinates`.
#[test]
fn test_population_1d_rank_from_coordinates() -> TestResult {
    let t = PopulationTest::new(3)?;
    assert_eq!(t.geometry().rank_from_coordinates(&[1])?, 1);
    Ok(())
}

/// `test_Population1D.test_get_tau`: direct access.
#[test]
fn test_population_1d_get_tau() -> TestResult {
    let t = PopulationTest::new(3)?;
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 10.0, 3);
    Ok(())
}

/// `test_Population1D.test_get_tau2`: `get()`.
#[test]
fn test_population_1d_get_tau2() -> TestResult {
    let t = PopulationTest::new(3)?;
    assert_all_equal_to(&t.net.get(t.pop1, "tau")?, 10.0, 3);
    Ok(())
}

/// `test_Population1D.test_get_neuron_tau`.
#[test]
fn test_population_1d_get_neuron_tau() -> TestResult {
    let t = PopulationTest::new(3)?;
    assert_all_close(&t.net.get(&t.neuron(1)?, "tau")?, &[10.0]);
    Ok(())
}

/// `test_Population1D.test_set_tau`: direct assignment.
#[test]
fn test_population_1d_set_tau() -> TestResult {
    let mut t = PopulationTest::new(3)?;
    t.net.pop_mut(t.pop1).tau_mut().fill(5.0);
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 5.0, 3);
    Ok(())
}

/// `test_Population1D.test_set_tau_2`: `set()`.
#[test]
fn test_population_1d_set_tau_2() -> TestResult {
    let mut t = PopulationTest::new(3)?;
    t.net.set(t.pop1, "tau", 7.0)?;
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 7.0, 3);
    Ok(())
}

/// `test_Population1D.test_set_neuron_tau`.
#[test]
fn test_population_1d_set_neuron_tau() -> TestResult {
    let mut t = PopulationTest::new(3)?;
    let neuron = t.neuron(1)?;
    t.net.set(&neuron, "tau", 20.0)?;
    assert_all_close(&t.net.get(&neuron, "tau")?, &[20.0]);
    Ok(())
}

/// `test_Population1D.test_set_tau_popview`.
#[test]
fn test_population_1d_set_tau_popview() -> TestResult {
    let mut t = PopulationTest::new(3)?;
    #[allow(clippy::single_range_in_vec_init)] // one range per dimension
    let view = t.view(&[1..3])?; // pop[1:3]
    t.net.set(&view, "tau", 5.0)?;
    let expected = [10.0, 5.0, 5.0];
    assert_all_close(t.net.pop(t.pop1).tau(), &expected);
    Ok(())
}

/// `test_Population1D.test_get_tau_population`: one value for a `population` parameter.
#[test]
fn test_population_1d_get_tau_population() -> TestResult {
    let t = PopulationTest::new(3)?;
    assert_eq!(t.net.pop(t.pop2).tau(), 10.0);
    Ok(())
}

/// `test_Population1D.test_popattributes`.
#[test]
fn test_population_1d_popattributes() -> TestResult {
    let (attributes, parameters, variables) = PopulationTest::attribute_lists();
    assert_eq!(attributes, ["tau", "r"], "failed listing attributes");
    assert_eq!(parameters, ["tau"], "failed listing parameters");
    assert_eq!(variables, ["r"], "failed listing variables");
    Ok(())
}

/// `test_Population1D.test_get_r`: direct access.
#[test]
fn test_population_1d_get_r() -> TestResult {
    let t = PopulationTest::new(3)?;
    assert_all_equal_to(t.net.pop(t.pop1).r(), 0.0, 3);
    Ok(())
}

/// `test_Population1D.test_get_r2`: `get()`.
#[test]
fn test_population_1d_get_r2() -> TestResult {
    let t = PopulationTest::new(3)?;
    assert_all_equal_to(&t.net.get(t.pop1, "r")?, 0.0, 3);
    Ok(())
}

/// `test_Population1D.test_get_neuron_r`.
#[test]
fn test_population_1d_get_neuron_r() -> TestResult {
    let t = PopulationTest::new(3)?;
    assert_all_close(&t.net.get(&t.neuron(0)?, "r")?, &[0.0]);
    Ok(())
}

/// `test_Population1D.test_get_r_with_init`.
#[test]
fn test_population_1d_get_r_with_init() -> TestResult {
    let t = PopulationTest::new(3)?;
    assert_all_equal_to(t.net.pop(t.pop2).r(), 1.0, 3);
    Ok(())
}

/// `test_Population1D.test_set_r`: direct assignment.
#[test]
fn test_population_1d_set_r() -> TestResult {
    let mut t = PopulationTest::new(3)?;
    t.net.pop_mut(t.pop1).r_mut().fill(1.0);
    assert_all_equal_to(t.net.pop(t.pop1).r(), 1.0, 3);
    Ok(())
}

/// `test_Population1D.test_set_r_2`.
#[test]
fn test_population_1d_set_r_2() -> TestResult {
    let mut t = PopulationTest::new(3)?;
    #[allow(clippy::single_range_in_vec_init)] // one range per dimension
    let view = t.view(&[1..3])?; // pop[1:3]
    t.net.set(&view, "r", 2.0)?;
    let expected = [0.0, 2.0, 2.0];
    assert_all_close(t.net.pop(t.pop1).r(), &expected);
    Ok(())
}

/// `test_Population1D.test_set_r_uniform`: values drawn from `Uniform(0, 1)`.
#[test]
fn test_population_1d_set_r_uniform() -> TestResult {
    let mut t = PopulationTest::new(3)?;
    let values = uniform_values(3);
    t.net.pop_mut(t.pop1).r_mut().copy_from_slice(&values);
    let r = t.net.pop(t.pop1).r();
    assert_eq!(r.len(), 3);
    assert!(r.iter().any(|&x| x >= 0.0) && r.iter().all(|&x| x <= 1.0));
    Ok(())
}

/// `test_Population1D.test_set_r3`: `set()`.
#[test]
fn test_population_1d_set_r3() -> TestResult {
    let mut t = PopulationTest::new(3)?;
    t.net.set(t.pop1, "r", 1.0)?;
    assert_all_equal_to(t.net.pop(t.pop1).r(), 1.0, 3);
    Ok(())
}

/// `test_Population1D.test_reset`.
#[test]
fn test_population_1d_reset() -> TestResult {
    let mut t = PopulationTest::new(3)?;
    t.net.pop_mut(t.pop1).tau_mut().fill(5.0);
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 5.0, 3);
    reset(&mut t.net);
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 10.0, 3);
    Ok(())
}

// test_Population2D: geometry (3, 3).

/// `test_Population2D.test_coordinates_from_rank`.
#[test]
fn test_population_2d_coordinates_from_rank() -> TestResult {
    let t = PopulationTest::new((3, 3))?;
    assert_eq!(t.geometry().coordinates_from_rank(2)?, [0, 2]);
    assert_eq!(t.geometry().coordinates_from_rank(6)?, [2, 0]);
    Ok(())
}

/// `test_Population2D.test_rank_from_coordinates`.
#[test]
fn test_population_2d_rank_from_coordinates() -> TestResult {
    let t = PopulationTest::new((3, 3))?;
    assert_eq!(t.geometry().rank_from_coordinates(&[0, 2])?, 2);
    assert_eq!(t.geometry().rank_from_coordinates(&[2, 0])?, 6);
    Ok(())
}

/// `test_Population2D.test_get_tau`: direct access.
#[test]
fn test_population_2d_get_tau() -> TestResult {
    let t = PopulationTest::new((3, 3))?;
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 10.0, 9);
    Ok(())
}

/// `test_Population2D.test_get_tau2`: `get()`.
#[test]
fn test_population_2d_get_tau2() -> TestResult {
    let t = PopulationTest::new((3, 3))?;
    assert_all_equal_to(&t.net.get(t.pop1, "tau")?, 10.0, 9);
    Ok(())
}

/// `test_Population2D.test_get_neuron_tau`.
#[test]
fn test_population_2d_get_neuron_tau() -> TestResult {
    let t = PopulationTest::new((3, 3))?;
    assert_all_close(&t.net.get(&t.neuron(1)?, "tau")?, &[10.0]);
    Ok(())
}

/// `test_Population2D.test_set_tau`: direct assignment.
#[test]
fn test_population_2d_set_tau() -> TestResult {
    let mut t = PopulationTest::new((3, 3))?;
    t.net.pop_mut(t.pop1).tau_mut().fill(5.0);
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 5.0, 9);
    Ok(())
}

/// `test_Population2D.test_set_tau_2`: `set()`.
#[test]
fn test_population_2d_set_tau_2() -> TestResult {
    let mut t = PopulationTest::new((3, 3))?;
    t.net.set(t.pop1, "tau", 5.0)?;
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 5.0, 9);
    Ok(())
}

/// `test_Population2D.test_set_tau_popview`.
#[test]
fn test_population_2d_set_tau_popview() -> TestResult {
    let mut t = PopulationTest::new((3, 3))?;
    let view = t.view(&[1..3, 1..2])?; // pop[1:3, 1]
    t.net.set(&view, "tau", 5.0)?;
    #[rustfmt::skip]
    let expected = [
        10.0, 10.0, 10.0, //
        10.0, 5.0, 10.0, //
        10.0, 5.0, 10.0,
    ];
    assert_all_close(t.net.pop(t.pop1).tau(), &expected);
    Ok(())
}

/// `test_Population2D.test_get_tau_population`: one value for a `population` parameter.
#[test]
fn test_population_2d_get_tau_population() -> TestResult {
    let t = PopulationTest::new((3, 3))?;
    assert_eq!(t.net.pop(t.pop2).tau(), 10.0);
    Ok(())
}

/// `test_Population2D.test_popattributes`.
#[test]
fn test_population_2d_popattributes() -> TestResult {
    let (attributes, parameters, variables) = PopulationTest::attribute_lists();
    assert_eq!(attributes, ["tau", "r"], "failed listing attributes");
    assert_eq!(parameters, ["tau"], "failed listing parameters");
    assert_eq!(variables, ["r"], "failed listing variables");
    Ok(())
}

/// `test_Population2D.test_get_r`: direct access.
#[test]
fn test_population_2d_get_r() -> TestResult {
    let t = PopulationTest::new((3, 3))?;
    assert_all_equal_to(t.net.pop(t.pop1).r(), 0.0, 9);
    Ok(())
}

/// `test_Population2D.test_get_r2`: `get()`.
#[test]
fn test_population_2d_get_r2() -> TestResult {
    let t = PopulationTest::new((3, 3))?;
    assert_all_equal_to(&t.net.get(t.pop1, "r")?, 0.0, 9);
    Ok(())
}

/// `test_Population2D.test_get_neuron_r`.
#[test]
fn test_population_2d_get_neuron_r() -> TestResult {
    let t = PopulationTest::new((3, 3))?;
    assert_all_close(&t.net.get(&t.neuron(0)?, "r")?, &[0.0]);
    Ok(())
}

/// `test_Population2D.test_get_r_with_init`.
#[test]
fn test_population_2d_get_r_with_init() -> TestResult {
    let t = PopulationTest::new((3, 3))?;
    assert_all_equal_to(t.net.pop(t.pop2).r(), 1.0, 9);
    Ok(())
}

/// `test_Population2D.test_set_r`: direct assignment.
#[test]
fn test_population_2d_set_r() -> TestResult {
    let mut t = PopulationTest::new((3, 3))?;
    t.net.pop_mut(t.pop1).r_mut().fill(1.0);
    assert_all_equal_to(t.net.pop(t.pop1).r(), 1.0, 9);
    Ok(())
}

/// `test_Population2D.test_set_r_2`.
#[test]
fn test_population_2d_set_r_2() -> TestResult {
    let mut t = PopulationTest::new((3, 3))?;
    let view = t.view(&[1..3, 1..2])?; // pop[1:3, 1]
    t.net.set(&view, "r", 2.0)?;
    #[rustfmt::skip]
    let expected = [
        0.0, 0.0, 0.0, //
        0.0, 2.0, 0.0, //
        0.0, 2.0, 0.0,
    ];
    assert_all_close(t.net.pop(t.pop1).r(), &expected);
    Ok(())
}

/// `test_Population2D.test_set_r_uniform`: values drawn from `Uniform(0, 1)`.
#[test]
fn test_population_2d_set_r_uniform() -> TestResult {
    let mut t = PopulationTest::new((3, 3))?;
    let values = uniform_values(9);
    t.net.pop_mut(t.pop1).r_mut().copy_from_slice(&values);
    let r = t.net.get(&t.view(&[0..3, 0..3])?, "r")?; // pop[0:3, 0:3].r
    assert_eq!(r.len(), 9);
    assert!(r.iter().any(|&x| x >= 0.0) && r.iter().all(|&x| x <= 1.0));
    Ok(())
}

/// `test_Population2D.test_set_r3`: `set()`.
#[test]
fn test_population_2d_set_r3() -> TestResult {
    let mut t = PopulationTest::new((3, 3))?;
    t.net.set(t.pop1, "r", 1.0)?;
    assert_all_equal_to(t.net.pop(t.pop1).r(), 1.0, 9);
    Ok(())
}

/// `test_Population2D.test_reset`.
#[test]
fn test_population_2d_reset() -> TestResult {
    let mut t = PopulationTest::new((3, 3))?;
    t.net.pop_mut(t.pop1).tau_mut().fill(5.0);
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 5.0, 9);
    reset(&mut t.net);
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 10.0, 9);
    Ok(())
}

// test_Population3D: geometry (3, 3, 3).

/// `test_Population3D.test_coordinates_from_rank`.
#[test]
fn test_population_3d_coordinates_from_rank() -> TestResult {
    let t = PopulationTest::new((3, 3, 3))?;
    assert_eq!(t.geometry().coordinates_from_rank(2)?, [0, 0, 2]);
    assert_eq!(t.geometry().coordinates_from_rank(6)?, [0, 2, 0]);
    assert_eq!(t.geometry().coordinates_from_rank(18)?, [2, 0, 0]);
    Ok(())
}

/// `test_Population3D.test_rank_from_coordinates`.
#[test]
fn test_population_3d_rank_from_coordinates() -> TestResult {
    let t = PopulationTest::new((3, 3, 3))?;
    assert_eq!(t.geometry().rank_from_coordinates(&[0, 0, 2])?, 2);
    assert_eq!(t.geometry().rank_from_coordinates(&[0, 2, 0])?, 6);
    assert_eq!(t.geometry().rank_from_coordinates(&[2, 0, 0])?, 18);
    Ok(())
}

/// `test_Population3D.test_get_tau`: direct access.
#[test]
fn test_population_3d_get_tau() -> TestResult {
    let t = PopulationTest::new((3, 3, 3))?;
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 10.0, 27);
    Ok(())
}

/// `test_Population3D.test_get_tau2`: `get()`.
#[test]
fn test_population_3d_get_tau2() -> TestResult {
    let t = PopulationTest::new((3, 3, 3))?;
    assert_all_equal_to(&t.net.get(t.pop1, "tau")?, 10.0, 27);
    Ok(())
}

/// `test_Population3D.test_get_neuron_tau`.
#[test]
fn test_population_3d_get_neuron_tau() -> TestResult {
    let t = PopulationTest::new((3, 3, 3))?;
    assert_all_close(&t.net.get(&t.neuron(1)?, "tau")?, &[10.0]);
    Ok(())
}

/// `test_Population3D.test_set_tau`: direct assignment.
#[test]
fn test_population_3d_set_tau() -> TestResult {
    let mut t = PopulationTest::new((3, 3, 3))?;
    t.net.pop_mut(t.pop1).tau_mut().fill(5.0);
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 5.0, 27);
    Ok(())
}

/// `test_Population3D.test_set_tau_2`: `set()`.
#[test]
fn test_population_3d_set_tau_2() -> TestResult {
    let mut t = PopulationTest::new((3, 3, 3))?;
    t.net.set(t.pop1, "tau", 5.0)?;
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 5.0, 27);
    Ok(())
}

/// `test_Population3D.test_set_tau_popview`.
#[test]
fn test_population_3d_set_tau_popview() -> TestResult {
    let mut t = PopulationTest::new((3, 3, 3))?;
    let view = t.view(&[0..3, 1..2, 1..3])?; // pop[0:3, 1, 1:3]
    t.net.set(&view, "tau", 5.0)?;
    #[rustfmt::skip]
    let expected = [
        10.0, 10.0, 10.0, 10.0, 5.0, 5.0, 10.0, 10.0, 10.0, //
        10.0, 10.0, 10.0, 10.0, 5.0, 5.0, 10.0, 10.0, 10.0, //
        10.0, 10.0, 10.0, 10.0, 5.0, 5.0, 10.0, 10.0, 10.0, //
    ];
    assert_all_close(t.net.pop(t.pop1).tau(), &expected);
    Ok(())
}

/// `test_Population3D.test_get_tau_population`: one value for a `population` parameter.
#[test]
fn test_population_3d_get_tau_population() -> TestResult {
    let t = PopulationTest::new((3, 3, 3))?;
    assert_eq!(t.net.pop(t.pop2).tau(), 10.0);
    Ok(())
}

/// `test_Population3D.test_popattributes`.
#[test]
fn test_population_3d_popattributes() -> TestResult {
    let (attributes, parameters, variables) = PopulationTest::attribute_lists();
    assert_eq!(attributes, ["tau", "r"], "failed listing attributes");
    assert_eq!(parameters, ["tau"], "failed listing parameters");
    assert_eq!(variables, ["r"], "failed listing variables");
    Ok(())
}

/// `test_Population3D.test_get_r`: direct access.
#[test]
fn test_population_3d_get_r() -> TestResult {
    let t = PopulationTest::new((3, 3, 3))?;
    assert_all_equal_to(t.net.pop(t.pop1).r(), 0.0, 27);
    Ok(())
}

/// `test_Population3D.test_get_r2`: `get()`.
#[test]
fn test_population_3d_get_r2() -> TestResult {
    let t = PopulationTest::new((3, 3, 3))?;
    assert_all_equal_to(&t.net.get(t.pop1, "r")?, 0.0, 27);
    Ok(())
}

/// `test_Population3D.test_get_neuron_r`.
#[test]
fn test_population_3d_get_neuron_r() -> TestResult {
    let t = PopulationTest::new((3, 3, 3))?;
    assert_all_close(&t.net.get(&t.neuron(18)?, "r")?, &[0.0]);
    Ok(())
}

/// `test_Population3D.test_get_r_with_init`.
#[test]
fn test_population_3d_get_r_with_init() -> TestResult {
    let t = PopulationTest::new((3, 3, 3))?;
    assert_all_equal_to(t.net.pop(t.pop2).r(), 1.0, 27);
    Ok(())
}

/// `test_Population3D.test_set_r`: direct assignment.
#[test]
fn test_population_3d_set_r() -> TestResult {
    let mut t = PopulationTest::new((3, 3, 3))?;
    t.net.pop_mut(t.pop1).r_mut().fill(1.0);
    assert_all_equal_to(t.net.pop(t.pop1).r(), 1.0, 27);
    Ok(())
}

/// `test_Population3D.test_set_r_2`.
#[test]
fn test_population_3d_set_r_2() -> TestResult {
    let mut t = PopulationTest::new((3, 3, 3))?;
    let view = t.view(&[0..3, 1..2, 1..3])?; // pop[0:3, 1, 1:3]
    t.net.set(&view, "r", 2.0)?;
    #[rustfmt::skip]
    let expected = [
        0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 0.0, 0.0, 0.0, //
        0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 0.0, 0.0, 0.0, //
        0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 0.0, 0.0, 0.0, //
    ];
    assert_all_close(t.net.pop(t.pop1).r(), &expected);
    Ok(())
}

/// `test_Population3D.test_set_r_uniform`: values drawn from `Uniform(0, 1)`.
#[test]
fn test_population_3d_set_r_uniform() -> TestResult {
    let mut t = PopulationTest::new((3, 3, 3))?;
    let values = uniform_values(27);
    t.net.pop_mut(t.pop1).r_mut().copy_from_slice(&values);
    let r = t.net.get(&t.view(&[0..3, 0..3, 0..3])?, "r")?; // pop[0:3, 0:3, 0:3].r
    assert_eq!(r.len(), 27);
    assert!(r.iter().any(|&x| x >= 0.0) && r.iter().all(|&x| x <= 1.0));
    Ok(())
}

/// `test_Population3D.test_set_r3`: `set()`.
#[test]
fn test_population_3d_set_r3() -> TestResult {
    let mut t = PopulationTest::new((3, 3, 3))?;
    t.net.set(t.pop1, "r", 1.0)?;
    assert_all_equal_to(t.net.pop(t.pop1).r(), 1.0, 27);
    Ok(())
}

/// `test_Population3D.test_reset`.
#[test]
fn test_population_3d_reset() -> TestResult {
    let mut t = PopulationTest::new((3, 3, 3))?;
    t.net.pop_mut(t.pop1).tau_mut().fill(5.0);
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 5.0, 27);
    reset(&mut t.net);
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 10.0, 27);
    Ok(())
}

// test_Population2x3D: geometry (3, 2).

/// `test_Population2x3D.test_coordinates_from_rank`.
#[test]
fn test_population_2x3d_coordinates_from_rank() -> TestResult {
    let t = PopulationTest::new((3, 2))?;
    assert_eq!(t.geometry().coordinates_from_rank(2)?, [1, 0]);
    assert_eq!(t.geometry().coordinates_from_rank(5)?, [2, 1]);
    Ok(())
}

/// `test_Population2x3D.test_rank_from_coordinates`.
#[test]
fn test_population_2x3d_rank_from_coordinates() -> TestResult {
    let t = PopulationTest::new((3, 2))?;
    assert_eq!(t.geometry().rank_from_coordinates(&[1, 0])?, 2);
    assert_eq!(t.geometry().rank_from_coordinates(&[2, 1])?, 5);
    Ok(())
}

/// `test_Population2x3D.test_get_tau`: direct access.
#[test]
fn test_population_2x3d_get_tau() -> TestResult {
    let t = PopulationTest::new((3, 2))?;
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 10.0, 6);
    Ok(())
}

/// `test_Population2x3D.test_get_tau2`: `get()`.
#[test]
fn test_population_2x3d_get_tau2() -> TestResult {
    let t = PopulationTest::new((3, 2))?;
    assert_all_equal_to(&t.net.get(t.pop1, "tau")?, 10.0, 6);
    Ok(())
}

/// `test_Population2x3D.test_get_neuron_tau`.
#[test]
fn test_population_2x3d_get_neuron_tau() -> TestResult {
    let t = PopulationTest::new((3, 2))?;
    assert_all_close(&t.net.get(&t.neuron(1)?, "tau")?, &[10.0]);
    Ok(())
}

/// `test_Population2x3D.test_set_tau`: direct assignment.
#[test]
fn test_population_2x3d_set_tau() -> TestResult {
    let mut t = PopulationTest::new((3, 2))?;
    t.net.pop_mut(t.pop1).tau_mut().fill(5.0);
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 5.0, 6);
    Ok(())
}

/// `test_Population2x3D.test_set_tau_2`: `set()`.
#[test]
fn test_population_2x3d_set_tau_2() -> TestResult {
    let mut t = PopulationTest::new((3, 2))?;
    t.net.set(t.pop1, "tau", 5.0)?;
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 5.0, 6);
    Ok(())
}

/// `test_Population2x3D.test_set_tau_popview`.
#[test]
fn test_population_2x3d_set_tau_popview() -> TestResult {
    let mut t = PopulationTest::new((3, 2))?;
    let view = t.view(&[0..2, 1..2])?; // pop[0:2, 1]
    t.net.set(&view, "tau", 5.0)?;
    #[rustfmt::skip]
    let expected = [
        10.0, 5.0, //
        10.0, 5.0, //
        10.0, 10.0,
    ];
    assert_all_close(t.net.pop(t.pop1).tau(), &expected);
    Ok(())
}

/// `test_Population2x3D.test_get_tau_population`: one value for a `population` parameter.
#[test]
fn test_population_2x3d_get_tau_population() -> TestResult {
    let t = PopulationTest::new((3, 2))?;
    assert_eq!(t.net.pop(t.pop2).tau(), 10.0);
    Ok(())
}

/// `test_Population2x3D.test_popattributes`.
#[test]
fn test_population_2x3d_popattributes() -> TestResult {
    let (attributes, parameters, variables) = PopulationTest::attribute_lists();
    assert_eq!(attributes, ["tau", "r"], "failed listing attributes");
    assert_eq!(parameters, ["tau"], "failed listing parameters");
    assert_eq!(variables, ["r"], "failed listing variables");
    Ok(())
}

/// `test_Population2x3D.test_get_r`: direct access.
#[test]
fn test_population_2x3d_get_r() -> TestResult {
    let t = PopulationTest::new((3, 2))?;
    assert_all_equal_to(t.net.pop(t.pop1).r(), 0.0, 6);
    Ok(())
}

/// `test_Population2x3D.test_get_r2`: `get()`.
#[test]
fn test_population_2x3d_get_r2() -> TestResult {
    let t = PopulationTest::new((3, 2))?;
    assert_all_equal_to(&t.net.get(t.pop1, "r")?, 0.0, 6);
    Ok(())
}

/// `test_Population2x3D.test_get_neuron_r`.
#[test]
fn test_population_2x3d_get_neuron_r() -> TestResult {
    let t = PopulationTest::new((3, 2))?;
    assert_all_close(&t.net.get(&t.neuron(0)?, "r")?, &[0.0]);
    Ok(())
}

/// `test_Population2x3D.test_get_r_with_init`.
#[test]
fn test_population_2x3d_get_r_with_init() -> TestResult {
    let t = PopulationTest::new((3, 2))?;
    assert_all_equal_to(t.net.pop(t.pop2).r(), 1.0, 6);
    Ok(())
}

/// `test_Population2x3D.test_set_r`: direct assignment.
#[test]
fn test_population_2x3d_set_r() -> TestResult {
    let mut t = PopulationTest::new((3, 2))?;
    t.net.pop_mut(t.pop1).r_mut().fill(1.0);
    assert_all_equal_to(t.net.pop(t.pop1).r(), 1.0, 6);
    Ok(())
}

/// `test_Population2x3D.test_set_r_2`.
#[test]
fn test_population_2x3d_set_r_2() -> TestResult {
    let mut t = PopulationTest::new((3, 2))?;
    let view = t.view(&[0..2, 1..2])?; // pop[0:2, 1]
    t.net.set(&view, "r", 2.0)?;
    #[rustfmt::skip]
    let expected = [
        0.0, 2.0, //
        0.0, 2.0, //
        0.0, 0.0,
    ];
    assert_all_close(t.net.pop(t.pop1).r(), &expected);
    Ok(())
}

/// `test_Population2x3D.test_set_r_uniform`: values drawn from `Uniform(0, 1)`.
#[test]
fn test_population_2x3d_set_r_uniform() -> TestResult {
    let mut t = PopulationTest::new((3, 2))?;
    let values = uniform_values(6);
    t.net.pop_mut(t.pop1).r_mut().copy_from_slice(&values);
    let r = t.net.get(&t.view(&[0..3, 0..2])?, "r")?; // pop[0:3, 0:2].r
    assert_eq!(r.len(), 6);
    assert!(r.iter().any(|&x| x >= 0.0) && r.iter().all(|&x| x <= 1.0));
    Ok(())
}

/// `test_Population2x3D.test_set_r3`: `set()`.
#[test]
fn test_population_2x3d_set_r3() -> TestResult {
    let mut t = PopulationTest::new((3, 2))?;
    t.net.set(t.pop1, "r", 1.0)?;
    assert_all_equal_to(t.net.pop(t.pop1).r(), 1.0, 6);
    Ok(())
}

/// `test_Population2x3D.test_reset`.
#[test]
fn test_population_2x3d_reset() -> TestResult {
    let mut t = PopulationTest::new((3, 2))?;
    t.net.pop_mut(t.pop1).tau_mut().fill(5.0);
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 5.0, 6);
    reset(&mut t.net);
    assert_all_equal_to(t.net.pop(t.pop1).tau(), 10.0, 6);
    Ok(())
}
