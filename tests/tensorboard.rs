//! TensorBoard logs (ANNarchy's `extensions.tensorboard.Logger`): the event
//! files are read back with an independent decoder written here, which
//! checks the TFRecord framing (both masked CRC-32C of every record,
//! computed bit by bit) and decodes the protobuf messages field by field.
//! The tests prove the layout on disk (run folders, one event file per
//! writer, the `add_scalars` and `add_parameters` subfolders), that the
//! first record is the `brain.Event:2` file version, that tags, steps and
//! values of scalars, images (PNG header and size, grid of `add_images`),
//! histograms (bucket counts summing to the number of values) and the
//! hparams plugin's summaries are those logged, that flushing and dropping
//! write the data, and that bad image shapes and histogram inputs are
//! refused.

use std::path::{Path, PathBuf};

use annarchy::Error;
use annarchy::runtime::tensorboard::{HParam, Logger};
use approx::assert_relative_eq;

// ---------------------------------------------------------------------------
// Decoder
// ---------------------------------------------------------------------------

/// CRC-32C, bit by bit.
fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// TFRecord's masked CRC: rotated right by 15 bits, plus a constant.
fn masked(data: &[u8]) -> u32 {
    let crc = crc32c(data);
    crc.rotate_right(15).wrapping_add(0xA282_EAD8)
}

/// The records of a TFRecord file, both checksums of each verified.
fn records(path: &Path) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).expect("event file");
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let header = &bytes[at..at + 8];
        let len = u64::from_le_bytes(header.try_into().expect("8 bytes")) as usize;
        assert_eq!(u32_at(at + 8), masked(header), "length checksum at {at}");
        let data = &bytes[at + 12..at + 12 + len];
        assert_eq!(u32_at(at + 12 + len), masked(data), "data checksum at {at}");
        out.push(data.to_vec());
        at += 16 + len;
    }
    assert_eq!(at, bytes.len(), "no trailing bytes");
    out
}

/// One protobuf field.
#[derive(Debug, Clone)]
enum Field {
    Varint(u64),
    Fixed64([u8; 8]),
    Fixed32([u8; 4]),
    Bytes(Vec<u8>),
}

impl Field {
    fn double(&self) -> f64 {
        match self {
            Field::Fixed64(b) => f64::from_le_bytes(*b),
            other => panic!("expected a double, got {other:?}"),
        }
    }
    fn float(&self) -> f32 {
        match self {
            Field::Fixed32(b) => f32::from_le_bytes(*b),
            other => panic!("expected a float, got {other:?}"),
        }
    }
    fn int(&self) -> i64 {
        match self {
            Field::Varint(v) => *v as i64,
            other => panic!("expected a varint, got {other:?}"),
        }
    }
    fn bytes(&self) -> &[u8] {
        match self {
            Field::Bytes(b) => b,
            other => panic!("expected bytes, got {other:?}"),
        }
    }
    fn string(&self) -> String {
        String::from_utf8(self.bytes().to_vec()).expect("UTF-8")
    }
    fn message(&self) -> Vec<(u32, Field)> {
        fields(self.bytes())
    }
    fn packed_doubles(&self) -> Vec<f64> {
        let b = self.bytes();
        assert_eq!(b.len() % 8, 0);
        b.chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect()
    }
}

fn varint(buf: &[u8], at: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = buf[*at];
        *at += 1;
        v |= u64::from(b & 0x7F) << shift;
        if b & 0x80 == 0 {
            return v;
        }
        shift += 7;
        assert!(shift < 64, "varint too long");
    }
}

/// The fields of a message, in order.
fn fields(buf: &[u8]) -> Vec<(u32, Field)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < buf.len() {
        let key = varint(buf, &mut at);
        let number = (key >> 3) as u32;
        let field = match key & 7 {
            0 => Field::Varint(varint(buf, &mut at)),
            1 => {
                at += 8;
                Field::Fixed64(buf[at - 8..at].try_into().expect("8 bytes"))
            }
            2 => {
                let len = varint(buf, &mut at) as usize;
                at += len;
                Field::Bytes(buf[at - len..at].to_vec())
            }
            5 => {
                at += 4;
                Field::Fixed32(buf[at - 4..at].try_into().expect("4 bytes"))
            }
            wire => panic!("unexpected wire type {wire}"),
        };
        out.push((number, field));
    }
    assert_eq!(at, buf.len(), "message ends inside a field");
    out
}

