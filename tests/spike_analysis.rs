//! The spike-train analysis functions (`annarchy::runtime::spikes`) follow
//! ANNarchy 4.8's definitions of `raster_plot`, `histogram`,
//! `inter_spike_interval`, `coefficient_of_variation`, `mean_fr`,
//! `smoothed_rate` and `population_rate`.
//!
//! Each function is checked on small spike trains against values computed by
//! hand from ANNarchy's formulas, including its conventions: a histogram has
//! `int((t_max - t_min) / bin_step) + 1` bins, a spike at step `t` counting in
//! bin `int((t - t_min) / bin_step)` with `bin_step = int(bins / dt)`;
//! `mean_fr` divides by the steps from the first to the last spike and by
//! every recorded neuron, silent ones included; `population_rate` has one
//! bin per step of the window, both ends included, divides by
//! `dt * N / 1000` and smooths only when the time constant exceeds `dt`.
//! The two documented differences of `smoothed_rate` (columns counted from
//! the start of the window for any window, and an interval beginning at the
//! start kept) are checked too, as are the errors for undefined results.
//! The last tests analyse the spikes a monitor records from a
//! `SpikeSourceArray` and from a regularly spiking population.

use std::collections::BTreeMap;
use std::fmt::Debug;

use annarchy::Error;
use annarchy::prelude::*;
use annarchy::runtime::spikes::{
    coefficient_of_variation, coefficient_of_variation_per_neuron, histogram, histogram_per_neuron,
    inter_spike_interval, inter_spike_interval_per_neuron, mean_fr, population_rate, raster_plot,
    smoothed_rate, spike_window,
};
use approx::assert_relative_eq;

/// A spike map from `(rank, steps)` pairs.
fn spikes(entries: &[(u32, &[i64])]) -> BTreeMap<u32, Vec<i64>> {
    entries.iter().map(|(r, s)| (*r, s.to_vec())).collect()
}

/// Asserts that `result` is an [`Error::Invalid`] raised by `function`.
fn assert_invalid<T: Debug>(result: annarchy::Result<T>, function: &str) {
    match result {
        Err(Error::Invalid { object, .. }) => assert_eq!(object, function),
        other => panic!("expected an invalid-argument error from {function}, got {other:?}"),
    }
}

/// Asserts that two sequences of floats are equal element by element, to a
/// relative 1e-12.
fn assert_all_close(values: &[f64], expected: &[f64]) {
    assert_eq!(values.len(), expected.len(), "{values:?} vs {expected:?}");
    for (v, e) in values.iter().zip(expected) {
        assert_relative_eq!(*v, *e, max_relative = 1e-12);
    }
}

// ---------------------------------------------------------------------------
// raster_plot

#[test]
fn raster_plot_lists_each_rank_in_order_then_its_spikes() {
    let s = spikes(&[(0, &[]), (2, &[3, 7]), (5, &[1])]);
    let (times, ranks) = raster_plot(&s, 0.1);
    assert_all_close(&times, &[0.3, 0.7, 0.1]);
    assert_eq!(ranks, [2, 2, 5]);

    let (times, ranks) = raster_plot(&BTreeMap::new(), 0.1);
    assert!(times.is_empty() && ranks.is_empty());
}

#[test]
fn spike_window_is_first_and_last_spike_over_all_neurons() {
    let s = spikes(&[(0, &[5, 9]), (1, &[]), (3, &[2, 12])]);
    assert_eq!(spike_window(&s), Some((2, 12)));
    assert_eq!(spike_window(&spikes(&[(0, &[]), (1, &[])])), None);
}

// ---------------------------------------------------------------------------
// histogram

#[test]
fn histogram_default_bin_is_one_step_from_first_to_last_spike() {
    // t_min = 3, t_max = 8: 5 bins + 1.
    let s = spikes(&[(0, &[3, 5]), (1, &[5, 8])]);
    assert_eq!(histogram(&s, 0.1, None, None).unwrap(), [1, 0, 2, 0, 0, 1]);
}

#[test]
fn histogram_bin_index_is_truncated_and_last_bin_may_be_partial() {
    // bin_step = 3, t_min = 10, t_max = 17: nb_bins = int(7 / 3) = 2, so 3
    // bins; 12 -> int(2/3) = 0, 13 -> 1, 17 -> int(7/3) = 2.
    let s = spikes(&[(0, &[10, 12, 13, 17])]);
    assert_eq!(histogram(&s, 1.0, Some(3.0), None).unwrap(), [2, 1, 1]);
}

