//! A team of threads that stays alive for the whole simulation and splits
//! each phase of a step between its members.
//!
//! A step of a network of a few thousand neurons takes microseconds: waking
//! sleeping threads (what a general-purpose pool does) costs about as much
//! as the work itself. Between phases the members of a [`Team`] wait
//! spinning for a short while, so that the next phase of the same or the
//! next step starts within a fraction of a microsecond, and sleep only when
//! the network is idle (between calls of `simulate`, or when other work
//! runs in between).
//!
//! Work is always cut the same way for a given size, and every part writes
//! its own memory: the results never depend on the number of threads.

use std::cell::UnsafeCell;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle, Thread};
use std::time::{Duration, Instant};

thread_local! {
    /// The part number of the current thread when it is a member of a team.
    static MEMBER: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// The part number of the current thread if it is one of the threads a
/// [`Team`] started (the caller of [`Team::run`] runs part 0 and is not one).
pub fn current_member() -> Option<usize> {
    MEMBER.with(std::cell::Cell::get)
}

/// How long a member waits spinning for the next job before it sleeps.
const SPIN: Duration = Duration::from_micros(200);

/// The job of the current round: a function of the part number.
type Job = dyn Fn(usize) + Sync;

struct Shared {
    /// Incremented when a job is posted (and when the team stops).
    round: AtomicUsize,
    /// The current job; written only while no member runs one.
    job: UnsafeCell<Option<&'static Job>>,
    /// Members (not counting the caller) that have not finished the round.
    pending: AtomicUsize,
    /// Members that sleep and must be woken for the next round.
    sleeping: Vec<AtomicBool>,
    /// Set when a job panicked in a member.
    panicked: AtomicBool,
    stop: AtomicBool,
}

// SAFETY: `job` is written by the caller of `Team::run` only while every
// member waits for the next round (after `pending` reached zero), and read
// by the members only after the `round` increment that follows the write
// (release / acquire).
unsafe impl Sync for Shared {}

/// Threads that run the parts of each job together with the caller.
pub struct Team {
    shared: Arc<Shared>,
    members: Vec<(JoinHandle<()>, Thread)>,
}

impl std::fmt::Debug for Team {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Team").field("size", &self.size()).finish()
    }
}

impl Team {
    /// A team of `size` threads: the caller and `size - 1` new ones.
    pub fn new(size: usize) -> std::io::Result<Team> {
        let size = size.max(1);
        let shared = Arc::new(Shared {
            round: AtomicUsize::new(0),
            job: UnsafeCell::new(None),
            pending: AtomicUsize::new(0),
            sleeping: (1..size).map(|_| AtomicBool::new(false)).collect(),
            panicked: AtomicBool::new(false),
            stop: AtomicBool::new(false),
        });
        let mut members = Vec::with_capacity(size - 1);
        for part in 1..size {
            let s = Arc::clone(&shared);
            let handle = thread::Builder::new()
                .name(format!("annarchy-{part}"))
                .spawn(move || member(&s, part))?;
            let thread = handle.thread().clone();
            members.push((handle, thread));
        }
        Ok(Team { shared, members })
    }

    /// Number of threads, the caller included.
    pub fn size(&self) -> usize {
        self.members.len() + 1
    }

