//! The small symbolic core the numerical methods need: linear decomposition
//! of an expression in one variable (which is also the linearity check),
//! substitution and constant folding.
//!
//! Expressions are never expanded into polynomials: `decompose` walks the
//! tree and splits `e = a * x + r` structurally, so the code that comes out
//! keeps the shape the user wrote.

use crate::ir::{BinOp, Expr, Var};

/// Why an expression could not be split linearly in a variable.
#[derive(Clone, Debug, PartialEq)]
pub struct NonLinear;

/// How strictly non-linear occurrences are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linearity {
    /// Any non-linear occurrence is an error.
    Strict,
    /// Occurrences inside a function call or conditional (`exp(v)`) are kept
    /// in the remainder, evaluated at the old value (ANNarchy's standardisation).
    FunctionsAreConstant,
}

fn num(v: f64) -> Expr {
    Expr::Num(v)
}

fn is_num(e: &Expr, v: f64) -> bool {
    matches!(e, Expr::Num(x) if *x == v)
}

/// `a + b`, folded.
pub fn add(a: Expr, b: Expr) -> Expr {
    simplify(Expr::bin(BinOp::Add, a, b))
}
/// `a - b`, folded.
pub fn sub(a: Expr, b: Expr) -> Expr {
    simplify(Expr::bin(BinOp::Sub, a, b))
}
/// `a * b`, folded.
pub fn mul(a: Expr, b: Expr) -> Expr {
    simplify(Expr::bin(BinOp::Mul, a, b))
}
/// `a / b`, folded.
pub fn div(a: Expr, b: Expr) -> Expr {
    simplify(Expr::bin(BinOp::Div, a, b))
}
/// `-a`, folded.
pub fn neg(a: Expr) -> Expr {
    simplify(Expr::Neg(Box::new(a)))
}

/// Splits `e` into `(a, r)` with `e = a * x + r`, where neither `a` nor `r`
/// contains `x`. Fails when `e` is not linear in `x`.
pub fn decompose(e: &Expr, x: &Var, mode: Linearity) -> Result<(Expr, Expr), NonLinear> {
    if !e.contains(x) {
        return Ok((num(0.0), e.clone()));
    }
    match e {
        Expr::Var(v) if v == x => Ok((num(1.0), num(0.0))),
        Expr::Neg(a) => {
            let (ca, ra) = decompose(a, x, mode)?;
            Ok((neg(ca), neg(ra)))
        }
        Expr::Bin(BinOp::Add, a, b) => {
            let (ca, ra) = decompose(a, x, mode)?;
            let (cb, rb) = decompose(b, x, mode)?;
            Ok((add(ca, cb), add(ra, rb)))
        }
        Expr::Bin(BinOp::Sub, a, b) => {
            let (ca, ra) = decompose(a, x, mode)?;
            let (cb, rb) = decompose(b, x, mode)?;
            Ok((sub(ca, cb), sub(ra, rb)))
        }
        Expr::Bin(BinOp::Mul, a, b) => {
            let (ca, ra) = decompose(a, x, mode)?;
            let (cb, rb) = decompose(b, x, mode)?;
            let a_has = !is_num(&ca, 0.0);
            let b_has = !is_num(&cb, 0.0);
            match (a_has, b_has) {
                (true, true) => Err(NonLinear),
                // (ca x + ra) * b with b free of x
                (true, false) => Ok((mul(ca, (**b).clone()), mul(ra, (**b).clone()))),
                (false, true) => Ok((mul((**a).clone(), cb), mul((**a).clone(), rb))),
                // only function-wrapped occurrences: constant
                (false, false) => Ok((num(0.0), e.clone())),
            }
        }
        Expr::Bin(BinOp::Div, a, b) => {
            let (cb, _) = decompose(b, x, mode)?;
            if !is_num(&cb, 0.0) {
                return Err(NonLinear);
            }
            if b.contains(x) {
                // x only inside a function of the denominator
                return Ok((num(0.0), e.clone()));
            }
            let (ca, ra) = decompose(a, x, mode)?;
            Ok((div(ca, (**b).clone()), div(ra, (**b).clone())))
        }
        Expr::Bin(BinOp::Pow, base, exp) => {
            if exp.contains(x) {
                return fallback(e, mode);
            }
            let (cb, _) = decompose(base, x, mode)?;
            if is_num(&cb, 0.0) {
                return Ok((num(0.0), e.clone()));
            }
            if is_num(exp, 1.0) {
                return decompose(base, x, mode);
            }
            Err(NonLinear)
        }
        _ => fallback(e, mode),
    }
}

