// 7 input rows with 8 labels in one batch.
use ctensor::{Batch, Label, Matrix, Targets};

fn main() -> ctensor::Result<()> {
    let x = Matrix::<7, 2>::zeros();
    let y = [Label::<2>::new_const(1); 8];
    let _batch = Batch::new(&x, Targets::Classes(&y))?;
    Ok(())
}
