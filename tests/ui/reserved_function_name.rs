use annarchy::neuron;

neuron! {
    struct OwnExp {
        functions: "exp(x) = x",
        equations: "r = exp(1.0)",
    }
}

fn main() {}
