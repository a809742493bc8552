//! Logging to TensorBoard: ANNarchy's `extensions.tensorboard.Logger`,
//! which wraps tensorboardX's `SummaryWriter`.
//!
//! A [`Logger`] writes `tfevents` files, the format TensorBoard reads
//! (`tensorboard --logdir runs`): scalars ([`Logger::add_scalar`],
//! [`Logger::add_scalars`]), images ([`Logger::add_image`],
//! [`Logger::add_images`]), histograms ([`Logger::add_histogram`]) and
//! hyperparameters with their metrics ([`Logger::add_parameters`], the
//! hparams plugin). The files are written with no dependency on TensorFlow
//! or protobuf libraries: records are framed as TFRecord (length, masked
//! CRC-32C of the length, data, masked CRC-32C of the data) and the
//! `Event` messages are encoded by hand.
//!
//! # Layout on disk
//!
//! [`Logger::new`]`(logdir, experiment)` creates `logdir` and the run folder
//! `logdir/<experiment>`, or, without an experiment,
//! `logdir/<MonDD_HH-MM-SS>_<hostname>` (e.g. `runs/Apr22_12-11-22_machine`)
//! like ANNarchy. **The date is in UTC** (ANNarchy uses local time; the
//! run-time computes the date itself and knows no time zone). The hostname
//! is read from `/proc/sys/kernel/hostname`, else from the `HOSTNAME`
//! environment variable, else it is `localhost`.
//!
//! Each writer creates one event file named
//! `events.out.tfevents.<unix seconds, 10 digits>.<hostname>.<pid>.<n>`
//! (`n` counts the files this process opened, so that two writers never
//! share a file); its first record is an `Event` with
//! `file_version = "brain.Event:2"`. As in tensorboardX,
//! [`Logger::add_scalars`] writes each key to its own run in the subfolder
//! `<run>/<main_tag>_<key>`, and [`Logger::add_parameters`] writes to the
//! subfolder `<run>/<unix time in seconds, as a decimal number>`.
//!
//! # Behaviour shared by the `add_*` methods
//!
//! * Tags are cleaned as tensorboardX cleans them: every character other
//!   than letters, digits, `_`, `-`, `/` and `.` becomes `_`, and leading
//!   `/` are removed (`"Population / Firing rate"` is stored as
//!   `"Population_/_Firing_rate"`).
//! * The step is the x axis in TensorBoard. Without a step (`None`), the
//!   event has no step, which TensorBoard reads as step 0, exactly as
//!   tensorboardX with `global_step=None`; there is no automatic counter,
//!   so pass the trial or time index when logging repeatedly.
//! * Records are buffered; the file is flushed when it is created, then at
//!   the first write at least 10 seconds after the previous flush
//!   (ANNarchy's `flush_secs=10`), by [`Logger::flush`], by
//!   [`Logger::close`] and when the logger is dropped.
//!
//! # Example
//!
//! ```
//! use annarchy_runtime::tensorboard::{HParam, Logger};
//!
//! # fn main() -> annarchy_runtime::Result<()> {
//! let logdir = std::env::temp_dir().join(format!("annarchy-tb-doc-{}", std::process::id()));
//! let mut logger = Logger::new(&logdir, Some("trial1"))?;
//! for trial in 0..10 {
//!     let accuracy = 0.5 + 0.05 * trial as f64;
//!     logger.add_scalar("Accuracy", accuracy, Some(trial))?;
//!     logger.add_scalars("Neurons", &[("first", 0.1), ("second", 0.2)], Some(trial))?;
//! }
//! // A 2x3 grayscale image, equalized to [0, 1].
//! let rates = [0.0, 2.0, 4.0, 6.0, 8.0, 10.0];
//! logger.add_image("Population/Firing rate", &rates, &[2, 3], Some(9), true)?;
//! logger.add_histogram("Weights", &[0.1, 0.5, 0.5, 0.9], Some(9))?;
//! logger.add_parameters(&[("eta", HParam::from(0.01)), ("rule", "Oja".into())], &[("accuracy", 0.95)])?;
//! assert!(logger.run_dir().ends_with("trial1"));
//! assert!(logger.event_file().exists());
//! logger.close()?;
//! # std::fs::remove_dir_all(&logdir).unwrap();
//! # Ok(())
//! # }
//! ```
//!
//! # Checking a log with TensorBoard's own reader
//!
//! ```text
//! python3 -m venv /tmp/tb-venv && /tmp/tb-venv/bin/pip install tensorboard
//! /tmp/tb-venv/bin/python - <<'EOF'
//! from tensorboard.backend.event_processing import event_accumulator as ea
//! acc = ea.EventAccumulator("runs/trial1", size_guidance={k: 0 for k in ea.DEFAULT_SIZE_GUIDANCE})
//! acc.Reload()
//! print(acc.Tags())
//! for tag in acc.Tags()["scalars"]:
//!     print(tag, [(s.step, s.value) for s in acc.Scalars(tag)])
//! EOF
//! ```

