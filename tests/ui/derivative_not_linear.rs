use annarchy::neuron;

neuron! {
    struct SquaredDerivative {
        equations: "(dv/dt)^2 = 1.0
                    r = v",
    }
}

fn main() {}
