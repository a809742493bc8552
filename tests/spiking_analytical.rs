//! Spiking mechanisms checked against closed-form solutions and exact
//! recursions derived here from ANNarchy's documented rules (SPEC.md 2.1,
//! 3.2-3.4, 5), with spikes placed at chosen steps by `SpikeSourceArray`s.
//!
//! * Event-driven traces (`STDP`'s `x` and `y`, `STP`'s `x` and `u`, whose
//!   steady states are non-zero): after every step each trace equals the
//!   exact exponential relaxation from its value at the previous event, with
//!   ANNarchy's step counting (a pre-synaptic event processed at step `t`
//!   decays over `last_event - (t - 1)` steps and sets `last_event = t`; a
//!   post-synaptic event decays over `last_event - t`), and it does not move
//!   between events. `STP`'s conductance increments `w * u * x` follow the
//!   Tsodyks-Markram recursion, and `STDP`'s weight follows its traces.
//! * Exponential conductances (`IF_curr_exp`, `IF_cond_exp`): exponential
//!   Euler is exact for `tau * dg/dt = -g`, so after one spike of weight `w`
//!   the conductance is `w * exp(-k * dt / tau)`, both as recorded by a
//!   monitor (before the neuron update) and as read after each step; the
//!   membrane update of the arrival step sees the recorded value.
//! * Alpha currents (`IF_curr_alpha`): the two ODEs share one block, so the
//!   alpha variable integrates the old `g`; its exact recurrence has the
//!   closed form `alpha_n = n (1 - E) gmax w E^(n-1)`, `E = exp(-dt/tau)`,
//!   which peaks after `tau / dt` updates (recorded `tau` after the spike's
//!   emission: `alpha_exc`, not a conductance, is recorded after the update)
//!   at a value within 2 % of `w`.
//! * Refractoriness: with a constant input exponential Euler is exact, so the
//!   interval between spikes is the analytical time to threshold (rounded up
//!   to steps) plus `int(tau_refrac / dt)` steps during which `v` stays at
//!   `v_reset`.
//! * Delays: a spike emitted at step `s` through a delay of `d` ms reaches
//!   the conductance at step `s + max(1, round_half_even(d / dt))` (the
//!   division done in `f64`), for uniform and for per-synapse delays.
//!
//! Every expected value is computed independently of the simulator; the
//! tolerances (1e-12 on values of order one) leave no room for a wrong step
//! count, a wrong time constant or a wrong ordering of the updates.

use annarchy::prelude::*;
use approx::assert_abs_diff_eq;

/// Models used only by these tests.
mod probes {
    use annarchy::neuron;

    neuron! {
        /// Spikes in the step after each spike received on `drive`; also
        /// accepts a target `exc` (ignored).
        pub struct Relay {
            equations: "v = g_drive + 0.0 * g_exc",
            spike: "v > 0.5",
            reset: "",
        }
    }

    neuron! {
        /// Never spikes; `v` is the excitatory conductance of the step
        /// (reset to 0 after each update, as `g_exc` has no equation).
        pub struct Probe {
            equations: "v = g_exc",
            spike: "v > 1e9",
            reset: "",
        }
    }
}

use probes::{Probe, Relay};

/// Spike times (ms) that a `SpikeSourceArray` puts in exactly these steps.
fn times(steps: &[i64], dt: f64) -> Vec<f64> {
    steps.iter().map(|&s| s as f64 * dt).collect()
}

/// Decay of an event-driven variable `tau * dv/dt = S - v` from its value at
/// the last event: `S + (v - S) * exp(dt * (last_event - t_ev) / tau)`.
fn relax(v: f64, steady: f64, tau: f64, dt: f64, last_event: i64, t_ev: i64) -> f64 {
    steady + (v - steady) * (dt * (last_event - t_ev) as f64 / tau).exp()
}

/// The value `last_event` starts from (SPEC.md 2.1).
const NO_EVENT: i64 = -10_000;

// ---------------------------------------------------------------------------
// 1. Event-driven traces
// ---------------------------------------------------------------------------