fn get(msg: &[(u32, Field)], number: u32) -> Option<&Field> {
    msg.iter().find(|(n, _)| *n == number).map(|(_, f)| f)
}

fn all(msg: &[(u32, Field)], number: u32) -> Vec<&Field> {
    msg.iter()
        .filter(|(n, _)| *n == number)
        .map(|(_, f)| f)
        .collect()
}

/// A decoded `Event` with a summary of one value.
#[derive(Debug)]
struct Event {
    wall_time: f64,
    step: i64,
    /// The fields of the single `Summary.Value`.
    value: Vec<(u32, Field)>,
}

impl Event {
    fn tag(&self) -> String {
        get(&self.value, 1).expect("tag").string()
    }
    fn simple_value(&self) -> f32 {
        get(&self.value, 2).expect("simple_value").float()
    }
    fn image(&self) -> Vec<(u32, Field)> {
        get(&self.value, 4).expect("image").message()
    }
    fn histo(&self) -> Vec<(u32, Field)> {
        get(&self.value, 5).expect("histo").message()
    }
    /// `(plugin_name, content)` of the metadata.
    fn plugin(&self) -> (String, Vec<u8>) {
        let meta = get(&self.value, 9).expect("metadata").message();
        let plugin = get(&meta, 1).expect("plugin_data").message();
        let content = get(&plugin, 2).map_or(Vec::new(), |f| f.bytes().to_vec());
        (get(&plugin, 1).expect("plugin_name").string(), content)
    }
}

/// The events of an event file: checks the file-version event first, then
/// decodes each summary event (each holds one value).
fn events(path: &Path) -> Vec<Event> {
    let recs = records(path);
    let first = fields(&recs[0]);
    assert!(get(&first, 1).expect("wall_time").double() > 1.0e9);
    assert_eq!(
        get(&first, 3).expect("file_version").string(),
        "brain.Event:2"
    );
    recs[1..]
        .iter()
        .map(|r| {
            let e = fields(r);
            let summary = get(&e, 5).expect("summary").message();
            let values = all(&summary, 1);
            assert_eq!(values.len(), 1, "one value per summary");
            Event {
                wall_time: get(&e, 1).expect("wall_time").double(),
                step: get(&e, 2).map_or(0, Field::int),
                value: values[0].message(),
            }
        })
        .collect()
}

/// The event files directly inside `dir`.
fn event_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("run folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("events.out.tfevents."))
        })
        .collect();
    files.sort();
    files
}

/// The only event file of `dir`.
fn event_file(dir: &Path) -> PathBuf {
    let files = event_files(dir);
    assert_eq!(files.len(), 1, "one event file in {}", dir.display());
    files[0].clone()
}

/// An empty folder for one test.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("annarchy-tb-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Width, height, bit depth and color type from the IHDR chunk of a PNG.
fn png_header(png: &[u8]) -> (u32, u32, u8, u8) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |i: usize| u32::from_be_bytes(png[i..i + 4].try_into().expect("4 bytes"));
    (be(16), be(20), png[24], png[25])
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[test]
fn scalars_are_read_back_with_tags_steps_and_values() {
    let logdir = fresh_dir("scalars");
    let mut logger = Logger::new(&logdir, Some("trial1")).unwrap();
    assert_eq!(logger.run_dir(), logdir.join("trial1"));
    for trial in 0..5 {
        logger
            .add_scalar("Accuracy", 0.5 + 0.1 * trial as f64, Some(trial))
            .unwrap();
    }
    logger
        .add_scalar("Population / Firing rate", 12.25, Some(-3))
        .unwrap();
    logger.add_scalar("no step", 1.0, None).unwrap();
    logger.add_scalar("nan", f64::NAN, Some(7)).unwrap();
    logger
        .add_scalar("inf", f64::NEG_INFINITY, Some(8))
        .unwrap();
    let file = logger.event_file().to_path_buf();
    logger.close().unwrap();

    assert_eq!(event_file(&logdir.join("trial1")), file);
    let name = file.file_name().unwrap().to_str().unwrap().to_string();
    let secs = name.strip_prefix("events.out.tfevents.").unwrap();
    assert_eq!(secs.split('.').next().unwrap().len(), 10);

    let ev = events(&file);
    assert_eq!(ev.len(), 9);
    for (trial, e) in ev[..5].iter().enumerate() {
        assert_eq!(e.tag(), "Accuracy");
        assert_eq!(e.step, trial as i64);
        assert_relative_eq!(e.simple_value(), (0.5 + 0.1 * trial as f64) as f32);
        assert!(e.wall_time > 1.0e9);
    }
    assert_eq!(ev[5].tag(), "Population_/_Firing_rate");
    assert_eq!(ev[5].step, -3);
    assert_relative_eq!(ev[5].simple_value(), 12.25);
    assert_eq!(ev[6].tag(), "no_step");
    assert_eq!(ev[6].step, 0);
    assert!(ev[7].simple_value().is_nan());
    assert_eq!(ev[8].simple_value(), f32::NEG_INFINITY);
    std::fs::remove_dir_all(&logdir).unwrap();
}

