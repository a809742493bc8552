//! Connectivity of a projection: which pre-synaptic neuron reaches which
//! post-synaptic neuron, with which weight and delay.
//!
//! [`Connectivity`] stores synapses by post-synaptic neuron in compressed rows
//! (ANNarchy's "dendrites"), as rate-coded sums and post-side plasticity read
//! them; [`PreIndex`] is the pre-synaptic view used to propagate spikes.
//! [`LilBuilder`] is ANNarchy's `LILConnectivity`, the list-of-lists object a
//! connector fills before it is compressed.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::error::{Error, Result};

/// Synaptic delays of a projection, in steps (`round(delay_ms / dt)`, ties to
/// even).
#[derive(Clone, Debug, PartialEq)]
pub enum Delays {
    /// No delay: spikes and rates are transmitted in the next step.
    None,
    /// The same delay, in steps, for every synapse.
    Uniform(u32),
    /// One delay per synapse, in steps, parallel to
    /// [`Connectivity::pre_ranks`].
    PerSynapse(Vec<u32>),
}

/// Connectivity of one projection, stored by post-synaptic neuron in
/// compressed rows.
///
/// Invariants (checked by [`validate`](Self::validate)):
///
/// * `post_ranks` are ranks in the post-synaptic *population*, strictly
///   ascending; post neurons without synapses are absent;
/// * `row_ptr` has `post_ranks.len() + 1` entries, starts at 0, ends at the
///   number of synapses, and row `k` (the synapses of `post_ranks[k]`) is
///   `row_ptr[k]..row_ptr[k + 1]`, never empty;
/// * `pre_ranks` are ranks in the pre-synaptic *population*, strictly
///   ascending within a row;
/// * `weights` and a [`Delays::PerSynapse`] vector are parallel to
///   `pre_ranks`.
#[derive(Clone, Debug, PartialEq)]
pub struct Connectivity {
    /// Post-synaptic population ranks with at least one synapse, ascending.
    pub post_ranks: Vec<u32>,
    /// Row boundaries: row `k` is `row_ptr[k]..row_ptr[k + 1]`.
    pub row_ptr: Vec<usize>,
    /// Pre-synaptic population rank of each synapse, ascending within a row.
    pub pre_ranks: Vec<u32>,
    /// Weight of each synapse, parallel to `pre_ranks`: the initial weights
    /// given by a connector. A projection moves them into its synapse
    /// model's state when it is created (this vector is then empty; the
    /// weights are read with `Network::proj_get(proj, "w")`).
    pub weights: Vec<f64>,
    /// Delays, in steps.
    pub delays: Delays,
}

/// For each pre-synaptic rank, the indices of its outgoing synapses.
///
/// The synapses of pre rank `p` are `synapses[row_ptr[p]..row_ptr[p + 1]]`,
/// in post-major order (ascending post row, then storage order), which is the
/// order in which ANNarchy delivers a spike of `p`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreIndex {
    /// Boundaries, one entry per pre rank plus one.
    pub row_ptr: Vec<usize>,
    /// Synapse indices (into [`Connectivity::pre_ranks`]).
    pub synapses: Vec<u32>,
}

