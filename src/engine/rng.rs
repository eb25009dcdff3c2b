//! The crate's own pseudo-random generator and deterministic math.
//!
//! A seed must mean the same run in every future version and on every target, so the
//! algorithm is fixed here (SplitMix64) instead of borrowed from a crate whose output may
//! change, and the logarithm used for exponential draws is computed with basic IEEE
//! operations only (platform `ln` implementations may differ in the last bit).

/// SplitMix64 (Steele, Lea, Flood 2014): 64 bits of state, one add and a mix per draw.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0) without modulo bias (Lemire's multiply-shift with rejection).
    /// The rejection threshold `2^64 mod n` is below `n`, so it is worked out (a division)
    /// only when the low half is below `n`: the same answers, nearly never a division.
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        loop {
            let x = self.next_u64();
            let m = (x as u128) * (n as u128);
            let low = m as u64;
            if low >= n || low >= n.wrapping_neg() % n {
                return (m >> 64) as u64;
            }
        }
    }

    /// Uniform in the open interval (0, 1], from the top 53 bits.
    pub fn unit_open(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }
}

/// Natural logarithm of `x > 0` using only +, -, *, / (bit-for-bit the same everywhere).
pub const fn det_ln(x: f64) -> f64 {
    debug_assert!(x > 0.0 && x.is_finite());
    // x = m * 2^e with m in [0.75, 1.5): both steps are exact in binary floating point.
    let bits = x.to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m >= 1.5 {
        m *= 0.5;
        exp += 1;
    }
    // ln(m) = 2 atanh(t), t = (m-1)/(m+1) in (-0.143, 0.2): t^2 < 0.04, so 13 odd terms
    // of the series reach full double precision.
    const INV_ODD: [f64; 13] = [
        1.0,
        1.0 / 3.0,
        1.0 / 5.0,
        1.0 / 7.0,
        1.0 / 9.0,
        1.0 / 11.0,
        1.0 / 13.0,
        1.0 / 15.0,
        1.0 / 17.0,
        1.0 / 19.0,
        1.0 / 21.0,
        1.0 / 23.0,
        1.0 / 25.0,
    ];
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let mut sum = 0.0;
    // Horner form from the smallest term up.
    let mut i = INV_ODD.len();
    while i > 0 {
        i -= 1;
        sum = sum * t2 + INV_ODD[i];
    }
    2.0 * t * sum + exp as f64 * std::f64::consts::LN_2
}

/// A quick estimate of `ln(x)` for `x` in `(0, 1]`, within [`QUICK_LN_ERROR`] of
/// [`det_ln`]: a table of 128 points of `[1, 2)` (made by `det_ln` when compiling) and five
/// terms of the series of `ln(1 + r)` for `|r| < 1/256`. Used only where its error cannot
/// show ([`exponential_ms`]).
fn quick_ln(x: f64) -> f64 {
    // x = m * 2^e, m in [1, 2); the top 7 bits of m pick the table point c, and
    // ln(m) = ln(m / c) + ln(c) with m / c = 1 + r.
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let (inv_c, ln_c) = LN_TABLE[((bits >> 45) & 0x7f) as usize];
    let r = m * inv_c - 1.0;
    let r2 = r * r;
    // r - r^2/2 + r^3/3 - r^4/4 + r^5/5 - r^6/6, in two halves evaluated side by side.
    let odd = r + r2 * r * (1.0 / 3.0 + r2 * (1.0 / 5.0));
    let even = r2 * (-0.5 + r2 * (-0.25 - r2 * (1.0 / 6.0)));
    odd + even + ln_c + exp as f64 * std::f64::consts::LN_2
}

/// How far [`quick_ln`] may be from [`det_ln`] for `x` in `(0, 1]`: the two agree to
/// about 1e-14 (both within a few units in the last place of a result below 37); this
/// bound leaves a hundredfold margin.
const QUICK_LN_ERROR: f64 = 1e-12;

/// `(1 / c, ln c)` for the centre `c` of each of 128 equal slices of `[1, 2)`.
const LN_TABLE: [(f64, f64); 128] = {
    let mut table = [(0.0, 0.0); 128];
    let mut i = 0;
    while i < 128 {
        let c = 1.0 + (i as f64 + 0.5) / 128.0;
        let inv_c = 1.0 / c;
        // ln c = -ln(1 / c), for the rounded 1 / c the estimate divides by.
        table[i] = (inv_c, -det_ln(inv_c));
        i += 1;
    }
    table
};

