//! Analysis of recorded spike trains: raster plots, histograms, inter-spike
//! intervals, coefficients of variation, mean and instantaneous firing rates.
//!
//! These are ANNarchy's spike helpers (`raster_plot`, `histogram`,
//! `inter_spike_interval`, `coefficient_of_variation`, `mean_fr`,
//! `smoothed_rate`, `population_rate` of `ANNarchy.core.Monitor`) as free
//! functions over the data that
//! [`Network::monitor_spikes`](crate::network::Network::monitor_spikes)
//! returns: a map from each recorded rank to the steps at which that neuron
//! spiked, in increasing order. Every function also takes the time step `dt`
//! in ms, which turns steps into milliseconds and counts into Hz.
//!
//! Notation used in the formulas below: `S_n` is the list of spike steps of
//! the neuron of rank `n`, `N` the number of entries in the map, `t_min` and
//! `t_max` the first and last spike step over all neurons (the default window
//! of every function that needs one, as in ANNarchy's module-level helpers;
//! ANNarchy's `Monitor` methods use the recording's start and stop steps
//! instead, which the `window` arguments accept).
//!
//! Where ANNarchy's definition is literal, it is kept: bin sizes in steps are
//! truncated (`int(bins/dt)`), a histogram has `nb_bins + 1` entries,
//! `mean_fr` divides by the number of entries of the map, including neurons
//! that never spiked, and `population_rate` smooths only when the time
//! constant exceeds `dt`. Two things differ, both documented on
//! [`smoothed_rate`]: its columns count from the start of the window (ANNarchy
//! uses absolute step numbers as column indices, which is aligned only when
//! the window starts at step 0) and an interval that begins exactly at the
//! start of the window is kept. Spikes outside an explicit window are ignored
//! everywhere (ANNarchy counts some of them in the wrong bin through Python's
//! negative indexing, or fails). Computations are in double precision
//! (ANNarchy's Cython rates declare `dt` as a single-precision `float`, so
//! its values can differ from these in the seventh significant digit).
//!
//! Undefined results (no spike at all where the window comes from the spikes,
//! a bin smaller than a step, a window that ends before it starts, no neuron
//! to average over) are [`Error::Invalid`] errors, never panics.
//!
//! # Example
//!
//! ```
//! use std::collections::BTreeMap;
//! use annarchy_runtime::spikes::{
//!     coefficient_of_variation, histogram, inter_spike_interval, mean_fr, population_rate,
//!     raster_plot, smoothed_rate,
//! };
//!
//! let dt = 1.0;
//! // Rank 0 spikes at steps 10, 20 and 40; rank 1 at step 15; rank 2 never.
//! let spikes = BTreeMap::from([(0, vec![10, 20, 40]), (1, vec![15]), (2, vec![])]);
//!
//! let (times, ranks) = raster_plot(&spikes, dt);
//! assert_eq!(times, [10.0, 20.0, 40.0, 15.0]);
//! assert_eq!(ranks, [0, 0, 0, 1]);
//!
//! // 10 ms bins from the first spike (step 10) to the last one (step 40).
//! assert_eq!(histogram(&spikes, dt, Some(10.0), None)?, [2, 1, 0, 1]);
//!
//! assert_eq!(inter_spike_interval(&spikes, dt, None), [10.0, 20.0]);
//! // std([10, 20]) / mean([10, 20]) = 5 / 15
//! assert!((coefficient_of_variation(&spikes, dt, None)[0] - 1.0 / 3.0).abs() < 1e-12);
//!
//! // 4 spikes / 3 neurons / 30 steps / 1 ms * 1000 = 44.4 Hz
//! assert!((mean_fr(&spikes, dt, None)? - 4000.0 / 90.0).abs() < 1e-9);
//!
//! // Rank 0 fires at 100 Hz between steps 10 and 20, then at 50 Hz.
//! let rates = smoothed_rate(&spikes, dt, 0.0, None)?;
//! assert_eq!(rates[0][0], 100.0);
//! assert_eq!(rates[0][29], 50.0);
//!
//! // One bin per step from step 10 to step 40 included: one spike out of
//! // three neurons in one 1-ms step is 333 Hz.
//! let pop = population_rate(&spikes, dt, None, 0.0, None)?;
//! assert_eq!(pop.len(), 31);
//! assert!((pop[0] - 1000.0 / 3.0).abs() < 1e-9);
//! # Ok::<(), annarchy_runtime::Error>(())
//! ```

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// Checks that the time step is a positive, finite number of ms.
pub(crate) fn check_dt(object: &str, dt: f64) -> Result<()> {
    if dt.is_finite() && dt > 0.0 {
        Ok(())
    } else {
        Err(Error::invalid(
            object,
            format!("the time step must be a positive number of ms, not {dt}"),
        ))
    }
}