impl PreIndex {
    /// The synapse indices of the outgoing synapses of `pre_rank`, or an
    /// empty slice when the rank is out of range.
    pub fn synapses_of(&self, pre_rank: usize) -> &[u32] {
        match (self.row_ptr.get(pre_rank), self.row_ptr.get(pre_rank + 1)) {
            (Some(&a), Some(&b)) => self.synapses.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// Converts a delay in milliseconds to steps: `round(delay_ms / dt)`, the
/// division done in `f64`, ties rounded to even (as Python's `round`).
///
/// # Errors
///
/// [`Error::Invalid`] when the delay is negative or not finite, when `dt` is
/// not a positive finite number, or when the number of steps does not fit in
/// a `u32`.
pub fn delay_steps(delay_ms: f64, dt: f64) -> Result<u32> {
    let invalid = |reason: String| Error::Invalid {
        object: "delay".to_string(),
        reason,
    };
    if !(dt.is_finite() && dt > 0.0) {
        return Err(invalid(format!(
            "the time step dt must be positive and finite, got {dt}"
        )));
    }
    if !delay_ms.is_finite() || delay_ms < 0.0 {
        return Err(invalid(format!(
            "a delay must be positive or zero and finite, got {delay_ms} ms"
        )));
    }
    let steps = (delay_ms / dt).round_ties_even();
    if steps > f64::from(u32::MAX) {
        return Err(invalid(format!(
            "a delay of {delay_ms} ms is too long ({steps} steps of {dt} ms)"
        )));
    }
    Ok(steps as u32)
}

impl Connectivity {
    /// A connectivity without any synapse.
    pub fn empty() -> Self {
        Self {
            post_ranks: Vec::new(),
            row_ptr: vec![0],
            pre_ranks: Vec::new(),
            weights: Vec::new(),
            delays: Delays::None,
        }
    }

    /// The number of synapses.
    pub fn nb_synapses(&self) -> usize {
        self.pre_ranks.len()
    }

    /// Moves a large array of pre-synaptic ranks into huge pages
    /// ([`crate::memory`]): connectors build it by pushing.
    pub(crate) fn rehouse(&mut self) {
        crate::memory::rehouse(&mut self.pre_ranks);
    }

    /// The number of post-synaptic neurons with synapses (ANNarchy's
    /// `proj.size`).
    pub fn nb_dendrites(&self) -> usize {
        self.post_ranks.len()
    }

    /// The synapse indices of row (dendrite) `k`.
    ///
    /// # Panics
    ///
    /// When `k >= nb_dendrites()`, as slice indexing does.
    pub fn row(&self, k: usize) -> Range<usize> {
        self.row_ptr[k]..self.row_ptr[k + 1]
    }

    /// The row of the post-synaptic neuron of population rank `post_rank`,
    /// `None` when it has no synapse.
    pub fn dendrite_index(&self, post_rank: u32) -> Option<usize> {
        self.post_ranks.binary_search(&post_rank).ok()
    }

    /// The index of the synapse from `pre_rank` to `post_rank`, if it exists.
    pub fn synapse_index(&self, post_rank: u32, pre_rank: u32) -> Option<usize> {
        let k = self.dendrite_index(post_rank)?;
        let (start, end) = (*self.row_ptr.get(k)?, *self.row_ptr.get(k + 1)?);
        let row = self.pre_ranks.get(start..end)?;
        row.binary_search(&pre_rank).ok().map(|i| start + i)
    }

    /// The delay, in steps, of synapse `s` (0 without delays).
    pub fn synapse_delay(&self, s: usize) -> u32 {
        match &self.delays {
            Delays::None => 0,
            Delays::Uniform(d) => *d,
            Delays::PerSynapse(d) => d.get(s).copied().unwrap_or(0),
        }
    }

    /// The longest delay, in steps (0 without delays).
    pub fn max_delay(&self) -> u32 {
        match &self.delays {
            Delays::None => 0,
            Delays::Uniform(d) => *d,
            Delays::PerSynapse(d) => d.iter().copied().max().unwrap_or(0),
        }
    }

    /// The number of outgoing synapses of each pre-synaptic rank
    /// `0..pre_size` (ANNarchy's `nb_efferent_synapses()`).
    ///
    /// Synapses whose pre rank is `>= pre_size` are not counted
    /// (see [`validate`](Self::validate)).
    pub fn nb_efferent_synapses(&self, pre_size: usize) -> Vec<usize> {
        let mut counts = vec![0; pre_size];
        for &p in &self.pre_ranks {
            if let Some(c) = counts.get_mut(p as usize) {
                *c += 1;
            }
        }
        counts
    }

    /// The outgoing synapses of each pre-synaptic rank `0..pre_size`, in
    /// post-major order.
    ///
    /// Synapses whose pre rank is `>= pre_size` are left out (see
    /// [`validate`](Self::validate)).
    pub fn pre_index(&self, pre_size: usize) -> PreIndex {
        let counts = self.nb_efferent_synapses(pre_size);
        let mut row_ptr = Vec::with_capacity(pre_size + 1);
        row_ptr.push(0);
        let mut total = 0;
        for c in &counts {
            total += c;
            row_ptr.push(total);
        }
        let mut next = row_ptr.clone();
        let mut synapses = vec![0u32; total];
        // Storage order is post-major, so a stable bucket sort keeps it.
        for (s, &p) in self.pre_ranks.iter().enumerate() {
            let p = p as usize;
            if p < pre_size {
                synapses[next[p]] = s as u32;
                next[p] += 1;
            }
        }
        PreIndex { row_ptr, synapses }
    }

    /// Checks every invariant listed on [`Connectivity`] for a projection
    /// from a population of `pre_size` neurons to one of `post_size`.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] for a rank outside its population,
    /// [`Error::Invalid`] for any other broken invariant.
    pub fn validate(&self, pre_size: usize, post_size: usize) -> Result<()> {
        let invalid = |reason: String| Error::Invalid {
            object: "connectivity".to_string(),
            reason,
        };
        let n = self.pre_ranks.len();
        if self.row_ptr.len() != self.post_ranks.len() + 1 {
            return Err(invalid(format!(
                "row_ptr has {} entries for {} post-synaptic neurons (expected {})",
                self.row_ptr.len(),
                self.post_ranks.len(),
                self.post_ranks.len() + 1
            )));
        }
        if self.row_ptr.first() != Some(&0) || self.row_ptr.last() != Some(&n) {
            return Err(invalid(format!(
                "row_ptr must start at 0 and end at the number of synapses ({n})"
            )));
        }
        if let Some(k) = self.row_ptr.windows(2).position(|p| p[0] >= p[1]) {
            return Err(invalid(format!(
                "the row of post-synaptic rank {} is empty (or row_ptr decreases)",
                self.post_ranks[k]
            )));
        }
        if self.weights.len() != n {
            return Err(invalid(format!(
                "{} weights for {n} synapses",
                self.weights.len()
            )));
        }
        if let Delays::PerSynapse(d) = &self.delays
            && d.len() != n
        {
            return Err(invalid(format!("{} delays for {n} synapses", d.len())));
        }
        if (n as u64) > u64::from(u32::MAX) {
            return Err(invalid(format!("too many synapses ({n})")));
        }
        for (k, &post) in self.post_ranks.iter().enumerate() {
            if post as usize >= post_size {
                return Err(Error::OutOfRange {
                    object: "connectivity".to_string(),
                    what: format!("post-synaptic rank {post} (post size {post_size})"),
                });
            }
            if k > 0 && self.post_ranks[k - 1] >= post {
                return Err(invalid(format!(
                    "post-synaptic ranks must be strictly ascending ({} then {post})",
                    self.post_ranks[k - 1]
                )));
            }
            let row = &self.pre_ranks[self.row_ptr[k]..self.row_ptr[k + 1]];
            for (i, &pre) in row.iter().enumerate() {
                if pre as usize >= pre_size {
                    return Err(Error::OutOfRange {
                        object: "connectivity".to_string(),
                        what: format!(
                            "pre-synaptic rank {pre} of post-synaptic rank {post} (pre size {pre_size})"
                        ),
                    });
                }
                if i > 0 && row[i - 1] >= pre {
                    return Err(invalid(format!(
                        "pre-synaptic ranks of post-synaptic rank {post} must be strictly ascending ({} then {pre})",
                        row[i - 1]
                    )));
                }
            }
        }
        Ok(())
    }
}

/// One synapse of a [`LilBuilder`] row: pre rank, weight, delay in ms.
type LilSynapse = (u32, f64, f64);

/// A list-of-lists connectivity under construction (ANNarchy's
/// `LILConnectivity`), filled by connectors and by user functions of
/// `connect_with_func`.
///
/// Rows may be added in any order and the same post-synaptic neuron may be
/// added several times (its rows are merged); [`build`](Self::build) sorts
/// everything and rejects a synapse declared twice.
///
/// Delays become [`Delays::Uniform`] (or [`Delays::None`] when 0) when every
/// call to [`add`](Self::add) gave zero or one delay and they all round to the
/// same number of steps, [`Delays::PerSynapse`] otherwise, as in ANNarchy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LilBuilder {
    rows: BTreeMap<u32, Vec<LilSynapse>>,
    per_synapse_delays: bool,
    nb_synapses: usize,
}

impl LilBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the synapses from `pre_ranks` to `post_rank` (population ranks).
    ///
    /// `weights` holds one value per synapse, or a single value for all;
    /// `delays` (in ms) likewise, or is empty for no delay. An empty
    /// `pre_ranks` adds nothing.
    ///
    /// # Errors
    ///
    /// [`Error::SizeMismatch`] when `weights` or `delays` has neither one
    /// value nor one per synapse (an empty `delays` is accepted).
    pub fn add(
        &mut self,
        post_rank: u32,
        pre_ranks: &[u32],
        weights: &[f64],
        delays: &[f64],
    ) -> Result<()> {
        let n = pre_ranks.len();
        let mismatch = |attribute: &str, got: usize| Error::SizeMismatch {
            object: format!("LIL connectivity (post-synaptic rank {post_rank})"),
            attribute: attribute.to_string(),
            expected: n,
            got,
        };
        if weights.len() != n && weights.len() != 1 {
            return Err(mismatch("weights", weights.len()));
        }
        if delays.len() > 1 && delays.len() != n {
            return Err(mismatch("delays", delays.len()));
        }
        if n == 0 {
            return Ok(());
        }
        if delays.len() > 1 {
            self.per_synapse_delays = true;
        }
        let row = self.rows.entry(post_rank).or_default();
        row.reserve(n);
        for (i, &pre) in pre_ranks.iter().enumerate() {
            let w = if weights.len() == 1 {
                weights[0]
            } else {
                weights[i]
            };
            let d = match delays.len() {
                0 => 0.0,
                1 => delays[0],
                _ => delays[i],
            };
            row.push((pre, w, d));
        }
        self.nb_synapses += n;
        Ok(())
    }

    /// The number of synapses added so far.
    pub fn nb_synapses(&self) -> usize {
        self.nb_synapses
    }

    /// Whether no synapse was added.
    pub fn is_empty(&self) -> bool {
        self.nb_synapses == 0
    }

    /// Compresses the rows: posts ascending, pre ranks ascending within a
    /// row, delays converted to steps of `dt` ms with [`delay_steps`].
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the same synapse was added twice, or when a
    /// delay is negative or not finite (or `dt` is not positive).
    pub fn build(self, dt: f64) -> Result<Connectivity> {
        let n = self.nb_synapses;
        let mut post_ranks = Vec::with_capacity(self.rows.len());
        let mut row_ptr = Vec::with_capacity(self.rows.len() + 1);
        row_ptr.push(0);
        let mut pre_ranks = Vec::with_capacity(n);
        let mut weights = Vec::with_capacity(n);
        let mut steps = Vec::with_capacity(n);
        for (post, mut row) in self.rows {
            row.sort_by_key(|s| s.0);
            if let Some(pair) = row.windows(2).find(|p| p[0].0 == p[1].0) {
                return Err(Error::Invalid {
                    object: "LIL connectivity".to_string(),
                    reason: format!(
                        "the same synapse (pre-synaptic rank {}, post-synaptic rank {post}) has been declared multiple times",
                        pair[0].0
                    ),
                });
            }
            post_ranks.push(post);
            for (pre, w, d) in row {
                pre_ranks.push(pre);
                weights.push(w);
                steps.push(delay_steps(d, dt)?);
            }
            row_ptr.push(pre_ranks.len());
        }
        // Delays of at most one step are no delay at all, however they were given.
        let none = steps.iter().all(|&d| d <= 1);
        let uniform = none || (!self.per_synapse_delays && steps.windows(2).all(|p| p[0] == p[1]));
        let delays = match steps.first() {
            _ if none => Delays::None,
            _ if !uniform => Delays::PerSynapse(steps),
            None | Some(0) => Delays::None,
            Some(&d) => Delays::Uniform(d),
        };
        Ok(Connectivity {
            post_ranks,
            row_ptr,
            pre_ranks,
            weights,
            delays,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// post 1 <- pre {0, 2}, post 3 <- pre {1}.
    fn small() -> Connectivity {
        Connectivity {
            post_ranks: vec![1, 3],
            row_ptr: vec![0, 2, 3],
            pre_ranks: vec![0, 2, 1],
            weights: vec![0.1, 0.2, 0.3],
            delays: Delays::PerSynapse(vec![1, 4, 2]),
        }
    }

    #[test]
    fn delay_rounding() {
        assert_eq!(delay_steps(0.0, 0.1).unwrap(), 0);
        assert_eq!(delay_steps(2.5, 1.0).unwrap(), 2); // ties to even
        assert_eq!(delay_steps(3.5, 1.0).unwrap(), 4);
        assert_eq!(delay_steps(1.0, 0.1).unwrap(), 10);
        // 0.15 / 0.1 = 1.4999999999999998 in f64: 1 step.
        assert_eq!(delay_steps(0.15, 0.1).unwrap(), 1);
        assert_eq!(delay_steps(0.25, 0.1).unwrap(), 2);
        for (d, dt) in [
            (-1.0, 0.1),
            (f64::NAN, 0.1),
            (f64::INFINITY, 0.1),
            (1.0, 0.0),
            (1.0, -0.1),
        ] {
            assert!(
                matches!(delay_steps(d, dt), Err(Error::Invalid { .. })),
                "{d} {dt}"
            );
        }
        assert!(delay_steps(1e12, 1e-3).is_err());
    }

    #[test]
    fn accessors() {
        let c = small();
        c.validate(3, 4).unwrap();
        assert_eq!((c.nb_synapses(), c.nb_dendrites()), (3, 2));
        assert_eq!(c.row(0), 0..2);
        assert_eq!(c.row(1), 2..3);
        assert_eq!(c.dendrite_index(3), Some(1));
        assert_eq!(c.dendrite_index(2), None);
        assert_eq!(c.synapse_index(1, 2), Some(1));
        assert_eq!(c.synapse_index(3, 1), Some(2));
        assert_eq!(c.synapse_index(3, 0), None);
        assert_eq!(c.synapse_index(0, 0), None);
        assert_eq!(c.max_delay(), 4);
        assert_eq!(c.synapse_delay(2), 2);
        assert_eq!(c.nb_efferent_synapses(3), vec![1, 1, 1]);
        assert_eq!(Connectivity::empty().max_delay(), 0);
        Connectivity::empty().validate(0, 0).unwrap();
    }

    #[test]
    fn pre_index_is_post_major() {
        // pre 0 -> posts 0, 1, 2; pre 1 -> post 1; pre 2 -> nothing.
        let c = Connectivity {
            post_ranks: vec![0, 1, 2],
            row_ptr: vec![0, 1, 3, 4],
            pre_ranks: vec![0, 0, 1, 0],
            weights: vec![1.0; 4],
            delays: Delays::None,
        };
        c.validate(3, 3).unwrap();
        let idx = c.pre_index(3);
        assert_eq!(idx.row_ptr, vec![0, 3, 4, 4]);
        assert_eq!(idx.synapses, vec![0, 1, 3, 2]);
        assert_eq!(idx.synapses_of(0), &[0, 1, 3]);
        assert_eq!(idx.synapses_of(2), &[] as &[u32]);
        assert_eq!(idx.synapses_of(9), &[] as &[u32]);
        assert_eq!(c.nb_efferent_synapses(3), vec![3, 1, 0]);
        // Out-of-range pre ranks are left out, not a panic.
        assert_eq!(c.pre_index(1).synapses, vec![0, 1, 3]);
    }

    #[test]
    fn validate_catches_broken_invariants() {
        let mut c = small();
        assert!(matches!(c.validate(2, 4), Err(Error::OutOfRange { .. })));
        assert!(matches!(c.validate(3, 3), Err(Error::OutOfRange { .. })));
        c.pre_ranks = vec![2, 0, 1];
        assert!(matches!(c.validate(3, 4), Err(Error::Invalid { .. })));
        let mut c = small();
        c.post_ranks = vec![3, 1];
        assert!(c.validate(3, 4).is_err());
        let mut c = small();
        c.weights.pop();
        assert!(c.validate(3, 4).is_err());
        let mut c = small();
        c.delays = Delays::PerSynapse(vec![1]);
        assert!(c.validate(3, 4).is_err());
        let mut c = small();
        c.row_ptr = vec![0, 3, 3];
        assert!(c.validate(3, 4).is_err());
        let mut c = small();
        c.row_ptr = vec![0, 2];
        assert!(c.validate(3, 4).is_err());
    }

    #[test]
    fn lil_builder_sorts_merges_and_broadcasts() {
        let mut lil = LilBuilder::new();
        lil.add(2, &[3, 1], &[0.5], &[]).unwrap();
        lil.add(0, &[2], &[1.0], &[]).unwrap();
        lil.add(2, &[0], &[0.25], &[]).unwrap();
        lil.add(1, &[], &[1.0], &[]).unwrap();
        assert_eq!(lil.nb_synapses(), 4);
        let c = lil.build(0.1).unwrap();
        c.validate(4, 3).unwrap();
        assert_eq!(c.post_ranks, vec![0, 2]);
        assert_eq!(c.row_ptr, vec![0, 1, 4]);
        assert_eq!(c.pre_ranks, vec![2, 0, 1, 3]);
        assert_eq!(c.weights, vec![1.0, 0.25, 0.5, 0.5]);
        assert_eq!(c.delays, Delays::None);
    }

    #[test]
    fn lil_builder_delays() {
        let mut lil = LilBuilder::new();
        lil.add(0, &[0, 1], &[1.0], &[2.0]).unwrap();
        lil.add(1, &[0], &[1.0], &[2.0]).unwrap();
        assert_eq!(lil.build(1.0).unwrap().delays, Delays::Uniform(2));

        let mut lil = LilBuilder::new();
        lil.add(0, &[0, 1], &[1.0], &[2.0]).unwrap();
        lil.add(1, &[0], &[1.0], &[3.0]).unwrap();
        assert_eq!(
            lil.build(1.0).unwrap().delays,
            Delays::PerSynapse(vec![2, 2, 3])
        );

        // Several delays in one call: per synapse, even when equal.
        let mut lil = LilBuilder::new();
        lil.add(0, &[1, 0], &[1.0, 2.0], &[1.0, 1.0]).unwrap();
        let c = lil.build(0.5).unwrap();
        assert_eq!(c.delays, Delays::PerSynapse(vec![2, 2]));
        assert_eq!(c.weights, vec![2.0, 1.0]);

        let mut lil = LilBuilder::new();
        lil.add(0, &[0], &[1.0], &[-1.0]).unwrap();
        assert!(lil.build(0.1).is_err());
    }

    #[test]
    fn lil_builder_errors() {
        let mut lil = LilBuilder::new();
        assert!(matches!(
            lil.add(0, &[0, 1, 2], &[1.0, 2.0], &[]),
            Err(Error::SizeMismatch {
                expected: 3,
                got: 2,
                ..
            })
        ));
        assert!(matches!(
            lil.add(0, &[0, 1, 2], &[1.0], &[1.0, 2.0]),
            Err(Error::SizeMismatch { .. })
        ));
        assert!(lil.is_empty());
        lil.add(0, &[0, 1], &[1.0], &[]).unwrap();
        lil.add(0, &[1], &[1.0], &[]).unwrap();
        let err = lil.build(0.1).unwrap_err();
        assert!(err.to_string().contains("multiple times"), "{err}");
    }
}

/// What spike propagation needs besides the rows: for each pre-synaptic
/// neuron its synapses (in post-major order), each synapse's dendrite, and
/// each post-synaptic neuron's dendrite.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpikeIndex {
    /// `pre_synapses[pre_row[j]..pre_row[j + 1]]` are the synapses of pre rank `j`.
    pub pre_row: Vec<usize>,
    /// Synapse indices grouped by pre-synaptic rank.
    pub pre_synapses: Vec<u32>,
    /// Post-synaptic rank of each entry of `pre_synapses` (read in order
    /// when spikes are delivered).
    pub pre_posts: Vec<u32>,
    /// Dendrite (row) of each synapse.
    pub syn_dendrite: Vec<u32>,
    /// Dendrite of each post-synaptic rank, `u32::MAX` for none.
    pub post_dendrite: Vec<u32>,
}

impl SpikeIndex {
    /// The index of a connectivity between populations of these sizes.
    pub fn new(conn: &Connectivity, pre_size: usize, post_size: usize) -> SpikeIndex {
        let pre = conn.pre_index(pre_size);
        let mut syn_dendrite = vec![0u32; conn.nb_synapses()];
        let mut post_dendrite = vec![u32::MAX; post_size];
        for k in 0..conn.nb_dendrites() {
            for s in conn.row(k) {
                syn_dendrite[s] = k as u32;
            }
            if let Some(d) = post_dendrite.get_mut(conn.post_ranks[k] as usize) {
                *d = k as u32;
            }
        }
        let pre_posts = pre
            .synapses
            .iter()
            .map(|&s| conn.post_ranks[syn_dendrite[s as usize] as usize])
            .collect();
        SpikeIndex {
            pre_row: pre.row_ptr,
            pre_synapses: pre.synapses,
            pre_posts,
            syn_dendrite,
            post_dendrite,
        }
    }

    /// The positions in `pre_synapses` and `pre_posts` of the synapses of
    /// pre-synaptic rank `j` (empty for a rank out of range).
    #[inline]
    pub fn row(&self, j: usize) -> std::ops::Range<usize> {
        match (self.pre_row.get(j), self.pre_row.get(j + 1)) {
            (Some(&a), Some(&b)) => a..b,
            _ => 0..0,
        }
    }

    /// The synapses of pre-synaptic rank `j` (none for a rank out of range).
    #[inline]
    pub fn synapses_of(&self, j: usize) -> &[u32] {
        &self.pre_synapses[self.row(j)]
    }

    /// The post-synaptic ranks of the synapses of pre-synaptic rank `j`, in
    /// the order of [`synapses_of`](Self::synapses_of).
    #[inline]
    pub fn posts_of(&self, j: usize) -> &[u32] {
        &self.pre_posts[self.row(j)]
    }
}
