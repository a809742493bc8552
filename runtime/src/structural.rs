//! Structural plasticity: synapses created and pruned while the network
//! runs (ANNarchy's `Dendrite.create_synapse` / `prune_synapse` and the
//! `creating` / `pruning` conditions of a synapse model, SPEC.md 4 and 7.4).
//!
//! Every change of the connectivity of a projection goes through one
//! function, which rebuilds together everything that depends on it: the
//! synapse model's per-synapse and per-dendrite arrays
//! ([`SynapseState::remap`](crate::model::SynapseState::remap)), the values
//! `reset` restores, the per-synapse delays, the pre-synaptic index that
//! spikes travel through, the weights kept in pre-synaptic order, and the
//! spikes on their way through per-synapse delays (which follow their
//! synapse, and are dropped with it). A pruned synapse therefore never
//! transmits anything again, from either side.
//!
//! Differences with ANNarchy:
//!
//! * nothing needs enabling first (ANNarchy's
//!   `setup(structural_plasticity=True)`);
//! * a post-synaptic neuron whose last synapse is pruned leaves the
//!   connectivity (with its semiglobal values, as
//!   [`Network::dendrite`] then says), but stays one of the projection's
//!   post-synaptic neurons: synapses can be created for it again, and its
//!   semiglobal values then start from their initial values;
//! * a synapse created with a per-synapse delay only receives the spikes
//!   emitted after its creation.
//!
//! The post-synaptic neurons of a projection are those that had synapses
//! when it was made (ANNarchy's dendrites); `creating` considers every
//! pre-synaptic rank of the pre-synaptic population for each of them.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::connectivity::{Connectivity, Delays, SpikeIndex, delay_steps};
use crate::error::{Error, Result};
use crate::math::Real;
use crate::model::{Locality, RngCtx};
use crate::network::{AnyProj, Network, with_synapse_ctx};
use crate::population::{Population, Snapshot};
use crate::projection::Projection;
use crate::random::{RandomDistribution, stream};
use crate::team::Team;

/// How the synapses and dendrites of a projection move to a new
/// connectivity, for [`SynapseState::remap`](crate::model::SynapseState::remap).
#[derive(Clone, Copy, Debug)]
pub struct Remap<'a> {
    conn: &'a Connectivity,
    synapses: &'a [u32],
    weights: &'a [f64],
    dendrites: &'a [u32],
}

impl<'a> Remap<'a> {
    /// Marks a new synapse or dendrite in [`old_synapse`](Self::old_synapse)
    /// and [`old_dendrite`](Self::old_dendrite) maps.
    pub const NEW: u32 = u32::MAX;

