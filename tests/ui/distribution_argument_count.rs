use annarchy::neuron;

neuron! {
    struct OneArgUniform {
        equations: "r = Uniform(0.0)",
    }
}

fn main() {}
