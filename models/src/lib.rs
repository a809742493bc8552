//! The standard library of neurons and synapses (SPEC.md section 6), written
//! with the same `neuron!` and `synapse!` macros users write their models with.

#![warn(missing_docs)]

pub mod ann_to_snn;
pub mod bold;
pub mod inputs;
pub mod neurons;
pub mod synapses;

pub use ann_to_snn::*;
pub use bold::*;
pub use inputs::*;
pub use neurons::*;
pub use synapses::*;
