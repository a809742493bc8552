//! Spikes delivered by the update of the population they arrive at.
//!
//! A spike adds the weights of its synapses to conductances scattered over
//! the whole post-synaptic population. Delivered in the transmission phase
//! on the main thread, and then updated on the threads of a team, half of
//! those conductances move from one core's cache to the other's and back
//! every step. When the update of a spiking population passes its
//! conductances to [`Arrivals::deliver`] (the macros' updates do, for the
//! conductances they write), each thread first adds the spikes of the step
//! to its own part of them, then updates that part: the conductances stay
//! where they are updated.
//!
//! The values are those of the transmission phase: every conductance
//! receives the same additions in the same order (projection after
//! projection, as listed, then ascending pre-synaptic rank of the spikes),
//! rounded to `f32` one by one in single precision, before the same update.
//! A step delivers this way only when nothing else would see the
//! conductances between the two phases, or add to them in another way (a
//! monitor of a `g_` variable due this step, a BOLD input reading the
//! population, a projection whose spike does more than add its weight, a
//! copy, a current injection, per-synapse delays); otherwise every
//! projection into the population delivers in the transmission phase.

use crate::bold::BoldInput;
use crate::connectivity::{Delays, SpikeIndex};
use crate::delivery::{deliver_range, deliver_spans};
use crate::math::Real;
use crate::model::{AttrRef, PAR_MIN, PART_ALIGN};
use crate::monitor::{Monitor, Source};
use crate::population::Population;
use crate::projection::Projection;
use crate::team::Team;
use std::ops::Range;

/// The spikes a population's update delivers to its conductances this step.
///
/// The run-time passes them in [`NeuronCtx::arrivals`](crate::model::NeuronCtx::arrivals);
/// an update calls [`Arrivals::deliver`] on each part of the population it
/// updates, before updating it.
pub struct Arrivals<'a> {
    projs: &'a [Projection],
    /// (projection, position of its conductance among those passed to
    /// `deliver`), in the order of the projections.
    list: &'a [(usize, usize)],
}

impl<'a> Arrivals<'a> {
    pub(crate) fn new(projs: &'a [Projection], list: &'a [(usize, usize)]) -> Arrivals<'a> {
        Arrivals { projs, list }
    }

    /// The number of projections whose spikes arrive this step.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether no projection delivers in the update this step.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Adds this step's spikes to the conductances of neurons
    /// `off..off + len`: `g` holds their values, in the order of the
    /// attributes that [`NeuronState::arrival_attrs`](crate::model::NeuronState::arrival_attrs)
    /// lists, each slice of the same length.
    pub fn deliver<G: Real>(&self, off: usize, g: &mut [&mut [G]]) {
        for &(p, slot) in self.list {
            let proj = &self.projs[p];
            let (index, w, spikes) = (&proj.index, proj.pre_weights.values(), &proj.arriving);
            let g = &mut *g[slot];
            match proj.cuts.part(off, g.len(), index.post_dendrite.len()) {
                Some(part) => deliver_spans(index, w, spikes, off, g, |j, posts| {
                    proj.cuts.span(j, part, posts.len())
                }),
                None => deliver_range(index, w, spikes, off, g),
            }
        }
    }
}

impl std::fmt::Debug for Arrivals<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self
            .list
            .iter()
            .map(|&(p, _)| &*self.projs[p].name)
            .collect();
        f.debug_struct("Arrivals")
            .field("projections", &names)
            .finish()
    }
}

/// Decides, for the coming step, which projections deliver their spikes in
/// the update of their post-synaptic population: all those into a
/// population when each of them adds only its weights to a conductance
/// that the update passes to [`Arrivals::deliver`], with the same rounding,
/// and no monitor due this step or BOLD input reads the population before
/// its update. Sets [`Projection::deferred`] and fills
/// [`Population::arrivals`]; monitors must know whether they are due.
pub(crate) fn plan(
    pops: &mut [Population],
    projs: &mut [Projection],
    monitors: &[Monitor],
    bold: &[BoldInput],
) {
    for pop in pops.iter_mut() {
        pop.arrivals.clear();
        pop.fuse = pop.enabled && pop.spiking() && !pop.state.arrival_attrs().is_empty();
    }
    for m in monitors.iter().filter(|m| m.due_now) {
        if let Source::Population(p, _) = &m.source
            && m.vars.iter().any(|(name, _)| name.starts_with("g_"))
        {
            pops[*p].fuse = false;
        }
    }
    for input in bold {
        pops[input.reads()].fuse = false;
    }
    for (i, proj) in projs.iter().enumerate() {
        if !proj.transmission || !pops[proj.post].fuse {
            continue;
        }
        match way(proj, pops) {
            Way::Update(slot) => pops[proj.post].arrivals.push((i, slot)),
            Way::Nothing => {}
            // One projection the update cannot deliver: none of them.
            Way::Transmission => pops[proj.post].fuse = false,
        }
    }
    for proj in projs.iter_mut() {
        proj.deferred = false;
    }
    for pop in pops.iter_mut() {
        if !pop.fuse {
            pop.arrivals.clear();
        }
        for &(i, _) in &pop.arrivals {
            projs[i].deferred = true;
        }
    }
}

/// Where a projection into a spiking population delivers its spikes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Way {
    /// In the update of the population, to the conductance passed at this
    /// position.
    Update(usize),
    /// Nowhere: the population has no conductance for its target.
    Nothing,
    /// In the transmission phase.
    Transmission,
}

