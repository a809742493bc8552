use annarchy::neuron;

neuron! {
    struct NonLinearExp {
        parameters: "tau = 10.0",
        equations: "tau * dv/dt = -v^2 : exponential
                    r = v",
    }
}

fn main() {}