#[test]
fn histogram_bin_size_in_steps_is_truncated() {
    // int(0.25 / 0.1) = int(2.5) = 2 steps; int(0.3 / 0.1) is also 2, as
    // 0.3 / 0.1 = 2.9999999999999996 in double precision.
    let s = spikes(&[(0, &[0, 1, 2, 3, 4])]);
    assert_eq!(histogram(&s, 0.1, Some(0.25), None).unwrap(), [2, 2, 1]);
    assert_eq!(histogram(&s, 0.1, Some(0.3), None).unwrap(), [2, 2, 1]);
    assert_eq!(histogram(&s, 0.1, Some(0.5), None).unwrap(), [5]);
}

#[test]
fn histogram_recording_window_replaces_first_and_last_spike() {
    let s = spikes(&[(0, &[3, 5]), (1, &[5, 8])]);
    // Window (0, 10), 2-step bins: 6 bins; 3 -> 1, 5 -> 2, 8 -> 4.
    assert_eq!(
        histogram(&s, 1.0, Some(2.0), Some((0, 10))).unwrap(),
        [0, 1, 2, 0, 1, 0]
    );
    // Window (4, 6): 2 bins; the spikes at 3 and 8 are outside and ignored.
    assert_eq!(histogram(&s, 1.0, Some(2.0), Some((4, 6))).unwrap(), [2, 0]);
    // No spike at all but a window: zeros.
    let silent = spikes(&[(0, &[])]);
    assert_eq!(histogram(&silent, 1.0, None, Some((0, 4))).unwrap(), [0; 5]);
}

#[test]
fn histogram_per_neuron_has_a_row_per_rank_up_to_the_largest() {
    let s = spikes(&[(1, &[3, 5]), (3, &[5, 8]), (4, &[])]);
    // 2-step bins over the common window (3, 8): 3 bins.
    let h = histogram_per_neuron(&s, 1.0, Some(2.0), None).unwrap();
    assert_eq!(
        h,
        [
            vec![0, 0, 0],
            vec![1, 1, 0],
            vec![0, 0, 0],
            vec![0, 1, 1],
            vec![0, 0, 0],
        ]
    );
    // The columns add up to the population histogram.
    let total = histogram(&s, 1.0, Some(2.0), None).unwrap();
    assert_eq!(total, [1, 2, 1]);
    for (k, &count) in total.iter().enumerate() {
        assert_eq!(h.iter().map(|row| row[k]).sum::<u32>(), count);
    }
    // A window applies to every row.
    let h = histogram_per_neuron(&s, 1.0, Some(2.0), Some((4, 6))).unwrap();
    assert_eq!(h[1], [1, 0]);
    assert_eq!(h[3], [1, 0]);
}

#[test]
fn histogram_errors_where_bins_or_window_are_undefined() {
    let s = spikes(&[(0, &[3, 5])]);
    // A bin shorter than one step (ANNarchy divides by zero).
    assert_invalid(histogram(&s, 0.1, Some(0.05), None), "histogram");
    assert_invalid(histogram(&s, 0.1, Some(0.0), None), "histogram");
    assert_invalid(histogram(&s, 0.1, Some(-1.0), None), "histogram");
    assert_invalid(histogram(&s, 0.1, Some(f64::NAN), None), "histogram");
    assert_invalid(histogram(&s, 0.0, None, None), "histogram");
    // No spike and no window.
    assert_invalid(
        histogram(&spikes(&[(0, &[])]), 0.1, None, None),
        "histogram",
    );
    assert_invalid(histogram(&BTreeMap::new(), 0.1, None, None), "histogram");
    // A window that ends before it starts.
    assert_invalid(histogram(&s, 0.1, None, Some((5, 4))), "histogram");
    // No neuron at all: no rows to make.
    assert_invalid(
        histogram_per_neuron(&BTreeMap::new(), 0.1, None, Some((0, 4))),
        "histogram_per_neuron",
    );
    assert_invalid(
        histogram_per_neuron(&s, 0.1, Some(0.01), None),
        "histogram_per_neuron",
    );
}

// ---------------------------------------------------------------------------
// inter_spike_interval, coefficient_of_variation

