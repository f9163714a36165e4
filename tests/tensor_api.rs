//! The conventions users bring from nalgebra and glam: `Display`, operators in every
//! value/reference mix, scalars on either side, `identity`, `column`, element iterators,
//! conversions from and to arrays and slices, `Default`, and loading a model by name.
#![allow(clippy::op_ref)] // the by-reference operator forms are what is tested

use ctensor::{Label, Matrix, Vector};

fn a() -> Matrix<2, 3, f64> {
    Matrix::from_array([[1.0, -2.0, 3.5], [4.0, 0.25, -6.0]])
}

fn b() -> Matrix<2, 3, f64> {
    Matrix::from_array([[0.5, 7.0, -1.0], [2.0, -3.0, 9.0]])
}

#[test]
fn display_matrix_exact() {
    let m = Matrix::from_array([[1.0_f32, -2.5, 3.0], [40.0, 0.125, -6.0]]);
    assert_eq!(
        format!("{m}"),
        "[[    1,  -2.5,     3],\n [   40, 0.125,    -6]]"
    );
    assert_eq!(
        format!("{m:.3}"),
        "[[ 1.000, -2.500,  3.000],\n [40.000,  0.125, -6.000]]"
    );
    // Width is a minimum per element; fill and alignment apply to each.
    assert_eq!(
        format!("{m:*^8.1}"),
        "[[**1.0***, **-2.5**, **3.0***],\n [**40.0**, **0.1***, **-6.0**]]"
    );
    assert_eq!(
        format!("{m:<5}"),
        "[[1    , -2.5 , 3    ],\n [40   , 0.125, -6   ]]"
    );
    // `+` and zero padding after the sign.
    assert_eq!(
        format!("{m:+07.2}"),
        "[[+001.00, -002.50, +003.00],\n [+040.00, +000.12, -006.00]]"
    );
    let one_row = Matrix::from_array([[1.5_f64, f64::NAN, f64::NEG_INFINITY]]);
    assert_eq!(format!("{one_row}"), "[[ 1.5,  NaN, -inf]]");
}

#[test]
fn display_degenerate_shapes() {
    assert_eq!(format!("{}", Matrix::<0, 3>::zeros()), "[]");
    assert_eq!(format!("{}", Matrix::<2, 0>::zeros()), "[[],\n []]");
    assert_eq!(format!("{:.2}", Matrix::<1, 1>::splat(2.0)), "[[2.00]]");
    assert_eq!(format!("{}", Vector::<0>::zeros()), "[]");
}

#[test]
fn display_vector_exact() {
    let v = Vector::from_array([0.5_f64, -10.0, 2.0]);
    assert_eq!(format!("{v}"), "[0.5, -10,   2]");
    assert_eq!(format!("{v:.2}"), "[  0.50, -10.00,   2.00]");
    assert_eq!(format!("{v:>7}"), "[    0.5,     -10,       2]");
    // `Debug` is unchanged.
    assert_eq!(format!("{v:?}"), "Vector([0.5, -10.0, 2.0])");
}

#[test]
fn elementwise_forms_agree_and_keep_operand_order() {
    let (a, b) = (a(), b());
    let sum = Matrix::from_fn(|r, c| a[(r, c)] + b[(r, c)]);
    let diff = Matrix::from_fn(|r, c| a[(r, c)] - b[(r, c)]);
    for s in [a + b, a + &b, &a + b, &a + &b] {
        assert_eq!(s, sum);
    }
    // Subtraction does not commute: each form must compute `a - b`, in particular `&a - b`,
    // which writes into `b`'s storage.
    for d in [a - b, a - &b, &a - b, &a - &b] {
        assert_eq!(d, diff);
    }
    let mut c = a;
    c += b;
    c -= &b;
    c += &b;
    c -= b;
    assert_eq!(c, a);

    let (u, v) = (
        Vector::from_array([1.0_f32, 2.0]),
        Vector::from_array([0.5, 5.0]),
    );
    for d in [u - v, u - &v, &u - v, &u - &v] {
        assert_eq!(d.into_array(), [0.5, -3.0]);
    }
    for s in [u + v, u + &v, &u + v, &u + &v] {
        assert_eq!(s.into_array(), [1.5, 7.0]);
    }
    let mut w = u;
    w += v;
    w -= &u;
    assert_eq!(w, v);
}