mod proto;
mod record;
mod summary;

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

/// How long records may wait in memory before a write flushes them
/// (ANNarchy creates its `SummaryWriter` with `flush_secs=10`).
const FLUSH_INTERVAL: Duration = Duration::from_secs(10);

/// Event files opened by this process, to make their names unique.
static FILES_OPENED: AtomicU64 = AtomicU64::new(0);

/// The value of a hyperparameter given to [`Logger::add_parameters`].
///
/// The hparams plugin knows three types: numbers (integers are stored as
/// numbers too), strings and booleans.
#[derive(Debug, Clone, PartialEq)]
pub enum HParam {
    /// A number (`DATA_TYPE_FLOAT64`).
    Number(f64),
    /// A string (`DATA_TYPE_STRING`).
    Text(String),
    /// A boolean (`DATA_TYPE_BOOL`).
    Bool(bool),
}

impl From<f64> for HParam {
    fn from(v: f64) -> Self {
        HParam::Number(v)
    }
}

impl From<f32> for HParam {
    fn from(v: f32) -> Self {
        HParam::Number(f64::from(v))
    }
}

impl From<i32> for HParam {
    fn from(v: i32) -> Self {
        HParam::Number(f64::from(v))
    }
}

impl From<i64> for HParam {
    /// Integers beyond ±2⁵³ lose precision, as in the hparams plugin.
    fn from(v: i64) -> Self {
        HParam::Number(v as f64)
    }
}

impl From<usize> for HParam {
    /// Integers beyond 2⁵³ lose precision, as in the hparams plugin.
    fn from(v: usize) -> Self {
        HParam::Number(v as f64)
    }
}

impl From<bool> for HParam {
    fn from(v: bool) -> Self {
        HParam::Bool(v)
    }
}

impl From<&str> for HParam {
    fn from(v: &str) -> Self {
        HParam::Text(v.to_string())
    }
}

impl From<String> for HParam {
    fn from(v: String) -> Self {
        HParam::Text(v)
    }
}

/// Writes TensorBoard logs of a simulation (ANNarchy's `Logger`).
///
/// See the [module documentation](self) for the layout on disk, the steps
/// and flushing. The logger is flushed when dropped; [`Logger::close`] does
/// the same and reports errors.
#[derive(Debug)]
pub struct Logger {
    run_dir: PathBuf,
    writer: EventWriter,
    /// The writers of [`Logger::add_scalars`], by folder.
    scalar_writers: BTreeMap<PathBuf, EventWriter>,
}

