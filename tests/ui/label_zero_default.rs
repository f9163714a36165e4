// Label<0> holds no class, so it has no default (a post-monomorphization error: needs a build).
use ctensor::Label;

fn main() {
    let _l = Label::<0>::default();
}
