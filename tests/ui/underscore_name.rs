annarchy::neuron! {
    struct Hidden {
        parameters: "_level = 1.0",
        equations: "r = _level",
    }
}

fn main() {}