impl Logger {
    /// Creates `logdir` if needed, the run folder (`logdir/<experiment>`,
    /// or `logdir/<MonDD_HH-MM-SS>_<hostname>` in UTC when `experiment` is
    /// `None` or empty) and its event file. Reusing an experiment name adds
    /// a new event file to the same run, which TensorBoard shows as one.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when a folder or the event file cannot be
    /// created (the message names the path).
    pub fn new(logdir: impl AsRef<Path>, experiment: Option<&str>) -> Result<Logger> {
        let logdir = logdir.as_ref();
        std::fs::create_dir_all(logdir).map_err(|e| io_error(logdir, "cannot be created", e))?;
        let run_dir = match experiment {
            Some(name) if !name.is_empty() => logdir.join(name),
            _ => logdir.join(default_run_name(unix_seconds(), &hostname())),
        };
        let writer = EventWriter::create(&run_dir)?;
        Ok(Logger {
            run_dir,
            writer,
            scalar_writers: BTreeMap::new(),
        })
    }

    /// The run folder (ANNarchy's `currentlogdir`).
    pub fn run_dir(&self) -> &Path {
        &self.run_dir
    }

    /// The event file of the run folder.
    pub fn event_file(&self) -> &Path {
        &self.writer.path
    }

    /// Logs one scalar value, e.g. an accuracy after each trial.
    ///
    /// The value is stored as a 32-bit float, as TensorBoard stores scalars
    /// (values beyond its range become ±∞). NaN and ±∞ are written as they
    /// are; TensorBoard accepts them.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the event file cannot be written.
    pub fn add_scalar(&mut self, tag: &str, value: f64, step: Option<i64>) -> Result<()> {
        let v = summary::scalar_value(&summary::clean_tag(tag), value);
        self.writer.write_summary(&[v], step, wall_time())
    }

