// `Label::new_const` in a const item is checked at compile time: 3 is not a class of 0..3.
use ctensor::Label;

const THREE: Label<3> = Label::new_const(3);

fn main() {
    let _ = THREE;
}
