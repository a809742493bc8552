//! BOLD monitoring (ANNarchy's `extensions.bold`, SPEC.md 9.2).
//!
//! - The six balloon models, driven by BOLD monitors over two populations
//!   whose `r` follows a fixed trace, match ANNarchy 4.8.2.6 step for step
//!   (`tests/data/bold_*.csv`, written by `tests/data/bold_reference.py`):
//!   every recorded variable, including the input `I_CBF`, so the default
//!   scales, explicit scale factors, a second input mapped to another
//!   variable, input normalisation, and monitors started late or from the
//!   beginning are all checked against ANNarchy, within 1e-12.
//! - Each argument error is reported with a message naming what is wrong.
//! - Before the start, nothing is recorded and the model does not move;
//!   after a stop, recording and the model pause and resume at the next
//!   start.
//! - The default scale makes the input the mean over all the monitored
//!   neurons; views are read through their ranks only.
//! - A normalised input is 0 during its baseline period, then the relative
//!   deviation from the baseline's mean.
//! - After `reset`, a run records exactly what the first run recorded:
//!   the baselines are computed again.

use annarchy::prelude::*;
use annarchy::runtime::bold::{Baseline, BoldMonitor, BoldOptions};
use annarchy::runtime::network::Neurons;
use approx::{assert_abs_diff_eq, relative_eq};
use std::collections::BTreeMap;

annarchy::neuron! {
    /// The input trace of the reference: a sine per neuron (amplitude `a`,
    /// pulsation `omega` in rad/ms) plus a pulse of height `b` between
    /// 1000 and 2500 ms.
    pub struct Trace {
        parameters: "
            a = 1.0
            b = 0.0
            omega = 0.0 : population
        ",
        equations: "
            pulse = if (t > 1000.0) and (t < 2500.0): b else: 0.0
            r = a * (1.0 + sin(omega * t)) + pulse
        ",
    }
}

/// A reference file: the header of variable names and the rows by step.
struct Reference {
    columns: Vec<String>,
    rows: BTreeMap<i64, Vec<f64>>,
}

