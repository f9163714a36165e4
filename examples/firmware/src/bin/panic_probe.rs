//! Negative control of the panic-free builds: this image has a reachable panic (an index the
//! optimizer cannot check), so with the `panic-is-link-error` feature it must fail to link,
//! naming `error_a_panic_is_reachable_in_this_firmware`. `tools/firmware.sh` checks that it
//! does; without the feature it links, and exits with status 1 from the panic handler.
#![no_std]
#![no_main]

use core::hint::black_box;

use ctensor_firmware::{Out, exit};

#[cortex_m_rt::entry]
fn main() -> ! {
    let table = [1u32, 2, 3];
    let i = black_box(5usize);
    Out::new().u32(table[i]).nl();
    exit(true)
}
