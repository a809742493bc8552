//! ANNarchy 4.8's own rate-coded synapse and projection tests
//! (`tests/RateSynapse/`): dendrites, projection attributes, projections
//! between views, connectors, delays, synaptic operations, the standard
//! learning rules and custom synapses; one `#[test]` per ANNarchy test method,
//! with the same expected values.
//!
//! Each ANNarchy test class becomes a builder function that mirrors its
//! `setUpClass` and `setUp`. Tests are named `<class>_<method>`. ANNarchy runs
//! every class once per storage format; there is one storage here, so each
//! test runs once. The list of ported tests and of those that wait for a
//! feature is in `TESTS.md`.
//!
//! A network here refuses a projection on a target that the post-synaptic
//! model never reads (`sum(target)`). Where an ANNarchy test connects to
//! such a target only to inspect the projection, the post-synaptic model
//! here also computes `received = sum(target)`, a variable that nothing
//! asserted depends on.

use annarchy::prelude::*;
use annarchy::runtime::connectivity::LilBuilder;
use annarchy::runtime::model::{NeuronModel, SynapseModel};
use annarchy::runtime::random::stream;
use approx::assert_relative_eq;

type TestResult = annarchy::Result<()>;

/// ANNarchy's `Network.reset()` with its defaults: populations and monitors
/// are reset, projections and synapses are not.
fn reset(net: &mut Network) {
    net.reset(true, false, false, true);
}

/// Asserts that `values` equals `expected` element by element (numpy's
/// `assert_allclose`, relative tolerance 1e-7).
fn assert_all_close(values: &[f64], expected: &[f64]) {
    assert_eq!(values.len(), expected.len(), "{values:?} vs {expected:?}");
    for (v, e) in values.iter().zip(expected) {
        assert_relative_eq!(*v, *e, max_relative = 1e-7);
    }
}

/// Asserts that there are `n` values, all equal to `expected` (numpy's
/// `assert_allclose` of an array against a scalar).
fn assert_all_equal_to(values: &[f64], expected: f64, n: usize) {
    assert_all_close(values, &vec![expected; n]);
}

/// `numpy.random.random(n)`.
fn random_values(seed: u64, n: usize) -> Vec<f64> {
    RandomDistribution::uniform(0.0, 1.0).sample_n(&mut stream(seed, &[n as u64]), n)
}

/// `dendrite(post).name = value`: every synapse of the dendrite.
fn set_dendrite(
    net: &mut Network,
    proj: impl Into<AnyProj> + Copy,
    post: u32,
    name: &str,
    value: f64,
) -> TestResult {
    let pre_ranks = net.dendrite(proj, post)?.pre_ranks().to_vec();
    for pre in pre_ranks {
        net.set_synapse(proj, post, pre, name, value)?;
    }
    Ok(())
}

/// `dendrite(post).set({name: value, ...})`: each attribute on every synapse
/// of the dendrite.
fn set_dendrite_with(
    net: &mut Network,
    proj: impl Into<AnyProj> + Copy,
    post: u32,
    values: &[(&str, f64)],
) -> TestResult {
    for &(name, value) in values {
        set_dendrite(net, proj, post, name, value)?;
    }
    Ok(())
}

/// `dendrite(post)[k].name = value`: the `k`-th synapse of the dendrite.
fn set_dendrite_synapse(
    net: &mut Network,
    proj: impl Into<AnyProj> + Copy,
    post: u32,
    k: usize,
    name: &str,
    value: f64,
) -> TestResult {
    let pre = net.dendrite(proj, post)?.pre_ranks()[k];
    net.set_synapse(proj, post, pre, name, value)
}

/// `proj.connectivity_matrix()` times `pre_r`, summed over pre neurons: the
/// weighted sum numpy computes from the dense weight matrix.
fn weighted_sums(net: &Network, proj: AnyProj, post_size: usize, pre_r: &[f64]) -> Vec<f64> {
    let mut result = vec![0.0; post_size];
    for &post in net.post_ranks(proj) {
        let d = net
            .dendrite(proj, post)
            .expect("a post rank has a dendrite");
        let w = d.get("w").expect("every synapse has w");
        result[post as usize] = d
            .pre_ranks()
            .iter()
            .zip(&w)
            .map(|(&pre, w)| w * pre_r[pre as usize])
            .sum();
    }
    result
}

// ---------------------------------------------------------------------------
// tests/RateSynapse/test_Dendrite.py

neuron! {
    /// `r += 1/tau * t`.
    struct DendriteNeuron {
        parameters: "tau = 10",
        equations: "r += 1/tau * t",
    }
}

neuron! {
    /// A global `tau`, `r` initialised to 1; reads `exc` into `received`.
    struct DendriteNeuron2 {
        parameters: "tau = 10: population",
        equations: "
            r += 1/tau * t: init = 1.0
            received = sum(exc)
        ",
    }
}

synapse! {
    /// Oja's rule with a `postsynaptic` `tau` and a local `alpha`.
    struct DendriteOja {
        parameters: "
            tau = 5000.0 : postsynaptic
            alpha = 8.0
        ",
        equations: "tau * dw/dt = pre.r * post.r - alpha * post.r^2 * w",
    }
}

/// `test_DendriteDefaultSynapse` / `test_DendriteModifiedSynapse`: 5 pre
/// neurons, 8 post neurons, all-to-all with weight 1 and synapse `S`.
fn dendrite_network<S: SynapseModel>() -> annarchy::Result<(Network, ProjId<S>)> {
    let mut b = Network::builder();
    let pop1 = b.population::<DendriteNeuron>("pop1", 5)?;
    let pop2 = b.population::<DendriteNeuron2>("pop2", 8)?;
    let proj = b
        .projection::<S>(pop1, pop2, "exc")
        .connect_all_to_all(1.0)?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok((net, proj))
}

fn dendrite_default_synapse() -> annarchy::Result<(Network, ProjId<DefaultRateSynapse>)> {
    dendrite_network::<DefaultRateSynapse>()
}

fn dendrite_modified_synapse() -> annarchy::Result<(Network, ProjId<DendriteOja>)> {
    dendrite_network::<DendriteOja>()
}

