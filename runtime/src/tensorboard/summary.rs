//! The summaries that [`Logger`](super::Logger) writes, as tensorboardX
//! builds them: scalars, images (PNG), histograms and the hparams plugin's
//! three summaries, wrapped in `Event` messages.

use std::sync::OnceLock;

use super::HParam;
use super::proto::Message;

/// `Event` fields (`event.proto`).
mod event_field {
    pub const WALL_TIME: u32 = 1;
    pub const STEP: u32 = 2;
    pub const FILE_VERSION: u32 = 3;
    pub const SUMMARY: u32 = 5;
}

/// `Summary` and `Summary.Value` fields (`summary.proto`).
mod summary_field {
    pub const VALUE: u32 = 1;
    pub const TAG: u32 = 1;
    pub const SIMPLE_VALUE: u32 = 2;
    pub const IMAGE: u32 = 4;
    pub const HISTO: u32 = 5;
    pub const METADATA: u32 = 9;
}

/// `Summary.Image` fields.
mod image_field {
    pub const HEIGHT: u32 = 1;
    pub const WIDTH: u32 = 2;
    pub const COLORSPACE: u32 = 3;
    pub const ENCODED: u32 = 4;
}

/// `HistogramProto` fields (`histogram.proto`).
mod histo_field {
    pub const MIN: u32 = 1;
    pub const MAX: u32 = 2;
    pub const NUM: u32 = 3;
    pub const SUM: u32 = 4;
    pub const SUM_SQUARES: u32 = 5;
    pub const BUCKET_LIMIT: u32 = 6;
    pub const BUCKET: u32 = 7;
}

/// `SummaryMetadata` and `SummaryMetadata.PluginData` fields.
mod metadata_field {
    pub const PLUGIN_DATA: u32 = 1;
    pub const PLUGIN_NAME: u32 = 1;
    pub const CONTENT: u32 = 2;
}

/// Messages of the hparams plugin (`plugin_data.proto`, `api.proto`) and of
/// `google/protobuf/struct.proto`.
mod hparams_field {
    // HParamsPluginData
    pub const EXPERIMENT: u32 = 2;
    pub const SESSION_START_INFO: u32 = 3;
    pub const SESSION_END_INFO: u32 = 4;
    // Experiment
    pub const HPARAM_INFOS: u32 = 4;
    pub const METRIC_INFOS: u32 = 5;
    // HParamInfo
    pub const INFO_NAME: u32 = 1;
    pub const INFO_TYPE: u32 = 4;
    // MetricInfo.name, MetricName.tag
    pub const METRIC_NAME: u32 = 1;
    pub const METRIC_TAG: u32 = 2;
    // SessionStartInfo.hparams (a map: entries with key 1, value 2)
    pub const HPARAMS: u32 = 1;
    pub const MAP_KEY: u32 = 1;
    pub const MAP_VALUE: u32 = 2;
    // google.protobuf.Value
    pub const NUMBER_VALUE: u32 = 2;
    pub const STRING_VALUE: u32 = 3;
    pub const BOOL_VALUE: u32 = 4;
    // SessionEndInfo.status
    pub const STATUS: u32 = 1;
    // enum DataType
    pub const DATA_TYPE_STRING: i64 = 1;
    pub const DATA_TYPE_BOOL: i64 = 2;
    pub const DATA_TYPE_FLOAT64: i64 = 3;
    // enum Status
    pub const STATUS_SUCCESS: i64 = 1;
}

/// The file version that opens every event file.
pub(crate) const FILE_VERSION: &str = "brain.Event:2";

/// Tag of the hparams plugin's experiment summary.
pub(crate) const EXPERIMENT_TAG: &str = "_hparams_/experiment";
/// Tag of the hparams plugin's session-start summary.
pub(crate) const SESSION_START_INFO_TAG: &str = "_hparams_/session_start_info";
/// Tag of the hparams plugin's session-end summary.
pub(crate) const SESSION_END_INFO_TAG: &str = "_hparams_/session_end_info";

/// An encoded `Event` holding the file version (the first record of a file).
pub(crate) fn file_version_event(wall_time: f64) -> Vec<u8> {
    let mut e = Message::new();
    e.double(event_field::WALL_TIME, wall_time)
        .string(event_field::FILE_VERSION, FILE_VERSION);
    e.into_bytes()
}

