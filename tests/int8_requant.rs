//! The requantization helpers against straightforward wide-integer references (issue 11):
//! edge values (`i32::MIN`, saturation, ties, shifts 0..31, multipliers near 2^31) and a
//! seeded random sweep.

use ctensor::quant::requant::{
    QuantizedMultiplier, multiply_by_quantized_multiplier, quantize_multiplier,
    rounding_divide_by_pot, saturating_rounding_doubling_high_mul,
};
use rand::{RngExt, SeedableRng, rngs::StdRng};

/// `a b / 2^31` rounded to nearest, ties toward +infinity, saturated: `floor((ab + 2^30) /
/// 2^31)` in `i128`.
fn srdhm_ref(a: i32, b: i32) -> i32 {
    let v = (i128::from(a) * i128::from(b) + (1 << 30)).div_euclid(1 << 31);
    v.clamp(i128::from(i32::MIN), i128::from(i32::MAX)) as i32
}

/// `x / 2^e` rounded to nearest, ties away from zero, from the exact quotient.
fn rdiv_ref(x: i32, e: u32) -> i32 {
    let d = 1_i128 << e;
    let x = i128::from(x);
    let (q, r) = (x.div_euclid(d), x.rem_euclid(d)); // x = q d + r, 0 <= r < d
    let up = 2 * r > d || (2 * r == d && x > 0);
    (q + i128::from(up)) as i32
}

/// `x M` from the definitions in `i128`: saturating left shift, high multiply, right shift.
fn mul_ref(x: i32, m: QuantizedMultiplier) -> i32 {
    let left = m.shift.max(0) as u32;
    let right = (-m.shift).max(0) as u32;
    let shifted = (i128::from(x) << left).clamp(i128::from(i32::MIN), i128::from(i32::MAX));
    rdiv_ref(srdhm_ref(shifted as i32, m.multiplier), right)
}

const EDGES: [i32; 16] = [
    i32::MIN,
    i32::MIN + 1,
    i32::MAX,
    i32::MAX - 1,
    0,
    1,
    -1,
    2,
    -2,
    3,
    -3,
    1 << 30,
    -(1 << 30),
    (1 << 30) + 1,
    -(1 << 30) - 1,
    12_345_678,
];

#[test]
fn srdhm_on_edge_values() {
    for a in EDGES {
        for b in EDGES {
            assert_eq!(
                saturating_rounding_doubling_high_mul(a, b),
                srdhm_ref(a, b),
                "a = {a}, b = {b}"
            );
        }
    }
    assert_eq!(
        saturating_rounding_doubling_high_mul(i32::MIN, i32::MIN),
        i32::MAX
    );
    // Ties: exactly half, both signs (ties toward +infinity).
    assert_eq!(saturating_rounding_doubling_high_mul(1, 1 << 30), 1);
    assert_eq!(saturating_rounding_doubling_high_mul(-1, 1 << 30), 0);
    assert_eq!(saturating_rounding_doubling_high_mul(5, 1 << 30), 3);
    assert_eq!(saturating_rounding_doubling_high_mul(-5, 1 << 30), -2);
}

#[test]
fn rounding_divide_on_every_shift_and_tie() {
    for e in 0..=31_u32 {
        for x in EDGES {
            assert_eq!(
                rounding_divide_by_pot(x, e),
                rdiv_ref(x, e),
                "x = {x}, e = {e}"
            );
        }
        if e > 0 {
            // Exact ties: +-(2k + 1) 2^(e-1), away from zero.
            let half = 1_i64 << (e - 1);
            for k in [0_i64, 1, 2, 7] {
                let x = (2 * k + 1) * half;
                if x <= i64::from(i32::MAX) {
                    assert_eq!(
                        rounding_divide_by_pot(x as i32, e) as i64,
                        k + 1,
                        "x = {x}, e = {e}"
                    );
                    assert_eq!(
                        rounding_divide_by_pot(-x as i32, e) as i64,
                        -(k + 1),
                        "x = -{x}, e = {e}"
                    );
                }
            }
        }
    }
    assert_eq!(rounding_divide_by_pot(i32::MIN, 31), -1);
    assert_eq!(rounding_divide_by_pot(i32::MIN, 0), i32::MIN);
    assert_eq!(rounding_divide_by_pot(i32::MAX, 31), 1);
}

