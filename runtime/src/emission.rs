//! Spikes emitted by the parts of a population's update.
//!
//! The update of a spiking population written with the macros evaluates
//! its spike condition in the loop that updates the neurons. Each thread of
//! a [`Team`] then resets the neurons of its own part that spike and lists
//! their ranks ([`Emission::emit`]); the network joins the lists, part
//! after part, into the population's spikes ([`Emission::join`]). The
//! neurons, their spike mask and the values a reset writes stay in the
//! cache of the core that updates them: scanned and reset by one thread
//! after the update, half of them would move to its core and back every
//! step.
//!
//! The parts are cut at increasing ranks, so the joined ranks ascend, as if
//! one thread had scanned the whole population: the spikes and the values
//! never depend on the number of threads.

use std::sync::{Mutex, PoisonError};

use crate::model::{PART_ALIGN, SpikeOut, next_spike};
use crate::team::{Team, current_member};

/// One list of spiking ranks per thread of a network, with room for the
/// largest part of any of its populations: emitting a spike never
/// allocates.
#[derive(Debug)]
pub struct Emission {
    /// The ranks found by the part that thread `k` ran (the calling thread
    /// is 0), since the last [`join`](Self::join).
    parts: Vec<PartList>,
}

/// The list of one thread, alone in its cache lines: two threads pushing
/// to lists that share a line would pass it back and forth.
#[derive(Debug)]
#[repr(align(128))]
struct PartList(Mutex<Vec<u32>>);

impl Emission {
    /// Lists for the threads of `team` (one list without a team), each
    /// with room for the spikes of the largest part of a population of
    /// `largest` neurons; the calling thread's list holds a whole
    /// population (it runs the update alone when that is faster).
    pub(crate) fn new(team: Option<&Team>, largest: usize) -> Emission {
        let Some(team) = team else {
            return Emission {
                parts: vec![PartList(Mutex::new(Vec::with_capacity(largest)))],
            };
        };
        let part = team
            .ranges(largest, PART_ALIGN)
            .map(|r| r.len())
            .max()
            .unwrap_or(0);
        let parts = (0..team.size())
            .map(|k| {
                PartList(Mutex::new(Vec::with_capacity(if k == 0 {
                    largest
                } else {
                    part
                })))
            })
            .collect();
        Emission { parts }
    }

    /// Calls `reset(i)` for every `i` whose byte of `mask` is set, in
    /// increasing order, and lists `off + i` as a spike. `mask` is the
    /// spike mask of the part of the population that starts at rank `off`,
    /// updated by the calling thread.
    pub fn emit(&self, off: usize, mask: &[u8], mut reset: impl FnMut(usize)) {
        let k = current_member().unwrap_or(0);
        let mut list = self.parts[k]
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut next = 0;
        while let Some(i) = next_spike(mask, next) {
            next = i + 1;
            reset(i);
            list.push((off + i) as u32);
        }
    }

    /// Moves the listed ranks into `out.spiked` (part after part: in
    /// increasing order) and marks them as spiking at step `t`; empties
    /// `out.axonal` (an update that emits never emits axonal spikes).
    pub fn join(&self, t: i64, out: SpikeOut<'_>) {
        out.spiked.clear();
        out.axonal.clear();
        for part in &self.parts {
            let mut list = part.0.lock().unwrap_or_else(PoisonError::into_inner);
            out.spiked.extend_from_slice(&list);
            list.clear();
        }
        for &i in out.spiked.iter() {
            out.last_spike[i as usize] = t;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(emission: &Emission, t: i64, last_spike: &mut [i64]) -> Vec<u32> {
        let (mut spiked, mut axonal) = (vec![99], vec![7]);
        emission.join(
            t,
            SpikeOut {
                spiked: &mut spiked,
                last_spike,
                axonal: &mut axonal,
            },
        );
        assert!(axonal.is_empty());
        spiked
    }

    #[test]
    fn parts_on_their_threads_join_in_increasing_order() {
        let team = Team::new(3).expect("threads");
        let n = 4000;
        let emission = Emission::new(Some(&team), n);
        let mut mask = vec![0u8; n];
        let set = [0, 5, 1333, 1335, 1336, 2667, 2668, 3999];
        for &i in &set {
            mask[i] = 1;
        }
        let mut reset = vec![false; n];
        let mut last_spike = vec![-1; n];
        for t in 0..3 {
            team.split_mut2(
                n,
                PART_ALIGN,
                [&mut reset[..]],
                [&mut mask[..]],
                &|off, [reset], [mask]| {
                    emission.emit(off, mask, |i| reset[i] = true);
                },
            );
            assert_eq!(join(&emission, t, &mut last_spike), set.map(|i| i as u32));
        }
        for (i, (&r, &l)) in reset.iter().zip(&last_spike).enumerate() {
            assert_eq!(r, set.contains(&i), "{i}");
            assert_eq!(l, if set.contains(&i) { 2 } else { -1 }, "{i}");
        }
    }

    #[test]
    fn a_whole_population_fits_the_calling_threads_list() {
        let team = Team::new(2).expect("threads");
        let emission = Emission::new(Some(&team), 1000);
        let room: Vec<usize> = emission
            .parts
            .iter()
            .map(|p| p.0.lock().unwrap().capacity())
            .collect();
        assert!(room[0] >= 1000 && room[1] >= 500, "{room:?}");
        let mask = vec![1u8; 1000];
        emission.emit(0, &mask, |_| {});
        let mut last_spike = vec![0; 1000];
        let spiked = join(&emission, 4, &mut last_spike);
        assert_eq!(spiked, (0..1000).collect::<Vec<u32>>());
        assert!(last_spike.iter().all(|&l| l == 4));
        // Joined lists are empty again, with their room.
        assert!(join(&emission, 5, &mut last_spike).is_empty());
        assert_eq!(emission.parts[0].0.lock().unwrap().capacity(), room[0]);
    }
}
