use annarchy::synapse;

synapse! {
    struct GlobalFromLocal {
        equations: "m = w : projection",
    }
}

fn main() {}
