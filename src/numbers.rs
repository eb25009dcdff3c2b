//! Numbers written into the page (SVG coordinates, percentages, seconds) without core's
//! floating-point formatting, which would add about 20 KB to the app's wasm. Values are rounded
//! half away from zero; anything not finite is written as `0`.

/// `x` with exactly `places` decimals (at most 6): `fixed(2.345, 1)` is `"2.3"`.
pub fn fixed(x: f64, places: u32) -> String {
    let places = places.min(6);
    let scale = 10_i64.pow(places);
    let scaled = x * scale as f64;
    if !scaled.is_finite() || scaled.abs() >= i64::MAX as f64 {
        return "0".to_string();
    }
    let n = scaled.round() as i64;
    let sign = if n < 0 { "-" } else { "" };
    let n = n.unsigned_abs();
    let scale = scale as u64;
    match places {
        0 => format!("{sign}{n}"),
        _ => format!(
            "{sign}{}.{:0width$}",
            n / scale,
            n % scale,
            width = places as usize
        ),
    }
}

/// `x` to one decimal, without a trailing `.0`: `num(900.0)` is `"900"`, `num(12.25)` is `"12.3"`.
pub fn num(x: f64) -> String {
    let s = fixed(x, 1);
    match s.strip_suffix(".0") {
        Some(whole) if whole != "-0" => whole.to_string(),
        Some(_) => "0".to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rounds_and_pads() {
        assert_eq!(fixed(2.345, 1), "2.3");
        assert_eq!(fixed(2.35, 0), "2");
        assert_eq!(fixed(0.05, 1), "0.1");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-1.26, 1), "-1.3");
        assert_eq!(fixed(3.0, 2), "3.00");
        assert_eq!(fixed(12.5, 0), "13");
        assert_eq!(fixed(0.007, 2), "0.01");
        assert_eq!(fixed(f64::NAN, 1), "0");
        assert_eq!(fixed(f64::INFINITY, 1), "0");
        assert_eq!(fixed(1e300, 1), "0");
    }

    #[test]
    fn fixed_agrees_with_core_formatting_away_from_ties() {
        // Exactly halfway cases may round differently (core rounds the exact binary value).
        let near_tie = |x: f64, places: i32| {
            let scaled = (x * 10_f64.powi(places)).abs();
            (scaled - scaled.floor() - 0.5).abs() < 1e-6
        };
        let mut compared = 0;
        for i in -2000..2000 {
            let x = i as f64 * 0.0137 + 0.0001;
            for (places, core) in [
                (0, format!("{x:.0}")),
                (1, format!("{x:.1}")),
                (2, format!("{x:.2}")),
            ] {
                // core writes a negative zero as `-0`; fixed writes `0`.
                let core = match core.strip_prefix('-') {
                    Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
                    _ => core,
                };
                if !near_tie(x, places) {
                    assert_eq!(fixed(x, places as u32), core, "{x}");
                    compared += 1;
                }
            }
        }
        assert!(compared > 11_000);
    }

    #[test]
    fn num_drops_a_zero_decimal() {
        assert_eq!(num(900.0), "900");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(-5.0), "-5");
    }
}
