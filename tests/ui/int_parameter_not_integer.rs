use annarchy::neuron;

neuron! {
    struct HalfInt {
        parameters: "n = 2.5 : int",
        equations: "r = n",
    }
}

fn main() {}