#[test]
fn inter_spike_intervals_are_differences_in_ms_of_neurons_with_two_spikes() {
    let s = spikes(&[(0, &[1, 4, 10]), (1, &[7]), (2, &[]), (3, &[2, 3])]);
    let per = inter_spike_interval_per_neuron(&s, 0.5, None);
    assert_eq!(per.keys().copied().collect::<Vec<_>>(), [0, 3]);
    assert_all_close(&per[&0], &[1.5, 3.0]);
    assert_all_close(&per[&3], &[0.5]);
    assert_all_close(&inter_spike_interval(&s, 0.5, None), &[1.5, 3.0, 0.5]);

    // Only the ranks asked for; a rank that is not recorded is ignored.
    let some = inter_spike_interval_per_neuron(&s, 0.5, Some(&[3, 1, 9]));
    assert_eq!(some.keys().copied().collect::<Vec<_>>(), [3]);
    assert_all_close(&inter_spike_interval(&s, 0.5, Some(&[3, 1, 9])), &[0.5]);
    assert!(inter_spike_interval(&s, 0.5, Some(&[])).is_empty());
}

#[test]
fn coefficient_of_variation_is_population_std_over_mean_of_two_or_more_intervals() {
    // Rank 0: ISI = [2, 4, 2] steps, mean 8/3, variance (ddof = 0)
    // (2 * (2/3)^2 + (4/3)^2) / 3 = 8/9, CV = (sqrt(8)/3) / (8/3) = sqrt(8)/8.
    // Rank 1: regular, CV 0. Rank 2: a single interval, skipped.
    let s = spikes(&[
        (0, &[0, 2, 6, 8]),
        (1, &[0, 5, 10, 15]),
        (2, &[1, 3]),
        (3, &[]),
    ]);
    let per = coefficient_of_variation_per_neuron(&s, 0.1, None);
    assert_eq!(per.keys().copied().collect::<Vec<_>>(), [0, 1]);
    assert_relative_eq!(per[&0], 8f64.sqrt() / 8.0, max_relative = 1e-12);
    assert_relative_eq!(per[&1], 0.0);
    assert_all_close(
        &coefficient_of_variation(&s, 0.1, None),
        &[8f64.sqrt() / 8.0, 0.0],
    );
    // The ratio does not depend on dt.
    assert_relative_eq!(
        coefficient_of_variation(&s, 1.0, None)[0],
        8f64.sqrt() / 8.0,
        max_relative = 1e-12
    );
    // Only the ranks asked for.
    let some = coefficient_of_variation_per_neuron(&s, 0.1, Some(&[1, 2]));
    assert_eq!(some.keys().copied().collect::<Vec<_>>(), [1]);
    assert!(coefficient_of_variation(&spikes(&[(0, &[1, 2])]), 0.1, None).is_empty());
}

// ---------------------------------------------------------------------------
// mean_fr

#[test]
fn mean_fr_defaults_to_first_to_last_spike_and_counts_silent_neurons() {
    let s = spikes(&[(0, &[10, 20, 30]), (1, &[15]), (2, &[])]);
    // 4 spikes / 3 neurons / 20 steps / 0.1 ms * 1000.
    assert_relative_eq!(
        mean_fr(&s, 0.1, None).unwrap(),
        4.0 / 3.0 / 20.0 / 0.1 * 1000.0,
        max_relative = 1e-12
    );
    assert_relative_eq!(
        mean_fr(&s, 0.1, None).unwrap(),
        2000.0 / 3.0,
        max_relative = 1e-12
    );
    // A duration of 100 steps (10 ms): 4 spikes in 3 neurons * 10 ms.
    assert_relative_eq!(
        mean_fr(&s, 0.1, Some(100)).unwrap(),
        400.0 / 3.0,
        max_relative = 1e-12
    );
}

#[test]
fn mean_fr_errors_where_the_rate_is_undefined() {
    let s = spikes(&[(0, &[10, 20])]);
    assert_invalid(mean_fr(&BTreeMap::new(), 0.1, Some(10)), "mean_fr");
    assert_invalid(mean_fr(&spikes(&[(0, &[])]), 0.1, None), "mean_fr");
    // All spikes in one step: a default duration of 0.
    assert_invalid(
        mean_fr(&spikes(&[(0, &[7]), (1, &[7])]), 0.1, None),
        "mean_fr",
    );
    assert_invalid(mean_fr(&s, 0.1, Some(0)), "mean_fr");
    assert_invalid(mean_fr(&s, 0.1, Some(-5)), "mean_fr");
    assert_invalid(mean_fr(&s, -0.1, None), "mean_fr");
    // Silent neurons with a duration: 0 Hz.
    assert_eq!(mean_fr(&spikes(&[(0, &[])]), 0.1, Some(10)).unwrap(), 0.0);
}

