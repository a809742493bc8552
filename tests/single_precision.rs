//! Networks in single precision (`Precision::Single`, ANNarchy's
//! `setup(precision='float')`): populations of `neuron!` models store their
//! attributes in `f32` and compute in `f32`; what is read from outside is
//! the `f32` value in `f64`.

use annarchy::prelude::*;
use approx::assert_relative_eq;

#[path = "common/emitter.rs"]
mod emitter;
#[path = "common/receivers.rs"]
mod receivers;
use emitter::Emitter;
use receivers::{Receiver, ScaledSynapse};

/// Whether every value is an `f32` (stored in single precision).
fn all_f32(values: &[f64]) -> bool {
    values
        .iter()
        .all(|&x| f64::from(x as f32).to_bits() == x.to_bits())
}

/// The message of the panic of `f` (which must panic).
fn panic_message(f: impl FnOnce()) -> String {
    let payload =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("the call panics");
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

annarchy::neuron! {
    /// A leaky integrator relaxing to its input `I`, integrated with the
    /// explicit Euler method.
    struct Relax {
        parameters: "
            tau = 10.0 : population
            I = 1.0
        ",
        equations: "
            tau * dr/dt = I - r
        ",
    }
}

annarchy::neuron! {
    /// An integrate-and-fire neuron driven above threshold by a constant
    /// current: it fires regularly, with a refractory period.
    struct Regular {
        parameters: "
            El = -49.0 : population
            Vr = -60.0 : population
            Vt = -50.0 : population
            tau_m = 20.0 : population
        ",
        equations: "
            tau_m * dv/dt = (El - v) + g_exc
            tau_m * dg_exc/dt = -g_exc
        ",
        spike: "v > Vt",
        reset: "v = Vr",
        refractory: 5.0,
    }
}

annarchy::neuron! {
    /// A leaky integrator towards `twice(I)`, with functions whose names
    /// are those of the state's constructor and of an accessor.
    struct Twice {
        parameters: "
            tau = 10.0 : population
            I = 1.0 : population
        ",
        equations: "
            tau * dr/dt = new(I) - r
        ",
        functions: "
            set_tau(x) = x
            new(x) = set_tau(x) + x
        ",
    }
}

/// The model's functions run in `f32` too, whatever their names.
#[test]
fn functions_in_single_precision() -> annarchy::Result<()> {
    let mut b = Network::builder().precision(Precision::Single)?;
    let pop = b.population::<Twice>("p", 2)?;
    let mut net = b.build()?;
    net.simulate(500.0)?;
    for r in net.get(pop, "r")? {
        assert_relative_eq!(r, 2.0, max_relative = 1e-5);
    }
    assert_eq!(Twice::new(1.5), 3.0);
    Ok(())
}

#[test]
fn the_precision_is_set_before_populations() -> annarchy::Result<()> {
    let b = Network::builder().precision(Precision::Single)?;
    let mut b2 = Network::builder();
    b2.population::<Relax>("p", 3)?;
    let err = b2
        .precision(Precision::Single)
        .err()
        .expect("refused after a population");
    assert!(err.to_string().contains("before populations"), "{err}");
    let mut b = b;
    b.population::<Relax>("p", 3)?;
    let net = b.build()?;
    assert_eq!(net.precision(), Precision::Single);
    assert_eq!(Network::builder().build()?.precision(), Precision::Double);
    Ok(())
}

/// The explicit Euler solution of `tau dv/dt = I - v` from 0 is
/// `I (1 - (1 - dt/tau)^n)`; in single precision it holds to `f32`'s
/// accuracy, and every value recorded is an `f32`.
#[test]
fn a_leaky_integrator_follows_its_solution_in_f32() -> annarchy::Result<()> {
    let mut b = Network::builder().precision(Precision::Single)?;
    let pop = b.population::<Relax>("p", 8)?;
    b.set(pop, "I", RandomDistribution::uniform(0.5, 2.0))?;
    let m = b.monitor(pop, &["r"])?;
    let mut net = b.build()?;
    net.simulate(100.0)?;
    let inputs = net.get(pop, "I")?;
    assert!(all_f32(&inputs), "set values are rounded to f32");
    let v = net.monitor_get(m, "r")?.values;
    assert_eq!(v.len(), 100);
    for (n, row) in v.iter().enumerate() {
        assert!(all_f32(row));
        for (&x, &i) in row.iter().zip(&inputs) {
            let exact = i * (1.0 - 0.9f64.powi(n as i32 + 1));
            assert_relative_eq!(x, exact, max_relative = 1e-5);
        }
    }
    // Not the double-precision result: the arithmetic is f32's.
    let mut b = Network::builder();
    let pop64 = b.population::<Relax>("p", 8)?;
    b.set(pop64, "I", inputs.clone())?;
    let mut net64 = b.build()?;
    net64.simulate(100.0)?;
    assert_ne!(net64.get(pop64, "r")?, net.get(pop, "r")?);
    Ok(())
}

/// Spikes, refractory periods and conductances delivered by a projection
/// (added in `f64` to the `f32` conductance) give the same spikes as in
/// double precision for a regular firing pattern.
#[test]
fn spiking_neurons_fire_as_in_double_precision() -> annarchy::Result<()> {
    let run = |precision| -> annarchy::Result<(Vec<Vec<i64>>, Vec<f64>)> {
        let mut b = Network::builder().dt(0.1)?.precision(precision)?;
        let pop = b.population::<Regular>("p", 50)?;
        b.set(pop, "v", RandomDistribution::uniform(-60.0, -50.0))?;
        b.projection::<DefaultSpikingSynapse>(pop, pop, "exc")
            .connect_fixed_probability(0.1, 0.01)?;
        let m = b.monitor(pop, &["spike", "g_exc"])?;
        let mut net = b.build()?;
        net.simulate(200.0)?;
        let spikes = net.monitor_spikes(m)?.into_values().collect();
        let g = net.monitor_get(m, "g_exc")?.values.concat();
        Ok((spikes, g))
    };
    let (single, g32) = run(Precision::Single)?;
    let (double, g64) = run(Precision::Double)?;
    assert!(all_f32(&g32));
    assert!(g32.iter().any(|&g| g > 0.0), "spikes arrive");
    let count = |s: &[Vec<i64>]| s.iter().map(Vec::len).sum::<usize>();
    assert!(count(&double) > 100, "the neurons fire");
    assert_eq!(count(&single), count(&double));
    for (a, b) in single.iter().zip(&double) {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= 1, "spike steps {x} and {y}");
        }
    }
    for (a, b) in g32.iter().zip(&g64) {
        assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    }
    Ok(())
}

