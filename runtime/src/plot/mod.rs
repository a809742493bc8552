//! Plots of recordings and weights, written to PNG or SVG files (cargo
//! feature `plot`).
//!
//! Each function draws from the data that the network already returns and
//! writes one image, in the format chosen by the extension of the file
//! (`.png` or `.svg`, in any case; anything else is an error):
//!
//! | function | data | drawing |
//! |---|---|---|
//! | [`raster`] | spikes of [`Network::monitor_spikes`] | one dot per spike, time (ms) against rank |
//! | [`population_rate`] | spikes | the population rate (Hz) of [`spikes::population_rate`], optionally smoothed, over time |
//! | [`isi_histogram`] | spikes | the histogram of all inter-spike intervals ([`spikes::inter_spike_interval`]) |
//! | [`traces`] | a [`Recording`] of [`Network::monitor_get`] | one line per recorded element over time, with a legend |
//! | [`weight_matrix`] | a post x pre matrix, e.g. from [`projection_matrix`] | a heat map (viridis) with its colour bar; missing synapses in light grey |
//!
//! [`PlotOptions`] sets the title, the size in pixels (800 x 600 by
//! default), the axis labels (each plot has sensible defaults) and the axis
//! limits. Text, lines and margins scale with the smaller side of the image:
//! a 1600 x 1200 image is the 800 x 600 one at twice the resolution. PNG
//! images are drawn at twice their size and reduced (anti-aliasing); their
//! text uses DejaVu Sans, embedded in the library, so that no system font is
//! needed. SVG files name the font `DejaVu Sans, sans-serif` and leave its
//! rendering to the viewer.
//!
//! # Empty data
//!
//! A plot needs something to show: no recorded neuron, no spike (raster,
//! population rate without an `x_range`), no neuron that spiked twice (ISI
//! histogram), a recording without rows or columns, an empty matrix or one
//! whose cells are all missing are [`Error::Invalid`] errors, and no file is
//! written. So are a time step that is not a positive number, limits that
//! are not finite and increasing, a size outside
//! [`MIN_SIZE`]..=[`MAX_SIZE`] and a file that cannot be written. Nothing
//! here panics.
//!
//! # Example
//!
//! ```
//! use std::collections::BTreeMap;
//! use annarchy_runtime::monitor::Recording;
//! use annarchy_runtime::plot::{self, PlotOptions};
//!
//! let dir = std::env::temp_dir().join(format!("annarchy-plot-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let dt = 0.1;
//! // Spike steps by rank, as `Network::monitor_spikes` returns them.
//! let spikes = BTreeMap::from([(0, vec![100, 300, 550]), (1, vec![120, 400]), (2, vec![])]);
//! let options = PlotOptions::new().title("Three neurons");
//! plot::raster(dir.join("raster.png"), &spikes, dt, &options)?;
//! plot::raster(dir.join("raster.svg"), &spikes, dt, &options)?;
//! plot::population_rate(dir.join("rate.svg"), &spikes, dt, 5.0, &PlotOptions::default())?;
//! plot::isi_histogram(dir.join("isi.svg"), &spikes, dt, Some(5.0), &PlotOptions::default())?;
//!
//! // Two recorded neurons, three rows.
//! let v = Recording {
//!     steps: vec![1, 2, 3],
//!     times: vec![0.1, 0.2, 0.3],
//!     values: vec![vec![-65.0, -70.0], vec![-60.0, -69.0], vec![-50.0, -68.0]],
//! };
//! let options = PlotOptions::new().y_label("v (mV)").legend(["neuron 0", "neuron 7"]);
//! plot::traces(dir.join("v.png"), &v, &options)?;
//!
//! // Post x pre weights; `None` is a missing synapse.
//! let w = vec![vec![Some(0.1), None, Some(0.5)], vec![Some(0.9), Some(0.3), None]];
//! plot::weight_matrix(dir.join("w.png"), &w, &PlotOptions::new().value_label("w"))?;
//!
//! // Not an image format:
//! assert!(plot::raster(dir.join("raster.jpg"), &spikes, dt, &options).is_err());
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), annarchy_runtime::Error>(())
//! ```
//!
//! [`Network::monitor_spikes`]: crate::network::Network::monitor_spikes
//! [`Network::monitor_get`]: crate::network::Network::monitor_get
//! [`spikes::population_rate`]: crate::spikes::population_rate
//! [`spikes::inter_spike_interval`]: crate::spikes::inter_spike_interval

