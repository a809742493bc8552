//! Bad run-time input gives an [`Error`], never a panic, and the error says
//! what to fix.
//!
//! Every case checks the variant and that the message (`to_string()`) names
//! the object involved (population, projection, monitor, connector) and the
//! problem. Covered: attribute names (with a suggestion for a close name),
//! sizes of values, global attributes set through a view, view ranks, names
//! of populations, projections and constants, the step size, durations and
//! times, the checks of `build` (targets, `pre.x` / `post.x`, constants),
//! connectors (probabilities, numbers, matrix shapes, delays, weight
//! distributions, sparse and list indices), monitors (parameters, unknown
//! variables, periods and offsets), learning periods and offsets, invalid
//! random distributions, `TimedArray` rows and schedules, duplicate names,
//! geometries, synapse and dendrite access, and delays changed after build.

use annarchy::Error;
use annarchy::prelude::*;

annarchy::synapse! {
    /// Transmits the pre-synaptic `v`, which an `InputArray` does not have.
    pub struct ReadsPreV {
        psp: "w * pre.v",
    }
}

annarchy::synapse! {
    /// Learns from the post-synaptic `u`, which a `LeakyIntegrator` does not have.
    pub struct ReadsPostU {
        equations: "dw/dt = 0.01 * pre.r * post.u",
    }
}

annarchy::neuron! {
    /// A neuron scaled by the network constant `gain`.
    pub struct Scaled {
        constants: "gain",
        equations: "r = gain * sum(exc)",
    }
}

/// The error of a result that must have failed.
#[track_caller]
fn error<T>(r: annarchy::Result<T>) -> Error {
    match r {
        Ok(_) => panic!("expected an error, got a {}", std::any::type_name::<T>()),
        Err(e) => e,
    }
}

/// Asserts that the message of `e` contains every one of `words`.
#[track_caller]
fn says(e: &Error, words: &[&str]) {
    let msg = e.to_string();
    for w in words {
        assert!(msg.contains(w), "`{msg}` does not mention `{w}`");
    }
}

/// Ids of the small network most cases use.
struct Small {
    input: PopId<InputArray>,
    leaky: PopId<LeakyIntegrator>,
    hebb: ProjId<Hebb>,
}

/// An input of 10 neurons projecting with Hebbian learning onto 10 leaky
/// integrators.
fn small() -> annarchy::Result<(NetworkBuilder, Small)> {
    let mut b = Network::builder().dt(0.5)?;
    let input = b.population::<InputArray>("input", 10)?;
    let leaky = b.population::<LeakyIntegrator>("leaky", (2, 5))?;
    let hebb = b
        .projection::<Hebb>(input, leaky, "exc")
        .name("learned")
        .connect_one_to_one(0.5)?;
    Ok((b, Small { input, leaky, hebb }))
}

fn small_net() -> annarchy::Result<(Network, Small)> {
    let (b, ids) = small()?;
    Ok((b.build()?, ids))
}

#[test]
fn unknown_attribute_names() -> annarchy::Result<()> {
    let (mut b, ids) = small()?;
    // A close name gets a suggestion.
    let e = error(b.set(ids.leaky, "tua", 1.0));
    assert_eq!(
        e,
        Error::UnknownAttribute {
            object: "population `leaky`".into(),
            name: "tua".into(),
            suggestion: Some("tau".into()),
        }
    );
    says(&e, &["leaky", "`tua`", "did you mean `tau`"]);
    // A name close to nothing gets none.
    let e = error(b.get(ids.leaky, "membrane"));
    assert!(matches!(
        e,
        Error::UnknownAttribute {
            suggestion: None,
            ..
        }
    ));
    says(&e, &["leaky", "membrane"]);
    assert!(!e.to_string().contains("did you mean"));

    let mut net = b.build()?;
    let e = error(net.get(ids.input, "rr"));
    says(&e, &["input", "`rr`", "did you mean `r`"]);
    let view = net.view(ids.leaky, [1, 2])?;
    let e = error(net.set(&view, "vv", 0.0));
    assert!(matches!(e, Error::UnknownAttribute { .. }));
    says(&e, &["leaky", "`vv`", "did you mean `v`"]);
    // Projections.
    let e = error(net.proj_get(ids.hebb, "etta"));
    assert!(matches!(e, Error::UnknownAttribute { .. }));
    says(
        &e,
        &["projection `learned`", "`etta`", "did you mean `eta`"],
    );
    let e = error(net.proj_set(ids.hebb, "weight", 1.0));
    says(&e, &["projection `learned`", "`weight`"]);
    let e = error(net.synapse(ids.hebb, 0, 0, "ww"));
    assert!(matches!(e, Error::UnknownAttribute { .. }));
    says(&e, &["learned", "`ww`", "did you mean `w`"]);
    let e = error(net.dendrite(ids.hebb, 0)?.get("tau"));
    assert!(matches!(e, Error::UnknownAttribute { .. }));
    says(&e, &["learned", "`tau`"]);
    Ok(())
}

