//! Projections: a synapse model's state over a connectivity, the links from
//! its `pre.x` / `post.x` names to population storage, and learning flags.

use crate::connectivity::{Connectivity, Delays, SpikeIndex};
use crate::connectors::ConnectorInfo;
use crate::delivery::PreWeights;
use crate::error::{Error, Result, closest};
use crate::model::{AttrRef, Locality, SynapseState};
use crate::population::{AttrValue, Population, Snapshot, restore, snapshot, write_values};
use rand::Rng;

/// Where a `pre.x` / `post.x` / `pre.sum(t)` of a synapse reads from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Link {
    /// Attribute `index` of the population; `ring` is the index of its delay
    /// ring when the projection has delays.
    Attr { index: usize, ring: Option<usize> },
    /// Sum of target `index` of the population.
    Sum { index: usize },
    /// Nothing to read (the value is never used).
    Zero,
}

/// A projection of the network.
#[derive(Clone)]
pub(crate) struct Projection {
    pub name: String,
    pub pre: usize,
    pub post: usize,
    pub target: String,
    /// Index of the target among the post population's sums (set at build).
    pub target_index: usize,
    pub state: Box<dyn SynapseState>,
    pub conn: Connectivity,
    /// Result of the transmission per dendrite.
    pub psp: Vec<f64>,
    pub transmission: bool,
    pub update: bool,
    pub plasticity: bool,
    /// Learning period and offset in steps.
    pub period: i64,
    pub offset: i64,
    pub pre_links: Vec<Link>,
    pub post_links: Vec<Link>,
    pub initial: Vec<Snapshot>,
    /// Values of the network constants the model reads, in the model's order.
    pub constants: Vec<f64>,
    /// Spiking: the pre-synaptic index of the connectivity.
    pub index: SpikeIndex,
    /// Spiking with per-synapse delays: synapses reached by spikes in each
    /// of the coming steps (`events[event_head]` is the current one).
    pub events: Vec<Vec<u32>>,
    pub event_head: usize,
    /// The weights in pre-synaptic order, for models whose spikes only add
    /// `w` ([`crate::model::ModelInfo::pre_spike_adds_w`]). Every write to
    /// the state from outside a step must invalidate it.
    pub pre_weights: PreWeights,
    /// Index of `w` when spikes are delivered from `pre_weights`.
    pub delivered_w: Option<usize>,
    /// The connector that created the synapses (for reports).
    pub connector: ConnectorInfo,
    /// Structural plasticity: the post-synaptic neurons, and when the
    /// `creating` / `pruning` conditions are evaluated.
    pub structural: crate::structural::Structural,
    /// A copied or transposed projection ([`crate::copy`]): the index of
    /// the projection whose connectivity and weights it reads at every step.
    pub source: Option<usize>,
    /// Counts the replacements of the connectivity by
    /// [`Projection::rewire`], so that a projection reading this one
    /// notices them.
    pub version: u64,
    /// Whether the post-synaptic population's update delivers this step's
    /// spikes ([`crate::arrivals::plan`]).
    pub deferred: bool,
    /// The spikes a deferred projection delivers this step.
    pub arriving: Vec<u32>,
    /// Where the rows of `index` cross the parts of a split update.
    pub cuts: crate::arrivals::RowCuts,
}

impl Projection {
    pub fn attr_index(&self, name: &str) -> Result<usize> {
        let info = self.state.info();
        info.attribute_index(name)
            .ok_or_else(|| Error::UnknownAttribute {
                object: format!("projection `{}`", self.name),
                name: name.to_string(),
                suggestion: closest(name, info.attributes.iter().map(|a| a.name)),
            })
    }

    /// All values of an attribute in storage order (one for global ones,
    /// one per dendrite for semiglobal ones).
    pub fn get(&self, name: &str) -> Result<Vec<f64>> {
        let idx = self.attr_index(name)?;
        Ok(self.state.attr(idx).to_vec())
    }

