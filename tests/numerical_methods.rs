//! Numerical methods (SPEC.md section 2) against closed-form solutions.
//!
//! Single equation: `tau * dv/dt = -v + I` with `v(0) = v0` has the solution
//! `v(t) = I + (v0 - I) exp(-t/tau)`. Every one-step method turns it into the
//! recurrence `v_{n+1} - I = g(h) (v_n - I)` with `h = dt/tau`, so
//! `v_n = I + (v0 - I) g(h)^n`, where `g` is the method's amplification
//! factor:
//!
//! * exponential: `exp(-h)` (exact at every step);
//! * explicit (forward Euler): `1 - h`;
//! * implicit (backward Euler) and semiimplicit: `1 / (1 + h)`;
//! * midpoint (RK2): `1 - h + h^2/2`;
//! * rk4: `1 - h + h^2/2 - h^3/6 + h^4/24`.
//!
//! The tests check each compiled method against its closed form to 1e-12
//! at every step, for several `dt` and for neurons with different `tau`,
//! `v0` and `I`, and check the order of the global error: halving `dt`
//! divides the error at a fixed time by about 2 (first order), 4 (midpoint)
//! or 16 (rk4).
//!
//! Coupled system: `tau * dv/dt = -v - u + I`, `tau * du/dt = -u + I`, whose
//! solution is `u = I + c e^{-s}`, `v = (v0 - c s) e^{-s}` with `s = t/tau`,
//! `c = u0 - I`. Implicit, midpoint and rk4 solve the two equations jointly
//! (SPEC.md section 2.2): the simulated values must equal the 2x2
//! backward-Euler solve, the joint RK2 and the joint RK4 recurrences
//! computed here. Explicit, semiimplicit and exponential integrate each
//! equation with the other variable held at its value from before the step.
//!
//! Last, ANNarchy's `test_Precision` (`Common/test_NumericalMethod.py`): the
//! coupled system with explicit, implicit, midpoint and exponential, `I`
//! switched from 0 to 1 after 20 ms; every method stays within 0.05 of the
//! mean of the four at every recorded step. ANNarchy's test does not call
//! `setup()`, so it runs with the default `dt = 1.0`, as here.

use annarchy::prelude::*;
use annarchy::runtime::model::NeuronModel;
use approx::relative_eq;

/// Models under test: one per method flag.
mod models {
    use annarchy::neuron;

    macro_rules! linear {
        ($name:ident, $method:literal) => {
            neuron! {
                /// `tau * dv/dt = -v + I` integrated with one method.
                pub struct $name {
                    parameters: "tau = 10.0\nI = 1.0",
                    equations: concat!("tau * dv/dt = -v + I : init = 0.0, ", $method, "\nr = v"),
                }
            }
        };
    }

    macro_rules! coupled {
        ($name:ident, $method:literal) => {
            neuron! {
                /// `tau * dv/dt = -v - u + I`, `tau * du/dt = -u + I`, both
                /// integrated with one method.
                pub struct $name {
                    parameters: "tau = 10.0\nI = 0.0",
                    equations: concat!(
                        "tau * dv/dt = -v - u + I : ", $method,
                        "\ntau * du/dt = -u + I : ", $method,
                        "\nr = pos(v)"
                    ),
                }
            }
        };
    }

    linear!(LinearExplicit, "explicit");
    linear!(LinearSemiImplicit, "semiimplicit");
    linear!(LinearImplicit, "implicit");
    linear!(LinearMidpoint, "midpoint");
    linear!(LinearRk4, "rk4");
    linear!(LinearExponential, "exponential");

    coupled!(CoupledExplicit, "explicit");
    coupled!(CoupledSemiImplicit, "semiimplicit");
    coupled!(CoupledImplicit, "implicit");
    coupled!(CoupledMidpoint, "midpoint");
    coupled!(CoupledRk4, "rk4");
    coupled!(CoupledExponential, "exponential");
}

use models::*;

/// The method flags, with the schemes SPEC.md section 2 gives for them.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Method {
    Explicit,
    SemiImplicit,
    Implicit,
    Midpoint,
    Rk4,
    Exponential,
}