fn fallback(e: &Expr, mode: Linearity) -> Result<(Expr, Expr), NonLinear> {
    match mode {
        Linearity::Strict => Err(NonLinear),
        Linearity::FunctionsAreConstant => Ok((num(0.0), e.clone())),
    }
}

/// Replaces every occurrence of `x` by `with`.
pub fn substitute(e: &Expr, x: &Var, with: &Expr) -> Expr {
    substitute_all(e, &[(x.clone(), with.clone())])
}

/// Replaces every occurrence of each variable by its replacement (simultaneously).
pub fn substitute_all(e: &Expr, subs: &[(Var, Expr)]) -> Expr {
    match e {
        Expr::Var(v) => subs
            .iter()
            .find(|(x, _)| x == v)
            .map_or_else(|| e.clone(), |(_, w)| w.clone()),
        Expr::Neg(a) => Expr::Neg(Box::new(substitute_all(a, subs))),
        Expr::Not(a) => Expr::Not(Box::new(substitute_all(a, subs))),
        Expr::Bin(op, a, b) => Expr::bin(*op, substitute_all(a, subs), substitute_all(b, subs)),
        Expr::Call(f, args) => Expr::Call(
            f.clone(),
            args.iter().map(|a| substitute_all(a, subs)).collect(),
        ),
        Expr::Ite(c, a, b) => Expr::Ite(
            Box::new(substitute_all(c, subs)),
            Box::new(substitute_all(a, subs)),
            Box::new(substitute_all(b, subs)),
        ),
        Expr::Num(_) | Expr::Bool(_) => e.clone(),
    }
}