    pub fn set<R: Rng + ?Sized>(
        &mut self,
        name: &str,
        value: &AttrValue,
        rng: &mut R,
    ) -> Result<()> {
        let idx = self.attr_index(name)?;
        let info = self.state.info().attributes[idx];
        let object = format!("projection `{}`", self.name);
        self.pre_weights.invalidate();
        write_values(
            &object,
            name,
            self.state.attr_mut(idx),
            info.locality,
            info.value_type,
            None,
            value,
            rng,
        )
    }

    /// Index of the value of `name` for synapse (post, pre): the synapse
    /// index (local), the dendrite index (semiglobal), 0 (global).
    pub fn value_index(&self, name: &str, post: u32, pre: Option<u32>) -> Result<(usize, usize)> {
        let idx = self.attr_index(name)?;
        let loc = self.state.info().attributes[idx].locality;
        let missing = |what: String| Error::OutOfRange {
            object: format!("projection `{}`", self.name),
            what,
        };
        let pos = match loc {
            // A projection-wide array (a convolution's kernel) has no value
            // per synapse.
            Locality::Global
                if !self.state.attr(idx).is_scalar() && self.state.attr(idx).len() != 1 =>
            {
                return Err(Error::Invalid {
                    object: format!("projection `{}`", self.name),
                    reason: format!(
                        "`{name}` is one array for the whole projection, not a value per synapse: \
                         read it with proj_get"
                    ),
                });
            }
            Locality::Global => 0,
            Locality::SemiGlobal => self.conn.dendrite_index(post).ok_or_else(|| {
                missing(format!("post-synaptic neuron {post} (it has no synapse)"))
            })?,
            Locality::Local => {
                let pre = pre.ok_or_else(|| Error::Invalid {
                    object: format!("projection `{}`", self.name),
                    reason: format!(
                        "`{name}` has one value per synapse: give the pre-synaptic rank"
                    ),
                })?;
                self.conn
                    .synapse_index(post, pre)
                    .ok_or_else(|| missing(format!("synapse {pre} -> {post}")))?
            }
        };
        Ok((idx, pos))
    }

    /// Replaces the spike index (the rows changed), and forgets where the
    /// old rows crossed the parts of a split update.
    pub fn set_index(&mut self, index: SpikeIndex) {
        self.index = index;
        self.cuts.clear();
    }

    /// Spiking pre-synaptic population `pre`: the pre-synaptic index of the
    /// connectivity, the spike history of `pre` long enough for a uniform
    /// delay, and the queues of per-synapse delays (emptied).
    pub fn prepare_spikes(&mut self, pre: &mut Population, post_size: usize) {
        self.set_index(SpikeIndex::new(&self.conn, pre.size(), post_size));
        self.event_head = 0;
        self.arriving = Vec::with_capacity(pre.size());
        match &self.conn.delays {
            Delays::Uniform(d) if *d > 1 => {
                pre.keep_spikes(*d as usize);
                self.events = Vec::new();
            }
            Delays::PerSynapse(_) => {
                let n = self.conn.max_delay().max(1) as usize;
                self.events = vec![Vec::new(); n];
            }
            _ => self.events = Vec::new(),
        }
    }

    /// Replaces the connectivity and the synapse state (sized for it), and
    /// rebuilds what depends on them: the transmission results, the
    /// pre-ordered weights, the rings of past values of the pre-synaptic
    /// attributes the synapse reads (grown, keeping their history), and,
    /// for a spiking pre-synaptic population, the spike index, history
    /// and queues (see [`Projection::prepare_spikes`]). A projection that
    /// reads this one ([`Projection::source`]) rebuilds what it derived
    /// from the old connectivity at its next transmission. The values that
    /// [`reset`](Self::reset) restores are kept for the synapses (and
    /// dendrites) that both connectivities hold; the others restore their
    /// attributes' initial values, and their weights of now.
    pub fn rewire(
        &mut self,
        conn: Connectivity,
        state: Box<dyn SynapseState>,
        pops: &mut [Population],
    ) {
        // The values `reset` restores follow the synapses that both
        // connectivities hold; the others start from their initial values
        // (and the weights they have now).
        let w = match self.state.info().attribute_index("w") {
            Some(i) => match state.attr(i) {
                AttrRef::Scalar(_) => Vec::new(),
                w => w.to_vec(),
            },
            None => Vec::new(),
        };
        let matching = crate::structural::Remap::matching(&self.conn, &conn, &w);
        matching
            .remap(&conn)
            .snapshots(&mut self.initial, self.state.info());
        self.psp = vec![0.0; conn.nb_dendrites()];
        self.version += 1;
        self.structural.include(&conn);
        self.conn = conn;
        self.conn.rehouse();
        self.state = state;
        self.pre_weights = PreWeights::new();
        let max_delay = self.conn.max_delay();
        let pre = &mut pops[self.pre];
        for link in &mut self.pre_links {
            if let Link::Attr { index, ring } = link {
                *ring = (max_delay > 1).then(|| pre.delay_ring(*index, max_delay as usize));
            }
        }
        if pre.spiking() {
            let post_size = pops[self.post].size();
            self.prepare_spikes(&mut pops[self.pre], post_size);
        } else {
            self.set_index(SpikeIndex::default());
            self.events = Vec::new();
            self.event_head = 0;
        }
    }

