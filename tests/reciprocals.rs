//! Divisions by values that do not change within a population's update (a
//! population-wide parameter, `dt`, a constant) are computed as
//! multiplications by a reciprocal worked out once per step. The tests
//! show that the results stay within a few units in the last place of
//! the divisions (which per-neuron parameters still compute), that the
//! division by zero gives the same infinities and NaNs, and that the
//! generated names do not clash with a model's own.

use annarchy::prelude::*;

annarchy::neuron! {
    /// The same leaky integration twice: `v` divides by a population-wide
    /// time constant (a reciprocal), `w` by a per-neuron one (a division).
    struct Twins {
        parameters: "
            tau = 7.0 : population
            tau_n = 7.0
            I = 1.3
        ",
        equations: "
            tau * dv/dt = -v + I
            tau_n * dw/dt = -w + I
            recip_0 = v / tau
            r = v
        ",
    }
}

#[test]
fn reciprocals_stay_within_a_few_ulps_of_divisions() -> annarchy::Result<()> {
    let mut b = Network::builder().dt(0.1)?;
    let pop = b.population::<Twins>("pop", 5)?;
    b.set(pop, "tau", 7.3)?;
    b.set(pop, "tau_n", 7.3)?;
    b.set(pop, "I", vec![-2.0, -0.1, 0.0, 0.7, 3.1])?;
    let mut net = b.build()?;
    for _ in 0..1000 {
        net.step();
        let (v, w) = (net.get(pop, "v")?, net.get(pop, "w")?);
        for (v, w) in v.iter().zip(&w) {
            let ulps = (v.to_bits() as i64 - w.to_bits() as i64).abs();
            assert!(ulps <= 8 || (v - w).abs() < 1e-15, "v = {v}, w = {w}");
        }
    }
    // The model's own `recip_0` is its own: v / tau.
    let (v, r) = (net.get(pop, "v")?, net.get(pop, "recip_0")?);
    for (v, r) in v.iter().zip(&r) {
        approx::assert_relative_eq!(*r, v / 7.3, max_relative = 1e-15);
    }
    Ok(())
}

#[test]
fn a_zero_time_constant_gives_the_infinities_of_a_division() -> annarchy::Result<()> {
    let mut b = Network::builder().dt(1.0)?;
    let pop = b.population::<Twins>("pop", 3)?;
    b.set(pop, "tau", 0.0)?;
    b.set(pop, "tau_n", 0.0)?;
    b.set(pop, "I", vec![-1.0, 0.0, 1.0])?;
    let mut net = b.build()?;
    net.step();
    let (v, w) = (net.get(pop, "v")?, net.get(pop, "w")?);
    let kinds = |x: &[f64]| {
        x.iter()
            .map(|x| (x.is_nan(), x.is_infinite(), x.is_sign_negative()))
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&v), kinds(&w));
    assert!(
        v[0] == f64::NEG_INFINITY && v[1].is_nan() && v[2] == f64::INFINITY,
        "{v:?}"
    );
    Ok(())
}