    /// Logs several scalars to show in the same figure of TensorBoard, e.g.
    /// the rates of a few neurons.
    ///
    /// As in tensorboardX, each key is written to its own run, the
    /// subfolder `<run>/<main_tag>_<key>` (with the `/` of `main_tag`
    /// replaced by `_`), under the tag `main_tag`; the
    /// keys appear as runs in TensorBoard, overlaid in the figure
    /// `main_tag`. All values get the same wall time.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when a key would make `<main_tag>_<key>` name a
    /// folder outside the run folder (`.` or `..` components), or when a folder or event file cannot be written. The
    /// values before the faulty key are logged.
    pub fn add_scalars(
        &mut self,
        main_tag: &str,
        values: &[(&str, f64)],
        step: Option<i64>,
    ) -> Result<()> {
        let time = wall_time();
        let tag = summary::clean_tag(main_tag);
        for &(key, value) in values {
            let folder = format!("{}_{key}", main_tag.replace('/', "_"));
            let dir = self.run_dir.join(relative_folder(&folder)?);
            let writer = match self.scalar_writers.entry(dir) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    let w = EventWriter::create(e.key())?;
                    e.insert(w)
                }
            };
            writer.write_summary(&[summary::scalar_value(&tag, value)], step, time)?;
        }
        Ok(())
    }

    /// Logs an image: `img` holds row-major values of `shape` `[H, W]`
    /// (grayscale) or `[H, W, 3]` (RGB, channels last), as ANNarchy takes
    /// numpy arrays of shape `(H, W)` or `(H, W, 3)`.
    ///
    /// Values should lie in `[0, 1]`; they become bytes by `trunc(x * 255)`
    /// as in tensorboardX, values outside `[0, 1]` saturating at 0 and 255
    /// and NaN giving 0. With `equalize`, the values are first rescaled to
    /// `(x - min) / (max - min)` (a constant image then gives NaN, hence
    /// black, as in ANNarchy). The image is stored as an 8-bit RGB PNG
    /// (grayscale repeated into three channels, as tensorboardX does).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for any other shape (ANNarchy's messages: "color
    /// images must be of shape (H, W, 3)", "images must be of shape (H, W)
    /// or (H, W, 3)") or a zero dimension; [`Error::SizeMismatch`] when the
    /// number of values is not the product of `shape`; [`Error::Invalid`]
    /// when the image cannot be encoded or the file written.
    pub fn add_image(
        &mut self,
        tag: &str,
        img: &[f64],
        shape: &[usize],
        step: Option<i64>,
        equalize: bool,
    ) -> Result<()> {
        const WHAT: &str = "Logger.add_image";
        let (height, width, channels) = match *shape {
            [h, w] => (h, w, 1),
            [h, w, 3] => (h, w, 3),
            [_, _, _] => {
                return Err(Error::invalid(
                    WHAT,
                    format!("color images must be of shape (H, W, 3), got {shape:?}"),
                ));
            }
            _ => {
                return Err(Error::invalid(
                    WHAT,
                    format!("images must be of shape (H, W) or (H, W, 3), got {shape:?}"),
                ));
            }
        };
        check_values(WHAT, img, shape)?;
        let mut pixels = img.to_vec();
        if equalize {
            summary::equalize(&mut pixels);
        }
        self.write_image(tag, &pixels, height, width, channels, step)
    }

    /// Logs a set of images (e.g. receptive fields) as one image: a grid of
    /// at most 8 columns, filled row by row, unused cells black, as
    /// tensorboardX's `make_grid` tiles them.
    ///
    /// `imgs` holds row-major values of `shape` `[N, H, W]` (grayscale),
    /// `[N, H, W, 1]`, `[N, H, W, 3]` (RGB) or `[N, H, W, 4]` (RGBA), as
    /// ANNarchy takes numpy arrays of these shapes. Pixels are converted as
    /// in [`Logger::add_image`]. With `equalize`, values are rescaled to
    /// `[0, 1]` with the min and max of all images, or of each image when
    /// `equalize_per_image` is also set (which has no effect otherwise).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for any other shape or a zero dimension;
    /// [`Error::SizeMismatch`] when the number of values is not the
    /// product of `shape`; [`Error::Invalid`] when the image cannot be
    /// encoded or the file written.
    pub fn add_images(
        &mut self,
        tag: &str,
        imgs: &[f64],
        shape: &[usize],
        step: Option<i64>,
        equalize: bool,
        equalize_per_image: bool,
    ) -> Result<()> {
        const WHAT: &str = "Logger.add_images";
        let (n, height, width, channels) = match *shape {
            [n, h, w] => (n, h, w, 1),
            [n, h, w, c @ (1 | 3 | 4)] => (n, h, w, c),
            _ => {
                return Err(Error::invalid(
                    WHAT,
                    format!(
                        "images must be of shape (N, H, W) or (N, H, W, C) with C = 1, 3 or 4, \
                         got {shape:?}"
                    ),
                ));
            }
        };
        check_values(WHAT, imgs, shape)?;
        let mut pixels = imgs.to_vec();
        if equalize {
            if equalize_per_image {
                for one in pixels.chunks_exact_mut(height * width * channels) {
                    summary::equalize(one);
                }
            } else {
                summary::equalize(&mut pixels);
            }
        }
        let (grid, grid_h, grid_w) = summary::make_grid(&pixels, n, height, width, channels);
        self.write_image(tag, &grid, grid_h, grid_w, channels, step)
    }

    /// Logs the distribution of `values`, e.g. the weights of a projection.
    ///
    /// The buckets are tensorboardX's default ones (`bins='tensorflow'`):
    /// edges at 0 and `±1e-12 * 1.1^k` up to about ±1e20, the histogram
    /// keeping the buckets from the first to the last non-empty one, plus
    /// one empty bucket before them. `min`, `max`, `num`, `sum` and
    /// `sum_squares` are those of all the values; values beyond ±1e20
    /// (about) fall in no bucket, as in tensorboardX.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `values` is empty, holds NaN or ±∞, or has
    /// no value within the buckets, or when the file cannot be written.
    pub fn add_histogram(&mut self, tag: &str, values: &[f64], step: Option<i64>) -> Result<()> {
        let h = summary::make_histogram(values, summary::default_bins())
            .map_err(|reason| Error::invalid("Logger.add_histogram", reason))?;
        let v = summary::histogram_value(&summary::clean_tag(tag), &h);
        self.writer.write_summary(&[v], step, wall_time())
    }

    /// Logs the parameters of a simulation and the metrics they led to, for
    /// the HPARAMS tab of TensorBoard, which compares runs (ANNarchy's
    /// `add_parameters`, tensorboardX's `add_hparams`). Call it once per
    /// run, generally at the end.
    ///
    /// As tensorboardX does, this writes to a new subfolder
    /// `<run>/<unix time>` the hparams plugin's three summaries
    /// (`_hparams_/experiment` listing the parameters with their types and
    /// the metric tags, `_hparams_/session_start_info` with the values,
    /// `_hparams_/session_end_info` with status success), then each metric
    /// as a scalar (step 0).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the folder or its event file cannot be
    /// written.
    pub fn add_parameters(
        &mut self,
        params: &[(&str, HParam)],
        metrics: &[(&str, f64)],
    ) -> Result<()> {
        let time = wall_time();
        let names: Vec<&str> = metrics.iter().map(|&(name, _)| name).collect();
        let [experiment, start, end] = summary::hparams_values(params, &names);
        let mut w = EventWriter::create(&self.run_dir.join(time.to_string()))?;
        w.write_summary(&[experiment], None, wall_time())?;
        w.write_summary(&[start], None, wall_time())?;
        w.write_summary(&[end], None, wall_time())?;
        for &(name, value) in metrics {
            let v = summary::scalar_value(&summary::clean_tag(name), value);
            w.write_summary(&[v], None, wall_time())?;
        }
        w.flush()
    }

    /// Writes the buffered records of every event file of the logger.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when a file cannot be written.
    pub fn flush(&mut self) -> Result<()> {
        self.writer.flush()?;
        for w in self.scalar_writers.values_mut() {
            w.flush()?;
        }
        Ok(())
    }

    /// Flushes and closes the logger (dropping it does the same but cannot
    /// report errors).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when a file cannot be written.
    pub fn close(mut self) -> Result<()> {
        self.flush()
    }

    fn write_image(
        &mut self,
        tag: &str,
        pixels: &[f64],
        height: usize,
        width: usize,
        channels: usize,
        step: Option<i64>,
    ) -> Result<()> {
        let (bytes, colorspace) = summary::to_bytes(pixels, channels);
        let png = summary::encode_png(&bytes, height, width, colorspace).map_err(|e| {
            Error::invalid("Logger", format!("image `{tag}` cannot be encoded: {e}"))
        })?;
        let v = summary::image_value(&summary::clean_tag(tag), height, width, colorspace, &png);
        self.writer.write_summary(&[v], step, wall_time())
    }
}