    /// Synapses reached by spikes already emitted, per coming step (the
    /// next step first), for per-synapse delays.
    pub fn pending_events(&self) -> impl Iterator<Item = &[u32]> {
        let n = self.events.len();
        (0..n).map(move |k| &self.events[(self.event_head + k) % n][..])
    }

    /// Replaces the synapses reached by spikes already emitted, per coming
    /// step (the next step first); the queue grows to hold them all.
    pub fn set_pending_events(&mut self, pending: Vec<Vec<u32>>) {
        let n = self.events.len().max(pending.len());
        let mut events = pending;
        events.resize_with(n, Vec::new);
        self.events = events;
        self.event_head = 0;
    }

    pub fn take_snapshot(&mut self) {
        let n = self.state.info().attributes.len();
        self.initial = (0..n).map(|i| snapshot(self.state.attr(i))).collect();
    }

    /// Restores every attribute (but `w` unless `synapses`) to its build-time value.
    pub fn reset(&mut self, synapses: bool) {
        self.pre_weights.invalidate();
        let info = self.state.info();
        for (i, s) in self.initial.iter().enumerate() {
            if info.attributes[i].name == "w" && !synapses {
                continue;
            }
            restore(self.state.attr_mut(i), s);
        }
    }
}

/// Read access to the synapses of one post-synaptic neuron (ANNarchy's `Dendrite`).
#[derive(Clone, Copy)]
pub struct Dendrite<'a> {
    pub(crate) proj: &'a Projection,
    pub(crate) index: usize,
}

impl Dendrite<'_> {
    /// Rank of the post-synaptic neuron.
    pub fn post_rank(&self) -> u32 {
        self.proj.conn.post_ranks[self.index]
    }
    /// Number of synapses.
    pub fn size(&self) -> usize {
        self.proj.conn.row(self.index).len()
    }
    /// Ranks of the pre-synaptic neurons, ascending.
    pub fn pre_ranks(&self) -> &[u32] {
        &self.proj.conn.pre_ranks[self.proj.conn.row(self.index)]
    }
    /// Values of an attribute: one per synapse (local), or a single value
    /// (semiglobal and global attributes).
    pub fn get(&self, name: &str) -> Result<Vec<f64>> {
        let idx = self.proj.attr_index(name)?;
        let loc = self.proj.state.info().attributes[idx].locality;
        let values = self.proj.state.attr(idx);
        Ok(match loc {
            _ if values.is_scalar() => values.to_vec(),
            Locality::SemiGlobal => vec![values.get(self.index)],
            // A projection-wide array (the kernel of a shared-weight
            // projection) is the same for every dendrite.
            Locality::Global => values.to_vec(),
            Locality::Local => self
                .proj
                .conn
                .row(self.index)
                .map(|s| values.get(s))
                .collect(),
        })
    }
    /// Delays of the synapses in ms.
    pub fn delays(&self, dt: f64) -> Vec<f64> {
        self.proj
            .conn
            .row(self.index)
            .map(|s| f64::from(self.proj.conn.synapse_delay(s).max(1)) * dt)
            .collect()
    }
}
