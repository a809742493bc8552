//! Monitors streaming to files: the rows a monitor records go to `.npy`
//! files as the network runs instead of staying in memory, so that a long
//! recording needs no more memory than a write buffer.
//!
//! A streamed monitor writes, in its folder, for each variable `x`:
//!
//! - `x.npy`: `float64`, one row per recorded step, one column per recorded
//!   element (as [`crate::monitor::Recording::values`]);
//! - `x.steps.npy`: `int64`, the step of each row;
//!
//! and for `"spike"`, `spike.npy`: `int64`, one row `(step, rank)` per
//! spike, in the order of the steps.
//!
//! The header of each file (its shape) is brought up to date at the end of
//! every `simulate`/`step` call that recorded something and when the stream
//! is closed, so the files are complete `.npy` files that `numpy.load` reads
//! between calls. Rows are written through a buffer: recording allocates
//! nothing during the steps.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Bytes of the fixed-size `.npy` header of a streamed file (a multiple of
/// 64, room for any shape of two dimensions).
const HEADER: usize = 128;

/// Size of the write buffer of each file.
const BUFFER: usize = 1 << 16;

/// The header of a `.npy` file holding `rows x width` values of `descr`
/// (`width` `None`: one dimension), padded to [`HEADER`] bytes so that it
/// can be rewritten in place as rows arrive.
fn header(descr: &str, rows: u64, width: Option<u64>) -> Vec<u8> {
    let shape = match width {
        Some(w) => vec![rows, w],
        None => vec![rows],
    };
    let out = crate::npy::header(descr, &shape, HEADER).expect("a shape of two dimensions");
    debug_assert_eq!(out.len(), HEADER, "two dimensions fit in {HEADER} bytes");
    out
}

/// One `.npy` file being appended to.
struct NpyStream {
    path: PathBuf,
    out: BufWriter<File>,
    descr: &'static str,
    rows: u64,
    /// Values per row (`None`: a one-dimensional array). Fixed by the first
    /// row for recorded values.
    width: Option<u64>,
    /// Whether rows were written since the header was last brought up to date.
    dirty: bool,
}

impl NpyStream {
    fn create(path: PathBuf, descr: &'static str, width: Option<u64>) -> Result<NpyStream> {
        let file = File::create(&path).map_err(|e| io_error(&path, &e))?;
        let mut s = NpyStream {
            path,
            out: BufWriter::with_capacity(BUFFER, file),
            descr,
            rows: 0,
            width,
            dirty: true,
        };
        s.out
            .write_all(&header(descr, 0, width))
            .map_err(|e| io_error(&s.path, &e))?;
        Ok(s)
    }

    /// Rewrites the header with the number of rows written, and flushes.
    fn sync(&mut self) -> std::io::Result<()> {
        if !self.dirty {
            return Ok(());
        }
        self.out.flush()?;
        let file = self.out.get_mut();
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&header(self.descr, self.rows, self.width))?;
        file.seek(SeekFrom::End(0))?;
        self.dirty = false;
        Ok(())
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::Invalid {
        object: format!("file `{}`", path.display()),
        reason: e.to_string(),
    }
}

/// The files a monitor streams to: one pair per recorded variable (values,
/// steps), in the monitor's order, and one for spikes.
pub(crate) struct MonitorStream {
    dir: PathBuf,
    /// Per variable: `(values, steps)`, `None` for `"spike"`.
    vars: Vec<Option<(NpyStream, NpyStream)>>,
    spikes: Option<NpyStream>,
    /// The first write error, reported by [`MonitorStream::sync`].
    failed: Option<Error>,
}