#[test]
fn scalar_forms() {
    let a = a();
    let twice = a.map(|x| 2.0 * x);
    for m in [a * 2.0, &a * 2.0, 2.0 * a, 2.0 * &a] {
        assert_eq!(m, twice);
    }
    let mut m = a;
    m *= 2.0;
    assert_eq!(m, twice);
    m /= 2.0;
    assert_eq!(m, a);

    // `/ k` divides each element (5 / 3 is not 5 * (1 / 3) in floating point).
    let x = Matrix::from_array([[5.0_f32, 7.0]]);
    assert_ne!(5.0_f32 / 3.0, 5.0_f32 * (1.0 / 3.0));
    for q in [x / 3.0, &x / 3.0] {
        assert_eq!(q.into_array(), [[5.0 / 3.0, 7.0 / 3.0]]);
    }
    let mut y = x;
    y /= 3.0;
    assert_eq!(y.into_array(), [[5.0 / 3.0, 7.0 / 3.0]]);

    let v = Vector::from_array([5.0_f64, -1.0]);
    for w in [v * 3.0, &v * 3.0, 3.0 * v, 3.0 * &v] {
        assert_eq!(w.into_array(), [15.0, -3.0]);
    }
    for w in [v / 3.0, &v / 3.0] {
        assert_eq!(w.into_array(), [5.0 / 3.0, -1.0 / 3.0]);
    }
    let mut w = v;
    w *= -1.0;
    w /= 0.5;
    assert_eq!(w.into_array(), [-10.0, 2.0]);
}

#[test]
fn negation() {
    let a = a();
    for n in [-a, -&a] {
        assert_eq!(n, a.map(|x| -x));
    }
    assert_eq!(-(-a), a);
    let v = Vector::from_array([1.0_f32, -0.0]);
    let n = -&v;
    assert_eq!(n[0], -1.0);
    assert!(n[1].is_sign_positive());
    assert_eq!((-v).into_array(), [-1.0, 0.0]);
}

#[test]
fn matmul_forms_agree() {
    let a = a();
    let bt = b().transpose(); // 3 x 2
    let expected: Matrix<2, 2, f64> = a.matmul(&bt);
    assert_eq!(expected[(0, 1)], 1.0 * 2.0 + -2.0 * -3.0 + 3.5 * 9.0);
    for p in [a * bt, a * &bt, &a * bt, &a * &bt] {
        assert_eq!(p, expected);
    }
}

#[test]
fn matrix_times_vector() {
    let a = a();
    let v = Vector::from_array([2.0, -1.0, 0.5]);
    let expected = [1.0 * 2.0 + 2.0 + 3.5 * 0.5, 4.0 * 2.0 - 0.25 - 3.0];
    for w in [a * v, a * &v, &a * v, &a * &v] {
        let w: Vector<2, f64> = w;
        assert_eq!(w.into_array(), expected);
    }
    // The same as a product with `v` as a column.
    let col = Matrix::<3, 1, f64>::from_fn(|r, _| v[r]);
    assert_eq!((&a * &col).column(0), &a * &v);
    // A larger one, through the blocked kernel: row r of the product is row r of `m` dotted
    // with `x`.
    let m = Matrix::<37, 70, f32>::from_fn(|r, c| ((r * 70 + c) % 13) as f32 - 6.0);
    let x = Vector::<70, f32>::from_fn(|c| (c % 5) as f32 - 2.0);
    let y = &m * &x;
    for r in 0..37 {
        let dot: f32 = m.row(r).iter().zip(x.iter()).map(|(a, b)| a * b).sum();
        assert_eq!(y[r], dot, "row {r}");
    }
    // Empty shapes.
    assert_eq!(
        (Matrix::<2, 0>::zeros() * Vector::<0>::zeros()).into_array(),
        [0.0; 2]
    );
    assert_eq!(
        (Matrix::<0, 3>::zeros() * Vector::<3>::splat(1.0)).into_array(),
        // Typed: with the `safetensors` feature, serde_json's `PartialEq<Value> for f32`
        // makes an untyped `[]` ambiguous.
        [0.0f32; 0]
    );
}

#[test]
fn identity_and_column() {
    const I3: Matrix<3, 3, f64> = Matrix::identity();
    let a = a();
    assert_eq!(&a * &I3, a);
    assert_eq!(&Matrix::<2, 2, f64>::identity() * &a, a);
    assert_eq!(I3.sum(), 3.0);
    assert_eq!(I3.column(2).into_array(), [0.0, 0.0, 1.0]);
    assert_eq!(a.column(2).into_array(), [3.5, -6.0]);
    assert_eq!(Matrix::<0, 0>::identity(), Matrix::zeros());
}

#[test]
#[should_panic(expected = "column index out of range")]
fn column_out_of_range_panics() {
    let _ = Matrix::<2, 3>::zeros().column(3);
}