/// Folds constants and removes neutral elements (`0 + a`, `1 * a`, `a / 1`,
/// `--a`). Never changes the value of an expression for finite inputs.
pub fn simplify(e: Expr) -> Expr {
    match e {
        // -0 and 0 are the same number in every use an equation can make.
        Expr::Num(0.0) => num(0.0),
        Expr::Neg(a) => match simplify(*a) {
            Expr::Num(v) => num(-v),
            Expr::Neg(b) => *b,
            b => Expr::Neg(Box::new(b)),
        },
        Expr::Bin(op, a, b) => {
            let a = simplify(*a);
            let b = simplify(*b);
            match (op, &a, &b) {
                (BinOp::Add, Expr::Num(x), Expr::Num(y)) => num(x + y),
                (BinOp::Sub, Expr::Num(x), Expr::Num(y)) => num(x - y),
                (BinOp::Mul, Expr::Num(x), Expr::Num(y)) => num(x * y),
                (BinOp::Div, Expr::Num(x), Expr::Num(y)) if *y != 0.0 => num(x / y),
                (BinOp::Add, Expr::Num(z), _) if *z == 0.0 => b,
                (BinOp::Add, _, Expr::Num(z)) if *z == 0.0 => a,
                (BinOp::Sub, _, Expr::Num(z)) if *z == 0.0 => a,
                (BinOp::Sub, Expr::Num(z), _) if *z == 0.0 => simplify(Expr::Neg(Box::new(b))),
                (BinOp::Add, _, Expr::Neg(nb)) => {
                    simplify(Expr::bin(BinOp::Sub, a, (**nb).clone()))
                }
                (BinOp::Sub, _, Expr::Neg(nb)) => {
                    simplify(Expr::bin(BinOp::Add, a, (**nb).clone()))
                }
                (BinOp::Mul, Expr::Num(z), _) | (BinOp::Mul, _, Expr::Num(z)) if *z == 0.0 => {
                    num(0.0)
                }
                (BinOp::Mul, Expr::Num(o), _) if *o == 1.0 => b,
                (BinOp::Mul, _, Expr::Num(o)) if *o == 1.0 => a,
                (BinOp::Mul, Expr::Num(o), _) if *o == -1.0 => simplify(Expr::Neg(Box::new(b))),
                (BinOp::Mul, _, Expr::Num(o)) if *o == -1.0 => simplify(Expr::Neg(Box::new(a))),
                (BinOp::Div, _, Expr::Num(o)) if *o == 1.0 => a,
                (BinOp::Div, Expr::Num(z), _) if *z == 0.0 => num(0.0),
                (BinOp::Mul, Expr::Neg(x), Expr::Neg(y)) => {
                    simplify(Expr::bin(BinOp::Mul, (**x).clone(), (**y).clone()))
                }
                (BinOp::Div, Expr::Neg(x), Expr::Neg(y)) => {
                    simplify(Expr::bin(BinOp::Div, (**x).clone(), (**y).clone()))
                }
                (BinOp::Mul | BinOp::Div, Expr::Neg(x), _) => {
                    simplify(Expr::Neg(Box::new(Expr::bin(op, (**x).clone(), b.clone()))))
                }
                (BinOp::Mul | BinOp::Div, _, Expr::Neg(y)) => {
                    simplify(Expr::Neg(Box::new(Expr::bin(op, a.clone(), (**y).clone()))))
                }
                _ => Expr::bin(op, a, b),
            }
        }
        Expr::Not(a) => Expr::Not(Box::new(simplify(*a))),
        Expr::Call(f, args) => Expr::Call(f, args.into_iter().map(simplify).collect()),
        Expr::Ite(c, a, b) => Expr::Ite(
            Box::new(simplify(*c)),
            Box::new(simplify(*a)),
            Box::new(simplify(*b)),
        ),
        e => e,
    }
}

/// Solves `residual(x') = 0` for the derivative atom `d`: returns `f` with
/// `dx/dt = f`. Fails when the residual is not linear in the derivative or
/// its coefficient is zero.
pub fn solve_for(residual: &Expr, d: &Var) -> Result<Expr, NonLinear> {
    let (a, r) = decompose(residual, d, Linearity::Strict)?;
    if is_num(&a, 0.0) {
        return Err(NonLinear);
    }
    Ok(div(neg(r), a))
}

