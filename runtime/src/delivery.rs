//! Spike delivery for the most common spiking synapse, the one whose
//! `pre_spike` is `g_target += w` and nothing else (`w` constant during
//! the step).
//!
//! A spike of pre-synaptic neuron `j` then adds the weights of its outgoing
//! synapses to the conductances of their post-synaptic neurons. The weights
//! are stored post-major (one row per post-synaptic neuron), so the weights
//! of one pre-synaptic neuron are scattered over the whole projection: a
//! [`PreWeights`] keeps a copy of them in pre-synaptic order, next to
//! [`SpikeIndex::pre_posts`], so that delivery reads both arrays in order.
//!
//! On a [`Team`], each thread adds into its own range of post-synaptic
//! neurons; every conductance receives its additions in the same order as on
//! one thread (ascending pre-synaptic rank of the spikes, as listed), so the
//! sums are bit-identical for any number of threads.

use crate::connectivity::SpikeIndex;
use crate::math::Real;
use crate::model::AttrRef;
use crate::model::PAR_EVENTS;
use crate::team::Team;

/// The weights of a projection in the order of [`SpikeIndex::pre_synapses`].
#[derive(Clone, Debug, Default)]
pub(crate) struct PreWeights {
    values: Vec<f64>,
    /// The weights changed since `values` was filled.
    stale: bool,
}

impl PreWeights {
    /// An empty copy, to be filled before its first use.
    pub fn new() -> PreWeights {
        PreWeights {
            values: Vec::new(),
            stale: true,
        }
    }

    /// Marks the copy out of date: the weights have been written.
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// The weights in pre-synaptic order, copied from `w` (post-major, in
    /// double or single precision) if they changed since the last call.
    pub fn get<T: Real>(&mut self, index: &SpikeIndex, w: &[T]) -> &[f64] {
        if self.stale {
            self.values.clear();
            self.values
                .extend(index.pre_synapses.iter().map(|&s| w[s as usize].to_f64()));
            self.stale = false;
        }
        &self.values
    }

    /// [`PreWeights::get`] for the weights `w` of a projection whose spikes
    /// the run-time delivers (`None` when they are not per-synapse arrays).
    pub fn of(&mut self, index: &SpikeIndex, w: Option<AttrRef<'_>>) -> Option<&[f64]> {
        match w? {
            AttrRef::Array(w) => Some(self.get(index, w)),
            AttrRef::ArrayF32(w) => Some(self.get(index, w)),
            AttrRef::Scalar(_) => None,
        }
    }

