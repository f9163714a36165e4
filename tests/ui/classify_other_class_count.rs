// A 4-output network classifies into `Label<4>`, not `Label<3>`.
use ctensor::{Label, Mlp};

fn main() -> ctensor::Result<()> {
    let net = Mlp::<2, 8, 4>::zeros();
    let _label: Label<3> = net.classify(&[0.0, 1.0])?;
    Ok(())
}
