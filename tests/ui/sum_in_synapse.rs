use annarchy::synapse;

synapse! {
    struct SumInSynapse {
        equations: "dw/dt = sum(exc)",
    }
}

fn main() {}
