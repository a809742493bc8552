//! Whether each piece of a step is split over the threads or runs on the
//! calling thread, chosen from measured times.
//!
//! Splitting a piece of work (a population's update, a projection's
//! transmission, ...) over the threads of a [`Team`] pays only when the
//! piece takes much longer than handing it over: on a machine whose cores
//! answer within a fraction of a microsecond, a population of a few
//! thousand neurons gains; on a virtual machine whose cores hand work over
//! in several microseconds, the same update runs slower on two threads than
//! on one. The cost depends on the machine and on the network's activity,
//! so it is measured: every piece alternates between the two ways, four
//! runs at a time, for its first [`SAMPLES`] runs of each, and then runs
//! the way whose median time was shorter, for [`RECHECK`] runs, before
//! measuring again. Whole steps are then timed the same way, with the
//! pieces' choices or on one thread (a split piece can be faster by itself
//! and leave the rest of the step slower), so that more threads never make
//! a run slower than one thread by more than the noise of the timing.
//!
//! Every piece computes the same values whoever computes them (the
//! [`Team`] cuts work only where results do not depend on the cut), so the
//! choice changes how fast a step runs, never what it computes.

use std::time::Instant;

use crate::team::Team;

/// How the pieces of a step use the threads of a network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ThreadSplit {
    /// Each piece is split over the threads or runs on the calling thread,
    /// whichever its measured times show to be faster, and whole steps
    /// run on the calling thread alone when theirs show that faster (the
    /// default).
    #[default]
    Measured,
    /// Every piece large enough is split over the threads.
    Always,
}

/// Runs of each way that are timed before a choice.
pub const SAMPLES: usize = 16;

/// Consecutive timed runs of one way.
const BLOCK: usize = 4;
const _: () = assert!(SAMPLES.is_multiple_of(BLOCK));

/// Runs after a choice before the piece is measured again.
pub const RECHECK: u32 = 20_000;

/// Steps run with the pieces' choices before whole steps are timed: the
/// pieces time theirs first (`2 * SAMPLES` runs each).
pub const STEP_WARM_UP: u32 = 4 * SAMPLES as u32;

/// Splits whose median is this fraction of the single thread's or less are
/// chosen: the other threads are then free for other work.
const MARGIN: f64 = 0.95;

/// The choice for one piece of work.
#[derive(Clone, Debug)]
pub(crate) struct Choice {
    /// Nanoseconds of the timed runs on one thread, then split.
    single: [u32; SAMPLES],
    split: [u32; SAMPLES],
    /// Timed runs so far (in blocks of `BLOCK`: one thread, then split),
    /// up to `2 * SAMPLES`.
    timed: usize,
    /// Whether the piece is split, once chosen.
    chosen: bool,
    /// Runs left before the piece is measured again.
    left: u32,
}

impl Default for Choice {
    fn default() -> Self {
        Choice {
            single: [0; SAMPLES],
            split: [0; SAMPLES],
            timed: 0,
            chosen: false,
            left: 0,
        }
    }
}

/// How the next run of a piece goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Way {
    /// Split (or not), as chosen or as the policy says; not timed.
    Chosen(bool),
    /// Split (or not), timed: pass the time to [`Choice::timed`].
    Timed(bool),
}

impl Choice {
    /// A choice that splits for its first `runs` runs before it times both
    /// ways (while the pieces inside it choose theirs).
    pub(crate) fn after(runs: u32) -> Choice {
        Choice {
            chosen: true,
            left: runs,
            ..Choice::default()
        }
    }

    /// Runs `f` with the team to split over (`None`: this thread only).
    pub(crate) fn run<R>(
        &mut self,
        team: Option<&Team>,
        policy: ThreadSplit,
        f: impl FnOnce(Option<&Team>) -> R,
    ) -> R {
        let Some(team) = team else {
            return f(None);
        };
        match self.next(policy) {
            Way::Chosen(split) => f(split.then_some(team)),
            Way::Timed(split) => {
                let start = Instant::now();
                let out = f(split.then_some(team));
                self.timed(start);
                out
            }
        }
    }

    /// How the next run goes (with a team to split over).
    pub(crate) fn next(&mut self, policy: ThreadSplit) -> Way {
        if policy == ThreadSplit::Always {
            return Way::Chosen(true);
        }
        if self.left > 0 {
            self.left -= 1;
            return Way::Chosen(self.chosen);
        }
        // Blocks of BLOCK runs of each way, alternated: a thread of the
        // team that slept through a block on one thread wakes up in the
        // first run of the next split block only (waking a thread can take
        // longer than the work), which the median leaves aside.
        Way::Timed((self.timed / BLOCK) % 2 == 1)
    }