#[test]
fn values_of_the_wrong_size() -> annarchy::Result<()> {
    let (mut net, ids) = small_net()?;
    let e = error(net.set(ids.leaky, "v", vec![1.0, 2.0, 3.0]));
    assert_eq!(
        e,
        Error::SizeMismatch {
            object: "population `leaky`".into(),
            attribute: "v".into(),
            expected: 10,
            got: 3,
        }
    );
    says(&e, &["leaky", "v", "10", "3"]);
    // Nothing was written.
    assert_eq!(net.get(ids.leaky, "v")?, vec![0.0; 10]);
    let view = net.view(ids.leaky, [0, 4, 7])?;
    let e = error(net.set(&view, "B", vec![1.0; 10]));
    assert!(matches!(
        e,
        Error::SizeMismatch {
            expected: 3,
            got: 10,
            ..
        }
    ));
    says(&e, &["leaky", "B", "3", "10"]);
    let e = error(net.proj_set(ids.hebb, "w", vec![0.1; 11]));
    assert!(matches!(
        e,
        Error::SizeMismatch {
            expected: 10,
            got: 11,
            ..
        }
    ));
    says(&e, &["learned", "w", "10", "11"]);
    Ok(())
}

#[test]
fn global_attributes_take_one_value_on_the_whole_population() -> annarchy::Result<()> {
    let (mut net, ids) = small_net()?;
    let view = net.view(ids.leaky, [0, 1])?;
    let e = error(net.set(&view, "tau", 5.0));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["leaky", "`tau`", "global", "view"]);
    let e = error(net.set(ids.leaky, "tau", vec![5.0, 6.0]));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["leaky", "`tau`", "global", "single number"]);
    let e = error(net.set(ids.leaky, "T", RandomDistribution::uniform(0.0, 1.0)));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["leaky", "`T`", "global"]);
    let e = error(net.proj_set(ids.hebb, "eta", vec![0.1; 10]));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["learned", "`eta`", "global"]);
    assert_eq!(net.get(ids.leaky, "tau")?, vec![10.0]);
    Ok(())
}

#[test]
fn view_ranks_out_of_range() -> annarchy::Result<()> {
    let (b, ids) = small()?;
    let e = error(b.view(ids.leaky, [0, 10]));
    assert_eq!(
        e,
        Error::OutOfRange {
            object: "population `leaky`".into(),
            what: "rank 10 (size 10)".into(),
        }
    );
    says(&e, &["leaky", "rank 10", "out of range"]);
    let net = b.build()?;
    let e = error(net.view(ids.input, [usize::MAX]));
    assert!(matches!(e, Error::OutOfRange { .. }));
    says(&e, &["input", "out of range"]);
    Ok(())
}

#[test]
fn unknown_object_names() -> annarchy::Result<()> {
    let (mut net, _) = small_net()?;
    let e = error(net.get_population("leaky2"));
    assert_eq!(
        e,
        Error::UnknownObject {
            kind: "population",
            name: "leaky2".into(),
        }
    );
    says(&e, &["population", "`leaky2`"]);
    // A projection's name is not a population's, and the other way round.
    let e = error(net.get_population("learned"));
    says(&e, &["population", "`learned`"]);
    let e = error(net.get_projection("leaky"));
    assert!(matches!(
        e,
        Error::UnknownObject {
            kind: "projection",
            ..
        }
    ));
    says(&e, &["projection", "`leaky`"]);
    let e = error(net.set_constant("gain", 1.0));
    assert!(matches!(
        e,
        Error::UnknownObject {
            kind: "constant",
            ..
        }
    ));
    says(&e, &["constant", "`gain`"]);
    let e = error(net.get_constant("gain"));
    says(&e, &["constant", "`gain`"]);
    Ok(())
}

