//! ANNarchy's helper functions, as generated code calls them (SPEC.md 1.5),
//! in double and in single precision.

use std::ops::{Add, Div, Mul, Neg, Sub, SubAssign};

/// The floating-point types a model's arrays are stored and computed in:
/// `f64` (the default) and `f32` ([`Precision::Single`](crate::model::Precision)).
pub trait Real:
    Copy
    + Default
    + PartialOrd
    + std::fmt::Debug
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + SubAssign
    + Send
    + Sync
    + 'static
{
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// Not a number.
    const NAN: Self;
    /// The integer part, toward zero (saturating, as `as` casts).
    fn trunc_i64(self) -> i64;
    /// The nearest value to `v`.
    fn from_i64(v: i64) -> Self;
    /// The absolute value.
    fn abs(self) -> Self;
    /// The value in double precision (exact).
    fn to_f64(self) -> f64;
    /// The nearest value to `v`.
    fn from_f64(v: f64) -> Self;
    /// Four values in double precision (exact), as [`to_f64`](Self::to_f64)
    /// of each.
    #[inline(always)]
    fn widen4(x: &[Self; 4]) -> [f64; 4] {
        x.map(Self::to_f64)
    }
}

macro_rules! real {
    ($t:ty $(, $extra:item)*) => {
        impl Real for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const NAN: Self = <$t>::NAN;
            #[inline(always)]
            fn trunc_i64(self) -> i64 {
                self as i64
            }
            #[inline(always)]
            fn from_i64(v: i64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
            #[inline(always)]
            #[allow(clippy::cast_possible_truncation)]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            $($extra)*
        }
    };
}
real!(f64);
real!(
    f32,
    #[inline(always)]
    fn widen4(x: &[f32; 4]) -> [f64; 4] {
        widen4_f32(x)
    }
);

/// Four `f32` in `f64`, in one instruction (`vcvtps2pd`) where the
/// processor has AVX. Left to itself, LLVM widens the `f32` values of a
/// weighted sum's partials two at a time and shuffles them into place,
/// which makes the sum slower than the memory it reads.
#[inline(always)]
fn widen4_f32(x: &[f32; 4]) -> [f64; 4] {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx"))]
    {
        use std::arch::x86_64::{_mm_loadu_ps, _mm256_cvtps_pd, _mm256_storeu_pd};
        let mut out = [0.0; 4];
        // SAFETY: `x` is four readable `f32` and `out` four writable `f64`
        // (unaligned access); AVX is enabled for the whole build.
        unsafe {
            let v = _mm256_cvtps_pd(_mm_loadu_ps(x.as_ptr()));
            _mm256_storeu_pd(out.as_mut_ptr(), v);
        }
        out
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx")))]
    {
        x.map(f64::from)
    }
}

/// `pos(x)`: `x` if positive, else 0.
#[inline(always)]
pub fn pos<T: Real>(x: T) -> T {
    if x > T::ZERO { x } else { T::ZERO }
}

/// `neg(x)`: `x` if negative, else 0 (the negative part itself, not `-x`).
#[inline(always)]
pub fn neg<T: Real>(x: T) -> T {
    if x < T::ZERO { x } else { T::ZERO }
}

/// `clip(x, a, b)`: `x` bounded to `[a, b]`.
#[inline(always)]
pub fn clip<T: Real>(x: T, a: T, b: T) -> T {
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
pub fn modulo<T: Real>(a: T, b: T) -> T {
    let (a, b) = (a.trunc_i64(), b.trunc_i64());
    if b == 0 {
        return T::NAN;
    }
    T::from_i64(a % b)
}

/// `power(x, n)`: `x` multiplied by itself, `n` factors in all (`n >= 1`;
/// smaller `n` give `x`, as ANNarchy's loop does).
#[inline(always)]
pub fn power<T: Real>(x: T, n: T) -> T {
    let mut res = x;
    let mut k = 1;
    let n = n.trunc_i64();
    while k < n {
        res = res * x;
        k += 1;
    }
    res
}

/// Boolean to number: 1 or 0.
#[inline(always)]
pub fn b2f<T: Real>(b: bool) -> T {
    if b { T::ONE } else { T::ZERO }
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
        assert_eq!(power(2.0f32, 3.0), 8.0);
        assert_eq!(modulo(-7.0f32, 3.0), -1.0);
        assert_eq!(b2f::<f32>(true), 1.0);
    }
}

/// Solves the dense linear system `a x = b` by Gaussian elimination with
/// partial pivoting (coupled implicit ODEs). A singular system gives NaN.
#[inline]
#[allow(clippy::needless_range_loop)]
pub fn solve_linear<T: Real, const N: usize>(mut a: [[T; N]; N], mut b: [T; N]) -> [T; N] {
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
                let sub = f * a[col][k];
                a[row][k] -= sub;
            }
            let sub = f * b[col];
            b[row] -= sub;
        }
    }
    let mut x = [T::ZERO; N];
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
        let x: [f64; 2] = solve_linear([[0.0, 2.0], [1.0, 1.0]], [4.0, 3.0]);
        assert!((x[0] - 1.0).abs() < 1e-15 && (x[1] - 2.0).abs() < 1e-15);
    }
}