/// `STDP`'s traces `x` (pre) and `y` (post) and its weight, event by event,
/// with pre events processed one step after the pre-synaptic spike and post
/// events in the step of the post-synaptic spike.
#[test]
fn stdp_traces_decay_exactly_between_events() -> annarchy::Result<()> {
    let dt = 0.1;
    let (tau_plus, tau_minus) = (10.0, 15.0);
    let (a_plus, a_minus, w_max, w_min) = (0.01, 0.012, 1.0, 0.0);
    let w0 = 0.5;
    // Pre-synaptic spikes (emitted at these steps, processed one step later).
    // 20 -> 21 and 21 -> 22 make two pre events one step apart (no decay at
    // all between them); 20 -> 21 coincides with a post spike at 21; the post
    // spike at 50 is followed by the pre event of the spike emitted at 50.
    let pre_steps = [5, 20, 21, 40, 50, 90];
    let post_steps = [15, 21, 41, 50, 70, 71];
    let n_steps = 120;

    let mut b = Network::builder().dt(dt)?.seed(1);
    let pre = b.spike_source_array("pre", &[times(&pre_steps, dt)])?;
    let drive_steps: Vec<i64> = post_steps.iter().map(|s| s - 1).collect();
    let drive = b.spike_source_array("drive", &[times(&drive_steps, dt)])?;
    let post = b.population::<Relay>("post", 1)?;
    b.projection::<DefaultSpikingSynapse>(drive, post, "drive")
        .connect_one_to_one(1.0)?;
    let proj = b
        .projection::<STDP>(pre, post, "exc")
        .connect_one_to_one(w0)?;
    for (name, value) in [
        ("tau_plus", tau_plus),
        ("tau_minus", tau_minus),
        ("A_plus", a_plus),
        ("A_minus", a_minus),
        ("w_max", w_max),
        ("w_min", w_min),
    ] {
        b.proj_set(proj, name, value)?;
    }
    let mut net = b.build()?;

    let (mut x, mut y, mut w) = (0.0, 0.0, w0);
    let mut last = NO_EVENT;
    // The same traces if the pre events decayed over the physical interval
    // (from the emission of one spike to the emission of the next).
    let mut x_physical = 0.0;
    let mut physical_last = NO_EVENT;
    let mut differs = false;
    let mut post_seen = Vec::new();
    let mut previous = (x, y, w);
    for t in 0..n_steps {
        let pre_event = pre_steps.contains(&(t - 1));
        let post_event = post_steps.contains(&t);
        if pre_event {
            x = relax(x, 0.0, tau_plus, dt, last, t - 1);
            y = relax(y, 0.0, tau_minus, dt, last, t - 1);
            last = t;
            x += a_plus * w_max;
            w = (w + y).clamp(w_min, w_max);
            x_physical = relax(x_physical, 0.0, tau_plus, dt, physical_last, t - 1);
            physical_last = t - 1;
            x_physical += a_plus * w_max;
            differs |= (x_physical - x).abs() > 1e-6;
        }
        if post_event {
            x = relax(x, 0.0, tau_plus, dt, last, t);
            y = relax(y, 0.0, tau_minus, dt, last, t);
            last = t;
            y -= a_minus * w_max;
            w = (w + x).clamp(w_min, w_max);
        }
        net.step();
        if net.spiked(post).contains(&0) {
            post_seen.push(t);
        }
        let got = (
            net.synapse(proj, 0, 0, "x")?,
            net.synapse(proj, 0, 0, "y")?,
            net.synapse(proj, 0, 0, "w")?,
        );
        assert_abs_diff_eq!(got.0, x, epsilon = 1e-12);
        assert_abs_diff_eq!(got.1, y, epsilon = 1e-12);
        assert_abs_diff_eq!(got.2, w, epsilon = 1e-12);
        if !pre_event && !post_event {
            assert_eq!(got, previous, "step {t}: the traces moved without an event");
        }
        previous = got;
    }
    assert_eq!(post_seen, post_steps, "the post-synaptic spikes");
    assert!(
        differs,
        "the spike steps must tell ANNarchy's step counting from the physical one"
    );
    // The traces ended up far from both zero and their initial values.
    assert!(x > 0.005 && y < -0.005, "x = {x}, y = {y}");
    Ok(())
}

