//! Hard float (`target_abi = "eabihf"`: Cortex-M4F, M7, M33 with an FPU), `f32`:
//! hand-scheduled `asm!` for one row of a dense layer, `y = x W + b`, any `I x O`.
//!
//! The columns are taken 16 at a time ([`block16`]: 16 accumulators in `s0`-`s15`, four
//! inputs per `VLDM`, eight weights per `VLDM`), then the `O % 16` last ones in one narrow
//! block of exactly that width ([`narrow`]: `n <= 15` accumulators, one `VLDM` of the `n`
//! weights of a row, four rows per loop pass when `n <= 12`; when the block is the whole row
//! (`O = n`) the rows are contiguous and one `VLDM` loads the weights of two rows (`n` =
//! 4..8, `paired!`) or four (`n` = 1..3, `packed!`)). The rows are taken four at a time, then
//! the `I % 4` last ones unrolled (in [`block16`] and for `n` = 13..15, one at a time). With
//! `relu`, the sums (bias included) go through ReLU in registers before the store (`VCMP`
//! with 0, `VMRS`, `IT LE`, `VMOV` of `+0`: `+0` unless `> 0`, NaN included, as
//! `crate::relu`). Every choice between `asm!` blocks depends only on the shape, so after
//! inlining one block remains per layer. No column or row is ever read past the
//! operand's end, whatever the shape. The multiply-adds are `VMLA.F32`, which rounds the
//! product and then the sum, exactly as the portable path's `a * b + c` does on these targets
//! (no fused multiply-add), and each sum runs in the portable path's order
//! (`0 + x_0 w_0j + x_1 w_1j + ...`, then `+ b_j`): the same bits.
//!
//! # What each pointer may reach
//!
//! Every `asm!` block gets pointers made from the borrowed operands and reads only within
//! them: `x` the `I` inputs (each read once, in order); `w` column `c` of row 0 of `W`
//! (`c + n <= O`, formed with `wrapping_add` inside the operand), then the `n` weights
//! `c..c + n` of each of the `I` rows (the pointer moves on by one row of `O` after each);
//! `b` the `n` biases `c..c + n`; `y` the `n` outputs `c..c + n` (written); `zeros` at most
//! 16 of the static [`ZEROS`]. The pointer registers that the loops advance end one element
//! or one row past what they read; that is machine arithmetic inside `asm!`, never
//! dereferenced, not a Rust pointer offset.

use core::arch::asm;

/// Sixteen zeros, to clear up to sixteen accumulators with one `VLDM` (`VMOV` has no
/// immediate 0.0).
static ZEROS: [f32; 16] = [0.0; 16];

/// The operands of one column block of `y = x W + b` (see the module's documentation for
/// what each pointer may reach).
pub(super) struct Block {
    /// The `I` inputs.
    pub x: *const f32,
    /// Column `c` of row 0 of `W` (`I x O`, row-major).
    pub w: *const f32,
    /// Bytes from the end of the block's weights in one row to its start in the next:
    /// `4 (O - n)`.
    pub stride: usize,
    /// `I / 4`.
    pub groups: usize,
    /// `I % 4`.
    pub rest: usize,
    /// Bias `c`.
    pub b: *const f32,
    /// Output `c` (written).
    pub y: *mut f32,
    /// Whether to apply ReLU to the outputs (after the bias) before writing them.
    pub relu: bool,
}

/// Sixteen `VMLA`s of one input (in `$x`) with sixteen weights of its row: two `VLDM`s of
/// eight weights, then the pointer moves to the same columns of the next row.
#[rustfmt::skip]
macro_rules! row16 {
    ($x:literal) => {
        concat!(
            "vldmia {w}!, {{s20-s27}}\n",
            "vmla.f32 s0, ", $x, ", s20\n",
            "vmla.f32 s1, ", $x, ", s21\n",
            "vmla.f32 s2, ", $x, ", s22\n",
            "vmla.f32 s3, ", $x, ", s23\n",
            "vmla.f32 s4, ", $x, ", s24\n",
            "vmla.f32 s5, ", $x, ", s25\n",
            "vmla.f32 s6, ", $x, ", s26\n",
            "vmla.f32 s7, ", $x, ", s27\n",
            "vldmia {w}!, {{s20-s27}}\n",
            "vmla.f32 s8, ", $x, ", s20\n",
            "vmla.f32 s9, ", $x, ", s21\n",
            "vmla.f32 s10, ", $x, ", s22\n",
            "vmla.f32 s11, ", $x, ", s23\n",
            "vmla.f32 s12, ", $x, ", s24\n",
            "vmla.f32 s13, ", $x, ", s25\n",
            "vmla.f32 s14, ", $x, ", s26\n",
            "vmla.f32 s15, ", $x, ", s27\n",
            "add {w}, {w}, {stride}\n",
        )
    };
}