mod figures;
mod render;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::monitor::Recording;
use crate::network::{AnyPop, AnyProj, Network};
use crate::spikes;
use crate::spikes::check_dt;

use figures::{Bars, Line, Matrix, Raster, Traces};
use render::{Axis, padded, save};

/// The smallest width and height of an image, in pixels.
pub const MIN_SIZE: u32 = 240;
/// The largest width and height of an image, in pixels.
pub const MAX_SIZE: u32 = 8192;
/// The most lines of a [`traces`] plot that get a legend by default.
pub const MAX_DEFAULT_LEGEND: usize = 10;

/// Options of a plot: title, size, axis labels and limits, legend.
///
/// Built with [`PlotOptions::new`] (or `Default`) and the builder methods;
/// the fields are public too. Labels left at `None` take the plot's
/// default (e.g. `time (ms)`); `Some("")` removes them.
///
/// ```
/// use annarchy_runtime::plot::PlotOptions;
///
/// let options = PlotOptions::new()
///     .title("Excitatory population")
///     .size(1200, 500)
///     .x_range(0.0, 1000.0)
///     .y_label("neuron");
/// assert_eq!((options.width, options.height), (1200, 500));
/// assert_eq!(PlotOptions::default().width, 800);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PlotOptions {
    /// Title above the plot (none by default).
    pub title: Option<String>,
    /// Width of the image in pixels (default 800).
    pub width: u32,
    /// Height of the image in pixels (default 600).
    pub height: u32,
    /// Description of the horizontal axis (`None`: the plot's default).
    pub x_label: Option<String>,
    /// Description of the vertical axis (`None`: the plot's default).
    pub y_label: Option<String>,
    /// Limits of the horizontal axis, in its units (ms for time). Data
    /// outside is not drawn; for [`population_rate`] they are also the
    /// window of the rate. Not used by [`weight_matrix`], which always shows
    /// the whole matrix. `None`: the data's extent, with a small margin.
    pub x_range: Option<(f64, f64)>,
    /// Limits of the vertical axis (not used by [`weight_matrix`]).
    pub y_range: Option<(f64, f64)>,
    /// Legend of a [`traces`] plot, one text per column. Empty: `column k`
    /// for up to [`MAX_DEFAULT_LEGEND`] columns, no legend for a single
    /// column or more columns.
    pub legend: Vec<String>,
    /// Description of the colour bar of a [`weight_matrix`] (none by
    /// default).
    pub value_label: Option<String>,
    /// Limits of the colour scale of a [`weight_matrix`] (values beyond
    /// take the colour of the nearest limit). `None`: the smallest and
    /// largest values.
    pub value_range: Option<(f64, f64)>,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            title: None,
            width: 800,
            height: 600,
            x_label: None,
            y_label: None,
            x_range: None,
            y_range: None,
            legend: Vec::new(),
            value_label: None,
            value_range: None,
        }
    }
}

