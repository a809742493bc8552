use annarchy::neuron;

neuron! {
    struct NonLinearSemi {
        parameters: "tau = 10.0",
        equations: "tau * dv/dt = -v^2 : semiimplicit
                    r = v",
    }
}

fn main() {}