/// Checks a smoothing time constant: finite and non-negative.
fn check_smooth(object: &str, smooth_ms: f64) -> Result<()> {
    if smooth_ms.is_finite() && smooth_ms >= 0.0 {
        Ok(())
    } else {
        Err(Error::invalid(
            object,
            format!(
                "the smoothing time constant must be a non-negative number of ms, not {smooth_ms}"
            ),
        ))
    }
}

/// The window `(start, stop)` in steps: the given one, or the first and
/// last spike steps; checked to end no earlier than it starts.
fn window_or_spikes(
    object: &str,
    spikes: &BTreeMap<u32, Vec<i64>>,
    window: Option<(i64, i64)>,
) -> Result<(i64, i64)> {
    let (start, stop) = match window {
        Some(w) => w,
        None => spike_window(spikes).ok_or_else(|| {
            Error::invalid(
                object,
                "no spike was recorded, so there is no window to analyse (give one explicitly)",
            )
        })?,
    };
    if stop < start {
        return Err(Error::invalid(
            object,
            format!("the window ends (step {stop}) before it starts (step {start})"),
        ));
    }
    if stop.checked_sub(start).is_none() {
        return Err(Error::invalid(
            object,
            format!("the window from step {start} to step {stop} is too long"),
        ));
    }
    Ok((start, stop))
}

/// First-order low-pass filter, in place: `s[0] = r[0]`,
/// `s[k+1] = s[k] + (r[k+1] - s[k]) * delta`.
fn low_pass(values: &mut [f64], delta: f64) {
    for k in 1..values.len() {
        values[k] = values[k - 1] + (values[k] - values[k - 1]) * delta;
    }
}

/// The first and last spike steps over all neurons, `(t_min, t_max)`, or
/// `None` when no neuron spiked.
///
/// This is the default window of [`histogram`], [`mean_fr`],
/// [`smoothed_rate`] and [`population_rate`]:
/// `t_min = min_n min S_n`, `t_max = max_n max S_n` over the non-empty `S_n`.
pub fn spike_window(spikes: &BTreeMap<u32, Vec<i64>>) -> Option<(i64, i64)> {
    spikes.values().flatten().fold(None, |acc, &t| match acc {
        None => Some((t, t)),
        Some((lo, hi)) => Some((lo.min(t), hi.max(t))),
    })
}

/// Every spike as a point `(time in ms, rank)`, for a raster plot.
///
/// For each rank in the map's (ascending) order, then for each of its spikes
/// `s` in recorded order: `time = dt * s`. The two vectors have one entry per
/// spike. ANNarchy: `raster_plot(spikes)`.
pub fn raster_plot(spikes: &BTreeMap<u32, Vec<i64>>, dt: f64) -> (Vec<f64>, Vec<u32>) {
    let n = spikes.values().map(Vec::len).sum();
    let mut times = Vec::with_capacity(n);
    let mut ranks = Vec::with_capacity(n);
    for (&rank, train) in spikes {
        for &s in train {
            times.push(dt * s as f64);
            ranks.push(rank);
        }
    }
    (times, ranks)
}