impl PlotOptions {
    /// The default options: 800 x 600 pixels, no title, default labels.
    pub fn new() -> PlotOptions {
        PlotOptions::default()
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> PlotOptions {
        self.title = Some(title.into());
        self
    }

    /// Sets the size of the image in pixels.
    pub fn size(mut self, width: u32, height: u32) -> PlotOptions {
        self.width = width;
        self.height = height;
        self
    }

    /// Sets the description of the horizontal axis (`""`: none).
    pub fn x_label(mut self, label: impl Into<String>) -> PlotOptions {
        self.x_label = Some(label.into());
        self
    }

    /// Sets the description of the vertical axis (`""`: none).
    pub fn y_label(mut self, label: impl Into<String>) -> PlotOptions {
        self.y_label = Some(label.into());
        self
    }

    /// Sets the limits of the horizontal axis.
    pub fn x_range(mut self, lo: f64, hi: f64) -> PlotOptions {
        self.x_range = Some((lo, hi));
        self
    }

    /// Sets the limits of the vertical axis.
    pub fn y_range(mut self, lo: f64, hi: f64) -> PlotOptions {
        self.y_range = Some((lo, hi));
        self
    }

    /// Sets the legend of a [`traces`] plot, one text per column.
    pub fn legend<S: Into<String>>(mut self, texts: impl IntoIterator<Item = S>) -> PlotOptions {
        self.legend = texts.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the description of the colour bar of a [`weight_matrix`].
    pub fn value_label(mut self, label: impl Into<String>) -> PlotOptions {
        self.value_label = Some(label.into());
        self
    }

    /// Sets the limits of the colour scale of a [`weight_matrix`].
    pub fn value_range(mut self, lo: f64, hi: f64) -> PlotOptions {
        self.value_range = Some((lo, hi));
        self
    }

    /// Checks the size and the limits.
    fn check(&self) -> Result<()> {
        for (name, v) in [("width", self.width), ("height", self.height)] {
            if !(MIN_SIZE..=MAX_SIZE).contains(&v) {
                return Err(Error::invalid(
                    "plot options",
                    format!("the {name} must be from {MIN_SIZE} to {MAX_SIZE} pixels, not {v}"),
                ));
            }
        }
        for (name, range) in [
            ("x_range", self.x_range),
            ("y_range", self.y_range),
            ("value_range", self.value_range),
        ] {
            if let Some((lo, hi)) = range
                && !(lo.is_finite() && hi.is_finite() && lo < hi)
            {
                return Err(Error::invalid(
                    "plot options",
                    format!("{name} must be two finite, increasing limits, not ({lo}, {hi})"),
                ));
            }
        }
        Ok(())
    }

    /// The label `given`, or `default`.
    fn label(given: &Option<String>, default: &str) -> String {
        given.clone().unwrap_or_else(|| default.to_string())
    }
}

/// The smallest and largest of `values` (which must not be empty).
fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Raster plot: one dot per spike, at its time (ms, `step * dt`) and the
/// rank of its neuron.
///
/// `spikes` maps ranks to spike steps, as [`Network::monitor_spikes`]
/// returns it. The vertical axis covers every rank of the map, neurons that
/// never spiked included; the horizontal one the first to the last spike
/// (or `options.x_range`). Default labels: `time (ms)`, `neuron rank`.
///
/// # Errors
///
/// [`Error::Invalid`] when `dt` is not a positive number, the map is empty
/// or holds no spike, the options are invalid, the path has no `.png` or
/// `.svg` extension, or the file cannot be written.
///
/// [`Network::monitor_spikes`]: crate::network::Network::monitor_spikes
pub fn raster(
    path: impl AsRef<Path>,
    spikes: &BTreeMap<u32, Vec<i64>>,
    dt: f64,
    options: &PlotOptions,
) -> Result<()> {
    const OBJECT: &str = "raster plot";
    check_dt(OBJECT, dt)?;
    options.check()?;
    let (Some(&first), Some(&last)) = (spikes.keys().next(), spikes.keys().next_back()) else {
        return Err(Error::invalid(OBJECT, "no neuron was recorded"));
    };
    let (times, ranks) = spikes::raster_plot(spikes, dt);
    let Some(time_extent) = extent(times.iter().copied()) else {
        return Err(Error::invalid(OBJECT, "no spike was recorded"));
    };
    let x = Axis::fit(
        time_extent,
        0.02,
        options.x_range,
        false,
        PlotOptions::label(&options.x_label, "time (ms)"),
    );
    let (first, last) = (f64::from(first), f64::from(last));
    let margin = 0.5 + 0.02 * (last - first);
    let y = Axis::new(
        options.y_range.map_or(first - margin, |r| r.0),
        options.y_range.map_or(last + margin, |r| r.1),
        true,
        PlotOptions::label(&options.y_label, "neuron rank"),
    );
    let points = times
        .into_iter()
        .zip(ranks)
        .map(|(t, r)| (t, f64::from(r)))
        .filter(|&(t, r)| x.contains(t) && y.contains(r))
        .collect();
    save(path.as_ref(), &Raster { points, x, y }, options)
}

/// Population rate: the firing rate in Hz of all the neurons of `spikes`
/// together at each step, low-pass filtered with the time constant
/// `smooth_ms` (0: none), over time.
///
/// The rate is [`spikes::population_rate`] over the window of
/// `options.x_range` (converted to steps), or from the first to the last
/// spike; the number of neurons is the number of entries of the map
/// (silent neurons included, as a monitor records them). The line is drawn
/// over a light fill down to zero. Default labels: `time (ms)`,
/// `population rate (Hz)`.
///
/// # Errors
///
/// [`Error::Invalid`] when `dt` is not a positive number, `smooth_ms` is
/// negative, the map is empty, no spike was recorded and no `x_range` is
/// given, the window (`x_range` or spikes) holds no step or more than 10^8
/// of them, the options are invalid, the path has no `.png` or `.svg`
/// extension, or the file cannot be written.
///
/// [`spikes::population_rate`]: crate::spikes::population_rate
pub fn population_rate(
    path: impl AsRef<Path>,
    spikes: &BTreeMap<u32, Vec<i64>>,
    dt: f64,
    smooth_ms: f64,
    options: &PlotOptions,
) -> Result<()> {
    const OBJECT: &str = "population rate plot";
    check_dt(OBJECT, dt)?;
    options.check()?;
    let window = match options.x_range {
        Some((lo, hi)) => {
            let (start, stop) = ((lo / dt).ceil(), (hi / dt).floor());
            if start > stop || start.abs() > 1e15 || stop.abs() > 1e15 || stop - start > 1e8 {
                return Err(Error::invalid(
                    OBJECT,
                    format!(
                        "the x_range ({lo}, {hi}) ms holds no step of {dt} ms, \
                         or more than 10^8 of them"
                    ),
                ));
            }
            Some((start as i64, stop as i64))
        }
        None => {
            if let Some((start, stop)) = spikes::spike_window(spikes)
                && stop - start > 100_000_000
            {
                return Err(Error::invalid(
                    OBJECT,
                    format!(
                        "the spikes span {} steps, more than 10^8: give an x_range",
                        stop - start
                    ),
                ));
            }
            None
        }
    };
    let rates = spikes::population_rate(spikes, dt, None, smooth_ms, window)?;
    let start = window
        .map(|w| w.0)
        .or_else(|| spikes::spike_window(spikes).map(|w| w.0))
        .unwrap_or(0);
    let points: Vec<(f64, f64)> = rates
        .iter()
        .enumerate()
        .map(|(k, &r)| ((start + k as i64) as f64 * dt, r))
        .collect();
    let first = points.first().map_or(0.0, |p| p.0);
    let last = points.last().map_or(0.0, |p| p.0);
    let x = Axis::fit(
        (first, last),
        0.0,
        options.x_range,
        false,
        PlotOptions::label(&options.x_label, "time (ms)"),
    );
    let top = rates.iter().copied().fold(0.0, f64::max);
    let y = Axis::fit(
        (0.0, if top > 0.0 { top * 1.05 } else { 1.0 }),
        0.0,
        options.y_range,
        false,
        PlotOptions::label(&options.y_label, "population rate (Hz)"),
    );
    save(path.as_ref(), &Line { points, x, y }, options)
}

/// ISI histogram: the number of inter-spike intervals (ms) of all neurons
/// in bins of `bin_ms`.
///
/// The intervals are those of [`spikes::inter_spike_interval`]. Bins are
/// aligned on multiples of `bin_ms`: bin `k` holds the intervals in
/// `[k * bin_ms, (k + 1) * bin_ms)`. `None` chooses a round width (1, 2 or 5
/// times a power of ten, and a whole number of steps) giving about
/// `sqrt(n)` bins for `n` intervals, between 5 and 50. Default labels:
/// `inter-spike interval (ms)`, `count`.
///
/// # Errors
///
/// [`Error::Invalid`] when `dt` or `bin_ms` is not a positive number, no
/// neuron spiked twice, the options are invalid, the path has no `.png` or
/// `.svg` extension, or the file cannot be written.
///
/// [`spikes::inter_spike_interval`]: crate::spikes::inter_spike_interval
pub fn isi_histogram(
    path: impl AsRef<Path>,
    spikes: &BTreeMap<u32, Vec<i64>>,
    dt: f64,
    bin_ms: Option<f64>,
    options: &PlotOptions,
) -> Result<()> {
    const OBJECT: &str = "ISI histogram";
    check_dt(OBJECT, dt)?;
    options.check()?;
    let isi = spikes::inter_spike_interval(spikes, dt, None);
    let Some((lo, hi)) = extent(isi.iter().copied()) else {
        return Err(Error::invalid(
            OBJECT,
            "no neuron spiked twice: there is no inter-spike interval",
        ));
    };
    let width = match bin_ms {
        Some(b) if b.is_finite() && b > 0.0 => b,
        Some(b) => {
            return Err(Error::invalid(
                OBJECT,
                format!("the bin width must be a positive number of ms, not {b}"),
            ));
        }
        None => {
            let n = (isi.len() as f64).sqrt().clamp(5.0, 50.0);
            let nice = render::nice_step((hi - lo).max(dt), n, true);
            (nice / dt).round().max(1.0) * dt
        }
    };
    // Intervals are whole numbers of steps: the tolerance keeps one that
    // falls on an edge in the bin that starts there.
    let bin_of = |v: f64| (v / width + 1e-9).floor();
    let (first, last) = (bin_of(lo), bin_of(hi));
    if last - first > 1e6 {
        return Err(Error::invalid(
            OBJECT,
            format!("a bin width of {width} ms makes more than a million bins"),
        ));
    }
    let mut counts = vec![0u32; (last - first) as usize + 1];
    for &v in &isi {
        counts[(bin_of(v) - first) as usize] += 1;
    }
    let bins: Vec<(f64, f64, f64)> = counts
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            let a = (first + k as f64) * width;
            (a, a + width, f64::from(c))
        })
        .collect();
    let x = Axis::fit(
        (first * width, (last + 1.0) * width),
        0.03,
        options.x_range,
        false,
        PlotOptions::label(&options.x_label, "inter-spike interval (ms)"),
    );
    let top = counts.iter().copied().max().map_or(1.0, f64::from);
    let y = Axis::fit(
        (0.0, top * 1.05),
        0.0,
        options.y_range,
        true,
        PlotOptions::label(&options.y_label, "count"),
    );
    save(path.as_ref(), &Bars { bins, x, y }, options)
}

