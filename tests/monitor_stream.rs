//! Monitors streaming to files (`Network::monitor_stream`): the `.npy`
//! files hold exactly what a monitor kept in memory would have returned,
//! they are complete after each `simulate`, the stream can be closed, and
//! a streamed monitor cannot be read from memory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use annarchy::prelude::*;

/// A fresh folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("annarchy-stream-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A `.npy` file: its dtype, shape and raw little-endian values.
struct Npy {
    descr: String,
    shape: Vec<usize>,
    body: Vec<u8>,
}

fn read_npy(path: &Path) -> Npy {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00", "{}", path.display());
    let len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    assert_eq!((10 + len) % 64, 0, "header padded to 64 bytes");
    let header = std::str::from_utf8(&bytes[10..10 + len]).unwrap();
    assert!(header.ends_with('\n'));
    assert!(header.contains("'fortran_order': False"));
    let field = |key: &str| {
        let start = header.find(key).unwrap() + key.len();
        header[start..].to_string()
    };
    let descr = field("'descr': '").split('\'').next().unwrap().to_string();
    let shape_text = field("'shape': (");
    let shape: Vec<usize> = shape_text
        .split(')')
        .next()
        .unwrap()
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse().unwrap())
        .collect();
    let body = bytes[10 + len..].to_vec();
    let n: usize = shape.iter().product();
    assert_eq!(body.len(), n * 8, "{}: {shape:?}", path.display());
    Npy { descr, shape, body }
}

fn f64s(npy: &Npy) -> Vec<f64> {
    assert_eq!(npy.descr, "<f8");
    npy.body
        .chunks(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn i64s(npy: &Npy) -> Vec<i64> {
    assert_eq!(npy.descr, "<i8");
    npy.body
        .chunks(8)
        .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

#[test]
fn streamed_rows_are_the_rows_a_monitor_keeps() -> annarchy::Result<()> {
    let dir = folder("rows");
    let mut b = Network::builder().seed(2);
    let pop = b.population::<LeakyIntegrator>("pop", 3)?;
    b.set(pop, "B", RandomDistribution::uniform(0.0, 1.0))?;
    let options = MonitorOptions {
        period: Some(2.0),
        ..MonitorOptions::default()
    };
    let memory = b.monitor_with(pop, &["r", "v"], options)?;
    let streamed = b.monitor_with(pop, &["r", "v"], options)?;
    let mut net = b.build()?;
    // Rows recorded before the stream starts go to the files first.
    net.simulate(10.0)?;
    net.monitor_stream(streamed, &dir)?;
    net.simulate(15.0)?;
    // Complete between two calls.
    assert_eq!(read_npy(&dir.join("r.npy")).shape, vec![13, 3]);
    net.simulate(25.0)?;
    for var in ["r", "v"] {
        let expected = net.monitor_peek(memory, var)?;
        let values = read_npy(&dir.join(format!("{var}.npy")));
        assert_eq!(values.shape, vec![25, 3]);
        assert_eq!(f64s(&values), expected.values.concat());
        let steps = read_npy(&dir.join(format!("{var}.steps.npy")));
        assert_eq!(steps.shape, vec![25]);
        assert_eq!(i64s(&steps), expected.steps);
    }
    // Reading the streamed monitor from memory is an error that says where
    // the rows went.
    let err = net.monitor_get(streamed, "r").unwrap_err().to_string();
    assert!(err.contains("streamed"), "{err}");
    assert!(err.contains(&dir.display().to_string()), "{err}");
    // Once closed, the monitor records in memory again.
    net.monitor_stream_close(streamed)?;
    net.simulate(4.0)?;
    assert_eq!(net.monitor_get(streamed, "r")?.steps, vec![50, 52]);
    assert_eq!(read_npy(&dir.join("r.npy")).shape, vec![25, 3]);
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

#[test]
fn streamed_spikes_are_the_spikes_a_monitor_keeps() -> annarchy::Result<()> {
    let dir = folder("spikes");
    let mut b = Network::builder().seed(4);
    let pop = b.population::<Poisson>("pop", 20)?;
    b.set(pop, "rates", 80.0)?;
    let view = b.view(pop, [3, 7, 11, 19])?;
    let memory = b.monitor(&view, &["spike"])?;
    let streamed = b.monitor(&view, &["spike"])?;
    // Streamed once it holds the spikes of 100 ms.
    let late = b.monitor(&view, &["spike"])?;
    let mut net = b.build()?;
    net.monitor_stream(streamed, &dir)?;
    net.simulate(100.0)?;
    let late_dir = dir.join("late");
    net.monitor_stream(late, &late_dir)?;
    net.simulate(200.0)?;
    for _ in 0..50 {
        net.step();
    }
    net.monitor_stream_close(streamed)?;
    net.monitor_stream_close(late)?;
    let expected = net.monitor_spikes(memory)?;
    let expected: BTreeMap<u32, Vec<i64>> = expected
        .into_iter()
        .filter(|(_, s)| !s.is_empty())
        .collect();
    for dir in [&dir, &late_dir] {
        let spikes = read_npy(&dir.join("spike.npy"));
        assert_eq!(spikes.shape.len(), 2);
        assert_eq!(spikes.shape[1], 2);
        let pairs = i64s(&spikes);
        let mut got: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
        for pair in pairs.chunks(2) {
            got.entry(pair[1] as u32).or_default().push(pair[0]);
        }
        // Spikes are written in the order of the steps, those held first.
        assert!(
            pairs.chunks(2).is_sorted_by_key(|p| p[0]),
            "{}",
            dir.display()
        );
        assert_eq!(got, expected, "{}", dir.display());
        assert!(got.values().map(Vec::len).sum::<usize>() > 40);
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

#[test]
fn a_folder_that_cannot_be_created_is_an_error() -> annarchy::Result<()> {
    let file = folder("not-a-folder");
    std::fs::write(&file, b"x").unwrap();
    let mut b = Network::builder();
    let pop = b.population::<LeakyIntegrator>("pop", 3)?;
    let m = b.monitor(pop, &["r"])?;
    let mut net = b.build()?;
    let err = net.monitor_stream(m, file.join("sub")).unwrap_err();
    assert!(matches!(err, annarchy::Error::Invalid { .. }), "{err}");
    // The monitor still records in memory.
    net.simulate(2.0)?;
    assert_eq!(net.monitor_get(m, "r")?.steps, vec![0, 1]);
    std::fs::remove_file(&file).ok();
    Ok(())
}
