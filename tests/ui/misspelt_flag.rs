use annarchy::neuron;

neuron! {
    struct MisspeltFlag {
        parameters: "tau = 10.0 : populaton",
        equations: "r = 1.0 / tau : populaton",
    }
}

fn main() {}