#[test]
fn invalid_step_sizes() -> annarchy::Result<()> {
    for dt in [-0.1, 0.0, f64::NAN, f64::INFINITY] {
        let e = error(Network::builder().dt(dt));
        assert!(matches!(e, Error::Invalid { .. }), "dt = {dt}");
        says(&e, &["network", "dt", "positive"]);
    }
    let e = error(Network::builder().dt(-0.1));
    says(&e, &["-0.1"]);
    // dt cannot change once populations exist.
    let mut b = Network::builder();
    b.population::<InputArray>("input", 3)?;
    let e = error(b.dt(0.1));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["dt", "before populations"]);
    Ok(())
}

#[test]
fn invalid_durations_and_times() -> annarchy::Result<()> {
    let (mut net, _) = small_net()?;
    for d in [-1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = error(net.simulate(d));
        assert!(matches!(e, Error::Invalid { .. }), "duration {d}");
        says(&e, &["network", "duration"]);
    }
    let e = error(net.simulate(-2.5));
    says(&e, &["-2.5"]);
    assert_eq!(net.get_current_step(), 0);
    for t in [-1.0, f64::NAN] {
        let e = error(net.set_time(t));
        assert!(matches!(e, Error::Invalid { .. }), "time {t}");
        says(&e, &["network", "time"]);
    }
    Ok(())
}

#[test]
fn target_not_read_by_the_post_model() -> annarchy::Result<()> {
    let (mut b, ids) = small()?;
    b.projection::<DefaultRateSynapse>(ids.input, ids.leaky, "mod")
        .name("modulation")
        .connect_all_to_all(1.0)?;
    let e = error(b.build().map(|_| ()));
    assert!(matches!(e, Error::Build(_)));
    says(
        &e,
        &[
            "projection `modulation`",
            "population `leaky`",
            "`mod`",
            "LeakyIntegrator",
            "sum(exc), sum(inh)",
        ],
    );
    // A model reading no target at all.
    let mut b = Network::builder();
    let a = b.population::<InputArray>("a", 2)?;
    let c = b.population::<InputArray>("c", 2)?;
    b.projection::<DefaultRateSynapse>(a, c, "exc")
        .name("into_input")
        .connect_one_to_one(1.0)?;
    let e = error(b.build().map(|_| ()));
    says(&e, &["into_input", "`c`", "`exc`", "no target"]);
    Ok(())
}

#[test]
fn synapse_reads_attributes_the_populations_lack() -> annarchy::Result<()> {
    let (mut b, ids) = small()?;
    b.projection::<ReadsPreV>(ids.input, ids.leaky, "inh")
        .name("reads_v")
        .connect_one_to_one(1.0)?;
    let e = error(b.build().map(|_| ()));
    assert!(matches!(e, Error::Build(_)));
    says(
        &e,
        &["projection `reads_v`", "pre-synaptic", "`input`", "`v`"],
    );

    let (mut b, ids) = small()?;
    b.projection::<ReadsPostU>(ids.input, ids.leaky, "inh")
        .name("reads_u")
        .connect_one_to_one(1.0)?;
    let e = error(b.build().map(|_| ()));
    assert!(matches!(e, Error::Build(_)));
    says(
        &e,
        &["projection `reads_u`", "post-synaptic", "`leaky`", "`u`"],
    );
    Ok(())
}

#[test]
fn constants_must_be_defined_before_build() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let a = b.population::<InputArray>("a", 2)?;
    let s = b.population::<Scaled>("scaled", 2)?;
    b.projection::<DefaultRateSynapse>(a, s, "exc")
        .connect_one_to_one(1.0)?;
    let e = error(b.build().map(|_| ()));
    assert!(matches!(e, Error::Build(_)));
    says(
        &e,
        &["population `scaled`", "constant `gain`", "not defined"],
    );
    Ok(())
}

