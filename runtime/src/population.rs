//! Populations: a neuron model's state with its geometry, the weighted sums
//! it receives, delayed copies of its attributes, and access by name.

use crate::error::{Error, Result, closest};
use crate::geometry::Geometry;
use crate::math::Real;
use crate::model::{AttrMut, AttrRef, Locality, NeuronState, ValueType};
use crate::random::RandomDistribution;
use rand::Rng;

/// A value given to an attribute: one number for all, one per element, or a
/// distribution drawn once per element.
#[derive(Clone, Debug, PartialEq)]
pub enum AttrValue {
    /// The same value everywhere.
    Scalar(f64),
    /// One value per neuron (or synapse), in rank (storage) order.
    Array(Vec<f64>),
    /// One draw per neuron (or synapse).
    Dist(RandomDistribution),
}

impl From<f64> for AttrValue {
    fn from(v: f64) -> Self {
        AttrValue::Scalar(v)
    }
}
impl From<Vec<f64>> for AttrValue {
    fn from(v: Vec<f64>) -> Self {
        AttrValue::Array(v)
    }
}
impl From<&[f64]> for AttrValue {
    fn from(v: &[f64]) -> Self {
        AttrValue::Array(v.to_vec())
    }
}
impl<const N: usize> From<[f64; N]> for AttrValue {
    fn from(v: [f64; N]) -> Self {
        AttrValue::Array(v.to_vec())
    }
}
impl From<RandomDistribution> for AttrValue {
    fn from(v: RandomDistribution) -> Self {
        AttrValue::Dist(v)
    }
}

/// Past values of one attribute, for projections with delays: `slots[head]`
/// holds the values at the end of the last step, `slots[head - d + 1]` those
/// of `d - 1` steps before.
#[derive(Clone, Debug)]
pub(crate) struct Ring {
    pub attr: usize,
    pub slots: Vec<Vec<f64>>,
    pub head: usize,
}

impl Ring {
    pub fn new(attr: usize, len: usize, current: AttrRef<'_>) -> Ring {
        Ring {
            attr,
            slots: vec![current.to_vec(); len.max(1)],
            head: 0,
        }
    }
    pub fn push(&mut self, current: AttrRef<'_>) {
        self.head = (self.head + 1) % self.slots.len();
        current.copy_into(&mut self.slots[self.head]);
    }
    pub fn fill(&mut self, current: AttrRef<'_>) {
        for s in &mut self.slots {
            current.copy_into(s);
        }
    }
    /// Values of `d` steps ago in the transmission phase (`d >= 1`).
    /// Makes room for delays of up to `len` steps; older slots take the
    /// oldest values known.
    pub fn grow(&mut self, len: usize) {
        let n = self.slots.len();
        if len <= n {
            return;
        }
        // Oldest first.
        let mut ordered: Vec<Vec<f64>> = (0..n)
            .map(|k| self.slots[(self.head + 1 + k) % n].clone())
            .collect();
        let oldest = ordered[0].clone();
        let mut slots = vec![oldest; len - n];
        slots.append(&mut ordered);
        self.slots = slots;
        self.head = len - 1;
    }
    pub fn delayed(&self, d: u32) -> &[f64] {
        let n = self.slots.len();
        let back = (d.max(1) - 1) as usize % n;
        &self.slots[(self.head + n - back) % n]
    }
    /// The values of every slot, newest first (those of the last step first).
    pub fn history(&self) -> impl Iterator<Item = &[f64]> {
        let n = self.slots.len();
        (0..n).map(move |k| &self.slots[(self.head + n - k) % n][..])
    }
    /// Sets the slots from `history`, newest first; slots older than
    /// `history` take the oldest values given (`history` holds at least
    /// one entry, each as long as a slot).
    pub fn set_history(&mut self, history: &[Vec<f64>]) {
        let n = self.slots.len();
        self.head = 0;
        for k in 0..n {
            let values = &history[k.min(history.len() - 1)];
            self.slots[(n - k) % n].copy_from_slice(values);
        }
    }
}

