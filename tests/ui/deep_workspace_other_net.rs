// A workspace made for another network.
use ctensor::{Dense, Matrix, Relu, Seq, SeqWorkspace, Targets, Batch, Dropout};
use rand::SeedableRng;

type Layers = (Dense<4, 8>, Relu<8>, Dense<8, 2>);
type Other = (Dense<4, 16>, Relu<16>, Dense<16, 2>);

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let net = Seq::<Layers>::glorot(&mut rng);
    let x = Matrix::<1, 4>::zeros();
    let y = Matrix::<1, 2>::zeros();
    let batch = Batch::new(&x, Targets::Values(&y)).unwrap();
    let mut ws = SeqWorkspace::<Other, 1>::zeros();
    net.forward_train(&batch, Dropout::NONE, &mut ws, &mut rng);
}