/// An encoded `Event` holding a `Summary` made of `values`.
///
/// A step of 0 is left out, as tensorboardX leaves it out when no step is
/// given (both read back as step 0).
pub(crate) fn summary_event(wall_time: f64, step: i64, values: &[Message]) -> Vec<u8> {
    let mut s = Message::new();
    for v in values {
        s.message(summary_field::VALUE, v);
    }
    let mut e = Message::new();
    e.double(event_field::WALL_TIME, wall_time)
        .int_nonzero(event_field::STEP, step)
        .message(event_field::SUMMARY, &s);
    e.into_bytes()
}

/// tensorboardX's `_clean_tag`: every character other than `-`, `/`, `.`
/// and word characters (letters, digits, `_`) becomes `_`, then leading
/// slashes are removed.
pub(crate) fn clean_tag(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c == '-' || c == '/' || c == '.' || c == '_' || c.is_alphanumeric() {
                c
            } else {
                '_'
            }
        })
        .collect();
    cleaned.trim_start_matches('/').to_string()
}

/// A `Summary.Value` with a `simple_value` (a 32-bit float, as TensorBoard
/// stores scalars).
pub(crate) fn scalar_value(tag: &str, value: f64) -> Message {
    let mut v = Message::new();
    v.string(summary_field::TAG, tag)
        .float(summary_field::SIMPLE_VALUE, value as f32);
    v
}

/// A `Summary.Value` with an image.
pub(crate) fn image_value(
    tag: &str,
    height: usize,
    width: usize,
    colorspace: usize,
    png: &[u8],
) -> Message {
    let mut img = Message::new();
    img.int_nonzero(image_field::HEIGHT, height as i64)
        .int_nonzero(image_field::WIDTH, width as i64)
        .int_nonzero(image_field::COLORSPACE, colorspace as i64)
        .bytes(image_field::ENCODED, png);
    let mut v = Message::new();
    v.string(summary_field::TAG, tag)
        .message(summary_field::IMAGE, &img);
    v
}

/// A histogram in the form of `HistogramProto`: bucket `i` counts the values
/// in `(bucket_limit[i-1], bucket_limit[i]]` (the first one from -∞).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Histogram {
    pub min: f64,
    pub max: f64,
    pub num: f64,
    pub sum: f64,
    pub sum_squares: f64,
    pub bucket_limit: Vec<f64>,
    pub bucket: Vec<f64>,
}

/// tensorboardX's default bin edges (`bins='tensorflow'`): `0`, and
/// `±1e-12 * 1.1^k` for every `k` with `1e-12 * 1.1^k < 1e20`, ascending
/// (1549 edges; the outermost are about ±9.9e19).
pub(crate) fn default_bins() -> &'static [f64] {
    static BINS: OnceLock<Vec<f64>> = OnceLock::new();
    BINS.get_or_init(|| {
        let mut positive = Vec::new();
        let mut v = 1e-12;
        while v < 1e20 {
            positive.push(v);
            v *= 1.1;
        }
        let mut bins: Vec<f64> = positive.iter().rev().map(|v| -v).collect();
        bins.push(0.0);
        bins.extend_from_slice(&positive);
        bins
    })
}

/// tensorboardX's `make_histogram`: counts of `values` in the bins between
/// consecutive `edges` (as `numpy.histogram`: `[e_i, e_i+1)`, the last bin
/// closed; values outside `[e_0, e_last]` are not counted), trimmed to the
/// bins from the first to the last non-empty one, with one empty bin before
/// them so that the lowest limit is kept (TensorBoard stores only right
/// limits).
///
/// # Errors
///
/// A message when `values` is empty, holds a non-finite value, or has no
/// value inside the edges.
pub(crate) fn make_histogram(values: &[f64], edges: &[f64]) -> Result<Histogram, String> {
    if values.is_empty() {
        return Err("the input has no element".into());
    }
    if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
        return Err(format!("histogram values must be finite, got {bad}"));
    }
    let nbins = edges.len() - 1;
    let mut counts = vec![0u64; nbins];
    let (first, last) = (edges[0], edges[nbins]);
    for &x in values {
        if x < first || x > last {
            continue;
        }
        let i = edges.partition_point(|&e| e <= x) - 1;
        counts[i.min(nbins - 1)] += 1;
    }
    let (Some(start), Some(end)) = (
        counts.iter().position(|&c| c > 0),
        counts.iter().rposition(|&c| c > 0),
    ) else {
        return Err(format!(
            "no value lies inside the histogram range [{first:e}, {last:e}]"
        ));
    };
    let bucket: Vec<f64> = if start > 0 {
        counts[start - 1..=end].iter().map(|&c| c as f64).collect()
    } else {
        std::iter::once(0.0)
            .chain(counts[..=end].iter().map(|&c| c as f64))
            .collect()
    };
    let bucket_limit = edges[start..=end + 1].to_vec();
    Ok(Histogram {
        min: values.iter().copied().fold(f64::INFINITY, f64::min),
        max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        num: values.len() as f64,
        sum: values.iter().sum(),
        sum_squares: values.iter().map(|v| v * v).sum(),
        bucket_limit,
        bucket,
    })
}