fn reference(case: &str) -> Reference {
    let path = format!("{}/tests/data/bold_{case}.csv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header = lines.next().expect("a header");
    let columns: Vec<String> = header.split(',').skip(1).map(str::to_string).collect();
    let rows = lines
        .map(|l| {
            let mut cells = l.split(',');
            let step = cells
                .next()
                .expect("a step")
                .parse()
                .expect("an integer step");
            let values = cells.map(|c| c.parse().expect("a number")).collect();
            (step, values)
        })
        .collect();
    Reference { columns, rows }
}

/// A BOLD monitor of model `M` over `pops`.
fn add<M: annarchy::runtime::bold::BoldModel>(
    b: &mut NetworkBuilder,
    pops: &[Neurons],
    options: BoldOptions<'_>,
) -> BoldMonitor<M> {
    b.bold_monitor::<M>(pops, options)
        .expect("a valid BOLD monitor")
}

/// How far a value may be from ANNarchy's: absolute below 1, relative
/// above. Both compute the same operations on doubles, in nearly the same
/// order; 6000 steps leave differences of a few units in the last place
/// (at most 2e-15 when last measured).
const TOLERANCE: f64 = 1e-12;

/// Largest absolute error over every variable and step of a case, after
/// checking each value against ANNarchy's.
fn compare<M>(net: &mut Network, bold: BoldMonitor<M>, case: &str, first_step: i64) -> f64 {
    let reference = reference(case);
    let mut max_error: f64 = 0.0;
    for (column, variable) in reference.columns.iter().enumerate() {
        let rec = net.bold_get(bold, variable).expect("a recorded variable");
        assert_eq!(rec.steps[0], first_step, "{case}: first recorded step");
        assert_eq!(rec.values.len(), 6000 - first_step as usize, "{case}: rows");
        for (&step, expected) in &reference.rows {
            let row = (step - first_step) as usize;
            assert_eq!(rec.steps[row], step);
            let (ours, theirs) = (rec.values[row][0], expected[column]);
            assert!(
                relative_eq!(ours, theirs, epsilon = TOLERANCE, max_relative = TOLERANCE),
                "{case}: {variable} at step {step}: {ours} instead of ANNarchy's {theirs}"
            );
            max_error = max_error.max((ours - theirs).abs());
        }
    }
    max_error
}

#[test]
fn balloon_models_match_annarchy() -> annarchy::Result<()> {
    let mut b = Network::builder().dt(1.0)?;
    let p1 = b.population::<Trace>("p1", 3)?;
    b.set(p1, "a", vec![0.5, 1.0, 1.5])?;
    b.set(p1, "b", vec![1.0, 2.0, 3.0])?;
    b.set(p1, "omega", 0.006283185307179587)?;
    let p2 = b.population::<Trace>("p2", 5)?;
    b.set(p2, "a", vec![0.2, 0.4, 0.6, 0.8, 1.0])?;
    b.set(p2, "b", vec![0.5, 0.5, 1.0, 1.0, 4.0])?;
    b.set(p2, "omega", 0.008975979010256552)?;
    let both: Vec<Neurons> = vec![p1.into(), p2.into()];
    let single = || Some(vec!["I_CBF", "s", "f_in", "E", "q", "v", "f_out"]);
    let recorded = |start| BoldOptions {
        recorded_variables: single(),
        start,
        ..BoldOptions::default()
    };
    let rn = add::<balloon_RN>(&mut b, &both, recorded(false));
    let rl = add::<balloon_RL>(&mut b, &both, recorded(false));
    let cn = add::<balloon_CN>(
        &mut b,
        &both,
        BoldOptions {
            scale_factor: Some(vec![1.0, 0.5]),
            ..recorded(false)
        },
    );
    let cl = add::<balloon_CL>(&mut b, &both, recorded(true));
    let maith = add::<balloon_maith2021>(&mut b, &[p2.into()], recorded(false));
    let two = add::<balloon_two_inputs>(
        &mut b,
        &both,
        BoldOptions {
            mapping: vec![("I_CBF", "r"), ("I_CMRO2", "pulse")],
            recorded_variables: Some(vec![
                "I_CBF", "I_CMRO2", "s_CBF", "s_CMRO2", "f_in", "r", "q", "v", "f_out",
            ]),
            ..BoldOptions::default()
        },
    );
    let normalized = add::<balloon_RN>(
        &mut b,
        &both,
        BoldOptions {
            normalize_input: Some(vec![500.0, 200.0]),
            name: Some("BOLD model RN normalized"),
            ..recorded(false)
        },
    );
    let mut net = b.build()?;
    net.simulate(300.0)?;
    for m in [rn, normalized] {
        net.bold_start(m)?;
    }
    net.bold_start(rl)?;
    net.bold_start(cn)?;
    net.bold_start(maith)?;
    net.bold_start(two)?;
    net.simulate(5700.0)?;
    let errors = [
        ("RN", compare(&mut net, rn, "RN", 300)),
        ("RL", compare(&mut net, rl, "RL", 300)),
        ("CN", compare(&mut net, cn, "CN", 300)),
        ("CL", compare(&mut net, cl, "CL", 0)),
        ("maith2021", compare(&mut net, maith, "maith2021", 300)),
        ("two_inputs", compare(&mut net, two, "two_inputs", 300)),
        (
            "RN_normalized",
            compare(&mut net, normalized, "RN_normalized", 300),
        ),
    ];
    for (case, e) in errors {
        println!("{case}: largest absolute error {e:e}");
    }
    Ok(())
}

/// Two input arrays of 3 and 5 neurons at constant rates, for the tests of
/// the inputs.
fn two_inputs(b: &mut NetworkBuilder) -> annarchy::Result<(PopId<InputArray>, PopId<InputArray>)> {
    let small = b.population::<InputArray>("small", 3)?;
    b.set(small, "r", vec![1.0, 2.0, 3.0])?;
    let large = b.population::<InputArray>("large", 5)?;
    b.set(large, "r", vec![4.0, 4.0, 6.0, 6.0, 10.0])?;
    Ok((small, large))
}

#[test]
fn errors_say_what_is_wrong() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let (small, large) = two_inputs(&mut b)?;
    let both: Vec<Neurons> = vec![small.into(), large.into()];
    let message = |r: annarchy::Result<BoldMonitor<balloon_RN>>| {
        r.expect_err("an invalid BOLD monitor").to_string()
    };

    let e = message(b.bold_monitor::<balloon_RN>(&[], BoldOptions::default()));
    assert_eq!(
        e,
        "BOLD monitor `BOLD model RN`: no population to monitor: give at least one population or view"
    );
    let e = message(b.bold_monitor::<balloon_RN>(
        &both,
        BoldOptions {
            scale_factor: Some(vec![1.0]),
            ..BoldOptions::default()
        },
    ));
    assert_eq!(
        e,
        "BOLD monitor `BOLD model RN`: `scale_factor` has 1 values but there are 2 populations: give one value per population"
    );
    let e = message(b.bold_monitor::<balloon_RN>(
        &both,
        BoldOptions {
            normalize_input: Some(vec![100.0, 0.0, 50.0]),
            ..BoldOptions::default()
        },
    ));
    assert!(
        e.contains("`normalize_input` has 3 values but there are 2 populations"),
        "{e}"
    );
    let e = message(b.bold_monitor::<balloon_RN>(
        &both,
        BoldOptions {
            normalize_input: Some(vec![100.0, -5.0]),
            ..BoldOptions::default()
        },
    ));
    assert!(
        e.contains("must be 0 (no normalisation) or at least one step (1 ms), not -5 ms"),
        "{e}"
    );
    let e = message(b.bold_monitor::<balloon_RN>(
        &both,
        BoldOptions {
            mapping: vec![("I_CMRO2", "r")],
            ..BoldOptions::default()
        },
    ));
    assert_eq!(
        e,
        "BOLD monitor `BOLD model RN`: the key `I_CMRO2` of `mapping` is not an input of the model `balloon_RN` (its inputs: I_CBF)"
    );
    let e = message(b.bold_monitor::<balloon_RN>(
        &both,
        BoldOptions {
            mapping: vec![("I_CBF", "rr")],
            ..BoldOptions::default()
        },
    ));
    assert_eq!(
        e,
        "population `small` (read as `I_CBF` by the BOLD monitor `BOLD model RN`) has no attribute named `rr` (did you mean `r`?)"
    );
    let e = message(b.bold_monitor::<balloon_RN>(
        &both,
        BoldOptions {
            recorded_variables: Some(vec!["f_out", "kappa"]),
            ..BoldOptions::default()
        },
    ));
    assert!(e.contains("`kappa` is a parameter"), "{e}");
    // None of the failures left anything behind: the first valid monitor
    // takes the model's name, a second one needs its own.
    assert_eq!(b.populations().len(), 2);
    let first = b.bold_monitor::<balloon_RN>(&both, BoldOptions::default())?;
    assert_eq!(b.population_name(first.population()), "BOLD model RN");
    let e = message(b.bold_monitor::<balloon_RN>(&both, BoldOptions::default()));
    assert!(
        e.contains("already exists: give the BOLD monitor a name of its own (BoldOptions::name)"),
        "{e}"
    );
    let second = b.bold_monitor::<balloon_RN>(
        &both,
        BoldOptions {
            name: Some("region 2"),
            ..BoldOptions::default()
        },
    )?;
    assert_eq!(b.population_name(second.population()), "region 2");
    let mut net = b.build()?;
    let e = net.bold_get(first, "q").expect_err("q is not recorded");
    assert!(e.to_string().contains("no attribute named `q`"), "{e}");
    Ok(())
}