#[test]
fn test_dendrite_default_synapse_none() -> TestResult {
    let (net, proj) = dendrite_default_synapse()?;
    assert!(net.dendrite(proj, 14).is_err());
    Ok(())
}

#[test]
fn test_dendrite_default_synapse_pre_ranks() -> TestResult {
    let (net, proj) = dendrite_default_synapse()?;
    assert_eq!(net.dendrite(proj, 5)?.pre_ranks(), [0, 1, 2, 3, 4]);
    Ok(())
}

#[test]
fn test_dendrite_default_synapse_dendrite_size() -> TestResult {
    let (net, proj) = dendrite_default_synapse()?;
    assert_eq!(net.dendrite(proj, 3)?.size(), 5);
    Ok(())
}

#[test]
fn test_dendrite_default_synapse_get_dendrite_weights() -> TestResult {
    let (net, proj) = dendrite_default_synapse()?;
    assert_all_close(&net.dendrite(proj, 7)?.get("w")?, &[1.0; 5]);
    Ok(())
}

#[test]
fn test_dendrite_default_synapse_set_weights() -> TestResult {
    let (mut net, proj) = dendrite_default_synapse()?;
    set_dendrite(&mut net, proj, 6, "w", 2.0)?;
    assert_all_close(&net.dendrite(proj, 6)?.get("w")?, &[2.0; 5]);
    Ok(())
}

