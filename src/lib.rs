//! `annarchy`: rate-coded neural networks whose model equations, written in
//! ANNarchy's equation language, are compiled into Rust by the `neuron!` and
//! `synapse!` macros at build time.
//!
//! ```
//! use annarchy::prelude::*;
//!
//! annarchy::neuron! {
//!     /// A leaky rate neuron driven by its excitatory input.
//!     pub struct Leaky {
//!         parameters: "tau = 10.0 : population",
//!         equations: "tau * dv/dt + v = sum(exc) : exponential
//!                     r = pos(v)",
//!     }
//! }
//!
//! # fn main() -> annarchy::Result<()> {
//! let mut b = Network::builder().dt(1.0)?;
//! let input = b.population::<InputArray>("input", 2)?;
//! let out = b.population::<Leaky>("out", 1)?;
//! b.set(input, "r", vec![1.0, 0.5])?;
//! b.projection::<DefaultRateSynapse>(input, out, "exc").connect_all_to_all(1.0)?;
//! let m = b.monitor(out, &["r"])?;
//! let mut net = b.build()?;
//! net.simulate(100.0)?;
//! let r = net.monitor_get(m, "r")?;
//! assert!((r.values[99][0] - 1.5 * (1.0 - (-0.1f64).exp().powi(99))).abs() < 0.1);
//! # Ok(())
//! # }
//! ```
//!
//! A network in single precision (ANNarchy's `setup(precision='float')`):
//! the arrays of populations and projections are `f32`.
//!
//! ```
//! use annarchy::prelude::*;
//!
//! # fn main() -> annarchy::Result<()> {
//! let mut b = Network::builder().precision(Precision::Single)?;
//! let pre = b.population::<LeakyIntegrator>("pre", 4)?;
//! let pop = b.population::<LeakyIntegrator>("pop", 4)?;
//! b.set(pop, "B", 0.5)?;
//! let proj = b
//!     .projection::<DefaultRateSynapse>(pre, pop, "exc")
//!     .connect_all_to_all(0.1)?;
//! let mut net = b.build()?;
//! net.simulate(1000.0)?;
//! assert!((net.get(pop, "r")?[0] - 0.5).abs() < 1e-5);
//! // The arrays themselves, in `f32`.
//! let r: &[f32] = net.pop_as::<LeakyIntegratorStateF32>(pop)?.r();
//! assert!((r[0] - 0.5).abs() < 1e-5);
//! let w: &[f32] = net.proj_as::<DefaultRateSynapseStateF32>(proj)?.w();
//! assert_eq!(w, &[0.1f32; 16]);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod ann_to_snn;

pub use annarchy_macros::{neuron, synapse};
pub use annarchy_models as models;
pub use annarchy_runtime as runtime;
pub use annarchy_runtime::{Error, Result};

/// The names most programs need.
pub mod prelude {
    pub use crate::models::*;
    pub use crate::runtime::bold::{BoldModel, BoldMonitor, BoldOptions};
    pub use crate::runtime::connectors::Value;
    pub use crate::runtime::convolution::{Kernel, Operation, Padding};
    #[cfg(feature = "image")]
    pub use crate::runtime::image::{EndOfSequence, FrameSequence, load_image};
    pub use crate::runtime::inputs::{Schedule, TimedArray};
    pub use crate::runtime::model::Precision;
    pub use crate::runtime::monitor::{MonitorOptions, Recording};
    pub use crate::runtime::network::{
        AnyPop, AnyProj, MonitorId, Network, NetworkBuilder, PopId, PopView, ProjId, StopOperator,
    };
    pub use crate::runtime::population::AttrValue;
    pub use crate::runtime::random::RandomDistribution;
    pub use crate::runtime::report::ReportOptions;
    pub use crate::runtime::split::ThreadSplit;
    pub use crate::{neuron, synapse};
}

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
