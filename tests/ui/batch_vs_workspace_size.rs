// A batch of 8 trained with a workspace sized for batches of 16.
use ctensor::{Batch, Label, Loss, Matrix, Mlp, Sgd, Targets, TrainConfig, Workspace};
use rand::SeedableRng;

fn main() -> ctensor::Result<()> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let mut net = Mlp::<2, 8, 2>::zeros();
    let x = Matrix::<8, 2>::zeros();
    let y = [Label::<2>::new_const(0); 8];
    let batch = Batch::new(&x, Targets::Classes(&y))?;
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let mut ws = Workspace::<16, 2, 8, 2>::zeros();
    net.train_step(&batch, &cfg, &mut ws, &mut Sgd::new(0.1)?, &mut rng)?;
    Ok(())
}