    /// Runs `job(part)` for every part in `0..self.size()`, part 0 on the
    /// calling thread, and returns when all are done.
    ///
    /// # Panics
    /// Re-raises a panic of the job on any thread.
    pub fn run(&self, job: &(dyn Fn(usize) + Sync)) {
        if self.members.is_empty() {
            job(0);
            return;
        }
        let s = &*self.shared;
        // SAFETY: the reference is only used by the members during this
        // round, and this function does not return before every member has
        // finished it (`pending` is zero), so it never outlives `job`.
        let erased =
            unsafe { std::mem::transmute::<&(dyn Fn(usize) + Sync + '_), &'static Job>(job) };
        // SAFETY: no member reads `job` now: the previous round is over.
        unsafe { *s.job.get() = Some(erased) };
        s.pending.store(self.members.len(), Ordering::Relaxed);
        s.round.fetch_add(1, Ordering::SeqCst);
        for (k, (_, thread)) in self.members.iter().enumerate() {
            if s.sleeping[k].load(Ordering::SeqCst) {
                thread.unpark();
            }
        }
        let mine = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(0)));
        // Wait for the members; give the processor away now and then in case
        // one of them waits for it (more threads than free cores).
        let mut spins = 0u32;
        while s.pending.load(Ordering::Acquire) != 0 {
            spins += 1;
            if spins.is_multiple_of(256) {
                thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
        // SAFETY: every member is done with the round.
        unsafe { *s.job.get() = None };
        if let Err(payload) = mine {
            std::panic::resume_unwind(payload);
        }
        if s.panicked.swap(false, Ordering::Relaxed) {
            panic!("a thread of the simulation panicked");
        }
    }

    /// Splits `0..n` into one range per member, with boundaries on
    /// multiples of `align` (the last range takes the rest). The ranges
    /// depend on `n`, `align` and the team's size only.
    pub fn ranges(&self, n: usize, align: usize) -> impl Iterator<Item = Range<usize>> + use<> {
        split(n, align, self.size())
    }

    /// Runs `f(offset, parts)` over disjoint parts of the slices in
    /// `slices` (all of length `n`), one part per member: every slice is cut
    /// at the same boundaries ([`Team::ranges`]), and `offset` is the index
    /// of the part's first element.
    ///
    /// # Panics
    /// When a slice is shorter than `n`.
    pub fn split_mut<T: Send, const M: usize>(
        &self,
        n: usize,
        align: usize,
        slices: [&mut [T]; M],
        f: &(dyn Fn(usize, [&mut [T]; M]) + Sync),
    ) {
        self.split_mut2(n, align, slices, [], &|off, parts, []: [&mut [u8]; 0]| {
            f(off, parts)
        });
    }

    /// [`split_mut`](Self::split_mut) over two groups of slices of
    /// different element types (the arrays of a neuron and its spike
    /// mask), cut at the same boundaries.
    ///
    /// # Panics
    /// When a slice is shorter than `n`.
    pub fn split_mut2<T: Send, U: Send, const M: usize, const N: usize>(
        &self,
        n: usize,
        align: usize,
        slices: [&mut [T]; M],
        others: [&mut [U]; N],
        f: &SplitFn<'_, T, U, M, N>,
    ) {
        assert!(
            slices.iter().all(|s| s.len() >= n) && others.iter().all(|s| s.len() >= n),
            "slices shorter than {n}"
        );
        let ptrs = Pointers(slices.map(|s| s.as_mut_ptr()));
        let other_ptrs = Pointers(others.map(|s| s.as_mut_ptr()));
        let (ptrs, other_ptrs) = (&ptrs, &other_ptrs);
        let parts = self.size();
        self.run(&|part| {
            if let Some(r) = split(n, align, parts).nth(part) {
                // SAFETY: the ranges of different parts are disjoint and
                // within `0..n`; every slice is at least `n` long and is
                // borrowed mutably for the duration of this call.
                let views = ptrs.0.map(|p| unsafe { part_of(p, &r) });
                let other_views = other_ptrs.0.map(|p| unsafe { part_of(p, &r) });
                f(r.start, views, other_views);
            }
        });
    }
}

/// What [`Team::split_mut2`] runs on each part: the offset of the part and
/// the part of each slice of the two groups.
pub type SplitFn<'a, T, U, const M: usize, const N: usize> =
    dyn Fn(usize, [&mut [T]; M], [&mut [U]; N]) + Sync + 'a;

/// The elements `r` of the slice starting at `p`.
///
/// # Safety
/// `p` points to a slice at least `r.end` long, of which no other reference
/// reaches the elements `r` while the result lives.
unsafe fn part_of<'a, T>(p: *mut T, r: &Range<usize>) -> &'a mut [T] {
    // SAFETY: as the caller promises.
    unsafe { std::slice::from_raw_parts_mut(p.add(r.start), r.len()) }
}

/// Base pointers of the slices of [`Team::split_mut`].
struct Pointers<T, const M: usize>([*mut T; M]);

// SAFETY: the pointers are only turned into disjoint slices, one set per
// thread, of elements that are `Send`.
unsafe impl<T: Send, const M: usize> Sync for Pointers<T, M> {}

/// `0..n` cut into `parts` ranges whose boundaries are multiples of `align`.
fn split(n: usize, align: usize, parts: usize) -> impl Iterator<Item = Range<usize>> {
    let align = align.max(1);
    let blocks = n.div_ceil(align);
    (0..parts).map(move |p| {
        let start = (blocks * p / parts * align).min(n);
        let end = (blocks * (p + 1) / parts * align).min(n);
        start..end
    })
}

impl Drop for Team {
    fn drop(&mut self) {
        let s = &*self.shared;
        s.stop.store(true, Ordering::SeqCst);
        s.round.fetch_add(1, Ordering::SeqCst);
        for (handle, thread) in self.members.drain(..) {
            thread.unpark();
            // A member that panicked has already been reported by `run`.
            let _ = handle.join();
        }
    }
}

/// The loop of member `part`: wait for a round, run the job, report.
fn member(s: &Shared, part: usize) {
    MEMBER.with(|m| m.set(Some(part)));
    let mut seen = 0;
    loop {
        let mut since = None::<Instant>;
        let mut spins = 0u32;
        loop {
            let round = s.round.load(Ordering::Acquire);
            if round != seen {
                seen = round;
                break;
            }
            spins += 1;
            if spins < 256 {
                std::hint::spin_loop();
                continue;
            }
            spins = 0;
            let start = *since.get_or_insert_with(Instant::now);
            if start.elapsed() < SPIN {
                thread::yield_now();
                continue;
            }
            // Sleep until the next round: announce it, then check once more
            // (a round posted in between unparks this thread, or is seen here).
            s.sleeping[part - 1].store(true, Ordering::SeqCst);
            if s.round.load(Ordering::SeqCst) == seen {
                thread::park();
            }
            s.sleeping[part - 1].store(false, Ordering::SeqCst);
        }
        if s.stop.load(Ordering::SeqCst) {
            return;
        }
        // SAFETY: the job was written before the round was incremented and
        // stays in place until every member has decremented `pending`.
        let job = unsafe { *s.job.get() };
        if let Some(job) = job {
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(part)));
            if done.is_err() {
                s.panicked.store(true, Ordering::Relaxed);
            }
        }
        s.pending.fetch_sub(1, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_everything_once_on_aligned_boundaries() {
        for parts in 1..5 {
            for n in [0, 1, 7, 8, 9, 100, 4000] {
                let r: Vec<_> = split(n, 8, parts).collect();
                assert_eq!(r.len(), parts);
                assert_eq!(r[0].start, 0);
                assert_eq!(r[parts - 1].end, n);
                for w in r.windows(2) {
                    assert_eq!(w[0].end, w[1].start);
                    assert!(w[0].end % 8 == 0 || w[0].end == n);
                }
            }
        }
    }

    #[test]
    fn every_part_runs_once_per_round() {
        let team = Team::new(3).expect("threads");
        let counts: Vec<AtomicUsize> = (0..3).map(|_| AtomicUsize::new(0)).collect();
        for _ in 0..1000 {
            team.run(&|p| {
                counts[p].fetch_add(1, Ordering::Relaxed);
            });
        }
        for c in &counts {
            assert_eq!(c.load(Ordering::Relaxed), 1000);
        }
    }

    #[test]
    fn split_mut_writes_each_element_once() {
        let team = Team::new(2).expect("threads");
        let mut a = vec![0.0; 1001];
        let mut b = vec![0.0; 1001];
        team.split_mut(1001, 8, [&mut a[..], &mut b[..]], &|off, [x, y]| {
            for (i, (x, y)) in x.iter_mut().zip(y.iter_mut()).enumerate() {
                *x += (off + i) as f64;
                *y += 1.0;
            }
        });
        assert!(a.iter().enumerate().all(|(i, &x)| x == i as f64));
        assert!(b.iter().all(|&y| y == 1.0));
    }

    #[test]
    fn members_wake_up_after_sleeping() {
        let team = Team::new(2).expect("threads");
        let hits = AtomicUsize::new(0);
        for _ in 0..3 {
            std::thread::sleep(Duration::from_millis(5));
            team.run(&|_| {
                hits.fetch_add(1, Ordering::Relaxed);
            });
        }
        assert_eq!(hits.load(Ordering::Relaxed), 6);
    }

    #[test]
    fn a_panic_in_a_member_reaches_the_caller() {
        let team = Team::new(2).expect("threads");
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            team.run(&|p| assert!(p == 0, "part {p} fails"));
        }));
        assert!(r.is_err());
        // The team still works afterwards.
        let hits = AtomicUsize::new(0);
        team.run(&|_| {
            hits.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(hits.load(Ordering::Relaxed), 2);
    }
}