impl Method {
    /// Amplification factor of one step on `tau * dv/dt = -v + I`, `h = dt/tau`.
    fn factor(self, h: f64) -> f64 {
        match self {
            Method::Explicit => 1.0 - h,
            Method::SemiImplicit | Method::Implicit => 1.0 / (1.0 + h),
            Method::Midpoint => 1.0 - h + h * h / 2.0,
            Method::Rk4 => 1.0 - h + h * h / 2.0 - h.powi(3) / 6.0 + h.powi(4) / 24.0,
            Method::Exponential => (-h).exp(),
        }
    }
}

/// Values compared to 1e-12 relative (1e-13 absolute near zero).
fn close(got: f64, want: f64) -> bool {
    relative_eq!(got, want, epsilon = 1e-13, max_relative = 1e-12)
}

/// Step sizes (ms) used for the closed-form recurrences.
const DTS: [f64; 4] = [0.1, 0.25, 0.5, 1.0];

/// Pairs (dt, dt/2) used for the error ratios.
const HALVINGS: [f64; 3] = [1.0, 0.5, 0.2];

/// One neuron of the single-equation tests.
#[derive(Clone, Copy, Debug)]
struct Linear {
    tau: f64,
    v0: f64,
    input: f64,
}

impl Linear {
    fn exact(self, t: f64) -> f64 {
        self.input + (self.v0 - self.input) * (-t / self.tau).exp()
    }

    fn recurrence(self, method: Method, dt: f64, n: usize) -> f64 {
        let n = i32::try_from(n).expect("step count fits in i32");
        self.input + (self.v0 - self.input) * method.factor(dt / self.tau).powi(n)
    }
}

/// Neurons with different time constants, initial values and inputs.
const LINEAR: [Linear; 4] = [
    Linear {
        tau: 10.0,
        v0: 0.0,
        input: 1.0,
    },
    Linear {
        tau: 10.0,
        v0: 2.0,
        input: 0.5,
    },
    Linear {
        tau: 5.0,
        v0: -1.0,
        input: -3.0,
    },
    Linear {
        tau: 20.0,
        v0: 0.25,
        input: 4.0,
    },
];

/// Number of steps of length `dt` in `t` ms.
fn steps(t: f64, dt: f64) -> usize {
    let n = (t / dt).round();
    assert!(
        (n * dt - t).abs() < 1e-9,
        "{t} ms is not a whole number of {dt} ms steps"
    );
    n as usize
}

/// Simulates `n` steps of a population of `M` whose attributes are set from
/// `attrs` (one value per neuron) and returns, after every step, the values
/// of `vars`: `trace[step][var][neuron]` (step 0 is the initial state).
fn run<M: NeuronModel>(
    dt: f64,
    n: usize,
    attrs: &[(&str, Vec<f64>)],
    vars: &[&str],
) -> annarchy::Result<Vec<Vec<Vec<f64>>>> {
    let size = attrs[0].1.len();
    let mut b = Network::builder().dt(dt)?;
    let pop = b.population::<M>("pop", size)?;
    for (name, values) in attrs {
        b.set(pop, name, values.clone())?;
    }
    let mut net = b.build()?;
    let read = |net: &Network| -> annarchy::Result<Vec<Vec<f64>>> {
        vars.iter().map(|v| net.get(pop, v)).collect()
    };
    let mut trace = vec![read(&net)?];
    for _ in 0..n {
        net.step();
        trace.push(read(&net)?);
    }
    Ok(trace)
}

/// `v` after every step of `t` ms of the single-equation model `M`.
fn run_linear<M: NeuronModel>(
    dt: f64,
    t: f64,
    neurons: &[Linear],
) -> annarchy::Result<Vec<Vec<f64>>> {
    let attrs = [
        ("tau", neurons.iter().map(|c| c.tau).collect()),
        ("v", neurons.iter().map(|c| c.v0).collect()),
        ("I", neurons.iter().map(|c| c.input).collect()),
    ];
    let trace = run::<M>(dt, steps(t, dt), &attrs, &["v"])?;
    Ok(trace.into_iter().map(|mut vars| vars.remove(0)).collect())
}

/// Every step of `M` equals the closed form of `method`'s recurrence, for
/// every dt of [`DTS`] over 50 ms.
fn check_recurrence<M: NeuronModel>(method: Method) -> annarchy::Result<()> {
    for dt in DTS {
        let trace = run_linear::<M>(dt, 50.0, &LINEAR)?;
        for (n, v) in trace.iter().enumerate() {
            for (i, (&got, case)) in v.iter().zip(&LINEAR).enumerate() {
                let want = case.recurrence(method, dt, n);
                assert!(
                    close(got, want),
                    "{method:?}, dt = {dt}, step {n}, neuron {i} ({case:?}): v = {got}, \
                     recurrence gives {want} (difference {:e})",
                    got - want
                );
            }
        }
    }
    Ok(())
}