    /// The new connectivity.
    pub fn conn(&self) -> &'a Connectivity {
        self.conn
    }

    /// The index in the old connectivity of new synapse `s`, `None` for a
    /// created synapse.
    pub fn old_synapse(&self, s: usize) -> Option<usize> {
        let o = self.synapses[s];
        (o != Self::NEW).then_some(o as usize)
    }

    /// The index in the old connectivity of new dendrite `k`, `None` for a
    /// post-synaptic neuron that had no synapse.
    pub fn old_dendrite(&self, k: usize) -> Option<usize> {
        let o = self.dendrites[k];
        (o != Self::NEW).then_some(o as usize)
    }

    /// A per-synapse array for the new connectivity: the values of the kept
    /// synapses, `init` for the created ones.
    pub fn synapses<T: Copy>(&self, old: &[T], init: T) -> Vec<T> {
        Self::remapped(self.synapses, old, || init)
    }

    /// The weights for the new connectivity: those of the kept synapses,
    /// the given ones for the created synapses (rounded to `T`).
    pub fn weights<T: Real>(&self, old: &[T]) -> Vec<T> {
        let mut new = self.weights.iter();
        Self::remapped(self.synapses, old, || {
            T::from_f64(new.next().copied().unwrap_or(0.0))
        })
    }

    /// A per-dendrite array for the new connectivity: the values of the
    /// kept dendrites, `init` for the new ones.
    pub fn dendrites<T: Copy>(&self, old: &[T], init: T) -> Vec<T> {
        Self::remapped(self.dendrites, old, || init)
    }

    /// The values `reset` restores (`initial`, one per attribute of the
    /// model `info`), rearranged: per-synapse values follow their synapses
    /// (a new synapse gets its attribute's initial value, and its weight);
    /// per-dendrite values their dendrites.
    pub(crate) fn snapshots(&self, initial: &mut [Snapshot], info: &crate::model::ModelInfo) {
        for (snap, attr) in initial.iter_mut().zip(info.attributes) {
            match snap {
                Snapshot::Array(values) => *values = self.snapshot_values(values, attr),
                Snapshot::ArrayF32(values) => *values = self.snapshot_values(values, attr),
                Snapshot::Scalar(_) => {}
            }
        }
    }

    /// One array of [`snapshots`](Self::snapshots), of attribute `attr`.
    fn snapshot_values<T: Real>(&self, values: &[T], attr: &crate::model::AttrInfo) -> Vec<T> {
        let init = T::from_f64(attr.init);
        match attr.locality {
            Locality::Local if attr.name == "w" => self.weights(values),
            Locality::Local => self.synapses(values, init),
            Locality::SemiGlobal => self.dendrites(values, init),
            Locality::Global => values.to_vec(),
        }
    }

    /// The synapses and dendrites of `old` found in `new` (same post- and
    /// pre-synaptic ranks), as the maps of a [`Remap`] from `old` to `new`,
    /// and the weights `w` of `new`'s synapses that `old` lacks, in order.
    pub(crate) fn matching(old: &Connectivity, new: &Connectivity, w: &[f64]) -> Matching {
        let mut m = Matching::default();
        for (k, &post) in new.post_ranks.iter().enumerate() {
            let old_row = old.post_ranks.binary_search(&post).ok();
            m.dendrites.push(old_row.map_or(Self::NEW, |o| o as u32));
            let old_pre = old_row.map_or(&[][..], |o| &old.pre_ranks[old.row(o)]);
            let first = old_row.map_or(0, |o| old.row(o).start);
            for s in new.row(k) {
                match old_pre.binary_search(&new.pre_ranks[s]) {
                    Ok(i) => m.synapses.push((first + i) as u32),
                    Err(_) => {
                        m.synapses.push(Self::NEW);
                        m.weights.push(w.get(s).copied().unwrap_or(0.0));
                    }
                }
            }
        }
        m
    }

    /// `old` rearranged by `map` (an old index, or [`Self::NEW`] for a value
    /// from `new`).
    fn remapped<T: Copy>(map: &[u32], old: &[T], mut new: impl FnMut() -> T) -> Vec<T> {
        let values = map.iter().map(|&o| {
            if o == Self::NEW {
                new()
            } else {
                old[o as usize]
            }
        });
        crate::memory::collected(map.len(), values)
    }
}

/// The maps of a [`Remap`] between two connectivities
/// ([`Remap::matching`]).
#[derive(Debug, Default)]
pub(crate) struct Matching {
    synapses: Vec<u32>,
    weights: Vec<f64>,
    dendrites: Vec<u32>,
}

impl Matching {
    /// The remap to `conn` (the new connectivity of the matching).
    pub(crate) fn remap<'a>(&'a self, conn: &'a Connectivity) -> Remap<'a> {
        Remap {
            conn,
            synapses: &self.synapses,
            weights: &self.weights,
            dendrites: &self.dendrites,
        }
    }
}

/// What a synapse model's `pruning` and `creating` blocks declare.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StructuralRules {
    /// The model has a `pruning` condition.
    pub pruning: bool,
    /// The model has a `creating` condition: the synapses it creates.
    pub creating: Option<Creation>,
}

/// The synapses a `creating` condition creates.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Creation {
    /// Initial weight (flag `w`, default 0).
    pub w: f64,
    /// Delay in ms (flag `delay`; the projection's delay when absent).
    pub delay: Option<f64>,
}

/// Key of the random stream of `pruning` conditions.
pub const PRUNING_STREAM: u64 = 0x5052_554E_494E_4700;
/// Key of the random stream of `creating` conditions.
pub const CREATING_STREAM: u64 = 0x4352_4541_5449_4E00;

