// Labels of a 3-class problem used to train a network with 4 outputs.
use ctensor::{Batch, Label, Loss, Matrix, Mlp, Sgd, Targets, TrainConfig, Workspace};
use rand::SeedableRng;

fn main() -> ctensor::Result<()> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let mut net = Mlp::<2, 8, 4>::zeros();
    let x = Matrix::<4, 2>::zeros();
    let y = [Label::<3>::new_const(0); 4];
    let batch = Batch::new(&x, Targets::Classes(&y))?;
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let mut ws = Workspace::zeros();
    net.train_step(&batch, &cfg, &mut ws, &mut Sgd::new(0.1)?, &mut rng)?;
    Ok(())
}