/// Largest error against the exact solution at `t` ms over the neurons.
fn error_at<M: NeuronModel>(dt: f64, t: f64) -> annarchy::Result<f64> {
    let trace = run_linear::<M>(dt, t, &LINEAR)?;
    let last = trace.last().expect("at least the initial state");
    Ok(last
        .iter()
        .zip(&LINEAR)
        .map(|(v, case)| (v - case.exact(t)).abs())
        .fold(0.0, f64::max))
}

/// The error at 10 ms and at 20 ms shrinks by a factor within `range` when
/// dt is halved, for every pair of [`HALVINGS`].
fn check_error_ratio<M: NeuronModel>(method: Method, range: (f64, f64)) -> annarchy::Result<()> {
    for t in [10.0, 20.0] {
        for dt in HALVINGS {
            let coarse = error_at::<M>(dt, t)?;
            let fine = error_at::<M>(dt / 2.0, t)?;
            let ratio = coarse / fine;
            assert!(
                (range.0..=range.1).contains(&ratio),
                "{method:?} at t = {t}: error {coarse:e} (dt = {dt}) / {fine:e} (dt = {}) = \
                 {ratio}, expected within {range:?}",
                dt / 2.0
            );
        }
    }
    Ok(())
}

#[test]
fn exponential_is_exact_at_every_step() -> annarchy::Result<()> {
    for dt in DTS {
        let trace = run_linear::<LinearExponential>(dt, 50.0, &LINEAR)?;
        for (n, v) in trace.iter().enumerate() {
            let t = n as f64 * dt;
            for (i, (&got, case)) in v.iter().zip(&LINEAR).enumerate() {
                let want = case.exact(t);
                assert!(
                    close(got, want),
                    "exponential, dt = {dt}, t = {t}, neuron {i}: v = {got}, exact {want}"
                );
            }
        }
    }
    Ok(())
}

#[test]
fn explicit_follows_forward_euler() -> annarchy::Result<()> {
    check_recurrence::<LinearExplicit>(Method::Explicit)
}

/// With `a = 1 - h <= b = exp(-h)` and `h^2/2 - h^3/6 <= b - a <= h^2/2`,
/// `b^n - a^n` lies in `[n (h^2/2 - h^3/6) a^(n-1), n h^2/2 b^(n-1)]`: the
/// forward Euler error at `t = n dt` is `|v0 - I| (t/tau) (h/2) e^{-t/tau}`
/// up to higher-order terms, i.e. O(dt), with the sign of `v0 - I`.
#[test]
fn explicit_error_is_within_its_first_order_bound() -> annarchy::Result<()> {
    for dt in DTS {
        let trace = run_linear::<LinearExplicit>(dt, 50.0, &LINEAR)?;
        for (n, v) in trace.iter().enumerate().skip(1) {
            let t = n as f64 * dt;
            let m = n as f64;
            for (i, (&got, case)) in v.iter().zip(&LINEAR).enumerate() {
                let h = dt / case.tau;
                let amplitude = (case.v0 - case.input).abs();
                let upper = amplitude * m * h * h / 2.0 * (-(m - 1.0) * h).exp();
                let lower =
                    amplitude * m * (h * h / 2.0 - h.powi(3) / 6.0) * (1.0 - h).powf(m - 1.0);
                // Signed so that a positive error means Euler lags behind the
                // exact solution, as it must.
                let lag = (case.exact(t) - got) * (case.v0 - case.input).signum();
                assert!(
                    lag <= upper + 1e-13 && lag >= lower - 1e-13,
                    "explicit, dt = {dt}, t = {t}, neuron {i}: error {lag:e} outside \
                     [{lower:e}, {upper:e}]"
                );
            }
        }
    }
    Ok(())
}

#[test]
fn explicit_error_is_first_order() -> annarchy::Result<()> {
    check_error_ratio::<LinearExplicit>(Method::Explicit, (1.8, 2.2))
}

#[test]
fn implicit_follows_backward_euler() -> annarchy::Result<()> {
    check_recurrence::<LinearImplicit>(Method::Implicit)
}

