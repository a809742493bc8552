//! Monitors: recording of variables of populations, views and projections
//! at the end of steps, every `period`, with start / pause / resume.

use crate::error::{Error, Result};
use crate::stream::{MonitorStream, StreamSlot};

/// What a monitor records from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Source {
    /// Population index and the ranks recorded (all when `None`).
    Population(usize, Option<Vec<u32>>),
    /// Projection index and optionally one dendrite (post rank).
    Projection(usize, Option<u32>),
}

/// What is recorded of one variable.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Recorded {
    /// Attribute index.
    Attr(usize),
    /// `sum(target)`: the target's name (its sums may not exist until build).
    Sum(String),
    /// Spikes of a spiking population.
    Spike,
}

/// Options of a monitor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MonitorOptions {
    /// Recording period in ms (`None`: every step).
    pub period: Option<f64>,
    /// Offset of the recording within the period, in ms.
    pub period_offset: f64,
    /// Whether recording starts as soon as the network is built.
    pub start: bool,
    /// Keep only the last `n` recorded rows of each variable, and the
    /// spikes of the last `n` steps, so that the memory of a long run stays
    /// bounded (at most twice that is held between reads). `None`: keep
    /// everything until read.
    pub keep_last: Option<usize>,
}

impl Default for MonitorOptions {
    fn default() -> Self {
        MonitorOptions {
            period: None,
            period_offset: 0.0,
            start: true,
            keep_last: None,
        }
    }
}

/// Recorded values of one variable.
#[derive(Clone, Debug, PartialEq)]
pub struct Recording {
    /// Steps at which each row was recorded (the state at the end of that step).
    pub steps: Vec<i64>,
    /// Times of the rows in ms (`step * dt`).
    pub times: Vec<f64>,
    /// One row per recorded step, one column per recorded element (neuron,
    /// synapse in storage order, or one column for a global attribute).
    pub values: Vec<Vec<f64>>,
}

/// The spikes a monitor recorded, step after step: for each step with
/// spikes, its number and the slots (positions among the recorded neurons)
/// that spiked, in the order of their ranks. Recording a step appends to
/// two arrays (4 bytes per spike, 16 per step with spikes), where one array
/// per neuron would touch a different place of memory for each spike and
/// grow each array on its own.
#[derive(Clone, Debug, Default)]
pub(crate) struct SpikeLog {
    slots: Vec<u32>,
    /// `(step, end of its slots in `slots`)` of each step with spikes.
    steps: Vec<(i64, usize)>,
}

impl SpikeLog {
    /// Records the spikes of step `t` (slots in the order of their ranks).
    pub fn push(&mut self, t: i64, slots: impl IntoIterator<Item = u32>) {
        let before = self.slots.len();
        self.slots.extend(slots);
        if self.slots.len() > before {
            self.steps.push((t, self.slots.len()));
        }
    }

    /// With `keep_last = n`, drops the steps older than the last `n` steps
    /// before `t` once more than twice as many steps with spikes are held
    /// (each spike is moved at most once: amortised constant time).
    pub fn bound(&mut self, n: usize, t: i64) {
        if self.steps.len() > 2 * n.max(1) {
            let cutoff = t - n as i64;
            let old = self.steps.partition_point(|&(s, _)| s <= cutoff);
            let Some(&(_, end)) = old.checked_sub(1).and_then(|k| self.steps.get(k)) else {
                return;
            };
            self.slots.drain(..end);
            self.steps.drain(..old);
            for (_, e) in &mut self.steps {
                *e -= end;
            }
        }
    }

    /// Forgets every spike.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.steps.clear();
    }

    /// Every spike as `(step, slot)`, in the order of the steps.
    pub fn events(&self) -> impl Iterator<Item = (i64, u32)> + '_ {
        let mut start = 0;
        self.steps.iter().flat_map(move |&(t, end)| {
            let slots = &self.slots[start..end];
            start = end;
            slots.iter().map(move |&s| (t, s))
        })
    }

    /// The steps of the spikes of each of `n` slots, later than `after`.
    pub fn by_slot(&self, n: usize, after: i64) -> Vec<Vec<i64>> {
        let mut out = vec![Vec::new(); n];
        for (t, s) in self.events().filter(|&(t, _)| t > after) {
            out[s as usize].push(t);
        }
        out
    }
}

impl Recording {
    /// The values as an array of one row per recorded step (for
    /// [`crate::npy`]).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the rows have different lengths (a dendrite
    /// whose synapses changed during the recording).
    pub fn to_array(&self) -> Result<crate::npy::NpyArray> {
        let width = self.values.first().map_or(0, Vec::len);
        if self.values.iter().any(|r| r.len() != width) {
            return Err(Error::Invalid {
                object: "recording".into(),
                reason: "its rows have different lengths: it is not an array".into(),
            });
        }
        Ok(crate::npy::NpyArray::F64 {
            shape: vec![self.values.len(), width],
            data: self.values.concat(),
        })
    }

