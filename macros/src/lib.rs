//! The `neuron!` and `synapse!` macros (a thin shim over `annarchy-codegen`).