impl MonitorStream {
    /// Creates the folder and the files of `names` (a name `"spike"` for
    /// the spikes).
    pub fn create<'a>(dir: &Path, names: impl Iterator<Item = &'a str>) -> Result<MonitorStream> {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
        let mut vars = Vec::new();
        let mut spikes = None;
        for name in names {
            if name == "spike" {
                spikes = Some(NpyStream::create(dir.join("spike.npy"), "<i8", Some(2))?);
                vars.push(None);
            } else {
                let values = NpyStream::create(dir.join(format!("{name}.npy")), "<f8", Some(0))?;
                let steps = NpyStream::create(dir.join(format!("{name}.steps.npy")), "<i8", None)?;
                vars.push(Some((values, steps)));
            }
        }
        Ok(MonitorStream {
            dir: dir.to_path_buf(),
            vars,
            spikes,
            failed: None,
        })
    }

    /// The folder of the files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Appends the rows of variable `v` (`width` values each, one per step
    /// of `steps`).
    pub fn write_rows(&mut self, v: usize, steps: &[i64], values: &[f64], width: usize) {
        if self.failed.is_some() || steps.is_empty() {
            return;
        }
        let Some((vals, st)) = &mut self.vars[v] else {
            return;
        };
        if vals.rows == 0 {
            vals.width = Some(width as u64);
        } else if vals.width != Some(width as u64) {
            self.failed = Some(Error::Invalid {
                object: format!("file `{}`", vals.path.display()),
                reason: format!(
                    "rows of {width} values cannot follow rows of {} values in one array",
                    vals.width.unwrap_or(0)
                ),
            });
            return;
        }
        let result = values
            .iter()
            .try_for_each(|x| vals.out.write_all(&x.to_le_bytes()))
            .and_then(|()| {
                steps
                    .iter()
                    .try_for_each(|s| st.out.write_all(&s.to_le_bytes()))
            });
        match result {
            Ok(()) => {
                vals.rows += steps.len() as u64;
                st.rows += steps.len() as u64;
                vals.dirty = true;
                st.dirty = true;
            }
            Err(e) => self.failed = Some(io_error(&vals.path, &e)),
        }
    }

    /// Appends a spike of neuron `rank` at step `t`.
    pub fn write_spike(&mut self, t: i64, rank: u32) {
        if self.failed.is_some() {
            return;
        }
        let Some(s) = &mut self.spikes else {
            return;
        };
        let result = s
            .out
            .write_all(&t.to_le_bytes())
            .and_then(|()| s.out.write_all(&i64::from(rank).to_le_bytes()));
        match result {
            Ok(()) => {
                s.rows += 1;
                s.dirty = true;
            }
            Err(e) => self.failed = Some(io_error(&s.path, &e)),
        }
    }

    /// Brings every header up to date and flushes the buffers, so that the
    /// files are complete; returns the first error met since the last call.
    pub fn sync(&mut self) -> Result<()> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let files = self
            .vars
            .iter_mut()
            .flatten()
            .flat_map(|(a, b)| [a, b])
            .chain(self.spikes.as_mut());
        for f in files {
            f.sync().map_err(|e| io_error(&f.path, &e))?;
        }
        Ok(())
    }
}

impl Drop for MonitorStream {
    fn drop(&mut self) {
        // Errors were reported by the last `sync` where there was one; a
        // drop cannot report them.
        let _ = self.sync();
    }
}

/// The stream of a monitor, if any. A copy of a network does not stream:
/// its monitors keep their rows in memory.
#[derive(Default)]
pub(crate) struct StreamSlot(pub Option<MonitorStream>);

impl Clone for StreamSlot {
    fn clone(&self) -> Self {
        StreamSlot(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_a_fixed_size_npy_header() {
        let h = header("<f8", 12, Some(3));
        assert_eq!(&h[..8], b"\x93NUMPY\x01\x00");
        assert_eq!(u16::from_le_bytes([h[8], h[9]]) as usize + 10, HEADER);
        let text = std::str::from_utf8(&h[10..]).unwrap();
        assert!(text.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (12, 3), }"));
        assert!(text.ends_with(" \n"));
        let h = header("<i8", u64::MAX, None);
        let text = std::str::from_utf8(&h[10..]).unwrap();
        assert!(text.contains(&format!("'shape': ({},)", u64::MAX)));
    }
}
