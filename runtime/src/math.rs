//! ANNarchy's helper functions, as generated code calls them (SPEC.md 1.5).

/// `pos(x)`: `x` if positive, else 0.
#[inline(always)]
pub fn pos(x: f64) -> f64 {
    if x > 0.0 { x } else { 0.0 }
}

/// `neg(x)`: `x` if negative, else 0 (the negative part itself, not `-x`).
#[inline(always)]
pub fn neg(x: f64) -> f64 {
    if x < 0.0 { x } else { 0.0 }
}

/// `clip(x, a, b)`: `x` bounded to `[a, b]`.
#[inline(always)]
pub fn clip(x: f64, a: f64, b: f64) -> f64 {
    if x < a {
        a
    } else if x > b {
        b
    } else {
        x
    }
}

/// `modulo(a, b)`: remainder of the integer parts, with the sign of `a` (C `%`).
/// A zero divisor gives NaN instead of a crash.
#[inline(always)]
pub fn modulo(a: f64, b: f64) -> f64 {
    let (a, b) = (a as i64, b as i64);
    if b == 0 {
        return f64::NAN;
    }
    (a % b) as f64
}

/// `power(x, n)`: `x` multiplied by itself, `n` factors in all (`n >= 1`;
/// smaller `n` give `x`, as ANNarchy's loop does).
#[inline(always)]
pub fn power(x: f64, n: f64) -> f64 {
    let mut res = x;
    let mut k = 1;
    let n = n as i64;
    while k < n {
        res *= x;
        k += 1;
    }
    res
}

/// Boolean to number: 1 or 0.
#[inline(always)]
pub fn b2f(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_follow_annarchy() {
        assert_eq!(pos(-2.0), 0.0);
        assert_eq!(pos(2.0), 2.0);
        assert_eq!(neg(-2.0), -2.0);
        assert_eq!(neg(2.0), 0.0);
        assert_eq!(clip(-2.0, -1.0, 1.0), -1.0);
        assert_eq!(clip(0.0, -1.0, 1.0), 0.0);
        assert_eq!(clip(2.0, -1.0, 1.0), 1.0);
        assert_eq!(modulo(7.0, 3.0), 1.0);
        assert_eq!(modulo(-7.0, 3.0), -1.0);
        assert_eq!(power(2.0, 3.0), 8.0);
    }
}

/// Solves the dense linear system `a x = b` by Gaussian elimination with
/// partial pivoting (coupled implicit ODEs). A singular system gives NaN.
#[inline]
#[allow(clippy::needless_range_loop)]
pub fn solve_linear<const N: usize>(mut a: [[f64; N]; N], mut b: [f64; N]) -> [f64; N] {
    for col in 0..N {
        let mut piv = col;
        for row in col + 1..N {
            if a[row][col].abs() > a[piv][col].abs() {
                piv = row;
            }
        }
        a.swap(col, piv);
        b.swap(col, piv);
        let p = a[col][col];
        for row in col + 1..N {
            let f = a[row][col] / p;
            for k in col..N {
                a[row][k] -= f * a[col][k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; N];
    for row in (0..N).rev() {
        let mut s = b[row];
        for k in row + 1..N {
            s -= a[row][k] * x[k];
        }
        x[row] = s / a[row][row];
    }
    x
}

#[cfg(test)]
mod solve_tests {
    use super::solve_linear;

    #[test]
    fn solves_a_small_system() {
        let x = solve_linear([[0.0, 2.0], [1.0, 1.0]], [4.0, 3.0]);
        assert!((x[0] - 1.0).abs() < 1e-15 && (x[1] - 2.0).abs() < 1e-15);
    }
}
