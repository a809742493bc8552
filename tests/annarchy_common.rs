//! ANNarchy 4.8's own tests of the equation language (`tests/Common/`):
//! built-in functions, user functions, if-then-else, numerical methods,
//! random variables and `simulate_until`; one `#[test]` per ANNarchy test
//! method, with the same expected values.
//!
//! Each ANNarchy test class becomes a builder function that mirrors its
//! `setUpClass` and `setUp`. Tests are named `<class>_<method>`. The list of
//! ported tests, and of those that cannot apply yet, is in `TESTS.md`.

use annarchy::prelude::*;
use approx::{assert_abs_diff_eq, assert_relative_eq};

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

/// First column of a recording (`data[:, 0]`).
fn column(rec: &Recording, k: usize) -> Vec<f64> {
    rec.values.iter().map(|row| row[k]).collect()
}

// ---------------------------------------------------------------------------
// tests/Common/test_BuiltinFunctions.py

neuron! {
    /// `modulo`, `power` and `clip`.
    struct BuiltinFuncs {
        parameters: "base = 2.0",
        equations: "
            r = modulo(t,3)
            pr = power(base,3)
            clip_below = clip(-2, -1, 1)
            clip_within = clip(0, -1, 1)
            clip_above = clip(2, -1, 1)
        ",
    }
}

/// `test_BuiltinFunctions`: one neuron, every variable monitored.
fn builtin_functions() -> annarchy::Result<(Network, MonitorId)> {
    let mut b = Network::builder();
    let pop1 = b.population::<BuiltinFuncs>("pop1", 1)?;
    let mon = b.monitor(
        pop1,
        &["r", "pr", "clip_below", "clip_within", "clip_above"],
    )?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok((net, mon))
}

#[test]
fn test_builtin_functions_modulo() -> TestResult {
    let (mut net, mon) = builtin_functions()?;
    net.simulate(10.0)?;
    let data_m = net.monitor_get(mon, "r")?;
    assert_eq!(
        data_m.values,
        [
            [0.0],
            [1.0],
            [2.0],
            [0.0],
            [1.0],
            [2.0],
            [0.0],
            [1.0],
            [2.0],
            [0.0]
        ]
    );
    Ok(())
}

#[test]
fn test_builtin_functions_integer_power() -> TestResult {
    let (mut net, mon) = builtin_functions()?;
    net.simulate(1.0)?;
    assert_eq!(net.monitor_get(mon, "pr")?.values, [[8.0]]);
    Ok(())
}

#[test]
fn test_builtin_functions_clip_below() -> TestResult {
    let (mut net, mon) = builtin_functions()?;
    net.simulate(1.0)?;
    assert_eq!(net.monitor_get(mon, "clip_below")?.values, [[-1.0]]);
    Ok(())
}

#[test]
fn test_builtin_functions_clip_within() -> TestResult {
    let (mut net, mon) = builtin_functions()?;
    net.simulate(1.0)?;
    assert_eq!(net.monitor_get(mon, "clip_within")?.values, [[0.0]]);
    Ok(())
}