// ---------------------------------------------------------------------------
// smoothed_rate

#[test]
fn smoothed_rate_is_the_inverse_interval_between_consecutive_spikes() {
    // Window (2, 8): 6 columns. Rank 0: (2, 4) at 1000 / 0.5 / 2 = 1000 Hz on
    // columns 0-1 (the interval begins at the start of the window and is
    // kept), (4, 8) at 500 Hz on columns 2-5. One spike or none: 0.
    let s = spikes(&[(0, &[2, 4, 8]), (1, &[3]), (2, &[])]);
    let r = smoothed_rate(&s, 0.5, 0.0, None).unwrap();
    assert_eq!(r.len(), 3);
    assert_all_close(&r[0], &[1000.0, 1000.0, 500.0, 500.0, 500.0, 500.0]);
    assert_eq!(r[1], [0.0; 6]);
    assert_eq!(r[2], [0.0; 6]);
}

#[test]
fn smoothed_rate_low_pass_filters_each_row() {
    // delta = dt / smooth = 0.5 / 2 = 0.25: s[k+1] = s[k] + (r[k+1] - s[k]) / 4.
    let s = spikes(&[(0, &[2, 4, 8]), (1, &[3])]);
    let r = smoothed_rate(&s, 0.5, 2.0, None).unwrap();
    assert_all_close(
        &r[0],
        &[1000.0, 1000.0, 875.0, 781.25, 710.9375, 658.203125],
    );
    assert_eq!(r[1], [0.0; 6]);
}

#[test]
fn smoothed_rate_columns_count_from_the_start_of_any_window() {
    let s = spikes(&[(0, &[2, 4, 8])]);
    let from_0 = smoothed_rate(&s, 0.5, 0.0, Some((0, 10))).unwrap();
    assert_all_close(
        &from_0[0],
        &[
            0.0, 0.0, 1000.0, 1000.0, 500.0, 500.0, 500.0, 500.0, 0.0, 0.0,
        ],
    );
    // Window (4, 10): the interval (2, 4) begins before it and is dropped;
    // column k is step 4 + k, the tail of the window (0, 10).
    let from_4 = smoothed_rate(&s, 0.5, 0.0, Some((4, 10))).unwrap();
    assert_all_close(&from_4[0], &[500.0, 500.0, 500.0, 500.0, 0.0, 0.0]);
    assert_all_close(&from_4[0], &from_0[0][4..]);
    // An interval running past the end of the window is cut there.
    let to_6 = smoothed_rate(&s, 0.5, 0.0, Some((2, 6))).unwrap();
    assert_all_close(&to_6[0], &[1000.0, 1000.0, 500.0, 500.0]);
}

#[test]
fn smoothed_rate_of_an_empty_window_has_empty_rows() {
    let s = spikes(&[(0, &[5]), (1, &[])]);
    assert_eq!(
        smoothed_rate(&s, 0.1, 0.0, None).unwrap(),
        [Vec::<f64>::new(), Vec::new()]
    );
    assert_eq!(
        smoothed_rate(&s, 0.1, 10.0, None).unwrap(),
        [Vec::<f64>::new(), Vec::new()]
    );
}

#[test]
fn smoothed_rate_errors_where_undefined() {
    let s = spikes(&[(0, &[2, 4])]);
    assert_invalid(smoothed_rate(&s, 0.1, -1.0, None), "smoothed_rate");
    assert_invalid(smoothed_rate(&s, 0.1, f64::NAN, None), "smoothed_rate");
    assert_invalid(smoothed_rate(&s, 0.0, 0.0, None), "smoothed_rate");
    assert_invalid(smoothed_rate(&s, 0.1, 0.0, Some((4, 2))), "smoothed_rate");
    assert_invalid(
        smoothed_rate(&spikes(&[(0, &[])]), 0.1, 0.0, None),
        "smoothed_rate",
    );
}

// ---------------------------------------------------------------------------
// population_rate