    /// The weights in pre-synaptic order as [`PreWeights::get`] last
    /// copied them.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

/// Adds the weights of the outgoing synapses of each neuron of `spikes`
/// (pre-synaptic ranks) to `g[post]`. A conductance in single precision
/// takes each weight in single precision, one spike after the other (the
/// sum of two `f32` computed in `f64` and rounded once is their `f32` sum).
pub(crate) fn deliver<T: Real, G: Real>(
    index: &SpikeIndex,
    weights: &[T],
    spikes: &[u32],
    g: &mut [G],
    team: Option<&Team>,
) {
    let events: usize = spikes.iter().map(|&j| index.row(j as usize).len()).sum();
    match team {
        Some(team) if events >= PAR_EVENTS => {
            let n = g.len();
            team.split_mut(n, 8, [g], &|off, [part]| {
                deliver_range(index, weights, spikes, off, part);
            });
        }
        _ => deliver_range(index, weights, spikes, 0, g),
    }
}

/// [`deliver`] for the post-synaptic ranks `off..off + g.len()`, `g`
/// holding their conductances. The post-synaptic ranks of a pre-synaptic
/// neuron are ascending, so those in the range are found by bisection.
pub(crate) fn deliver_range<T: Real, G: Real>(
    index: &SpikeIndex,
    weights: &[T],
    spikes: &[u32],
    off: usize,
    g: &mut [G],
) {
    let whole = off == 0 && g.len() >= index.post_dendrite.len();
    let (lo, hi) = (off as u32, (off + g.len()) as u32);
    deliver_spans(index, weights, spikes, off, g, |_, posts| {
        if whole {
            0..posts.len()
        } else {
            posts.partition_point(|&p| p < lo)..posts.partition_point(|&p| p < hi)
        }
    });
}

/// Adds the weights of the outgoing synapses of each neuron `j` of
/// `spikes` whose entries `span(j, posts)` of its row (`posts`, its
/// post-synaptic ranks) reach the post-synaptic ranks `off..off + g.len()`.
pub(crate) fn deliver_spans<T: Real, G: Real>(
    index: &SpikeIndex,
    weights: &[T],
    spikes: &[u32],
    off: usize,
    g: &mut [G],
    span: impl Fn(usize, &[u32]) -> std::ops::Range<usize>,
) {
    for &j in spikes {
        let r = index.row(j as usize);
        let posts = &index.pre_posts[r.clone()];
        let s = span(j as usize, posts);
        for (&p, &w) in posts[s.clone()].iter().zip(&weights[r][s]) {
            let g = &mut g[p as usize - off];
            *g = G::from_f64(g.to_f64() + w.to_f64());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectivity::Connectivity;

    /// 5 pre, 300 post neurons; synapse (post, pre) when (post + pre) % 3 != 0.
    fn index() -> (Connectivity, SpikeIndex) {
        let mut post_ranks = Vec::new();
        let mut row_ptr = vec![0];
        let mut pre_ranks = Vec::new();
        let mut weights = Vec::new();
        for post in 0..300u32 {
            let pres: Vec<u32> = (0..5).filter(|pre| (post + pre) % 3 != 0).collect();
            post_ranks.push(post);
            for &pre in &pres {
                pre_ranks.push(pre);
                weights.push(f64::from(post) * 0.01 + f64::from(pre));
            }
            row_ptr.push(pre_ranks.len());
        }
        let conn = Connectivity {
            post_ranks,
            row_ptr,
            pre_ranks,
            weights,
            delays: crate::connectivity::Delays::None,
        };
        let index = SpikeIndex::new(&conn, 5, 300);
        (conn, index)
    }

    #[test]
    fn delivery_matches_the_synapses_for_any_number_of_threads() {
        let (conn, index) = index();
        let mut copy = PreWeights::new();
        let w = copy.get(&index, &conn.weights).to_vec();
        let spikes = [0u32, 2, 3, 2];
        // Expected: sum over spikes of the weight of each synapse.
        let mut expected = vec![0.5; 300];
        for &j in &spikes {
            for k in 0..conn.post_ranks.len() {
                for s in conn.row(k) {
                    if conn.pre_ranks[s] == j {
                        expected[conn.post_ranks[k] as usize] += conn.weights[s];
                    }
                }
            }
        }
        let mut g = vec![0.5; 300];
        deliver(&index, &w, &spikes, &mut g, None);
        assert_eq!(g, expected);
        for size in [2, 3] {
            let team = Team::new(size).expect("threads");
            let mut g = vec![0.5; 300];
            // Below the threshold of events, then the split itself.
            deliver(&index, &w, &spikes, &mut g, Some(&team));
            assert_eq!(g, expected);
            let mut g = vec![0.5; 300];
            team.split_mut(300, 8, [&mut g[..]], &|off, [part]| {
                deliver_range(&index, &w, &spikes, off, part);
            });
            assert_eq!(g, expected, "team of {size}");
        }
    }

    #[test]
    fn the_copy_follows_the_weights_once_invalidated() {
        let (mut conn, index) = index();
        let mut copy = PreWeights::new();
        let first = copy.get(&index, &conn.weights).to_vec();
        conn.weights[0] = 100.0;
        assert_eq!(copy.get(&index, &conn.weights), &first[..]);
        copy.invalidate();
        let s0 = index
            .pre_synapses
            .iter()
            .position(|&s| s == 0)
            .expect("synapse 0");
        assert_eq!(copy.get(&index, &conn.weights)[s0], 100.0);
    }
}
