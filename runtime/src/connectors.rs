//! Connectors: the functions that build the [`Connectivity`] of a
//! projection (ANNarchy's `connect_*` methods).
//!
//! Every connector is a pure function of its arguments and of the random
//! generator it is given. Structural random choices are drawn first (post
//! neurons in the order of the post [`Side`], pre neurons in the order of the
//! pre side), then the weights drawn from a distribution, one per synapse in
//! storage order (rows by ascending post rank, pre ranks ascending), then the
//! delays drawn from a distribution, in the same order.
//!
//! Delays: a constant delay `d` ms gives [`Delays::Uniform`]`(round(d / dt))`
//! ([`Delays::None`] when that is 0). A distribution gives one delay per
//! synapse ([`Delays::PerSynapse`]); as in ANNarchy its lower bound is raised
//! to `dt` and it must have an upper bound (`max`).
//!
//! `exclude_self` drops the synapse whose pre-synaptic population rank equals
//! the post-synaptic population rank; the caller decides when it applies
//! (ANNarchy: `allow_self_connections=False` with pre and post in the same
//! population).
//!
//! Every error is an [`Error::Connector`] naming the connector, except the
//! errors returned by the user function of [`with_func`], which are passed
//! through.

use rand::seq::index;
use rand::{Rng, RngExt};
use rayon::prelude::*;

use crate::connectivity::{Connectivity, Delays, LilBuilder, delay_steps};
use crate::error::{Error, Result};
use crate::geometry::Geometry;
use crate::random::RandomDistribution;

/// One side (pre or post) of a projection as the connector sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Side<'a> {
    /// Population ranks of the population or view, in view order.
    pub ranks: &'a [u32],
    /// Geometry of the population (connectors that need coordinates use
    /// whole populations).
    pub geometry: Geometry,
    /// Number of neurons of the population.
    pub population_size: usize,
}

impl<'a> Side<'a> {
    /// A side of a population of geometry `geometry` restricted to `ranks`
    /// (all of them, `0..size`, for a whole population).
    pub fn new(ranks: &'a [u32], geometry: Geometry) -> Self {
        Self {
            ranks,
            geometry,
            population_size: geometry.size(),
        }
    }

    /// The number of neurons on this side.
    pub fn len(&self) -> usize {
        self.ranks.len()
    }

    /// Whether this side has no neuron.
    pub fn is_empty(&self) -> bool {
        self.ranks.is_empty()
    }

    /// Whether the side is a whole population: its ranks are `0..size` in
    /// order.
    pub fn is_whole_population(&self) -> bool {
        self.ranks.len() == self.population_size
            && self.ranks.iter().enumerate().all(|(i, &r)| r as usize == i)
    }
}

/// A weight or delay argument: a constant or a distribution drawn once per
/// synapse.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// The same value for every synapse.
    Const(f64),
    /// One draw per synapse.
    Dist(RandomDistribution),
}

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Self::Const(x)
    }
}

impl From<RandomDistribution> for Value {
    fn from(d: RandomDistribution) -> Self {
        Self::Dist(d)
    }
}

/// Formats a constant as Python prints a float (`1.0`, `0.02`) and a
/// distribution as ANNarchy writes it.
impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Const(x) => write!(f, "{x:?}"),
            Self::Dist(d) => write!(f, "{d}"),
        }
    }
}

/// How a projection was connected: the connector's name (ANNarchy's
/// `connector_name`, e.g. `"Random"`) and a description of its arguments
/// (`connector_description`), as reports show them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConnectorInfo {
    /// Short name of the connection pattern.
    pub name: String,
    /// The pattern with its arguments (weights, delays, probability...).
    pub description: String,
}

/// Post-synaptic neuron `k` receives a synapse from pre-synaptic neuron `k`
/// (positions in the rank lists), for `k < min(pre.len(), post.len())`.
///
/// # Errors
///
/// Invalid sides, `dt`, weight or delay distributions.
pub fn one_to_one<R: Rng + ?Sized>(
    pre: &Side,
    post: &Side,
    weights: impl Into<Value>,
    delays: impl Into<Value>,
    dt: f64,
    rng: &mut R,
) -> Result<Connectivity> {
    const NAME: &str = "connect_one_to_one";
    let (weights, delays) = prepare(NAME, pre, post, weights.into(), delays.into(), dt)?;
    let mut pattern = Pattern::new(false);
    for (&r_pre, &r_post) in pre.ranks.iter().zip(post.ranks) {
        pattern.push_row(r_post, [r_pre]);
    }
    finish(NAME, pattern, &weights, &delays, dt, rng)
}

/// Every pre-synaptic neuron reaches every post-synaptic neuron (minus the
/// self-connection when `exclude_self`).
///
/// # Errors
///
/// Invalid sides, `dt`, weight or delay distributions.
pub fn all_to_all<R: Rng + ?Sized>(
    pre: &Side,
    post: &Side,
    weights: impl Into<Value>,
    delays: impl Into<Value>,
    exclude_self: bool,
    dt: f64,
    rng: &mut R,
) -> Result<Connectivity> {
    const NAME: &str = "connect_all_to_all";
    let (weights, delays) = prepare(NAME, pre, post, weights.into(), delays.into(), dt)?;
    let mut sorted_pre = pre.ranks.to_vec();
    sorted_pre.sort_unstable();
    let mut pattern = Pattern::new(false);
    for &r_post in post.ranks {
        pattern.push_row(
            r_post,
            sorted_pre
                .iter()
                .copied()
                .filter(|&r| !(exclude_self && r == r_post)),
        );
    }
    finish(NAME, pattern, &weights, &delays, dt, rng)
}

/// Gaussian connectivity between two whole populations with geometries of
/// the same number of dimensions.
///
/// For each post neuron and each pre neuron (except the self-connection when
/// `exclude_self`), `d²` is the squared Euclidean distance between their
/// normalized coordinates ([`Geometry::normalized_coordinates_from_rank`]);
/// the weight is `amp * exp(-d² / (2 σ²))` and the synapse exists iff the
/// weight is greater than `limit * amp`.
///
/// Computed in `f64` (ANNarchy computes distances and weights in single
/// precision, so weights may differ from its in the 8th digit).
///
/// # Errors
///
/// Views instead of whole populations, geometries of different dimension
/// counts, `sigma <= 0`, non-finite `amp` or `limit`, invalid `dt` or delays.
#[expect(
    clippy::too_many_arguments,
    reason = "mirrors ANNarchy's connect_gaussian"
)]
pub fn gaussian<R: Rng + ?Sized>(
    pre: &Side,
    post: &Side,
    amp: f64,
    sigma: f64,
    delays: impl Into<Value>,
    limit: f64,
    exclude_self: bool,
    dt: f64,
    rng: &mut R,
) -> Result<Connectivity> {
    const NAME: &str = "connect_gaussian";
    check_finite(NAME, "amp", amp)?;
    check_finite(NAME, "limit", limit)?;
    check_sigma(NAME, "sigma", sigma)?;
    let (_, delays) = prepare(NAME, pre, post, Value::Const(0.0), delays.into(), dt)?;
    let two_s2 = 2.0 * sigma * sigma;
    let threshold = limit * amp;
    let pattern = distance_pattern(NAME, pre, post, exclude_self, |d2| {
        let w = amp * (-d2 / two_s2).exp();
        (w > threshold).then_some(w)
    })?;
    finish(NAME, pattern, &Weights::Given, &delays, dt, rng)
}