/// The random draws of a `pruning` or `creating` condition for one
/// post-synaptic neuron at one step, from
/// `stream(seed, [object, key, t, post_rank])`: the same for any number
/// of threads.
pub struct Draws {
    rng: ChaCha8Rng,
}

impl Draws {
    /// The draws of post-synaptic rank `post_rank` at the step of `rng`,
    /// `key` being [`PRUNING_STREAM`] or [`CREATING_STREAM`].
    pub fn new(rng: &RngCtx<'_>, key: u64, post_rank: usize) -> Draws {
        Draws {
            rng: stream(rng.seed, &[rng.object, key, rng.t as u64, post_rank as u64]),
        }
    }

    /// A value of `dist` (the random distribution of the condition).
    pub fn sample(&mut self, dist: &RandomDistribution) -> f64 {
        dist.sample(&mut self.rng)
    }

    /// True with probability `p` (the `proba` flag).
    pub fn accept(&mut self, p: f64) -> bool {
        self.rng.random::<f64>() < p
    }
}

/// The pre-synaptic ranks below `pre_size` that are not in `row`
/// (ascending ranks): the candidates of a `creating` condition.
pub fn absent(row: &[u32], pre_size: usize) -> impl Iterator<Item = usize> + '_ {
    let mut next = 0;
    (0..pre_size).filter(move |&j| {
        while next < row.len() && (row[next] as usize) < j {
            next += 1;
        }
        !(next < row.len() && row[next] as usize == j)
    })
}

/// When a condition is evaluated: every `period` steps from step `offset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Schedule {
    period: i64,
    offset: i64,
}

impl Schedule {
    fn due(self, t: i64) -> bool {
        (t - self.offset).rem_euclid(self.period) == 0
    }
}

/// The structural plasticity of a projection.
#[derive(Clone, Debug, Default)]
pub(crate) struct Structural {
    /// The post-synaptic neurons of the projection (those with synapses
    /// when it was made), ascending.
    pub post_neurons: Vec<u32>,
    pruning: Option<Schedule>,
    creating: Option<Schedule>,
}

impl Structural {
    /// For a projection made with this connectivity.
    pub fn new(conn: &Connectivity) -> Structural {
        Structural {
            post_neurons: conn.post_ranks.clone(),
            pruning: None,
            creating: None,
        }
    }

    /// When the `pruning` and `creating` conditions are evaluated, as
    /// `(period, offset)` in steps (`None`: not evaluated), for files.
    pub fn schedules(&self) -> [Option<(i64, i64)>; 2] {
        [self.pruning, self.creating].map(|s| s.map(|s| (s.period, s.offset)))
    }

    /// Sets what [`schedules`](Self::schedules) gives; periods are at least 1.
    pub fn set_schedules(&mut self, [pruning, creating]: [Option<(i64, i64)>; 2]) {
        let schedule = |s: Option<(i64, i64)>| {
            s.map(|(period, offset)| Schedule {
                period: period.max(1),
                offset,
            })
        };
        self.pruning = schedule(pruning);
        self.creating = schedule(creating);
    }

    /// Adds the post-synaptic neurons of `conn` (a connectivity that
    /// replaces the projection's).
    pub fn include(&mut self, conn: &Connectivity) {
        self.post_neurons.extend_from_slice(&conn.post_ranks);
        self.post_neurons.sort_unstable();
        self.post_neurons.dedup();
    }
}

/// A synapse to create.
#[derive(Clone, Copy, Debug, PartialEq)]
struct NewSynapse {
    post: u32,
    pre: u32,
    w: f64,
    /// Delay in steps (per-synapse delays only).
    delay: u32,
}

