// The correctly shaped counterparts of the compile_fail cases: all of these compile (and run).
use ctensor::{
    Batch, Gradients, Label, Loss, Matrix, Mlp, Optimizer, Sgd, Targets, TrainConfig, Vector,
    Workspace,
};
use rand::SeedableRng;

const TWO: Label<3> = Label::new_const(2);

fn main() -> ctensor::Result<()> {
    let a = Matrix::<2, 3>::splat(1.0);
    let b = Matrix::<3, 5>::splat(2.0);
    let c: Matrix<2, 5> = a.matmul(&b);
    assert_eq!(c, &a * &b);
    let _t: Matrix<3, 2> = a.transpose();
    let _v: Vector<4> = Vector::<4>::zeros() + Vector::<4>::splat(1.0);
    let _d: Matrix<2, 5> = a * b;
    let _w: Vector<2> = &a * &Vector::<3>::zeros();
    let _i: Matrix<3, 3> = Matrix::identity();
    let _s: Matrix<2, 3> = 2.0 * (&a + Matrix::<2, 3>::zeros()) / 4.0;
    let _col: Vector<2> = a.column(2);
    let _l: Label<1> = Label::default();

    let wide = Mlp::<64, 32, 10>::zeros();
    let _logits: Matrix<8, 10> = wide.forward(&Matrix::<8, 64>::zeros());

    let mut net = Mlp::<2, 8, 3>::zeros();
    let grads = Gradients::<2, 8, 3>::zeros();
    Sgd::new(0.1)?.update(&mut net, &grads)?;

    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let x = Matrix::<4, 2>::zeros();
    let y = [TWO; 4];
    let batch = Batch::new(&x, Targets::Classes(&y))?;
    let cfg = TrainConfig::new(Loss::SoftmaxCrossEntropy);
    let mut ws = Workspace::<4, 2, 8, 3>::zeros();
    net.train_step(&batch, &cfg, &mut ws, &mut Sgd::new(0.1)?, &mut rng)?;
    let _label: Label<3> = net.classify(&[0.0, 1.0])?;
    Ok(())
}
