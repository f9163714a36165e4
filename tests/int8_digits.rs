//! int8 accuracy on the digits test split (issue 11): the committed `Mlp<64, 32, 10>` of the
//! firmware (`examples/firmware/models/digits-64-32-10.bin`), quantized after training with
//! the training rows as calibration set, within 0.5 points of its f32 accuracy; and its
//! int8 weights file survives a round trip.
#![cfg(feature = "alloc")] // post-training quantization and int8 files need `alloc`

use ctensor::Mlp;
use ctensor::data::{Dataset, Header};
use ctensor::quant::QMlp;

fn load(split: &str) -> Dataset<64> {
    let path = format!("{}/data/digits_{split}.csv", env!("CARGO_MANIFEST_DIR"));
    let mut ds = Dataset::<64>::from_csv_file(path, Header::Present).unwrap();
    ds.scale(1.0 / 16.0);
    ds
}

#[test]
fn digits_64_32_10_int8_within_half_a_point_of_f32() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/firmware/models/digits-64-32-10.bin"
    );
    let net = Mlp::<64, 32, 10>::load(path).unwrap();
    let (train, test) = (load("train"), load("test"));
    let int8: QMlp<64, 32, 10> = net.quantize(&train.features).unwrap();
    let f32_acc = test.accuracy(|x| net.classify(x)).unwrap();
    let int8_acc = test.accuracy(|x| int8.classify(x)).unwrap();
    println!(
        "digits 64-32-10 ({} test rows): f32 {f32_acc:.4}, int8 {int8_acc:.4} ({:+.2} points); \
         int8 file {} bytes, f32 file {} bytes",
        test.len(),
        100.0 * (int8_acc - f32_acc),
        QMlp::<64, 32, 10>::BYTE_LEN,
        Mlp::<64, 32, 10>::BYTE_LEN,
    );
    assert!(
        (int8_acc - f32_acc).abs() <= 0.005,
        "f32 {f32_acc}, int8 {int8_acc}"
    );
    let bytes = int8.to_vec().unwrap();
    assert_eq!(QMlp::<64, 32, 10>::from_bytes(&bytes).unwrap(), int8);
}

/// The firmware's int8 model: the committed `Mlp<64, 32, 10>` quantized with the training
/// rows. `--ignored` rewrites the committed file after a change of the scheme.
fn firmware_int8() -> QMlp<64, 32, 10> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/firmware/models/digits-64-32-10.bin"
    );
    Mlp::<64, 32, 10>::load(path)
        .unwrap()
        .quantize(&load("train").features)
        .unwrap()
}

const INT8_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/firmware/models/digits-64-32-10-int8.bin"
);

#[test]
#[ignore = "writes examples/firmware/models/digits-64-32-10-int8.bin"]
fn write_firmware_int8_model() {
    std::fs::write(INT8_FILE, firmware_int8().to_vec().unwrap()).unwrap();
}

/// The committed int8 model is the one the scheme gives today, and the CRC-32 of its int8
/// logits on the firmware's 40 embedded digits (the first 40 test rows) is what
/// `tools/firmware.sh` compares with the boards' (bit-identity).
#[test]
fn firmware_int8_model_is_current_and_its_logits_crc() {
    let net = firmware_int8();
    let committed = std::fs::read(INT8_FILE).unwrap();
    assert_eq!(
        committed,
        net.to_vec().unwrap(),
        "examples/firmware/models/digits-64-32-10-int8.bin is stale: run this test file with --ignored"
    );
    let test = load("test");
    let mut logits = Vec::new();
    for x in test.features.iter().take(40) {
        let q = net.quantize_input(x).unwrap();
        logits.extend(net.logits_q(&q).map(|v| v as u8));
    }
    println!("int8 logits crc32 0x{:08x}", ctensor::io::crc32(&logits));
}
