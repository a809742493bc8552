//! NumPy's file formats, for Python users of the recordings: `.npy` (one
//! array: a header describing dtype and shape, then the values,
//! little-endian, row-major) and `.npz` (a zip archive of `.npy` files,
//! stored without compression). `numpy.load` reads both.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// An array to write: a shape and row-major values.
#[derive(Clone, Debug, PartialEq)]
pub enum NpyArray {
    /// `float64` values.
    F64 {
        /// Dimensions.
        shape: Vec<usize>,
        /// Row-major values (their number is the product of `shape`).
        data: Vec<f64>,
    },
    /// `int64` values.
    I64 {
        /// Dimensions.
        shape: Vec<usize>,
        /// Row-major values.
        data: Vec<i64>,
    },
}

impl NpyArray {
    /// The bytes of the array as a `.npy` file (format version 1.0).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the number of values is not the product of
    /// the shape.
    pub fn to_npy(&self) -> Result<Vec<u8>> {
        let (descr, shape, len, body): (&str, &[usize], usize, Vec<u8>) = match self {
            NpyArray::F64 { shape, data } => (
                "<f8",
                shape,
                data.len(),
                data.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            NpyArray::I64 { shape, data } => (
                "<i8",
                shape,
                data.len(),
                data.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
        };
        if shape.iter().product::<usize>() != len {
            return Err(Error::Invalid {
                object: "array".into(),
                reason: format!("{len} values for the shape {shape:?}"),
            });
        }
        let dims = match shape {
            [n] => format!("({n},)"),
            _ => format!(
                "({})",
                shape
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let mut header =
            format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}");
        // Magic (6) + version (2) + header length (2) + header, padded with
        // spaces and ended by a newline to a multiple of 64 bytes.
        let total = (10 + header.len() + 1).next_multiple_of(64);
        header.push_str(&" ".repeat(total - 10 - header.len() - 1));
        header.push('\n');
        let mut out = Vec::with_capacity(total + body.len());
        out.extend_from_slice(b"\x93NUMPY\x01\x00");
        let header_len = u16::try_from(header.len()).map_err(|_| Error::Invalid {
            object: "array".into(),
            reason: format!(
                "a shape of {} dimensions is too long to describe",
                shape.len()
            ),
        })?;
        out.extend_from_slice(&header_len.to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(&body);
        Ok(out)
    }
}

/// Writes `arrays` as a `.npz` file at `path`: `numpy.load(path)[name]` is
/// the array of that name.
///
/// # Errors
///
/// [`Error::Invalid`] for an array whose values do not fill its shape, or
/// a file that cannot be written (the message names the path).
pub fn write_npz(path: impl AsRef<Path>, arrays: &[(&str, NpyArray)]) -> Result<()> {
    let path = path.as_ref();
    let mut zip = Vec::new();
    let mut central = Vec::new();
    for (name, array) in arrays {
        let data = array.to_npy()?;
        let file = format!("{name}.npy");
        let crc = crc32(&data);
        let offset = zip.len() as u32;
        let size = data.len() as u32;
        // Local file header: version 2.0, no flags, stored, no date.
        zip.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        zip.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        zip.extend_from_slice(&crc.to_le_bytes());
        zip.extend_from_slice(&size.to_le_bytes());
        zip.extend_from_slice(&size.to_le_bytes());
        zip.extend_from_slice(&(file.len() as u16).to_le_bytes());
        zip.extend_from_slice(&0u16.to_le_bytes());
        zip.extend_from_slice(file.as_bytes());
        zip.extend_from_slice(&data);
        // Its entry in the central directory.
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&(file.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(file.as_bytes());
    }
    let central_offset = zip.len() as u32;
    let n = arrays.len() as u16;
    let central_len = central.len() as u32;
    zip.extend_from_slice(&central);
    zip.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    zip.extend_from_slice(&[0, 0, 0, 0]);
    zip.extend_from_slice(&n.to_le_bytes());
    zip.extend_from_slice(&n.to_le_bytes());
    zip.extend_from_slice(&central_len.to_le_bytes());
    zip.extend_from_slice(&central_offset.to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    std::fs::File::create(path)
        .and_then(|mut f| f.write_all(&zip))
        .map_err(|e| Error::Invalid {
            object: format!("file `{}`", path.display()),
            reason: format!("cannot be written: {e}"),
        })
}

/// CRC-32 (IEEE 802.3, as zip uses it).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_header_and_values() {
        let a = NpyArray::F64 {
            shape: vec![2, 3],
            data: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.5],
        };
        let bytes = a.to_npy().expect("valid");
        assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
        let header_len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
        assert_eq!((10 + header_len) % 64, 0);
        let header = std::str::from_utf8(&bytes[10..10 + header_len]).expect("ascii");
        assert!(header.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"));
        assert!(header.ends_with('\n'));
        let body = &bytes[10 + header_len..];
        assert_eq!(body.len(), 48);
        assert_eq!(f64::from_le_bytes(body[40..48].try_into().expect("8")), 6.5);
        let v = NpyArray::I64 {
            shape: vec![3],
            data: vec![-1, 0, 7],
        };
        let bytes = v.to_npy().expect("valid");
        assert!(
            std::str::from_utf8(&bytes[10..80])
                .expect("ascii")
                .contains("'<i8'")
        );
        assert!(
            std::str::from_utf8(&bytes[10..80])
                .expect("ascii")
                .contains("(3,)")
        );
        let bad = NpyArray::F64 {
            shape: vec![2, 2],
            data: vec![1.0],
        };
        assert!(bad.to_npy().is_err());
    }

    #[test]
    fn crc_of_a_known_string() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }
}
