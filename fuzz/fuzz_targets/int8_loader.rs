//! Arbitrary bytes as an int8 weights file (issue 11), for two network types:
//! `validate_bytes`, `read_bytes` (into an existing network) and the `const fn` decoder
//! `qseq_from_bytes_const!` must agree, never panic, leave the network untouched on `Err`,
//! and on `Ok` give layers that pass `QDense::validate` and write back to the same bytes;
//! inference on the loaded network must not panic.
#![no_main]

use ctensor::quant::{QDense, QLayer, QRelu, QSeq, QuantParams};
use ctensor::{Result, qseq_from_bytes_const};
use libfuzzer_sys::fuzz_target;

#[path = "common/damage.rs"]
mod damage;
use damage::damaged_file;

type Small = QSeq<(QDense<3, 2>,)>;
type Mlp = QSeq<(QDense<5, 4>, QRelu<4>, QDense<4, 3>)>;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let small = valid_small();
    check(
        &make_file(mode, rest, &small.to_vec().unwrap()),
        &small,
        |b| qseq_from_bytes_const!(b => [QDense<3, 2>]),
    );
    let mlp = valid_mlp();
    check(
        &make_file(mode, rest, &mlp.to_vec().unwrap()),
        &mlp,
        |b| qseq_from_bytes_const!(b => [QDense<5, 4>, QRelu<4>, QDense<4, 3>]),
    );
});

fn valid_small() -> Small {
    let p = QuantParams::new(0.05, -3).unwrap();
    let q = QuantParams::new(0.2, 10).unwrap();
    QSeq::new((QDense::new(
        [[1, -2, 3], [127, -127, 0]],
        [0.01, 0.02],
        [5, -7],
        p,
        q,
        -128,
    )
    .unwrap(),))
}

fn valid_mlp() -> Mlp {
    let p = QuantParams::new(0.1, 0).unwrap();
    let h = QuantParams::new(0.3, -128).unwrap();
    let y = QuantParams::new(0.7, 4).unwrap();
    let w1 = core::array::from_fn(|o| core::array::from_fn(|i| (o * 31 + i * 7) as i8 - 60));
    let w2 = core::array::from_fn(|o| core::array::from_fn(|i| (o * 17 + i * 5) as i8 - 20));
    QSeq::new((
        QDense::new(w1, [0.01, 0.02, 0.03, 0.04], [1, -2, 3, -4], p, h, -128).unwrap(),
        QRelu::new(h),
        QDense::new(w2, [0.05, 0.06, 0.07], [100, -100, 0], h, y, -128).unwrap(),
    ))
}

/// The file to test ([`damaged_file`] of `valid`, mode 2 overwriting the records after the
/// header and its record table).
fn make_file(mode: u8, rest: &[u8], valid: &[u8]) -> Vec<u8> {
    let count = u32::from_le_bytes([valid[8], valid[9], valid[10], valid[11]]) as usize;
    damaged_file(mode, rest, valid, 12 + 12 * count)
}

fn check<L, const D: usize, const K: usize>(
    bytes: &[u8],
    start: &QSeq<L>,
    decode_const: fn(&[u8]) -> Result<QSeq<L>>,
) where
    L: QLayer<In = [i8; D], Out = [i8; K]> + Clone + PartialEq + core::fmt::Debug,
{
    let verdict = QSeq::<L>::validate_bytes(bytes);
    let constant = decode_const(bytes);
    assert_eq!(
        verdict,
        constant.as_ref().map(|_| ()).map_err(Clone::clone),
        "validate_bytes and qseq_from_bytes_const! disagree"
    );
    let mut net = start.clone();
    let read = net.read_bytes(bytes);
    assert_eq!(read, verdict, "read_bytes and validate_bytes disagree");
    match read {
        Err(e) => {
            assert_eq!(&net, start, "read_bytes changed the network on Err({e:?})");
            let _ = e.to_string();
        }
        Ok(()) => {
            assert_eq!(
                Ok(&net),
                constant.as_ref(),
                "const and run-time decoders differ"
            );
            assert_eq!(
                net.to_vec().as_deref(),
                Ok(bytes),
                "written back differently"
            );
            for x in [[0_i8; D], [-128; D], [127; D]] {
                let _ = net.logits_q(&x);
            }
            let _ = net.predict(&[1.0; D]);
        }
    }
}