/// Variable traces: one line per column of `recording` (one per recorded
/// neuron or synapse) over its times, each in its own colour, with a legend.
///
/// The legend texts are `options.legend` (one per column); without them,
/// columns are named `column k` when there are 2 to
/// [`MAX_DEFAULT_LEGEND`] of them. The legend goes in the corner of the
/// plot that hides the fewest points. Non-finite values leave a gap in
/// their line. Long recordings are reduced to the first, lowest, highest
/// and last value of each pixel column, which draws the same line. Default
/// labels: `time (ms)` and none for the values (give the variable and its
/// unit as `y_label`).
///
/// # Errors
///
/// [`Error::Invalid`] when the recording has no row or no column, its rows
/// have different lengths, its times are not one per row, no value is
/// finite, the options are invalid, the path has no `.png` or `.svg`
/// extension, or the file cannot be written; [`Error::SizeMismatch`] when a
/// legend is given with a number of texts other than the number of columns.
pub fn traces(path: impl AsRef<Path>, recording: &Recording, options: &PlotOptions) -> Result<()> {
    const OBJECT: &str = "trace plot";
    options.check()?;
    let Some(first_row) = recording.values.first() else {
        return Err(Error::invalid(OBJECT, "the recording has no row"));
    };
    let columns = first_row.len();
    if columns == 0 {
        return Err(Error::invalid(OBJECT, "the recording has no column"));
    }
    if recording.values.iter().any(|r| r.len() != columns) {
        return Err(Error::invalid(
            OBJECT,
            "the rows of the recording have different lengths",
        ));
    }
    if recording.times.len() != recording.values.len() {
        return Err(Error::invalid(
            OBJECT,
            format!(
                "the recording has {} times for {} rows",
                recording.times.len(),
                recording.values.len()
            ),
        ));
    }
    let legend = if options.legend.is_empty() {
        if (2..=MAX_DEFAULT_LEGEND).contains(&columns) {
            (0..columns).map(|k| format!("column {k}")).collect()
        } else {
            Vec::new()
        }
    } else if options.legend.len() == columns {
        options.legend.clone()
    } else {
        return Err(Error::SizeMismatch {
            object: OBJECT.into(),
            attribute: "legend".into(),
            expected: columns,
            got: options.legend.len(),
        });
    };
    let Some(values) = extent(
        recording
            .values
            .iter()
            .flatten()
            .copied()
            .filter(|v| v.is_finite()),
    ) else {
        return Err(Error::invalid(OBJECT, "no recorded value is finite"));
    };
    let Some(times) = extent(recording.times.iter().copied().filter(|t| t.is_finite())) else {
        return Err(Error::invalid(OBJECT, "no recorded time is finite"));
    };
    let x = Axis::fit(
        times,
        0.0,
        options.x_range,
        false,
        PlotOptions::label(&options.x_label, "time (ms)"),
    );
    let y = Axis::fit(
        values,
        0.05,
        options.y_range,
        false,
        PlotOptions::label(&options.y_label, ""),
    );
    let lines = (0..columns)
        .map(|c| {
            recording
                .times
                .iter()
                .zip(&recording.values)
                .map(|(&t, row)| (t, row[c]))
                .collect()
        })
        .collect();
    save(
        path.as_ref(),
        &Traces {
            lines,
            legend,
            x,
            y,
        },
        options,
    )
}

