use annarchy::synapse;

synapse! {
    struct PostFromPre {
        equations: "m = pre.r : postsynaptic",
    }
}

fn main() {}
