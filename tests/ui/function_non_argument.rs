use annarchy::neuron;

neuron! {
    struct UsesTau {
        parameters: "tau = 10.0",
        functions: "f(x) = x / tau",
        equations: "r = f(1.0)",
    }
}

fn main() {}