/// One row of a narrow block: `VLDM` of the `n` weights of the row into `$ws`, the `n`
/// `VMLA`s with the input in `$x`, and `$adv` (the `ADD` to the next row, or nothing).
macro_rules! rown {
    ($x:literal, $ws:literal, $adv:literal; $($acc:literal $w:literal)*) => {
        concat!(
            "vldmia {w}!, {{", $ws, "}}\n",
            $("vmla.f32 ", $acc, ", ", $x, ", ", $w, "\n",)*
            $adv, "\n",
        )
    };
}

/// ReLU of the accumulators `$acc` (`crate::relu`: `+0` unless `> 0`, so NaN too): `VCMP`
/// with 0 sets "less or equal" for `<= 0` and for unordered (NaN).
macro_rules! relu_regs {
    ($($acc:literal)*) => {
        concat!(
            "vldmia {zeros}, {{s31}}\n",
            $("vcmp.f32 ", $acc, ", #0\n",
              "vmrs APSR_nzcv, fpscr\n",
              "it le\n",
              "vmovle.f32 ", $acc, ", s31\n",)*
        )
    };
}

/// One narrow block: `n <= 15` accumulators `$accs` (`s0`..), the `n` weights of a row in
/// `$ws` (`s16`..), `$($acc $w)*` pairing them up.
/// - `grouped` (`n <= 12`, weights in `s16`-`s27`): four inputs per `VLDM` into
///   `s28`-`s31`, then the `I % 4` last rows unrolled (their inputs in one `VLDM`);
/// - `single` (`n` in `13..=15`, weights up to `s30`): one row at a time, the input in `s31`.
///
/// Each choice below (whole row or not, ReLU or not, the row remainder) depends only on the
/// shape, so after inlining only one `asm!` block remains. When the block is the whole row
/// (`stride == 0`) the weight pointer needs no `ADD`.
macro_rules! narrow {
    ($kind:ident, $a:ident; $accs:literal, $ws:literal; $($acc:literal $w:literal)*) => {
        match ($a.stride == 0, $a.relu) {
            (true, false) => narrow!(@$kind $a; $accs, $ws; $($acc $w)*; ""; [];),
            (true, true) => {
                narrow!(@$kind $a; $accs, $ws; $($acc $w)*; ""; [relu_regs!($($acc)*),];)
            }
            (false, false) => narrow!(@$kind $a; $accs, $ws; $($acc $w)*;
                "add {w}, {w}, {stride}"; []; stride = in(reg) $a.stride,),
            (false, true) => narrow!(@$kind $a; $accs, $ws; $($acc $w)*;
                "add {w}, {w}, {stride}"; [relu_regs!($($acc)*),]; stride = in(reg) $a.stride,),
        }
    };
    (@grouped $a:ident; $accs:literal, $ws:literal; $($acc:literal $w:literal)*; $adv:literal;
     [$($relu:tt)*]; $($extra:tt)*) => {
        match $a.rest {
            0 => narrow!(@asm $a; $accs, $ws; $($acc $w)*; $adv; []; [$($relu)*]; $($extra)*),
            1 => narrow!(@asm $a; $accs, $ws; $($acc $w)*; $adv; [
                "vldmia {x}!, {{s28}}",
                rown!("s28", $ws, $adv; $($acc $w)*),
            ]; [$($relu)*]; $($extra)*),
            2 => narrow!(@asm $a; $accs, $ws; $($acc $w)*; $adv; [
                "vldmia {x}!, {{s28-s29}}",
                rown!("s28", $ws, $adv; $($acc $w)*),
                rown!("s29", $ws, $adv; $($acc $w)*),
            ]; [$($relu)*]; $($extra)*),
            _ => narrow!(@asm $a; $accs, $ws; $($acc $w)*; $adv; [
                "vldmia {x}!, {{s28-s30}}",
                rown!("s28", $ws, $adv; $($acc $w)*),
                rown!("s29", $ws, $adv; $($acc $w)*),
                rown!("s30", $ws, $adv; $($acc $w)*),
            ]; [$($relu)*]; $($extra)*),
        }
    };
    (@asm $a:ident; $accs:literal, $ws:literal; $($acc:literal $w:literal)*; $adv:literal;
     [$($tail:tt)*]; [$($relu:tt)*]; $($extra:tt)*) => {
        // The loop of four rows runs at least once unless `I < 4`: no test before it then.
        if $a.groups == 0 {
            narrow!(@asm2 $a; $accs, $ws; $($acc $w)*; $adv; "cmp {g}, #0\nbeq 3f";
                [$($tail)*]; [$($relu)*]; $($extra)*)
        } else {
            narrow!(@asm2 $a; $accs, $ws; $($acc $w)*; $adv; ""; [$($tail)*]; [$($relu)*];
                $($extra)*)
        }
    };
    (@asm2 $a:ident; $accs:literal, $ws:literal; $($acc:literal $w:literal)*; $adv:literal;
     $check:literal; [$($tail:tt)*]; [$($relu:tt)*]; $($extra:tt)*) => {
        // SAFETY: the caller's contract ([`narrow`]): `x` is read once per row, `w` reads
        // `n` `f32`s per row and moves on by a row, for `4 groups + rest` rows (`rest` is the
        // number of rows unrolled after the loop); `b` is read for `n` `f32`s, `y` written
        // for `n`, `zeros` read for `n <= 16`. Every register written is declared; no stack
        // is used.
        unsafe {
            asm!(
                concat!("vldmia {zeros}, {{", $accs, "}}"),
                $check,
                "2:",
                "vldmia {x}!, {{s28-s31}}",
                rown!("s28", $ws, $adv; $($acc $w)*),
                rown!("s29", $ws, $adv; $($acc $w)*),
                rown!("s30", $ws, $adv; $($acc $w)*),
                rown!("s31", $ws, $adv; $($acc $w)*),
                "subs {g}, {g}, #1",
                "bne 2b",
                "3:",
                $($tail)*
                concat!("vldmia {b}, {{", $ws, "}}"),
                $(concat!("vadd.f32 ", $acc, ", ", $acc, ", ", $w),)*
                $($relu)*
                concat!("vstmia {y}, {{", $accs, "}}"),
                zeros = in(reg) ZEROS.as_ptr(),
                x = inout(reg) $a.x => _,
                w = inout(reg) $a.w => _,
                g = inout(reg) $a.groups => _,
                b = in(reg) $a.b,
                y = in(reg) $a.y,
                $($extra)*
                out("s0") _, out("s1") _, out("s2") _, out("s3") _,
                out("s4") _, out("s5") _, out("s6") _, out("s7") _,
                out("s8") _, out("s9") _, out("s10") _, out("s11") _,
                out("s12") _, out("s13") _, out("s14") _, out("s15") _,
                out("s16") _, out("s17") _, out("s18") _, out("s19") _,
                out("s20") _, out("s21") _, out("s22") _, out("s23") _,
                out("s24") _, out("s25") _, out("s26") _, out("s27") _,
                out("s28") _, out("s29") _, out("s30") _, out("s31") _,
                options(nostack),
            )
        }
    };
    (@single $a:ident; $accs:literal, $ws:literal; $($acc:literal $w:literal)*; $adv:literal;
     [$($relu:tt)*]; $($extra:tt)*) => {
        // SAFETY: as the grouped form: `x` is read once per row, `w` reads `n` `f32`s per
        // row and moves on by a row, for `4 groups + rest` rows (the count `n` below);
        // `b` read for `n`, `y` written for `n`, `zeros` read for `n <= 16`. Every register
        // written is declared; no stack is used.
        unsafe {
            asm!(
                concat!("vldmia {zeros}, {{", $accs, "}}"),
                "cmp {n}, #0",
                "beq 3f",
                "2:",
                "vldmia {x}!, {{s31}}",
                rown!("s31", $ws, $adv; $($acc $w)*),
                "subs {n}, {n}, #1",
                "bne 2b",
                "3:",
                concat!("vldmia {b}, {{", $ws, "}}"),
                $(concat!("vadd.f32 ", $acc, ", ", $acc, ", ", $w),)*
                $($relu)*
                concat!("vstmia {y}, {{", $accs, "}}"),
                zeros = in(reg) ZEROS.as_ptr(),
                x = inout(reg) $a.x => _,
                w = inout(reg) $a.w => _,
                n = inout(reg) 4 * $a.groups + $a.rest => _,
                b = in(reg) $a.b,
                y = in(reg) $a.y,
                $($extra)*
                out("s0") _, out("s1") _, out("s2") _, out("s3") _,
                out("s4") _, out("s5") _, out("s6") _, out("s7") _,
                out("s8") _, out("s9") _, out("s10") _, out("s11") _,
                out("s12") _, out("s13") _, out("s14") _, out("s15") _,
                out("s16") _, out("s17") _, out("s18") _, out("s19") _,
                out("s20") _, out("s21") _, out("s22") _, out("s23") _,
                out("s24") _, out("s25") _, out("s26") _, out("s27") _,
                out("s28") _, out("s29") _, out("s30") _, out("s31") _,
                options(nostack),
            )
        }
    };
}