#[test]
fn nothing_happens_before_start_and_after_stop() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let (small, large) = two_inputs(&mut b)?;
    let bold = b.bold_monitor::<balloon_RN>(
        &[small.into(), large.into()],
        BoldOptions {
            recorded_variables: Some(vec!["I_CBF", "f_in"]),
            ..BoldOptions::default()
        },
    )?;
    let mut net = b.build()?;
    net.simulate(50.0)?;
    // Not started: nothing recorded, the model at its initial state.
    assert!(net.bold_get(bold, "BOLD")?.values.is_empty());
    let model = net.pop(bold.population());
    assert_eq!(
        (model.I_CBF()[0], model.f_in()[0], model.BOLD()[0]),
        (0.0, 1.0, 0.0)
    );
    net.bold_start(bold)?;
    net.simulate(100.0)?;
    let input = net.bold_get(bold, "I_CBF")?;
    assert_eq!(input.steps, (50..150).collect::<Vec<i64>>());
    // The mean rate of the 8 neurons: (6 + 30) / 8.
    assert!(input.values.iter().all(|v| v[0] == 4.5));
    let f_in = net.get(bold.population(), "f_in")?[0];
    assert!(f_in > 1.0, "the flow rises with a positive input: {f_in}");
    net.bold_stop(bold)?;
    net.simulate(100.0)?;
    assert!(net.bold_get(bold, "I_CBF")?.values.is_empty());
    let f = net.bold_get(bold, "f_in")?;
    assert_eq!((f.steps[0], f.steps[99], f.values[99][0]), (50, 149, f_in));
    assert_eq!(
        net.get(bold.population(), "f_in")?[0],
        f_in,
        "stopped, the model stays"
    );
    net.bold_start(bold)?;
    net.simulate(10.0)?;
    let f = net.bold_get(bold, "f_in")?;
    assert_eq!(f.steps[0], 250);
    assert!(f.values[0][0] > f_in, "started again, the model goes on");
    // The BOLD population's attributes are read and written as any.
    net.set(bold.population(), "phi", 2.0)?;
    assert_eq!(net.pop(bold.population()).phi(), 2.0);
    Ok(())
}