/// Applies one batch of changes to a projection: removes the synapses
/// `remove` (indices, ascending) and adds `add` (sorted by post then pre
/// rank, none of them existing), and rebuilds what depends on the
/// connectivity. Nothing changes when the synapse model refuses.
fn restructure(
    proj: &mut Projection,
    pops: &mut [Population],
    add: &[NewSynapse],
    remove: &[usize],
) -> Result<()> {
    let old = &proj.conn;
    let n_old = old.nb_synapses();
    let mut removed = vec![false; n_old];
    for &s in remove {
        removed[s] = true;
    }
    let old_delays = match &old.delays {
        Delays::PerSynapse(d) => Some(d),
        _ => None,
    };
    let capacity = n_old + add.len() - remove.len();
    let mut conn = Connectivity::empty();
    conn.pre_ranks.reserve(capacity);
    let mut synapses = Vec::with_capacity(capacity);
    let mut dendrites = Vec::with_capacity(old.nb_dendrites());
    let mut weights = Vec::with_capacity(add.len());
    let mut delays = Vec::with_capacity(if old_delays.is_some() { capacity } else { 0 });
    let (mut k, mut a) = (0, 0);
    loop {
        let post = match (old.post_ranks.get(k), add.get(a)) {
            (None, None) => break,
            (Some(&p), None) => p,
            (None, Some(x)) => x.post,
            (Some(&p), Some(x)) => p.min(x.post),
        };
        let old_row = if old.post_ranks.get(k) == Some(&post) {
            k += 1;
            Some(k - 1)
        } else {
            None
        };
        let start = conn.pre_ranks.len();
        let mut kept = old_row
            .map_or(0..0, |k| old.row(k))
            .filter(|&s| !removed[s])
            .peekable();
        loop {
            let next_add = add.get(a).filter(|x| x.post == post);
            let take_kept = match (kept.peek(), next_add) {
                (None, None) => break,
                (Some(&s), x) => x.is_none_or(|x| old.pre_ranks[s] < x.pre),
                (None, Some(_)) => false,
            };
            if take_kept && let Some(s) = kept.next() {
                conn.pre_ranks.push(old.pre_ranks[s]);
                synapses.push(s as u32);
                if let Some(d) = old_delays {
                    delays.push(d[s]);
                }
            } else if let Some(x) = next_add {
                a += 1;
                conn.pre_ranks.push(x.pre);
                synapses.push(Remap::NEW);
                weights.push(x.w);
                if old_delays.is_some() {
                    delays.push(x.delay);
                }
            }
        }
        if conn.pre_ranks.len() > start {
            conn.post_ranks.push(post);
            conn.row_ptr.push(conn.pre_ranks.len());
            dendrites.push(old_row.map_or(Remap::NEW, |k| k as u32));
        }
    }
    conn.delays = match &old.delays {
        Delays::PerSynapse(_) => Delays::PerSynapse(delays),
        d => d.clone(),
    };
    let map = Remap {
        conn: &conn,
        synapses: &synapses,
        weights: &weights,
        dendrites: &dendrites,
    };
    proj.state.remap(&map).map_err(|reason| Error::Invalid {
        object: format!("projection `{}`", proj.name),
        reason,
    })?;
    // The values `reset` restores follow their synapses too.
    map.snapshots(&mut proj.initial, proj.state.info());
    // Spikes on their way follow their synapse; those of pruned ones are lost.
    if !proj.events.is_empty() {
        let mut new_index = vec![Remap::NEW; n_old];
        for (s, &o) in synapses.iter().enumerate() {
            if o != Remap::NEW {
                new_index[o as usize] = s as u32;
            }
        }
        for slot in &mut proj.events {
            slot.retain_mut(|s| {
                *s = new_index[*s as usize];
                *s != Remap::NEW
            });
        }
    }
    let max_delay = conn.max_delay() as usize;
    proj.conn = conn;
    proj.conn.rehouse();
    proj.psp = vec![0.0; proj.conn.nb_dendrites()];
    proj.pre_weights.invalidate();
    if matches!(proj.conn.delays, Delays::PerSynapse(_)) {
        // Longer delays: longer histories of the pre-synaptic values, and
        // a longer queue of spikes, pending ones at the same distance.
        for link in &proj.pre_links {
            if let crate::projection::Link::Attr { ring: Some(r), .. } = link {
                pops[proj.pre].rings[*r].grow(max_delay);
            }
        }
        if pops[proj.pre].spiking() && proj.events.len() < max_delay {
            let n = proj.events.len().max(1);
            let mut events = vec![Vec::new(); max_delay];
            for (k, slot) in events.iter_mut().enumerate().take(proj.events.len()) {
                *slot = std::mem::take(&mut proj.events[(proj.event_head + k) % n]);
            }
            proj.events = events;
            proj.event_head = 0;
        }
    }
    if pops[proj.pre].spiking() {
        let index = SpikeIndex::new(&proj.conn, pops[proj.pre].size(), pops[proj.post].size());
        proj.set_index(index);
    }
    Ok(())
}

