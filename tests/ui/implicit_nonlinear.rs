use annarchy::neuron;

neuron! {
    struct NonLinearImplicit {
        equations: "dv/dt = -v^2 : implicit
                    r = v",
    }
}

fn main() {}
