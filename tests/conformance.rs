//! Conformance with ANNarchy 4.8.2: every reference case (../shared/reference,
//! or `$ANNARCHY_REFERENCE_DIR`) is rebuilt from its JSON description,
//! simulated, and compared column by column with the recorded CSV.
//!
//! Models are compiled at build time, so a case's custom model must match,
//! block for block, one of the models compiled below (its parameter values may
//! differ: they are set from the case). A case whose network cannot be built
//! is a failure that names the case. Spiking cases are listed as not run
//! until spiking networks are available.

mod common;

use annarchy::prelude::*;
use annarchy::runtime::model::{ModelInfo, NeuronModel, SynapseModel};
use annarchy::runtime::network::Neurons;
use common::reference::{
    Case, ConnectorSpec, InputSpec, ModelKind, Number, ParamValue, RecordRank, WeightSpec, compare,
    list_cases, load_case, reference_dir,
};

/// Custom models of the reference cases, compiled like any user model.
mod custom {
    use annarchy::neuron;

    macro_rules! linear {
        ($name:ident, $method:literal) => {
            neuron! {
                /// `tau * dv/dt = -v + I` with one method.
                pub struct $name {
                    parameters: "tau = 10.0\nI = 1.0",
                    equations: concat!("tau * dv/dt = -v + I : init = 0.0, ", $method, "\nr = v"),
                }
            }
        };
    }
    macro_rules! fhn {
        ($name:ident, $method:literal) => {
            neuron! {
                /// FitzHugh-Nagumo with one method.
                pub struct $name {
                    parameters: "tau_v = 5.0\ntau_w = 60.0\na = 0.7\nb = 0.8\nI = 0.5",
                    equations: concat!(
                        "tau_v * dv/dt = v - v^3/3.0 - w + I : init = -1.0, ", $method,
                        "\ntau_w * dw/dt = v + a - b*w : init = 1.0, ", $method,
                        "\nr = v"
                    ),
                }
            }
        };
    }
    macro_rules! coupled {
        ($name:ident, $method:literal) => {
            neuron! {
                /// Linear, coupled linear (and cubic) ODEs with one method.
                pub struct $name {
                    parameters: "tau = 10.0\nI = 1.0",
                    equations: concat!(
                        "tau * dv/dt = -v + I : init = 0.0, ", $method,
                        "\ntau * dy/dt = -y - z + I : init = 0.0, ", $method,
                        "\ntau * dz/dt = y - z : init = 0.0, ", $method,
                        "\ntau * dx/dt = -x^3 + I : init = 0.0, ", $method,
                        "\nr = v"
                    ),
                }
            }
        };
    }
    macro_rules! coupled_linear {
        ($name:ident, $method:literal) => {
            neuron! {
                /// Linear and coupled linear ODEs with one method.
                pub struct $name {
                    parameters: "tau = 10.0\nI = 1.0",
                    equations: concat!(
                        "tau * dv/dt = -v + I : init = 0.0, ", $method,
                        "\ntau * dy/dt = -y - z + I : init = 0.0, ", $method,
                        "\ntau * dz/dt = y - z : init = 0.0, ", $method,
                        "\nr = v"
                    ),
                }
            }
        };
    }

    linear!(LinearExplicit, "explicit");
    linear!(LinearImplicit, "implicit");
    linear!(LinearSemiImplicit, "semiimplicit");
    linear!(LinearExponential, "exponential");
    linear!(LinearMidpoint, "midpoint");
    linear!(LinearRk4, "rk4");
    fhn!(FhnExplicit, "explicit");
    fhn!(FhnImplicit, "implicit");
    fhn!(FhnMidpoint, "midpoint");
    fhn!(FhnRk4, "rk4");
    coupled!(CoupledExplicit, "explicit");
    coupled!(CoupledMidpoint, "midpoint");
    coupled!(CoupledRk4, "rk4");
    coupled_linear!(CoupledImplicit, "implicit");
    coupled_linear!(CoupledSemiImplicit, "semiimplicit");
    coupled_linear!(CoupledExponential, "exponential");

    neuron! {
        /// A neuron whose rate is its excitatory input.
        pub struct SumExc {
            equations: "r = sum(exc)",
        }
    }