/// Difference-of-Gaussians connectivity between two whole populations with
/// geometries of the same number of dimensions.
///
/// As [`gaussian`], with the weight
/// `amp_pos * exp(-d² / (2 σ_pos²)) - amp_neg * exp(-d² / (2 σ_neg²))`; the
/// synapse exists iff `|w| > limit * |amp_pos - amp_neg|`.
///
/// # Errors
///
/// Views instead of whole populations, geometries of different dimension
/// counts, a sigma `<= 0`, non-finite amplitudes or `limit`, invalid `dt` or
/// delays.
#[expect(clippy::too_many_arguments, reason = "mirrors ANNarchy's connect_dog")]
pub fn dog<R: Rng + ?Sized>(
    pre: &Side,
    post: &Side,
    amp_pos: f64,
    sigma_pos: f64,
    amp_neg: f64,
    sigma_neg: f64,
    delays: impl Into<Value>,
    limit: f64,
    exclude_self: bool,
    dt: f64,
    rng: &mut R,
) -> Result<Connectivity> {
    const NAME: &str = "connect_dog";
    check_finite(NAME, "amp_pos", amp_pos)?;
    check_finite(NAME, "amp_neg", amp_neg)?;
    check_finite(NAME, "limit", limit)?;
    check_sigma(NAME, "sigma_pos", sigma_pos)?;
    check_sigma(NAME, "sigma_neg", sigma_neg)?;
    let (_, delays) = prepare(NAME, pre, post, Value::Const(0.0), delays.into(), dt)?;
    let (two_sp2, two_sn2) = (2.0 * sigma_pos * sigma_pos, 2.0 * sigma_neg * sigma_neg);
    let threshold = limit * (amp_pos - amp_neg).abs();
    let pattern = distance_pattern(NAME, pre, post, exclude_self, |d2| {
        let w = amp_pos * (-d2 / two_sp2).exp() - amp_neg * (-d2 / two_sn2).exp();
        (w.abs() > threshold).then_some(w)
    })?;
    finish(NAME, pattern, &Weights::Given, &delays, dt, rng)
}

/// Each pair (pre, post) is connected with probability `probability`: for
/// each post neuron in order, one uniform draw in `[0, 1)` per pre neuron in
/// order (self-connection included), the synapse kept iff the draw is
/// `< probability` (and it is not excluded as a self-connection).
///
/// # Errors
///
/// `probability` outside `[0, 1]`; invalid sides, `dt`, weights or delays.
#[expect(
    clippy::too_many_arguments,
    reason = "mirrors ANNarchy's connect_fixed_probability"
)]
pub fn fixed_probability<R: Rng + ?Sized>(
    pre: &Side,
    post: &Side,
    probability: f64,
    weights: impl Into<Value>,
    delays: impl Into<Value>,
    exclude_self: bool,
    dt: f64,
    rng: &mut R,
) -> Result<Connectivity> {
    const NAME: &str = "connect_fixed_probability";
    if !(0.0..=1.0).contains(&probability) {
        return Err(error(
            NAME,
            format!("the probability must be in [0, 1], got {probability}"),
        ));
    }
    let (weights, delays) = prepare(NAME, pre, post, weights.into(), delays.into(), dt)?;
    let mut pattern = Pattern::new(false);
    let mut kept = Vec::with_capacity(pre.len());
    for &r_post in post.ranks {
        kept.clear();
        for &r_pre in pre.ranks {
            let draw: f64 = rng.random();
            if draw < probability && !(exclude_self && r_pre == r_post) {
                kept.push(r_pre);
            }
        }
        pattern.push_row(r_post, kept.iter().copied());
    }
    finish(NAME, pattern, &weights, &delays, dt, rng)
}

/// Each post-synaptic neuron receives synapses from exactly `number`
/// distinct pre-synaptic neurons drawn uniformly at random.
///
/// With `exclude_self`, the set is drawn uniformly among the sets that do not
/// contain the post neuron itself. ANNarchy redraws the whole set while it
/// contains the post rank; drawing directly among the other pre neurons gives
/// the same distribution of sets without the rejection loop (which never ends
/// in ANNarchy when `number` equals the pre size).
///
/// # Errors
///
/// `number` greater than the number of pre neurons (or than that number
/// minus one when the self-connection must be excluded for some post
/// neuron); invalid sides, `dt`, weights or delays.
#[expect(
    clippy::too_many_arguments,
    reason = "mirrors ANNarchy's connect_fixed_number_pre"
)]
pub fn fixed_number_pre<R: Rng + ?Sized>(
    pre: &Side,
    post: &Side,
    number: usize,
    weights: impl Into<Value>,
    delays: impl Into<Value>,
    exclude_self: bool,
    dt: f64,
    rng: &mut R,
) -> Result<Connectivity> {
    const NAME: &str = "connect_fixed_number_pre";
    let (weights, delays) = prepare(NAME, pre, post, weights.into(), delays.into(), dt)?;
    if number > pre.len() {
        return Err(error(
            NAME,
            format!(
                "the number of pre-synaptic neurons ({number}) exceeds the size of the pre-synaptic population ({})",
                pre.len()
            ),
        ));
    }
    let position = positions(pre);
    let mut pattern = Pattern::new(false);
    if number > 0 {
        for &r_post in post.ranks {
            let own = if exclude_self { position(r_post) } else { None };
            if own.is_some() && number == pre.len() {
                return Err(error(
                    NAME,
                    format!(
                        "cannot choose {number} pre-synaptic neurons other than post-synaptic rank {r_post} among {}",
                        pre.len()
                    ),
                ));
            }
            let chosen = choose(rng, pre.len(), number, own);
            pattern.push_row(r_post, chosen.into_iter().map(|i| pre.ranks[i]));
        }
    }
    finish(NAME, pattern, &weights, &delays, dt, rng)
}

/// Each pre-synaptic neuron sends synapses to `number` distinct
/// post-synaptic neurons drawn uniformly at random (to all of them when
/// `number` equals the post size).
///
/// With `exclude_self`, the set is drawn among the post neurons other than
/// the pre neuron itself (see [`fixed_number_pre`]); when `number` equals the
/// post size, the pre neuron reaches every post neuron except itself.
///
/// # Errors
///
/// `number` greater than the number of post neurons; invalid sides, `dt`,
/// weights or delays.
#[expect(
    clippy::too_many_arguments,
    reason = "mirrors ANNarchy's connect_fixed_number_post"
)]
pub fn fixed_number_post<R: Rng + ?Sized>(
    pre: &Side,
    post: &Side,
    number: usize,
    weights: impl Into<Value>,
    delays: impl Into<Value>,
    exclude_self: bool,
    dt: f64,
    rng: &mut R,
) -> Result<Connectivity> {
    const NAME: &str = "connect_fixed_number_post";
    let (weights, delays) = prepare(NAME, pre, post, weights.into(), delays.into(), dt)?;
    if number > post.len() {
        return Err(error(
            NAME,
            format!(
                "the number of post-synaptic neurons ({number}) exceeds the size of the post-synaptic population ({})",
                post.len()
            ),
        ));
    }
    let position = positions(post);
    // Pre ranks received by each post position.
    let mut incoming: Vec<Vec<u32>> = vec![Vec::new(); post.len()];
    if number > 0 {
        for &r_pre in pre.ranks {
            let own = if exclude_self { position(r_pre) } else { None };
            if number == post.len() {
                for (j, list) in incoming.iter_mut().enumerate() {
                    if Some(j) != own {
                        list.push(r_pre);
                    }
                }
            } else {
                for j in choose(rng, post.len(), number, own) {
                    incoming[j].push(r_pre);
                }
            }
        }
    }
    let mut pattern = Pattern::new(false);
    for (&r_post, list) in post.ranks.iter().zip(incoming) {
        pattern.push_row(r_post, list);
    }
    finish(NAME, pattern, &weights, &delays, dt, rng)
}

