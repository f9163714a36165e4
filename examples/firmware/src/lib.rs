//! Support code shared by the firmware binaries: semihosting output without `core::fmt`
//! (formatting floats alone costs 13-15 KiB of flash), exit codes, stack measurement, and the
//! panic and HardFault handlers.
#![no_std]

pub mod pytorch;
pub mod shared;

use cortex_m_semihosting::{debug, hio};

/// The data and host results made by `build.rs`.
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
}

/// The host's int8 outputs of the networks quantized by `build-int8/lib.rs` (issue 11).
pub mod int8_generated {
    include!(concat!(env!("OUT_DIR"), "/int8_generated.rs"));
}

/// The host's results for the PyTorch-trained model, made by `build_pytorch.rs` (issue 10).
pub mod pytorch_generated {
    include!(concat!(env!("OUT_DIR"), "/pytorch_generated.rs"));
}

/// The board this image is for.
pub const BOARD: &str = if cfg!(target_abi = "eabihf") {
    "Cortex-M4F (mps2-an386)"
} else {
    "Cortex-M0 (microbit)"
};

/// Host standard output through semihosting. Integers only: no `core::fmt`.
pub struct Out(Option<hio::HostStream>);

impl Out {
    /// Opens the host's standard output.
    #[must_use]
    pub fn new() -> Self {
        Self(hio::hstdout().ok())
    }

    /// Writes a string.
    pub fn str(&mut self, s: &str) -> &mut Self {
        if let Some(h) = &mut self.0 {
            let _ = h.write_all(s.as_bytes());
        }
        self
    }

    /// Writes an unsigned integer in decimal.
    pub fn u32(&mut self, mut n: u32) -> &mut Self {
        let mut buf = [0u8; 10];
        let mut i = buf.len();
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 || i == 0 {
                break;
            }
        }
        if let Some(h) = &mut self.0 {
            let _ = h.write_all(buf.split_at(i).1);
        }
        self
    }

    /// Writes a signed integer in decimal.
    pub fn i32(&mut self, n: i32) -> &mut Self {
        if n < 0 {
            self.str("-");
        }
        self.u32(n.unsigned_abs())
    }

    /// Writes `0x` and eight hexadecimal digits.
    pub fn hex(&mut self, n: u32) -> &mut Self {
        let mut buf = *b"0x00000000";
        let mut k = 0;
        while k < 8 {
            let d = ((n >> (28 - 4 * k)) & 0xF) as u8;
            buf[2 + k] = if d < 10 { b'0' + d } else { b'a' + d - 10 };
            k += 1;
        }
        if let Some(h) = &mut self.0 {
            let _ = h.write_all(&buf);
        }
        self
    }

    /// Ends the line.
    pub fn nl(&mut self) -> &mut Self {
        self.str("\n")
    }
}

impl Default for Out {
    fn default() -> Self {
        Self::new()
    }
}

/// Ends the program: QEMU exits with status 0 if `ok`, else 1.
pub fn exit(ok: bool) -> ! {
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    #[allow(clippy::empty_loop)]
    loop {}
}

/// The value cortex-m-rt's `paint-stack` feature fills the stack with before `main`.
const PAINT: u32 = 0xCCCC_CCCC;

/// The most stack used since reset, in bytes: the stack was painted at reset (cortex-m-rt's
/// `paint-stack`); scan up from its far end to the first word that is no longer paint.
#[must_use]
pub fn max_stack_used() -> u32 {
    unsafe extern "C" {
        static _stack_start: u32;
        static _stack_end: u32;
    }
    let top = &raw const _stack_start as usize;
    let mut p = &raw const _stack_end as usize;
    // SAFETY: `_stack_end..top` is the stack region (RAM) of cortex-m-rt's linker script,
    // word-aligned; reads of painted, unused words have no side effects.
    while p < top && unsafe { core::ptr::read_volatile(p as *const u32) } == PAINT {
        p += 4;
    }
    (top - p) as u32
}

#[cfg(not(feature = "panic-is-link-error"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    Out::new().str("PANIC\n");
    exit(false)
}

/// With the `panic-is-link-error` feature, any panic that the optimizer could not prove
/// unreachable calls this symbol, which no object defines: the link fails and names it.
#[cfg(feature = "panic-is-link-error")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    unsafe extern "Rust" {
        fn error_a_panic_is_reachable_in_this_firmware() -> !;
    }
    // SAFETY: never runs: the symbol does not exist, so an image that reaches this does not
    // link.
    unsafe { error_a_panic_is_reachable_in_this_firmware() }
}

#[cortex_m_rt::exception]
unsafe fn HardFault(_frame: &cortex_m_rt::ExceptionFrame) -> ! {
    Out::new().str("HardFault\n");
    exit(false)
}