#[test]
fn default_run_folder_is_date_and_hostname() {
    let logdir = fresh_dir("default");
    for experiment in [None, Some("")] {
        let logger = Logger::new(&logdir, experiment).unwrap();
        let run = logger.run_dir().to_path_buf();
        assert_eq!(run.parent().unwrap(), logdir);
        let name = run.file_name().unwrap().to_str().unwrap().to_string();
        // `%b%d_%H-%M-%S_<hostname>`, e.g. `Apr22_12-11-22_machine`.
        let (date, host) = name.split_at(14);
        assert!(host.len() > 1 && host.starts_with('_'), "{name}");
        let b = date.as_bytes();
        let months = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        assert!(months.contains(&&date[..3]), "{name}");
        for i in [3, 4, 6, 7, 9, 10, 12, 13] {
            assert!(b[i].is_ascii_digit(), "{name}");
        }
        assert_eq!((b[5], b[8], b[11]), (b'_', b'-', b'-'), "{name}");
        let file = logger.event_file().to_path_buf();
        assert_eq!(file.parent().unwrap(), run);
        drop(logger);
        assert_eq!(events(&file).len(), 0);
    }
    std::fs::remove_dir_all(&logdir).unwrap();
}

#[test]
fn reused_experiment_gets_a_second_event_file() {
    let logdir = fresh_dir("reuse");
    let mut a = Logger::new(&logdir, Some("same")).unwrap();
    let mut b = Logger::new(&logdir, Some("same")).unwrap();
    a.add_scalar("x", 1.0, Some(1)).unwrap();
    b.add_scalar("x", 2.0, Some(2)).unwrap();
    assert_ne!(a.event_file(), b.event_file());
    a.close().unwrap();
    b.close().unwrap();
    let files = event_files(&logdir.join("same"));
    assert_eq!(files.len(), 2);
    let mut steps: Vec<i64> = files
        .iter()
        .flat_map(|f| events(f))
        .map(|e| e.step)
        .collect();
    steps.sort_unstable();
    assert_eq!(steps, [1, 2]);
    std::fs::remove_dir_all(&logdir).unwrap();
}

#[test]
fn flush_and_drop_write_the_records() {
    let logdir = fresh_dir("flush");
    let mut logger = Logger::new(&logdir, Some("run")).unwrap();
    let file = logger.event_file().to_path_buf();
    // The file version is on disk as soon as the logger exists.
    assert_eq!(records(&file).len(), 1);
    for step in 0..3 {
        logger.add_scalar("a", 1.0, Some(step)).unwrap();
    }
    logger.flush().unwrap();
    assert_eq!(events(&file).len(), 3, "flushed while the logger is open");
    logger.add_scalar("a", 2.0, Some(3)).unwrap();
    logger.add_scalars("m", &[("k", 1.0)], Some(3)).unwrap();
    drop(logger);
    assert_eq!(events(&file).len(), 4, "flushed when dropped");
    assert_eq!(events(&event_file(&logdir.join("run/m_k"))).len(), 1);
    std::fs::remove_dir_all(&logdir).unwrap();
}

