// A training step of a 2-8-2 network with the workspace of a 2-16-2 network.
use ctensor::{Batch, Label, Loss, Matrix, Mlp, Sgd, Targets, TrainConfig, Workspace};
use rand::SeedableRng;

fn main() -> ctensor::Result<()> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let mut net = Mlp::<2, 8, 2>::zeros();
    let x = Matrix::<4, 2>::zeros();
    let y = [Label::<2>::new_const(0); 4];
    let batch = Batch::new(&x, Targets::Classes(&y))?;
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let mut ws = Workspace::<4, 2, 16, 2>::zeros();
    net.train_step(&batch, &cfg, &mut ws, &mut Sgd::new(0.1)?, &mut rng)?;
    Ok(())
}