/// Puts `newest_first` in a ring of `len` slots whose head is slot 0: the
/// `k`-th newest goes to slot `-k` (modulo `len`); slots left over are empty.
fn spikes_ring(newest_first: Vec<Vec<u32>>, len: usize, capacity: usize) -> Vec<Vec<u32>> {
    let mut ring: Vec<Vec<u32>> = (0..len).map(|_| Vec::new()).collect();
    for (k, slot) in newest_first.into_iter().enumerate().take(len) {
        ring[(len - k) % len] = slot;
    }
    for slot in &mut ring {
        slot.reserve(capacity.saturating_sub(slot.len()));
    }
    ring
}

/// The slots of a spike ring whose newest slot is `head`, newest first.
fn ring_history(ring: &[Vec<u32>], head: usize) -> impl Iterator<Item = &[u32]> {
    let n = ring.len();
    (0..n).map(move |k| &ring[(head + n - k) % n][..])
}

/// A population of the network.
#[derive(Clone)]
pub(crate) struct Population {
    pub name: String,
    pub geometry: Geometry,
    pub state: Box<dyn NeuronState>,
    /// Targets the population receives: the model's, then others (for `sum()`).
    pub targets: Vec<String>,
    pub sums: Vec<Vec<f64>>,
    pub enabled: bool,
    pub rings: Vec<Ring>,
    /// Attribute values at build time, restored by `reset`.
    pub initial: Vec<Snapshot>,
    /// Values of the network constants the model reads, in the model's order.
    pub constants: Vec<f64>,
    /// Spiking: the ranks that spiked in the last step.
    pub spiked: Vec<u32>,
    /// Spiking: step of each neuron's last spike (-10000 before the first).
    pub last_spike: Vec<i64>,
    /// Spiking: the ranks that emitted an axonal spike only in the last step.
    pub axonal: Vec<u32>,
    /// Spiking: the spikes of past steps, for projections with uniform delays
    /// (`spike_ring[spike_head]` holds the last step's).
    pub spike_ring: Vec<Vec<u32>>,
    pub spike_head: usize,
    /// Spiking: for each target, the index of its conductance `g_<target>`.
    pub g_index: Vec<Option<usize>>,
    /// Mean firing rate (`compute_firing_rate`): `r`'s index, the window in
    /// ms, the spikes of each of its steps, and the count per neuron.
    pub rate: Option<RateWindow>,
    /// Spiking: whether the update delivers this step's spikes
    /// ([`crate::arrivals::plan`]).
    pub fuse: bool,
    /// Spiking: the projections whose spikes the update delivers this step
    /// (index, position of the conductance among the update's
    /// [`NeuronState::arrival_attrs`](crate::model::NeuronState::arrival_attrs)).
    pub arrivals: Vec<(usize, usize)>,
}

/// The sliding window of `compute_firing_rate`.
#[derive(Clone, Debug)]
pub(crate) struct RateWindow {
    r: usize,
    window_ms: f64,
    steps: Vec<Vec<u32>>,
    head: usize,
    counts: Vec<u32>,
}

/// A saved attribute value, in the precision of its storage (an `f32`
/// array is kept in `f32`: half the memory, the same values).
#[derive(Clone, Debug)]
pub(crate) enum Snapshot {
    Scalar(f64),
    Array(Vec<f64>),
    ArrayF32(Vec<f32>),
}

pub(crate) fn snapshot(r: AttrRef<'_>) -> Snapshot {
    match r {
        AttrRef::Scalar(v) => Snapshot::Scalar(v),
        AttrRef::Array(a) => Snapshot::Array(a.to_vec()),
        AttrRef::ArrayF32(a) => Snapshot::ArrayF32(a.to_vec()),
    }
}

pub(crate) fn restore(mut m: AttrMut<'_>, s: &Snapshot) {
    if let (Snapshot::ArrayF32(v), AttrMut::ArrayF32(a)) = (s, &mut m)
        && a.len() == v.len()
    {
        a.copy_from_slice(v);
        return;
    }
    match s {
        Snapshot::Scalar(v) if m.is_scalar() => m.set(0, *v),
        Snapshot::Array(v) if !m.is_scalar() && m.len() == v.len() => m.copy_from(v),
        // An `f32` snapshot comes from `f32` storage, restored above.
        _ => {}
    }
}