/// A narrow block of `n <= 3` columns that is the whole row (`O = n`): the weights of four
/// consecutive rows are contiguous, so one `VLDM` (`$w4`, `4 n` registers from `s16`) loads
/// them all; `$wr` (`r n` registers) loads those of the `r` last rows. The rows' pairs of
/// accumulator and weight register are `[$($a0 $x0)*]` ... `[$($a3 $x3)*]`.
macro_rules! packed {
    ($a:ident; $accs:literal; $w1:literal, $w2:literal, $w3:literal, $w4:literal;
     [$($a0:literal $x0:literal)*] [$($a1:literal $x1:literal)*]
     [$($a2:literal $x2:literal)*] [$($a3:literal $x3:literal)*]) => {
        match ($a.relu, $a.rest) {
            (false, 0) => packed!(@asm $a; $accs, $w1, $w4; [$($a0 $x0)*] [$($a1 $x1)*]
                [$($a2 $x2)*] [$($a3 $x3)*]; []; []),
            (false, 1) => packed!(@asm $a; $accs, $w1, $w4; [$($a0 $x0)*] [$($a1 $x1)*]
                [$($a2 $x2)*] [$($a3 $x3)*]; [
                "vldmia {x}!, {{s28}}",
                concat!("vldmia {w}!, {{", $w1, "}}"),
                $(concat!("vmla.f32 ", $a0, ", s28, ", $x0),)*
            ]; []),
            (false, 2) => packed!(@asm $a; $accs, $w1, $w4; [$($a0 $x0)*] [$($a1 $x1)*]
                [$($a2 $x2)*] [$($a3 $x3)*]; [
                "vldmia {x}!, {{s28-s29}}",
                concat!("vldmia {w}!, {{", $w2, "}}"),
                $(concat!("vmla.f32 ", $a0, ", s28, ", $x0),)*
                $(concat!("vmla.f32 ", $a1, ", s29, ", $x1),)*
            ]; []),
            (false, _) => packed!(@asm $a; $accs, $w1, $w4; [$($a0 $x0)*] [$($a1 $x1)*]
                [$($a2 $x2)*] [$($a3 $x3)*]; [
                "vldmia {x}!, {{s28-s30}}",
                concat!("vldmia {w}!, {{", $w3, "}}"),
                $(concat!("vmla.f32 ", $a0, ", s28, ", $x0),)*
                $(concat!("vmla.f32 ", $a1, ", s29, ", $x1),)*
                $(concat!("vmla.f32 ", $a2, ", s30, ", $x2),)*
            ]; []),
            (true, 0) => packed!(@asm $a; $accs, $w1, $w4; [$($a0 $x0)*] [$($a1 $x1)*]
                [$($a2 $x2)*] [$($a3 $x3)*]; []; [relu_regs!($($a0)*),]),
            (true, 1) => packed!(@asm $a; $accs, $w1, $w4; [$($a0 $x0)*] [$($a1 $x1)*]
                [$($a2 $x2)*] [$($a3 $x3)*]; [
                "vldmia {x}!, {{s28}}",
                concat!("vldmia {w}!, {{", $w1, "}}"),
                $(concat!("vmla.f32 ", $a0, ", s28, ", $x0),)*
            ]; [relu_regs!($($a0)*),]),
            (true, 2) => packed!(@asm $a; $accs, $w1, $w4; [$($a0 $x0)*] [$($a1 $x1)*]
                [$($a2 $x2)*] [$($a3 $x3)*]; [
                "vldmia {x}!, {{s28-s29}}",
                concat!("vldmia {w}!, {{", $w2, "}}"),
                $(concat!("vmla.f32 ", $a0, ", s28, ", $x0),)*
                $(concat!("vmla.f32 ", $a1, ", s29, ", $x1),)*
            ]; [relu_regs!($($a0)*),]),
            (true, _) => packed!(@asm $a; $accs, $w1, $w4; [$($a0 $x0)*] [$($a1 $x1)*]
                [$($a2 $x2)*] [$($a3 $x3)*]; [
                "vldmia {x}!, {{s28-s30}}",
                concat!("vldmia {w}!, {{", $w3, "}}"),
                $(concat!("vmla.f32 ", $a0, ", s28, ", $x0),)*
                $(concat!("vmla.f32 ", $a1, ", s29, ", $x1),)*
                $(concat!("vmla.f32 ", $a2, ", s30, ", $x2),)*
            ]; [relu_regs!($($a0)*),]),
        }
    };
    (@asm $a:ident; $accs:literal, $w1:literal, $w4:literal;
     [$($a0:literal $x0:literal)*] [$($a1:literal $x1:literal)*]
     [$($a2:literal $x2:literal)*] [$($a3:literal $x3:literal)*];
     [$($tail:tt)*]; [$($relu:tt)*]) => {
        // The loop of four rows runs at least once unless `I < 4`: no test before it then.
        if $a.groups == 0 {
            packed!(@asm2 $a; $accs, $w1, $w4; [$($a0 $x0)*] [$($a1 $x1)*] [$($a2 $x2)*]
                [$($a3 $x3)*]; "cmp {g}, #0\nbeq 3f"; [$($tail)*]; [$($relu)*])
        } else {
            packed!(@asm2 $a; $accs, $w1, $w4; [$($a0 $x0)*] [$($a1 $x1)*] [$($a2 $x2)*]
                [$($a3 $x3)*]; ""; [$($tail)*]; [$($relu)*])
        }
    };
    (@asm2 $a:ident; $accs:literal, $w1:literal, $w4:literal;
     [$($a0:literal $x0:literal)*] [$($a1:literal $x1:literal)*]
     [$($a2:literal $x2:literal)*] [$($a3:literal $x3:literal)*];
     $check:literal; [$($tail:tt)*]; [$($relu:tt)*]) => {
        // SAFETY: the caller's contract ([`narrow`], with `stride == 0`: the rows are
        // contiguous): `x` is read once per row; `w` reads the `4 n` weights of four rows per
        // loop pass and the `rest n` of the last rows, `(4 groups + rest) n` in all; `b` is
        // read for `n` `f32`s, `y` written for `n`, `zeros` read for `n` and 1. Every
        // register written is declared; no stack is used.
        unsafe {
            asm!(
                concat!("vldmia {zeros}, {{", $accs, "}}"),
                $check,
                "2:",
                "vldmia {x}!, {{s28-s31}}",
                concat!("vldmia {w}!, {{", $w4, "}}"),
                $(concat!("vmla.f32 ", $a0, ", s28, ", $x0),)*
                $(concat!("vmla.f32 ", $a1, ", s29, ", $x1),)*
                $(concat!("vmla.f32 ", $a2, ", s30, ", $x2),)*
                $(concat!("vmla.f32 ", $a3, ", s31, ", $x3),)*
                "subs {g}, {g}, #1",
                "bne 2b",
                "3:",
                $($tail)*
                concat!("vldmia {b}, {{", $w1, "}}"),
                $(concat!("vadd.f32 ", $a0, ", ", $a0, ", ", $x0),)*
                $($relu)*
                concat!("vstmia {y}, {{", $accs, "}}"),
                zeros = in(reg) ZEROS.as_ptr(),
                x = inout(reg) $a.x => _,
                w = inout(reg) $a.w => _,
                g = inout(reg) $a.groups => _,
                b = in(reg) $a.b,
                y = in(reg) $a.y,
                out("s0") _, out("s1") _, out("s2") _,
                out("s16") _, out("s17") _, out("s18") _, out("s19") _,
                out("s20") _, out("s21") _, out("s22") _, out("s23") _,
                out("s24") _, out("s25") _, out("s26") _, out("s27") _,
                out("s28") _, out("s29") _, out("s30") _, out("s31") _,
                options(nostack),
            )
        }
    };
}