/// The delay in steps of a synapse created with `delay_ms` in a projection
/// with these delays: its own with per-synapse delays; otherwise the
/// projection's, which `delay_ms` must be (or 0, the default).
fn new_delay(delays: &Delays, delay_ms: f64, dt: f64) -> std::result::Result<u32, String> {
    let steps = delay_steps(delay_ms, dt).map_err(|e| e.to_string())?;
    let current = match delays {
        Delays::PerSynapse(_) => return Ok(steps),
        Delays::Uniform(d) => *d,
        Delays::None => 0,
    };
    if delay_ms == 0.0 || steps.max(1) == current.max(1) {
        Ok(current)
    } else {
        Err(format!(
            "a synapse with a delay of {delay_ms} ms cannot join a projection whose synapses all have a delay of {} ms; give the projection per-synapse delays",
            f64::from(current.max(1)) * dt
        ))
    }
}

impl Network {
    /// Creates the synapse `pre -> post` with weight `w` and a delay of
    /// `delay_ms` (ANNarchy's `Dendrite.create_synapse(rank, w, delay)`).
    /// The other local attributes of the synapse get their initial
    /// values; it is stored at its place among the pre-synaptic ranks of
    /// `post`. A delay of 0 is the projection's delay; a projection
    /// without per-synapse delays only accepts its own.
    ///
    /// # Errors
    ///
    /// When the synapse already exists ("the synapse of rank X already
    /// exists."), when `post` is not a post-synaptic neuron of the
    /// projection, `pre` not a rank of the pre-synaptic population, the
    /// delay not acceptable, the projection has no individual synapses
    /// (shared weights), or a copied or transposed projection reads its
    /// synapses ([`crate::copy`]).
    pub fn create_synapse(
        &mut self,
        proj: impl Into<AnyProj>,
        post: u32,
        pre: u32,
        w: f64,
        delay_ms: f64,
    ) -> Result<()> {
        self.create_synapses(proj, post, &[pre], &[w], Some(&[delay_ms]))
    }

    /// Creates the synapses from `pre` to `post` (ANNarchy's
    /// `Dendrite.create_synapses(ranks, weights, delays)`): `weights` and
    /// `delays` (ms) hold one value per synapse or a single value for all;
    /// no delays means the projection's. All of them are created, or none.
    ///
    /// # Errors
    ///
    /// As [`create_synapse`](Self::create_synapse), for any of them (a rank
    /// given twice included), and when `weights` or `delays` has neither
    /// one value nor one per synapse.
    pub fn create_synapses(
        &mut self,
        proj: impl Into<AnyProj>,
        post: u32,
        pre: &[u32],
        weights: &[f64],
        delays: Option<&[f64]>,
    ) -> Result<()> {
        let dt = self.get_dt();
        let k = proj.into().0;
        check_unread(&self.objects.projs, k)?;
        let pops = &mut self.objects.pops;
        let p = &mut self.objects.projs[k];
        let object = format!("dendrite {post} of projection `{}`", p.name);
        check_post(p, post)?;
        let n = pre.len();
        let per_synapse = |len: usize| len == n || len == 1;
        if !per_synapse(weights.len()) {
            return Err(Error::SizeMismatch {
                object,
                attribute: "weights".into(),
                expected: n,
                got: weights.len(),
            });
        }
        if let Some(d) = delays.filter(|d| !per_synapse(d.len())) {
            return Err(Error::SizeMismatch {
                object,
                attribute: "delays".into(),
                expected: n,
                got: d.len(),
            });
        }
        let pre_size = pops[p.pre].size();
        let mut add = Vec::with_capacity(n);
        for (i, &j) in pre.iter().enumerate() {
            if j as usize >= pre_size {
                return Err(Error::OutOfRange {
                    object,
                    what: format!("pre-synaptic rank {j} (pre-synaptic population of {pre_size})"),
                });
            }
            if p.conn.synapse_index(post, j).is_some() || pre[..i].contains(&j) {
                return Err(Error::Invalid {
                    object,
                    reason: format!("the synapse of rank {j} already exists."),
                });
            }
            let delay_ms = delays.map_or(0.0, |d| d[i.min(d.len() - 1)]);
            let delay =
                new_delay(&p.conn.delays, delay_ms, dt).map_err(|reason| Error::Invalid {
                    object: object.clone(),
                    reason,
                })?;
            add.push(NewSynapse {
                post,
                pre: j,
                w: weights[i.min(weights.len() - 1)],
                delay,
            });
        }
        add.sort_by_key(|x| x.pre);
        restructure(p, pops, &add, &[])
    }

