//! Decimal numbers as the playground reads and writes them: `0.05`, `12.5`, `1234.567`.
//!
//! Why not `str::parse::<f64>` and `format!("{:.2}")`: core's float parsing and printing
//! are general (exponents, any precision, shortest round-trip) and bring about 30 KB of
//! code and incompressible power-of-ten tables into the page's wasm, a tenth of its
//! first-load budget (docs/performance.md). The playground's numbers are short decimals —
//! probabilities, speeds, coordinates, times — and these few lines read and write them
//! exactly:
//!
//! - [`parse`] is correctly rounded, so it returns exactly what `str::parse::<f64>` does
//!   for every input it accepts with at most 15 significant digits (a proptest checks
//!   this): the digits form an integer `n < 2^53` and the value is `n / 10^k` with
//!   `k <= 22`, one division of two exactly representable numbers.
//! - [`fixed`] rounds to a number of decimals through an integer, and [`shortest`]
//!   writes a value with the fewest decimals that [`parse`] reads back to the same value.

/// Reads `digits[.digits]` (or `.digits`): no sign, no exponent, no spaces. `None` for
/// anything else, and for more than 17 significant digits.
pub fn parse(text: &str) -> Option<f64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    let digits = || whole.bytes().chain(fraction.bytes());
    if whole.is_empty() && fraction.is_empty() || !digits().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Trailing zeros of the fraction change nothing; leading zeros of the number neither.
    let fraction = fraction.trim_end_matches('0');
    let mut mantissa: u64 = 0;
    let mut significant = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        if mantissa == 0 && b == b'0' {
            continue;
        }
        significant += 1;
        if significant > 17 {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(b - b'0');
    }
    let scale = *POWERS_OF_TEN.get(fraction.len())?;
    // Exact when mantissa < 2^53 (15 digits always are): one correctly rounded division.
    Some(mantissa as f64 / scale)
}

/// 10^0 ..= 10^22: every one exactly representable as an f64.
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// `v` rounded to `decimals` places (half away from zero), with exactly that many
/// decimals: `fixed(2.5, 2)` is `2.50`. Values too large for that many decimals in 63 bits
/// are written with fewer. Not-a-number is written `NaN`.
pub fn fixed(v: f64, decimals: usize) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    let mut decimals = decimals.min(18);
    while decimals > 0 && v.abs() * POWERS_OF_TEN[decimals] >= 9.2e18 {
        decimals -= 1;
    }
    let scaled = (v.abs() * POWERS_OF_TEN[decimals]).round();
    if scaled >= 9.2e18 {
        return if v < 0.0 { "-huge".to_string() } else { "huge".to_string() };
    }
    let n = scaled as u64;
    let sign = if v < 0.0 && n != 0 { "-" } else { "" };
    if decimals == 0 {
        return format!("{sign}{n}");
    }
    let unit = 10u64.pow(decimals as u32);
    format!("{sign}{}.{:0width$}", n / unit, n % unit, width = decimals)
}

/// `v` rounded to at most `decimals` places, without trailing zeros: `12`, `12.5`,
/// `-0.25` (and `0`, never `-0`).
pub fn trimmed(v: f64, decimals: usize) -> String {
    let s = fixed(v, decimals);
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    s.to_string()
}

/// The fewest decimals that [`parse`] reads back as exactly `v`: `0.1`, `0.05`, `3`,
/// `0.3333333333333333`. Every value [`parse`] makes has such a form, and so has every
/// value whose shortest form has at most 15 significant digits; the rare value that needs
/// more digits than an f64 holds exactly may come back one unit in the last place off.
/// Negative values, which [`parse`] does not read, are written like positive ones.
pub fn shortest(v: f64) -> String {
    for decimals in 0..17 {
        let text = trimmed(v, decimals);
        if parse(text.trim_start_matches('-')).is_some_and(|back| back == v.abs()) {
            return text;
        }
    }
    trimmed(v, 17)
}