#[test]
fn connector_arguments() -> annarchy::Result<()> {
    let (mut b, ids) = small()?;
    let (input, leaky) = (ids.input, ids.leaky);
    for p in [1.5, -0.1, f64::NAN] {
        let e = error(
            b.projection::<DefaultRateSynapse>(input, leaky, "exc")
                .connect_fixed_probability(p, 1.0),
        );
        assert!(
            matches!(
                e,
                Error::Connector {
                    connector: "connect_fixed_probability",
                    ..
                }
            ),
            "probability {p}"
        );
        says(&e, &["connect_fixed_probability", "probability"]);
    }
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .connect_fixed_probability(1.5, 1.0),
    );
    says(&e, &["1.5"]);

    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .connect_fixed_number_pre(11, 1.0),
    );
    assert!(matches!(
        e,
        Error::Connector {
            connector: "connect_fixed_number_pre",
            ..
        }
    ));
    says(&e, &["connect_fixed_number_pre", "11", "10"]);
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .connect_fixed_number_post(12, 1.0),
    );
    assert!(matches!(
        e,
        Error::Connector {
            connector: "connect_fixed_number_post",
            ..
        }
    ));
    says(&e, &["connect_fixed_number_post", "12", "10"]);
    // All pre neurons but the post neuron itself cannot be chosen.
    let e = error(
        b.projection::<DefaultRateSynapse>(leaky, leaky, "inh")
            .connect_fixed_number_pre(10, 1.0),
    );
    says(&e, &["connect_fixed_number_pre", "10"]);

    // Matrices of the wrong shape.
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .connect_from_matrix(&vec![vec![Some(1.0); 10]; 9]),
    );
    assert!(matches!(
        e,
        Error::Connector {
            connector: "connect_from_matrix",
            ..
        }
    ));
    says(&e, &["connect_from_matrix", "shape", "(10, 10)", "9 rows"]);
    let mut m = vec![vec![Some(1.0); 10]; 10];
    m[3].pop();
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .connect_from_matrix(&m),
    );
    says(&e, &["connect_from_matrix", "row 3", "9 columns"]);
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .connect_from_matrix_with_delays(
                &vec![vec![Some(1.0); 10]; 10],
                &vec![vec![Some(1.0); 3]; 10],
            ),
    );
    says(&e, &["connect_from_matrix", "delay matrix", "shape"]);

    // Delays.
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .delays(-1.0)
            .connect_all_to_all(1.0),
    );
    assert!(matches!(
        e,
        Error::Connector {
            connector: "connect_all_to_all",
            ..
        }
    ));
    says(&e, &["connect_all_to_all", "delay", "-1"]);
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .delays(f64::NAN)
            .connect_one_to_one(1.0),
    );
    says(&e, &["connect_one_to_one", "delay", "NaN"]);
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .delays(RandomDistribution::normal(2.0, 1.0))
            .connect_all_to_all(1.0),
    );
    assert!(matches!(e, Error::Connector { .. }));
    says(&e, &["connect_all_to_all", "Normal(2, 1)", "max"]);
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .delays(RandomDistribution::uniform(0.0, 2.0))
            .connect_from_matrix(&vec![vec![Some(1.0); 10]; 10]),
    );
    says(&e, &["connect_from_matrix", "delays"]);
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .delays(RandomDistribution::uniform(0.0, 2.0))
            .connect_from_sparse(&[(0, 0, 1.0)]),
    );
    says(&e, &["connect_from_sparse", "constant delays"]);

    // Weights drawn from an invalid distribution.
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .connect_all_to_all(RandomDistribution::normal(0.0, -1.0)),
    );
    assert!(matches!(e, Error::Connector { .. }));
    says(&e, &["connect_all_to_all", "Normal(0, -1)", "sigma"]);

    // Indices outside the sides.
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .connect_from_sparse(&[(0, 0, 1.0), (10, 2, 1.0)]),
    );
    assert!(matches!(e, Error::Connector { .. }));
    says(&e, &["connect_from_sparse", "out of range"]);
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .connect_from_list(&[(12, 0, 1.0, 0.0)]),
    );
    assert!(matches!(e, Error::Connector { .. }));
    says(&e, &["connect_from_list", "out of range"]);
    // The same synapse twice.
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .connect_from_list(&[(1, 0, 1.0, 0.0), (1, 0, 2.0, 0.0)]),
    );
    assert!(matches!(e, Error::Connector { .. }));
    says(&e, &["connect_from_list", "same synapse", "multiple times"]);
    // A weight without a delay.
    let mut delays = vec![vec![Some(1.0); 10]; 10];
    delays[2][3] = None;
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .connect_from_matrix_with_delays(&vec![vec![Some(1.0); 10]; 10], &delays),
    );
    assert!(matches!(e, Error::Connector { .. }));
    says(&e, &["connect_from_matrix", "delay matrix", "(2, 3)"]);

    // Profiles need a positive width.
    let e = error(
        b.projection::<DefaultRateSynapse>(input, leaky, "exc")
            .connect_gaussian(1.0, 0.0, 0.01),
    );
    says(&e, &["connect_gaussian", "sigma"]);

    // None of the failed connectors left a projection behind.
    assert_eq!(
        b.get_projection("proj1").map(|_| ()),
        Err(Error::UnknownObject {
            kind: "projection",
            name: "proj1".into(),
        })
    );
    let net = b.build()?;
    assert_eq!(net.nb_synapses(ids.hebb), 10);
    Ok(())
}