    /// Removes the synapse `pre -> post` (ANNarchy's
    /// `Dendrite.prune_synapse(rank)`).
    ///
    /// # Errors
    ///
    /// When the synapse does not exist ("the synapse of rank X did not
    /// already exist."), when `post` is not a post-synaptic neuron of the
    /// projection, the projection has no individual synapses, or a copied
    /// or transposed projection reads its synapses ([`crate::copy`]).
    pub fn prune_synapse(&mut self, proj: impl Into<AnyProj>, post: u32, pre: u32) -> Result<()> {
        self.prune_synapses(proj, post, &[pre])
    }

    /// Removes the synapses from `pre` to `post` (ANNarchy's
    /// `Dendrite.prune_synapses(ranks)`): all of them, or none.
    ///
    /// # Errors
    ///
    /// As [`prune_synapse`](Self::prune_synapse), for any of them (a rank
    /// given twice included).
    pub fn prune_synapses(
        &mut self,
        proj: impl Into<AnyProj>,
        post: u32,
        pre: &[u32],
    ) -> Result<()> {
        let k = proj.into().0;
        check_unread(&self.objects.projs, k)?;
        let pops = &mut self.objects.pops;
        let p = &mut self.objects.projs[k];
        check_post(p, post)?;
        let mut remove = Vec::with_capacity(pre.len());
        for (i, &j) in pre.iter().enumerate() {
            match p.conn.synapse_index(post, j) {
                Some(s) if !pre[..i].contains(&j) => remove.push(s),
                _ => {
                    return Err(Error::Invalid {
                        object: format!("dendrite {post} of projection `{}`", p.name),
                        reason: format!("the synapse of rank {j} did not already exist."),
                    });
                }
            }
        }
        remove.sort_unstable();
        restructure(p, pops, &[], &remove)
    }

    /// Starts evaluating the `pruning` condition of the projection's
    /// synapse model every `period` ms (`dt` when `None`), from this step
    /// (ANNarchy's `Projection.start_pruning(period)`).
    ///
    /// # Errors
    ///
    /// When the model has no `pruning` condition, the period is not
    /// positive, or a copied or transposed projection reads the
    /// projection's synapses ([`crate::copy`]).
    pub fn start_pruning(&mut self, proj: impl Into<AnyProj>, period: Option<f64>) -> Result<()> {
        let schedule = self.schedule(period)?;
        let k = proj.into().0;
        check_unread(&self.objects.projs, k)?;
        let p = &mut self.objects.projs[k];
        if !p.state.structural_rules().pruning {
            return Err(missing_rule(p, "pruning"));
        }
        p.structural.pruning = Some(schedule);
        Ok(())
    }

    /// Stops evaluating the `pruning` condition of the projection.
    pub fn stop_pruning(&mut self, proj: impl Into<AnyProj>) {
        self.objects.projs[proj.into().0].structural.pruning = None;
    }

