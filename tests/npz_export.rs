//! Recordings written as `.npz` (a zip archive of `.npy` arrays): the
//! archive's structure, each entry's checksum, and the arrays' headers and
//! values, read back byte by byte as `numpy.load` reads them.

use annarchy::prelude::*;

/// The entries of a zip archive written without compression: name, data.
fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |i: usize| usize::from(u16::from_le_bytes([zip[i], zip[i + 1]]));
    let u32_at = |i: usize| u32::from_le_bytes(zip[i..i + 4].try_into().expect("4 bytes"));
    // End of central directory: the last 22 bytes (no comment).
    let end = zip.len() - 22;
    assert_eq!(u32_at(end), 0x0605_4b50, "end of central directory");
    let count = u16_at(end + 10);
    let mut at = u32_at(end + 16) as usize;
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(at), 0x0201_4b50, "central directory entry");
        assert_eq!(u16_at(at + 10), 0, "stored without compression");
        let crc = u32_at(at + 16);
        let size = u32_at(at + 20) as usize;
        let name_len = u16_at(at + 28);
        let local = u32_at(at + 42) as usize;
        let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).expect("name");
        assert_eq!(u32_at(local), 0x0403_4b50, "local header");
        let data_at = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        let data = zip[data_at..data_at + size].to_vec();
        assert_eq!(crc32(&data), crc, "checksum of {name}");
        out.push((name, data));
        at += 46 + name_len;
    }
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Header text and little-endian body of a `.npy` file.
fn npy(bytes: &[u8]) -> (String, &[u8]) {
    assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
    let len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
    let header = String::from_utf8(bytes[10..10 + len].to_vec()).expect("ascii header");
    (header, &bytes[10 + len..])
}

#[test]
fn a_recording_reads_back_from_its_npz() -> annarchy::Result<()> {
    let mut b = Network::builder().dt(0.5)?;
    let pop = b.population::<LeakyIntegrator>("pop", 3)?;
    b.set(pop, "B", vec![1.0, 2.0, 3.0])?;
    let m = b.monitor(pop, &["r"])?;
    let mut net = b.build()?;
    net.simulate(2.0)?;
    let rec = net.monitor_get(m, "r")?;
    let dir = std::env::temp_dir().join(format!("annarchy-npz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let path = dir.join("r.npz");
    rec.save_npz(&path)?;
    let zip = std::fs::read(&path).expect("written");
    let files = entries(&zip);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["values.npy", "steps.npy", "times.npy"]);

    let (header, body) = npy(&files[0].1);
    assert!(
        header.contains("'descr': '<f8'") && header.contains("'shape': (4, 3)"),
        "{header}"
    );
    let values: Vec<f64> = body
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect();
    assert_eq!(values, rec.values.concat());
    let (header, body) = npy(&files[1].1);
    assert!(
        header.contains("'<i8'") && header.contains("(4,)"),
        "{header}"
    );
    let steps: Vec<i64> = body
        .chunks_exact(8)
        .map(|c| i64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect();
    assert_eq!(steps, vec![0, 1, 2, 3]);
    let (_, body) = npy(&files[2].1);
    assert_eq!(
        f64::from_le_bytes(body[24..32].try_into().expect("8 bytes")),
        1.5
    );

    // A path that cannot be written is an error naming it.
    let err = rec.save_npz(dir.join("missing").join("r.npz")).unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
    std::fs::remove_dir_all(&dir).expect("clean up");
    Ok(())
}
