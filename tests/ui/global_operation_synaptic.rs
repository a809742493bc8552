use annarchy::synapse;

synapse! {
    struct MeanWeight {
        equations: "dw/dt = mean(w)",
    }
}

fn main() {}