    /// Records the time of a run that [`next`](Self::next) asked to time,
    /// begun at `start`; chooses once both ways have been timed enough.
    pub(crate) fn timed(&mut self, start: Instant) {
        let ns = u32::try_from(start.elapsed().as_nanos()).unwrap_or(u32::MAX);
        let split = (self.timed / BLOCK) % 2 == 1;
        let slot = self.timed / (2 * BLOCK) * BLOCK + self.timed % BLOCK;
        if split {
            self.split[slot] = ns;
        } else {
            self.single[slot] = ns;
        }
        self.timed += 1;
        if self.timed == 2 * SAMPLES {
            let single = median(&mut self.single);
            let split = median(&mut self.split);
            self.chosen = f64::from(split) <= MARGIN * f64::from(single);
            self.timed = 0;
            self.left = RECHECK;
        }
    }

    /// Whether the piece is split, once its times have been measured
    /// (`None` while they are).
    #[cfg(test)]
    fn chosen(&self) -> Option<bool> {
        (self.left > 0).then_some(self.chosen)
    }
}

/// The median of `v` (the upper one for an even length); reorders `v`.
fn median(v: &mut [u32; SAMPLES]) -> u32 {
    *v.select_nth_unstable(SAMPLES / 2).1
}

/// One [`Choice`] per piece of a step, by phase and object.
#[derive(Clone, Debug, Default)]
pub(crate) struct Choices {
    /// How the pieces use the threads.
    pub policy: ThreadSplit,
    /// Transmission, per projection.
    pub transmission: Vec<Choice>,
    /// Random draws, per population then per projection.
    pub random: Vec<Choice>,
    /// Neuron update and spike emission, per population.
    pub neuron: Vec<Choice>,
    /// Synaptic update, per projection.
    pub synapse: Vec<Choice>,
    /// Post-synaptic events, per projection.
    pub post_events: Vec<Choice>,
    /// Structural plasticity, for all projections.
    pub structural: Choice,
    /// The whole step: with the pieces' choices, or on one thread. A
    /// piece split over the threads can be faster by itself and still
    /// slow the rest of the step down (what the other threads wrote comes
    /// back to the calling thread's cache), so whole steps are timed both
    /// ways too, once the pieces have chosen.
    pub step: Choice,
}

impl Choices {
    /// The choices of a network of `pops` populations and `projs` projections.
    pub(crate) fn new(pops: usize, projs: usize, policy: ThreadSplit) -> Choices {
        let new = |n| vec![Choice::default(); n];
        Choices {
            policy,
            transmission: new(projs),
            random: new(pops + projs),
            neuron: new(pops),
            synapse: new(projs),
            post_events: new(projs),
            structural: Choice::default(),
            step: Choice::after(STEP_WARM_UP),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Runs `choice` until it has chosen, with `single` and `split` the
    /// durations of each way; returns the calls made each way.
    fn calibrate(choice: &mut Choice, team: &Team, single: u64, split: u64) -> (usize, usize) {
        let mut calls = (0, 0);
        while choice.chosen().is_none() {
            choice.run(Some(team), ThreadSplit::Measured, |t| {
                if t.is_some() {
                    calls.1 += 1;
                    std::thread::sleep(Duration::from_micros(split));
                } else {
                    calls.0 += 1;
                    std::thread::sleep(Duration::from_micros(single));
                }
            });
        }
        calls
    }

    #[test]
    fn the_faster_way_is_chosen_after_timing_both() {
        let team = Team::new(2).expect("threads");
        let mut choice = Choice::default();
        assert_eq!(calibrate(&mut choice, &team, 2000, 200), (SAMPLES, SAMPLES));
        assert_eq!(choice.chosen(), Some(true));
        let mut choice = Choice::default();
        calibrate(&mut choice, &team, 200, 2000);
        assert_eq!(choice.chosen(), Some(false));
        // The choice holds for RECHECK runs, then both ways are timed again.
        let mut split = 0;
        for _ in 0..RECHECK {
            choice.run(Some(&team), ThreadSplit::Measured, |t| {
                split += usize::from(t.is_some())
            });
        }
        assert_eq!(split, 0);
        assert_eq!(choice.chosen(), None);
    }

    #[test]
    fn whole_steps_split_while_the_pieces_choose_then_are_timed() {
        let team = Team::new(2).expect("threads");
        let mut step = Choice::after(STEP_WARM_UP);
        for _ in 0..STEP_WARM_UP {
            assert_eq!(step.next(ThreadSplit::Measured), Way::Chosen(true));
        }
        assert_eq!(step.chosen(), None);
        assert_eq!(step.next(ThreadSplit::Measured), Way::Timed(false));
        // Steps slower on the threads: one thread is chosen.
        assert_eq!(calibrate(&mut step, &team, 200, 2000), (SAMPLES, SAMPLES));
        assert_eq!(step.chosen(), Some(false));
        assert_eq!(step.next(ThreadSplit::Always), Way::Chosen(true));
    }

    #[test]
    fn without_a_team_or_when_always_nothing_is_timed() {
        let team = Team::new(2).expect("threads");
        let mut choice = Choice::default();
        for _ in 0..4 * SAMPLES {
            assert!(choice.run(None, ThreadSplit::Measured, |t| t.is_none()));
            assert!(choice.run(Some(&team), ThreadSplit::Always, |t| t.is_some()));
        }
        assert_eq!(choice.chosen(), None);
        assert_eq!(choice.timed, 0);
    }
}