    macro_rules! izhikevich {
        ($name:ident, $method:literal) => {
            neuron! {
                /// Izhikevich's quadratic neuron with one method.
                pub struct $name {
                    parameters: "a = 0.02\nb = 0.2\nc = -65.0\nd = 8.0\nI = 10.0",
                    equations: concat!(
                        "dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u + I : init = -65.0, ", $method,
                        "\ndu/dt = a * (b * v - u) : init = -13.0, ", $method
                    ),
                    spike: "v >= 30.0",
                    reset: "v = c\nu += d",
                }
            }
        };
    }
    izhikevich!(IzhExplicit, "explicit");
    izhikevich!(IzhMidpoint, "midpoint");
    izhikevich!(IzhRk4, "rk4");

    neuron! {
        /// Spikes one step after each drive spike.
        pub struct Relay {
            equations: "v = g_drive + 0.0 * g_exc",
            spike: "v > 0.5",
            reset: "",
        }
    }

    neuron! {
        /// Relay of the STDP case, on target `stdp`.
        pub struct RelayStdp {
            equations: "v = g_drive + 0.0 * g_stdp",
            spike: "v > 0.5",
            reset: "",
        }
    }

    neuron! {
        /// A conductance with its own explicit ODE, read through `v`.
        pub struct OdeExplicit {
            parameters: "tau = 5.0",
            equations: "tau * dg_exc/dt = -g_exc : explicit\nv = g_exc",
            spike: "v > 1e9",
            reset: "",
        }
    }

    neuron! {
        /// A conductance without ODE, read through `v`.
        pub struct NoOde {
            equations: "v = g_exc",
            spike: "v > 1e9",
            reset: "",
        }
    }
}

type AddPop = fn(&mut NetworkBuilder, &str, usize) -> annarchy::Result<AnyPop>;

fn add<M: NeuronModel>(
    b: &mut NetworkBuilder,
    name: &str,
    size: usize,
) -> annarchy::Result<AnyPop> {
    b.population::<M>(name, size).map(Into::into)
}

fn neuron_entry<M: NeuronModel>() -> (&'static ModelInfo, AddPop) {
    (M::INFO, add::<M>)
}

/// Every compiled neuron model the cases may use, standard ones first.
fn neuron_models() -> Vec<(&'static ModelInfo, AddPop)> {
    use custom::*;
    vec![
        neuron_entry::<LeakyIntegrator>(),
        neuron_entry::<InputArray>(),
        neuron_entry::<LinearExplicit>(),
        neuron_entry::<LinearImplicit>(),
        neuron_entry::<LinearSemiImplicit>(),
        neuron_entry::<LinearExponential>(),
        neuron_entry::<LinearMidpoint>(),
        neuron_entry::<LinearRk4>(),
        neuron_entry::<FhnExplicit>(),
        neuron_entry::<FhnImplicit>(),
        neuron_entry::<FhnMidpoint>(),
        neuron_entry::<FhnRk4>(),
        neuron_entry::<CoupledExplicit>(),
        neuron_entry::<CoupledMidpoint>(),
        neuron_entry::<CoupledRk4>(),
        neuron_entry::<CoupledImplicit>(),
        neuron_entry::<CoupledSemiImplicit>(),
        neuron_entry::<CoupledExponential>(),
        neuron_entry::<SumExc>(),
        neuron_entry::<IzhExplicit>(),
        neuron_entry::<IzhMidpoint>(),
        neuron_entry::<IzhRk4>(),
        neuron_entry::<Relay>(),
        neuron_entry::<RelayStdp>(),
        neuron_entry::<OdeExplicit>(),
        neuron_entry::<NoOde>(),
        neuron_entry::<Izhikevich>(),
        neuron_entry::<IF_curr_exp>(),
        neuron_entry::<IF_cond_exp>(),
        neuron_entry::<IF_curr_alpha>(),
        neuron_entry::<IF_cond_alpha>(),
        neuron_entry::<EIF_cond_exp_isfa_ista>(),
        neuron_entry::<EIF_cond_alpha_isfa_ista>(),
        neuron_entry::<HH_cond_exp>(),
    ]
}

