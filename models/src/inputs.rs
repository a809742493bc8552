//! Builders of the input populations that are standard models.

use crate::neurons::HomogeneousCorrelated;
use annarchy_runtime::Result;
use annarchy_runtime::geometry::Geometry;
use annarchy_runtime::inputs::correlated_spike_parameters;
use annarchy_runtime::network::{NetworkBuilder, PopId};

/// ANNarchy's `HomogeneousCorrelatedSpikeTrains`: spike trains of mean rate
/// `rate` (Hz) whose pairwise correlation is `corr`, with time constant `tau`
/// (ms) of the common rate. The mean and deviation of the underlying
/// Ornstein-Uhlenbeck process are corrected for its rectification (Brette 2009).
pub fn homogeneous_correlated_spike_trains(
    b: &mut NetworkBuilder,
    name: &str,
    geometry: impl TryInto<Geometry, Error = annarchy_runtime::Error>,
    rate: f64,
    corr: f64,
    tau: f64,
) -> Result<PopId<HomogeneousCorrelated>> {
    let (mu, sigma) = correlated_spike_parameters(rate, corr, tau)?;
    let pop = b.population::<HomogeneousCorrelated>(name, geometry)?;
    b.set(pop, "tau", tau)?;
    b.set(pop, "mu", mu)?;
    b.set(pop, "sigma", sigma)?;
    b.set(pop, "x", mu)?;
    Ok(pop)
}