/// Converts a value to what an attribute of `value_type` holds.
pub(crate) fn typed(v: f64, t: ValueType) -> f64 {
    match t {
        ValueType::Float => v,
        ValueType::Int => v.trunc(),
        ValueType::Bool => f64::from(u8::from(v != 0.0)),
    }
}

/// Writes `value` into attribute storage at the positions `idx` (all when `None`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_values<R: Rng + ?Sized>(
    object: &str,
    name: &str,
    mut target: AttrMut<'_>,
    locality: Locality,
    value_type: ValueType,
    idx: Option<&[u32]>,
    value: &AttrValue,
    rng: &mut R,
) -> Result<()> {
    if target.is_scalar() {
        match value {
            AttrValue::Scalar(v) if idx.is_none() => target.set(0, typed(*v, value_type)),
            AttrValue::Array(v) if v.len() == 1 && idx.is_none() => {
                target.set(0, typed(v[0], value_type));
            }
            _ => {
                return Err(Error::Invalid {
                    object: object.to_string(),
                    reason: format!(
                        "`{name}` is a global attribute ({}): it has one value, which must be set with a single number{}",
                        if locality == Locality::Global {
                            "one value for the whole object"
                        } else {
                            ""
                        },
                        if idx.is_some() {
                            " on the whole population, not on a view"
                        } else {
                            ""
                        }
                    ),
                });
            }
        }
        return Ok(());
    }
    let n = idx.map_or(target.len(), <[u32]>::len);
    let values: Vec<f64> = match value {
        AttrValue::Scalar(v) => vec![*v; n],
        AttrValue::Array(v) => {
            if v.len() != n {
                return Err(Error::SizeMismatch {
                    object: object.to_string(),
                    attribute: name.to_string(),
                    expected: n,
                    got: v.len(),
                });
            }
            v.clone()
        }
        AttrValue::Dist(d) => {
            d.validate()?;
            d.sample_n(rng, n)
        }
    };
    match idx {
        None => {
            for (i, v) in values.into_iter().enumerate() {
                target.set(i, typed(v, value_type));
            }
        }
        Some(ranks) => {
            for (&r, v) in ranks.iter().zip(values) {
                if r as usize >= target.len() {
                    return Err(Error::OutOfRange {
                        object: object.to_string(),
                        what: format!("rank {r}"),
                    });
                }
                target.set(r as usize, typed(v, value_type));
            }
        }
    }
    Ok(())
}

impl Population {
    pub fn new(name: String, geometry: Geometry, state: Box<dyn NeuronState>) -> Population {
        let targets: Vec<String> = state.info().targets.iter().map(|s| s.to_string()).collect();
        let size = geometry.size();
        let sums = vec![vec![0.0; size]; targets.len()];
        Population {
            name,
            geometry,
            state,
            targets,
            sums,
            enabled: true,
            rings: Vec::new(),
            initial: Vec::new(),
            constants: Vec::new(),
            spiked: Vec::with_capacity(size),
            last_spike: vec![-10000; size],
            axonal: Vec::with_capacity(size),
            spike_ring: Vec::new(),
            spike_head: 0,
            g_index: Vec::new(),
            rate: None,
            fuse: false,
            arrivals: Vec::new(),
        }
    }

    pub fn size(&self) -> usize {
        self.geometry.size()
    }

    /// Whether the population emits spikes.
    pub fn spiking(&self) -> bool {
        self.state.info().spiking
    }

    /// Adds `values[k]` to neuron `post_ranks[k]` of target `target`: to
    /// its `sum(target)`, or in a spiking population to its conductance
    /// `g_target` (a current injection; nothing without one), lent through
    /// `scratch` (`f64`) or `scratch_f32` (an `f32` conductance, each sum
    /// rounded once, as it is stored).
    pub fn add_per_dendrite(
        &mut self,
        target: usize,
        post_ranks: &[u32],
        values: &[f64],
        scratch: &mut Vec<f64>,
        scratch_f32: &mut Vec<f32>,
    ) {
        if !self.spiking() {
            add_at(&mut self.sums[target], post_ranks, values);
            return;
        }
        let Some(g) = self.g_index.get(target).copied().flatten() else {
            return;
        };
        if self.state.take_array_f32(g, scratch_f32) {
            add_at(scratch_f32, post_ranks, values);
            self.state.put_array_f32(g, scratch_f32);
        } else {
            self.state.take_array(g, scratch);
            add_at(scratch, post_ranks, values);
            self.state.put_array(g, scratch);
        }
    }