/// `STP`'s `x` and `u` (steady states 1 and `U`) and the conductance
/// increments `w * u * x` of the Tsodyks-Markram recursion.
#[test]
fn stp_follows_the_tsodyks_markram_recursion() -> annarchy::Result<()> {
    let dt = 0.1;
    let (tau_rec, tau_facil, u_param, w) = (100.0, 50.0, 0.2, 2.0);
    // Bursts of close spikes (depression, facilitation) and a long pause
    // (recovery of both variables towards their steady states).
    let pre_steps = [10, 11, 30, 80, 81, 82, 150, 400];
    let n_steps = 420;

    let mut b = Network::builder().dt(dt)?.seed(1);
    let pre = b.spike_source_array("pre", &[times(&pre_steps, dt)])?;
    let post = b.population::<Probe>("post", 1)?;
    let proj = b
        .projection::<STP>(pre, post, "exc")
        .connect_one_to_one(w)?;
    b.proj_set(proj, "tau_rec", tau_rec)?;
    b.proj_set(proj, "tau_facil", tau_facil)?;
    b.proj_set(proj, "U", u_param)?;
    let m = b.monitor(post, &["g_exc"])?;
    let mut net = b.build()?;
    assert_eq!(net.synapse(proj, 0, 0, "x")?, 1.0);
    assert_eq!(net.synapse(proj, 0, 0, "u")?, 0.5);

    let (mut x, mut u) = (1.0, 0.5);
    let mut last = NO_EVENT;
    let mut increments = vec![0.0; n_steps as usize];
    let mut previous = (x, u);
    for t in 0..n_steps {
        let event = pre_steps.contains(&(t - 1));
        if event {
            x = relax(x, 1.0, tau_rec, dt, last, t - 1);
            u = relax(u, u_param, tau_facil, dt, last, t - 1);
            last = t;
            increments[t as usize] = w * u * x;
            x *= 1.0 - u;
            u += u_param * (1.0 - u);
        }
        net.step();
        let got = (net.synapse(proj, 0, 0, "x")?, net.synapse(proj, 0, 0, "u")?);
        assert_abs_diff_eq!(got.0, x, epsilon = 1e-12);
        assert_abs_diff_eq!(got.1, u, epsilon = 1e-12);
        if !event {
            assert_eq!(got, previous, "step {t}: x or u moved without an event");
        }
        previous = got;
    }
    let g = net.monitor_get(m, "g_exc")?;
    assert_eq!(g.steps, (0..n_steps).collect::<Vec<_>>());
    for (t, row) in g.values.iter().enumerate() {
        assert_abs_diff_eq!(row[0], increments[t], epsilon = 1e-12);
    }
    // The first spike starts from u = 0.5, decayed towards U over 10 011
    // steps: U plus a remainder of about 6e-10, within reach of the check.
    assert_abs_diff_eq!(
        increments[11],
        w * (u_param + 0.3 * (-0.1 * 10_010.0 / tau_facil).exp()),
        epsilon = 1e-15
    );
    // Within a burst, facilitation first outweighs depression, then not.
    assert!(increments[12] > increments[11] && increments[83] < increments[82]);
    Ok(())
}

// ---------------------------------------------------------------------------
// 2. Exponential conductances
// ---------------------------------------------------------------------------

