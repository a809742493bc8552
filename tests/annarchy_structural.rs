//! ANNarchy 4.8's structural plasticity tests (`tests/RateSynapse/`
//! `test_StructuralPlasticityEnvironment.py` and
//! `test_StructuralPlasticityModel.py`): synapses created and pruned through
//! the dendrite methods, and synapse models with `pruning` / `creating`
//! conditions; one `#[test]` per ANNarchy test method, with the same
//! expected values.
//!
//! Each ANNarchy test class becomes a builder function that mirrors its
//! `setUpClass`; tests are named `<class>_<method>`. ANNarchy's
//! `setup(structural_plasticity=True)` has no counterpart: structural
//! plasticity is always available.
//!
//! A network here refuses a projection on a target that the post-synaptic
//! model never reads (`sum(target)`): the neuron here also computes
//! `received = sum(exc)`, which nothing asserted depends on.

use annarchy::prelude::*;

type TestResult = annarchy::Result<()>;

annarchy::neuron! {
    /// ANNarchy's `Neuron(parameters="r=0.0")`, reading its input.
    struct Static {
        parameters: "r = 0.0",
        equations: "received = sum(exc)",
    }
}

/// `test_StructuralPlasticityEnvironment.setUpClass`: a population of 8
/// neurons, an all-to-all projection onto itself (no self-connection) and
/// a one-to-one projection, weights 1.0.
fn environment() -> annarchy::Result<(
    Network,
    ProjId<DefaultRateSynapse>,
    ProjId<DefaultRateSynapse>,
)> {
    let mut b = Network::builder().dt(1.0)?;
    let pop = b.population::<Static>("pop1", 8)?;
    let all = b
        .projection::<DefaultRateSynapse>(pop, pop, "exc")
        .connect_all_to_all(1.0)?;
    let one = b
        .projection::<DefaultRateSynapse>(pop, pop, "exc")
        .connect_one_to_one(1.0)?;
    Ok((b.build()?, all, one))
}

#[test]
fn test_structural_plasticity_environment_prune_single_synapse() -> TestResult {
    let (mut net, proj, _) = environment()?;
    assert_eq!(net.dendrite(proj, 3)?.pre_ranks(), &[0, 1, 2, 4, 5, 6, 7]);
    net.prune_synapse(proj, 3, 2)?;
    net.prune_synapse(proj, 3, 4)?;
    net.prune_synapse(proj, 3, 6)?;
    assert_eq!(net.dendrite(proj, 3)?.pre_ranks(), &[0, 1, 5, 7]);
    assert_eq!(net.dendrite(proj, 3)?.get("w")?, vec![1.0; 4]);
    Ok(())
}

#[test]
fn test_structural_plasticity_environment_prune_multiple_synapses() -> TestResult {
    let (mut net, proj, _) = environment()?;
    net.prune_synapses(proj, 3, &[2, 4, 6])?;
    assert_eq!(net.dendrite(proj, 3)?.pre_ranks(), &[0, 1, 5, 7]);
    assert_eq!(net.dendrite(proj, 3)?.get("w")?, vec![1.0; 4]);
    Ok(())
}

#[test]
fn test_structural_plasticity_environment_create_single_synapse() -> TestResult {
    let (mut net, _, proj) = environment()?;
    assert_eq!(net.dendrite(proj, 3)?.pre_ranks(), &[3]);
    net.create_synapse(proj, 3, 2, 2.0, 0.0)?;
    net.create_synapse(proj, 3, 4, 2.0, 0.0)?;
    net.create_synapse(proj, 3, 6, 2.0, 0.0)?;
    assert_eq!(net.dendrite(proj, 3)?.pre_ranks(), &[2, 3, 4, 6]);
    assert_eq!(net.dendrite(proj, 3)?.get("w")?, vec![2.0, 1.0, 2.0, 2.0]);
    Ok(())
}

#[test]
fn test_structural_plasticity_environment_create_multiple_synapses() -> TestResult {
    let (mut net, _, proj) = environment()?;
    net.create_synapses(proj, 3, &[2, 4, 6], &[2.0, 3.0, 4.0], None)?;
    assert_eq!(net.dendrite(proj, 3)?.pre_ranks(), &[2, 3, 4, 6]);
    assert_eq!(net.dendrite(proj, 3)?.get("w")?, vec![2.0, 1.0, 3.0, 4.0]);
    Ok(())
}

/// Pruning the only synapse of a dendrite works: the neuron then has no
/// synapse in the projection (here it leaves the connectivity, see
/// `runtime::structural`) and receives nothing through it.
#[test]
fn test_structural_plasticity_environment_prune_complete_dendrite() -> TestResult {
    let (mut net, _, proj) = environment()?;
    net.prune_synapse(proj, 3, 3)?;
    assert!(net.dendrite(proj, 3).is_err());
    assert_eq!(net.nb_synapses(proj), 7);
    assert_eq!(net.post_ranks(proj), &[0, 1, 2, 4, 5, 6, 7]);
    // It stays a post-synaptic neuron of the projection.
    net.create_synapse(proj, 3, 3, 1.0, 0.0)?;
    assert_eq!(net.dendrite(proj, 3)?.pre_ranks(), &[3]);
    Ok(())
}