    /// Makes room for spikes delayed by up to `steps` steps (the spikes
    /// already kept stay at their distance from now).
    pub fn keep_spikes(&mut self, steps: usize) {
        if self.spike_ring.len() < steps {
            let history = self.spike_history().map(<[u32]>::to_vec).collect();
            self.spike_ring = spikes_ring(history, steps, self.size());
            self.spike_head = 0;
        }
    }

    /// The spikes kept for delays, newest first (those of the last step
    /// first), one entry per step kept.
    pub fn spike_history(&self) -> impl Iterator<Item = &[u32]> {
        ring_history(&self.spike_ring, self.spike_head)
    }

    /// Replaces the spikes kept for delays by `newest_first` (as many as
    /// the history keeps; older steps without spikes).
    pub fn set_spike_history(&mut self, newest_first: Vec<Vec<u32>>) {
        self.spike_ring = spikes_ring(newest_first, self.spike_ring.len(), self.size());
        self.spike_head = 0;
    }

    /// The window of `compute_firing_rate`, if any: its length in ms and
    /// the spikes of each of its steps, newest first.
    pub fn rate_history(&self) -> Option<(f64, impl Iterator<Item = &[u32]>)> {
        self.rate
            .as_ref()
            .map(|w| (w.window_ms, ring_history(&w.steps, w.head)))
    }

    /// Replaces the spikes of the window of `compute_firing_rate` (if the
    /// population has one) by `newest_first`, as many as it holds, and
    /// recounts them.
    pub fn set_rate_history(&mut self, newest_first: Vec<Vec<u32>>) {
        let size = self.size();
        let Some(w) = &mut self.rate else {
            return;
        };
        w.steps = spikes_ring(newest_first, w.steps.len(), size);
        w.head = 0;
        w.counts.fill(0);
        for slot in &w.steps {
            for &i in slot {
                w.counts[i as usize] += 1;
            }
        }
    }

    /// The index of the ring of past values of attribute `attr`, made if
    /// needed, with room for delays of up to `len` steps.
    pub fn delay_ring(&mut self, attr: usize, len: usize) -> usize {
        let pos = match self.rings.iter().position(|r| r.attr == attr) {
            Some(i) => i,
            None => {
                self.rings.push(Ring::new(attr, len, self.state.attr(attr)));
                self.rings.len() - 1
            }
        };
        self.rings[pos].grow(len);
        pos
    }

    /// Starts computing `r` as the firing rate over `steps` steps (`window_ms`).
    pub fn start_rate(&mut self, r: usize, steps: usize, window_ms: f64) {
        let size = self.size();
        self.rate = Some(RateWindow {
            r,
            window_ms,
            steps: (0..steps).map(|_| Vec::with_capacity(size)).collect(),
            head: 0,
            counts: vec![0; size],
        });
    }

    /// Slides the firing-rate window by one step and updates `r`.
    pub fn update_rate(&mut self) {
        let Some(w) = &mut self.rate else {
            return;
        };
        w.head = (w.head + 1) % w.steps.len();
        for &i in &w.steps[w.head] {
            w.counts[i as usize] -= 1;
        }
        w.steps[w.head].clear();
        w.steps[w.head].extend_from_slice(&self.spiked);
        for &i in &self.spiked {
            w.counts[i as usize] += 1;
        }
        let scale = 1000.0 / w.window_ms;
        let mut r = self.state.attr_mut(w.r);
        if !r.is_scalar() {
            for (i, &c) in w.counts.iter().enumerate() {
                r.set(i, scale * f64::from(c));
            }
        }
    }

    /// Pushes this step's spikes into the history.
    pub fn push_spikes(&mut self) {
        if self.spike_ring.is_empty() {
            return;
        }
        self.spike_head = (self.spike_head + 1) % self.spike_ring.len();
        let slot = &mut self.spike_ring[self.spike_head];
        slot.clear();
        slot.extend_from_slice(&self.spiked);
    }

