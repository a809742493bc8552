use annarchy::neuron;

neuron! {
    struct ThirdLine {
        parameters: "tau = 10.0",
        equations: "
            dv/dt = (1.0 - v) / tau
            u = 2.0 * v
            r = v + u * gain
        ",
    }
}

fn main() {}