    /// Starts evaluating the `creating` condition of the projection's
    /// synapse model every `period` ms (`dt` when `None`), from this step
    /// (ANNarchy's `Projection.start_creating(period)`).
    ///
    /// # Errors
    ///
    /// When the model has no `creating` condition, the period is not
    /// positive, the `delay` of the condition does not suit the
    /// projection (see [`create_synapse`](Self::create_synapse)), or a
    /// copied or transposed projection reads the projection's synapses
    /// ([`crate::copy`]).
    pub fn start_creating(&mut self, proj: impl Into<AnyProj>, period: Option<f64>) -> Result<()> {
        let dt = self.get_dt();
        let schedule = self.schedule(period)?;
        let k = proj.into().0;
        check_unread(&self.objects.projs, k)?;
        let p = &mut self.objects.projs[k];
        let Some(creation) = p.state.structural_rules().creating else {
            return Err(missing_rule(p, "creating"));
        };
        new_delay(&p.conn.delays, creation.delay.unwrap_or(0.0), dt).map_err(|reason| {
            Error::Invalid {
                object: format!("projection `{}`", p.name),
                reason: format!("the `delay` of the creating condition: {reason}"),
            }
        })?;
        p.structural.creating = Some(schedule);
        Ok(())
    }

    /// Stops evaluating the `creating` condition of the projection.
    pub fn stop_creating(&mut self, proj: impl Into<AnyProj>) {
        self.objects.projs[proj.into().0].structural.creating = None;
    }

    /// Every `int(period / dt)` steps from now.
    fn schedule(&self, period: Option<f64>) -> Result<Schedule> {
        let dt = self.get_dt();
        let period = period.unwrap_or(dt);
        let steps = (period / dt) as i64;
        if !period.is_finite() || steps < 1 {
            return Err(Error::Invalid {
                object: "structural plasticity".into(),
                reason: format!("the period must be at least one step ({dt} ms), not {period} ms"),
            });
        }
        Ok(Schedule {
            period: steps,
            offset: self.get_current_step(),
        })
    }
}

fn check_post(p: &Projection, post: u32) -> Result<()> {
    if p.structural.post_neurons.binary_search(&post).is_err() {
        return Err(Error::OutOfRange {
            object: format!("projection `{}`", p.name),
            what: format!("post-synaptic neuron {post} (not one of its post-synaptic neurons)"),
        });
    }
    Ok(())
}

/// Refuses to change the synapses of projection `k` when a copied or
/// transposed projection reads them ([`crate::copy`]).
fn check_unread(projs: &[Projection], k: usize) -> Result<()> {
    match projs.iter().find(|r| r.source == Some(k)) {
        Some(reader) => Err(Error::Invalid {
            object: format!("projection `{}`", projs[k].name),
            reason: format!(
                "the projection `{}` reads its connectivity and weights: its synapses can not be created or pruned",
                reader.name
            ),
        }),
        None => Ok(()),
    }
}

fn missing_rule(p: &Projection, rule: &str) -> Error {
    Error::Invalid {
        object: format!("projection `{}`", p.name),
        reason: format!(
            "its synapse `{}` has no `{rule}` condition",
            p.state.info().type_name
        ),
    }
}