#[test]
fn implicit_error_is_first_order() -> annarchy::Result<()> {
    check_error_ratio::<LinearImplicit>(Method::Implicit, (1.8, 2.2))
}

/// `v += h/(h+1) (I - v)` is `v = (v + h I)/(1 + h)`: backward Euler.
#[test]
fn semiimplicit_equals_backward_euler_on_a_linear_equation() -> annarchy::Result<()> {
    check_recurrence::<LinearSemiImplicit>(Method::SemiImplicit)
}

#[test]
fn midpoint_follows_rk2() -> annarchy::Result<()> {
    check_recurrence::<LinearMidpoint>(Method::Midpoint)
}

#[test]
fn midpoint_error_is_second_order() -> annarchy::Result<()> {
    check_error_ratio::<LinearMidpoint>(Method::Midpoint, (3.5, 4.5))
}

#[test]
fn rk4_follows_classic_runge_kutta() -> annarchy::Result<()> {
    check_recurrence::<LinearRk4>(Method::Rk4)
}

#[test]
fn rk4_error_is_fourth_order() -> annarchy::Result<()> {
    check_error_ratio::<LinearRk4>(Method::Rk4, (14.0, 18.0))
}

/// One neuron of the coupled tests.
#[derive(Clone, Copy, Debug)]
struct Coupled {
    tau: f64,
    v0: f64,
    u0: f64,
    input: f64,
}

/// Coupled neurons with `tau = 10` (used for the error ratios) and one with
/// `tau = 5` (recurrences only).
const COUPLED: [Coupled; 3] = [
    Coupled {
        tau: 10.0,
        v0: 0.0,
        u0: 0.0,
        input: 1.0,
    },
    Coupled {
        tau: 10.0,
        v0: 0.5,
        u0: 2.0,
        input: 1.0,
    },
    Coupled {
        tau: 5.0,
        v0: -1.0,
        u0: 0.5,
        input: 2.0,
    },
];

/// State `[v, u]` of a coupled neuron.
type State = [f64; 2];

/// Right-hand sides `[dv/dt, du/dt]`.
fn rhs(x: State, tau: f64, input: f64) -> State {
    let [v, u] = x;
    [(-v - u + input) / tau, (-u + input) / tau]
}

fn axpy(x: State, a: f64, k: State) -> State {
    [x[0] + a * k[0], x[1] + a * k[1]]
}

/// Solution of the 2x2 linear system `m * x = b` (Cramer's rule).
fn solve2(m: [[f64; 2]; 2], b: State) -> State {
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    [
        (b[0] * m[1][1] - m[0][1] * b[1]) / det,
        (m[0][0] * b[1] - b[0] * m[1][0]) / det,
    ]
}

/// One step of `method` on the coupled system, as SPEC.md section 2.2 says
/// the method treats two coupled equations.
fn coupled_step(method: Method, x: State, tau: f64, input: f64, dt: f64) -> State {
    let f = |x: State| rhs(x, tau, input);
    let h = dt / tau;
    let [v, u] = x;
    match method {
        // Both derivatives at the old values.
        Method::Explicit => axpy(x, dt, f(x)),
        // Joint backward Euler: x_new = x + dt f(x_new), i.e.
        // (1 + h) v' + h u' = v + h I and (1 + h) u' = u + h I.
        Method::Implicit => solve2(
            [[1.0 + h, h], [0.0, 1.0 + h]],
            [v + h * input, u + h * input],
        ),
        // Joint RK2: the midpoint stage moves both variables.
        Method::Midpoint => axpy(x, dt, f(axpy(x, dt / 2.0, f(x)))),
        // Joint classic RK4.
        Method::Rk4 => {
            let k1 = f(x);
            let k2 = f(axpy(x, dt / 2.0, k1));
            let k3 = f(axpy(x, dt / 2.0, k2));
            let k4 = f(axpy(x, dt, k3));
            [
                v + dt / 6.0 * (k1[0] + 2.0 * k2[0] + 2.0 * k3[0] + k4[0]),
                u + dt / 6.0 * (k1[1] + 2.0 * k2[1] + 2.0 * k3[1] + k4[1]),
            ]
        }
        // Each equation standardised to `tau dx/dt + x = S` with the other
        // variable at its old value: S_v = I - u, S_u = I.
        Method::SemiImplicit | Method::Exponential => {
            let a = if method == Method::Exponential {
                1.0 - (-h).exp()
            } else {
                h / (h + 1.0)
            };
            [v + a * (input - u - v), u + a * (input - u)]
        }
    }
}