#[test]
fn test_dendrite_default_synapse_set_weights_2() -> TestResult {
    let (mut net, proj) = dendrite_default_synapse()?;
    // unittest runs `test_set_weights` just before, on the same network, and
    // `reset()` keeps the weights: the dendrite starts at 2.0.
    set_dendrite(&mut net, proj, 6, "w", 2.0)?;
    set_dendrite_synapse(&mut net, proj, 6, 2, "w", 3.0)?;
    assert_all_close(
        &net.dendrite(proj, 6)?.get("w")?,
        &[2.0, 2.0, 3.0, 2.0, 2.0],
    );
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_none() -> TestResult {
    let (net, proj) = dendrite_modified_synapse()?;
    assert!(net.dendrite(proj, 14).is_err());
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_pre_ranks() -> TestResult {
    let (net, proj) = dendrite_modified_synapse()?;
    assert_eq!(net.dendrite(proj, 5)?.pre_ranks(), [0, 1, 2, 3, 4]);
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_dendrite_size() -> TestResult {
    let (net, proj) = dendrite_modified_synapse()?;
    assert_eq!(net.dendrite(proj, 3)?.size(), 5);
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_get_dendrite_tau() -> TestResult {
    let (net, proj) = dendrite_modified_synapse()?;
    assert_all_close(&net.dendrite(proj, 1)?.get("tau")?, &[5000.0]);
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_get_dendrite_alpha() -> TestResult {
    let (net, proj) = dendrite_modified_synapse()?;
    assert_all_close(&net.dendrite(proj, 0)?.get("alpha")?, &[8.0; 5]);
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_get_dendrite_weights() -> TestResult {
    let (net, proj) = dendrite_modified_synapse()?;
    assert_all_close(&net.dendrite(proj, 7)?.get("w")?, &[1.0; 5]);
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_set_tau() -> TestResult {
    let (mut net, proj) = dendrite_modified_synapse()?;
    net.proj_set(proj, "tau", 6000.0)?;
    assert_all_close(&net.dendrite(proj, 0)?.get("tau")?, &[6000.0]);
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_set_tau_2() -> TestResult {
    let (mut net, proj) = dendrite_modified_synapse()?;
    let mut old_value = net.proj(proj).tau().to_vec();
    old_value[1] = 7000.0;

    set_dendrite(&mut net, proj, 1, "tau", 7000.0)?;
    assert_all_close(&net.dendrite(proj, 1)?.get("tau")?, &[7000.0]);
    assert_all_close(net.proj(proj).tau(), &old_value);
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_set_alpha() -> TestResult {
    let (mut net, proj) = dendrite_modified_synapse()?;
    set_dendrite(&mut net, proj, 4, "alpha", 9.0)?;
    assert_all_close(&net.dendrite(proj, 4)?.get("alpha")?, &[9.0; 5]);
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_set_alpha_2() -> TestResult {
    let (mut net, proj) = dendrite_modified_synapse()?;
    // unittest runs `test_set_alpha` just before, on the same network, and
    // `reset()` keeps the projections: the dendrite starts at 9.0.
    set_dendrite(&mut net, proj, 4, "alpha", 9.0)?;
    set_dendrite_synapse(&mut net, proj, 4, 1, "alpha", 10.0)?;
    assert_all_close(
        &net.dendrite(proj, 4)?.get("alpha")?,
        &[9.0, 10.0, 9.0, 9.0, 9.0],
    );
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_set_weights() -> TestResult {
    let (mut net, proj) = dendrite_modified_synapse()?;
    set_dendrite(&mut net, proj, 6, "w", 2.0)?;
    assert_all_close(&net.dendrite(proj, 6)?.get("w")?, &[2.0; 5]);
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_set_weights_2() -> TestResult {
    let (mut net, proj) = dendrite_modified_synapse()?;
    // State left by `test_set_weights` (see the default synapse's test).
    set_dendrite(&mut net, proj, 6, "w", 2.0)?;
    set_dendrite_synapse(&mut net, proj, 6, 2, "w", 3.0)?;
    assert_all_close(
        &net.dendrite(proj, 6)?.get("w")?,
        &[2.0, 2.0, 3.0, 2.0, 2.0],
    );
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_set_with_dict() -> TestResult {
    let (mut net, proj) = dendrite_modified_synapse()?;
    let mut new_value = net.proj(proj).tau().to_vec();
    new_value[1] = 7000.0;

    // `dendrite(1).set({'tau': 7000})`
    set_dendrite_with(&mut net, proj, 1, &[("tau", 7000.0)])?;
    assert_all_close(net.proj(proj).tau(), &new_value);
    Ok(())
}

#[test]
fn test_dendrite_modified_synapse_get_by_name() -> TestResult {
    let (net, proj) = dendrite_modified_synapse()?;
    let val = net.dendrite(proj, 1)?.get("tau")?;
    assert_all_close(&val, &[5000.0]);
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/RateSynapse/test_Projection.py

neuron! {
    /// Only a parameter `r`.
    struct Simple {
        parameters: "r=0",
    }
}

neuron! {
    /// `Simple`, reading `exc` into `received`.
    struct SimpleExc {
        parameters: "r=0",
        equations: "received = sum(exc)",
    }
}

synapse! {
    /// A local `tau`, a `postsynaptic` `alpha`, decaying weights.
    struct ProjectionOja {
        parameters: "
            tau = 5000.0
            alpha = 8.0 : postsynaptic
        ",
        equations: "dw/dt = -w",
    }
}

/// `test_Projection`: 8 pre and 4 post neurons connected from a sparse
/// (pre x post) matrix: post 1 receives all 8 pre neurons with 0.2, post 3
/// receives pre 2 to 5 with 0.5.
fn projection() -> annarchy::Result<(Network, ProjId<ProjectionOja>)> {
    let mut weight_matrix = Vec::new();
    for i in 0..8 {
        weight_matrix.push((i, 1, 0.2));
    }
    for i in 2..6 {
        weight_matrix.push((i, 3, 0.5));
    }
    let mut b = Network::builder();
    let pop1 = b.population::<Simple>("pop1", 8)?;
    let pop2 = b.population::<SimpleExc>("pop2", 4)?;
    let proj = b
        .projection::<ProjectionOja>(pop1, pop2, "exc")
        .connect_from_sparse(&weight_matrix)?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok((net, proj))
}

/// `proj.<name>[k]`: the values of the `k`-th dendrite.
fn per_dendrite(net: &Network, proj: impl Into<AnyProj> + Copy, k: usize, name: &str) -> Vec<f64> {
    let post = net.post_ranks(proj)[k];
    net.dendrite(proj, post)
        .and_then(|d| d.get(name))
        .expect("an existing dendrite and attribute")
}

#[test]
fn test_projection_get_w() -> TestResult {
    let (net, proj) = projection()?;
    // row 1 (index 0) with 8 elements
    assert_all_equal_to(&per_dendrite(&net, proj, 0, "w"), 0.2, 8);
    // row 3 (index 1) with 4 elements
    assert_all_equal_to(&per_dendrite(&net, proj, 1, "w"), 0.5, 4);
    Ok(())
}

#[test]
fn test_projection_get_dendrite_w() -> TestResult {
    let (net, proj) = projection()?;
    assert_all_equal_to(&net.dendrite(proj, 1)?.get("w")?, 0.2, 8);
    assert_all_equal_to(&net.dendrite(proj, 3)?.get("w")?, 0.5, 4);
    Ok(())
}

#[test]
fn test_projection_get_tau() -> TestResult {
    let (net, proj) = projection()?;
    // Direct access: the typed array, split by dendrite.
    let tau = net.proj(proj).tau();
    let conn = net.connectivity(proj);
    assert_all_equal_to(&tau[conn.row(0)], 5000.0, 8);
    assert_all_equal_to(&tau[conn.row(1)], 5000.0, 4);
    Ok(())
}

#[test]
fn test_projection_get_tau_2() -> TestResult {
    let (net, proj) = projection()?;
    assert_all_equal_to(&per_dendrite(&net, proj, 0, "tau"), 5000.0, 8);
    assert_all_equal_to(&per_dendrite(&net, proj, 1, "tau"), 5000.0, 4);
    Ok(())
}

#[test]
fn test_projection_get_alpha() -> TestResult {
    let (net, proj) = projection()?;
    assert_all_equal_to(net.proj(proj).alpha(), 8.0, 2);
    Ok(())
}

#[test]
fn test_projection_get_alpha_2() -> TestResult {
    let (net, proj) = projection()?;
    assert_all_equal_to(&net.proj_get(proj, "alpha")?, 8.0, 2);
    Ok(())
}

#[test]
fn test_projection_get_size() -> TestResult {
    let (net, proj) = projection()?;
    assert_eq!(net.connectivity(proj).nb_dendrites(), 2);
    Ok(())
}

#[test]
fn test_projection_get_post_ranks() -> TestResult {
    let (net, proj) = projection()?;
    assert_eq!(net.post_ranks(proj), [1, 3]);
    Ok(())
}

neuron! {
    /// Only a parameter `r`.
    struct PreNeuron {
        parameters: "r=0.0",
    }
}

neuron! {
    /// Reads the three targets of the sliced projections.
    struct RNeuron {
        equations: "
            p = sum(prev)
            q = sum(postv)
            r = sum(bothv)
        ",
    }
}

/// `test_SliceProjections`: all-to-all projections (weight 0.1) from a view
/// of pop1, to a view of pop2, and between both views; setUp resets
/// populations and projections and disables learning.
fn slice_projections() -> annarchy::Result<(Network, PopId<PreNeuron>, PopId<RNeuron>)> {
    let mut b = Network::builder();
    let pop1 = b.population::<PreNeuron>("pop1", 8)?;
    let pop2 = b.population::<RNeuron>("pop2", 6)?;
    let pre_view = b.view(pop1, 1..4)?;
    let post_view = b.view(pop2, 1..3)?;
    b.projection::<DefaultRateSynapse>(&pre_view, pop2, "prev")
        .connect_all_to_all(0.1)?;
    b.projection::<DefaultRateSynapse>(pop1, &post_view, "postv")
        .connect_all_to_all(0.1)?;
    b.projection::<DefaultRateSynapse>(&pre_view, &post_view, "bothv")
        .connect_all_to_all(0.1)?;
    let mut net = b.build()?;
    net.reset(true, true, false, true);
    net.disable_learning_all();
    Ok((net, pop1, pop2))
}

/// `pop1.r = numpy.arange(pop1.size)`.
fn arange(n: usize) -> Vec<f64> {
    (0..n).map(|i| i as f64).collect()
}

#[test]
fn test_slice_projections_compile() -> TestResult {
    slice_projections()?;
    Ok(())
}

#[test]
fn test_slice_projections_pre_view() -> TestResult {
    let (mut net, pop1, pop2) = slice_projections()?;
    net.set(pop1, "r", arange(8))?;
    net.simulate(1.0)?;
    // 3 pre neurons: (1 + 2 + 3) * 0.1 for every post neuron.
    assert_all_equal_to(&net.get(pop2, "sum(prev)")?, 0.6, 6);
    Ok(())
}

#[test]
fn test_slice_projections_post_view() -> TestResult {
    let (mut net, pop1, pop2) = slice_projections()?;
    net.set(pop1, "r", arange(8))?;
    net.simulate(1.0)?;
    // All pre neurons: 28 * 0.1, only for post ranks 1 and 2.
    assert_all_close(
        &net.get(pop2, "sum(postv)")?,
        &[0.0, 2.8, 2.8, 0.0, 0.0, 0.0],
    );
    Ok(())
}

#[test]
fn test_slice_projections_both_view() -> TestResult {
    let (mut net, pop1, pop2) = slice_projections()?;
    net.set(pop1, "r", arange(8))?;
    net.simulate(1.0)?;
    assert_all_close(
        &net.get(pop2, "sum(bothv)")?,
        &[0.0, 0.6, 0.6, 0.0, 0.0, 0.0],
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/RateSynapse/test_RateContinuousUpdate.py

neuron! {
    /// Only a parameter `r = 1`.
    struct SimpleNeuron {
        parameters: "r=1.0",
    }
}

neuron! {
    /// `SimpleNeuron`, reading `exc` into `received`.
    struct SimpleNeuronExc {
        parameters: "r=1.0",
        equations: "received = sum(exc)",
    }
}

synapse! {
    /// Global, semiglobal and local continuous updates.
    struct EqSet {
        equations: "
            glob_var = 0.1 : projection
            semi_glob_var = 0.2 : postsynaptic
            w = t + glob_var + semi_glob_var
        ",
    }
}

#[test]
fn test_rate_coded_continuous_update_invoke_compile() -> TestResult {
    let mut b = Network::builder();
    let pop0 = b.population::<SimpleNeuron>("pop0", 3)?;
    let pop1 = b.population::<SimpleNeuronExc>("pop1", 1)?;
    b.projection::<EqSet>(pop0, pop1, "exc")
        .connect_all_to_all(0.0)?;
    let mut net = b.build()?;
    reset(&mut net);
    net.simulate(1.0)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/RateSynapse/test_RateCustomConnectivity.py

neuron! {
    /// `r = 1`.
    struct ConstNeuron {
        equations: "r = 1",
    }
}

neuron! {
    /// `r = sum(exc)`.
    struct SumExcNeuron {
        equations: "r = sum(exc)",
    }
}

neuron! {
    /// `r = sum(exc)`; reads `exc2` into `received`.
    struct SumExcNeuron2 {
        equations: "
            r = sum(exc)
            received = sum(exc2)
        ",
    }
}

neuron! {
    /// `r = sum(exc)`; reads `exc3` into `received`.
    struct SumExcNeuron3 {
        equations: "
            r = sum(exc)
            received = sum(exc3)
        ",
    }
}

/// `my_diagonal(pre, post, weight, delays)`: each post neuron receives the pre
/// neurons of ranks `post - 1`, `post` and `post + 1` (those that exist);
/// `delays(n)` gives the delays of `n` synapses.
fn my_diagonal(
    pre: &[u32],
    post: &[u32],
    weight: f64,
    delays: &mut dyn FnMut(usize) -> Vec<f64>,
) -> annarchy::Result<LilBuilder> {
    let mut synapses = LilBuilder::new();
    for &post_rk in post {
        let pre_ranks: Vec<u32> = [post_rk.checked_sub(1), Some(post_rk), Some(post_rk + 1)]
            .into_iter()
            .flatten()
            .filter(|r| pre.contains(r))
            .collect();
        let n = pre_ranks.len();
        synapses.add(post_rk, &pre_ranks, &vec![weight; n], &delays(n))?;
    }
    Ok(synapses)
}

/// `test_CustomConnectivity*`: 5 neurons `r = 1` to 5 neurons `r = sum(exc)`
/// (model `Post`, which reads `target`) connected by `my_diagonal` on
/// `target`, with the delays of `delays`.
fn custom_connectivity<Post: NeuronModel>(
    target: &str,
    mut delays: impl FnMut(usize) -> Vec<f64>,
) -> annarchy::Result<(Network, ProjId<DefaultRateSynapse>)> {
    let mut b = Network::builder();
    let pop1 = b.population::<ConstNeuron>("pop1", 5)?;
    let pop2 = b.population::<Post>("pop2", 5)?;
    let proj1 = b
        .projection::<DefaultRateSynapse>(pop1, pop2, target)
        .connect_with_func(|pre, post| my_diagonal(pre.ranks, post.ranks, 0.1, &mut delays))?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok((net, proj1))
}

/// `test_CustomConnectivityNoDelay`: delays `[0] * n`.
fn custom_connectivity_no_delay() -> annarchy::Result<(Network, ProjId<DefaultRateSynapse>)> {
    custom_connectivity::<SumExcNeuron>("exc", |n| vec![0.0; n])
}

/// `test_CustomConnectivityUniformDelay`: one delay of 2 ms per dendrite.
fn custom_connectivity_uniform_delay() -> annarchy::Result<(Network, ProjId<DefaultRateSynapse>)> {
    custom_connectivity::<SumExcNeuron2>("exc2", |_| vec![2.0])
}

/// `test_CustomConnectivityNonUniformDelay`: `DiscreteUniform(1, 5)` per synapse.
fn custom_connectivity_non_uniform_delay() -> annarchy::Result<(Network, ProjId<DefaultRateSynapse>)>
{
    let mut rng = stream(1, &[5]);
    custom_connectivity::<SumExcNeuron3>("exc3", move |n| {
        RandomDistribution::discrete_uniform(1, 5).sample_n(&mut rng, n)
    })
}

#[test]
fn test_custom_connectivity_no_delay_invoke_compile() -> TestResult {
    custom_connectivity_no_delay()?;
    Ok(())
}

#[test]
fn test_custom_connectivity_no_delay_no_delay() -> TestResult {
    let (net, proj1) = custom_connectivity_no_delay()?;
    // Without delay, dt.
    assert_eq!(net.delay(proj1), [1.0]);
    Ok(())
}

#[test]
fn test_custom_connectivity_uniform_delay_invoke_compile() -> TestResult {
    custom_connectivity_uniform_delay()?;
    Ok(())
}

#[test]
fn test_custom_connectivity_uniform_delay_uniform_delay() -> TestResult {
    let (net, proj1) = custom_connectivity_uniform_delay()?;
    assert_eq!(net.delay(proj1), [2.0]);
    Ok(())
}

#[test]
fn test_custom_connectivity_non_uniform_delay_invoke_compile() -> TestResult {
    custom_connectivity_non_uniform_delay()?;
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/RateSynapse/test_RateDefaultSynapseModels.py

neuron! {
    /// Reads the targets of the three learning rules.
    struct RateDefaultNeuron {
        equations: "r=sum(Hebb)+sum(Oja)+sum(IBCM)",
    }
}

/// `test_RateDefaultSynapseModels`: one neuron to one neuron through Hebb,
/// Oja and IBCM (weight 0.1); setUp resets populations and projections,
/// disables learning and sets `inp.r = 1`.
fn rate_default_synapse_models() -> annarchy::Result<(Network, PopId<RateDefaultNeuron>)> {
    let mut b = Network::builder();
    let inp = b.population::<RateDefaultNeuron>("inp", 1)?;
    let out = b.population::<RateDefaultNeuron>("out", 1)?;
    b.projection::<Hebb>(inp, out, "Hebb")
        .connect_all_to_all(0.1)?;
    b.projection::<Oja>(inp, out, "Oja")
        .connect_all_to_all(0.1)?;
    b.projection::<IBCM>(inp, out, "IBCM")
        .connect_all_to_all(0.1)?;
    let mut net = b.build()?;
    net.reset(true, true, false, true);
    net.disable_learning_all();
    net.set(inp, "r", 1.0)?;
    Ok((net, out))
}

#[test]
fn test_rate_default_synapse_models_list_standard_synapses() {
    assert_eq!(
        annarchy::models::list_standard_synapses(),
        ["STP", "STDP", "Hebb", "Oja", "IBCM"]
    );
}

#[test]
fn test_rate_default_synapse_models_compile() -> TestResult {
    rate_default_synapse_models()?;
    Ok(())
}

#[test]
fn test_rate_default_synapse_models_get_exc_hebb() -> TestResult {
    let (mut net, out) = rate_default_synapse_models()?;
    net.simulate(1.0)?;
    assert_all_close(&net.get(out, "sum(Hebb)")?, &[0.1]);
    Ok(())
}

#[test]
fn test_rate_default_synapse_models_get_exc_oja() -> TestResult {
    let (mut net, out) = rate_default_synapse_models()?;
    net.simulate(1.0)?;
    assert_all_close(&net.get(out, "sum(Oja)")?, &[0.1]);
    Ok(())
}

#[test]
fn test_rate_default_synapse_models_get_exc_ibcm() -> TestResult {
    let (mut net, out) = rate_default_synapse_models()?;
    net.simulate(1.0)?;
    assert_all_close(&net.get(out, "sum(IBCM)")?, &[0.1]);
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/RateSynapse/test_RateDelays.py

neuron! {
    /// Only a parameter `r`.
    struct InputR {
        parameters: "r=0.0",
    }
}

neuron! {
    /// `r = sum(one2one)`.
    struct Out1 {
        equations: "r =  sum(one2one)",
    }
}

neuron! {
    /// `r = sum(all2all) + sum(fnp)`.
    struct Out2 {
        equations: "r =  sum(all2all) + sum(fnp)",
    }
}

/// `test_NoDelay`: a (17, 17) input connected one-to-one to a (17, 17)
/// population, all-to-all and with 5 pre neurons per post neuron to a
/// population of 4; weights `Uniform(0, 1)`.
struct NoDelay {
    net: Network,
    pop1: PopId<InputR>,
    pop2: PopId<Out1>,
    pop3: PopId<Out2>,
    proj: AnyProj,
    proj2: AnyProj,
    proj3: AnyProj,
}

fn no_delay() -> annarchy::Result<NoDelay> {
    let mut b = Network::builder().seed(1);
    let pop1 = b.population::<InputR>("pop1", (17, 17))?;
    let pop2 = b.population::<Out1>("pop2", (17, 17))?;
    let pop3 = b.population::<Out2>("pop3", 4)?;
    let proj = b
        .projection::<DefaultRateSynapse>(pop1, pop2, "one2one")
        .connect_one_to_one(RandomDistribution::uniform(0.0, 1.0))?;
    let proj2 = b
        .projection::<DefaultRateSynapse>(pop1, pop3, "all2all")
        .connect_all_to_all(RandomDistribution::uniform(0.0, 1.0))?;
    let proj3 = b
        .projection::<DefaultRateSynapse>(pop1, pop3, "fnp")
        .connect_fixed_number_pre(5, RandomDistribution::uniform(0.0, 1.0))?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok(NoDelay {
        net,
        pop1,
        pop2,
        pop3,
        proj: proj.into(),
        proj2: proj2.into(),
        proj3: proj3.into(),
    })
}

#[test]
fn test_no_delay_one_to_one() -> TestResult {
    let mut t = no_delay()?;
    let pre_r = random_values(1, 289);
    let result = weighted_sums(&t.net, t.proj, 289, &pre_r);
    t.net.set(t.pop1, "r", pre_r)?;
    t.net.simulate(1.0)?;
    assert_all_close(&t.net.get(t.pop2, "sum(one2one)")?, &result);
    Ok(())
}

#[test]
fn test_no_delay_all_to_all() -> TestResult {
    let mut t = no_delay()?;
    let pre_r = random_values(2, 289);
    let result = weighted_sums(&t.net, t.proj2, 4, &pre_r);
    t.net.set(t.pop1, "r", pre_r)?;
    t.net.simulate(1.0)?;
    assert_all_close(&t.net.get(t.pop3, "sum(all2all)")?, &result);
    Ok(())
}

#[test]
fn test_no_delay_fixed_number_pre() -> TestResult {
    let mut t = no_delay()?;
    let pre_r = random_values(3, 289);
    let result = weighted_sums(&t.net, t.proj3, 4, &pre_r);
    t.net.set(t.pop1, "r", pre_r)?;
    t.net.simulate(1.0)?;
    assert_all_close(&t.net.get(t.pop3, "sum(fnp)")?, &result);
    Ok(())
}

neuron! {
    /// `r` (and the global `glob_r`) go -1, 0, 2, 5, 9, 14, 20, ...
    struct DelayInputNeuron {
        equations: "
            glob_r = glob_r + t : init = -1, population
            r = r + t : init = -1
        ",
    }
}

neuron! {
    /// `r = sum(ff)`; reads `ff_glob` into `received`.
    struct FfNeuron {
        equations: "
            r = sum(ff)
            received = sum(ff_glob)
        ",
    }
}

synapse! {
    /// Transmits the global `glob_r` of the pre-synaptic population.
    struct SynapseGlob {
        psp: "pre.glob_r * w",
    }
}

/// `test_UniformDelay`: 3 input neurons to 3 neurons, one pre neuron per
/// post neuron (fixed number pre 1), weight 1, delay 10 ms; `proj` transmits
/// the local `r`, `proj2` the global `glob_r` (target `ff_glob`).
struct UniformDelay {
    net: Network,
    pop2: PopId<FfNeuron>,
    proj: ProjId<DefaultRateSynapse>,
    proj2: ProjId<SynapseGlob>,
}

fn uniform_delay() -> annarchy::Result<UniformDelay> {
    let mut b = Network::builder();
    let pop1 = b.population::<DelayInputNeuron>("pop1", 3)?;
    let pop2 = b.population::<FfNeuron>("pop2", 3)?;
    let proj = b
        .projection::<DefaultRateSynapse>(pop1, pop2, "ff")
        .delays(10.0)
        .connect_fixed_number_pre(1, 1.0)?;
    let proj2 = b
        .projection::<SynapseGlob>(pop1, pop2, "ff_glob")
        .delays(10.0)
        .connect_fixed_number_pre(1, 1.0)?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok(UniformDelay {
        net,
        pop2,
        proj,
        proj2,
    })
}

#[test]
fn test_uniform_delay_get_delay() -> TestResult {
    let t = uniform_delay()?;
    assert_all_close(&t.net.delay(t.proj), &[10.0]);
    Ok(())
}

#[test]
fn test_uniform_delay_set_delay() -> TestResult {
    let mut t = uniform_delay()?;
    t.net.set_delay(t.proj, 2.0)?;
    assert_all_close(&t.net.delay(t.proj), &[2.0]);
    Ok(())
}

#[test]
fn test_uniform_delay_configured_delay_local() -> TestResult {
    let mut t = uniform_delay()?;
    // The first ten steps: the initial value.
    t.net.simulate(10.0)?;
    assert_all_equal_to(&t.net.get(t.pop2, "sum(ff)")?, -1.0, 3);
    // 11th step: the first queued value, from t = 0.
    t.net.simulate(1.0)?;
    assert_all_equal_to(&t.net.get(t.pop2, "sum(ff)")?, -1.0, 3);
    // 15th step: t = 4.
    t.net.simulate(4.0)?;
    assert_all_equal_to(&t.net.get(t.pop2, "sum(ff)")?, 9.0, 3);
    Ok(())
}

#[test]
fn test_uniform_delay_configured_delay_global() -> TestResult {
    let mut t = uniform_delay()?;
    t.net.simulate(10.0)?;
    assert_all_equal_to(&t.net.get(t.pop2, "sum(ff_glob)")?, -1.0, 3);
    t.net.simulate(1.0)?;
    assert_all_equal_to(&t.net.get(t.pop2, "sum(ff_glob)")?, -1.0, 3);
    t.net.simulate(4.0)?;
    assert_all_equal_to(&t.net.get(t.pop2, "sum(ff_glob)")?, 9.0, 3);
    Ok(())
}

#[test]
fn test_uniform_delay_modified_delay_local() -> TestResult {
    let mut t = uniform_delay()?;
    t.net.set_delay(t.proj, 5.0)?;
    t.net.simulate(5.0)?;
    assert_all_equal_to(&t.net.get(t.pop2, "sum(ff)")?, -1.0, 3);
    t.net.simulate(1.0)?;
    assert_all_equal_to(&t.net.get(t.pop2, "sum(ff)")?, -1.0, 3);
    t.net.simulate(4.0)?;
    assert_all_equal_to(&t.net.get(t.pop2, "sum(ff)")?, 9.0, 3);
    Ok(())
}

#[test]
fn test_uniform_delay_modified_delay_global() -> TestResult {
    let mut t = uniform_delay()?;
    t.net.set_delay(t.proj2, 5.0)?;
    t.net.simulate(5.0)?;
    assert_all_equal_to(&t.net.get(t.pop2, "sum(ff_glob)")?, -1.0, 3);
    t.net.simulate(1.0)?;
    assert_all_equal_to(&t.net.get(t.pop2, "sum(ff_glob)")?, -1.0, 3);
    t.net.simulate(4.0)?;
    assert_all_equal_to(&t.net.get(t.pop2, "sum(ff_glob)")?, 9.0, 3);
    Ok(())
}

neuron! {
    /// `r` goes -1, 0, 2, 5, 9, 14, 20, ...
    struct NonUniformInputNeuron {
        equations: "r = r + t : init = -1",
    }
}

neuron! {
    /// `r = sum(ff)`.
    struct SumFfNeuron {
        equations: "r = sum(ff)",
    }
}

/// `proj.delay = [[...], ...]`: the delays (ms) of each dendrite, in
/// ascending post-synaptic rank, each in the order of its synapses (the
/// storage order of `Network::set_delays`).
fn set_dendrite_delays(
    net: &mut Network,
    proj: impl Into<AnyProj>,
    delays: &[&[f64]],
) -> TestResult {
    net.set_delays(proj, &delays.concat())
}

/// `test_NonUniformDelay`: 3 input neurons to 3 neurons, one pre neuron per
/// post neuron (fixed number pre 1), weight 1, delays `DiscreteUniform(1, 5)`;
/// `setUp` resets the network and fixes the delays to `[[3], [5], [2]]`.
fn non_uniform_delay() -> annarchy::Result<(Network, PopId<SumFfNeuron>, AnyProj)> {
    let mut b = Network::builder().seed(1);
    let pop1 = b.population::<NonUniformInputNeuron>("pop1", 3)?;
    let pop2 = b.population::<SumFfNeuron>("pop2", 3)?;
    let proj = b
        .projection::<DefaultRateSynapse>(pop1, pop2, "ff")
        .delays(RandomDistribution::discrete_uniform(1, 5))
        .connect_fixed_number_pre(1, 1.0)?;
    let mut net = b.build()?;
    reset(&mut net);
    set_dendrite_delays(&mut net, proj, &[&[3.0], &[5.0], &[2.0]])?;
    Ok((net, pop2, proj.into()))
}

#[test]
fn test_non_uniform_delay_configured_nonuniform_delay() -> TestResult {
    let (mut net, pop2, _) = non_uniform_delay()?;
    net.simulate(5.0)?;
    // r = [-1, 0, 2, 5, 9, 14, 20, ...]
    assert_all_close(&net.get(pop2, "sum(ff)")?, &[0.0, -1.0, 2.0]);
    Ok(())
}

#[test]
fn test_non_uniform_delay_modified_nonuniform_delay() -> TestResult {
    let (mut net, pop2, proj) = non_uniform_delay()?;
    // Now the same delay for every synapse.
    set_dendrite_delays(&mut net, proj, &[&[3.0], &[3.0], &[3.0]])?;
    net.simulate(10.0)?;
    // The value of 3 steps ago.
    assert_all_close(&net.get(pop2, "sum(ff)")?, &[20.0, 20.0, 20.0]);
    Ok(())
}

neuron! {
    /// `r = sum(p1) + sum(p2)`; reads `p3` into `received`.
    struct OutputNeuron {
        equations: "
            r = sum(p1) + sum(p2)
            received = sum(p3)
        ",
    }
}

synapse! {
    /// The largest input.
    struct SynMax {
        psp: "pre.r * w",
        operation: "max",
    }
}

synapse! {
    /// The smallest input.
    struct SynMin {
        psp: "pre.r * w",
        operation: "min",
    }
}

synapse! {
    /// The mean input.
    struct SynMean {
        psp: "pre.r * w",
        operation: "mean",
    }
}

/// `test_SynapseOperations`: a (3, 3) input to 4 neurons, all-to-all with
/// weight 1, through max (`p1`), min (`p2`) and mean (`p3`).
fn synapse_operations() -> annarchy::Result<(Network, PopId<InputR>, PopId<OutputNeuron>)> {
    let mut b = Network::builder();
    let pop1 = b.population::<InputR>("pop1", (3, 3))?;
    let pop2 = b.population::<OutputNeuron>("pop2", 4)?;
    b.projection::<SynMax>(pop1, pop2, "p1")
        .connect_all_to_all(1.0)?;
    b.projection::<SynMin>(pop1, pop2, "p2")
        .connect_all_to_all(1.0)?;
    b.projection::<SynMean>(pop1, pop2, "p3")
        .connect_all_to_all(1.0)?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok((net, pop1, pop2))
}

#[test]
fn test_synapse_operations_max() -> TestResult {
    let (mut net, pop1, pop2) = synapse_operations()?;
    let pre_r = random_values(4, 9);
    let res_max = pre_r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    net.set(pop1, "r", pre_r)?;
    net.simulate(1.0)?;
    assert_all_equal_to(&net.get(pop2, "sum(p1)")?, res_max, 4);
    Ok(())
}

#[test]
fn test_synapse_operations_min() -> TestResult {
    let (mut net, pop1, pop2) = synapse_operations()?;
    let pre_r = random_values(5, 9);
    let res_min = pre_r.iter().copied().fold(f64::INFINITY, f64::min);
    net.set(pop1, "r", pre_r)?;
    net.simulate(1.0)?;
    assert_all_equal_to(&net.get(pop2, "sum(p2)")?, res_min, 4);
    Ok(())
}

#[test]
fn test_synapse_operations_mean() -> TestResult {
    let (mut net, pop1, pop2) = synapse_operations()?;
    let pre_r = random_values(6, 9);
    let res_mean = pre_r.iter().sum::<f64>() / 9.0;
    net.set(pop1, "r", pre_r)?;
    net.simulate(1.0)?;
    assert_all_equal_to(&net.get(pop2, "sum(p3)")?, res_mean, 4);
    Ok(())
}

synapse! {
    /// Covariance learning with global operations on both sides.
    struct Cov {
        parameters: "tau = 5000.0",
        equations: "tau * dw/dt = (pre.r - mean(pre.r) ) * (post.r - mean(post.r) )",
    }
}

#[test]
fn test_synaptic_access_compile() -> TestResult {
    let mut b = Network::builder();
    let pre = b.population::<Simple>("pre", 6)?;
    let pop = b.population::<SimpleExc>("pop", 1)?;
    b.projection::<Cov>(pre, pop, "exc")
        .connect_all_to_all(1.0)?;
    b.build()?;
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/RateSynapse/test_RateSynapse.py

synapse! {
    /// Parameters of the three localities.
    struct LocalitySyn {
        parameters: "
            a = 0.1
            b = 0.1 : postsynaptic
            c = 0.1 : projection
        ",
    }
}

synapse! {
    /// Reads the weighted sums of both sides.
    struct AccessPspSyn {
        equations: "w = pre.sum(exc) + post.sum(exc)",
    }
}

synapse! {
    /// A modified psp.
    struct ReversedSynapse {
        parameters: "reversal = 1.0",
        psp: "w*pos(reversal-pre.r)",
    }
}

#[test]
fn test_locality_compile() -> TestResult {
    let mut b = Network::builder();
    let pre = b.population::<Simple>("pre", 3)?;
    let post = b.population::<SimpleExc>("post", 1)?;
    b.projection::<LocalitySyn>(pre, post, "exc")
        .connect_all_to_all(1.0)?;
    b.build()?;
    Ok(())
}

#[test]
fn test_access_psp_compile() -> TestResult {
    let mut b = Network::builder();
    let pre = b.population::<SumExcNeuron>("pre", 1)?;
    let post = b.population::<SumExcNeuron>("post", 1)?;
    // Forward and backward, so that both populations receive `exc`.
    b.projection::<AccessPspSyn>(pre, post, "exc")
        .connect_all_to_all(1.0)?;
    b.projection::<AccessPspSyn>(post, pre, "exc")
        .connect_all_to_all(1.0)?;
    b.build()?;
    Ok(())
}

#[test]
fn test_modified_psp_compile() -> TestResult {
    let mut b = Network::builder();
    let pre = b.population::<SumExcNeuron>("pre", 1)?;
    let post = b.population::<SumExcNeuron>("post", 1)?;
    b.projection::<ReversedSynapse>(pre, post, "exc")
        .connect_all_to_all(1.0)?;
    b.build()?;
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/RateSynapse/test_RateTransmission.py

/// `test_RateTransmission`: (3, 3) neurons `r = 1` to (3, 3) neurons
/// `r = sum(exc)`, one-to-one, all-to-all and 3 pre neurons per post neuron,
/// weight 0.1.
struct RateTransmission {
    net: Network,
    proj_one_2_one: ProjId<DefaultRateSynapse>,
    proj_all_2_all: ProjId<DefaultRateSynapse>,
    proj_fnp: ProjId<DefaultRateSynapse>,
}

fn rate_transmission() -> annarchy::Result<RateTransmission> {
    let mut b = Network::builder();
    let pop1 = b.population::<ConstNeuron>("pop1", (3, 3))?;
    let pop2 = b.population::<SumExcNeuron>("pop2", (3, 3))?;
    let proj_one_2_one = b
        .projection::<DefaultRateSynapse>(pop1, pop2, "exc")
        .connect_one_to_one(0.1)?;
    let proj_all_2_all = b
        .projection::<DefaultRateSynapse>(pop1, pop2, "exc")
        .connect_all_to_all(0.1)?;
    let proj_fnp = b
        .projection::<DefaultRateSynapse>(pop1, pop2, "exc")
        .connect_fixed_number_pre(3, 0.1)?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok(RateTransmission {
        net,
        proj_one_2_one,
        proj_all_2_all,
        proj_fnp,
    })
}

#[test]
fn test_rate_transmission_one_to_one_ranks() -> TestResult {
    let t = rate_transmission()?;
    assert_eq!(t.net.dendrite(t.proj_one_2_one, 3)?.pre_ranks(), [3]);
    Ok(())
}

#[test]
fn test_rate_transmission_one_to_one_weights() -> TestResult {
    let t = rate_transmission()?;
    assert_all_close(&t.net.dendrite(t.proj_one_2_one, 3)?.get("w")?, &[0.1]);
    Ok(())
}

#[test]
fn test_rate_transmission_all_to_all_ranks() -> TestResult {
    let t = rate_transmission()?;
    assert_eq!(
        t.net.dendrite(t.proj_all_2_all, 3)?.pre_ranks(),
        [0, 1, 2, 3, 4, 5, 6, 7, 8]
    );
    Ok(())
}

#[test]
fn test_rate_transmission_all_to_all_weights() -> TestResult {
    let t = rate_transmission()?;
    assert_all_equal_to(&t.net.dendrite(t.proj_all_2_all, 3)?.get("w")?, 0.1, 9);
    Ok(())
}

#[test]
fn test_rate_transmission_fnp_weights() -> TestResult {
    let t = rate_transmission()?;
    let tmp: Vec<f64> = t
        .net
        .post_ranks(t.proj_fnp)
        .iter()
        .map(|&post| t.net.dendrite(t.proj_fnp, post).map(|d| d.size() as f64))
        .collect::<annarchy::Result<_>>()?;
    assert_all_equal_to(&tmp, 3.0, 9);
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/RateSynapse/test_SpecificProjections.py

neuron! {
    /// `r = sin(t)`.
    struct SineNeuron {
        equations: "r = sin(t)",
    }
}

neuron! {
    /// The original's `SimpleSpike`: `mp` is the current `g_exc`.
    struct SimpleSpike {
        equations: "mp = g_exc",
        spike: "mp >= 1.0",
        reset: "",
    }
}

/// `test_CurrentInjection`: one neuron `r = sin(t)` injecting its rate into
/// the `g_exc` of one spiking neuron (`CurrentInjection`, `connect_current`),
/// a monitor of the spiking neuron's `mp`; `setUp` resets the network.
fn current_injection() -> annarchy::Result<(Network, MonitorId)> {
    let mut b = Network::builder();
    let inp = b.population::<SineNeuron>("inp", 1)?;
    let output = b.population::<SimpleSpike>("output", 1)?;
    let m = b.monitor(output, &["mp"])?;
    b.projection::<CurrentInjection>(inp, output, "exc")
        .connect_current()?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok((net, m))
}

#[test]
fn test_current_injection_compile() -> TestResult {
    current_injection()?;
    Ok(())
}

#[test]
fn test_current_injection_run_one_loop() -> TestResult {
    let (mut net, m) = current_injection()?;
    net.simulate(11.0)?;
    let rec_data: Vec<f64> = net
        .monitor_get(m, "mp")?
        .values
        .iter()
        .map(|row| row[0])
        .collect();
    // One step between the input and the output.
    let target: Vec<f64> = std::iter::once(0.0)
        .chain((0..10).map(|x| f64::from(x).sin()))
        .collect();
    assert_all_close(&rec_data, &target);
    Ok(())
}