/// The structural plasticity phase of step `t` (SPEC.md 5, item 10): for
/// each projection in order, its `creating` condition, then its `pruning`
/// condition, when due.
pub(crate) fn step(
    projs: &mut [Projection],
    pops: &mut [Population],
    t: i64,
    dt: f64,
    seed: u64,
    team: Option<&Team>,
) {
    for (i, proj) in projs.iter_mut().enumerate() {
        let creating = proj.structural.creating.is_some_and(|s| s.due(t));
        let pruning = proj.structural.pruning.is_some_and(|s| s.due(t));
        if !creating && !pruning {
            continue;
        }
        let rng = RngCtx {
            seed,
            object: (1u64 << 32) + i as u64,
            t,
            team,
        };
        if creating {
            let rules = proj.state.structural_rules();
            let creation = rules.creating.unwrap_or_default();
            // Checked by `start_creating`.
            let delay =
                new_delay(&proj.conn.delays, creation.delay.unwrap_or(0.0), dt).unwrap_or(0);
            let mut pairs = Vec::new();
            let pre_size = pops[proj.pre].size();
            with_synapse_ctx(proj, pops, t, dt, team, |state, ctx, _, posts| {
                state.creating(ctx, &rng, posts, pre_size, &mut pairs);
            });
            let add: Vec<NewSynapse> = pairs
                .into_iter()
                .map(|(post, pre)| NewSynapse {
                    post,
                    pre,
                    w: creation.w,
                    delay,
                })
                .collect();
            if !add.is_empty() {
                // Refused only by states without individual synapses,
                // which have no condition to evaluate.
                let _ = restructure(proj, pops, &add, &[]);
            }
        }
        if pruning {
            let mut remove = Vec::new();
            with_synapse_ctx(proj, pops, t, dt, team, |state, ctx, _, _| {
                state.pruning(ctx, &rng, &mut remove);
            });
            if !remove.is_empty() {
                let remove: Vec<usize> = remove.into_iter().map(|s| s as usize).collect();
                let _ = restructure(proj, pops, &[], &remove);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_ranks_skip_the_row() {
        assert_eq!(absent(&[0, 2, 3], 6).collect::<Vec<_>>(), vec![1, 4, 5]);
        assert_eq!(absent(&[], 3).collect::<Vec<_>>(), vec![0, 1, 2]);
        assert_eq!(absent(&[0, 1, 2], 3).count(), 0);
    }

    #[test]
    fn remap_keeps_moves_and_initialises() {
        let conn = Connectivity::empty();
        let map = Remap {
            conn: &conn,
            synapses: &[1, Remap::NEW, 2, Remap::NEW],
            weights: &[7.0, 8.0],
            dendrites: &[Remap::NEW, 0],
        };
        let old = [10.0, 11.0, 12.0];
        assert_eq!(map.synapses(&old, -1.0), vec![11.0, -1.0, 12.0, -1.0]);
        assert_eq!(map.weights(&old), vec![11.0, 7.0, 12.0, 8.0]);
        assert_eq!(map.dendrites(&[5_i64], 0), vec![0, 5]);
        assert_eq!(map.old_synapse(0), Some(1));
        assert_eq!(map.old_synapse(1), None);
        assert_eq!(map.old_dendrite(0), None);
    }

    #[test]
    fn delays_of_new_synapses() {
        assert_eq!(new_delay(&Delays::None, 0.0, 0.1), Ok(0));
        assert_eq!(new_delay(&Delays::None, 0.1, 0.1), Ok(0));
        assert!(new_delay(&Delays::None, 1.0, 0.1).is_err());
        assert_eq!(new_delay(&Delays::Uniform(5), 0.0, 1.0), Ok(5));
        assert_eq!(new_delay(&Delays::Uniform(5), 5.0, 1.0), Ok(5));
        assert!(new_delay(&Delays::Uniform(5), 4.0, 1.0).is_err());
        assert_eq!(new_delay(&Delays::PerSynapse(vec![2]), 4.0, 1.0), Ok(4));
        assert!(new_delay(&Delays::PerSynapse(vec![2]), -1.0, 1.0).is_err());
    }

    #[test]
    fn draws_depend_on_the_key_step_and_neuron_only() {
        let ctx = |t| RngCtx {
            seed: 3,
            object: 7,
            t,
            team: None,
        };
        let u = RandomDistribution::uniform(0.0, 1.0);
        let a = Draws::new(&ctx(2), PRUNING_STREAM, 4).sample(&u);
        assert_eq!(a, Draws::new(&ctx(2), PRUNING_STREAM, 4).sample(&u));
        assert_ne!(a, Draws::new(&ctx(3), PRUNING_STREAM, 4).sample(&u));
        assert_ne!(a, Draws::new(&ctx(2), CREATING_STREAM, 4).sample(&u));
        assert_ne!(a, Draws::new(&ctx(2), PRUNING_STREAM, 5).sample(&u));
        let mut d = Draws::new(&ctx(2), PRUNING_STREAM, 4);
        assert!((0..100).all(|_| d.accept(1.0)));
        assert!((0..100).all(|_| !d.accept(0.0)));
    }
}
