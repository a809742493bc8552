//! A number on which the generated code calls a method (the base of a
//! power, the argument of a math function) compiles and computes what the
//! equation says: `pow(2, t)`, `2^t`, `2 ** (t / 2)`, `exp(1)`.

use annarchy::prelude::*;

annarchy::neuron! {
    /// Powers and functions of numbers.
    struct Powers {
        equations: "
            r = pow(2, t)
            caret = 2^t
            stars = 2 ** (t / 2)
            minus = (-2)^t
            e = exp(1) + sqrt(4)
        ",
    }
}

#[test]
fn numbers_as_method_receivers() -> annarchy::Result<()> {
    let mut b = Network::builder().dt(1.0)?;
    let p = b.population::<Powers>("p", 1)?;
    let mut net = b.build()?;
    net.simulate(4.0)?;
    // The last update saw t = 3.
    assert_eq!(net.get(p, "r")?, vec![8.0]);
    assert_eq!(net.get(p, "caret")?, vec![8.0]);
    approx::assert_relative_eq!(net.get(p, "stars")?[0], 2f64.powf(1.5));
    assert_eq!(net.get(p, "minus")?, vec![-8.0]);
    approx::assert_relative_eq!(net.get(p, "e")?[0], 1f64.exp() + 2.0);
    Ok(())
}