/// Whitespace-normalised lines of a block.
fn normalise(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

/// `name = value` pairs of a parameters block.
fn parameter_defaults(s: &str) -> Vec<(String, f64)> {
    normalise(s)
        .iter()
        .filter_map(|l| {
            let l = l.split(':').next()?;
            let (n, v) = l.split_once('=')?;
            Some((n.trim().to_string(), v.trim().parse().ok()?))
        })
        .collect()
}

fn parameter_names(s: &str) -> Vec<String> {
    normalise(s)
        .iter()
        .map(|l| l.split([':', '=']).next().unwrap_or("").trim().to_string())
        .collect()
}

/// The compiled model matching a custom model of a case: same equations
/// (and other blocks), same parameter names.
fn find_custom(model: &common::reference::CustomModel) -> Option<(&'static ModelInfo, AddPop)> {
    neuron_models().into_iter().find(|(info, _)| {
        let src = info.source;
        let blocks = [
            ("equations", src.equations),
            ("spike", src.spike),
            ("reset", src.reset),
            ("functions", src.functions),
        ];
        blocks
            .iter()
            .all(|(k, text)| normalise(model.block(k).unwrap_or("")) == normalise(text))
            && parameter_names(model.block("parameters").unwrap_or(""))
                == parameter_names(src.parameters)
    })
}

fn number_value(n: &Number) -> AttrValue {
    match n {
        Number::Scalar(v) => AttrValue::Scalar(*v),
        Number::List(v) => AttrValue::Array(v.clone()),
    }
}

fn weights_matrix(w: &WeightSpec, post: usize, pre: usize) -> Vec<Vec<Option<f64>>> {
    match w {
        WeightSpec::Matrix(m) => m.clone(),
        WeightSpec::Scalar(v) => vec![vec![Some(*v); pre]; post],
    }
}

fn build(case: &Case, precision: Precision) -> Result<Network, String> {
    let e = |e: annarchy::Error| e.to_string();
    let mut b = Network::builder()
        .dt(case.dt)
        .map_err(e)?
        .precision(precision)
        .map_err(e)?
        .seed(42);
    let mut pops: Vec<(String, AnyPop)> = Vec::new();
    for p in &case.populations {
        let pop: AnyPop = match (p.model.as_str(), &p.input) {
            ("InputArray", Some(InputSpec::InputArray { r })) => {
                let pop = b.population::<InputArray>(&p.name, p.size).map_err(e)?;
                b.set(pop, "r", number_value(r)).map_err(e)?;
                pop.into()
            }
            ("SpikeSourceArray", Some(InputSpec::SpikeSourceArray { spike_times })) => b
                .spike_source_array(&p.name, spike_times)
                .map_err(e)?
                .into(),
            (
                "TimedArray",
                Some(InputSpec::TimedArray {
                    rates,
                    schedule,
                    period,
                }),
            ) => b
                .timed_array(
                    &p.name,
                    p.size,
                    rates.clone(),
                    Schedule::Every(*schedule),
                    *period,
                )
                .map_err(e)?
                .into(),
            (model, _) => {
                if let Some(custom) = case.custom_model(model) {
                    if custom.kind != ModelKind::Neuron {
                        return Err(format!("`{model}` is used as a neuron but is a synapse"));
                    }
                    let (_, add) = find_custom(custom).ok_or_else(|| {
                        format!("no compiled neuron model matches the custom model `{model}`")
                    })?;
                    let pop = add(&mut b, &p.name, p.size).map_err(e)?;
                    for (n, v) in parameter_defaults(custom.block("parameters").unwrap_or("")) {
                        b.set(pop, &n, v).map_err(e)?;
                    }
                    pop
                } else {
                    let (_, add) = neuron_models()
                        .into_iter()
                        .find(|(info, _)| info.type_name == model)
                        .ok_or_else(|| format!("unknown model `{model}`"))?;
                    add(&mut b, &p.name, p.size).map_err(e)?
                }
            }
        };
        for (n, v) in p.parameters.iter().chain(&p.init) {
            b.set(pop, n, number_value(v)).map_err(e)?;
        }
        pops.push((p.name.clone(), pop));
    }
    let find = |name: &str| -> Result<AnyPop, String> {
        pops.iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| *p)
            .ok_or_else(|| format!("unknown population `{name}`"))
    };
    for p in &case.projections {
        let (pre, post) = (find(&p.pre)?, find(&p.post)?);
        let proj: AnyProj = match p.synapse.as_deref() {
            None if is_spiking(case, &p.pre) => {
                connect::<DefaultSpikingSynapse>(&mut b, case, p, pre, post)?
            }
            None => connect::<DefaultRateSynapse>(&mut b, case, p, pre, post)?,
            Some("STP") => connect::<STP>(&mut b, case, p, pre, post)?,
            Some("STDP") => connect::<STDP>(&mut b, case, p, pre, post)?,
            Some("Hebb") => connect::<Hebb>(&mut b, case, p, pre, post)?,
            Some("Oja") => connect::<Oja>(&mut b, case, p, pre, post)?,
            Some("IBCM") => connect::<IBCM>(&mut b, case, p, pre, post)?,
            Some(other) => return Err(format!("no compiled synapse model `{other}`")),
        };
        for (n, v) in p.parameters.iter().chain(&p.init) {
            set_proj(&mut b, proj, n, v).map_err(e)?;
        }
    }
    b.build().map_err(e)
}