/// A rate-coded projection reads the `f32` rates of its pre-synaptic
/// population, delayed or not, and a learning rule reads pre and post.
#[test]
fn projections_read_single_precision_populations() -> annarchy::Result<()> {
    let run = |precision| -> annarchy::Result<(Vec<f64>, Vec<f64>)> {
        let mut b = Network::builder().precision(precision)?.seed(3);
        let input = b.population::<InputArray>("in", 50)?;
        let out = b.population::<LeakyIntegrator>("out", 20)?;
        b.set(input, "r", RandomDistribution::uniform(0.0, 1.0))?;
        b.projection::<DefaultRateSynapse>(input, out, "exc")
            .delays(3.0)
            .connect_all_to_all(RandomDistribution::uniform(0.0, 0.1))?;
        let oja = b
            .projection::<Oja>(input, out, "inh")
            .connect_fixed_probability(0.5, 0.01)?;
        let mut net = b.build()?;
        net.simulate(50.0)?;
        Ok((net.get(out, "r")?, net.proj_get(oja, "w")?))
    };
    let (r32, w32) = run(Precision::Single)?;
    let (r64, w64) = run(Precision::Double)?;
    assert!(r64.iter().any(|&r| r > 0.1), "the inputs arrive");
    for (a, b) in r32.iter().zip(&r64) {
        assert_relative_eq!(a, b, max_relative = 1e-4, epsilon = 1e-6);
    }
    for (a, b) in w32.iter().zip(&w64) {
        assert_relative_eq!(a, b, max_relative = 1e-4, epsilon = 1e-6);
    }
    Ok(())
}