impl Drop for Logger {
    fn drop(&mut self) {
        // Errors cannot be reported here; `close` reports them.
        let _ = self.flush();
    }
}

/// One event file being written.
#[derive(Debug)]
struct EventWriter {
    path: PathBuf,
    file: BufWriter<File>,
    next_flush: Instant,
    /// Scratch space for one framed record.
    record: Vec<u8>,
}

impl EventWriter {
    /// Creates `dir` if needed and a new event file in it, starting with
    /// the file-version event (flushed at once).
    fn create(dir: &Path) -> Result<EventWriter> {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, "cannot be created", e))?;
        let time = wall_time();
        let name = format!(
            "events.out.tfevents.{:010}.{}.{}.{}",
            time as u64,
            hostname(),
            std::process::id(),
            FILES_OPENED.fetch_add(1, Ordering::Relaxed)
        );
        let path = dir.join(name);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| io_error(&path, "cannot be created", e))?;
        let mut writer = EventWriter {
            path,
            file: BufWriter::new(file),
            next_flush: Instant::now(),
            record: Vec::new(),
        };
        writer.write_event(&summary::file_version_event(time))?;
        Ok(writer)
    }

    /// Appends an event holding a summary of `values`.
    fn write_summary(
        &mut self,
        values: &[proto::Message],
        step: Option<i64>,
        wall_time: f64,
    ) -> Result<()> {
        let event = summary::summary_event(wall_time, step.unwrap_or(0), values);
        self.write_event(&event)
    }

    /// Appends one encoded event as a record, flushing when the last flush
    /// is older than [`FLUSH_INTERVAL`].
    fn write_event(&mut self, event: &[u8]) -> Result<()> {
        self.record.clear();
        record::append_record(&mut self.record, event);
        self.file
            .write_all(&self.record)
            .map_err(|e| io_error(&self.path, "cannot be written", e))?;
        let now = Instant::now();
        if now >= self.next_flush {
            self.flush()?;
            self.next_flush = now + FLUSH_INTERVAL;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        self.file
            .flush()
            .map_err(|e| io_error(&self.path, "cannot be written", e))
    }
}