/// Connectivity given by a dense matrix of shape (post, pre): `weights[i][j]`
/// is the weight from pre neuron `j` to post neuron `i` (positions in the
/// rank lists), `None` for no synapse.
///
/// `delays`, when given, is a matrix of the same shape in ms (one delay per
/// synapse, [`Delays::PerSynapse`]); it must hold a value wherever a weight
/// is given. Otherwise every synapse has the delay `uniform_delay` ms.
///
/// # Errors
///
/// A matrix of the wrong shape, a missing or invalid delay, invalid sides or
/// `dt`.
pub fn from_matrix(
    pre: &Side,
    post: &Side,
    weights: &[Vec<Option<f64>>],
    delays: Option<&[Vec<Option<f64>>]>,
    uniform_delay: f64,
    dt: f64,
) -> Result<Connectivity> {
    const NAME: &str = "connect_from_matrix";
    check_sides(NAME, pre, post, dt)?;
    let check_shape = |what: &str, m: &[Vec<Option<f64>>]| -> Result<()> {
        let bad_row = m.iter().position(|row| row.len() != pre.len());
        if m.len() != post.len() || bad_row.is_some() {
            return Err(error(
                NAME,
                format!(
                    "the {what} matrix must have shape (post size, pre size) = ({}, {}), got {} rows{}",
                    post.len(),
                    pre.len(),
                    m.len(),
                    bad_row
                        .map(|i| format!(" (row {i} has {} columns)", m[i].len()))
                        .unwrap_or_default()
                ),
            ));
        }
        Ok(())
    };
    check_shape("weight", weights)?;
    if let Some(d) = delays {
        check_shape("delay", d)?;
    }
    let mut lil = LilBuilder::new();
    let (mut r, mut w, mut d) = (Vec::new(), Vec::new(), Vec::new());
    for (i, row) in weights.iter().enumerate() {
        r.clear();
        w.clear();
        d.clear();
        for (j, weight) in row.iter().enumerate() {
            let Some(weight) = *weight else { continue };
            r.push(pre.ranks[j]);
            w.push(weight);
            if let Some(m) = delays {
                d.push(m[i][j].ok_or_else(|| {
                    error(
                        NAME,
                        format!(
                            "the delay matrix has no value at ({i}, {j}) where a weight is given"
                        ),
                    )
                })?);
            }
        }
        lil.add(post.ranks[i], &r, &w, &d).map_err(wrap(NAME))?;
    }
    let mut c = lil.build(dt).map_err(wrap(NAME))?;
    let n = c.nb_synapses();
    c.delays = match (delays, std::mem::replace(&mut c.delays, Delays::None)) {
        // Without a matrix, the delays given to the builder were empty.
        (None, _) => constant_delay(NAME, uniform_delay, dt)?,
        (Some(_), Delays::PerSynapse(d)) => Delays::PerSynapse(d),
        // Delays of at most one step are no delay at all.
        (Some(_), Delays::None) => Delays::None,
        (Some(_), Delays::Uniform(s)) => Delays::PerSynapse(vec![s; n]),
    };
    Ok(c)
}

/// Connectivity given by a sparse matrix of shape (pre, post) as
/// `(pre index, post index, weight)` triplets (positions in the rank
/// lists), every synapse with the delay `delay` ms.
///
/// # Errors
///
/// An index out of range, the same synapse twice, an invalid delay, invalid
/// sides or `dt`.
pub fn from_sparse(
    pre: &Side,
    post: &Side,
    triplets: &[(usize, usize, f64)],
    delay: f64,
    dt: f64,
) -> Result<Connectivity> {
    const NAME: &str = "connect_from_sparse";
    check_sides(NAME, pre, post, dt)?;
    let delays = constant_delay(NAME, delay, dt)?;
    let mut lil = LilBuilder::new();
    for &(i_pre, i_post, w) in triplets {
        let (r_pre, r_post) = ranks_at(NAME, pre, post, i_pre, i_post)?;
        lil.add(r_post, &[r_pre], &[w], &[]).map_err(wrap(NAME))?;
    }
    let mut c = lil.build(dt).map_err(wrap(NAME))?;
    c.delays = delays;
    Ok(c)
}

/// Connectivity given as a list of `(post index, pre index, weight, delay
/// in ms)` synapses (positions in the rank lists).
///
/// The delays are [`Delays::Uniform`] (or [`Delays::None`]) when they all
/// round to the same number of steps, [`Delays::PerSynapse`] otherwise.
///
/// # Errors
///
/// An index out of range, the same synapse twice, an invalid delay, invalid
/// sides or `dt`.
pub fn from_list(
    pre: &Side,
    post: &Side,
    synapses: &[(usize, usize, f64, f64)],
    dt: f64,
) -> Result<Connectivity> {
    const NAME: &str = "connect_from_list";
    check_sides(NAME, pre, post, dt)?;
    let mut lil = LilBuilder::new();
    for &(i_post, i_pre, w, d) in synapses {
        let (r_pre, r_post) = ranks_at(NAME, pre, post, i_pre, i_post)?;
        lil.add(r_post, &[r_pre], &[w], &[d]).map_err(wrap(NAME))?;
    }
    lil.build(dt).map_err(wrap(NAME))
}

/// Connectivity built by a user function (ANNarchy's `connect_with_func`):
/// `f(pre, post)` fills a [`LilBuilder`] with population ranks.
///
/// # Errors
///
/// The error of `f` itself, unchanged; otherwise an [`Error::Connector`] for
/// invalid sides or `dt`, a synapse declared twice, an invalid delay or a
/// rank outside its population.
pub fn with_func(
    pre: &Side,
    post: &Side,
    f: impl FnOnce(&Side, &Side) -> Result<LilBuilder>,
    dt: f64,
) -> Result<Connectivity> {
    const NAME: &str = "connect_with_func";
    check_sides(NAME, pre, post, dt)?;
    let lil = f(pre, post)?;
    let c = lil.build(dt).map_err(wrap(NAME))?;
    c.validate(pre.population_size, post.population_size)
        .map_err(wrap(NAME))?;
    Ok(c)
}

// ---------------------------------------------------------------------------
// Internals.

