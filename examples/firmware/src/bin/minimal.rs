//! The minimal firmware of `examples/firmware/README.md` ("A project from zero"), which
//! quotes this file verbatim (`tools/firmware.sh` checks that it still does, builds it and
//! runs it on both boards): a model as a `static` in flash, one inference, the class printed
//! without `core::fmt`.
#![no_std]
#![no_main]
#![allow(clippy::empty_loop)] // after `debug::exit`, which does not return in QEMU

use cortex_m_semihosting::{debug, hio};
use ctensor::Mlp;

/// The model, decoded and checked at compile time (a bad file is a compile error): in flash,
/// never copied to RAM. The type is spelled out: `from_bytes_const` exists for `f32` and `f64`.
static NET: Mlp<64, 32, 10> =
    match Mlp::<64, 32, 10>::from_bytes_const(include_bytes!("../../models/digits-64-32-10.bin")) {
        Ok(net) => net,
        Err(_) => panic!("not an Mlp<64, 32, 10> f32 weights file"),
    };

/// A handwritten 2 (the first row of `data/digits_test.csv`): 8 x 8 pixels, 0 to 16.
const PIXELS: [u8; 64] = [
    0, 0, 11, 16, 15, 3, 0, 0, 0, 5, 16, 12, 11, 13, 0, 0, 0, 3, 13, 1, 5, 15, 0, 0, 0, 0, 0, 0,
    12, 11, 0, 0, 0, 0, 0, 1, 16, 7, 0, 0, 0, 0, 0, 10, 15, 0, 0, 0, 0, 0, 12, 16, 16, 11, 1, 0, 0,
    0, 13, 13, 8, 13, 16, 8,
];

#[cortex_m_rt::entry]
fn main() -> ! {
    // The inputs as the model was trained on them: pixel / 16.
    let x = PIXELS.map(|p| f32::from(p) / 16.0);
    let ok = match NET.classify(&x) {
        Ok(class) => {
            // Printing without `core::fmt` (which costs 13-15 KiB of flash): bytes.
            let digit = b"0123456789".get(class.get()).copied().unwrap_or(b'?');
            if let Ok(mut out) = hio::hstdout() {
                let _ = out.write_all(&[b'c', b'l', b'a', b's', b's', b' ', digit, b'\n']);
            }
            true
        }
        Err(_) => false, // a non-finite input or logit
    };
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    debug::exit(debug::EXIT_FAILURE);
    loop {}
}