/// Exact `[v, u]` of the coupled system at `t` ms.
fn coupled_exact(c: Coupled, t: f64) -> State {
    let s = t / c.tau;
    let k = c.u0 - c.input;
    [(c.v0 - k * s) * (-s).exp(), c.input + k * (-s).exp()]
}

/// `[v, u]` of every neuron after every step of `t` ms of model `M`.
fn run_coupled<M: NeuronModel>(
    dt: f64,
    t: f64,
    neurons: &[Coupled],
) -> annarchy::Result<Vec<Vec<State>>> {
    let attrs = [
        ("tau", neurons.iter().map(|c| c.tau).collect()),
        ("v", neurons.iter().map(|c| c.v0).collect()),
        ("u", neurons.iter().map(|c| c.u0).collect()),
        ("I", neurons.iter().map(|c| c.input).collect()),
    ];
    let trace = run::<M>(dt, steps(t, dt), &attrs, &["v", "u"])?;
    Ok(trace
        .into_iter()
        .map(|vars| {
            vars[0]
                .iter()
                .zip(&vars[1])
                .map(|(&v, &u)| [v, u])
                .collect()
        })
        .collect())
}

/// Every step of `M` on the coupled system equals `method`'s recurrence
/// computed by [`coupled_step`], for every dt of [`DTS`] over 50 ms.
fn check_coupled_recurrence<M: NeuronModel>(method: Method) -> annarchy::Result<()> {
    for dt in DTS {
        let trace = run_coupled::<M>(dt, 50.0, &COUPLED)?;
        let mut want: Vec<State> = COUPLED.iter().map(|c| [c.v0, c.u0]).collect();
        for (n, row) in trace.iter().enumerate() {
            for (i, (got, case)) in row.iter().zip(&COUPLED).enumerate() {
                for (var, name) in ["v", "u"].iter().enumerate() {
                    assert!(
                        close(got[var], want[i][var]),
                        "coupled {method:?}, dt = {dt}, step {n}, neuron {i} ({case:?}): \
                         {name} = {}, recurrence gives {} (difference {:e})",
                        got[var],
                        want[i][var],
                        got[var] - want[i][var]
                    );
                }
            }
            for (x, c) in want.iter_mut().zip(&COUPLED) {
                *x = coupled_step(method, *x, c.tau, c.input, dt);
            }
        }
    }
    Ok(())
}

/// Error of `v` at 10 ms against the exact solution shrinks by a factor
/// within `range` when dt is halved (neurons with `tau = 10`).
fn check_coupled_error_ratio<M: NeuronModel>(
    method: Method,
    range: (f64, f64),
) -> annarchy::Result<()> {
    let t = 10.0;
    let neurons = &COUPLED[..2];
    let error = |dt: f64| -> annarchy::Result<f64> {
        let trace = run_coupled::<M>(dt, t, neurons)?;
        let last = trace.last().expect("at least the initial state");
        Ok(last
            .iter()
            .zip(neurons)
            .map(|(x, c)| (x[0] - coupled_exact(*c, t)[0]).abs())
            .fold(0.0, f64::max))
    };
    for dt in HALVINGS {
        let (coarse, fine) = (error(dt)?, error(dt / 2.0)?);
        let ratio = coarse / fine;
        assert!(
            (range.0..=range.1).contains(&ratio),
            "coupled {method:?}: error {coarse:e} (dt = {dt}) / {fine:e} (dt = {}) = {ratio}, \
             expected within {range:?}",
            dt / 2.0
        );
    }
    Ok(())
}

#[test]
fn coupled_explicit_is_simultaneous_forward_euler() -> annarchy::Result<()> {
    check_coupled_recurrence::<CoupledExplicit>(Method::Explicit)?;
    check_coupled_error_ratio::<CoupledExplicit>(Method::Explicit, (1.8, 2.2))
}

#[test]
fn coupled_implicit_solves_the_joint_backward_euler_system() -> annarchy::Result<()> {
    check_coupled_recurrence::<CoupledImplicit>(Method::Implicit)?;
    check_coupled_error_ratio::<CoupledImplicit>(Method::Implicit, (1.8, 2.2))
}

#[test]
fn coupled_midpoint_is_joint_rk2() -> annarchy::Result<()> {
    check_coupled_recurrence::<CoupledMidpoint>(Method::Midpoint)?;
    check_coupled_error_ratio::<CoupledMidpoint>(Method::Midpoint, (3.5, 4.5))
}