#[test]
fn default_scales_average_over_all_neurons() -> annarchy::Result<()> {
    let mut b = Network::builder();
    let (small, large) = two_inputs(&mut b)?;
    let recorded = || BoldOptions {
        recorded_variables: Some(vec!["I_CBF"]),
        start: true,
        ..BoldOptions::default()
    };
    let all = b.bold_monitor::<balloon_RN>(&[small.into(), large.into()], recorded())?;
    let scaled = b.bold_monitor::<balloon_RL>(
        &[small.into(), large.into()],
        BoldOptions {
            scale_factor: Some(vec![2.0, -1.0]),
            ..recorded()
        },
    )?;
    // A view of ranks 2 and 4 of `large` (6 and 10) with the 3 of `small`.
    let view = b.view(large, [2, 4])?;
    let viewed = b.bold_monitor::<balloon_CN>(&[small.into(), view.into()], recorded())?;
    let mut net = b.build()?;
    net.simulate(3.0)?;
    fn input<M>(net: &mut Network, m: BoldMonitor<M>) -> annarchy::Result<Vec<f64>> {
        Ok(net.bold_get(m, "I_CBF")?.values.concat())
    }
    // Step 0 reads the rates before the first update: the populations' own
    // initial values, set at build time.
    assert_eq!(input(&mut net, all)?, [4.5; 3]);
    // 2 * mean(small) - mean(large) = 2 * 2 - 6.
    assert_eq!(input(&mut net, scaled)?, [-2.0; 3]);
    // (3 * 2 + 2 * 8) / 5.
    assert_abs_diff_eq!(input(&mut net, viewed)?[..], [4.4; 3][..], epsilon = 1e-12);
    Ok(())
}

#[test]
fn normalized_inputs_are_relative_to_their_baseline() -> annarchy::Result<()> {
    let mut b = Network::builder().dt(0.5)?;
    let (small, large) = two_inputs(&mut b)?;
    let bold = b.bold_monitor::<balloon_RN>(
        &[small.into(), large.into()],
        BoldOptions {
            normalize_input: Some(vec![10.0, 0.0]),
            recorded_variables: Some(vec!["I_CBF"]),
            ..BoldOptions::default()
        },
    )?;
    let mut net = b.build()?;
    net.simulate(5.0)?;
    net.bold_start(bold)?;
    assert_eq!(net.bold_baselines(bold), [None, None]);
    net.simulate(10.0)?;
    // The baseline period (20 steps) has not ended: `small` gives nothing.
    let during = net.bold_get(bold, "I_CBF")?;
    assert_eq!(during.values.len(), 20);
    assert!(during.values.iter().all(|v| v[0] == 5.0 / 8.0 * 6.0));
    assert_eq!(net.bold_baselines(bold), [None, None]);
    net.set(small, "r", vec![2.0, 3.0, 4.0])?;
    net.simulate(1.0)?;
    let baseline = Baseline {
        mean: 2.0,
        std: 0.0,
    };
    assert_eq!(net.bold_baselines(bold), [Some(baseline), None]);
    // The relative deviation of the mean 3 from the baseline 2, scaled by 3/8.
    let after = net.bold_get(bold, "I_CBF")?;
    let expected = 3.0 / 8.0 * ((3.0 - 2.0) / (2.0 + 1e-7)) + 5.0 / 8.0 * 6.0;
    assert_eq!(after.values, [[expected], [expected]]);
    Ok(())
}

/// A network reset to step 0 records the same BOLD signal again, its
/// normalised input included: the baseline is forgotten and its period
/// starts again.
#[test]
fn a_reset_network_records_the_same_signal_again() -> annarchy::Result<()> {
    let mut b = Network::builder().dt(1.0)?;
    let pop = b.population::<Trace>("trace", 4)?;
    b.set(pop, "a", vec![0.5, 1.0, 1.5, 2.0])?;
    b.set(pop, "omega", 0.01)?;
    let bold = b.bold_monitor::<balloon_RN>(
        &[pop.into()],
        BoldOptions {
            normalize_input: Some(vec![50.0]),
            recorded_variables: Some(vec!["I_CBF"]),
            start: true,
            ..BoldOptions::default()
        },
    )?;
    let mut net = b.build()?;
    let mut runs = Vec::new();
    for _ in 0..2 {
        net.simulate(300.0)?;
        let baselines = net.bold_baselines(bold);
        assert!(baselines[0].is_some(), "the baseline period ended");
        let input = net.bold_get(bold, "I_CBF")?.values;
        let signal = net.bold_get(bold, "BOLD")?.values;
        // The input is 0 during the baseline period, then it moves.
        assert!(input[..50].iter().all(|v| v[0] == 0.0));
        assert!(input[50..].iter().any(|v| v[0] != 0.0));
        runs.push((baselines, input, signal));
        net.reset(true, true, false, true);
        assert_eq!(net.bold_baselines(bold), [None]);
    }
    assert!(runs[0] == runs[1], "the second run differs from the first");
    Ok(())
}