/// Weight matrix: a heat map of a post x pre matrix (row `i` for the post
/// rank `i`, column `j` for the pre rank `j`, row 0 at the top as in
/// ANNarchy's `connectivity_matrix` shown with `imshow`), with a colour bar.
///
/// Cells are `f64` or `Option<f64>`: `None` (and NaN) is a missing synapse,
/// drawn in light grey. Colours follow the viridis map from the smallest to
/// the largest value (or over `options.value_range`). The plotting area
/// takes the aspect ratio of the matrix (square cells) within 1:3 to 3:1.
/// Every cell is one rectangle, also in SVG files. Default labels:
/// `pre-synaptic rank`, `post-synaptic rank`, no colour bar label.
///
/// # Errors
///
/// [`Error::Invalid`] when the matrix has no row or no column, its rows
/// have different lengths, every cell is missing, a value is infinite, the
/// options are invalid, the path has no `.png` or `.svg` extension, or the
/// file cannot be written.
pub fn weight_matrix<T: Copy + Into<Option<f64>>>(
    path: impl AsRef<Path>,
    matrix: &[Vec<T>],
    options: &PlotOptions,
) -> Result<()> {
    const OBJECT: &str = "weight matrix plot";
    options.check()?;
    let Some(first_row) = matrix.first() else {
        return Err(Error::invalid(OBJECT, "the matrix has no row"));
    };
    let columns = first_row.len();
    if columns == 0 {
        return Err(Error::invalid(OBJECT, "the matrix has no column"));
    }
    if matrix.iter().any(|r| r.len() != columns) {
        return Err(Error::invalid(
            OBJECT,
            "the rows of the matrix have different lengths",
        ));
    }
    let cells: Vec<Vec<Option<f64>>> = matrix
        .iter()
        .map(|row| {
            row.iter()
                .map(|&c| c.into().filter(|v| !v.is_nan()))
                .collect()
        })
        .collect();
    if cells.iter().flatten().flatten().any(|v| v.is_infinite()) {
        return Err(Error::invalid(OBJECT, "the matrix holds an infinite value"));
    }
    let Some((lo, hi)) = extent(cells.iter().flatten().flatten().copied()) else {
        return Err(Error::invalid(
            OBJECT,
            "every cell is missing: there is no synapse",
        ));
    };
    let (lo, hi) = options.value_range.unwrap_or_else(|| {
        if lo < hi {
            (lo, hi)
        } else {
            padded(lo, hi, 0.0)
        }
    });
    let scale = Axis::new(lo, hi, false, PlotOptions::label(&options.value_label, ""));
    let x = Axis::new(
        -0.5,
        columns as f64 - 0.5,
        true,
        PlotOptions::label(&options.x_label, "pre-synaptic rank"),
    );
    let y = Axis::new(
        -0.5,
        cells.len() as f64 - 0.5,
        true,
        PlotOptions::label(&options.y_label, "post-synaptic rank"),
    )
    .negate();
    save(path.as_ref(), &Matrix { cells, x, y, scale }, options)
}

