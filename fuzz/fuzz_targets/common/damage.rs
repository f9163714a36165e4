//! The file a loader's fuzz target tests, made from the fuzzer's bytes (shared by
//! `weights_loader` and `int8_loader` through `#[path]`).

use ctensor::io::{CHECKSUM_LEN, crc32};

/// The file to test, by `mode % 4`:
/// 0: `rest` as it is;
/// 1: `rest` with its last 4 bytes replaced by the CRC of the others;
/// 2: `valid` with the bytes from `body` on overwritten by `rest` (cut to length), a valid
///    CRC: reaches the decoding past the header;
/// 3: as 2 from offset 4 (header fields too).
pub fn damaged_file(mode: u8, rest: &[u8], valid: &[u8], body: usize) -> Vec<u8> {
    let mode = mode % 4;
    let mut file = match mode {
        0 | 1 => rest.to_vec(),
        m => {
            let mut file = valid.to_vec();
            let from = if m == 2 { body } else { 4 };
            let end = file.len() - CHECKSUM_LEN;
            let n = rest.len().min(end - from);
            file[from..from + n].copy_from_slice(&rest[..n]);
            file
        }
    };
    if mode != 0 && file.len() >= CHECKSUM_LEN {
        let end = file.len() - CHECKSUM_LEN;
        let crc = crc32(&file[..end]);
        file[end..].copy_from_slice(&crc.to_le_bytes());
    }
    file
}