/// A narrow block of `4 <= n <= 8` columns that is the whole row (`O = n`): the weights of
/// two consecutive rows are contiguous, so one `VLDM` (`$w2`, `2 n` registers from `s16`)
/// loads both (`$w1`: one row's `n`); the inputs go to `s8`-`s11`, free since `n <= 8`. The
/// two rows' pairs of accumulator and weight register are `[$($a0 $x0)*]`, `[$($a1 $x1)*]`.
macro_rules! paired {
    ($a:ident; $accs:literal; $w1:literal, $w2:literal;
     [$($a0:literal $x0:literal)*] [$($a1:literal $x1:literal)*]) => {
        match $a.rest {
            0 => paired!(@relu $a; $accs, $w1, $w2; [$($a0 $x0)*] [$($a1 $x1)*]; []),
            1 => paired!(@relu $a; $accs, $w1, $w2; [$($a0 $x0)*] [$($a1 $x1)*]; [
                "vldmia {x}!, {{s8}}",
                concat!("vldmia {w}!, {{", $w1, "}}"),
                $(concat!("vmla.f32 ", $a0, ", s8, ", $x0),)*
            ]),
            2 => paired!(@relu $a; $accs, $w1, $w2; [$($a0 $x0)*] [$($a1 $x1)*]; [
                "vldmia {x}!, {{s8-s9}}",
                concat!("vldmia {w}!, {{", $w2, "}}"),
                $(concat!("vmla.f32 ", $a0, ", s8, ", $x0),)*
                $(concat!("vmla.f32 ", $a1, ", s9, ", $x1),)*
            ]),
            _ => paired!(@relu $a; $accs, $w1, $w2; [$($a0 $x0)*] [$($a1 $x1)*]; [
                "vldmia {x}!, {{s8-s10}}",
                concat!("vldmia {w}!, {{", $w2, "}}"),
                $(concat!("vmla.f32 ", $a0, ", s8, ", $x0),)*
                $(concat!("vmla.f32 ", $a1, ", s9, ", $x1),)*
                concat!("vldmia {w}!, {{", $w1, "}}"),
                $(concat!("vmla.f32 ", $a0, ", s10, ", $x0),)*
            ]),
        }
    };
    (@relu $a:ident; $accs:literal, $w1:literal, $w2:literal;
     [$($a0:literal $x0:literal)*] [$($a1:literal $x1:literal)*]; [$($tail:tt)*]) => {
        match ($a.relu, $a.groups == 0) {
            (false, false) => paired!(@asm $a; $accs, $w1, $w2; [$($a0 $x0)*] [$($a1 $x1)*];
                ""; [$($tail)*]; []),
            (false, true) => paired!(@asm $a; $accs, $w1, $w2; [$($a0 $x0)*] [$($a1 $x1)*];
                "cmp {g}, #0\nbeq 3f"; [$($tail)*]; []),
            (true, false) => paired!(@asm $a; $accs, $w1, $w2; [$($a0 $x0)*] [$($a1 $x1)*];
                ""; [$($tail)*]; [relu_regs!($($a0)*),]),
            (true, true) => paired!(@asm $a; $accs, $w1, $w2; [$($a0 $x0)*] [$($a1 $x1)*];
                "cmp {g}, #0\nbeq 3f"; [$($tail)*]; [relu_regs!($($a0)*),]),
        }
    };
    (@asm $a:ident; $accs:literal, $w1:literal, $w2:literal;
     [$($a0:literal $x0:literal)*] [$($a1:literal $x1:literal)*];
     $check:literal; [$($tail:tt)*]; [$($relu:tt)*]) => {
        // SAFETY: the caller's contract ([`narrow`], with `stride == 0`: the rows are
        // contiguous): `x` is read once per row; `w` reads the `2 n` weights of two rows per
        // `VLDM` (`n` for a last odd row), `(4 groups + rest) n` in all; `b` is read for `n`
        // `f32`s, `y` written for `n`, `zeros` read for `n` and 1. Every register written is
        // declared; no stack is used.
        unsafe {
            asm!(
                concat!("vldmia {zeros}, {{", $accs, "}}"),
                $check,
                "2:",
                "vldmia {x}!, {{s8-s11}}",
                concat!("vldmia {w}!, {{", $w2, "}}"),
                $(concat!("vmla.f32 ", $a0, ", s8, ", $x0),)*
                $(concat!("vmla.f32 ", $a1, ", s9, ", $x1),)*
                concat!("vldmia {w}!, {{", $w2, "}}"),
                $(concat!("vmla.f32 ", $a0, ", s10, ", $x0),)*
                $(concat!("vmla.f32 ", $a1, ", s11, ", $x1),)*
                "subs {g}, {g}, #1",
                "bne 2b",
                "3:",
                $($tail)*
                concat!("vldmia {b}, {{", $w1, "}}"),
                $(concat!("vadd.f32 ", $a0, ", ", $a0, ", ", $x0),)*
                $($relu)*
                concat!("vstmia {y}, {{", $accs, "}}"),
                zeros = in(reg) ZEROS.as_ptr(),
                x = inout(reg) $a.x => _,
                w = inout(reg) $a.w => _,
                g = inout(reg) $a.groups => _,
                b = in(reg) $a.b,
                y = in(reg) $a.y,
                out("s0") _, out("s1") _, out("s2") _, out("s3") _,
                out("s4") _, out("s5") _, out("s6") _, out("s7") _,
                out("s8") _, out("s9") _, out("s10") _, out("s11") _,
                out("s16") _, out("s17") _, out("s18") _, out("s19") _,
                out("s20") _, out("s21") _, out("s22") _, out("s23") _,
                out("s24") _, out("s25") _, out("s26") _, out("s27") _,
                out("s28") _, out("s29") _, out("s30") _, out("s31") _,
                options(nostack),
            )
        }
    };
}