/// Microseconds as milliseconds with exactly three decimals (`1650.744`), by integer
/// arithmetic.
pub fn micros_as_millis(us: u64) -> String {
    format!("{}.{:03}", us / 1000, us % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_short_decimals() {
        assert_eq!(parse("0.05"), Some(0.05));
        assert_eq!(parse("12"), Some(12.0));
        assert_eq!(parse("12."), Some(12.0));
        assert_eq!(parse(".5"), Some(0.5));
        assert_eq!(parse("007.250"), Some(7.25));
        assert_eq!(parse("0"), Some(0.0));
        for bad in ["", ".", "-1", "+1", "1e3", "1.2.3", " 1", "1 ", "0x10", "inf", "NaN", "1,5"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(parse("123456789012345678"), None, "18 significant digits");
        assert_eq!(parse("0.00000000000000000000001"), None, "more decimals than 10^22 can scale");
    }

    #[test]
    fn writes_fixed_decimals() {
        assert_eq!(fixed(2.5, 2), "2.50");
        assert_eq!(fixed(1234.5678, 1), "1234.6");
        assert_eq!(fixed(0.125, 2), "0.13", "half away from zero");
        assert_eq!(fixed(-0.001, 2), "0.00", "no minus sign on a zero");
        assert_eq!(fixed(-1.23456, 3), "-1.235");
        assert_eq!(fixed(7.0, 0), "7");
        assert_eq!(fixed(f64::NAN, 2), "NaN");
        assert_eq!(fixed(1e300, 2), "huge");
        assert_eq!(trimmed(12.0, 2), "12");
        assert_eq!(trimmed(12.5, 2), "12.5");
        assert_eq!(trimmed(-0.001, 2), "0");
        assert_eq!(trimmed(1.23456, 2), "1.23");
        assert_eq!(trimmed(100.0, 0), "100", "zeros of a whole number stay");
        assert_eq!(micros_as_millis(1_650_744), "1650.744");
        assert_eq!(micros_as_millis(5), "0.005");
    }

    #[test]
    fn shortest_reads_back_the_same() {
        assert_eq!(shortest(0.1), "0.1");
        assert_eq!(shortest(0.05), "0.05");
        assert_eq!(shortest(0.3), "0.3");
        assert_eq!(shortest(3.0), "3");
        assert_eq!(shortest(0.0), "0");
        assert_eq!(shortest(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(parse(&shortest(1.0 / 3.0)), Some(1.0 / 3.0));
    }

    proptest! {
        /// Correct rounding: the same f64 as the standard library for every decimal of up
        /// to 15 significant digits.
        #[test]
        fn parse_agrees_with_std(whole in 0u64..1_000_000_000, fraction in 0u64..1_000_000, width in 0usize..7) {
            let text = if width == 0 { whole.to_string() } else { format!("{whole}.{:0width$}", fraction % 10u64.pow(width as u32)) };
            prop_assert_eq!(parse(&text), Some(text.parse::<f64>().unwrap()), "{}", text);
        }

        /// What the page writes with `shortest` reads back exactly, for every value that
        /// `parse` can produce.
        #[test]
        fn shortest_round_trips(n in 0u64..10_000_000, k in 0usize..8) {
            let v = n as f64 / POWERS_OF_TEN[k];
            prop_assert_eq!(parse(&shortest(v)), Some(v));
        }

        /// `fixed` agrees with `format!("{:.N}")` away from exact halves, where the two
        /// round differently (half away from zero here, to even on the binary value there).
        #[test]
        fn fixed_agrees_with_std_off_the_halves(v in -1.0e6f64..1.0e6, decimals in 0usize..4) {
            let scaled = v.abs() * POWERS_OF_TEN[decimals];
            prop_assume!((scaled.fract() - 0.5).abs() > 1e-6);
            let std = format!("{v:.decimals$}");
            let std = if std.trim_start_matches('-').bytes().all(|b| b == b'0' || b == b'.') { std.trim_start_matches('-').to_string() } else { std };
            prop_assert_eq!(fixed(v, decimals), std);
        }
    }
}
