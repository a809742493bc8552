use annarchy::synapse;

synapse! {
    struct SynapsePopulation {
        parameters: "eta = 0.1 : population",
        equations: "dw/dt = eta * pre.r * post.r",
    }
}

fn main() {}