#[test]
fn coupled_rk4_is_joint_rk4() -> annarchy::Result<()> {
    check_coupled_recurrence::<CoupledRk4>(Method::Rk4)?;
    check_coupled_error_ratio::<CoupledRk4>(Method::Rk4, (14.0, 18.0))
}

/// Semiimplicit equations are not solved jointly: `v` sees `u` from before
/// the step.
#[test]
fn coupled_semiimplicit_uses_old_values_of_the_other_variable() -> annarchy::Result<()> {
    check_coupled_recurrence::<CoupledSemiImplicit>(Method::SemiImplicit)
}

/// Exponential Euler is exact for `u` (which depends on nothing else) but
/// not jointly exact: `v` is integrated with `u` held at its old value, which
/// makes the `v` error first order.
#[test]
fn coupled_exponential_is_exact_for_u_only() -> annarchy::Result<()> {
    check_coupled_recurrence::<CoupledExponential>(Method::Exponential)?;
    for dt in DTS {
        let trace = run_coupled::<CoupledExponential>(dt, 50.0, &COUPLED)?;
        for (n, row) in trace.iter().enumerate() {
            let t = n as f64 * dt;
            for (i, (x, c)) in row.iter().zip(&COUPLED).enumerate() {
                let want = coupled_exact(*c, t)[1];
                assert!(
                    close(x[1], want),
                    "coupled exponential, dt = {dt}, t = {t}, neuron {i}: u = {}, exact {want}",
                    x[1]
                );
            }
        }
    }
    check_coupled_error_ratio::<CoupledExponential>(Method::Exponential, (1.8, 2.2))
}

/// ANNarchy's `test_Precision`: the four methods agree within 0.05 of their
/// mean at every step while `I` steps from 0 to 1 at 20 ms; each trace is
/// also the method's recurrence with that input.
#[test]
fn precision_of_the_methods_on_a_coupled_system() -> annarchy::Result<()> {
    let dt = 1.0;
    let tau = 10.0;
    let mut b = Network::builder().dt(dt)?;
    let explicit = b.population::<CoupledExplicit>("explicit", 1)?;
    let implicit = b.population::<CoupledImplicit>("implicit", 1)?;
    let midpoint = b.population::<CoupledMidpoint>("midpoint", 1)?;
    let exponential = b.population::<CoupledExponential>("exponential", 1)?;
    let pops: [(Method, AnyPop); 4] = [
        (Method::Explicit, explicit.into()),
        (Method::Implicit, implicit.into()),
        (Method::Midpoint, midpoint.into()),
        (Method::Exponential, exponential.into()),
    ];
    let monitors = pops
        .iter()
        .map(|&(_, p)| b.monitor(p, &["v"]))
        .collect::<annarchy::Result<Vec<_>>>()?;
    let mut net = b.build()?;

    net.simulate(20.0)?;
    for &(_, p) in &pops {
        net.set(p, "I", 1.0)?;
    }
    net.simulate(80.0)?;

    let mut traces = Vec::new();
    for (&(method, _), &m) in pops.iter().zip(&monitors) {
        let rec = net.monitor_get(m, "v")?;
        assert_eq!(rec.values.len(), 100, "{method:?}: one row per step");
        let v: Vec<f64> = rec.values.iter().map(|row| row[0]).collect();
        let mut x = [0.0, 0.0];
        for (n, &got) in v.iter().enumerate() {
            let input = if n < 20 { 0.0 } else { 1.0 };
            x = coupled_step(method, x, tau, input, dt);
            assert!(
                close(got, x[0]),
                "{method:?}, step {n}: v = {got}, recurrence gives {}",
                x[0]
            );
        }
        traces.push(v);
    }

    for n in 0..100 {
        let mean = traces.iter().map(|v| v[n]).sum::<f64>() / 4.0;
        for ((method, _), v) in pops.iter().zip(&traces) {
            assert!(
                (v[n] - mean).abs() < 0.05,
                "{method:?}, step {n}: v = {}, mean of the methods {mean}",
                v[n]
            );
        }
    }
    // The input switch moved v: the comparison is not between flat lines.
    for v in &traces {
        assert_eq!(v[19], 0.0);
        assert!(v.iter().copied().fold(f64::MIN, f64::max) > 0.3);
    }
    Ok(())
}