#[test]
fn monitor_arguments() -> annarchy::Result<()> {
    let (mut b, ids) = small()?;
    let e = error(b.monitor(ids.leaky, &["r", "tau"]));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["Monitor_leaky", "`tau`", "parameter"]);
    let e = error(b.monitor(ids.leaky, &["B"]));
    says(&e, &["Monitor_leaky", "`B`", "parameter"]);
    let e = error(b.monitor(ids.hebb, &["eta"]));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["Monitor_learned", "`eta`", "parameter"]);
    let e = error(b.monitor(ids.leaky, &["rr"]));
    assert!(matches!(e, Error::UnknownAttribute { .. }));
    says(&e, &["leaky", "`rr`", "did you mean `r`"]);
    let e = error(b.monitor(ids.hebb, &["weight"]));
    assert!(matches!(e, Error::UnknownAttribute { .. }));
    says(&e, &["learned", "`weight`"]);
    for period in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let e = error(b.monitor_with(
            ids.leaky,
            &["r"],
            MonitorOptions {
                period: Some(period),
                ..MonitorOptions::default()
            },
        ));
        assert!(matches!(e, Error::Invalid { .. }), "period {period}");
        says(&e, &["Monitor_leaky", "period", "positive"]);
    }
    for offset in [2.0, 3.0, -0.5] {
        let e = error(b.monitor_with(
            ids.leaky,
            &["r"],
            MonitorOptions {
                period: Some(2.0),
                period_offset: offset,
                ..MonitorOptions::default()
            },
        ));
        assert!(matches!(e, Error::Invalid { .. }), "offset {offset}");
        says(&e, &["Monitor_leaky", "offset", "smaller than the period"]);
    }

    // After build: the same checks, and reading a variable not recorded.
    let m = b.monitor(ids.leaky, &["r", "v"])?;
    let mut net = b.build()?;
    let e = error(net.monitor(ids.input, &["r", "x"]));
    says(&e, &["input", "`x`"]);
    let e = error(net.monitor_get(m, "sum(exc)"));
    assert!(matches!(e, Error::UnknownAttribute { .. }));
    says(&e, &["monitor `Monitor_leaky`", "`sum(exc)`"]);
    let e = error(net.monitor_get(m, "vv"));
    says(&e, &["monitor `Monitor_leaky`", "`vv`", "did you mean `v`"]);
    let e = error(net.monitor_peek(m, "B"));
    says(&e, &["Monitor_leaky", "`B`"]);
    Ok(())
}

#[test]
fn learning_periods_and_offsets() -> annarchy::Result<()> {
    let (mut net, ids) = small_net()?;
    let e = error(net.enable_learning(ids.hebb, Some(2.0), Some(2.0)));
    assert!(matches!(e, Error::Invalid { .. }));
    says(
        &e,
        &["projection `learned`", "offset", "smaller than the period"],
    );
    let e = error(net.enable_learning(ids.hebb, Some(2.0), Some(5.0)));
    says(&e, &["learned", "offset", "period"]);
    let e = error(net.enable_learning(ids.hebb, None, Some(1.0)));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["projection `learned`", "offset", "needs a period"]);
    for period in [0.0, -1.0, f64::NAN] {
        let e = error(net.enable_learning(ids.hebb, Some(period), None));
        assert!(matches!(e, Error::Invalid { .. }), "period {period}");
        says(&e, &["projection `learned`", "period", "positive"]);
    }
    // A valid call still works after the failed ones.
    net.enable_learning(ids.hebb, Some(1.0), Some(0.5))?;
    Ok(())
}