/// `s` as a relative path of normal components only, for the folders of
/// [`Logger::add_scalars`].
fn relative_folder(s: &str) -> Result<&Path> {
    let path = Path::new(s);
    let mut components = path.components().peekable();
    if components.peek().is_none() || !components.all(|c| matches!(c, Component::Normal(_))) {
        return Err(Error::invalid(
            "Logger.add_scalars",
            format!("`{s}` does not name a folder inside the run folder"),
        ));
    }
    Ok(path)
}

/// Checks that `values` fills `shape` and that no dimension is zero.
fn check_values(what: &str, values: &[f64], shape: &[usize]) -> Result<()> {
    if shape.contains(&0) {
        return Err(Error::invalid(what, format!("empty image shape {shape:?}")));
    }
    let expected = shape.iter().product();
    if values.len() != expected {
        let (object, attribute) = what.split_once('.').unwrap_or((what, "image"));
        return Err(Error::SizeMismatch {
            object: object.to_string(),
            attribute: attribute.to_string(),
            expected,
            got: values.len(),
        });
    }
    Ok(())
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> Error {
    Error::Invalid {
        object: format!("tensorboard log `{}`", path.display()),
        reason: format!("{what}: {e}"),
    }
}

/// Seconds since the Unix epoch, with a fractional part.
fn wall_time() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Whole seconds since the Unix epoch.
fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The name of this machine: `/proc/sys/kernel/hostname`, else `$HOSTNAME`,
/// else `localhost`.
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "localhost".to_string())
}

/// ANNarchy's default run folder name, `%b%d_%H-%M-%S_<hostname>`, for a
/// time in seconds since the Unix epoch, in UTC.
fn default_run_name(unix_secs: u64, host: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix_secs / 86_400;
    let secs = unix_secs % 86_400;
    let (_, month, day) = civil_from_days(days as i64);
    format!(
        "{}{day:02}_{:02}-{:02}-{:02}_{host}",
        MONTHS[(month - 1) as usize],
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The proleptic Gregorian date `(year, month 1-12, day 1-31)` of a day
/// counted from 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        // 2000-02-29 (a leap day of a century divisible by 400).
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
        // 2024-04-22.
        assert_eq!(civil_from_days(19_835), (2024, 4, 22));
    }

    #[test]
    fn run_names() {
        // 2024-04-22 12:11:22 UTC.
        assert_eq!(
            default_run_name(1_713_787_882, "machine"),
            "Apr22_12-11-22_machine"
        );
        assert_eq!(default_run_name(0, "h"), "Jan01_00-00-00_h");
        // 2023-12-31 23:59:59 UTC.
        assert_eq!(default_run_name(1_704_067_199, "h"), "Dec31_23-59-59_h");
    }

    #[test]
    fn scalar_folders() {
        assert!(relative_folder("Accuracy").is_ok());
        assert!(relative_folder("a/b").is_ok());
        for bad in ["", "/etc", "..", "a/../../b", "./a", "."] {
            assert!(relative_folder(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn hostname_is_not_empty() {
        assert!(!hostname().is_empty());
    }
}