/// After one spike of weight `w` arriving in step `s + 1`, `g_exc` is
/// `w * exp(-k * dt / tau_syn_E)`: recorded at step `s + 1 + k` (before the
/// update) and read after step `s + k`.
#[test]
fn exponential_conductances_decay_exactly() -> annarchy::Result<()> {
    let dt = 0.1;
    let s = 10;
    let n_steps = 300;
    let (w_curr, tau_curr, cm_curr) = (1.5, 3.0, 0.5);
    let (w_cond, tau_cond) = (0.02, 5.0);

    let mut b = Network::builder().dt(dt)?.seed(1);
    let src = b.spike_source_array("src", &[times(&[s], dt)])?;
    let curr = b.population::<IF_curr_exp>("curr", 1)?;
    let cond = b.population::<IF_cond_exp>("cond", 1)?;
    b.set(curr, "tau_syn_E", tau_curr)?;
    b.set(curr, "cm", cm_curr)?;
    b.set(cond, "tau_syn_E", tau_cond)?;
    b.projection::<DefaultSpikingSynapse>(src, curr, "exc")
        .connect_one_to_one(w_curr)?;
    b.projection::<DefaultSpikingSynapse>(src, cond, "exc")
        .connect_one_to_one(w_cond)?;
    let m_curr = b.monitor(curr, &["g_exc"])?;
    let m_cond = b.monitor(cond, &["g_exc"])?;
    let mut net = b.build()?;

    // The value after `k` whole steps of decay since the arrival.
    let expected = |w: f64, tau: f64, t: i64, k: i64| {
        if t <= s {
            0.0
        } else {
            w * (-(k as f64) * dt / tau).exp()
        }
    };
    for t in 0..n_steps {
        net.step();
        // Read after the update of step t: t - s steps of decay.
        let after_curr = net.get(curr, "g_exc")?[0];
        let after_cond = net.get(cond, "g_exc")?[0];
        assert_abs_diff_eq!(
            after_curr,
            expected(w_curr, tau_curr, t, t - s),
            epsilon = 1e-12
        );
        assert_abs_diff_eq!(
            after_cond,
            expected(w_cond, tau_cond, t, t - s),
            epsilon = 1e-12
        );
        if t == s + 1 {
            // The membrane update of the arrival step used g = w.
            let v = net.get(curr, "v")?[0];
            let (tau_m, v_rest) = (20.0, -65.0);
            let expected_v = v_rest + (1.0 - (-dt / tau_m).exp()) * tau_m / cm_curr * w_curr;
            assert_abs_diff_eq!(v, expected_v, epsilon = 1e-10);
            let v = net.get(cond, "v")?[0];
            let (e_rev_e, leak) = (0.0, 1.0 / tau_m);
            let conductance = leak + w_cond;
            let steady = (leak * v_rest + w_cond * e_rev_e) / conductance;
            let expected_v = v_rest + (1.0 - (-dt * conductance).exp()) * (steady - v_rest);
            assert_abs_diff_eq!(v, expected_v, epsilon = 1e-10);
        }
    }
    // Recorded before the update of step t: t - s - 1 steps of decay.
    for (m, w, tau) in [(m_curr, w_curr, tau_curr), (m_cond, w_cond, tau_cond)] {
        let rec = net.monitor_get(m, "g_exc")?;
        assert_eq!(rec.steps, (0..n_steps).collect::<Vec<_>>());
        for (t, row) in (0..).zip(&rec.values) {
            assert_abs_diff_eq!(row[0], expected(w, tau, t, t - s - 1), epsilon = 1e-12);
        }
        assert_eq!(rec.values[(s + 1) as usize][0], w, "the arrival step");
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 3. Alpha currents
// ---------------------------------------------------------------------------

/// `IF_curr_alpha`: `g` and `alpha` follow the exact recurrence of the
/// two-stage exponential Euler scheme (alpha integrating the old `g`), whose
/// closed form is `alpha_n = n (1 - E) gmax w E^(n-1)`; the alpha function
/// peaks `tau_syn_E` after the arrival at `w` within 2 %.
#[test]
fn alpha_current_follows_its_recurrence() -> annarchy::Result<()> {
    let dt = 0.1;
    let tau = 5.0;
    let w = 0.8;
    let s = 20;
    let n_steps = 400;

    let mut b = Network::builder().dt(dt)?.seed(1);
    let src = b.spike_source_array("src", &[times(&[s], dt)])?;
    let pop = b.population::<IF_curr_alpha>("alpha", 1)?;
    b.set(pop, "tau_syn_E", tau)?;
    b.projection::<DefaultSpikingSynapse>(src, pop, "exc")
        .connect_one_to_one(w)?;
    let m = b.monitor(pop, &["g_exc", "alpha_exc"])?;
    let mut net = b.build()?;

    let e = (-dt / tau).exp();
    let gmax = ((tau - dt / 2.0) / tau).exp();
    // The recurrence as the scheme computes it: both increments from the
    // values before the block, then both switches.
    let (mut g, mut alpha) = (0.0, 0.0);
    for t in 0..n_steps {
        if t == s + 1 {
            g += w;
        }
        let d_g = (1.0 - e) * (0.0 - g);
        let d_alpha = (1.0 - e) * (gmax * g - alpha);
        g += d_g;
        alpha += d_alpha;
        net.step();
        assert_abs_diff_eq!(net.get(pop, "g_exc")?[0], g, epsilon = 1e-12);
        assert_abs_diff_eq!(net.get(pop, "alpha_exc")?[0], alpha, epsilon = 1e-12);
        // After n = t - s updates since the arrival, the closed form.
        let n = t - s;
        let closed = if n < 1 {
            0.0
        } else {
            n as f64 * (1.0 - e) * gmax * w * e.powi(n as i32 - 1)
        };
        assert_abs_diff_eq!(alpha, closed, epsilon = 1e-12);
    }

    let g_rec = net.monitor_get(m, "g_exc")?;
    let alpha_rec = net.monitor_get(m, "alpha_exc")?;
    // The conductance is recorded before the update (the value after the
    // previous step); `alpha_exc`, not a conductance, after the update.
    let alpha_after = |n: i64| {
        if n < 1 {
            0.0
        } else {
            n as f64 * (1.0 - e) * gmax * w * e.powi(n as i32 - 1)
        }
    };
    for (t, (gr, ar)) in (0..).zip(g_rec.values.iter().zip(&alpha_rec.values)) {
        let n = t - s - 1;
        let g_exp = if n < 0 { 0.0 } else { w * e.powi(n as i32) };
        assert_abs_diff_eq!(gr[0], g_exp, epsilon = 1e-12);
        assert_abs_diff_eq!(ar[0], alpha_after(t - s), epsilon = 1e-12);
    }
    // The peak of the recorded alpha function: n E^(n-1) is largest for
    // n = 50 updates after the arrival (51 E / 50 < 1 < 50 E / 49), i.e. at
    // the end of step s + 50, recorded 50 * dt = 5 ms after the emission.
    let (peak_row, peak) = (0..alpha_rec.values.len())
        .map(|i| (i, alpha_rec.values[i][0]))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .expect("recorded rows");
    let peak_step = alpha_rec.steps[peak_row];
    assert_eq!(peak_step - s, 50, "updates from the arrival to the peak");
    let after_emission = alpha_rec.times[peak_row] - s as f64 * dt;
    assert!(
        (after_emission - tau).abs() <= dt + 1e-9,
        "peak {after_emission} ms after the spike"
    );
    assert!((peak - w).abs() <= 0.02 * w, "peak {peak} for w = {w}");
    Ok(())
}

// ---------------------------------------------------------------------------
// 4. Refractory period
// ---------------------------------------------------------------------------

/// An `IF_curr_exp` with a constant input fires regularly: `v` is exact on
/// the grid (`S + (v_reset - S) E^n`), stays at `v_reset` for
/// `int(tau_refrac / dt) = 20` steps after each spike, and the interval
/// between spikes is the analytical time to threshold in steps plus 20.
#[test]
fn refractory_period_and_interspike_interval() -> annarchy::Result<()> {
    let dt = 0.1;
    let (tau_m, cm, v_rest, v_reset, v_thresh) = (20.0, 1.0, -65.0, -65.0, -50.0);
    let (i_offset, tau_refrac) = (2.5, 2.0);
    let n_steps = 600;

    let mut b = Network::builder().dt(dt)?.seed(1);
    let pop = b.population::<IF_curr_exp>("lif", 1)?;
    b.set(pop, "i_offset", i_offset)?;
    b.set(pop, "tau_refrac", tau_refrac)?;
    let mut net = b.build()?;

    let refractory_steps = (tau_refrac / dt) as i64;
    assert_eq!(refractory_steps, 20);
    let steady = v_rest + tau_m / cm * i_offset;
    // Exact crossing time of v(t) = S + (v_reset - S) exp(-t / tau_m).
    let crossing = tau_m * ((steady - v_reset) / (steady - v_thresh)).ln();
    let to_threshold = (crossing / dt).ceil() as i64;
    assert_eq!(to_threshold, 72, "crossing at {crossing} ms");
    let e = (-dt / tau_m).exp();

    let mut spikes = Vec::new();
    let mut v_trace = Vec::new();
    for t in 0..n_steps {
        net.step();
        if net.spiked(pop).contains(&0) {
            spikes.push(t);
        }
        v_trace.push(net.get(pop, "v")?[0]);
    }
    // First spike after `to_threshold` updates from v = v_reset (steps
    // 0 ..= to_threshold - 1), then one every to_threshold + 20 steps.
    let expected: Vec<i64> = (0..)
        .map(|k| to_threshold - 1 + k * (to_threshold + refractory_steps))
        .take_while(|&t| t < n_steps)
        .collect();
    assert_eq!(spikes, expected);
    assert!(spikes.len() >= 6);
    for pair in spikes.windows(2) {
        let isi = pair[1] - pair[0];
        assert!(
            (isi - (to_threshold + refractory_steps)).abs() <= 1,
            "interval {isi}"
        );
    }
    // Between spikes: frozen at v_reset for 20 steps, then the exact
    // relaxation towards S.
    for &k in &spikes {
        assert_eq!(v_trace[k as usize], v_reset, "reset at step {k}");
        for t in k + 1..=k + refractory_steps {
            if t < n_steps {
                assert_eq!(v_trace[t as usize], v_reset, "refractory step {t}");
            }
        }
        for n in 1..to_threshold {
            let t = k + refractory_steps + n;
            if t < n_steps {
                let exact = steady + (v_reset - steady) * e.powi(n as i32);
                assert_abs_diff_eq!(v_trace[t as usize], exact, epsilon = 1e-9);
                assert!(v_trace[t as usize] <= v_thresh);
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 5. Delays
// ---------------------------------------------------------------------------

/// Steps of a delay of `d` ms: `max(1, round_half_even(d / dt))`.
fn delay_steps(d: f64, dt: f64) -> i64 {
    ((d / dt).round_ties_even() as i64).max(1)
}

/// The steps at which each recorded row of `g_exc` (one column per post
/// neuron) is non-zero, with its values.
fn arrivals(rec: &Recording) -> Vec<(i64, Vec<f64>)> {
    rec.steps
        .iter()
        .zip(&rec.values)
        .filter(|(_, row)| row.iter().any(|&g| g != 0.0))
        .map(|(&t, row)| (t, row.clone()))
        .collect()
}

/// A uniform delay of `d` ms moves the arrival to `s + round(d / dt)` (at
/// least one step), the division in `f64` and ties to even.
#[test]
fn uniform_delays_round_half_to_even() -> annarchy::Result<()> {
    // (dt, delay ms, steps): 2.55 / 0.1 is 25.499999999999996 in f64, 0.25 /
    // 0.1 and 0.45 / 0.1 are exact ties (2.5, 4.5), as 1.25 / 0.5 and 1.75 /
    // 0.5 are; 0.05 / 0.1 = 0.5 rounds to 0, i.e. one step.
    let cases = [
        (0.1, 0.0, 1),
        (0.1, 0.05, 1),
        (0.1, 0.1, 1),
        (0.1, 0.25, 2),
        (0.1, 0.45, 4),
        (0.1, 2.5, 25),
        (0.1, 2.55, 25),
        (0.5, 1.25, 2),
        (0.5, 1.75, 4),
    ];
    let spike_steps = [3, 7, 8];
    let w = 0.75;
    for (dt, d, steps) in cases {
        assert_eq!(delay_steps(d, dt), steps, "d = {d}, dt = {dt}");
        let mut b = Network::builder().dt(dt)?.seed(1);
        let src = b.spike_source_array("src", &[times(&spike_steps, dt)])?;
        let post = b.population::<Probe>("post", 1)?;
        b.projection::<DefaultSpikingSynapse>(src, post, "exc")
            .delays(d)
            .connect_one_to_one(w)?;
        let m = b.monitor(post, &["g_exc"])?;
        let mut net = b.build()?;
        let mut v_after = Vec::new();
        for _ in 0..40 {
            net.step();
            v_after.push(net.get(post, "v")?[0]);
        }
        let expected: Vec<(i64, Vec<f64>)> =
            spike_steps.iter().map(|&s| (s + steps, vec![w])).collect();
        let rec = net.monitor_get(m, "g_exc")?;
        assert_eq!(arrivals(&rec), expected, "d = {d} ms, dt = {dt} ms");
        // The update of the arrival step sees the spike (v = g_exc).
        for (t, v) in (0..).zip(&v_after) {
            let hit = spike_steps.iter().any(|&s| s + steps == t);
            assert_eq!(*v, if hit { w } else { 0.0 }, "v at step {t}, d = {d}");
        }
    }
    Ok(())
}

/// Per-synapse delays (`connect_from_matrix_with_delays`): each synapse
/// delivers its pre-synaptic spikes at its own step, several spikes of one
/// neuron being in flight at once.
#[test]
fn per_synapse_delays_deliver_at_their_own_steps() -> annarchy::Result<()> {
    let dt = 0.1;
    // Weights are powers of two, so a sum tells which synapses delivered.
    let weights = vec![
        vec![Some(1.0), Some(2.0)],
        vec![Some(4.0), None],
        vec![Some(16.0), Some(32.0)],
    ];
    let delays = vec![
        vec![Some(0.1), Some(2.0)],
        vec![Some(1.5), None],
        vec![Some(2.55), Some(0.45)],
    ];
    let spike_steps = [vec![4, 6], vec![9]];
    let n_steps = 60;

    let mut b = Network::builder().dt(dt)?.seed(1);
    let src = b.spike_source_array(
        "src",
        &spike_steps.iter().map(|s| times(s, dt)).collect::<Vec<_>>(),
    )?;
    let post = b.population::<Probe>("post", 3)?;
    let proj = b
        .projection::<DefaultSpikingSynapse>(src, post, "exc")
        .connect_from_matrix_with_delays(&weights, &delays)?;
    let m = b.monitor(post, &["g_exc"])?;
    let mut net = b.build()?;
    net.simulate(n_steps as f64 * dt)?;
    assert_eq!(net.get_current_step(), n_steps);
    assert_eq!(net.nb_synapses(proj), 5);

    let mut expected = vec![vec![0.0; 3]; n_steps as usize];
    for (post_rank, (w_row, d_row)) in weights.iter().zip(&delays).enumerate() {
        for (pre_rank, (w, d)) in w_row.iter().zip(d_row).enumerate() {
            if let (Some(w), Some(d)) = (w, d) {
                for s in &spike_steps[pre_rank] {
                    expected[(s + delay_steps(*d, dt)) as usize][post_rank] += w;
                }
            }
        }
    }
    // The steps written out: 1, 20, 15, 25 and 4 steps.
    let listed: Vec<i64> = [0.1, 2.0, 1.5, 2.55, 0.45]
        .iter()
        .map(|&d| delay_steps(d, dt))
        .collect();
    assert_eq!(listed, [1, 20, 15, 25, 4]);
    let rec = net.monitor_get(m, "g_exc")?;
    assert_eq!(rec.steps, (0..n_steps).collect::<Vec<_>>());
    for (t, (got, want)) in rec.values.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "g_exc at step {t}");
    }
    assert_eq!(
        arrivals(&rec).iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        [5, 7, 13, 19, 21, 29, 31],
    );
    Ok(())
}
