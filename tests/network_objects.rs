//! The objects of a network by name and in lists (ANNarchy's
//! `get_population`, `get_projection`, `populations()`,
//! `projections(post, pre, target)`, `monitors()`), several independent
//! networks in one program, copies (`try_clone`) and `parallel_run`.

use annarchy::prelude::*;

fn network() -> annarchy::Result<(NetworkBuilder, [AnyPop; 3], [AnyProj; 3])> {
    let mut b = Network::builder().seed(3);
    let a = b.population::<InputArray>("a", 4)?;
    let x = b.population::<LeakyIntegrator>("x", 3)?;
    let y = b.population::<LeakyIntegrator>("y", 2)?;
    let ax = b
        .projection::<DefaultRateSynapse>(a, x, "exc")
        .name("ax")
        .connect_all_to_all(0.5)?;
    let ay = b
        .projection::<DefaultRateSynapse>(a, y, "exc")
        .name("ay")
        .connect_all_to_all(0.5)?;
    let xy = b
        .projection::<DefaultRateSynapse>(x, y, "inh")
        .name("xy")
        .connect_all_to_all(0.5)?;
    Ok((
        b,
        [a.into(), x.into(), y.into()],
        [ax.into(), ay.into(), xy.into()],
    ))
}

#[test]
fn objects_by_name_and_in_lists() -> annarchy::Result<()> {
    let (mut b, [a, x, y], [ax, ay, xy]) = network()?;
    let m1 = b.monitor(x, &["r"])?;
    let m2 = b.monitor(y, &["r"])?;
    let net = b.build()?;
    assert_eq!(net.populations(), vec![a, x, y]);
    assert_eq!(net.get_population("y")?, y);
    assert_eq!(net.population_name(x), "x");
    assert!(matches!(
        net.get_population("z"),
        Err(annarchy::Error::UnknownObject { .. })
    ));
    assert_eq!(net.get_projection("xy")?, xy);
    assert_eq!(net.projection_name(ay), "ay");
    assert_eq!(net.projections(None, None, None), vec![ax, ay, xy]);
    assert_eq!(net.projections(Some(y), None, None), vec![ay, xy]);
    assert_eq!(net.projections(None, Some(a), None), vec![ax, ay]);
    assert_eq!(net.projections(Some(y), None, Some("inh")), vec![xy]);
    assert_eq!(net.projections(Some(a), None, None), vec![]);
    assert_eq!(net.monitors(), vec![m1, m2]);
    Ok(())
}

#[test]
fn parallel_runs_of_different_networks() -> annarchy::Result<()> {
    // Two networks of different structure, and a copy of the first run
    // alone for comparison.
    let (b, [a, _, y], _) = network()?;
    let mut first = b.build()?;
    first.set(a, "r", 1.0)?;
    let mut alone = first.try_clone()?;
    let mut b = Network::builder().dt(0.5)?.seed(1);
    let lone = b.population::<LeakyIntegrator>("lone", 7)?;
    b.set(lone, "B", 2.0)?;
    let second = b.build()?;
    let mut nets = vec![first, second];
    let out = Network::parallel_run_networks(&mut nets, |k, net| {
        net.simulate(20.0 * (k + 1) as f64)?;
        Ok(net.get_time())
    })?;
    assert_eq!(out, vec![20.0, 40.0]);
    alone.simulate(20.0)?;
    assert_eq!(nets[0].get(y, "r")?, alone.get(y, "r")?);
    assert_eq!(nets[1].get_current_step(), 80);
    assert!(nets[1].get(lone, "r")?.iter().all(|&r| r > 1.9));
    // The first error by position is returned.
    let err = Network::parallel_run_networks(&mut nets, |k, net| {
        net.simulate(if k == 1 { -1.0 } else { 1.0 })
    });
    assert!(err.is_err());
    Ok(())
}

#[test]
fn projections_remember_their_connector() -> annarchy::Result<()> {
    let mut b = Network::builder().seed(3);
    let a = b.population::<InputArray>("a", 4)?;
    let x = b.population::<LeakyIntegrator>("x", 3)?;
    let all = b
        .projection::<DefaultRateSynapse>(a, x, "exc")
        .connect_all_to_all(0.5)?;
    let random = b
        .projection::<DefaultRateSynapse>(a, x, "inh")
        .delays(2.0)
        .connect_fixed_probability(0.25, RandomDistribution::uniform(0.0, 1.0))?;
    let net = b.build()?;
    let info = net.connector_info(all);
    assert_eq!(info.name, "All-to-All");
    assert_eq!(info.description, "All-to-All, weights 0.5, delays 0.0");
    let info = net.connector_info(random);
    assert_eq!(info.name, "Random");
    assert_eq!(
        info.description,
        "Random, sparse 0.25, weights Uniform(0, 1), delays 2.0"
    );
    Ok(())
}