/// A `Summary.Value` with a `HistogramProto`.
pub(crate) fn histogram_value(tag: &str, h: &Histogram) -> Message {
    let mut p = Message::new();
    p.double_nonzero(histo_field::MIN, h.min)
        .double_nonzero(histo_field::MAX, h.max)
        .double_nonzero(histo_field::NUM, h.num)
        .double_nonzero(histo_field::SUM, h.sum)
        .double_nonzero(histo_field::SUM_SQUARES, h.sum_squares)
        .packed_doubles(histo_field::BUCKET_LIMIT, &h.bucket_limit)
        .packed_doubles(histo_field::BUCKET, &h.bucket);
    let mut v = Message::new();
    v.string(summary_field::TAG, tag)
        .message(summary_field::HISTO, &p);
    v
}

/// A `Summary.Value` carrying only hparams plugin metadata whose content is
/// an `HParamsPluginData` with `field` set to `data` (version 0).
fn hparams_plugin_value(tag: &str, field: u32, data: &Message) -> Message {
    let mut content = Message::new();
    content.message(field, data);
    let mut plugin = Message::new();
    plugin
        .string(metadata_field::PLUGIN_NAME, "hparams")
        .bytes(metadata_field::CONTENT, &content.into_bytes());
    let mut meta = Message::new();
    meta.message(metadata_field::PLUGIN_DATA, &plugin);
    let mut v = Message::new();
    v.string(summary_field::TAG, tag)
        .message(summary_field::METADATA, &meta);
    v
}

/// tensorboardX's `hparams()`: the experiment, session-start and
/// session-end summary values, in that order.
pub(crate) fn hparams_values(params: &[(&str, HParam)], metrics: &[&str]) -> [Message; 3] {
    let mut experiment = Message::new();
    let mut start = Message::new();
    for (name, value) in params {
        let mut v = Message::new();
        let data_type = match value {
            HParam::Number(x) => {
                v.double(hparams_field::NUMBER_VALUE, *x);
                hparams_field::DATA_TYPE_FLOAT64
            }
            HParam::Text(s) => {
                v.string(hparams_field::STRING_VALUE, s);
                hparams_field::DATA_TYPE_STRING
            }
            HParam::Bool(b) => {
                v.bool(hparams_field::BOOL_VALUE, *b);
                hparams_field::DATA_TYPE_BOOL
            }
        };
        let mut entry = Message::new();
        entry
            .string(hparams_field::MAP_KEY, name)
            .message(hparams_field::MAP_VALUE, &v);
        start.message(hparams_field::HPARAMS, &entry);
        let mut info = Message::new();
        info.string_nonempty(hparams_field::INFO_NAME, name)
            .int_nonzero(hparams_field::INFO_TYPE, data_type);
        experiment.message(hparams_field::HPARAM_INFOS, &info);
    }
    for tag in metrics {
        let mut name = Message::new();
        name.string_nonempty(hparams_field::METRIC_TAG, tag);
        let mut info = Message::new();
        info.message(hparams_field::METRIC_NAME, &name);
        experiment.message(hparams_field::METRIC_INFOS, &info);
    }
    let mut end = Message::new();
    end.int_nonzero(hparams_field::STATUS, hparams_field::STATUS_SUCCESS);
    [
        hparams_plugin_value(EXPERIMENT_TAG, hparams_field::EXPERIMENT, &experiment),
        hparams_plugin_value(
            SESSION_START_INFO_TAG,
            hparams_field::SESSION_START_INFO,
            &start,
        ),
        hparams_plugin_value(SESSION_END_INFO_TAG, hparams_field::SESSION_END_INFO, &end),
    ]
}