/// The `asm!` of [`block16`], with `$relu` (ReLU of the 16 sums) or not.
macro_rules! block16_asm {
    ($a:ident; [$($relu:tt)*]) => {
    // SAFETY: the caller's contract: `x` is read once per row (four per `VLDM` in the
    // grouped loop, one in the rest loop), `w` reads 16 `f32`s per row and then moves on by
    // a row, for `4 groups + rest` rows; `b` is read for 16 `f32`s, `y` written for 16, and
    // `zeros` read for 16. Every register written is declared; no stack is used.
    unsafe {
        asm!(
            "vldmia {zeros}, {{s0-s15}}",
            "cmp {g}, #0",
            "beq 3f",
            "2:",
            "vldmia {x}!, {{s16-s19}}",
            row16!("s16"),
            row16!("s17"),
            row16!("s18"),
            row16!("s19"),
            "subs {g}, {g}, #1",
            "bne 2b",
            "3:",
            "cmp {r}, #0",
            "beq 5f",
            "4:",
            "vldmia {x}!, {{s16}}",
            row16!("s16"),
            "subs {r}, {r}, #1",
            "bne 4b",
            "5:",
            // `+ b`, after the sum, as the portable path adds it.
            "vldmia {b}!, {{s16-s23}}",
            "vadd.f32 s0, s0, s16",
            "vadd.f32 s1, s1, s17",
            "vadd.f32 s2, s2, s18",
            "vadd.f32 s3, s3, s19",
            "vadd.f32 s4, s4, s20",
            "vadd.f32 s5, s5, s21",
            "vadd.f32 s6, s6, s22",
            "vadd.f32 s7, s7, s23",
            "vldmia {b}, {{s16-s23}}",
            "vadd.f32 s8, s8, s16",
            "vadd.f32 s9, s9, s17",
            "vadd.f32 s10, s10, s18",
            "vadd.f32 s11, s11, s19",
            "vadd.f32 s12, s12, s20",
            "vadd.f32 s13, s13, s21",
            "vadd.f32 s14, s14, s22",
            "vadd.f32 s15, s15, s23",
            $($relu)*
            "vstmia {y}, {{s0-s15}}",
            zeros = in(reg) ZEROS.as_ptr(),
            x = inout(reg) $a.x => _,
            w = inout(reg) $a.w => _,
            stride = in(reg) $a.stride,
            g = inout(reg) $a.groups => _,
            r = inout(reg) $a.rest => _,
            b = inout(reg) $a.b => _,
            y = in(reg) $a.y,
            out("s0") _, out("s1") _, out("s2") _, out("s3") _,
            out("s4") _, out("s5") _, out("s6") _, out("s7") _,
            out("s8") _, out("s9") _, out("s10") _, out("s11") _,
            out("s12") _, out("s13") _, out("s14") _, out("s15") _,
            out("s16") _, out("s17") _, out("s18") _, out("s19") _,
            out("s20") _, out("s21") _, out("s22") _, out("s23") _,
            out("s24") _, out("s25") _, out("s26") _, out("s27") _,
            out("s31") _,
            options(nostack),
        );
    }
    };
}