/// Standard form `tau * dx/dt + x = S` of a linear first-order ODE given by
/// its residual `F(dx/dt, x) = 0`. Returns `(tau, S)`.
pub fn standardize(residual: &Expr, d: &Var, x: &Var) -> Result<(Expr, Expr), NonLinear> {
    let (a, r) = decompose(residual, d, Linearity::Strict)?;
    if is_num(&a, 0.0) || a.contains(x) {
        return Err(NonLinear);
    }
    let (b, r2) = decompose(&r, x, Linearity::FunctionsAreConstant)?;
    if is_num(&b, 0.0) {
        return Err(NonLinear);
    }
    // a x' + b x + r2 = 0  =>  (a/b) x' + x = -r2/b
    Ok((div(a, b.clone()), div(neg(r2), b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(n: &str) -> Expr {
        Expr::attr(n)
    }
    fn x() -> Var {
        Var::Attr("x".into())
    }
    fn eval(e: &Expr, env: &[(&str, f64)]) -> f64 {
        match e {
            Expr::Num(v) => *v,
            Expr::Var(Var::Attr(n) | Var::Temp(n)) => {
                env.iter().find(|(k, _)| k == n).expect("bound").1
            }
            Expr::Neg(a) => -eval(a, env),
            Expr::Bin(op, a, b) => {
                let (a, b) = (eval(a, env), eval(b, env));
                match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => a / b,
                    BinOp::Pow => a.powf(b),
                    _ => unreachable!(),
                }
            }
            Expr::Call(crate::ir::Func::Math("exp"), a) => eval(&a[0], env).exp(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn decomposes_linear_expressions() {
        // tau * (I - x) / 2 + 3 * x
        let e = Expr::bin(
            BinOp::Add,
            Expr::bin(
                BinOp::Div,
                Expr::bin(BinOp::Mul, v("tau"), Expr::bin(BinOp::Sub, v("I"), v("x"))),
                num(2.0),
            ),
            Expr::bin(BinOp::Mul, num(3.0), v("x")),
        );
        let (a, r) = decompose(&e, &x(), Linearity::Strict).unwrap();
        let env = [("tau", 4.0), ("I", 1.5)];
        assert_eq!(eval(&a, &env), -4.0 / 2.0 + 3.0);
        assert_eq!(eval(&r, &env), 4.0 * 1.5 / 2.0);
    }

    #[test]
    fn refuses_non_linear_expressions() {
        let sq = Expr::bin(BinOp::Pow, v("x"), num(2.0));
        assert_eq!(decompose(&sq, &x(), Linearity::Strict), Err(NonLinear));
        let prod = Expr::bin(BinOp::Mul, v("x"), v("x"));
        assert_eq!(decompose(&prod, &x(), Linearity::Strict), Err(NonLinear));
        let inv = Expr::bin(BinOp::Div, num(1.0), v("x"));
        assert_eq!(decompose(&inv, &x(), Linearity::Strict), Err(NonLinear));
        let f = Expr::Call(crate::ir::Func::Math("exp"), vec![v("x")]);
        assert_eq!(decompose(&f, &x(), Linearity::Strict), Err(NonLinear));
        let (a, r) = decompose(&f, &x(), Linearity::FunctionsAreConstant).unwrap();
        assert_eq!(a, num(0.0));
        assert_eq!(r, f);
    }

    #[test]
    fn standard_form_of_a_conductance_equation() {
        // cm * dx/dt = cm/tm*(vr - x) + g*(e - x)
        let d = Var::Temp("dx".into());
        let lhs = Expr::bin(BinOp::Mul, v("cm"), Expr::Var(d.clone()));
        let rhs = Expr::bin(
            BinOp::Add,
            Expr::bin(
                BinOp::Mul,
                Expr::bin(BinOp::Div, v("cm"), v("tm")),
                Expr::bin(BinOp::Sub, v("vr"), v("x")),
            ),
            Expr::bin(BinOp::Mul, v("g"), Expr::bin(BinOp::Sub, v("e"), v("x"))),
        );
        let res = Expr::bin(BinOp::Sub, lhs, rhs);
        let (tau, s) = standardize(&res, &d, &x()).unwrap();
        let env = [
            ("cm", 2.0),
            ("tm", 10.0),
            ("vr", -65.0),
            ("g", 0.5),
            ("e", 0.0),
        ];
        let b = 2.0 / 10.0 + 0.5;
        assert!((eval(&tau, &env) - 2.0 / b).abs() < 1e-12);
        assert!((eval(&s, &env) - (2.0 / 10.0 * -65.0) / b).abs() < 1e-12);
        let f = solve_for(&res, &d).unwrap();
        let env2 = [
            ("cm", 2.0),
            ("tm", 10.0),
            ("vr", -65.0),
            ("g", 0.5),
            ("e", 0.0),
            ("x", -50.0),
        ];
        let want = (2.0 / 10.0 * (-65.0 + 50.0) + 0.5 * 50.0) / 2.0;
        assert!((eval(&f, &env2) - want).abs() < 1e-12);
    }

    #[test]
    fn simplify_folds_neutral_elements() {
        let e = Expr::bin(
            BinOp::Add,
            Expr::bin(BinOp::Mul, num(1.0), v("a")),
            Expr::bin(BinOp::Mul, num(0.0), v("b")),
        );
        assert_eq!(simplify(e), v("a"));
        assert_eq!(
            simplify(Expr::Neg(Box::new(Expr::Neg(Box::new(v("a")))))),
            v("a")
        );
    }
}