/// The dense post x pre matrix of a projection attribute, for
/// [`weight_matrix`]: one row per neuron of the post-synaptic population,
/// one column per neuron of the pre-synaptic population (whole
/// populations, also when the projection connects views), `None` where
/// there is no synapse (ANNarchy's `connectivity_matrix(fill=None)`).
///
/// # Errors
///
/// [`Error::UnknownAttribute`] when the synapse model has no attribute
/// `attribute`; [`Error::Invalid`] when it does not have one value per
/// synapse (a `postsynaptic` or `projection` attribute); [`Error::UnknownObject`]
/// when the projection is not one of this network.
pub fn projection_matrix(
    net: &Network,
    proj: impl Into<AnyProj>,
    attribute: &str,
) -> Result<Vec<Vec<Option<f64>>>> {
    let proj = proj.into();
    let Some(p) = net.objects.projs.get(proj.0) else {
        return Err(Error::UnknownObject {
            kind: "projection",
            name: format!("#{}", proj.0),
        });
    };
    let values = net.proj_get(proj, attribute)?;
    let conn = net.connectivity(proj);
    if values.len() != conn.nb_synapses() {
        return Err(Error::invalid(
            &format!("projection `{}`", p.name),
            format!("`{attribute}` is not an attribute with one value per synapse"),
        ));
    }
    let pre_size = net.population_size(AnyPop(p.pre));
    let post_size = net.population_size(AnyPop(p.post));
    let mut matrix = vec![vec![None; pre_size]; post_size];
    for (k, &post) in conn.post_ranks.iter().enumerate() {
        for s in conn.row(k) {
            matrix[post as usize][conn.pre_ranks[s] as usize] = Some(values[s]);
        }
    }
    Ok(matrix)
}