    /// Writes the recording as a `.npz` file that `numpy.load` reads, with
    /// the arrays `values` (steps x elements), `steps` and `times` (ms).
    ///
    /// # Errors
    ///
    /// As [`Recording::to_array`], and when the file cannot be written.
    pub fn save_npz(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        use crate::npy::NpyArray;
        let n = self.steps.len();
        crate::npy::write_npz(
            path,
            &[
                ("values", self.to_array()?),
                (
                    "steps",
                    NpyArray::I64 {
                        shape: vec![n],
                        data: self.steps.clone(),
                    },
                ),
                (
                    "times",
                    NpyArray::F64 {
                        shape: vec![n],
                        data: self.times.clone(),
                    },
                ),
            ],
        )
    }
}

#[derive(Clone)]
pub(crate) struct Monitor {
    pub name: String,
    pub source: Source,
    pub vars: Vec<(String, Recorded)>,
    pub period: i64,
    pub period_offset: i64,
    /// Step at which recording (re)started, set at the first record after a start.
    pub offset: Option<i64>,
    pub recording: bool,
    /// Per variable: the recorded steps.
    pub steps: Vec<Vec<i64>>,
    /// Per variable: flat values, `width[v]` per recorded row.
    pub data: Vec<Vec<f64>>,
    pub width: Vec<usize>,
    /// Steps of start and pause calls (ANNarchy's `times()`).
    pub starts: Vec<i64>,
    pub stops: Vec<i64>,
    /// Whether this step is recorded (decided once per step).
    pub due_now: bool,
    /// Spikes: those recorded, by slot (position in `spike_ranks`).
    pub spikes: SpikeLog,
    /// Spikes: the population rank of each recorded neuron.
    pub spike_ranks: Vec<u32>,
    /// Spikes of a view: the slot of each rank of the population
    /// (`u32::MAX` for the ranks not recorded); empty for a whole population,
    /// whose slots are its ranks.
    pub spike_slots: Vec<u32>,
    /// Rows (and steps of spikes) kept, if bounded.
    pub keep_last: Option<usize>,
    /// The last step at which spikes were recorded.
    pub last_spike_step: i64,
    /// Files the rows go to instead of memory, if streamed.
    pub stream: StreamSlot,
}

impl Monitor {
    pub fn new(
        name: String,
        source: Source,
        vars: Vec<(String, Recorded)>,
        period: i64,
        period_offset: i64,
        start: bool,
    ) -> Monitor {
        let n = vars.len();
        Monitor {
            name,
            source,
            vars,
            period: period.max(1),
            period_offset,
            offset: None,
            recording: start,
            steps: vec![Vec::new(); n],
            data: vec![Vec::new(); n],
            width: vec![0; n],
            starts: Vec::new(),
            stops: Vec::new(),
            due_now: false,
            spikes: SpikeLog::default(),
            spike_ranks: Vec::new(),
            spike_slots: Vec::new(),
            keep_last: None,
            last_spike_step: 0,
            stream: StreamSlot::default(),
        }
    }

    /// With `keep_last`, drops the oldest rows once twice as many are held
    /// (so that each row is moved at most once: no allocation, amortised
    /// constant time).
    pub fn bound_rows(&mut self) {
        let Some(n) = self.keep_last else {
            return;
        };
        for v in 0..self.vars.len() {
            let rows = self.steps[v].len();
            if rows > 2 * n.max(1) {
                let k = rows - n;
                self.steps[v].drain(..k);
                self.data[v].drain(..k * self.width[v]);
            }
        }
    }

    /// Sends the rows recorded and held in memory to the stream, if any.
    pub fn drain_to_stream(&mut self) {
        let Some(stream) = &mut self.stream.0 else {
            return;
        };
        for v in 0..self.vars.len() {
            stream.write_rows(v, &self.steps[v], &self.data[v], self.width[v]);
            self.steps[v].clear();
            self.data[v].clear();
        }
    }

    /// Starts streaming the rows to files in `dir` ([`crate::stream`]);
    /// the rows held in memory go first, then every row recorded.
    pub fn stream_to(&mut self, dir: &std::path::Path) -> Result<()> {
        self.close_stream()?;
        let names = self.vars.iter().map(|(n, _)| n.as_str());
        let mut stream = MonitorStream::create(dir, names)?;
        for (t, s) in self.spikes.events() {
            stream.write_spike(t, self.spike_ranks[s as usize]);
        }
        self.spikes.clear();
        self.stream.0 = Some(stream);
        self.drain_to_stream();
        self.sync_stream()
    }

    /// Brings the files of the stream up to date.
    pub fn sync_stream(&mut self) -> Result<()> {
        self.stream.0.as_mut().map_or(Ok(()), MonitorStream::sync)
    }

    /// Completes the files of the stream and stops streaming.
    pub fn close_stream(&mut self) -> Result<()> {
        let outcome = self.sync_stream();
        self.stream.0 = None;
        outcome
    }

    /// The error of reading rows that went to files.
    fn streamed(&self) -> Result<()> {
        match &self.stream.0 {
            Some(s) => Err(Error::Invalid {
                object: format!("monitor `{}`", self.name),
                reason: format!(
                    "its recordings are streamed to `{}`: read them from there",
                    s.dir().display()
                ),
            }),
            None => Ok(()),
        }
    }