/// Rescales `values` to `(x - min) / (max - min)` (ANNarchy's `equalize`).
/// All values equal give NaN, as in ANNarchy; NaN pixels become black.
pub(crate) fn equalize(values: &mut [f64]) {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for v in values {
        *v = (*v - min) / (max - min);
    }
}

/// tensorboardX's `make_grid`: `n` images of `height x width x channels`
/// (row-major, channels last) tiled row by row into a grid of
/// `min(n, 8)` columns and `ceil(n / columns)` rows, the unused cells
/// black. Returns the grid (channels last) and its height and width.
pub(crate) fn make_grid(
    images: &[f64],
    n: usize,
    height: usize,
    width: usize,
    channels: usize,
) -> (Vec<f64>, usize, usize) {
    let ncols = n.min(8);
    let nrows = n.div_ceil(ncols);
    let (grid_h, grid_w) = (height * nrows, width * ncols);
    let mut grid = vec![0.0; grid_h * grid_w * channels];
    let row_len = width * channels;
    for (i, img) in images.chunks_exact(height * row_len).enumerate() {
        let (gy, gx) = (i / ncols, i % ncols);
        for (y, src) in img.chunks_exact(row_len).enumerate() {
            let start = ((gy * height + y) * grid_w + gx * width) * channels;
            grid[start..start + row_len].copy_from_slice(src);
        }
    }
    (grid, grid_h, grid_w)
}

/// Pixels in `[0, 1]` to bytes as tensorboardX does (`(x * 255).astype(uint8)`,
/// which truncates); values outside `[0, 1]` saturate at 0 or 255 and NaN
/// gives 0. One channel is repeated into three (grayscale shown as RGB, as
/// tensorboardX's `convert_to_HWC` does). Returns the bytes and the number
/// of channels they have (3 or 4).
pub(crate) fn to_bytes(pixels: &[f64], channels: usize) -> (Vec<u8>, usize) {
    let byte = |x: f64| (x * 255.0) as u8;
    if channels == 1 {
        let bytes = pixels.iter().flat_map(|&x| [byte(x); 3]).collect();
        (bytes, 3)
    } else {
        (pixels.iter().map(|&x| byte(x)).collect(), channels)
    }
}