/// Geometry of a histogram: `(t_min, t_max, bin_step)`.
fn histogram_bins(
    object: &str,
    spikes: &BTreeMap<u32, Vec<i64>>,
    dt: f64,
    bins_ms: Option<f64>,
    recording_window: Option<(i64, i64)>,
) -> Result<(i64, i64, i64)> {
    check_dt(object, dt)?;
    let bins = bins_ms.unwrap_or(dt);
    if !(bins.is_finite() && bins > 0.0) {
        return Err(Error::invalid(
            object,
            format!("the bin size must be a positive number of ms, not {bins}"),
        ));
    }
    // ANNarchy: bin_step = int(bins/dt), truncated.
    let bin_step = (bins / dt) as i64;
    if bin_step < 1 {
        return Err(Error::invalid(
            object,
            format!("the bin size ({bins} ms) is shorter than one time step ({dt} ms)"),
        ));
    }
    let (t_min, t_max) = window_or_spikes(object, spikes, recording_window)?;
    Ok((t_min, t_max, bin_step))
}

/// The number of spikes of all neurons in each time bin.
///
/// With `bin_step = int(bins_ms / dt)` steps (`bins_ms` defaults to `dt`)
/// and the window `(t_min, t_max)` in steps (default: the first and last
/// spike, see [`spike_window`]; `recording_window` replaces it), the result
/// has `nb_bins + 1` entries where `nb_bins = int((t_max - t_min) / bin_step)`,
/// and a spike at step `t` counts in entry `int((t - t_min) / bin_step)`:
///
/// `h[k] = #{ (n, t) : t in S_n, t_min <= t <= t_max, int((t - t_min) / bin_step) = k }`
///
/// ANNarchy: `histogram(spikes, bins, per_neuron=False, recording_window)`.
/// Spikes outside an explicit window are ignored.
///
/// # Errors
///
/// [`Error::Invalid`] when `dt` or `bins_ms` is not a positive number, when
/// a bin is shorter than one step (`bin_step = 0`), when no neuron spiked and
/// no window is given, or when the window ends before it starts.
pub fn histogram(
    spikes: &BTreeMap<u32, Vec<i64>>,
    dt: f64,
    bins_ms: Option<f64>,
    recording_window: Option<(i64, i64)>,
) -> Result<Vec<u32>> {
    let (t_min, t_max, bin_step) =
        histogram_bins("histogram", spikes, dt, bins_ms, recording_window)?;
    let nb_bins = (t_max - t_min) / bin_step;
    let mut histo = vec![0u32; nb_bins as usize + 1];
    for &t in spikes.values().flatten() {
        if (t_min..=t_max).contains(&t) {
            histo[((t - t_min) / bin_step) as usize] += 1;
        }
    }
    Ok(histo)
}

/// The number of spikes of each neuron in each time bin: row `n` is the
/// [`histogram`] of the neuron of rank `n` alone.
///
/// There are `max_rank + 1` rows (`max_rank` being the largest rank in the
/// map, with or without spikes); ranks absent from the map have a row of
/// zeros. Bins and window are those of [`histogram`], computed over all
/// neurons, so that every row has the same `nb_bins + 1` entries:
///
/// `h[n][k] = #{ t in S_n : t_min <= t <= t_max, int((t - t_min) / bin_step) = k }`
///
/// ANNarchy: `histogram(spikes, bins, per_neuron=True, recording_window)`.
///
/// # Errors
///
/// As [`histogram`], and when the map is empty.
pub fn histogram_per_neuron(
    spikes: &BTreeMap<u32, Vec<i64>>,
    dt: f64,
    bins_ms: Option<f64>,
    recording_window: Option<(i64, i64)>,
) -> Result<Vec<Vec<u32>>> {
    const OBJECT: &str = "histogram_per_neuron";
    let Some(&max_rank) = spikes.keys().next_back() else {
        return Err(Error::invalid(OBJECT, "no neuron was recorded"));
    };
    let (t_min, t_max, bin_step) = histogram_bins(OBJECT, spikes, dt, bins_ms, recording_window)?;
    let nb_bins = (t_max - t_min) / bin_step;
    let mut histo = vec![vec![0u32; nb_bins as usize + 1]; max_rank as usize + 1];
    for (&rank, train) in spikes {
        for &t in train {
            if (t_min..=t_max).contains(&t) {
                histo[rank as usize][((t - t_min) / bin_step) as usize] += 1;
            }
        }
    }
    Ok(histo)
}