#[test]
fn add_scalars_writes_one_run_per_key() {
    let logdir = fresh_dir("multi");
    let mut logger = Logger::new(&logdir, Some("run")).unwrap();
    for step in 0..4 {
        let s = step as f64;
        logger
            .add_scalars(
                "Neural activity",
                &[("first", s), ("second", 10.0 * s)],
                Some(step),
            )
            .unwrap();
    }
    logger.close().unwrap();
    let run = logdir.join("run");
    // Nothing in the run's own file.
    assert_eq!(events(&event_file(&run)).len(), 0);
    for (key, factor) in [("first", 1.0f32), ("second", 10.0)] {
        let ev = events(&event_file(&run.join(format!("Neural activity_{key}"))));
        assert_eq!(ev.len(), 4, "one file per key, reused at each call");
        for (step, e) in ev.iter().enumerate() {
            assert_eq!(e.tag(), "Neural_activity");
            assert_eq!(e.step, step as i64);
            assert_relative_eq!(e.simple_value(), factor * step as f32);
        }
    }
    std::fs::remove_dir_all(&logdir).unwrap();
}

#[test]
fn add_scalars_refuses_folders_outside_the_run() {
    let logdir = fresh_dir("escape");
    let mut logger = Logger::new(&logdir, Some("run")).unwrap();
    for (main, key) in [("m", "/../../x"), ("m", "/.."), ("a/b", "/../..")] {
        let err = logger.add_scalars(main, &[(key, 1.0)], None).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { object, .. } if object == "Logger.add_scalars"),
            "{err}"
        );
    }
    assert!(!logdir.join("x").exists());
    std::fs::remove_dir_all(&logdir).unwrap();
}

#[test]
fn images_are_png_with_their_size() {
    let logdir = fresh_dir("images");
    let mut logger = Logger::new(&logdir, Some("run")).unwrap();
    // 2 x 3 grayscale, equalized.
    let gray = [0.0, 2.0, 4.0, 6.0, 8.0, 10.0];
    logger
        .add_image("Population / rates", &gray, &[2, 3], Some(5), true)
        .unwrap();
    // 4 x 5 RGB in [0, 1].
    let rgb: Vec<f64> = (0..60).map(|i| f64::from(i) / 59.0).collect();
    logger
        .add_image("color", &rgb, &[4, 5, 3], None, false)
        .unwrap();
    // Three 2 x 2 images: one row of three cells.
    let three: Vec<f64> = (0..12).map(|i| f64::from(i) / 11.0).collect();
    logger
        .add_images("fields", &three, &[3, 2, 2], Some(1), true, true)
        .unwrap();
    // Nine 3 x 2 RGB images: 8 columns, 2 rows.
    let nine = vec![0.5; 9 * 3 * 2 * 3];
    logger
        .add_images("many", &nine, &[9, 3, 2, 3], Some(2), false, false)
        .unwrap();
    // RGBA images keep their alpha channel.
    let rgba = vec![1.0; 2 * 2 * 2 * 4];
    logger
        .add_images("alpha", &rgba, &[2, 2, 2, 4], Some(3), false, false)
        .unwrap();
    logger.close().unwrap();

    let ev = events(&event_file(&logdir.join("run")));
    // (tag, step, height, width, colorspace, PNG color type)
    let expected = [
        ("Population_/_rates", 5, 2, 3, 3, 2),
        ("color", 0, 4, 5, 3, 2),
        ("fields", 1, 2, 6, 3, 2),
        ("many", 2, 6, 16, 3, 2),
        ("alpha", 3, 2, 4, 4, 6),
    ];
    assert_eq!(ev.len(), expected.len());
    for (e, (tag, step, h, w, colorspace, color_type)) in ev.iter().zip(expected) {
        assert_eq!(e.tag(), tag);
        assert_eq!(e.step, step);
        let img = e.image();
        assert_eq!(get(&img, 1).unwrap().int(), h, "{tag} height");
        assert_eq!(get(&img, 2).unwrap().int(), w, "{tag} width");
        assert_eq!(get(&img, 3).unwrap().int(), colorspace, "{tag} colorspace");
        let png = get(&img, 4).unwrap().bytes();
        assert_eq!(
            png_header(png),
            (w as u32, h as u32, 8, color_type),
            "{tag} PNG header"
        );
        assert_eq!(&png[png.len() - 8..png.len() - 4], b"IEND");
    }
    std::fs::remove_dir_all(&logdir).unwrap();
}

