//! `C = A B^T` on the one-sample kernel (the gradient into the hidden layer of a training
//! step, `dZ1 = dZ2 W2^T` before the gate), any number of rows, summed in order.
//!
//! Row `j` of `B` (`K` values) times `A^T` is one dense row: the rows of `A` are taken
//! [`CHUNK`] at a time and transposed into a stack buffer (`K x CHUNK`, zero-padded past the
//! last row), then for each `j`, `s = B[j] A^T` (`CHUNK` outputs, each
//! `0 + b_j0 a_r0 + b_j1 a_r1 + ...`, plus a zero bias, which is exact) and `c_rj = s_r`.
//! The definition's order and roundings: the same bits as the portable path where it sums in
//! order (one partial sum per element), on the host as on the device.

use core::any::Any;
use core::mem::MaybeUninit;

use crate::Scalar;

/// Rows of `A` per transposed block.
const CHUNK: usize = 8;
/// The largest `K` served: the transposed block is `CHUNK K` scalars of stack (1 KiB).
pub(crate) const MAX_K: usize = 32;

/// `C = A B^T` for `A` (`n x K`), `B` (`N x K`), `C` (`n x N`), over the rows that `a` and
/// `c` both have, or `None` (nothing written) when `T` is not `f32` or `K > MAX_K`.
#[inline(always)]
pub(crate) fn nt_rows<T: Scalar, const K: usize, const N: usize>(
    a: &[[T; K]],
    b: &[[T; K]; N],
    c: &mut [[T; N]],
) -> Option<()> {
    if K > MAX_K {
        return None;
    }
    let b = (b as &dyn Any).downcast_ref::<[[f32; K]; N]>()?;
    let zeros = [0.0f32; CHUNK];
    let mut s = MaybeUninit::<[f32; CHUNK]>::uninit();
    for (a, c) in a.chunks(CHUNK).zip(c.chunks_mut(CHUNK)) {
        let mut at = [[0.0f32; CHUNK]; K];
        for (r, row) in a.iter().enumerate() {
            let row = (row as &dyn Any).downcast_ref::<[f32; K]>()?;
            for (t, &v) in at.iter_mut().zip(row) {
                if let Some(t) = t.get_mut(r) {
                    *t = v;
                }
            }
        }
        for (j, bj) in b.iter().enumerate() {
            #[cfg(all(target_arch = "arm", target_abi = "eabihf"))]
            super::imp::dense_f32(bj, &at, &zeros, &mut s, false);
            #[cfg(not(all(target_arch = "arm", target_abi = "eabihf")))]
            super::imp::dense_f32(bj, &at, &zeros, &mut s);
            // SAFETY: `dense_f32` wrote all `CHUNK` sums.
            let s = unsafe { s.assume_init_ref() };
            for (row, &v) in c.iter_mut().zip(s) {
                let row = (row as &mut dyn Any).downcast_mut::<[f32; N]>()?;
                if let Some(x) = row.get_mut(j) {
                    *x = v;
                }
            }
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    /// The definition summed in order from `+0`.
    fn reference<const K: usize, const N: usize>(
        a: &[[f32; K]],
        b: &[[f32; K]; N],
    ) -> Vec<[f32; N]> {
        a.iter()
            .map(|a| {
                core::array::from_fn(|j| {
                    let mut s = 0.0f32;
                    for (&x, &y) in a.iter().zip(&b[j]) {
                        s += x * y;
                    }
                    s
                })
            })
            .collect()
    }

    fn check<const K: usize, const N: usize>(seed: &mut u64) {
        let mut next = || {
            *seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            match *seed >> 60 {
                0 => 0.0,
                1 => -0.0,
                _ => (*seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5,
            }
        };
        let b: [[f32; K]; N] = core::array::from_fn(|_| core::array::from_fn(|_| next()));
        for rows in [1, 2, 7, 8, 9, 16, 17] {
            let a: Vec<[f32; K]> = (0..rows)
                .map(|_| core::array::from_fn(|_| next()))
                .collect();
            let mut c = std::vec![[f32::NAN; N]; rows];
            nt_rows(&a, &b, &mut c).expect("f32, K <= MAX_K");
            let want = reference(&a, &b);
            for (got, want) in c.iter().zip(&want) {
                assert_eq!(
                    got.map(f32::to_bits),
                    want.map(f32::to_bits),
                    "{rows} x {K} x {N}"
                );
            }
        }
    }

    /// Every remainder of rows (chunks of 8), inner widths 1..=13 and 32, outputs 1..=17.
    #[test]
    fn nt_rows_is_the_ordered_sum() {
        let mut seed = 1;
        check::<1, 1>(&mut seed);
        check::<2, 3>(&mut seed);
        check::<3, 17>(&mut seed);
        check::<5, 8>(&mut seed);
        check::<7, 13>(&mut seed);
        check::<10, 32>(&mut seed);
        check::<13, 5>(&mut seed);
        check::<32, 16>(&mut seed);
        let mut c = [[0.0f64; 2]; 1];
        assert!(
            nt_rows(&[[1.0f64; 3]], &[[1.0; 3]; 2], &mut c).is_none(),
            "f64"
        );
        let mut c = [[0.0f32; 1]; 1];
        assert!(
            nt_rows(&[[1.0f32; 33]], &[[1.0; 33]; 1], &mut c).is_none(),
            "K > MAX_K"
        );
    }
}
