annarchy::synapse! {
    struct Certain {
        creating: "pre.r > 1.0 : proba = 1.5, w = 0.2",
    }
}

fn main() {}