/// An exponential delay in whole milliseconds for the uniform draw `u` in `(0, 1]`:
/// `-ln(u) * mean` truncated, at most `cap`; exactly what [`det_ln`] gives. The quick
/// estimate answers whenever every value within its error truncates to the same whole
/// millisecond (all but about one draw in ten million); otherwise `det_ln` decides.
pub fn exponential_ms(u: f64, mean: u64, cap: u64) -> u64 {
    let mean = mean as f64;
    let quick = -quick_ln(u) * mean;
    // The estimate's error, scaled by the mean, plus the rounding of both products.
    let margin = (QUICK_LN_ERROR + 1e-14) * mean;
    let low = (quick - margin) as u64;
    let answer = if low == (quick + margin) as u64 {
        low
    } else {
        (-det_ln(u) * mean) as u64
    };
    answer.min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values_never_change() {
        // Reference output of SplitMix64 seeded with 1234567 (from the published algorithm).
        let mut r = SplitMix64::new(1234567);
        assert_eq!(r.next_u64(), 6457827717110365317);
        assert_eq!(r.next_u64(), 3203168211198807973);
        assert_eq!(r.next_u64(), 9817491932198370423);
    }

    #[test]
    fn below_answers_as_the_threshold_worked_out_every_time() {
        // The reference: the threshold computed at every draw (as before the shortcut).
        fn reference(r: &mut SplitMix64, n: u64) -> u64 {
            loop {
                let m = (r.next_u64() as u128) * (n as u128);
                if m as u64 >= n.wrapping_neg() % n {
                    return (m >> 64) as u64;
                }
            }
        }
        // Large n reject often (n just above 2^63 rejects about half the draws).
        for n in [
            1,
            2,
            3,
            7,
            1000,
            1 << 40,
            (1 << 63) + 1,
            u64::MAX - 2,
            u64::MAX,
        ] {
            let (mut a, mut b) = (SplitMix64::new(n ^ 5), SplitMix64::new(n ^ 5));
            for _ in 0..2000 {
                assert_eq!(a.below(n), reference(&mut b, n), "n = {n}");
            }
            assert_eq!(a, b, "the same draws used, n = {n}");
        }
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut r = SplitMix64::new(7);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let v = r.below(5);
            assert!(v < 5);
            seen[v as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }

    /// The exact exponential draw, as every version before the quick estimate made it.
    fn exact_ms(u: f64, mean: u64, cap: u64) -> u64 {
        ((-det_ln(u) * mean as f64) as u64).min(cap)
    }

    #[test]
    fn quick_ln_stays_within_its_bound() {
        let mut r = SplitMix64::new(99);
        let mut worst: f64 = 0.0;
        for _ in 0..1_000_000 {
            let u = r.unit_open();
            worst = worst.max((quick_ln(u) - det_ln(u)).abs());
        }
        // Also the ends of the range and of each table slice.
        for x in [
            1.0,
            0.5,
            0.75,
            f64::EPSILON,
            1.0 / (1u64 << 53) as f64,
            0.999_999_999,
        ] {
            worst = worst.max((quick_ln(x) - det_ln(x)).abs());
        }
        assert!(worst < QUICK_LN_ERROR / 10.0, "quick_ln off by {worst}");
    }

    #[test]
    fn exponential_draws_are_exactly_the_exact_ones() {
        for (seed, mean) in [
            (1, 1),
            (2, 7),
            (3, 250),
            (4, 60_000),
            (5, 3_600_000),
            (6, 1 << 40),
        ] {
            let mut r = SplitMix64::new(seed);
            for _ in 0..400_000 {
                let u = r.unit_open();
                assert_eq!(
                    exponential_ms(u, mean, u64::MAX),
                    exact_ms(u, mean, u64::MAX)
                );
            }
        }
        // Draws that land next to a whole millisecond go to the exact logarithm.
        for k in 1..2000u64 {
            let u = (-(k as f64) / 1000.0).exp();
            for mean in [1000, 999, 1001] {
                assert_eq!(exponential_ms(u, mean, 5_000), exact_ms(u, mean, 5_000));
            }
        }
    }

    #[test]
    fn det_ln_matches_std_closely() {
        for &x in &[1e-9, 0.001, 0.3, 0.5, 1.0, 1.5, 2.0, 10.0, 12345.678] {
            let d = det_ln(x) - f64::ln(x);
            assert!(d.abs() < 1e-12, "ln({x}) off by {d}");
        }
    }
}
