// Labels of 4 classes for a deep network with 10 outputs.
use ctensor::{Batch, Dense, Label, Loss, Matrix, Relu, SeqWorkspace, Sgd, Targets, TrainConfig};
use rand::SeedableRng;

ctensor::network! {
    type Net = [Dense<64, 32>, Relu<32>, Dense<32, 16>, Relu<16>, Dense<16, 10>];
}

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let mut net = Net::glorot(&mut rng);
    let x = Matrix::<2, 64>::zeros();
    let y = [Label::<4>::new_const(0); 2];
    let batch = Batch::new(&x, Targets::Classes(&y)).unwrap();
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let mut ws = SeqWorkspace::zeros();
    let _ = net.train_step(&batch, &cfg, &mut ws, &mut Sgd::new(0.1).unwrap(), &mut rng);
}