fn way(proj: &Projection, pops: &[Population]) -> Way {
    let (pre, post) = (&pops[proj.pre], &pops[proj.post]);
    // Copies and transposes, and the currents of rate-coded populations.
    if proj.source.is_some() || !pre.spiking() {
        return Way::Transmission;
    }
    let Some(g) = post.g_index.get(proj.target_index).copied().flatten() else {
        return Way::Nothing;
    };
    let state = &*proj.state;
    let adds_w_only = proj
        .delivered_w
        .is_some_and(|w| matches!(state.attr(w), AttrRef::Array(_) | AttrRef::ArrayF32(_)))
        && !matches!(proj.conn.delays, Delays::PerSynapse(_))
        && !state.has_axon_spike()
        && state.info().source.psp.trim().is_empty();
    // The transmission phase rounds each spike to an `f32` conductance only
    // for synapses that say so (`events_in_f32`).
    let same_rounding =
        !matches!(post.state.attr(g), AttrRef::ArrayF32(_)) || state.events_in_f32();
    match post.state.arrival_attrs().iter().position(|&a| a == g) {
        Some(slot) if adds_w_only && same_rounding => Way::Update(slot),
        _ => Way::Transmission,
    }
}

/// In the transmission phase of a deferred projection: keeps the spikes
/// that arrive this step (the pre-synaptic population's list changes
/// before the update reads it), brings the weights in pre-synaptic order
/// up to date, and where the update splits its population over `team`,
/// the rows' [`RowCuts`].
pub(crate) fn defer(proj: &mut Projection, pre: &Population, team: Option<&Team>) {
    if let Some(team) = team {
        prepare_cuts(proj, team);
    }
    let spikes = match proj.conn.delays {
        Delays::Uniform(d) => pre.delayed_spikes(d),
        _ => &pre.spiked,
    };
    proj.arriving.clear();
    proj.arriving.extend_from_slice(spikes);
    refresh_weights(proj);
}

/// Brings the weights in pre-synaptic order up to date, for a projection
/// whose spikes the run-time delivers (`delivered_w`).
fn refresh_weights(proj: &mut Projection) {
    let Projection {
        state,
        index,
        pre_weights,
        delivered_w,
        ..
    } = proj;
    pre_weights.of(index, delivered_w.map(|w| state.attr(w)));
}

/// Fills, before the first step, what spike delivery computes once and
/// keeps: the weights in pre-synaptic order, and for the parts of `team`
/// the [`RowCuts`] of the projections into populations whose update may
/// deliver their spikes. A network does it when it starts, so that its
/// steps allocate nothing (a step computes them again only after the
/// weights or the rows changed, into the room they already have).
pub(crate) fn prepare(projs: &mut [Projection], pops: &[Population], team: Option<&Team>) {
    for proj in projs {
        if !pops[proj.pre].spiking() {
            continue;
        }
        refresh_weights(proj);
        if let Some(team) = team
            && !pops[proj.post].state.arrival_attrs().is_empty()
        {
            prepare_cuts(proj, team);
        }
    }
}

/// The [`RowCuts`] of a projection for the parts the macros' updates make
/// on `team` (aligned to [`PART_ALIGN`] neurons, when the population is
/// large enough to be split).
fn prepare_cuts(proj: &mut Projection, team: &Team) {
    let n = proj.index.post_dendrite.len();
    if n >= PAR_MIN {
        proj.cuts.prepare(&proj.index, team, n, PART_ALIGN);
    }
}

/// Where the row of each pre-synaptic neuron (its post-synaptic ranks,
/// ascending) crosses the boundaries of the parts a team splits the
/// post-synaptic population into, so that each part finds its entries
/// without searching. Rebuilt when the parts or the rows change.
#[derive(Clone, Debug, Default)]
pub(crate) struct RowCuts {
    /// The first rank of each part but the first.
    at: Vec<u32>,
    /// `pos[j * at.len() + c]`: the first entry of row `j` at or past `at[c]`.
    pos: Vec<u32>,
}

impl RowCuts {
    /// Forgets the cuts (the rows changed).
    pub fn clear(&mut self) {
        self.at.clear();
        self.pos.clear();
    }

    /// Computes the cuts for the parts of `n` neurons that `team` makes
    /// (aligned to `align`), unless they are those of now.
    fn prepare(&mut self, index: &SpikeIndex, team: &Team, n: usize, align: usize) {
        let starts = || team.ranges(n, align).skip(1).map(|r| r.start as u32);
        if self.at.iter().copied().eq(starts()) {
            return;
        }
        self.clear();
        self.at.extend(starts());
        let rows = index.pre_row.len().saturating_sub(1);
        self.pos.reserve(rows * self.at.len());
        for j in 0..rows {
            let posts = index.posts_of(j);
            for &a in &self.at {
                self.pos.push(posts.partition_point(|&p| p < a) as u32);
            }
        }
    }

    /// The part whose neurons are `off..off + len` of `n`, if it is one of
    /// those of the cuts (`at.len()` + 1 parts).
    fn part(&self, off: usize, len: usize, n: usize) -> Option<usize> {
        if self.at.is_empty() {
            return None;
        }
        let starts = std::iter::once(0).chain(self.at.iter().map(|&a| a as usize));
        let ends = self
            .at
            .iter()
            .map(|&a| a as usize)
            .chain(std::iter::once(n));
        starts
            .zip(ends)
            .position(|(s, e)| s == off && e == off + len)
    }

    /// The entries of row `j` (of `len` entries) in part `part`.
    fn span(&self, j: usize, part: usize, len: usize) -> Range<usize> {
        let k = self.at.len();
        let cut = |c: usize| self.pos[j * k + c] as usize;
        let start = if part == 0 { 0 } else { cut(part - 1) };
        let end = if part == k { len } else { cut(part) };
        start..end
    }
}