/// Encodes 8-bit RGB (3 channels) or RGBA (4 channels) pixels as a PNG file.
pub(crate) fn encode_png(
    bytes: &[u8],
    height: usize,
    width: usize,
    channels: usize,
) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let w = u32::try_from(width).unwrap_or(u32::MAX);
    let h = u32::try_from(height).unwrap_or(u32::MAX);
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(if channels == 4 {
        png::ColorType::Rgba
    } else {
        png::ColorType::Rgb
    });
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(bytes)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_bins_match_tensorboardx() {
        let bins = default_bins();
        assert_eq!(bins.len(), 1549);
        assert_eq!(bins[774], 0.0);
        assert_eq!(bins[775], 1e-12);
        assert_eq!(bins[773], -1e-12);
        assert!(bins.windows(2).all(|w| w[0] < w[1]));
        let last = *bins.last().unwrap();
        assert!(last < 1e20 && last * 1.1 >= 1e20);
    }

    #[test]
    fn histogram_trims_to_support() {
        let edges = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let h = make_histogram(&[1.5, 2.0, 2.5, 3.9], &edges).unwrap();
        // Bins [1,2): 1, [2,3): 2, [3,4): 1; one empty bin [0,1) before.
        assert_eq!(h.bucket, [0.0, 1.0, 2.0, 1.0]);
        assert_eq!(h.bucket_limit, [1.0, 2.0, 3.0, 4.0]);
        assert_eq!((h.min, h.max, h.num), (1.5, 3.9, 4.0));
        approx::assert_relative_eq!(h.sum, 9.9, max_relative = 1e-15);
        approx::assert_relative_eq!(
            h.sum_squares,
            2.25 + 4.0 + 6.25 + 15.21,
            max_relative = 1e-15
        );
    }

    #[test]
    fn histogram_first_bin_and_closed_last_bin() {
        let edges = [0.0, 1.0, 2.0];
        let h = make_histogram(&[0.0, 2.0, 2.0], &edges).unwrap();
        // A zero bucket is prepended whose right limit is the first edge.
        assert_eq!(h.bucket, [0.0, 1.0, 2.0]);
        assert_eq!(h.bucket_limit, [0.0, 1.0, 2.0]);
        // Values outside the edges are counted in num but in no bucket.
        let h = make_histogram(&[0.5, 7.0], &edges).unwrap();
        assert_eq!(h.bucket, [0.0, 1.0]);
        assert_eq!(h.num, 2.0);
    }

    #[test]
    fn histogram_errors() {
        assert!(make_histogram(&[], default_bins()).is_err());
        assert!(make_histogram(&[1.0, f64::NAN], default_bins()).is_err());
        assert!(make_histogram(&[f64::INFINITY], default_bins()).is_err());
        assert!(make_histogram(&[5.0], &[0.0, 1.0]).is_err());
    }

    #[test]
    fn histogram_with_default_bins_counts_every_value() {
        let values: Vec<f64> = (0..1000)
            .map(|i| (f64::from(i) * 0.37).sin() * 3.0)
            .collect();
        let h = make_histogram(&values, default_bins()).unwrap();
        assert_eq!(h.bucket.iter().sum::<f64>(), 1000.0);
        assert_eq!(h.bucket.len(), h.bucket_limit.len());
        assert!(h.bucket_limit[0] <= h.min);
        assert!(*h.bucket_limit.last().unwrap() >= h.max);
    }

    #[test]
    fn tags_are_cleaned_like_tensorboardx() {
        assert_eq!(
            clean_tag("Population / Firing rate"),
            "Population_/_Firing_rate"
        );
        assert_eq!(clean_tag("//a/b-c.d_e"), "a/b-c.d_e");
        assert_eq!(clean_tag("été(1)"), "été_1_");
    }

    #[test]
    fn grid_layout() {
        // Three 1x2 single-channel images: one row of three cells.
        let imgs = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let (grid, h, w) = make_grid(&imgs, 3, 1, 2, 1);
        assert_eq!((h, w), (1, 6));
        assert_eq!(grid, imgs);
        // Nine 1x1 images: 8 columns, 2 rows, 7 black cells.
        let imgs: Vec<f64> = (1..=9).map(f64::from).collect();
        let (grid, h, w) = make_grid(&imgs, 9, 1, 1, 1);
        assert_eq!((h, w), (2, 8));
        assert_eq!(&grid[..9], &imgs[..]);
        assert!(grid[9..].iter().all(|&v| v == 0.0));
        // Two 2x1 images: the second is to the right of the first.
        let (grid, h, w) = make_grid(&[1.0, 2.0, 3.0, 4.0], 2, 2, 1, 1);
        assert_eq!((h, w), (2, 2));
        assert_eq!(grid, [1.0, 3.0, 2.0, 4.0]);
    }

    #[test]
    fn pixel_conversion() {
        let (bytes, c) = to_bytes(&[0.0, 0.5, 1.0, -1.0, 2.0, f64::NAN], 1);
        assert_eq!(c, 3);
        assert_eq!(
            bytes,
            [
                0, 0, 0, 127, 127, 127, 255, 255, 255, 0, 0, 0, 255, 255, 255, 0, 0, 0
            ]
        );
        let (bytes, c) = to_bytes(&[0.2, 0.4, 0.6], 3);
        assert_eq!((bytes, c), (vec![51, 102, 153], 3));
    }

    #[test]
    fn png_round_trip() {
        for channels in [3, 4] {
            let (h, w) = (3, 5);
            let bytes: Vec<u8> = (0..h * w * channels).map(|i| (i * 7) as u8).collect();
            let png = encode_png(&bytes, h, w, channels).unwrap();
            let decoder = png::Decoder::new(std::io::Cursor::new(png));
            let mut reader = decoder.read_info().unwrap();
            let mut buf = vec![0; reader.output_buffer_size().unwrap()];
            let info = reader.next_frame(&mut buf).unwrap();
            assert_eq!((info.width, info.height), (w as u32, h as u32));
            let color = if channels == 4 {
                png::ColorType::Rgba
            } else {
                png::ColorType::Rgb
            };
            assert_eq!(info.color_type, color);
            assert_eq!(&buf[..info.buffer_size()], &bytes[..]);
        }
    }

    #[test]
    fn equalization() {
        let mut v = [2.0, 4.0, 3.0];
        equalize(&mut v);
        assert_eq!(v, [0.0, 1.0, 0.5]);
        let mut flat = [1.0, 1.0];
        equalize(&mut flat);
        assert!(flat.iter().all(|v| v.is_nan()));
    }
}
