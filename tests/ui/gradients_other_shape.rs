// Gradients of a 4-8-3 network applied to a 4-8-2 network.
use ctensor::{Gradients, Mlp, Optimizer, Sgd};

fn main() -> ctensor::Result<()> {
    let mut net = Mlp::<4, 8, 2>::zeros();
    let grads = Gradients::<4, 8, 3>::zeros();
    Sgd::new(0.1)?.update(&mut net, &grads)?;
    Ok(())
}