#[test]
fn quantize_multiplier_matches_frexp_and_round() {
    // Exact cases.
    assert_eq!(
        quantize_multiplier(0.5).unwrap(),
        QuantizedMultiplier {
            multiplier: 1 << 30,
            shift: 0
        }
    );
    assert_eq!(
        quantize_multiplier(1.0).unwrap(),
        QuantizedMultiplier {
            multiplier: 1 << 30,
            shift: 1
        }
    );
    // Just below 1: m 2^31 rounds up to 2^31, which becomes 2^30 and shift + 1.
    let below_one = 1.0 - f64::EPSILON / 2.0;
    assert_eq!(
        quantize_multiplier(below_one).unwrap(),
        QuantizedMultiplier {
            multiplier: 1 << 30,
            shift: 1
        }
    );
    // The largest multiplier that stays below 2^31: (2^31 - 1) / 2^31.
    let near = f64::from(i32::MAX) / 2_147_483_648.0;
    assert_eq!(
        quantize_multiplier(near).unwrap(),
        QuantizedMultiplier {
            multiplier: i32::MAX,
            shift: 0
        }
    );
    // A tie in m 2^31 rounds up (away from zero): m = (2^31 - 1.5) / 2^31.
    let tie = (f64::from(i32::MAX) - 0.5) / 2_147_483_648.0;
    assert_eq!(quantize_multiplier(tie).unwrap().multiplier, i32::MAX);
    let tie_low = (f64::from(1 << 30) + 0.5) / 2_147_483_648.0;
    assert_eq!(
        quantize_multiplier(tie_low).unwrap().multiplier,
        (1 << 30) + 1
    );
    // Tiny multipliers: shift -31 kept, below it zero (TFLite).
    assert_eq!(
        quantize_multiplier(0.5 * 2f64.powi(-31)).unwrap().shift,
        -31
    );
    assert_eq!(
        quantize_multiplier(0.5 * 2f64.powi(-32)).unwrap(),
        QuantizedMultiplier {
            multiplier: 0,
            shift: 0
        }
    );
    assert_eq!(
        quantize_multiplier(f64::MIN_POSITIVE / 4.0)
            .unwrap()
            .multiplier,
        0
    );
    // Large ones: up to 2^31 exclusive.
    assert_eq!(quantize_multiplier(2f64.powi(30)).unwrap().shift, 31);
    for bad in [-1.0, -0.0 - 1e-300, f64::NAN, f64::INFINITY, 2f64.powi(31)] {
        let err = quantize_multiplier(bad).unwrap_err();
        assert!(
            err.to_string().contains("requantization multiplier"),
            "{err}"
        );
    }
}

#[test]
fn quantize_multiplier_random_against_frexp_reference() {
    let mut rng = StdRng::seed_from_u64(11);
    for _ in 0..100_000 {
        // Log-uniform over [2^-40, 2^30).
        let real = 2f64.powf(rng.random_range(-40.0..30.0));
        let m = quantize_multiplier(real).unwrap();
        assert!(m.is_valid(), "{real}: {m:?}");
        // Reference: frexp by logarithm search, round half away from zero in f64 (exact:
        // m 2^31 has at most 53 significant bits, and .5 is representable).
        let mut e = real.log2().floor() as i32 + 1;
        let mut frac = real / 2f64.powi(e);
        while frac >= 1.0 {
            frac /= 2.0;
            e += 1;
        }
        while frac < 0.5 {
            frac *= 2.0;
            e -= 1;
        }
        let mut q = (frac * 2_147_483_648.0).round() as i64;
        if q == 1 << 31 {
            q /= 2;
            e += 1;
        }
        let expected = if e < -31 {
            QuantizedMultiplier {
                multiplier: 0,
                shift: 0,
            }
        } else {
            QuantizedMultiplier {
                multiplier: q as i32,
                shift: e,
            }
        };
        assert_eq!(m, expected, "real = {real:e}");
        // Relative error at most 2^-31.
        if m.multiplier != 0 {
            assert!((m.to_f64() - real).abs() <= real * 2f64.powi(-31), "{real}");
        }
    }
}