#[test]
fn bad_image_shapes_are_errors() {
    let logdir = fresh_dir("bad-images");
    let mut logger = Logger::new(&logdir, Some("run")).unwrap();
    let err = logger
        .add_image("x", &[0.0; 16], &[2, 2, 4], None, false)
        .unwrap_err();
    assert!(err.to_string().contains("(H, W, 3)"), "{err}");
    let err = logger
        .add_image("x", &[0.0; 4], &[2, 2, 1], None, false)
        .unwrap_err();
    assert!(err.to_string().contains("(H, W, 3)"), "{err}");
    for shape in [&[4][..], &[1, 2, 2, 1], &[]] {
        let err = logger
            .add_image("x", &[0.0; 4], shape, None, false)
            .unwrap_err();
        assert!(
            err.to_string().contains("(H, W) or (H, W, 3)"),
            "{shape:?}: {err}"
        );
    }
    let err = logger
        .add_image("x", &[0.0; 5], &[2, 3], None, false)
        .unwrap_err();
    assert_eq!(
        err,
        Error::SizeMismatch {
            object: "Logger".into(),
            attribute: "add_image".into(),
            expected: 6,
            got: 5,
        }
    );
    assert!(matches!(
        logger.add_image("x", &[], &[0, 3], None, false),
        Err(Error::Invalid { .. })
    ));
    for shape in [&[2, 2][..], &[1, 2, 2, 2], &[1, 1, 2, 2, 1]] {
        let n = shape.iter().product();
        let err = logger
            .add_images("x", &vec![0.0; n], shape, None, false, false)
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { object, .. } if object == "Logger.add_images"),
            "{shape:?}: {err}"
        );
    }
    assert!(matches!(
        logger.add_images("x", &[0.0; 7], &[2, 2, 2], None, false, false),
        Err(Error::SizeMismatch {
            expected: 8,
            got: 7,
            ..
        })
    ));
    logger.close().unwrap();
    // Nothing was written.
    assert_eq!(events(&event_file(&logdir.join("run"))).len(), 0);
    std::fs::remove_dir_all(&logdir).unwrap();
}

#[test]
fn histograms_count_every_value() {
    let logdir = fresh_dir("histo");
    let mut logger = Logger::new(&logdir, Some("run")).unwrap();
    let values: Vec<f64> = (0..500)
        .map(|i| (f64::from(i) * 0.731).sin() * 2.0 + 0.5)
        .collect();
    logger
        .add_histogram("Weight distribution", &values, Some(4))
        .unwrap();
    logger.add_histogram("single", &[3.0], None).unwrap();
    logger.add_histogram("zeros", &[0.0, 0.0], None).unwrap();
    logger.close().unwrap();

    let ev = events(&event_file(&logdir.join("run")));
    assert_eq!(ev.len(), 3);
    assert_eq!(ev[0].tag(), "Weight_distribution");
    assert_eq!(ev[0].step, 4);
    for (e, vals) in ev.iter().zip([&values[..], &[3.0], &[0.0, 0.0]]) {
        let h = e.histo();
        let num = get(&h, 3).unwrap().double();
        assert_eq!(num, vals.len() as f64);
        let limits = get(&h, 6).unwrap().packed_doubles();
        let counts = get(&h, 7).unwrap().packed_doubles();
        assert_eq!(limits.len(), counts.len());
        assert_eq!(counts.iter().sum::<f64>(), num, "{}", e.tag());
        assert!(limits.windows(2).all(|w| w[0] < w[1]));
        // The first bucket is the empty one added before the support; bucket
        // i > 0 counts the values in [limit[i-1], limit[i]) (numpy's bins as
        // tensorboardX uses them), the last one closed.
        assert_eq!(counts[0], 0.0);
        let last = limits.len() - 1;
        for i in 1..=last {
            let inside = vals
                .iter()
                .filter(|&&v| {
                    limits[i - 1] <= v && (v < limits[i] || (i == last && v == limits[i]))
                })
                .count();
            assert_eq!(counts[i], inside as f64, "{} bucket {i}", e.tag());
        }
        let max = vals.iter().copied().fold(f64::MIN, f64::max);
        let min = vals.iter().copied().fold(f64::MAX, f64::min);
        let sum: f64 = vals.iter().sum();
        let sum_sq: f64 = vals.iter().map(|v| v * v).sum();
        // Zero-valued fields are left out of the encoding (proto3).
        let field = |n| get(&h, n).map_or(0.0, Field::double);
        assert_relative_eq!(field(1), min);
        assert_relative_eq!(field(2), max);
        assert_relative_eq!(field(4), sum, max_relative = 1e-12);
        assert_relative_eq!(field(5), sum_sq, max_relative = 1e-12);
    }
    std::fs::remove_dir_all(&logdir).unwrap();
}