#[test]
#[should_panic(expected = "column index out of range")]
fn column_out_of_range_panics_without_rows() {
    let _ = Matrix::<0, 3>::zeros().column(3);
}

#[test]
fn element_iterators_are_row_major() {
    let mut a = a();
    assert!(a.iter().copied().eq([1.0, -2.0, 3.5, 4.0, 0.25, -6.0]));
    assert_eq!(a.iter().len(), 6);
    let mut seen = Vec::new();
    for x in &a {
        seen.push(*x);
    }
    assert_eq!(seen, a.as_flattened());
    for (i, x) in a.iter_mut().enumerate() {
        *x = i as f64;
    }
    assert_eq!(a.into_array(), [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]);
    for x in &mut a {
        *x += 1.0;
    }
    assert_eq!(a[(1, 2)], 6.0);

    let mut v = Vector::from_array([1.0_f32, 2.0, 3.0]);
    for x in &mut v {
        *x *= 2.0;
    }
    assert_eq!(v.iter().copied().collect::<Vec<_>>(), [2.0, 4.0, 6.0]);
    assert_eq!((&v).into_iter().count(), 3);
    assert_eq!(v.into_iter().rev().collect::<Vec<_>>(), [6.0, 4.0, 2.0]);
}

#[test]
fn conversions() {
    let rows: [[f64; 3]; 2] = a().into();
    assert_eq!(rows, a().into_array());
    let back: Matrix<2, 3, f64> = rows.into();
    assert_eq!(back, a());
    let arr: [f32; 2] = Vector::from_array([1.0, 2.0]).into();
    assert_eq!(arr, [1.0, 2.0]);

    let data: Vec<f64> = a().iter().copied().collect();
    assert_eq!(Matrix::<2, 3, f64>::try_from(&data[..]).unwrap(), a());
    // Same element count, other shape: fine, row-major.
    let m = Matrix::<3, 2, f64>::try_from(&data[..]).unwrap();
    assert_eq!(m.row(1), &[3.5, 4.0]);
    assert!(Matrix::<2, 2, f64>::try_from(&data[..]).is_err());
    assert!(Matrix::<2, 4, f64>::try_from(&data[..]).is_err());
    assert!(Matrix::<0, 5, f64>::try_from(&data[..0]).is_ok());
    assert!(Matrix::<0, 5, f64>::try_from(&data[..1]).is_err());
    assert!(Matrix::<3, 0, f64>::try_from(&data[..1]).is_err());
    let err = Matrix::<2, 2, f64>::try_from(&data[..]).unwrap_err();
    assert_eq!(
        err.to_string(),
        <[f64; 4]>::try_from(&data[..]).unwrap_err().to_string()
    );

    assert_eq!(
        Vector::<2, f64>::try_from(&data[1..3])
            .unwrap()
            .into_array(),
        [-2.0, 3.5]
    );
    assert!(Vector::<2, f64>::try_from(&data[..]).is_err());
}

#[test]
fn defaults() {
    assert_eq!(Matrix::<2, 3>::default(), Matrix::zeros());
    assert_eq!(Vector::<4, f64>::default(), Vector::zeros());
    assert_eq!(Label::<1>::default().get(), 0);
    assert_eq!(Label::<10>::default(), Label::new(0).unwrap());
    let labels: [Label<3>; 2] = Default::default();
    assert_eq!(labels.map(Label::get), [0, 0]);
}

/// `boxed_load` and `load_into` read what `save` wrote; `load_into` leaves the network as it
/// was on an error.
#[cfg(feature = "std")]
#[test]
fn load_by_name() {
    type Net = ctensor::Mlp<3, 4, 2, f64>;
    let dir = std::env::temp_dir().join(format!("ctensor-tensor-api-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("net.bin");
    let mut saved = Net::zeros();
    saved.w1[(2, 3)] = 1.25;
    saved.b2[1] = -0.5;
    saved.save(&path).unwrap();

    let boxed: Box<Net> = Net::boxed_load(&path).unwrap();
    assert_eq!(*boxed, saved);

    let mut net = Net::zeros();
    net.load_into(&path).unwrap();
    assert_eq!(net, saved);

    // A damaged file: an error, and `net` is unchanged.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[30] ^= 0x10;
    let damaged = dir.join("damaged.bin");
    std::fs::write(&damaged, &bytes).unwrap();
    net.w1[(0, 0)] = 9.0;
    let before = net.clone();
    let err = net.load_into(&damaged).unwrap_err();
    assert_eq!(err.action, "read");
    assert_eq!(err.path, damaged);
    assert_eq!(net, before);
    assert!(Net::boxed_load(&damaged).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}