#[test]
fn networks_in_one_program_are_independent() -> annarchy::Result<()> {
    let (b1, [a1, _, y1], _) = network()?;
    let (b2, [a2, _, y2], _) = network()?;
    let mut one = b1.build()?;
    let mut two = b2.build()?;
    one.set(a1, "r", 1.0)?;
    two.set(a2, "r", 2.0)?;
    one.simulate(10.0)?;
    two.simulate(5.0)?;
    assert_eq!(one.get_current_step(), 10);
    assert_eq!(two.get_current_step(), 5);
    assert_ne!(one.get(y1, "r")?, two.get(y2, "r")?);
    assert_eq!(two.get(a2, "r")?, vec![2.0; 4]);
    Ok(())
}

annarchy::neuron! {
    /// A noisy integrate-and-fire neuron (random draws every step).
    struct NoisyLif {
        parameters: "
            tau = 10.0 : population
        ",
        equations: "
            tau * dv/dt = -v + g_exc + Normal(1.2, 0.5)
        ",
        spike: "v > 1.0",
        reset: "v = 0.0",
        refractory: 2.0,
    }
}

/// A copy made in the middle of a run continues exactly as the original,
/// and changing one leaves the other alone.
#[test]
fn a_copy_continues_exactly_as_the_original() -> annarchy::Result<()> {
    let mut b = Network::builder().dt(0.5)?.seed(9).threads(2);
    let pop = b.population::<NoisyLif>("pop", 200)?;
    let stdp = b
        .projection::<STDP>(pop, pop, "exc")
        .delays(RandomDistribution::uniform(0.5, 3.0))
        .connect_fixed_probability(0.1, 0.05)?;
    let m = b.monitor(pop, &["spike", "v"])?;
    let mut net = b.build()?;
    net.simulate(50.0)?;
    let mut copy = net.try_clone()?;
    net.simulate(50.0)?;
    copy.simulate(50.0)?;
    let bits = |v: Vec<f64>| v.into_iter().map(f64::to_bits).collect::<Vec<_>>();
    // (Reading a monitor empties it.)
    let spikes = net.monitor_spikes(m)?;
    assert_eq!(spikes, copy.monitor_spikes(m)?);
    let n: usize = spikes.values().map(Vec::len).sum();
    assert!(n > 500, "{n} spikes");
    assert_eq!(bits(net.get(pop, "v")?), bits(copy.get(pop, "v")?));
    assert_eq!(
        bits(net.proj_get(stdp, "w")?),
        bits(copy.proj_get(stdp, "w")?)
    );
    copy.set(pop, "tau", 20.0)?;
    copy.simulate(10.0)?;
    assert_eq!(net.get(pop, "tau")?, vec![10.0]);
    assert_eq!(net.get_current_step(), 200);
    assert_eq!(copy.get_current_step(), 220);
    Ok(())
}

/// `parallel_run`: results in order, a seed per copy (or the same one),
/// per-run arguments, the network untouched, the first error returned.
#[test]
fn parallel_runs_of_copies() -> annarchy::Result<()> {
    let mut b = Network::builder().dt(0.5)?.seed(21);
    let pop = b.population::<NoisyLif>("pop", 100)?;
    let mut net = b.build()?;
    net.simulate(10.0)?;
    let taus = [5.0, 10.0, 20.0, 10.0];
    let run = |k: usize, copy: &mut Network| -> annarchy::Result<(u64, i64, Vec<u64>)> {
        copy.set(pop, "tau", taus[k])?;
        copy.simulate(20.0)?;
        let v = copy.get(pop, "v")?.into_iter().map(f64::to_bits).collect();
        Ok((copy.seed(), copy.get_current_step(), v))
    };
    let results = net.parallel_run(4, false, run)?;
    assert_eq!(
        results.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![21, 22, 23, 24]
    );
    assert!(results.iter().all(|r| r.1 == 60));
    // Runs 1 and 3 have the same arguments but other seeds.
    assert_ne!(results[1].2, results[3].2);
    let same = net.parallel_run(4, true, run)?;
    assert_eq!(same[1].2, same[3].2);
    assert_ne!(same[0].2, same[1].2);
    // Run 0 draws from the network's own seed either way.
    assert_eq!(results[0].2, same[0].2);
    assert_eq!(net.get_current_step(), 20);
    assert_eq!(net.get(pop, "tau")?, vec![10.0]);
    let err = net
        .parallel_run(3, false, |k, copy| {
            copy.get(pop, if k == 0 { "v" } else { "no_such" })
                .map(|_| k)
        })
        .unwrap_err();
    assert!(err.to_string().contains("no_such"), "{err}");
    Ok(())
}