/// The inter-spike intervals in ms of each neuron with at least two spikes,
/// keyed by rank.
///
/// `ISI_n = [ (S_n[i+1] - S_n[i]) * dt  for i in 0..len(S_n) - 1 ]`, for the
/// ranks in `ranks` only when given (ranks absent from the map are ignored).
/// Neurons with fewer than two spikes have no entry.
///
/// ANNarchy: `inter_spike_interval(spikes, ranks, per_neuron=True)`.
pub fn inter_spike_interval_per_neuron(
    spikes: &BTreeMap<u32, Vec<i64>>,
    dt: f64,
    ranks: Option<&[u32]>,
) -> BTreeMap<u32, Vec<f64>> {
    spikes
        .iter()
        .filter(|(rank, train)| train.len() >= 2 && ranks.is_none_or(|r| r.contains(rank)))
        .map(|(&rank, train)| {
            let isi = train
                .windows(2)
                .map(|w| (w[1] - w[0]) as f64 * dt)
                .collect();
            (rank, isi)
        })
        .collect()
}

/// All inter-spike intervals in ms, neuron after neuron.
///
/// The concatenation, in ascending rank order, of the per-neuron intervals
/// of [`inter_spike_interval_per_neuron`]:
/// `(S_n[i+1] - S_n[i]) * dt` for every neuron `n` (in `ranks` when given)
/// with at least two spikes.
///
/// ANNarchy: `inter_spike_interval(spikes, ranks, per_neuron=False)`.
pub fn inter_spike_interval(
    spikes: &BTreeMap<u32, Vec<i64>>,
    dt: f64,
    ranks: Option<&[u32]>,
) -> Vec<f64> {
    inter_spike_interval_per_neuron(spikes, dt, ranks)
        .into_values()
        .flatten()
        .collect()
}

/// The coefficient of variation of the inter-spike intervals of each neuron
/// with at least two intervals (three spikes), keyed by rank.
///
/// `CV_n = std(ISI_n) / mean(ISI_n)` with the population standard deviation
/// (`ddof = 0`, as numpy's `np.std`):
/// `mean = (1/m) sum_i ISI_n[i]`,
/// `std = sqrt((1/m) sum_i (ISI_n[i] - mean)^2)`, `m = len(ISI_n)`.
/// Only the ranks in `ranks` are considered when given. The ratio does not
/// depend on `dt`, which scales both terms.
///
/// ANNarchy: `coefficient_of_variation(spikes, ranks, per_neuron=True)`.
pub fn coefficient_of_variation_per_neuron(
    spikes: &BTreeMap<u32, Vec<i64>>,
    dt: f64,
    ranks: Option<&[u32]>,
) -> BTreeMap<u32, f64> {
    inter_spike_interval_per_neuron(spikes, dt, ranks)
        .into_iter()
        .filter(|(_, isi)| isi.len() >= 2)
        .map(|(rank, isi)| {
            let m = isi.len() as f64;
            let mean = isi.iter().sum::<f64>() / m;
            let var = isi.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / m;
            (rank, var.sqrt() / mean)
        })
        .collect()
}

/// The coefficients of variation of [`coefficient_of_variation_per_neuron`],
/// in ascending rank order.
///
/// `[ std(ISI_n) / mean(ISI_n)  for each neuron n with len(ISI_n) >= 2 ]`.
///
/// ANNarchy: `coefficient_of_variation(spikes, ranks, per_neuron=False)`.
pub fn coefficient_of_variation(
    spikes: &BTreeMap<u32, Vec<i64>>,
    dt: f64,
    ranks: Option<&[u32]>,
) -> Vec<f64> {
    coefficient_of_variation_per_neuron(spikes, dt, ranks)
        .into_values()
        .collect()
}