#[test]
fn bad_histograms_are_errors() {
    let logdir = fresh_dir("bad-histo");
    let mut logger = Logger::new(&logdir, Some("run")).unwrap();
    for values in [&[][..], &[1.0, f64::NAN], &[f64::INFINITY], &[1e30]] {
        let err = logger.add_histogram("h", values, None).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { object, .. } if object == "Logger.add_histogram"),
            "{values:?}: {err}"
        );
    }
    logger.close().unwrap();
    std::fs::remove_dir_all(&logdir).unwrap();
}

#[test]
fn parameters_use_the_hparams_plugin() {
    let logdir = fresh_dir("hparams");
    let mut logger = Logger::new(&logdir, Some("run")).unwrap();
    logger
        .add_parameters(
            &[
                ("eta", HParam::from(0.01)),
                ("rule", "Oja".into()),
                ("plastic", true.into()),
                ("size", 100i32.into()),
            ],
            &[("accuracy", 0.9), ("loss", 0.25)],
        )
        .unwrap();
    logger.close().unwrap();
    let run = logdir.join("run");
    assert_eq!(events(&event_file(&run)).len(), 0);
    let subdirs: Vec<PathBuf> = std::fs::read_dir(&run)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(subdirs.len(), 1);
    let name = subdirs[0].file_name().unwrap().to_str().unwrap();
    // Named after the time, like tensorboardX's `str(time.time())`.
    assert!(name.parse::<f64>().unwrap() > 1.0e9, "{name}");

    let ev = events(&event_file(&subdirs[0]));
    let tags: Vec<String> = ev.iter().map(Event::tag).collect();
    assert_eq!(
        tags,
        [
            "_hparams_/experiment",
            "_hparams_/session_start_info",
            "_hparams_/session_end_info",
            "accuracy",
            "loss"
        ]
    );
    let contents: Vec<Vec<(u32, Field)>> = ev[..3]
        .iter()
        .map(|e| {
            let (plugin, content) = e.plugin();
            assert_eq!(plugin, "hparams");
            fields(&content)
        })
        .collect();

    // Experiment: the parameters with their types, the metric tags.
    let experiment = get(&contents[0], 2).expect("experiment").message();
    let infos: Vec<(String, i64)> = all(&experiment, 4)
        .iter()
        .map(|f| {
            let m = f.message();
            (get(&m, 1).unwrap().string(), get(&m, 4).unwrap().int())
        })
        .collect();
    let expected = [("eta", 3), ("rule", 1), ("plastic", 2), ("size", 3)];
    assert_eq!(infos.len(), expected.len());
    for ((name, ty), (en, et)) in infos.iter().zip(expected) {
        assert_eq!((name.as_str(), *ty), (en, et));
    }
    let metric_tags: Vec<String> = all(&experiment, 5)
        .iter()
        .map(|f| {
            let name = get(&f.message(), 1).unwrap().message();
            get(&name, 2).unwrap().string()
        })
        .collect();
    assert_eq!(metric_tags, ["accuracy", "loss"]);

    // Session start: the values, as a map of google.protobuf.Value.
    let start = get(&contents[1], 3).expect("session_start_info").message();
    let entries: Vec<(String, Vec<(u32, Field)>)> = all(&start, 1)
        .iter()
        .map(|f| {
            let m = f.message();
            (get(&m, 1).unwrap().string(), get(&m, 2).unwrap().message())
        })
        .collect();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0].0, "eta");
    assert_relative_eq!(get(&entries[0].1, 2).unwrap().double(), 0.01);
    assert_eq!(entries[1].0, "rule");
    assert_eq!(get(&entries[1].1, 3).unwrap().string(), "Oja");
    assert_eq!(entries[2].0, "plastic");
    assert_eq!(get(&entries[2].1, 4).unwrap().int(), 1);
    assert_eq!(entries[3].0, "size");
    assert_relative_eq!(get(&entries[3].1, 2).unwrap().double(), 100.0);

    // Session end: status success.
    let end = get(&contents[2], 4).expect("session_end_info").message();
    assert_eq!(get(&end, 1).unwrap().int(), 1);

    // The metrics as scalars.
    assert_relative_eq!(ev[3].simple_value(), 0.9);
    assert_relative_eq!(ev[4].simple_value(), 0.25);
    std::fs::remove_dir_all(&logdir).unwrap();
}