/// Whether a population of the case is spiking (input or model).
fn is_spiking(case: &Case, pop: &str) -> bool {
    let Some(p) = case.population(pop) else {
        return false;
    };
    match p.model.as_str() {
        "SpikeSourceArray" => true,
        "InputArray" | "TimedArray" | "LeakyIntegrator" => false,
        m => case.custom_model(m).is_none_or(|c| c.is_spiking()),
    }
}

fn set_proj(
    b: &mut NetworkBuilder,
    proj: AnyProj,
    name: &str,
    v: &ParamValue,
) -> annarchy::Result<()> {
    match v {
        ParamValue::Scalar(x) => b.proj_set(proj, name, *x),
        ParamValue::List(l) => b.proj_set(proj, name, l.clone()),
        ParamValue::Matrix(m) => {
            for (post, row) in m.iter().enumerate() {
                for (pre, x) in row.iter().enumerate() {
                    if b.synapse(proj, post as u32, pre as u32, name).is_ok() {
                        b.set_synapse(proj, post as u32, pre as u32, name, *x)?;
                    }
                }
            }
            Ok(())
        }
    }
}

fn connect<S: SynapseModel>(
    b: &mut NetworkBuilder,
    _case: &Case,
    p: &common::reference::ProjectionSpec,
    pre: AnyPop,
    post: AnyPop,
) -> Result<AnyProj, String> {
    let e = |e: annarchy::Error| e.to_string();
    let ConnectorSpec {
        kind,
        weights,
        delays,
        ..
    } = &p.connector;
    let (npre, npost) = (b.population_size(pre), b.population_size(post));
    let pb = b
        .projection::<S>(Neurons::from(pre), Neurons::from(post), &p.target)
        .name(&p.name);
    let id = match (kind.as_str(), weights, delays) {
        ("one_to_one", WeightSpec::Scalar(w), WeightSpec::Scalar(d)) => {
            pb.delays(*d).connect_one_to_one(*w).map_err(e)?
        }
        ("all_to_all", WeightSpec::Scalar(w), WeightSpec::Scalar(d)) => {
            pb.delays(*d).connect_all_to_all(*w).map_err(e)?
        }
        ("all_to_all" | "from_matrix", w, WeightSpec::Scalar(d)) => {
            let m = weights_matrix(w, npost, npre);
            pb.delays(*d).connect_from_matrix(&m).map_err(e)?
        }
        ("all_to_all" | "from_matrix", w, WeightSpec::Matrix(d)) => {
            let m = weights_matrix(w, npost, npre);
            pb.connect_from_matrix_with_delays(&m, d).map_err(e)?
        }
        (k, _, _) => {
            return Err(format!(
                "projection `{}`: unsupported connector `{k}`",
                p.name
            ));
        }
    };
    Ok(id.into())
}

fn set_event(net: &mut Network, case: &Case, ev: &common::reference::Event) -> Result<(), String> {
    let e = |e: annarchy::Error| e.to_string();
    if case.population(&ev.object).is_some() {
        let pop = net.get_population(&ev.object).map_err(e)?;
        net.set(pop, &ev.attribute, number_value(&ev.value))
            .map_err(e)
    } else {
        let proj = net.get_projection(&ev.object).map_err(e)?;
        match &ev.value {
            Number::Scalar(v) => net.proj_set(proj, &ev.attribute, *v).map_err(e),
            Number::List(v) => net.proj_set(proj, &ev.attribute, v.clone()).map_err(e),
        }
    }
}

fn read_row(net: &Network, case: &Case) -> Result<Vec<f64>, String> {
    let e = |e: annarchy::Error| e.to_string();
    let mut row = Vec::with_capacity(case.columns.len());
    for c in &case.columns {
        let v = if case.population(&c.object).is_some() {
            let pop = net.get_population(&c.object).map_err(e)?;
            let RecordRank::Neuron(r) = c.rank else {
                return Err(format!(
                    "column {} of a population has a synapse rank",
                    c.name()
                ));
            };
            if c.is_spike() {
                f64::from(u8::from(net.spiked(pop).contains(&(r as u32))))
            } else if c.before_update {
                // Filled from a monitor after the run.
                f64::NAN
            } else {
                let values = net.get(pop, &c.variable).map_err(e)?;
                if values.len() == 1 {
                    values[0]
                } else {
                    values[r]
                }
            }
        } else {
            let proj = net.get_projection(&c.object).map_err(e)?;
            match c.rank {
                RecordRank::Synapse { post, pre } => net
                    .synapse(proj, post as u32, pre as u32, &c.variable)
                    .map_err(e)?,
                RecordRank::Neuron(post) => net
                    .dendrite_value(proj, post as u32, &c.variable)
                    .map_err(e)?,
            }
        };
        row.push(v);
    }
    Ok(row)
}