    /// The spikes emitted `d` steps before the current step's transmission (`d >= 1`).
    pub fn delayed_spikes(&self, d: u32) -> &[u32] {
        if d <= 1 || self.spike_ring.is_empty() {
            return &self.spiked;
        }
        let n = self.spike_ring.len();
        let back = (d as usize - 1) % n;
        &self.spike_ring[(self.spike_head + n - back) % n]
    }

    /// Index of attribute `name`, or an error with a suggestion.
    pub fn attr_index(&self, name: &str) -> Result<usize> {
        let info = self.state.info();
        info.attribute_index(name)
            .ok_or_else(|| Error::UnknownAttribute {
                object: format!("population `{}`", self.name),
                name: name.to_string(),
                suggestion: closest(name, info.attributes.iter().map(|a| a.name)),
            })
    }

    /// Index of target `t` among the population's sums.
    pub fn target_index(&self, t: &str) -> Option<usize> {
        self.targets.iter().position(|x| x == t)
    }

    /// Adds a target (for a projection that delivers to it).
    pub fn add_target(&mut self, t: &str) -> usize {
        match self.target_index(t) {
            Some(i) => i,
            None => {
                self.targets.push(t.to_string());
                self.sums.push(vec![0.0; self.size()]);
                self.targets.len() - 1
            }
        }
    }

    /// Values of an attribute (or of `sum(target)`) at `ranks` (all when `None`).
    pub fn get(&self, name: &str, ranks: Option<&[u32]>) -> Result<Vec<f64>> {
        if let Some(t) = name.strip_prefix("sum(").and_then(|s| s.strip_suffix(')')) {
            // The input of a spiking neuron on a target is its conductance.
            if self.spiking() {
                return self.get(&format!("g_{}", t.trim()), ranks);
            }
            let size = self.size();
            let values = match self.target_index(t.trim()) {
                Some(k) => self.sums[k].clone(),
                None => vec![0.0; size],
            };
            return Ok(match ranks {
                None => values,
                Some(r) => r.iter().map(|&i| values[i as usize]).collect(),
            });
        }
        let idx = self.attr_index(name)?;
        let values = self.state.attr(idx);
        Ok(match ranks {
            Some(r) if !values.is_scalar() => r.iter().map(|&i| values.get(i as usize)).collect(),
            _ => values.to_vec(),
        })
    }

    /// Sets an attribute at `ranks` (all when `None`).
    pub fn set<R: Rng + ?Sized>(
        &mut self,
        name: &str,
        ranks: Option<&[u32]>,
        value: &AttrValue,
        rng: &mut R,
    ) -> Result<()> {
        let idx = self.attr_index(name)?;
        let info = self.state.info().attributes[idx];
        let object = format!("population `{}`", self.name);
        write_values(
            &object,
            name,
            self.state.attr_mut(idx),
            info.locality,
            info.value_type,
            ranks,
            value,
            rng,
        )
    }

    pub fn take_snapshot(&mut self) {
        let n = self.state.info().attributes.len();
        self.initial = (0..n).map(|i| snapshot(self.state.attr(i))).collect();
    }

    /// Restores every attribute to its value at build time, clears sums and delays.
    pub fn reset(&mut self) {
        for (i, s) in self.initial.iter().enumerate() {
            restore(self.state.attr_mut(i), s);
        }
        for s in &mut self.sums {
            s.fill(0.0);
        }
        self.spiked.clear();
        self.axonal.clear();
        self.last_spike.fill(-10000);
        if let Some(w) = &mut self.rate {
            for s in &mut w.steps {
                s.clear();
            }
            w.counts.fill(0);
        }
        for slot in &mut self.spike_ring {
            slot.clear();
        }
        for ring in &mut self.rings {
            ring.fill(self.state.attr(ring.attr));
        }
    }
}

/// Adds `values[k]` to `x[ranks[k]]`, each sum computed in `f64` and
/// rounded once as it is stored (exact in `f64`; ANNarchy's `float`
/// arithmetic in `f32`).
pub(crate) fn add_at<G: Real>(x: &mut [G], ranks: &[u32], values: &[f64]) {
    for (&r, &v) in ranks.iter().zip(values) {
        let x = &mut x[r as usize];
        *x = G::from_f64(x.to_f64() + v);
    }
}