#[test]
fn multiply_on_every_shift_and_edge_value() {
    let multipliers = [
        1 << 30,
        (1 << 30) + 1,
        i32::MAX,
        i32::MAX - 1,
        1_717_986_918,
    ];
    for shift in -31..=30 {
        for multiplier in multipliers {
            let m = QuantizedMultiplier { multiplier, shift };
            for x in EDGES {
                assert_eq!(
                    multiply_by_quantized_multiplier(x, m),
                    mul_ref(x, m),
                    "x = {x}, {m:?}"
                );
            }
        }
    }
}

#[test]
fn multiply_random_against_reference_and_real_product() {
    let mut rng = StdRng::seed_from_u64(1111);
    for _ in 0..200_000 {
        let x: i32 = if rng.random_bool(0.5) {
            rng.random()
        } else {
            rng.random_range(-70_000..70_000)
        };
        let real = 2f64.powf(rng.random_range(-24.0..2.0));
        let m = quantize_multiplier(real).unwrap();
        let got = multiply_by_quantized_multiplier(x, m);
        assert_eq!(got, mul_ref(x, m), "x = {x}, {m:?}");
        // Within one unit of the real product, unless the left shift saturated; then still
        // of magnitude >= 2^30 with the right sign (so it clamps to the same i8).
        let exact = f64::from(x) * m.to_f64();
        let wide = i64::from(x) << m.shift.max(0);
        if i32::try_from(wide).is_err() {
            assert!(
                got.unsigned_abs() >= 1 << 30 && (got < 0) == (x < 0),
                "x = {x}, {m:?}"
            );
        } else {
            assert!(
                (f64::from(got) - exact).abs() <= 1.0,
                "x = {x}, real = {real}: {got} vs {exact}"
            );
        }
    }
}

/// The kernels' output stage (`Requant::output`, with its straight-line path for
/// `shift <= 0`) gives the bits of `multiply_by_quantized_multiplier` + zero point + clamp
/// for every input, valid multipliers or not (shifts outside `[-31, 30]`, `i32::MIN`, 0,
/// small ones): edge values, then a seeded random sweep.
#[test]
fn output_stage_matches_multiply_then_clamp() {
    use ctensor::kernels::int8::Requant;
    let check = |acc: i32, bias: i32, m: QuantizedMultiplier, zp: i8, min: i8, max: i8| {
        let r = Requant {
            bias: &[bias],
            multiplier: &[m],
            zero_point: zp,
            min,
            max,
        };
        let v = multiply_by_quantized_multiplier(bias.wrapping_add(acc), m)
            .saturating_add(i32::from(zp))
            .clamp(i32::from(min), i32::from(max));
        assert_eq!(
            i32::from(r.output(0, acc)),
            v,
            "acc {acc}, bias {bias}, {m:?}, zp {zp}, [{min}, {max}]"
        );
    };
    let multipliers = [
        1 << 30,
        (1 << 30) + 1,
        i32::MAX,
        1_717_986_918,
        i32::MIN,
        i32::MIN + 1,
        0,
        1,
        -1,
        -(1 << 30),
    ];
    for shift in (-40..=35).chain([i32::MIN, i32::MAX, -64, 64]) {
        for multiplier in multipliers {
            let m = QuantizedMultiplier { multiplier, shift };
            for acc in EDGES {
                for bias in [0, -1, i32::MIN, i32::MAX, 77] {
                    for (zp, min) in [(0, -128), (-128, -128), (127, 127), (-5, -5), (3, -128)] {
                        check(acc, bias, m, zp, min, 127);
                    }
                }
            }
        }
    }
    let mut rng = StdRng::seed_from_u64(11);
    for _ in 0..200_000 {
        let m = QuantizedMultiplier {
            multiplier: if rng.random_bool(0.9) {
                rng.random_range(1 << 30..=i32::MAX)
            } else {
                rng.random()
            },
            shift: if rng.random_bool(0.9) {
                rng.random_range(-31..=30)
            } else {
                rng.random_range(-100..=100)
            },
        };
        let acc = if rng.random_bool(0.5) {
            rng.random()
        } else {
            rng.random_range(-70_000..70_000)
        };
        let zp: i8 = rng.random();
        let min = if rng.random_bool(0.5) { zp } else { -128 };
        check(acc, rng.random_range(-1000..1000), m, zp, min, 127);
    }
}