/// Saving and loading a network in single precision restores it exactly:
/// the run goes on as if it had not been interrupted.
#[test]
fn save_and_load_restore_a_single_precision_network() -> annarchy::Result<()> {
    let build = || -> annarchy::Result<(Network, PopId<Regular>)> {
        let mut b = Network::builder().dt(0.1)?.precision(Precision::Single)?;
        let pop = b.population::<Regular>("p", 20)?;
        b.set(pop, "v", RandomDistribution::uniform(-60.0, -50.0))?;
        b.projection::<DefaultSpikingSynapse>(pop, pop, "exc")
            .connect_fixed_probability(0.2, 0.01)?;
        Ok((b.build()?, pop))
    };
    let dir = std::env::temp_dir().join(format!("annarchy-single-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join("single.npz");
    let (mut a, pop) = build()?;
    let v0 = a.get(pop, "v")?;
    a.simulate(52.3)?;
    a.save(&path)?;
    a.simulate(30.0)?;
    let (mut b, _) = build()?;
    b.load(&path)?;
    b.simulate(30.0)?;
    assert_eq!(a.get(pop, "v")?, b.get(pop, "v")?);
    assert_eq!(a.get(pop, "g_exc")?, b.get(pop, "g_exc")?);
    // Reset goes back to the values of the start.
    b.reset(true, true, true, true);
    assert_eq!(b.get(pop, "v")?, v0);
    std::fs::remove_dir_all(&dir).expect("removed");
    Ok(())
}

/// The arrays of a population in single precision are read and written
/// through the model's `{Model}StateF32`; `pop` (the double-precision
/// state) refuses them with a message that says so.
#[test]
fn typed_access_in_single_precision() -> annarchy::Result<()> {
    let mut b = Network::builder().precision(Precision::Single)?;
    let pop = b.population::<Relax>("p", 3)?;
    let mut net = b.build()?;
    net.simulate(10.0)?;
    let r: Vec<f32> = net.pop_as::<RelaxStateF32>(pop)?.r().to_vec();
    let expected: Vec<f64> = net.get(pop, "r")?;
    assert_eq!(
        r.iter().map(|&x| f64::from(x)).collect::<Vec<_>>(),
        expected
    );
    net.pop_as_mut::<RelaxStateF32>(pop)?.set_tau(5.0);
    assert_eq!(net.get(pop, "tau")?, vec![5.0]);
    let err = net
        .pop_as::<RelaxState>(pop)
        .expect_err("not the f64 state");
    assert!(err.to_string().contains("RelaxState"), "{err}");
    let text = panic_message(|| {
        let _ = net.pop(pop);
    });
    assert!(text.contains("needs double precision"), "{text}");
    // In double precision, `pop_as` gives the same state as `pop`.
    let mut b = Network::builder();
    let pop = b.population::<Relax>("p", 3)?;
    let net = b.build()?;
    assert_eq!(net.pop_as::<RelaxState>(pop)?.r(), net.pop(pop).r());
    Ok(())
}

annarchy::neuron! {
    /// Its rate is its excitatory input.
    struct Input {
        equations: "
            r = sum(exc)
        ",
    }
}

/// The projections of `synapse!` models store their attributes in `f32`:
/// the weights read back are `f32` values, the weighted sum is that of the
/// `f32` weights and rates (in `f64`), a copied projection reads the same
/// weights, and the arrays are reached through the model's
/// `{Model}StateF32` (`proj` refuses them with a message that says so).
#[test]
fn synapses_are_stored_in_single_precision() -> annarchy::Result<()> {
    let mut b = Network::builder().precision(Precision::Single)?.seed(5);
    let input = b.population::<InputArray>("in", 40)?;
    let out = b.population::<Input>("out", 10)?;
    let copied = b.population::<Input>("copied", 10)?;
    b.set(input, "r", RandomDistribution::uniform(0.0, 1.0))?;
    let proj = b
        .projection::<DefaultRateSynapse>(input, out, "exc")
        .connect_fixed_probability(0.5, RandomDistribution::uniform(0.0, 0.1))?;
    b.copy(input, copied, "exc").connect_copy(proj)?;
    let mut net = b.build()?;
    let w = net.proj_get(proj, "w")?;
    assert!(all_f32(&w), "the weights are f32 values");
    let typed: Vec<f64> = net
        .proj_as::<DefaultRateSynapseStateF32>(proj)?
        .w()
        .iter()
        .map(|&x| f64::from(x))
        .collect();
    assert_eq!(typed, w);
    net.step();
    let rates = net.get(input, "r")?;
    let sums = net.get(out, "r")?;
    for post in 0..10u32 {
        let d = net.dendrite(proj, post)?;
        let expected: f64 = d
            .pre_ranks()
            .iter()
            .zip(d.get("w")?)
            .map(|(&j, w)| w * rates[j as usize])
            .sum();
        assert_relative_eq!(sums[post as usize], expected, max_relative = 1e-6);
    }
    assert_eq!(net.get(copied, "r")?, sums);
    // Values set from outside are rounded to f32.
    net.proj_set(proj, "w", 0.3)?;
    assert!(
        net.proj_get(proj, "w")?
            .iter()
            .all(|&w| w == f64::from(0.3f32))
    );
    let err = net
        .proj_as::<DefaultRateSynapseState>(proj)
        .expect_err("not the f64 state");
    assert!(err.to_string().contains("DefaultRateSynapseState"), "{err}");
    let text = panic_message(|| {
        let _ = net.proj(proj);
    });
    assert!(text.contains("needs double precision"), "{text}");
    Ok(())
}

/// Spike-timing dependent plasticity with its weights and traces in `f32`
/// learns the weights it learns in double precision; synapses created and
/// pruned during the run keep their values in `f32`.
#[test]
fn plasticity_in_single_precision_follows_double_precision() -> annarchy::Result<()> {
    let run = |precision| -> annarchy::Result<Vec<f64>> {
        let mut b = Network::builder().dt(0.1)?.precision(precision)?.seed(11);
        let pre = b.population::<Regular>("pre", 30)?;
        let post = b.population::<Regular>("post", 30)?;
        b.set(pre, "v", RandomDistribution::uniform(-60.0, -50.0))?;
        b.set(post, "v", RandomDistribution::uniform(-60.0, -50.0))?;
        let stdp = b
            .projection::<STDP>(pre, post, "exc")
            .connect_fixed_probability(0.3, RandomDistribution::uniform(0.2, 0.5))?;
        let mut net = b.build()?;
        net.simulate(100.0)?;
        let row = net.dendrite(stdp, 0)?.pre_ranks().to_vec();
        let absent = (0..30)
            .find(|j| !row.contains(j))
            .expect("a missing synapse");
        net.create_synapse(stdp, 0, absent, 0.25, 0.1)?;
        let pruned = net.dendrite(stdp, 1)?.pre_ranks()[0];
        net.prune_synapse(stdp, 1, pruned)?;
        net.simulate(100.0)?;
        net.proj_get(stdp, "w")
    };
    let w32 = run(Precision::Single)?;
    let w64 = run(Precision::Double)?;
    assert!(all_f32(&w32), "the weights are f32 values");
    assert_eq!(w32.len(), w64.len());
    assert!(
        w64.iter().any(|&w| !(0.2..=0.5).contains(&w)),
        "the weights learn"
    );
    for (a, b) in w32.iter().zip(&w64) {
        assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    }
    Ok(())
}

/// `reset` restores the `f32` weights of build time (kept in `f32`), after
/// learning and after a synapse was pruned and another created: the kept
/// synapses get their first weight back, the created one its own.
#[test]
fn reset_restores_single_precision_synapses() -> annarchy::Result<()> {
    let mut b = Network::builder()
        .dt(0.1)?
        .precision(Precision::Single)?
        .seed(2);
    let pre = b.population::<Regular>("pre", 20)?;
    let post = b.population::<Regular>("post", 20)?;
    b.set(pre, "v", RandomDistribution::uniform(-60.0, -50.0))?;
    let stdp = b
        .projection::<STDP>(pre, post, "exc")
        .connect_fixed_probability(0.4, RandomDistribution::uniform(0.2, 0.5))?;
    let mut net = b.build()?;
    let row_weights = |net: &Network, post: u32| -> annarchy::Result<Vec<(u32, f64)>> {
        let d = net.dendrite(stdp, post)?;
        Ok(d.pre_ranks().iter().copied().zip(d.get("w")?).collect())
    };
    let (first3, first5) = (row_weights(&net, 3)?, row_weights(&net, 5)?);
    let absent = (0..20)
        .find(|j| first3.iter().all(|&(r, _)| r != *j))
        .expect("a missing synapse");
    let pruned = first3[0].0;
    net.simulate(50.0)?;
    net.prune_synapse(stdp, 3, pruned)?;
    net.create_synapse(stdp, 3, absent, 0.3, 0.1)?;
    net.simulate(50.0)?;
    assert_ne!(row_weights(&net, 5)?, first5, "the weights learn");
    net.reset(true, true, true, true);
    assert_eq!(row_weights(&net, 5)?, first5);
    let mut expected: Vec<(u32, f64)> = first3[1..].to_vec();
    expected.push((absent, f64::from(0.3f32)));
    expected.sort_by_key(|&(j, _)| j);
    assert_eq!(row_weights(&net, 3)?, expected);
    assert!(all_f32(&net.proj_get(stdp, "w")?));
    Ok(())
}

/// The small weight of [`arrived`]: below half a unit in the last place of
/// 1 in `f32`.
const SMALL: f32 = 1e-8;

/// 1 plus ten times [`SMALL`], added one after the other in `f32`.
fn one_by_one() -> f32 {
    (0..10).fold(1.0f32, |g, _| g + SMALL)
}

/// The nonzero values of `g_exc` that monitor `m` recorded.
fn nonzero_g_exc(net: &mut Network, m: MonitorId) -> annarchy::Result<Vec<f64>> {
    Ok(net
        .monitor_get(m, "g_exc")?
        .values
        .into_iter()
        .flatten()
        .filter(|&g| g != 0.0)
        .collect())
}

/// The conductance of [`Receiver`] at the step the spikes of eleven sources
/// arrive through synapses `S`: one synapse of weight 1 (source 0), ten of
/// weight [`SMALL`].
fn arrived<S: annarchy::runtime::model::SynapseModel>(
    precision: Precision,
    threads: usize,
) -> annarchy::Result<f64> {
    let mut b = Network::builder()
        .dt(0.1)?
        .precision(precision)?
        .threads(threads)
        .thread_split(ThreadSplit::Always);
    let src = b.spike_source_array("src", &vec![vec![0.0]; 11])?;
    let post = b.population::<Receiver>("post", 1)?;
    let mut triplets = vec![(0, 0, 1.0)];
    triplets.extend((1..11).map(|j| (j, 0, f64::from(SMALL))));
    b.projection::<S>(src, post, "exc")
        .connect_from_sparse(&triplets)?;
    let m = b.monitor(post, &["g_exc"])?;
    let mut net = b.build()?;
    net.simulate(1.0)?;
    let g = nonzero_g_exc(&mut net, m)?;
    assert_eq!(g.len(), 1, "the spikes arrive at one step: {g:?}");
    Ok(g[0])
}

/// In single precision, each spike adds its weight to the `f32`
/// conductance in `f32`, one after the other in the order of the sources,
/// as ANNarchy's `float` networks do: a weight below half a unit in the last
/// place of the conductance leaves it unchanged (summed first and rounded
/// once, the ten small weights would count). The same for the weights the
/// run-time delivers (`DefaultSpikingSynapse`) and for a synapse's own
/// `pre_spike` code.
#[test]
fn spikes_add_to_single_precision_conductances_one_by_one() -> annarchy::Result<()> {
    let one_by_one = one_by_one();
    let summed_first = (1.0 + 10.0 * f64::from(SMALL)) as f32;
    assert_ne!(one_by_one, summed_first);
    for threads in [1, 2] {
        assert_eq!(
            arrived::<DefaultSpikingSynapse>(Precision::Single, threads)?,
            f64::from(one_by_one),
            "{threads} threads"
        );
        assert_eq!(
            arrived::<ScaledSynapse>(Precision::Single, threads)?,
            f64::from(one_by_one),
            "{threads} threads, generated pre_spike"
        );
    }
    for g in [
        arrived::<DefaultSpikingSynapse>(Precision::Double, 1)?,
        arrived::<ScaledSynapse>(Precision::Double, 1)?,
    ] {
        assert_relative_eq!(g, 1.0 + 10.0 * f64::from(SMALL), max_relative = 1e-9);
    }
    Ok(())
}

/// A spiking transpose adds the weights of the spikes it delivers as a
/// projection does: in single precision one after the other, each rounded
/// to `f32` as it is stored.
#[test]
fn a_spiking_transpose_rounds_each_spike_in_single_precision() -> annarchy::Result<()> {
    for threads in [1, 2] {
        let mut b = Network::builder()
            .precision(Precision::Single)?
            .threads(threads)
            .thread_split(ThreadSplit::Always);
        let a = b.population::<Receiver>("a", 1)?;
        let s = b.population::<Emitter>("s", 11)?;
        let mut triplets = vec![(0, 0, 1.0)];
        triplets.extend((1..11).map(|j| (0, j, f64::from(SMALL))));
        let orig = b
            .projection::<DefaultSpikingSynapse>(a, s, "exc")
            .connect_from_sparse(&triplets)?;
        b.transpose(orig, "exc").connect()?;
        let m = b.monitor(a, &["g_exc"])?;
        let mut net = b.build()?;
        net.set(s, "fire", 1.0)?;
        net.step();
        net.set(s, "fire", 0.0)?;
        net.simulate(1.0)?;
        assert_eq!(
            nonzero_g_exc(&mut net, m)?,
            vec![f64::from(one_by_one())],
            "{threads} threads"
        );
    }
    Ok(())
}