fn error(connector: &'static str, reason: impl Into<String>) -> Error {
    Error::Connector {
        connector,
        reason: reason.into(),
    }
}

/// Turns any error into a connector error carrying its message.
fn wrap(connector: &'static str) -> impl Fn(Error) -> Error {
    move |e| match e {
        e @ Error::Connector { .. } => e,
        e => error(connector, e.to_string()),
    }
}

fn check_finite(name: &'static str, what: &str, x: f64) -> Result<()> {
    if x.is_finite() {
        Ok(())
    } else {
        Err(error(name, format!("{what} must be finite, got {x}")))
    }
}

fn check_sigma(name: &'static str, what: &str, sigma: f64) -> Result<()> {
    if sigma.is_finite() && sigma > 0.0 {
        Ok(())
    } else {
        Err(error(name, format!("{what} must be positive, got {sigma}")))
    }
}

/// Checks `dt` and both sides: a population size matching the geometry and
/// fitting `u32` ranks, ranks inside the population, no rank twice.
fn check_sides(name: &'static str, pre: &Side, post: &Side, dt: f64) -> Result<()> {
    if !(dt.is_finite() && dt > 0.0) {
        return Err(error(
            name,
            format!("the time step dt must be positive, got {dt}"),
        ));
    }
    for (which, side) in [("pre", pre), ("post", post)] {
        if side.population_size != side.geometry.size() {
            return Err(error(
                name,
                format!(
                    "the {which}-synaptic population size ({}) does not match its geometry {}",
                    side.population_size, side.geometry
                ),
            ));
        }
        if side.population_size > u32::MAX as usize + 1 {
            return Err(error(
                name,
                format!("the {which}-synaptic population is too large"),
            ));
        }
        let mut seen = vec![false; side.population_size];
        for &r in side.ranks {
            match seen.get_mut(r as usize) {
                None => {
                    return Err(error(
                        name,
                        format!(
                            "{which}-synaptic rank {r} is out of range (population size {})",
                            side.population_size
                        ),
                    ));
                }
                Some(true) => {
                    return Err(error(
                        name,
                        format!("{which}-synaptic rank {r} appears twice"),
                    ));
                }
                Some(s) => *s = true,
            }
        }
    }
    Ok(())
}

/// How the weights of a pattern are obtained.
enum Weights {
    /// Computed by the connector and stored in the pattern.
    Given,
    /// A constant or a distribution, applied in storage order.
    Value(Value),
}

/// How the delays of a pattern are obtained.
enum DelaySpec {
    /// The same for every synapse.
    Fixed(Delays),
    /// Drawn per synapse (bounds already adjusted to `[dt, max]`).
    Dist(RandomDistribution),
}

/// Checks the common arguments and prepares weights and delays.
fn prepare(
    name: &'static str,
    pre: &Side,
    post: &Side,
    weights: Value,
    delays: Value,
    dt: f64,
) -> Result<(Weights, DelaySpec)> {
    check_sides(name, pre, post, dt)?;
    if let Value::Dist(d) = &weights {
        d.validate().map_err(wrap(name))?;
    }
    let delays = match delays {
        Value::Const(d) => DelaySpec::Fixed(constant_delay(name, d, dt)?),
        Value::Dist(d) => {
            if d.upper_bound().is_none() {
                return Err(error(
                    name,
                    format!(
                        "if you use a non-bounded random distribution for the delays ({d}), you need to set the max argument to limit the maximal delay"
                    ),
                ));
            }
            // ANNarchy: `if delay.min is None or delay.min < dt: delay.min = dt`.
            let d = match d.lower_bound() {
                Some(min) if min >= dt => d,
                _ => d.with_min(dt),
            };
            d.validate().map_err(|e| {
                error(
                    name,
                    format!(
                        "invalid delay distribution once its minimum is raised to dt = {dt}: {e}"
                    ),
                )
            })?;
            DelaySpec::Dist(d)
        }
    };
    Ok((Weights::Value(weights), delays))
}

fn constant_delay(name: &'static str, delay: f64, dt: f64) -> Result<Delays> {
    Ok(match delay_steps(delay, dt).map_err(wrap(name))? {
        0 => Delays::None,
        s => Delays::Uniform(s),
    })
}

/// Maps positions in the side rank lists to population ranks.
fn ranks_at(
    name: &'static str,
    pre: &Side,
    post: &Side,
    i_pre: usize,
    i_post: usize,
) -> Result<(u32, u32)> {
    match (pre.ranks.get(i_pre), post.ranks.get(i_post)) {
        (Some(&a), Some(&b)) => Ok((a, b)),
        _ => Err(error(
            name,
            format!(
                "synapse (pre {i_pre}, post {i_post}) is out of range (pre size {}, post size {})",
                pre.len(),
                post.len()
            ),
        )),
    }
}

/// A function giving the position of a population rank in `side.ranks`.
fn positions(side: &Side) -> impl Fn(u32) -> Option<usize> {
    let mut pos = vec![usize::MAX; side.population_size];
    for (i, &r) in side.ranks.iter().enumerate() {
        if let Some(p) = pos.get_mut(r as usize) {
            *p = i;
        }
    }
    move |r| pos.get(r as usize).copied().filter(|&p| p != usize::MAX)
}

/// `number` distinct positions in `0..len`, never `skip`.
///
/// The caller guarantees `number <= len` (`number < len` with a `skip`).
fn choose<R: Rng + ?Sized>(
    rng: &mut R,
    len: usize,
    number: usize,
    skip: Option<usize>,
) -> Vec<usize> {
    match skip {
        None => index::sample(rng, len, number).into_vec(),
        Some(q) => index::sample(rng, len - 1, number)
            .into_iter()
            .map(|i| if i >= q { i + 1 } else { i })
            .collect(),
    }
}

/// Rows computed from the distance between normalized coordinates of two
/// whole populations: `weight(d²)` gives the weight of a synapse to keep.
fn distance_pattern(
    name: &'static str,
    pre: &Side,
    post: &Side,
    exclude_self: bool,
    weight: impl Fn(f64) -> Option<f64> + Sync,
) -> Result<Pattern> {
    for (which, side) in [("pre", pre), ("post", post)] {
        if !side.is_whole_population() {
            return Err(error(
                name,
                format!("the {which}-synaptic side must be a whole population, not a view"),
            ));
        }
    }
    let ndim = pre.geometry.ndim();
    if post.geometry.ndim() != ndim {
        return Err(error(
            name,
            format!(
                "the pre- and post-synaptic geometries must have the same number of dimensions, got {} and {}",
                pre.geometry, post.geometry
            ),
        ));
    }
    let coords = |g: &Geometry| -> Result<Vec<f64>> {
        let mut all = Vec::with_capacity(g.size() * ndim);
        for r in 0..g.size() {
            all.extend(
                g.normalized_coordinates_from_rank(r, 1.0)
                    .map_err(wrap(name))?,
            );
        }
        Ok(all)
    };
    let (pre_c, post_c) = (coords(&pre.geometry)?, coords(&post.geometry)?);
    let rows: Vec<Vec<(u32, f64)>> = post_c
        .par_chunks(ndim)
        .enumerate()
        .map(|(i_post, pc)| {
            pre_c
                .chunks(ndim)
                .enumerate()
                .filter(|&(i_pre, _)| !(exclude_self && i_pre == i_post))
                .filter_map(|(i_pre, qc)| {
                    let d2: f64 = pc.iter().zip(qc).map(|(a, b)| (a - b) * (a - b)).sum();
                    weight(d2).map(|w| (i_pre as u32, w))
                })
                .collect()
        })
        .collect();
    let mut pattern = Pattern::new(true);
    for (i_post, row) in rows.into_iter().enumerate() {
        pattern.push_weighted_row(i_post as u32, row);
    }
    Ok(pattern)
}