/// Sixteen columns: `y[c..c + 16] = x W[.., c..c + 16] + b[c..c + 16]`.
///
/// Not inlined: one copy serves every layer of a firmware.
///
/// # Safety
/// `a` as [`Block`] says, with `n = 16`: `x` readable for `4 groups + rest` `f32`s; `w`
/// readable for 16 `f32`s at each of `4 groups + rest` rows `64 + stride` bytes apart; `b`
/// readable and `y` writable for 16 `f32`s.
#[inline(never)]
pub(super) unsafe fn block16(a: &Block) {
    if a.relu {
        block16_asm!(a; [relu_regs!("s0" "s1" "s2" "s3" "s4" "s5" "s6" "s7" "s8" "s9" "s10" "s11"
            "s12" "s13" "s14" "s15"),]);
    } else {
        block16_asm!(a; []);
    }
}

/// `N` columns (`1 <= N <= 15`): `y[c..c + N] = x W[.., c..c + N] + b[c..c + N]`; nothing
/// for any other `N`.
///
/// Inlined: `N` and whether the block is the whole row fold to constants.
///
/// # Safety
/// `a` as [`Block`] says, with `n = N`: `x` readable for `4 groups + rest` `f32`s; `w`
/// readable for `N` `f32`s at each of `4 groups + rest` rows `4 N + stride` bytes apart; `b`
/// readable and `y` writable for `N` `f32`s.
#[inline(always)]
#[rustfmt::skip]
pub(super) unsafe fn narrow<const N: usize>(a: &Block) {
    match N {
        1 if a.stride == 0 => packed!(a; "s0"; "s16", "s16-s17", "s16-s18", "s16-s19";
            ["s0" "s16"] ["s0" "s17"] ["s0" "s18"] ["s0" "s19"]),
        2 if a.stride == 0 => packed!(a; "s0-s1"; "s16-s17", "s16-s19", "s16-s21", "s16-s23";
            ["s0" "s16" "s1" "s17"] ["s0" "s18" "s1" "s19"]
            ["s0" "s20" "s1" "s21"] ["s0" "s22" "s1" "s23"]),
        3 if a.stride == 0 => packed!(a; "s0-s2"; "s16-s18", "s16-s21", "s16-s24", "s16-s27";
            ["s0" "s16" "s1" "s17" "s2" "s18"] ["s0" "s19" "s1" "s20" "s2" "s21"]
            ["s0" "s22" "s1" "s23" "s2" "s24"] ["s0" "s25" "s1" "s26" "s2" "s27"]),
        1 => narrow!(grouped, a; "s0", "s16"; "s0" "s16"),
        2 => narrow!(grouped, a; "s0-s1", "s16-s17"; "s0" "s16" "s1" "s17"),
        3 => narrow!(grouped, a; "s0-s2", "s16-s18"; "s0" "s16" "s1" "s17" "s2" "s18"),
        4 if a.stride == 0 => paired!(a; "s0-s3"; "s16-s19", "s16-s23";
            ["s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19"]
            ["s0" "s20" "s1" "s21" "s2" "s22" "s3" "s23"]),
        5 if a.stride == 0 => paired!(a; "s0-s4"; "s16-s20", "s16-s25";
            ["s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20"]
            ["s0" "s21" "s1" "s22" "s2" "s23" "s3" "s24" "s4" "s25"]),
        6 if a.stride == 0 => paired!(a; "s0-s5"; "s16-s21", "s16-s27";
            ["s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21"]
            ["s0" "s22" "s1" "s23" "s2" "s24" "s3" "s25" "s4" "s26" "s5" "s27"]),
        7 if a.stride == 0 => paired!(a; "s0-s6"; "s16-s22", "s16-s29";
            ["s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22"]
            ["s0" "s23" "s1" "s24" "s2" "s25" "s3" "s26" "s4" "s27" "s5" "s28" "s6" "s29"]),
        8 if a.stride == 0 => paired!(a; "s0-s7"; "s16-s23", "s16-s31";
            ["s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23"]
            ["s0" "s24" "s1" "s25" "s2" "s26" "s3" "s27" "s4" "s28" "s5" "s29" "s6" "s30" "s7" "s31"]),
        4 => narrow!(grouped, a; "s0-s3", "s16-s19"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19"),
        5 => narrow!(grouped, a; "s0-s4", "s16-s20"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20"),
        6 => narrow!(grouped, a; "s0-s5", "s16-s21"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21"),
        7 => narrow!(grouped, a; "s0-s6", "s16-s22"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22"),
        8 => narrow!(grouped, a; "s0-s7", "s16-s23"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23"),
        9 => narrow!(grouped, a; "s0-s8", "s16-s24"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24"),
        10 => narrow!(grouped, a; "s0-s9", "s16-s25"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24" "s9" "s25"),
        11 => narrow!(grouped, a; "s0-s10", "s16-s26"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24" "s9" "s25" "s10" "s26"),
        12 => narrow!(grouped, a; "s0-s11", "s16-s27"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24" "s9" "s25" "s10" "s26" "s11" "s27"),
        13 => narrow!(single, a; "s0-s12", "s16-s28"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24" "s9" "s25" "s10" "s26" "s11" "s27" "s12" "s28"),
        14 => narrow!(single, a; "s0-s13", "s16-s29"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24" "s9" "s25" "s10" "s26" "s11" "s27" "s12" "s28" "s13" "s29"),
        15 => narrow!(single, a; "s0-s14", "s16-s30"; "s0" "s16" "s1" "s17" "s2" "s18" "s3" "s19" "s4" "s20" "s5" "s21" "s6" "s22" "s7" "s23" "s8" "s24" "s9" "s25" "s10" "s26" "s11" "s27" "s12" "s28" "s13" "s29" "s14" "s30"),
        _ => {}
    }
}

/// Writes `y = x W + b` (one row of a dense layer, `I x O`, any sizes), or `relu(x W + b)`
/// if `relu`, into all of `y`.
#[inline(always)]
pub(super) fn dense_f32<const I: usize, const O: usize>(
    x: &[f32; I],
    w: &[[f32; O]; I],
    b: &[f32; O],
    y: &mut core::mem::MaybeUninit<[f32; O]>,
    relu: bool,
) {
    let y = y.as_mut_ptr().cast::<f32>();
    let block = |c: usize, n: usize| Block {
        x: x.as_ptr(),
        // Column `c` of row 0, `c < O` (or `c = 0` with `I = 0`, then never read).
        w: w.as_ptr().cast::<f32>().wrapping_add(c),
        stride: 4 * (O - n),
        groups: I / 4,
        rest: I % 4,
        b: b.as_ptr().wrapping_add(c),
        y: y.wrapping_add(c),
        relu,
    };
    for c in (0..O / 16).map(|k| 16 * k) {
        // SAFETY: `c + 16 <= O`: `x` has `I` inputs, each row of `w` has the 16 columns
        // from `c` and the rows are `4 O = 64 + stride` bytes apart, `b` and `y` have `O`
        // elements.
        unsafe { block16(&block(c, 16)) };
    }
    if !O.is_multiple_of(16) {
        // SAFETY: as above with `n = O % 16` columns from `c = O - n`: `c + n = O`.
        unsafe { narrow_dispatch::<O>(&block(O - O % 16, O % 16)) };
    }
}

/// [`narrow`] for `N = O % 16`.
///
/// # Safety
/// As [`narrow`] with `N = O % 16`.
#[inline(always)]
unsafe fn narrow_dispatch<const O: usize>(a: &Block) {
    // SAFETY: the caller's contract, for the `N` each arm passes, which is `O % 16`.
    unsafe {
        match O % 16 {
            1 => narrow::<1>(a),
            2 => narrow::<2>(a),
            3 => narrow::<3>(a),
            4 => narrow::<4>(a),
            5 => narrow::<5>(a),
            6 => narrow::<6>(a),
            7 => narrow::<7>(a),
            8 => narrow::<8>(a),
            9 => narrow::<9>(a),
            10 => narrow::<10>(a),
            11 => narrow::<11>(a),
            12 => narrow::<12>(a),
            13 => narrow::<13>(a),
            14 => narrow::<14>(a),
            15 => narrow::<15>(a),
            _ => {}
        }
    }
}