/// The mean firing rate in Hz of the recorded neurons.
///
/// `fr = (sum_n len(S_n)) / N / duration / dt * 1000`, where `N` is the
/// number of entries of the map (neurons that never spiked included) and
/// `duration` is in steps: `duration_steps`, or by default
/// `t_max - t_min`, the steps between the first and the last spike.
///
/// ANNarchy: `mean_fr(spikes, duration)`. (ANNarchy's `Monitor.mean_fr`
/// uses the recording's duration, `stop - start` steps: pass it as
/// `duration_steps`.)
///
/// # Errors
///
/// [`Error::Invalid`] when `dt` is not a positive number, the map is empty,
/// no neuron spiked and no duration is given, or the duration is not
/// positive (a single spike step gives a default duration of 0).
pub fn mean_fr(
    spikes: &BTreeMap<u32, Vec<i64>>,
    dt: f64,
    duration_steps: Option<i64>,
) -> Result<f64> {
    const OBJECT: &str = "mean_fr";
    check_dt(OBJECT, dt)?;
    if spikes.is_empty() {
        return Err(Error::invalid(OBJECT, "no neuron was recorded"));
    }
    let duration = match duration_steps {
        Some(d) => d,
        None => {
            let (t_min, t_max) = spike_window(spikes).ok_or_else(|| {
                Error::invalid(
                    OBJECT,
                    "no spike was recorded, so the default duration (first to last spike) is undefined",
                )
            })?;
            t_max - t_min
        }
    };
    if duration <= 0 {
        return Err(Error::invalid(
            OBJECT,
            format!("the duration must be a positive number of steps, not {duration}"),
        ));
    }
    let total: usize = spikes.values().map(Vec::len).sum();
    Ok(total as f64 / spikes.len() as f64 / duration as f64 / dt * 1000.0)
}

/// The instantaneous firing rate in Hz of each neuron at each step of the
/// window, optionally low-pass filtered: one row per entry of the map (in
/// ascending rank order), `stop - start` columns.
///
/// The window `(start, stop)` is in steps (default: the first and last
/// spike steps, see [`spike_window`]; ANNarchy's `Monitor.smoothed_rate`
/// uses the recording's start and stop). Column `k` is step `start + k`.
/// Between two consecutive spikes `t_a < t_b` of a neuron, with
/// `t_a >= start`, the rate is the inverse of the interval:
///
/// `r[k] = 1000 / dt / (t_b - t_a)` for `t_a <= start + k < t_b`
///
/// and 0 where no such interval covers the step (before the first spike and
/// from the last one on). With `smooth_ms > 0`, each row is then filtered
/// with `delta = dt / smooth_ms`:
///
/// `s[0] = r[0]`, `s[k+1] = s[k] + (r[k+1] - s[k]) * delta`.
///
/// ANNarchy: `smoothed_rate(spikes, smooth)`. Differences: ANNarchy fills
/// the columns `[t_a, t_b)` by *absolute* step number, so its result is
/// aligned with the window only when `start = 0` (otherwise the rates are
/// shifted right by `start` columns and those beyond `stop - start` are
/// lost); here the columns count from `start` for any window. ANNarchy also
/// drops an interval that begins exactly at `start` (its test is
/// `t_a > start`, meant to skip a sentinel that stands for "no spike yet"),
/// so with the default window the first interval of the earliest neuron was
/// lost; here it is kept. A window of zero steps gives empty rows.
///
/// # Errors
///
/// [`Error::Invalid`] when `dt` is not a positive number, `smooth_ms` is
/// negative or not finite, no neuron spiked and no window is given, or the
/// window ends before it starts.
pub fn smoothed_rate(
    spikes: &BTreeMap<u32, Vec<i64>>,
    dt: f64,
    smooth_ms: f64,
    window: Option<(i64, i64)>,
) -> Result<Vec<Vec<f64>>> {
    const OBJECT: &str = "smoothed_rate";
    check_dt(OBJECT, dt)?;
    check_smooth(OBJECT, smooth_ms)?;
    let (start, stop) = window_or_spikes(OBJECT, spikes, window)?;
    let d = stop - start;
    let columns = d as usize;
    let mut rows = Vec::with_capacity(spikes.len());
    for train in spikes.values() {
        let mut row = vec![0.0; columns];
        for w in train.windows(2) {
            let (t_a, t_b) = (w[0], w[1]);
            if t_a < start || t_b <= t_a {
                continue;
            }
            let rate = 1000.0 / dt / (t_b - t_a) as f64;
            let from = (t_a - start).min(d) as usize;
            let to = (t_b - start).min(d) as usize;
            row[from..to].fill(rate);
        }
        if smooth_ms != 0.0 {
            low_pass(&mut row, dt / smooth_ms);
        }
        rows.push(row);
    }
    Ok(rows)
}