/// Rows of synapses under construction, in any order.
struct Pattern {
    posts: Vec<u32>,
    row_ptr: Vec<usize>,
    pres: Vec<u32>,
    /// Parallel to `pres` when `weighted`, empty otherwise.
    weights: Vec<f64>,
    weighted: bool,
}

impl Pattern {
    fn new(weighted: bool) -> Self {
        Self {
            posts: Vec::new(),
            row_ptr: vec![0],
            pres: Vec::new(),
            weights: Vec::new(),
            weighted,
        }
    }

    /// Adds a row of unweighted synapses (nothing when `pres` is empty).
    fn push_row(&mut self, post: u32, pres: impl IntoIterator<Item = u32>) {
        let start = self.pres.len();
        self.pres.extend(pres);
        if self.pres.len() > start {
            self.posts.push(post);
            self.row_ptr.push(self.pres.len());
        }
    }

    /// Adds a row of weighted synapses (nothing when `syn` is empty).
    fn push_weighted_row(&mut self, post: u32, syn: Vec<(u32, f64)>) {
        if syn.is_empty() {
            return;
        }
        for (p, w) in syn {
            self.pres.push(p);
            self.weights.push(w);
        }
        self.posts.push(post);
        self.row_ptr.push(self.pres.len());
    }

    /// Sorts rows by post rank and synapses by pre rank; a post or a
    /// synapse appearing twice is an error.
    fn sort(mut self, name: &'static str) -> Result<Self> {
        if !self.posts.windows(2).all(|p| p[0] < p[1]) {
            let mut order: Vec<usize> = (0..self.posts.len()).collect();
            order.sort_by_key(|&k| self.posts[k]);
            if let Some(p) = order
                .windows(2)
                .find(|p| self.posts[p[0]] == self.posts[p[1]])
            {
                return Err(error(
                    name,
                    format!("post-synaptic rank {} appears twice", self.posts[p[0]]),
                ));
            }
            let mut sorted = Self::new(self.weighted);
            for k in order {
                let range = self.row_ptr[k]..self.row_ptr[k + 1];
                sorted.posts.push(self.posts[k]);
                sorted.pres.extend_from_slice(&self.pres[range.clone()]);
                if self.weighted {
                    sorted.weights.extend_from_slice(&self.weights[range]);
                }
                sorted.row_ptr.push(sorted.pres.len());
            }
            self = sorted;
        }
        for k in 0..self.posts.len() {
            let range = self.row_ptr[k]..self.row_ptr[k + 1];
            let row = &mut self.pres[range.clone()];
            if row.windows(2).all(|p| p[0] < p[1]) {
                continue;
            }
            if self.weighted {
                let w = &mut self.weights[range];
                let mut pairs: Vec<(u32, f64)> =
                    row.iter().copied().zip(w.iter().copied()).collect();
                pairs.sort_by_key(|s| s.0);
                for ((r, x), (pr, pw)) in row.iter_mut().zip(w.iter_mut()).zip(pairs) {
                    (*r, *x) = (pr, pw);
                }
            } else {
                row.sort_unstable();
            }
            if let Some(p) = row.windows(2).find(|p| p[0] == p[1]) {
                return Err(error(
                    name,
                    format!(
                        "the synapse from pre-synaptic rank {} to post-synaptic rank {} appears twice",
                        p[0], self.posts[k]
                    ),
                ));
            }
        }
        Ok(self)
    }
}