#[test]
fn population_rate_counts_spikes_per_step_over_dt_times_n() {
    // Window (2, 8): 7 bins, both ends included; N = 3 entries, so one spike
    // in a step of 0.5 ms is 1 / (0.5 * 3 / 1000) = 666.7 Hz.
    let s = spikes(&[(0, &[2, 4, 8]), (1, &[4]), (2, &[])]);
    let unit = 1000.0 / (0.5 * 3.0);
    let r = population_rate(&s, 0.5, None, 0.0, None).unwrap();
    assert_all_close(&r, &[unit, 0.0, 2.0 * unit, 0.0, 0.0, 0.0, unit]);
    // N given: 10 neurons.
    let r = population_rate(&s, 0.5, Some(10), 0.0, None).unwrap();
    assert_all_close(&r, &[200.0, 0.0, 400.0, 0.0, 0.0, 0.0, 200.0]);
    // A window: one bin per step of it; spikes outside are ignored.
    let r = population_rate(&s, 0.5, Some(10), 0.0, Some((0, 9))).unwrap();
    assert_all_close(
        &r,
        &[0.0, 0.0, 200.0, 0.0, 400.0, 0.0, 0.0, 0.0, 200.0, 0.0],
    );
    let r = population_rate(&s, 0.5, Some(10), 0.0, Some((3, 5))).unwrap();
    assert_all_close(&r, &[0.0, 400.0, 0.0]);
}

#[test]
fn population_rate_smooths_only_when_the_time_constant_exceeds_dt() {
    let s = spikes(&[(0, &[2, 4, 8]), (1, &[4])]);
    let raw = [200.0, 0.0, 400.0, 0.0, 0.0, 0.0, 200.0];
    for smooth in [0.0, 0.25, 0.5] {
        let r = population_rate(&s, 0.5, Some(10), smooth, None).unwrap();
        assert_all_close(&r, &raw);
    }
    // smooth = 1 ms: delta = 0.5.
    let r = population_rate(&s, 0.5, Some(10), 1.0, None).unwrap();
    assert_all_close(&r, &[200.0, 100.0, 250.0, 125.0, 62.5, 31.25, 115.625]);
}

#[test]
fn population_rate_errors_where_undefined() {
    let s = spikes(&[(0, &[2, 4])]);
    assert_invalid(
        population_rate(&s, 0.1, Some(0), 0.0, None),
        "population_rate",
    );
    assert_invalid(
        population_rate(&BTreeMap::new(), 0.1, None, 0.0, Some((0, 5))),
        "population_rate",
    );
    assert_invalid(
        population_rate(&spikes(&[(0, &[])]), 0.1, None, 0.0, None),
        "population_rate",
    );
    assert_invalid(
        population_rate(&s, 0.1, None, 0.0, Some((3, 1))),
        "population_rate",
    );
    assert_invalid(
        population_rate(&s, 0.1, None, -2.0, None),
        "population_rate",
    );
    assert_invalid(
        population_rate(&s, f64::INFINITY, None, 0.0, None),
        "population_rate",
    );
}

// ---------------------------------------------------------------------------
// Spikes recorded by a monitor

neuron! {
    /// `v` grows by 1 each step, spikes at 5 and goes back to 3: a spike
    /// every other step from step 4 on.
    struct EveryOtherStep {
        equations: "v = v + 1.0",
        spike: "v == 5.0",
        reset: "v = 3.0",
    }
}