#[test]
fn invalid_random_distributions() -> annarchy::Result<()> {
    let (mut net, ids) = small_net()?;
    let e = error(net.set(ids.leaky, "v", RandomDistribution::normal(0.0, -1.0)));
    assert!(matches!(e, Error::Distribution { .. }));
    says(&e, &["Normal(0, -1)", "sigma"]);
    assert_eq!(net.get(ids.leaky, "v")?, vec![0.0; 10], "nothing was drawn");
    let view = net.view(ids.leaky, [2, 3])?;
    let e = error(net.set(&view, "B", RandomDistribution::uniform(1.0, 0.0)));
    assert!(matches!(e, Error::Distribution { .. }));
    says(&e, &["Uniform(1, 0)", "min", "max"]);
    let e = error(net.proj_set(ids.hebb, "w", RandomDistribution::exponential(0.0)));
    assert!(matches!(e, Error::Distribution { .. }));
    says(&e, &["Exponential(0)", "lambda"]);
    let e = error(net.set(ids.input, "r", RandomDistribution::normal(f64::NAN, 1.0)));
    says(&e, &["Normal(NaN, 1)", "mu"]);
    Ok(())
}

#[test]
fn timed_array_rows_and_schedules() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let e = error(b.timed_array(
        "stimulus",
        4,
        vec![vec![0.0; 4], vec![1.0; 3]],
        Schedule::Every(10.0),
        -1.0,
    ));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["TimedArray", "row 1", "3 values", "4 neurons"]);
    let e = error(b.timed_array("stimulus", 4, Vec::new(), Schedule::Every(10.0), -1.0));
    says(&e, &["TimedArray", "at least one row"]);
    let e = error(b.timed_array(
        "stimulus",
        4,
        vec![vec![0.0; 4]],
        Schedule::Times(vec![0.0, 5.0]),
        -1.0,
    ));
    says(&e, &["TimedArray", "2 times", "1 rows"]);
    // None of them was added.
    assert!(b.get_population("stimulus").is_err());

    let ta = b.timed_array(
        "stimulus",
        4,
        vec![vec![0.5; 4]],
        Schedule::Every(10.0),
        -1.0,
    )?;
    let mut net = b.build()?;
    net.step();
    let e = error(net.update_timed_array(ta, vec![vec![1.0; 5]], Schedule::Every(1.0), -1.0));
    says(&e, &["TimedArray", "row 0", "5 values", "4 neurons"]);
    let e =
        error(net.update_timed_array(ta, vec![vec![1.0; 4]], Schedule::Times(Vec::new()), -1.0));
    says(&e, &["TimedArray", "schedule", "empty"]);
    // The failed updates changed nothing.
    net.step();
    assert_eq!(net.get(ta, "r")?, vec![0.5; 4]);
    Ok(())
}

#[test]
fn duplicate_names() -> annarchy::Result<()> {
    let (mut b, ids) = small()?;
    let e = error(b.population::<LeakyIntegrator>("leaky", 3));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["`leaky`", "already exists"]);
    let e = error(b.timed_array("input", 1, vec![vec![0.0]], Schedule::Every(1.0), -1.0));
    says(&e, &["`input`", "already exists"]);
    // Populations and projections share one namespace.
    let e = error(b.population::<InputArray>("learned", 3));
    says(&e, &["`learned`", "already exists"]);
    let e = error(
        b.projection::<DefaultRateSynapse>(ids.input, ids.leaky, "inh")
            .name("learned")
            .connect_one_to_one(1.0),
    );
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["`learned`", "already exists"]);
    let e = error(
        b.projection::<DefaultRateSynapse>(ids.input, ids.leaky, "inh")
            .name("input")
            .connect_one_to_one(1.0),
    );
    says(&e, &["`input`", "already exists"]);
    // The network is unchanged.
    let net = b.build()?;
    assert_eq!(net.population_size(ids.leaky), 10);
    assert!(net.get_population("learned").is_err());
    Ok(())
}

