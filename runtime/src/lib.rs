//! Run-time of `annarchy`: everything that moves numbers once the model
//! equations have been compiled by the `neuron!` and `synapse!` macros.

#![warn(missing_docs)]

pub mod arrivals;
pub mod bold;
pub mod callbacks;
pub mod connectivity;
pub mod connectors;
pub mod convolution;
pub mod copy;
mod crc;
pub mod decoding;
mod delivery;
pub mod emission;
pub mod error;
pub mod geometry;
#[cfg(feature = "image")]
pub mod image;
pub mod inputs;
pub mod io;
pub mod math;
pub mod memory;
pub mod model;
pub mod monitor;
pub mod network;
pub mod npy;
pub mod onnx;
pub mod parameters;
#[cfg(feature = "plot")]
pub mod plot;
pub mod population;
pub mod projection;
pub mod random;
pub mod report;
pub mod spikes;
pub mod split;
pub mod stream;
pub mod structural;
pub mod team;
pub mod tensorboard;
pub mod timing;

pub use error::{Error, Result};
pub use rayon;