/// The firing rate in Hz of the whole population at each step of the
/// window, optionally low-pass filtered: `stop - start + 1` values.
///
/// The window `(start, stop)` is in steps (default: the first and last
/// spike steps, see [`spike_window`]; ANNarchy's `Monitor.population_rate`
/// uses the recording's start and stop). Entry `k` counts the spikes of all
/// neurons at step `start + k`, divided by the duration of a step and the
/// number of neurons `N` (`n_neurons`, by default the number of entries of
/// the map, neurons that never spiked included):
///
/// `r[k] = #{ (n, t) : t in S_n, t = start + k } / (dt * N / 1000)`
///
/// When `smooth_ms > dt` (and only then, as in ANNarchy), the values are
/// filtered with `delta = dt / smooth_ms`:
/// `s[0] = r[0]`, `s[k+1] = s[k] + (r[k+1] - s[k]) * delta`.
///
/// ANNarchy: `population_rate(spikes, smooth)`. Spikes outside the window
/// are ignored.
///
/// # Errors
///
/// [`Error::Invalid`] when `dt` is not a positive number, `smooth_ms` is
/// negative or not finite, there is no neuron (`N = 0`), no neuron spiked and
/// no window is given, or the window ends before it starts.
pub fn population_rate(
    spikes: &BTreeMap<u32, Vec<i64>>,
    dt: f64,
    n_neurons: Option<usize>,
    smooth_ms: f64,
    window: Option<(i64, i64)>,
) -> Result<Vec<f64>> {
    const OBJECT: &str = "population_rate";
    check_dt(OBJECT, dt)?;
    check_smooth(OBJECT, smooth_ms)?;
    let n = n_neurons.unwrap_or(spikes.len());
    if n == 0 {
        return Err(Error::invalid(
            OBJECT,
            "the rate of zero neurons is undefined",
        ));
    }
    let (start, stop) = window_or_spikes(OBJECT, spikes, window)?;
    let mut rates = vec![0.0; (stop - start) as usize + 1];
    for &t in spikes.values().flatten() {
        if (start..=stop).contains(&t) {
            rates[(t - start) as usize] += 1.0;
        }
    }
    let norm = dt * n as f64 / 1000.0;
    for r in &mut rates {
        *r /= norm;
    }
    if smooth_ms > dt {
        low_pass(&mut rates, dt / smooth_ms);
    }
    Ok(rates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(u32, &[i64])]) -> BTreeMap<u32, Vec<i64>> {
        entries.iter().map(|(r, s)| (*r, s.to_vec())).collect()
    }

    #[test]
    fn window_covers_all_neurons_and_skips_silent_ones() {
        let s = map(&[(0, &[5, 9]), (1, &[]), (3, &[2, 12])]);
        assert_eq!(spike_window(&s), Some((2, 12)));
        assert_eq!(spike_window(&map(&[(0, &[])])), None);
    }

    #[test]
    fn low_pass_follows_the_recurrence() {
        let mut v = [4.0, 0.0, 8.0];
        low_pass(&mut v, 0.5);
        assert_eq!(v, [4.0, 2.0, 5.0]);
    }

    #[test]
    fn histogram_ignores_spikes_outside_an_explicit_window() {
        let s = map(&[(0, &[1, 3, 4, 9])]);
        assert_eq!(histogram(&s, 1.0, Some(2.0), Some((3, 6))).unwrap(), [2, 0]);
    }

    #[test]
    fn smoothed_rate_clips_intervals_to_the_window() {
        // Window (4, 8): both intervals, (1, 2) and (2, 6), begin before the
        // window and are dropped. Window (2, 5): the interval (2, 6) at 250 Hz
        // covers the 3 columns (steps 2, 3, 4).
        let s = map(&[(0, &[1, 2, 6])]);
        let r = smoothed_rate(&s, 1.0, 0.0, Some((4, 8))).unwrap();
        assert_eq!(r, [vec![0.0; 4]]);
        let r = smoothed_rate(&s, 1.0, 0.0, Some((2, 5))).unwrap();
        assert_eq!(r, [vec![250.0; 3]]);
    }
}
