//! Helpers shared by the real-data examples: where the data files are, and a seeded shuffle.
//! Not an example itself (Cargo does not build files in subdirectories as examples).

use std::path::PathBuf;

use ctensor::FileError;
use ctensor::data::{Dataset, Header};
use rand::Rng;

/// `data/<name>` in this repository (independent of the current directory).
pub fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

/// Loads `data/<name>_train.csv` and `data/<name>_test.csv` (both with a header row). An
/// error names the file, the line and the column.
pub fn load_split<const D: usize>(name: &str) -> Result<(Dataset<D>, Dataset<D>), FileError> {
    let load = |split: &str| {
        Dataset::<D>::from_csv_file(data_path(&format!("{name}_{split}.csv")), Header::Present)
    };
    Ok((load("train")?, load("test")?))
}

/// Fisher-Yates shuffle drawing from `ctensor::uniform01`, so the order depends only on the
/// seed (not on the version of `rand`'s own `shuffle`).
pub fn shuffle<R: Rng + ?Sized>(order: &mut [usize], rng: &mut R) {
    for i in (1..order.len()).rev() {
        let j = (ctensor::uniform01(rng) * (i + 1) as f64) as usize;
        order.swap(i, j.min(i));
    }
}