#[test]
fn analysis_of_spikes_recorded_from_a_spike_source_array() -> annarchy::Result<()> {
    let dt = 0.5;
    let mut b = Network::builder().dt(dt)?.seed(1);
    let src = b.spike_source_array(
        "src",
        &[
            vec![1.0, 3.0, 6.0],
            vec![2.0],
            vec![],
            vec![0.5, 5.0, 9.0, 9.5],
        ],
    )?;
    let all = b.monitor(src, &["spike"])?;
    let odd = b.view(src, [1, 3])?;
    let some = b.monitor(&odd, &["spike"])?;
    let mut net = b.build()?;
    net.simulate(10.0)?;
    assert_eq!(net.get_current_step(), 20);

    let s = net.monitor_spikes(all)?;
    let expected = spikes(&[(0, &[2, 6, 12]), (1, &[4]), (2, &[]), (3, &[1, 10, 18, 19])]);
    assert_eq!(s, expected);
    assert_eq!(
        net.monitor_spikes(some)?,
        spikes(&[(1, &[4]), (3, &[1, 10, 18, 19])])
    );

    // The raster gives back the source's spike times.
    let (times, ranks) = raster_plot(&s, dt);
    assert_all_close(&times, &[1.0, 3.0, 6.0, 2.0, 0.5, 5.0, 9.0, 9.5]);
    assert_eq!(ranks, [0, 0, 0, 1, 3, 3, 3, 3]);

    // 2.5-ms bins (5 steps) from step 1 to step 19: int(18 / 5) + 1 = 4
    // bins; over the recording (steps 0 to 20): 5 bins.
    assert_eq!(histogram(&s, dt, Some(2.5), None)?, [3, 2, 1, 2]);
    assert_eq!(
        histogram(&s, dt, Some(2.5), Some((0, 20)))?,
        [3, 1, 2, 2, 0]
    );

    assert_all_close(
        &inter_spike_interval(&s, dt, None),
        &[2.0, 3.0, 4.5, 4.0, 0.5],
    );
    // Rank 0: ISI [2, 3] ms, CV 0.5 / 2.5. Rank 3: ISI [4.5, 4, 0.5] ms,
    // mean 3, variance (1.5^2 + 1^2 + 2.5^2) / 3.
    assert_all_close(
        &coefficient_of_variation(&s, dt, None),
        &[0.2, (9.5f64 / 3.0).sqrt() / 3.0],
    );

    // 8 spikes / 4 neurons / 18 steps / 0.5 ms; over the 20 recorded steps
    // (ANNarchy's Monitor.mean_fr): 8 / 4 / 10 ms = 200 Hz.
    assert_relative_eq!(
        mean_fr(&s, dt, None)?,
        8.0 / 4.0 / 18.0 / 0.5 * 1000.0,
        max_relative = 1e-12
    );
    assert_relative_eq!(mean_fr(&s, dt, Some(20))?, 200.0, max_relative = 1e-12);

    // One spike of 4 neurons in a 0.5-ms step: 500 Hz.
    let mut expected_rate = vec![0.0; 21];
    for t in [1, 2, 4, 6, 10, 12, 18, 19] {
        expected_rate[t] = 500.0;
    }
    assert_all_close(
        &population_rate(&s, dt, None, 0.0, Some((0, 20)))?,
        &expected_rate,
    );
    Ok(())
}

#[test]
fn analysis_of_a_regularly_spiking_population() -> annarchy::Result<()> {
    let dt = 0.5;
    let mut b = Network::builder().dt(dt)?.seed(1);
    let pop = b.population::<EveryOtherStep>("pop", 2)?;
    let m = b.monitor(pop, &["spike"])?;
    let mut net = b.build()?;
    net.simulate(10.0)?;
    let s = net.monitor_spikes(m)?;
    let steps: Vec<i64> = (4..20).step_by(2).collect();
    assert_eq!(s, spikes(&[(0, &steps), (1, &steps)]));

    // A spike every 2 steps (1 ms): 1000 Hz, no variation.
    assert_all_close(&inter_spike_interval(&s, dt, Some(&[1])), &[1.0; 7]);
    assert_all_close(&coefficient_of_variation(&s, dt, None), &[0.0, 0.0]);
    assert_relative_eq!(mean_fr(&s, dt, None)?, 8.0 / 14.0 / 0.5 * 1000.0);
    assert_relative_eq!(mean_fr(&s, dt, Some(20))?, 800.0, max_relative = 1e-12);

    // Over the recording: 1000 Hz from the first spike (step 4) to the last
    // (step 18), 0 before and after.
    let rates = smoothed_rate(&s, dt, 0.0, Some((0, 20)))?;
    let expected: Vec<f64> = (0..20)
        .map(|k| if (4..18).contains(&k) { 1000.0 } else { 0.0 })
        .collect();
    assert_eq!(rates.len(), 2);
    assert_all_close(&rates[0], &expected);
    assert_all_close(&rates[1], &expected);

    // Both neurons spike together every other step: 2 / (0.5 * 2 / 1000).
    let pop_rate = population_rate(&s, dt, None, 0.0, None)?;
    assert_eq!(pop_rate.len(), 15);
    for (k, r) in pop_rate.iter().enumerate() {
        assert_relative_eq!(*r, if k % 2 == 0 { 2000.0 } else { 0.0 });
    }
    // The 2-step histogram of the same window holds every spike.
    assert_eq!(histogram(&s, dt, Some(1.0), None)?, [2; 8]);
    Ok(())
}