#[test]
fn invalid_geometries() {
    let mut b = Network::builder();
    let e = error(b.population::<InputArray>("empty", 0));
    assert!(matches!(e, Error::Geometry { .. }));
    says(&e, &["geometry", "[0]", "at least 1"]);
    let e = error(b.population::<InputArray>("flat", (4, 0, 2)));
    says(&e, &["geometry", "[4, 0, 2]"]);
    let e = error(b.population::<InputArray>("five", [1, 2, 3, 4, 5]));
    says(&e, &["geometry", "at most 4 dimensions"]);
    let e = error(b.population::<InputArray>("none", &[] as &[usize]));
    says(&e, &["geometry", "at least one dimension"]);
    let e = error(b.population::<InputArray>("huge", (usize::MAX, 2)));
    says(&e, &["geometry", "overflows"]);
}

#[test]
fn synapse_and_dendrite_access() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let a = b.population::<InputArray>("a", 4)?;
    let c = b.population::<LeakyIntegrator>("c", 4)?;
    // Synapses 0 -> 1 and 2 -> 1 only; post 0, 2 and 3 have no dendrite.
    let proj = b
        .projection::<IBCM>(a, c, "exc")
        .name("sparse")
        .connect_from_sparse(&[(0, 1, 0.5), (2, 1, 0.25)])?;
    let mut net = b.build()?;
    let e = error(net.synapse(proj, 1, 1, "w"));
    assert!(matches!(e, Error::OutOfRange { .. }));
    says(&e, &["projection `sparse`", "synapse 1 -> 1"]);
    let e = error(net.set_synapse(proj, 3, 0, "w", 1.0));
    assert!(matches!(e, Error::OutOfRange { .. }));
    says(&e, &["sparse", "synapse 0 -> 3"]);
    let e = error(net.synapse(proj, 99, 0, "w"));
    says(&e, &["sparse", "99"]);
    let e = error(net.dendrite_value(proj, 2, "theta"));
    assert!(matches!(e, Error::OutOfRange { .. }));
    says(&e, &["sparse", "post-synaptic neuron 2", "no synapse"]);
    let e = error(net.dendrite_value(proj, 1, "w"));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["sparse", "`w`", "one value per synapse"]);
    let e = error(net.dendrite(proj, 0).map(|d| d.size()));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["projection `sparse`", "neuron 0", "no synapse"]);
    // The synapses that exist are readable.
    assert_eq!(net.synapse(proj, 1, 2, "w")?, 0.25);
    assert_eq!(net.dendrite(proj, 1)?.pre_ranks(), &[0, 2]);
    Ok(())
}

#[test]
fn delays_changed_after_build() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let a = b.population::<InputArray>("a", 3)?;
    let c = b.population::<LeakyIntegrator>("c", 3)?;
    let none = b
        .projection::<DefaultRateSynapse>(a, c, "exc")
        .name("undelayed")
        .connect_one_to_one(1.0)?;
    let per_synapse = b
        .projection::<DefaultRateSynapse>(a, c, "inh")
        .name("varied")
        .delays(RandomDistribution::uniform(1.0, 3.0))
        .connect_all_to_all(1.0)?;
    let uniform = b
        .projection::<DefaultRateSynapse>(a, c, "exc")
        .name("uniform")
        .delays(2.0)
        .connect_one_to_one(1.0)?;
    let mut net = b.build()?;
    let e = error(net.set_delay(none, 2.0));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["projection `undelayed`", "without delays"]);
    let e = error(net.set_delay(per_synapse, 2.0));
    assert!(matches!(e, Error::Invalid { .. }));
    says(&e, &["projection `varied`", "per synapse"]);
    for d in [-1.0, f64::NAN] {
        let e = error(net.set_delay(uniform, d));
        assert!(matches!(e, Error::Invalid { .. }), "delay {d}");
        says(&e, &["delay", "positive"]);
    }
    assert_eq!(net.delay(uniform), vec![2.0]);
    Ok(())
}