    /// The spikes recorded, by population rank; erased unless `keep`.
    pub fn spikes(&mut self, keep: bool) -> Result<std::collections::BTreeMap<u32, Vec<i64>>> {
        if !self.vars.iter().any(|(_, r)| *r == Recorded::Spike) {
            return Err(Error::UnknownAttribute {
                object: format!("monitor `{}`", self.name),
                name: "spike".into(),
                suggestion: None,
            });
        }
        self.streamed()?;
        let cutoff = self
            .keep_last
            .map_or(i64::MIN, |n| self.last_spike_step - n as i64);
        let by_slot = self.spikes.by_slot(self.spike_ranks.len(), cutoff);
        let out = self.spike_ranks.iter().copied().zip(by_slot).collect();
        if !keep {
            self.spikes.clear();
        }
        Ok(out)
    }

    /// Whether step `t` is recorded.
    pub fn due(&mut self, t: i64) -> bool {
        if !self.recording {
            return false;
        }
        let offset = *self.offset.get_or_insert_with(|| {
            self.starts.push(t);
            t
        });
        (t - offset).rem_euclid(self.period) == self.period_offset
    }

    /// Reserves room for `rows` more recorded rows, so that recording does
    /// not allocate during the steps.
    pub fn reserve(&mut self, steps: usize) {
        // Room for the rows to come; when that is more than memory allows,
        // the buffers grow as rows arrive instead.
        let mut rows = (steps / self.period as usize).saturating_add(1);
        if let Some(n) = self.keep_last {
            rows = rows.min(2 * n.max(1) + 1);
        }
        for ((d, w), s) in self.data.iter_mut().zip(&self.width).zip(&mut self.steps) {
            let _ = s.try_reserve(rows);
            let _ = d.try_reserve(rows.saturating_mul((*w).max(1)));
        }
    }

    pub fn start(&mut self) {
        self.recording = true;
        self.offset = None;
    }

    pub fn pause(&mut self, t: i64) {
        if self.recording {
            self.stops.push(t);
        }
        self.recording = false;
    }

    /// The recording of `var`; the data is removed unless `keep`.
    pub fn get(&mut self, var: &str, dt: f64, keep: bool) -> Result<Recording> {
        self.streamed()?;
        let v = self
            .vars
            .iter()
            .position(|(n, _)| n == var)
            .ok_or_else(|| Error::UnknownAttribute {
                object: format!("monitor `{}`", self.name),
                name: var.to_string(),
                suggestion: crate::error::closest(var, self.vars.iter().map(|(n, _)| n.as_str())),
            })?;
        let w = self.width[v].max(1);
        let rows = self.steps[v].len();
        let skip = self.keep_last.map_or(0, |n| rows.saturating_sub(n));
        let values: Vec<Vec<f64>> = self.data[v]
            .chunks(w)
            .skip(skip)
            .map(<[f64]>::to_vec)
            .collect();
        let rec = Recording {
            steps: self.steps[v][skip..].to_vec(),
            times: self.steps[v][skip..]
                .iter()
                .map(|&s| s as f64 * dt)
                .collect(),
            values,
        };
        if !keep {
            self.data[v].clear();
            self.steps[v].clear();
        }
        Ok(rec)
    }
}

#[cfg(test)]
mod tests {
    use super::SpikeLog;

    /// Slots 0..3 spike at the steps where `(step + slot) % 3 == 0`.
    fn log(steps: std::ops::Range<i64>, keep_last: Option<usize>) -> SpikeLog {
        let mut log = SpikeLog::default();
        for t in steps {
            log.push(t, (0..3).filter(|s| (t + i64::from(*s)) % 3 == 0));
            if let Some(n) = keep_last {
                log.bound(n, t);
            }
        }
        log
    }

    #[test]
    fn spikes_come_back_by_step_and_by_slot() {
        let log = log(0..7, None);
        let events: Vec<(i64, u32)> = log.events().collect();
        assert_eq!(
            events,
            [(0, 0), (1, 2), (2, 1), (3, 0), (4, 2), (5, 1), (6, 0)]
        );
        assert_eq!(
            log.by_slot(3, i64::MIN),
            [vec![0, 3, 6], vec![2, 5], vec![1, 4]]
        );
        assert_eq!(log.by_slot(3, 3), [vec![6], vec![5], vec![4]]);
        // A step without spikes takes no room.
        let mut quiet = SpikeLog::default();
        quiet.push(0, []);
        assert_eq!(quiet.events().count(), 0);
        assert!(quiet.steps.is_empty());
    }

    #[test]
    fn a_bounded_log_keeps_the_last_steps_within_twice_their_number() {
        let n = 4;
        for end in 1..40 {
            let bounded = log(0..end, Some(n));
            let full = log(0..end, None);
            let cutoff = end - 1 - n as i64;
            assert_eq!(
                bounded.by_slot(3, cutoff),
                full.by_slot(3, cutoff),
                "{end} steps"
            );
            assert!(bounded.steps.len() <= 2 * n + 1, "{end} steps");
            assert_eq!(bounded.steps.last().map(|s| s.1), Some(bounded.slots.len()));
        }
    }
}