#[test]
fn test_builtin_functions_clip_above() -> TestResult {
    let (mut net, mon) = builtin_functions()?;
    net.simulate(1.0)?;
    assert_eq!(net.monitor_get(mon, "clip_above")?.values, [[1.0]]);
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/Common/test_CustomFunc.py

neuron! {
    /// A neuron with its own (nested if-then-else) function.
    struct CustomFuncNeuron {
        equations: "r = transfer_function(sum(exc), 0.0)",
        functions: "transfer_function(x, t) = if x > t: if x > 2*t : (x - 2*t)^2 else: x - t else: 0.",
    }
}

neuron! {
    /// ANNarchy defines `glob_pos` with `add_function` (global to all
    /// models); here it is the model's own function.
    struct CustomFuncNeuron2 {
        equations: "r = glob_pos(sum(exc))",
        functions: "glob_pos(x) = pos(x)",
    }
}

synapse! {
    /// A synapse with its own function.
    struct CustomFuncSynapse {
        equations: "w += hebb(pre.r, post.r)",
        functions: "hebb(x, y) = x * y",
    }
}

/// `test_CustomFunc`: the network only has to build; the functions are
/// then called directly.
fn custom_func() -> annarchy::Result<Network> {
    let mut b = Network::builder();
    let pop1 = b.population::<CustomFuncNeuron>("pop1", 10)?;
    b.population::<CustomFuncNeuron2>("pop2", 10)?;
    b.projection::<CustomFuncSynapse>(pop1, pop1, "exc")
        .connect_all_to_all(1.0)?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok(net)
}

#[test]
fn test_custom_func_neuron() -> TestResult {
    custom_func()?;
    let x = [0.0, 1.0, 2.0, 3.0];
    let t = [2.0, 2.0, 2.0, 2.0];
    let values: Vec<f64> = x
        .iter()
        .zip(&t)
        .map(|(&x, &t)| CustomFuncNeuron::transfer_function(x, t))
        .collect();
    assert_all_close(&values, &[0.0, 0.0, 0.0, 1.0]);
    Ok(())
}

#[test]
fn test_custom_func_synapse() -> TestResult {
    custom_func()?;
    let x = [0.0, 1.0, 2.0, 3.0];
    let values: Vec<f64> = x
        .iter()
        .zip(&x)
        .map(|(&x, &y)| CustomFuncSynapse::hebb(x, y))
        .collect();
    assert_all_close(&values, &[0.0, 1.0, 4.0, 9.0]);
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/Common/test_ITE.py

neuron! {
    /// `if` expression on one line.
    struct SimpleIte {
        equations: "r = if (t is 1): 1.0 else: 0.0",
    }
}

neuron! {
    /// Nested `if` expression over several lines.
    struct NestedIte {
        parameters: "state = 1.0",
        equations: "
            r = if (t <= 5):
                    0
                else:
                    if (t >= 7):
                        2
                    else:
                        1
        ",
    }
}

neuron! {
    /// `if` expression in an ODE.
    struct IteInOde {
        equations: "dr/dt = if t > 5: 1 else: 0",
    }
}

neuron! {
    /// `ite()` function.
    struct SimpleIte2 {
        equations: "r = ite(t is 1, 1.0, 0.0)",
    }
}

neuron! {
    /// Nested `ite()`.
    struct NestedIte2 {
        parameters: "state = 2.0",
        equations: "r = ite(state >= 2, 2, ite(state == 1, 1, 0))",
    }
}

neuron! {
    /// `ite()` with `and` in an ODE.
    struct IteInOde2 {
        equations: "dr/dt = ite((t > 5) and (t <20), 1, 0)",
    }
}

#[test]
fn test_ite_works() -> TestResult {
    let mut b = Network::builder();
    let pop1 = b.population::<SimpleIte>("pop1", 1)?;
    let pop2 = b.population::<NestedIte>("pop2", 1)?;
    let pop3 = b.population::<IteInOde>("pop3", 1)?;
    let pop4 = b.population::<SimpleIte2>("pop4", 1)?;
    let pop5 = b.population::<NestedIte2>("pop5", 1)?;
    let pop6 = b.population::<IteInOde2>("pop6", 1)?;
    let mut net = b.build()?;
    reset(&mut net);

    net.simulate(10.0)?;

    assert_relative_eq!(net.pop(pop1).r()[0], 0.0);
    assert_relative_eq!(net.pop(pop2).r()[0], 2.0);
    assert_relative_eq!(net.pop(pop3).r()[0], 4.0);
    assert_relative_eq!(net.pop(pop4).r()[0], 0.0);
    assert_relative_eq!(net.pop(pop5).r()[0], 2.0);
    assert_relative_eq!(net.pop(pop6).r()[0], 4.0);
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/Common/test_NumericalMethod.py (test_Precision; the other classes are
// spiking networks, ported in annarchy_spiking.rs)

macro_rules! precision_neuron {
    ($name:ident, $method:literal) => {
        neuron! {
            /// Two coupled linear ODEs with one numerical method.
            struct $name {
                parameters: "
                    tau = 10.0
                    I = 0.0
                ",
                equations: concat!(
                    "tau * dv/dt = -v -u + I : ", $method, "\n",
                    "tau * du/dt = - u + I : ", $method, "\n",
                    "r = pos(v)"
                ),
            }
        }
    };
}

precision_neuron!(PrecisionExplicit, "explicit");
precision_neuron!(PrecisionImplicit, "implicit");
precision_neuron!(PrecisionMidpoint, "midpoint");
precision_neuron!(PrecisionExponential, "exponential");

#[test]
fn test_precision_precision() -> TestResult {
    let mut b = Network::builder();
    let pop_explicit = b.population::<PrecisionExplicit>("explicit", 1)?;
    let m_explicit = b.monitor(pop_explicit, &["v", "u"])?;
    let pop_implicit = b.population::<PrecisionImplicit>("implicit", 1)?;
    let m_implicit = b.monitor(pop_implicit, &["v", "u"])?;
    let pop_midpoint = b.population::<PrecisionMidpoint>("midpoint", 1)?;
    let m_midpoint = b.monitor(pop_midpoint, &["v", "u"])?;
    let pop_exponential = b.population::<PrecisionExponential>("exponential", 1)?;
    let m_exponential = b.monitor(pop_exponential, &["v", "u"])?;
    let mut net = b.build()?;

    net.simulate(20.0)?;
    for name in ["explicit", "implicit", "midpoint", "exponential"] {
        let pop = net.get_population(name)?;
        net.set(pop, "I", 1.0)?;
    }
    net.simulate(80.0)?;

    let data_explicit = column(&net.monitor_get(m_explicit, "v")?, 0);
    let data_implicit = column(&net.monitor_get(m_implicit, "v")?, 0);
    let data_midpoint = column(&net.monitor_get(m_midpoint, "v")?, 0);
    let data_exponential = column(&net.monitor_get(m_exponential, "v")?, 0);
    assert_eq!(data_explicit.len(), 100);

    let data_mean: Vec<f64> = (0..data_explicit.len())
        .map(|i| {
            (data_explicit[i] + data_implicit[i] + data_midpoint[i] + data_exponential[i]) / 4.0
        })
        .collect();
    let error = |data: &[f64]| {
        data.iter()
            .zip(&data_mean)
            .map(|(x, m)| (x - m).abs())
            .fold(0.0, f64::max)
    };

    assert!(error(&data_explicit) < 0.05);
    assert!(error(&data_implicit) < 0.05);
    assert!(error(&data_midpoint) < 0.05);
    assert!(error(&data_exponential) < 0.05);
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/Common/test_RandomVariables.py

neuron! {
    /// A local random variable.
    struct LocalEquation {
        equations: "r = Uniform(0,1)",
    }
}

neuron! {
    /// A global random variable.
    struct GlobalEquation {
        parameters: "",
        equations: "r = Uniform(0,1) : population",
    }
}

synapse! {
    /// A synaptic random variable.
    struct RandomSynapse {
        equations: "w = Normal(1.0, 0.001)",
    }
}

/// `test_NeuronRandomVariables`: a local and a global population of 3
/// neurons, seed 1.
fn neuron_random_variables()
-> annarchy::Result<(Network, PopId<LocalEquation>, PopId<GlobalEquation>)> {
    let mut b = Network::builder().seed(1);
    let local = b.population::<LocalEquation>("tc_loc_pop", 3)?;
    let global = b.population::<GlobalEquation>("tc_glob_pop", 3)?;
    let mut net = b.build()?;
    reset(&mut net);
    Ok((net, local, global))
}

#[test]
fn test_neuron_random_variables_local_neuron_random_variable() -> TestResult {
    let (mut net, local, _) = neuron_random_variables()?;
    net.simulate(1.0)?;
    let r = net.pop(local).r();
    for &x in r {
        assert_abs_diff_eq!(x, 0.5, epsilon = 0.5); // 0 <= x <= 1
    }
    assert!(!r.iter().all(|&x| x.abs() <= 1e-8)); // x != 0
    let max = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = r.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(max != min); // different values
    Ok(())
}

#[test]
fn test_neuron_random_variables_global_neuron_random_variable() -> TestResult {
    let (mut net, _, global) = neuron_random_variables()?;
    net.simulate(1.0)?;
    let r = net.pop(global).r();
    assert_abs_diff_eq!(r, 0.5, epsilon = 0.5); // 0 <= x <= 1
    assert!((r - 0.0).abs() >= 0.5e-7); // x != 0 (7 decimal places)
    Ok(())
}

#[test]
fn test_synapse_random_variables_local_synapse_random_variable() -> TestResult {
    let mut b = Network::builder().seed(1);
    let v = b.population::<LeakyIntegrator>("v", 5)?;
    let proj = b
        .projection::<RandomSynapse>(v, v, "exc")
        .connect_fixed_number_pre(1, 0.0)?;
    let mut net = b.build()?;
    reset(&mut net);

    net.simulate(1.0)?;

    let w = net.proj(proj).w();
    assert_eq!(w.len(), 5);
    for &x in w {
        assert_abs_diff_eq!(x, 1.0, epsilon = 0.01); // 0.99 <= x <= 1.01
    }
    let max = w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = w.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(max != min);
    Ok(())
}

// ---------------------------------------------------------------------------
// tests/Common/test_SimulateUntil.py

neuron! {
    /// A counter that stops the simulation once one of its neurons exceeds 5.
    struct Counter {
        equations: "
            r += 1
        ",
        stop_condition: "r > 5.0 : any",
    }
}

/// `setUpClass` of the three classes: `pop1` starts at 0, `pop2` at
/// `DiscreteUniform(-4, -2)`; simulation for at most 50 ms at dt = 1.
fn simulate_until() -> annarchy::Result<(Network, PopId<Counter>, PopId<Counter>)> {
    let mut b = Network::builder().seed(1);
    let pop1 = b.population::<Counter>("pop1", 5)?;
    let pop2 = b.population::<Counter>("pop2", 5)?;
    b.set(pop2, "r", RandomDistribution::discrete_uniform(-4, -2))?;
    let net = b.build()?;
    Ok((net, pop1, pop2))
}

/// Steps until a population starting at `start` (its largest value) has a
/// neuron above 5: ANNarchy's expected values, 6 from 0 and 8 from -2.
fn steps_to_exceed_5(start: f64) -> f64 {
    (5.0 - start).floor() + 1.0
}

#[test]
fn test_single_condition_early_stopping() -> TestResult {
    let (mut net, _pop1, pop2) = simulate_until()?;
    let start = net.get(pop2, "r")?.into_iter().fold(f64::MIN, f64::max);
    let t = net.simulate_until(50.0, &[pop2.into()], StopOperator::And)?;
    // ANNarchy expects 8.0 (its seed draws a -2).
    assert_eq!(t, steps_to_exceed_5(start));
    assert_eq!(net.get_current_step() as f64, t);
    Ok(())
}

#[test]
fn test_two_condition_with_or_early_stopping() -> TestResult {
    let (mut net, pop1, pop2) = simulate_until()?;
    let t = net.simulate_until(50.0, &[pop1.into(), pop2.into()], StopOperator::Or)?;
    assert_eq!(t, 6.0);
    Ok(())
}

#[test]
fn test_two_condition_with_and_early_stopping() -> TestResult {
    let (mut net, pop1, pop2) = simulate_until()?;
    let start = net.get(pop2, "r")?.into_iter().fold(f64::MIN, f64::max);
    let t = net.simulate_until(50.0, &[pop1.into(), pop2.into()], StopOperator::And)?;
    assert_eq!(t, steps_to_exceed_5(start).max(6.0));
    Ok(())
}