annarchy::synapse! {
    /// ANNarchy's `StructuralPlasticSynapse` of
    /// `test_StructuralPlasticityModel`: a synapse ages while its neurons
    /// are not both active, is pruned once too old, and is created between
    /// active neurons.
    struct StructuralPlasticSynapse {
        parameters: "T = 10000 : int, projection",
        equations: "age = if pre.r * post.r > 1.0 : 0.0 else : age + 1.0 : init = 0, int",
        pruning: "age > T : proba = 0.5",
        creating: "pre.r * post.r > 1.0 : proba = 0.5, w = 0.01",
    }
}

annarchy::synapse! {
    /// `StructuralPlasticSynapse` creating synapses with a delay.
    struct DelayedStructuralPlasticSynapse {
        parameters: "T = 10000 : int, projection",
        equations: "age = if pre.r * post.r > 1.0 : 0.0 else : age + 1.0 : init = 0, int",
        pruning: "age > T : proba = 0.5",
        creating: "pre.r * post.r > 1.0 : proba = 0.5, w = 0.01, delay = 2.0",
    }
}

/// The network of `test_StructuralPlasticityModel`: the network, its two
/// populations and the projection.
type StructuralModel<S> = (Network, PopId<Static>, PopId<Static>, ProjId<S>);

/// `test_StructuralPlasticityModel.setUpClass` (and its `Delay` variant):
/// two populations of 8 neurons, all-to-all with weight 1.0 (and a delay
/// of 2 ms).
fn structural_model<S: annarchy::runtime::model::SynapseModel>(
    delay: f64,
) -> annarchy::Result<StructuralModel<S>> {
    let mut b = Network::builder().dt(1.0)?.seed(7);
    let pop1 = b.population::<Static>("pop1", 8)?;
    let pop2 = b.population::<Static>("pop2", 8)?;
    let proj = b
        .projection::<S>(pop1, pop2, "exc")
        .delays(delay)
        .connect_all_to_all(1.0)?;
    Ok((b.build()?, pop1, pop2, proj))
}

/// The model compiles (ANNarchy's test stops there) and does what its
/// conditions say: synapses older than `T` are pruned with probability
/// 0.5 at each step, synapses between active neurons are created with
/// probability 0.5 and weight 0.01.
fn ages_prunes_and_creates<S: annarchy::runtime::model::SynapseModel>(delay: f64) -> TestResult {
    let (mut net, pop1, pop2, proj) = structural_model::<S>(delay)?;
    net.proj_set(proj, "T", 3.0)?;
    net.set(pop1, "r", 0.5)?;
    net.set(pop2, "r", 1.0)?;
    net.start_pruning(proj, None)?;
    // Ages 1, 2, 3 after the first three steps: nothing is old enough.
    net.simulate(3.0)?;
    assert_eq!(net.nb_synapses(proj), 64);
    net.step();
    let left = net.nb_synapses(proj);
    assert!(0 < left && left < 64, "{left}");
    net.simulate(60.0)?;
    assert_eq!(net.nb_synapses(proj), 0);
    // Pre-synaptic neurons 0 to 3 become active.
    net.stop_pruning(proj);
    net.set(pop1, "r", vec![2.0, 2.0, 2.0, 2.0, 0.5, 0.5, 0.5, 0.5])?;
    // Through a delay, the synapses see the new rates `delay` steps later.
    for _ in 0..delay as usize {
        net.step();
    }
    net.start_creating(proj, None)?;
    net.step();
    let created = net.nb_synapses(proj);
    assert!(0 < created && created < 32, "{created}");
    net.simulate(60.0)?;
    assert_eq!(net.nb_synapses(proj), 32);
    for post in 0..8 {
        let d = net.dendrite(proj, post)?;
        assert_eq!(d.pre_ranks(), &[0, 1, 2, 3]);
        assert_eq!(d.get("w")?, vec![0.01; 4]);
        assert_eq!(d.get("age")?, vec![0.0; 4]);
    }
    assert_eq!(net.delay(proj), vec![delay.max(1.0)]);
    Ok(())
}

#[test]
fn test_structural_plasticity_model_invoke_compile() -> TestResult {
    ages_prunes_and_creates::<StructuralPlasticSynapse>(0.0)
}

#[test]
fn test_structural_plasticity_model_delay_invoke_compile() -> TestResult {
    ages_prunes_and_creates::<DelayedStructuralPlasticSynapse>(2.0)?;
    // The created synapses' delay is the projection's: another one is refused.
    let (mut net, _, _, proj) = structural_model::<DelayedStructuralPlasticSynapse>(3.0)?;
    assert!(net.start_creating(proj, None).is_err());
    Ok(())
}