/// Sorts the pattern, then draws weights and delays in storage order.
fn finish<R: Rng + ?Sized>(
    name: &'static str,
    pattern: Pattern,
    weights: &Weights,
    delays: &DelaySpec,
    dt: f64,
    rng: &mut R,
) -> Result<Connectivity> {
    let pattern = pattern.sort(name)?;
    let n = pattern.pres.len();
    let weights = match weights {
        Weights::Given => pattern.weights,
        Weights::Value(Value::Const(w)) => vec![*w; n],
        Weights::Value(Value::Dist(d)) => d.sample_n(rng, n),
    };
    let delays = match delays {
        DelaySpec::Fixed(d) => d.clone(),
        DelaySpec::Dist(d) => Delays::PerSynapse(
            d.sample_n(rng, n)
                .into_iter()
                .map(|x| delay_steps(x, dt))
                .collect::<Result<_>>()
                .map_err(wrap(name))?,
        ),
    };
    Ok(Connectivity {
        post_ranks: pattern.posts,
        row_ptr: pattern.row_ptr,
        pre_ranks: pattern.pres,
        weights,
        delays,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn rng() -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(1234)
    }

    fn ranks(n: u32) -> Vec<u32> {
        (0..n).collect()
    }

    fn geo(dims: &[usize]) -> Geometry {
        Geometry::new(dims).unwrap()
    }

    /// The pre ranks of each row, as (post, [pre...]) pairs.
    fn rows(c: &Connectivity) -> Vec<(u32, Vec<u32>)> {
        (0..c.nb_dendrites())
            .map(|k| (c.post_ranks[k], c.pre_ranks[c.row(k)].to_vec()))
            .collect()
    }

    fn connector_of(err: &Error) -> &'static str {
        match err {
            Error::Connector { connector, .. } => connector,
            other => panic!("not a connector error: {other:?}"),
        }
    }

    #[test]
    fn one_to_one_pairs_positions() {
        let pre_r = [4, 1, 3];
        let post_r = [0, 2, 5, 6];
        let pre = Side::new(&pre_r, geo(&[5]));
        let post = Side::new(&post_r, geo(&[7]));
        let c = one_to_one(&pre, &post, 0.5, 2.0, 1.0, &mut rng()).unwrap();
        c.validate(5, 7).unwrap();
        assert_eq!(rows(&c), vec![(0, vec![4]), (2, vec![1]), (5, vec![3])]);
        assert_eq!(c.weights, vec![0.5; 3]);
        assert_eq!(c.delays, Delays::Uniform(2));
    }

    #[test]
    fn all_to_all_with_and_without_self() {
        let r = ranks(3);
        let side = Side::new(&r, geo(&[3]));
        let c = all_to_all(&side, &side, 1.0, 0.0, true, 0.1, &mut rng()).unwrap();
        assert_eq!(
            rows(&c),
            vec![(0, vec![1, 2]), (1, vec![0, 2]), (2, vec![0, 1])]
        );
        assert_eq!(c.delays, Delays::None);
        let c = all_to_all(&side, &side, 1.0, 0.0, false, 0.1, &mut rng()).unwrap();
        assert_eq!(c.nb_synapses(), 9);
        // A view in arbitrary order: rows and synapses come out sorted.
        let view = [2, 0];
        let v = Side::new(&view, geo(&[3]));
        let c = all_to_all(&v, &v, 2.0, 0.0, true, 0.1, &mut rng()).unwrap();
        assert_eq!(rows(&c), vec![(0, vec![2]), (2, vec![0])]);
    }

    #[test]
    fn weights_and_delays_from_distributions() {
        let r = ranks(4);
        let side = Side::new(&r, geo(&[4]));
        let w = RandomDistribution::uniform(0.0, 1.0);
        let d = RandomDistribution::uniform(0.0, 2.0);
        let c = all_to_all(&side, &side, w.clone(), d.clone(), false, 0.5, &mut rng()).unwrap();
        c.validate(4, 4).unwrap();
        // Weights first, then delays, each in storage order.
        let mut r2 = rng();
        assert_eq!(c.weights, w.sample_n(&mut r2, 16));
        let expected: Vec<u32> = RandomDistribution::uniform(0.5, 2.0)
            .sample_n(&mut r2, 16)
            .into_iter()
            .map(|x| delay_steps(x, 0.5).unwrap())
            .collect();
        assert_eq!(c.delays, Delays::PerSynapse(expected.clone()));
        assert!(expected.iter().all(|&s| (1..=4).contains(&s)));

        // Normal delays are clipped at dt from below and need a max.
        let normal = RandomDistribution::normal(0.0, 1.0);
        let err =
            all_to_all(&side, &side, 1.0, normal.clone(), false, 0.1, &mut rng()).unwrap_err();
        assert!(err.to_string().contains("max argument"), "{err}");
        let c = all_to_all(
            &side,
            &side,
            1.0,
            normal.with_max(0.5),
            false,
            0.1,
            &mut rng(),
        )
        .unwrap();
        let Delays::PerSynapse(steps) = &c.delays else {
            panic!("{:?}", c.delays)
        };
        assert!(steps.iter().all(|&s| (1..=5).contains(&s)));
        assert!(steps.contains(&1));
        // A delay distribution entirely below dt is an error.
        let err = all_to_all(
            &side,
            &side,
            1.0,
            RandomDistribution::uniform(0.0, 0.05),
            false,
            0.1,
            &mut rng(),
        );
        assert!(err.is_err());
        // Invalid weight distribution.
        let err = all_to_all(
            &side,
            &side,
            RandomDistribution::normal(0.0, -1.0),
            0.0,
            false,
            0.1,
            &mut rng(),
        )
        .unwrap_err();
        assert_eq!(connector_of(&err), "connect_all_to_all");
    }

    #[test]
    fn constant_delays_round_half_to_even() {
        let r = ranks(2);
        let side = Side::new(&r, geo(&[2]));
        let c = one_to_one(&side, &side, 1.0, 2.5, 1.0, &mut rng()).unwrap();
        assert_eq!(c.delays, Delays::Uniform(2));
        let c = one_to_one(&side, &side, 1.0, 0.15, 0.1, &mut rng()).unwrap();
        assert_eq!(c.delays, Delays::Uniform(1));
        let c = one_to_one(&side, &side, 1.0, 0.04, 0.1, &mut rng()).unwrap();
        assert_eq!(c.delays, Delays::None);
        let err = one_to_one(&side, &side, 1.0, -1.0, 0.1, &mut rng()).unwrap_err();
        assert_eq!(connector_of(&err), "connect_one_to_one");
        assert!(one_to_one(&side, &side, 1.0, 1.0, 0.0, &mut rng()).is_err());
    }

    #[test]
    fn gaussian_1d() {
        let r = ranks(5);
        let side = Side::new(&r, geo(&[5]));
        // Coordinates 0, .25, .5, .75, 1; sigma 0.25: w(d) = exp(-d²/0.125).
        let c = gaussian(&side, &side, 1.0, 0.25, 0.0, 0.1, true, 0.1, &mut rng()).unwrap();
        c.validate(5, 5).unwrap();
        // exp(-0.0625/0.125) = 0.607 > 0.1, exp(-0.25/0.125) = 0.135 > 0.1,
        // exp(-0.5625/0.125) = 0.011 < 0.1.
        assert_eq!(
            rows(&c),
            vec![
                (0, vec![1, 2]),
                (1, vec![0, 2, 3]),
                (2, vec![0, 1, 3, 4]),
                (3, vec![1, 2, 4]),
                (4, vec![2, 3]),
            ]
        );
        let k = c.synapse_index(0, 1).unwrap();
        assert!((c.weights[k] - (-0.5f64).exp()).abs() < 1e-15);
        let k = c.synapse_index(2, 4).unwrap();
        assert!((c.weights[k] - (-2.0f64).exp()).abs() < 1e-15);
        // Self-connections kept when allowed, with weight amp.
        let c = gaussian(&side, &side, 2.0, 0.25, 0.0, 0.1, false, 0.1, &mut rng()).unwrap();
        assert_eq!(c.weights[c.synapse_index(3, 3).unwrap()], 2.0);
    }

    #[test]
    fn gaussian_2d_different_geometries() {
        let (a, b) = (ranks(9), ranks(4));
        let pre = Side::new(&a, geo(&[3, 3]));
        let post = Side::new(&b, geo(&[2, 2]));
        // Post (0, 0) is at (0, 0); pre (0, 0) at distance 0, pre (0, 1) at
        // (0, 0.5): d² = 0.25; pre (1, 1) d² = 0.5. sigma = 0.5: w = exp(-2 d²).
        let c = gaussian(&pre, &post, 1.0, 0.5, 0.0, 0.5, false, 0.1, &mut rng()).unwrap();
        c.validate(9, 4).unwrap();
        // exp(-0.5) = 0.61 > 0.5, exp(-1) = 0.37 < 0.5.
        assert_eq!(rows(&c)[0], (0, vec![0, 1, 3]));
        assert_eq!(c.nb_dendrites(), 4);
        // Post (1, 1) is at (1, 1): pre (2, 2) = rank 8, (1, 2) = 5, (2, 1) = 7.
        assert_eq!(rows(&c)[3], (3, vec![5, 7, 8]));
    }

    #[test]
    fn gaussian_errors() {
        let (a, b) = (ranks(9), ranks(3));
        let pre = Side::new(&a, geo(&[3, 3]));
        let post = Side::new(&b, geo(&[3]));
        let err = gaussian(&pre, &post, 1.0, 0.5, 0.0, 0.01, false, 0.1, &mut rng()).unwrap_err();
        assert_eq!(connector_of(&err), "connect_gaussian");
        let view = [0, 1];
        let v = Side::new(&view, geo(&[3]));
        assert!(gaussian(&v, &post, 1.0, 0.5, 0.0, 0.01, false, 0.1, &mut rng()).is_err());
        assert!(gaussian(&post, &post, 1.0, 0.0, 0.0, 0.01, false, 0.1, &mut rng()).is_err());
        assert!(gaussian(&post, &post, 1.0, -1.0, 0.0, 0.01, false, 0.1, &mut rng()).is_err());
        assert!(
            gaussian(
                &post,
                &post,
                f64::NAN,
                1.0,
                0.0,
                0.01,
                false,
                0.1,
                &mut rng()
            )
            .is_err()
        );
        assert!(
            dog(
                &post,
                &post,
                1.0,
                0.1,
                0.5,
                0.0,
                0.0,
                0.01,
                false,
                0.1,
                &mut rng()
            )
            .is_err()
        );
    }

    #[test]
    fn dog_1d() {
        let r = ranks(5);
        let side = Side::new(&r, geo(&[5]));
        let (ap, sp, an, sn) = (1.0, 0.25, 0.5, 0.5);
        let c = dog(
            &side,
            &side,
            ap,
            sp,
            an,
            sn,
            0.0,
            0.1,
            false,
            0.1,
            &mut rng(),
        )
        .unwrap();
        c.validate(5, 5).unwrap();
        let w =
            |d: f64| ap * (-d * d / (2.0 * sp * sp)).exp() - an * (-d * d / (2.0 * sn * sn)).exp();
        for post in 0..5u32 {
            for pre in 0..5u32 {
                let d = (f64::from(post) - f64::from(pre)) / 4.0;
                let expected = w(d);
                match c.synapse_index(post, pre) {
                    Some(k) => {
                        assert!(expected.abs() > 0.1 * 0.5);
                        assert!((c.weights[k] - expected).abs() < 1e-15);
                    }
                    None => assert!(expected.abs() <= 0.1 * 0.5, "{post} {pre} {expected}"),
                }
            }
        }
        // Negative weights exist: the surround is inhibitory.
        assert!(c.weights.iter().any(|&x| x < 0.0));
    }

    #[test]
    fn fixed_probability_extremes_and_self() {
        let r = ranks(5);
        let side = Side::new(&r, geo(&[5]));
        let c = fixed_probability(&side, &side, 1.0, 1.0, 0.0, true, 0.1, &mut rng()).unwrap();
        assert_eq!(c.nb_synapses(), 20);
        assert!(c.synapse_index(2, 2).is_none());
        let c = fixed_probability(&side, &side, 0.0, 1.0, 0.0, false, 0.1, &mut rng()).unwrap();
        assert_eq!((c.nb_synapses(), c.nb_dendrites()), (0, 0));
        c.validate(5, 5).unwrap();
        for p in [-0.1, 1.1, f64::NAN] {
            let err =
                fixed_probability(&side, &side, p, 1.0, 0.0, false, 0.1, &mut rng()).unwrap_err();
            assert_eq!(connector_of(&err), "connect_fixed_probability");
        }
    }

    #[test]
    fn fixed_probability_draws_one_value_per_pair() {
        let (a, b) = (ranks(6), ranks(4));
        let pre = Side::new(&a, geo(&[6]));
        let post = Side::new(&b, geo(&[4]));
        let c = fixed_probability(&pre, &post, 0.4, 1.0, 0.0, true, 0.1, &mut rng()).unwrap();
        c.validate(6, 4).unwrap();
        let mut r = rng();
        let mut expected = Vec::new();
        for p in 0..4u32 {
            let row: Vec<u32> = (0..6u32)
                .filter(|&q| {
                    let draw: f64 = r.random();
                    draw < 0.4 && q != p
                })
                .collect();
            if !row.is_empty() {
                expected.push((p, row));
            }
        }
        assert_eq!(rows(&c), expected);
        // Statistics on a larger network.
        let big = ranks(200);
        let s = Side::new(&big, geo(&[200]));
        let c = fixed_probability(&s, &s, 0.1, 1.0, 0.0, false, 0.1, &mut rng()).unwrap();
        let expected = 0.1 * 200.0 * 200.0;
        assert!((c.nb_synapses() as f64 - expected).abs() < 0.05 * expected);
    }

    #[test]
    fn fixed_number_pre_counts_and_self_exclusion() {
        let r = ranks(6);
        let side = Side::new(&r, geo(&[6]));
        let c = fixed_number_pre(&side, &side, 5, 0.5, 0.0, true, 0.1, &mut rng()).unwrap();
        c.validate(6, 6).unwrap();
        for (post, pres) in rows(&c) {
            let mut expected: Vec<u32> = (0..6).filter(|&q| q != post).collect();
            expected.sort_unstable();
            assert_eq!(pres, expected);
        }
        let c = fixed_number_pre(&side, &side, 3, 0.5, 0.0, true, 0.1, &mut rng()).unwrap();
        c.validate(6, 6).unwrap();
        assert_eq!(c.nb_dendrites(), 6);
        for (post, pres) in rows(&c) {
            assert_eq!(pres.len(), 3);
            assert!(!pres.contains(&post));
        }
        // number == pre size: impossible without self, fine with.
        let err = fixed_number_pre(&side, &side, 6, 0.5, 0.0, true, 0.1, &mut rng()).unwrap_err();
        assert_eq!(connector_of(&err), "connect_fixed_number_pre");
        let c = fixed_number_pre(&side, &side, 6, 0.5, 0.0, false, 0.1, &mut rng()).unwrap();
        assert_eq!(c.nb_synapses(), 36);
        assert!(fixed_number_pre(&side, &side, 7, 0.5, 0.0, false, 0.1, &mut rng()).is_err());
        let c = fixed_number_pre(&side, &side, 0, 0.5, 0.0, false, 0.1, &mut rng()).unwrap();
        assert_eq!(c.nb_synapses(), 0);
        // Each pre neuron is chosen about equally often.
        let (a, b) = (ranks(10), ranks(2000));
        let (pre, post) = (Side::new(&a, geo(&[10])), Side::new(&b, geo(&[2000])));
        let c = fixed_number_pre(&pre, &post, 2, 1.0, 0.0, true, 0.1, &mut rng()).unwrap();
        for n in c.nb_efferent_synapses(10) {
            assert!((n as f64 - 400.0).abs() < 80.0, "{n}");
        }
    }

    #[test]
    fn fixed_number_post_counts() {
        let (a, b) = (ranks(4), ranks(6));
        let pre = Side::new(&a, geo(&[4]));
        let post = Side::new(&b, geo(&[6]));
        let c = fixed_number_post(&pre, &post, 3, 1.0, 0.0, true, 0.1, &mut rng()).unwrap();
        c.validate(4, 6).unwrap();
        assert_eq!(c.nb_efferent_synapses(4), vec![3; 4]);
        for p in 0..4u32 {
            assert!(c.synapse_index(p, p).is_none());
        }
        let c = fixed_number_post(&pre, &post, 6, 1.0, 0.0, true, 0.1, &mut rng()).unwrap();
        assert_eq!(c.nb_efferent_synapses(4), vec![5; 4]);
        let c = fixed_number_post(&pre, &post, 6, 1.0, 0.0, false, 0.1, &mut rng()).unwrap();
        assert_eq!(c.nb_synapses(), 24);
        let err = fixed_number_post(&pre, &post, 7, 1.0, 0.0, false, 0.1, &mut rng()).unwrap_err();
        assert_eq!(connector_of(&err), "connect_fixed_number_post");
    }

    #[test]
    fn random_connectors_are_deterministic() {
        let r = ranks(30);
        let s = Side::new(&r, geo(&[5, 6]));
        let w = RandomDistribution::normal(1.0, 0.1);
        let d = RandomDistribution::uniform(0.1, 3.0);
        let build = |seed: u64| {
            let mut g = ChaCha8Rng::seed_from_u64(seed);
            (
                fixed_probability(&s, &s, 0.3, w.clone(), d.clone(), true, 0.1, &mut g).unwrap(),
                fixed_number_pre(&s, &s, 4, w.clone(), d.clone(), true, 0.1, &mut g).unwrap(),
                fixed_number_post(&s, &s, 4, w.clone(), d.clone(), true, 0.1, &mut g).unwrap(),
            )
        };
        assert_eq!(build(3), build(3));
        assert_ne!(build(3), build(4));
    }

    #[test]
    fn sides_are_checked() {
        let bad = [0, 5];
        let ok = ranks(3);
        let s_bad = Side::new(&bad, geo(&[3]));
        let s_ok = Side::new(&ok, geo(&[3]));
        let err = all_to_all(&s_bad, &s_ok, 1.0, 0.0, false, 0.1, &mut rng()).unwrap_err();
        assert!(err.to_string().contains("out of range"), "{err}");
        let twice = [1, 1];
        let s_twice = Side::new(&twice, geo(&[3]));
        assert!(one_to_one(&s_ok, &s_twice, 1.0, 0.0, 0.1, &mut rng()).is_err());
        let mismatch = Side {
            ranks: &ok,
            geometry: geo(&[3]),
            population_size: 4,
        };
        assert!(one_to_one(&mismatch, &s_ok, 1.0, 0.0, 0.1, &mut rng()).is_err());
    }

    #[test]
    fn from_matrix_shapes_and_delays() {
        let (a, b) = (ranks(3), [1u32, 0]);
        let pre = Side::new(&a, geo(&[3]));
        let post = Side::new(&b, geo(&[2]));
        let w = vec![
            vec![Some(0.1), None, Some(0.3)],
            vec![None, Some(0.5), None],
        ];
        let c = from_matrix(&pre, &post, &w, None, 2.0, 1.0).unwrap();
        c.validate(3, 2).unwrap();
        // Row 0 of the matrix is post rank 1, row 1 is post rank 0.
        assert_eq!(rows(&c), vec![(0, vec![1]), (1, vec![0, 2])]);
        assert_eq!(c.weights, vec![0.5, 0.1, 0.3]);
        assert_eq!(c.delays, Delays::Uniform(2));

        let d = vec![
            vec![Some(1.0), None, Some(3.0)],
            vec![None, Some(2.0), None],
        ];
        let c = from_matrix(&pre, &post, &w, Some(&d), 0.0, 1.0).unwrap();
        assert_eq!(c.delays, Delays::PerSynapse(vec![2, 1, 3]));
        let same = vec![
            vec![Some(1.0), None, Some(1.0)],
            vec![None, Some(1.0), None],
        ];
        // Delays of one step are no delay (a value always arrives the next step).
        let c = from_matrix(&pre, &post, &w, Some(&same), 0.0, 1.0).unwrap();
        assert_eq!(c.delays, Delays::None);

        let missing = vec![vec![Some(1.0), None, None], vec![None, Some(2.0), None]];
        assert!(from_matrix(&pre, &post, &w, Some(&missing), 0.0, 1.0).is_err());
        let short = vec![vec![Some(0.1), None], vec![None, Some(0.5)]];
        let err = from_matrix(&pre, &post, &short, None, 0.0, 1.0).unwrap_err();
        assert_eq!(connector_of(&err), "connect_from_matrix");
        assert!(from_matrix(&pre, &post, &w[..1], None, 0.0, 1.0).is_err());
        assert!(from_matrix(&pre, &post, &w, Some(&short), 0.0, 1.0).is_err());
    }

    #[test]
    fn from_sparse_and_from_list() {
        let (a, b) = (ranks(3), ranks(3));
        let pre = Side::new(&a, geo(&[3]));
        let post = Side::new(&b, geo(&[3]));
        let c = from_sparse(
            &pre,
            &post,
            &[(2, 0, 0.2), (0, 0, 0.1), (1, 2, 0.3)],
            1.5,
            1.0,
        )
        .unwrap();
        assert_eq!(rows(&c), vec![(0, vec![0, 2]), (2, vec![1])]);
        assert_eq!(c.weights, vec![0.1, 0.2, 0.3]);
        assert_eq!(c.delays, Delays::Uniform(2));
        let err = from_sparse(&pre, &post, &[(0, 0, 0.1), (0, 0, 0.2)], 0.0, 1.0).unwrap_err();
        assert_eq!(connector_of(&err), "connect_from_sparse");
        assert!(from_sparse(&pre, &post, &[(3, 0, 0.1)], 0.0, 1.0).is_err());

        let c = from_list(&pre, &post, &[(1, 2, 0.5, 1.0), (1, 0, 0.4, 1.0)], 0.5).unwrap();
        assert_eq!(rows(&c), vec![(1, vec![0, 2])]);
        assert_eq!(c.weights, vec![0.4, 0.5]);
        assert_eq!(c.delays, Delays::Uniform(2));
        let c = from_list(&pre, &post, &[(1, 2, 0.5, 1.0), (0, 0, 0.4, 2.0)], 0.5).unwrap();
        assert_eq!(c.delays, Delays::PerSynapse(vec![4, 2]));
        assert!(from_list(&pre, &post, &[(0, 0, 1.0, 0.0), (0, 0, 1.0, 0.0)], 0.5).is_err());
        assert!(from_list(&pre, &post, &[(0, 9, 1.0, 0.0)], 0.5).is_err());
        assert!(from_list(&pre, &post, &[(0, 0, 1.0, -1.0)], 0.5).is_err());
    }

    #[test]
    fn with_func_builds_and_checks() {
        let r = ranks(4);
        let side = Side::new(&r, geo(&[4]));
        // A diagonal band: post i <- pre i-1, i, i+1.
        let band = |pre: &Side, post: &Side| -> Result<LilBuilder> {
            let mut lil = LilBuilder::new();
            for &p in post.ranks {
                let pres: Vec<u32> = pre
                    .ranks
                    .iter()
                    .copied()
                    .filter(|&q| q.abs_diff(p) <= 1)
                    .collect();
                lil.add(p, &pres, &[1.0], &[0.0])?;
            }
            Ok(lil)
        };
        let c = with_func(&side, &side, band, 0.1).unwrap();
        assert_eq!(c.nb_synapses(), 10);
        assert_eq!(rows(&c)[1], (1, vec![0, 1, 2]));

        let user_error = |_: &Side, _: &Side| -> Result<LilBuilder> {
            Err(Error::Invalid {
                object: "user".into(),
                reason: "nope".into(),
            })
        };
        assert!(matches!(
            with_func(&side, &side, user_error, 0.1),
            Err(Error::Invalid { .. })
        ));
        let out_of_range = |_: &Side, _: &Side| -> Result<LilBuilder> {
            let mut lil = LilBuilder::new();
            lil.add(0, &[4], &[1.0], &[])?;
            Ok(lil)
        };
        let err = with_func(&side, &side, out_of_range, 0.1).unwrap_err();
        assert_eq!(connector_of(&err), "connect_with_func");
    }
}