fn run(case: &Case) -> Result<(), String> {
    compare(case, &simulate(case, Precision::Double)?)
}

/// The rows of a case simulated in `precision`.
fn simulate(case: &Case, precision: Precision) -> Result<Vec<Vec<f64>>, String> {
    let e = |e: annarchy::Error| e.to_string();
    let mut net = build(case, precision)?;
    // Columns recorded before the neuron update (conductances) come from monitors.
    let mut monitors = Vec::new();
    for (c, col) in case.columns.iter().enumerate() {
        if col.before_update {
            let pop = net.get_population(&col.object).map_err(e)?;
            let m = net.monitor(pop, &[col.variable.as_str()]).map_err(e)?;
            monitors.push((c, m));
        }
    }
    let mut rows = Vec::with_capacity(case.steps);
    for step in 0..case.steps {
        for ev in case.events_at(step) {
            set_event(&mut net, case, ev)?;
        }
        net.step();
        rows.push(read_row(&net, case)?);
    }
    for (c, m) in monitors {
        let col = &case.columns[c];
        let RecordRank::Neuron(rank) = col.rank else {
            return Err(format!("column {} has a synapse rank", col.name()));
        };
        let rec = net.monitor_get(m, &col.variable).map_err(e)?;
        if rec.values.len() != rows.len() {
            return Err(format!(
                "monitor of {} recorded {} rows",
                col.name(),
                rec.values.len()
            ));
        }
        for (row, values) in rows.iter_mut().zip(&rec.values) {
            row[c] = values[rank];
        }
    }
    Ok(rows)
}

#[test]
fn reference_cases() {
    let dir = reference_dir();
    let cases = list_cases(&dir).expect("the reference folder can be listed");
    assert!(!cases.is_empty(), "no reference case in {}", dir.display());
    let (mut passed, mut failed) = (Vec::new(), Vec::new());
    for path in &cases {
        let case = match load_case(path) {
            Ok(c) => c,
            Err(msg) => {
                failed.push(format!("{}: {msg}", path.display()));
                continue;
            }
        };
        match run(&case) {
            Ok(()) => passed.push(case.name.clone()),
            Err(msg) => failed.push(format!("{}: {msg}", case.name)),
        }
    }
    println!("reference cases from {}", dir.display());
    for f in &failed {
        println!("FAILED {f}");
    }
    println!(
        "conformance: {} passed, {} failed",
        passed.len(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "{} reference cases failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// In single precision, the rate-coded reference cases hold to `f32`'s
/// accuracy: a relative error of 1e-3 after hundreds of steps (the
/// spiking ones may move a spike by a step, which changes what follows).
/// Cases whose values leave `f32`'s range (diverging explicit methods) are
/// left aside: they overflow sooner in `f32`.
#[test]
fn rate_coded_reference_cases_in_single_precision() {
    let dir = reference_dir();
    let cases = list_cases(&dir).expect("the reference folder can be listed");
    let (mut passed, mut failed) = (0, Vec::new());
    for path in &cases {
        let Ok(mut case) = load_case(path) else {
            continue; // Reported by `reference_cases`.
        };
        let beyond_f32 = |x: &f64| !x.is_finite() || x.abs() > f64::from(f32::MAX);
        if case.populations.iter().any(|p| is_spiking(&case, &p.name))
            || case.data.iter().flatten().any(beyond_f32)
        {
            continue;
        }
        case.tolerance.rtol = case.tolerance.rtol.max(1e-3);
        case.tolerance.atol = case.tolerance.atol.max(1e-4);
        match simulate(&case, Precision::Single).and_then(|rows| compare(&case, &rows)) {
            Ok(()) => passed += 1,
            Err(msg) => failed.push(format!("{}: {msg}", case.name)),
        }
    }
    println!("single precision: {passed} passed, {} failed", failed.len());
    assert!(passed > 0, "no rate-coded case in {}", dir.display());
    assert!(
        failed.is_empty(),
        "{} cases failed in single precision:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
