use annarchy::neuron;

neuron! {
    struct MisspelledKey {
        equation: "r = 1.0",
    }
}

fn main() {}
