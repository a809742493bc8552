//! NumPy's file formats: `.npy` (one array: a header describing dtype and
//! shape, then the values, row-major) and `.npz` (a zip archive of `.npy`
//! files, one per array, named `<array>.npy`).
//!
//! [`write_npz`] writes archives that `numpy.load` reads, stored without
//! compression as `numpy.savez` writes them, little-endian. [`Npz`] reads
//! them back, and reads the archives of `numpy.savez` (stored entries) and
//! `numpy.savez_compressed` (deflated entries).
//!
//! The dtypes written and read are those of [`NpyArray`]: `float64`,
//! `int64`, `int32`, `uint32`, `bool` and unicode strings (`<U..`), in
//! either byte order when reading. Arrays must be in C (row-major) order:
//! a Fortran-ordered array, a structured dtype or an object array (a
//! pickle) is an error.

use std::io::Write;
use std::path::Path;

use crate::crc::crc32;
use crate::error::{Error, Result};

/// An array: a shape and its values in row-major order (their number is
/// the product of `shape`; an empty shape is a single value, NumPy's 0-d
/// array).
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
    /// `int32` values.
    I32 {
        /// Dimensions.
        shape: Vec<usize>,
        /// Row-major values.
        data: Vec<i32>,
    },
    /// `uint32` values.
    U32 {
        /// Dimensions.
        shape: Vec<usize>,
        /// Row-major values.
        data: Vec<u32>,
    },
    /// `bool` values (one byte each in the file).
    Bool {
        /// Dimensions.
        shape: Vec<usize>,
        /// Row-major values.
        data: Vec<bool>,
    },
    /// Unicode strings (`<U<n>`: `n` UTF-32 code points each, the shorter
    /// ones padded with NUL, which reading removes as NumPy does).
    Str {
        /// Dimensions.
        shape: Vec<usize>,
        /// Row-major values.
        data: Vec<String>,
    },
}

/// The header of a `.npy` file (format version 1.0) of an array of `descr`
/// values and `shape`: magic, version, header length, then the header
/// dictionary padded with spaces and ended by a newline to a multiple of
/// 64 bytes, and to at least `min_len` bytes in all (so that a header can
/// be rewritten in place with a longer shape). `None` when the dictionary
/// is too long for format 1.0.
pub(crate) fn header(descr: &str, shape: &[u64], min_len: usize) -> Option<Vec<u8>> {
    let dims = match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}");
    let total = (10 + dict.len() + 1).next_multiple_of(64).max(min_len);
    dict.push_str(&" ".repeat(total - 10 - dict.len() - 1));
    dict.push('\n');
    let len = u16::try_from(dict.len()).ok()?;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    Some(out)
}

/// Values of `N` bytes each, in the byte order of the file.
fn decode<const N: usize, T>(
    bytes: &[u8],
    big_endian: bool,
    le: fn([u8; N]) -> T,
    be: fn([u8; N]) -> T,
) -> Vec<T> {
    bytes
        .chunks_exact(N)
        .map(|c| {
            let b: [u8; N] = c.try_into().expect("chunks of N bytes");
            if big_endian { be(b) } else { le(b) }
        })
        .collect()
}

impl NpyArray {
    /// A 0-d `float64` array (one value).
    pub fn scalar_f64(v: f64) -> NpyArray {
        NpyArray::F64 {
            shape: Vec::new(),
            data: vec![v],
        }
    }

    /// A 0-d `int64` array (one value).
    pub fn scalar_i64(v: i64) -> NpyArray {
        NpyArray::I64 {
            shape: Vec::new(),
            data: vec![v],
        }
    }

    /// A 0-d unicode array (one string).
    pub fn scalar_str(s: &str) -> NpyArray {
        NpyArray::Str {
            shape: Vec::new(),
            data: vec![s.to_string()],
        }
    }

    /// A one-dimensional unicode array.
    pub fn strings<S: AsRef<str>>(items: &[S]) -> NpyArray {
        NpyArray::Str {
            shape: vec![items.len()],
            data: items.iter().map(|s| s.as_ref().to_string()).collect(),
        }
    }

    /// The dimensions.
    pub fn shape(&self) -> &[usize] {
        match self {
            NpyArray::F64 { shape, .. }
            | NpyArray::I64 { shape, .. }
            | NpyArray::I32 { shape, .. }
            | NpyArray::U32 { shape, .. }
            | NpyArray::Bool { shape, .. }
            | NpyArray::Str { shape, .. } => shape,
        }
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        match self {
            NpyArray::F64 { data, .. } => data.len(),
            NpyArray::I64 { data, .. } => data.len(),
            NpyArray::I32 { data, .. } => data.len(),
            NpyArray::U32 { data, .. } => data.len(),
            NpyArray::Bool { data, .. } => data.len(),
            NpyArray::Str { data, .. } => data.len(),
        }
    }

    /// Whether the array holds no value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// NumPy's name of the dtype (`float64`, `int64`, `int32`, `uint32`,
    /// `bool`, `str`).
    pub fn dtype_name(&self) -> &'static str {
        match self {
            NpyArray::F64 { .. } => "float64",
            NpyArray::I64 { .. } => "int64",
            NpyArray::I32 { .. } => "int32",
            NpyArray::U32 { .. } => "uint32",
            NpyArray::Bool { .. } => "bool",
            NpyArray::Str { .. } => "str",
        }
    }

    /// The values as `f64`, for any numeric dtype (`bool` as 0 and 1,
    /// 64-bit integers beyond 2^53 rounded); `None` for strings.
    pub fn to_f64(&self) -> Option<Vec<f64>> {
        Some(match self {
            NpyArray::F64 { data, .. } => data.clone(),
            NpyArray::I64 { data, .. } => data.iter().map(|&x| x as f64).collect(),
            NpyArray::I32 { data, .. } => data.iter().map(|&x| f64::from(x)).collect(),
            NpyArray::U32 { data, .. } => data.iter().map(|&x| f64::from(x)).collect(),
            NpyArray::Bool { data, .. } => data.iter().map(|&x| f64::from(u8::from(x))).collect(),
            NpyArray::Str { .. } => return None,
        })
    }

    /// The values as `i64`, for the integer and `bool` dtypes; `None` for
    /// floating point values and strings.
    pub fn to_i64(&self) -> Option<Vec<i64>> {
        Some(match self {
            NpyArray::I64 { data, .. } => data.clone(),
            NpyArray::I32 { data, .. } => data.iter().map(|&x| i64::from(x)).collect(),
            NpyArray::U32 { data, .. } => data.iter().map(|&x| i64::from(x)).collect(),
            NpyArray::Bool { data, .. } => data.iter().map(|&x| i64::from(x)).collect(),
            NpyArray::F64 { .. } | NpyArray::Str { .. } => return None,
        })
    }

    /// The strings of a unicode array; `None` for other dtypes.
    pub fn as_strings(&self) -> Option<&[String]> {
        match self {
            NpyArray::Str { data, .. } => Some(data),
            _ => None,
        }
    }

    /// The bytes of the array as a `.npy` file (format version 1.0,
    /// little-endian, C order).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the number of values is not the product of
    /// the shape.
    pub fn to_npy(&self) -> Result<Vec<u8>> {
        let (descr, body): (String, Vec<u8>) = match self {
            NpyArray::F64 { data, .. } => (
                "<f8".into(),
                data.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            NpyArray::I64 { data, .. } => (
                "<i8".into(),
                data.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            NpyArray::I32 { data, .. } => (
                "<i4".into(),
                data.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            NpyArray::U32 { data, .. } => (
                "<u4".into(),
                data.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ),
            NpyArray::Bool { data, .. } => {
                ("|b1".into(), data.iter().map(|&x| u8::from(x)).collect())
            }
            NpyArray::Str { data, .. } => {
                // NumPy's unicode arrays hold at least one code point each.
                let n = data
                    .iter()
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(1);
                let mut body = Vec::with_capacity(data.len() * n * 4);
                for s in data {
                    let mut k = 0;
                    for c in s.chars() {
                        body.extend_from_slice(&u32::from(c).to_le_bytes());
                        k += 1;
                    }
                    body.extend(std::iter::repeat_n(0u8, (n - k) * 4));
                }
                (format!("<U{n}"), body)
            }
        };
        let shape = self.shape();
        let len = self.len();
        if shape.iter().product::<usize>() != len {
            return Err(Error::invalid(
                "array",
                format!("{len} values for the shape {shape:?}"),
            ));
        }
        let dims: Vec<u64> = shape.iter().map(|&d| d as u64).collect();
        let mut out = header(&descr, &dims, 0).ok_or_else(|| {
            Error::invalid(
                "array",
                format!(
                    "a shape of {} dimensions is too long to describe",
                    shape.len()
                ),
            )
        })?;
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Reads a `.npy` file (format versions 1.0, 2.0 and 3.0).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for bytes that are not a `.npy` file, a header
    /// that cannot be read, a dtype other than those of [`NpyArray`], a
    /// Fortran-ordered array, or fewer bytes of values than the shape
    /// needs (a truncated file).
    pub fn from_npy(bytes: &[u8]) -> Result<NpyArray> {
        const OBJECT: &str = ".npy array";
        if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
            return Err(Error::invalid(
                OBJECT,
                "not a .npy file (no \\x93NUMPY magic)",
            ));
        }
        let (header_len, start) = match bytes[6] {
            1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
            2 | 3 if bytes.len() >= 12 => (
                u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
                12,
            ),
            v => {
                return Err(Error::invalid(
                    OBJECT,
                    format!("format version {v}.{} is not supported", bytes[7]),
                ));
            }
        };
        let header = bytes
            .get(start..start + header_len)
            .ok_or_else(|| Error::invalid(OBJECT, "truncated in its header"))?;
        let header = String::from_utf8_lossy(header);
        let header = Header::parse(&header).map_err(|reason| Error::invalid(OBJECT, reason))?;
        if header.fortran_order {
            return Err(Error::invalid(
                OBJECT,
                "the array is in Fortran order; only C order (row-major) is supported (write it with numpy.ascontiguousarray)",
            ));
        }
        let count = header
            .shape
            .iter()
            .try_fold(1usize, |a, &d| a.checked_mul(d))
            .ok_or_else(|| {
                Error::invalid(OBJECT, format!("the shape {:?} is too large", header.shape))
            })?;
        let (kind, item) = header.dtype;
        let needed = count.checked_mul(item).ok_or_else(|| {
            Error::invalid(OBJECT, format!("the shape {:?} is too large", header.shape))
        })?;
        let body = &bytes[start + header_len..];
        if body.len() < needed {
            return Err(Error::invalid(
                OBJECT,
                format!(
                    "truncated: {} bytes of values for the {needed} of shape {:?}",
                    body.len(),
                    header.shape
                ),
            ));
        }
        let big = header.big_endian;
        let values = &body[..needed];
        let shape = header.shape;
        Ok(match kind {
            Kind::F64 => NpyArray::F64 {
                shape,
                data: decode(values, big, f64::from_le_bytes, f64::from_be_bytes),
            },
            Kind::I64 => NpyArray::I64 {
                shape,
                data: decode(values, big, i64::from_le_bytes, i64::from_be_bytes),
            },
            Kind::I32 => NpyArray::I32 {
                shape,
                data: decode(values, big, i32::from_le_bytes, i32::from_be_bytes),
            },
            Kind::U32 => NpyArray::U32 {
                shape,
                data: decode(values, big, u32::from_le_bytes, u32::from_be_bytes),
            },
            Kind::Bool => NpyArray::Bool {
                shape,
                data: values.iter().map(|&b| b != 0).collect(),
            },
            Kind::Str(n) => {
                let mut data = Vec::with_capacity(count);
                if n == 0 {
                    data.resize(count, String::new());
                }
                for item in values.chunks_exact(4 * n.max(1)).take(count) {
                    let mut s = String::new();
                    for c in item.chunks_exact(4) {
                        let b: [u8; 4] = c.try_into().expect("4 bytes");
                        let code = if big {
                            u32::from_be_bytes(b)
                        } else {
                            u32::from_le_bytes(b)
                        };
                        if code == 0 {
                            break;
                        }
                        s.push(char::from_u32(code).ok_or_else(|| {
                            Error::invalid(OBJECT, format!("{code:#x} is not a unicode code point"))
                        })?);
                    }
                    data.push(s);
                }
                NpyArray::Str { shape, data }
            }
        })
    }
}

/// The dtypes read, with their item size in bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    F64,
    I64,
    I32,
    U32,
    Bool,
    /// Unicode strings of this many code points.
    Str(usize),
}

/// What a `.npy` header says.
#[derive(Debug)]
struct Header {
    dtype: (Kind, usize),
    big_endian: bool,
    fortran_order: bool,
    shape: Vec<usize>,
}

impl Header {
    /// Parses the Python dictionary literal of a `.npy` header, e.g.
    /// `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`.
    fn parse(text: &str) -> std::result::Result<Header, String> {
        let value = |key: &str| -> std::result::Result<&str, String> {
            let at = text
                .find(&format!("'{key}'"))
                .or_else(|| text.find(&format!("\"{key}\"")))
                .ok_or_else(|| format!("the header has no `{key}`: {}", text.trim()))?;
            let rest = &text[at + key.len() + 2..];
            let rest = rest.trim_start();
            let rest = rest
                .strip_prefix(':')
                .ok_or_else(|| format!("the header cannot be read: {}", text.trim()))?;
            Ok(rest.trim_start())
        };
        let descr = value("descr")?;
        let quote = descr.chars().next().filter(|c| *c == '\'' || *c == '"');
        let Some(quote) = quote else {
            return Err(format!(
                "the dtype is structured (a record of fields), which is not supported: {}",
                text.trim()
            ));
        };
        let descr = &descr[1..];
        let descr = &descr[..descr
            .find(quote)
            .ok_or_else(|| format!("the header cannot be read: {}", text.trim()))?];
        let (big_endian, code) = match descr.as_bytes().first() {
            Some(b'<') | Some(b'|') | Some(b'=') => (false, &descr[1..]),
            Some(b'>') => (true, &descr[1..]),
            _ => (false, descr),
        };
        let dtype = match code {
            "f8" => (Kind::F64, 8),
            "i8" => (Kind::I64, 8),
            "i4" => (Kind::I32, 4),
            "u4" => (Kind::U32, 4),
            "b1" | "?" => (Kind::Bool, 1),
            c if c.starts_with('U') => {
                let n: usize = c[1..]
                    .parse()
                    .map_err(|_| format!("the dtype `{descr}` cannot be read"))?;
                (Kind::Str(n), 4 * n)
            }
            "O" => {
                return Err(
                    "the array holds Python objects (a pickle), which is not supported".into(),
                );
            }
            _ => {
                return Err(format!(
                    "the dtype `{descr}` is not supported (float64, int64, int32, uint32, bool and unicode are)"
                ));
            }
        };
        let fortran = value("fortran_order")?;
        let fortran_order = if fortran.starts_with("True") {
            true
        } else if fortran.starts_with("False") {
            false
        } else {
            return Err(format!("the header cannot be read: {}", text.trim()));
        };
        let shape = value("shape")?;
        let inner = shape
            .strip_prefix('(')
            .and_then(|s| s.find(')').map(|e| &s[..e]))
            .ok_or_else(|| format!("the shape cannot be read: {}", text.trim()))?;
        let shape = inner
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.trim_end_matches('L')
                    .parse::<usize>()
                    .map_err(|_| format!("the shape cannot be read: ({inner})"))
            })
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Header {
            dtype,
            big_endian,
            fortran_order,
            shape,
        })
    }
}

/// The arrays of a `.npz` file, checked (sizes, checksums) and inflated
/// when read; each array is decoded when asked for.
///
/// ```
/// use annarchy_runtime::npy::{Npz, NpyArray, write_npz};
/// # fn main() -> annarchy_runtime::Result<()> {
/// let path = std::env::temp_dir().join(format!("npz-doc-{}.npz", std::process::id()));
/// write_npz(&path, &[("x", NpyArray::scalar_f64(1.5))])?;
/// let npz = Npz::read(&path)?;
/// assert_eq!(npz.get("x")?, NpyArray::scalar_f64(1.5));
/// # std::fs::remove_file(&path).ok();
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Npz {
    /// ``file `<path>` `` or `npz archive`, for messages.
    label: String,
    /// Names (without `.npy`) and the bytes of each `.npy` file.
    entries: Vec<(String, Vec<u8>)>,
}

/// Little-endian reads, `None` past the end.
fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn le64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

impl Npz {
    /// Reads the `.npz` file at `path`.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming the file when it cannot be read, is not a
    /// zip archive, is truncated or damaged (an entry's checksum or size),
    /// or has entries neither stored nor deflated.
    pub fn read(path: impl AsRef<Path>) -> Result<Npz> {
        let path = path.as_ref();
        let label = format!("file `{}`", path.display());
        let bytes = std::fs::read(path)
            .map_err(|e| Error::invalid(&label, format!("cannot be read: {e}")))?;
        Npz::parse(label, &bytes)
    }

    /// Reads a `.npz` file from its bytes.
    ///
    /// # Errors
    ///
    /// As [`Npz::read`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Npz> {
        Npz::parse("npz archive".into(), bytes)
    }

    fn parse(label: String, zip: &[u8]) -> Result<Npz> {
        let err = |reason: String| Error::invalid(&label, reason);
        let truncated = || {
            err("is truncated or damaged: its zip directory points past the end of the file".into())
        };
        // End of central directory: 22 bytes and a comment of up to 64 KiB.
        let eocd = (zip.len() >= 22)
            .then(|| {
                let lowest = zip.len().saturating_sub(22 + 0xFFFF);
                (lowest..=zip.len() - 22)
                    .rev()
                    .find(|&i| le32(zip, i) == Some(0x0605_4b50))
            })
            .flatten();
        let Some(eocd) = eocd else {
            return Err(if zip.is_empty() {
                err("is empty".into())
            } else if zip.starts_with(b"PK\x03\x04") {
                err("is truncated: a zip archive without its end (central directory)".into())
            } else {
                err("is not a .npz file (not a zip archive)".into())
            });
        };
        let field16 = |at| le16(zip, eocd + at).ok_or_else(truncated);
        let field32 = |at| le32(zip, eocd + at).ok_or_else(truncated);
        if field16(4)? != 0 || field16(6)? != 0 {
            return Err(err("is a zip archive split over several disks".into()));
        }
        let mut count = u64::from(field16(10)?);
        let mut dir_len = u64::from(field32(12)?);
        let mut dir_at = u64::from(field32(16)?);
        if count == 0xFFFF || dir_len == 0xFFFF_FFFF || dir_at == 0xFFFF_FFFF {
            // Zip64: the locator just before the end record points to the
            // zip64 end record.
            let locator = eocd.checked_sub(20).ok_or_else(truncated)?;
            if le32(zip, locator) == Some(0x0706_4b50) {
                let at = usize::try_from(le64(zip, locator + 8).ok_or_else(truncated)?)
                    .map_err(|_| truncated())?;
                if le32(zip, at) != Some(0x0606_4b50) {
                    return Err(truncated());
                }
                count = le64(zip, at + 32).ok_or_else(truncated)?;
                dir_len = le64(zip, at + 40).ok_or_else(truncated)?;
                dir_at = le64(zip, at + 48).ok_or_else(truncated)?;
            }
        }
        let mut at = usize::try_from(dir_at).map_err(|_| truncated())?;
        let dir_end = at
            .checked_add(usize::try_from(dir_len).map_err(|_| truncated())?)
            .ok_or_else(truncated)?;
        if dir_end > zip.len() {
            return Err(truncated());
        }
        let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
        for _ in 0..count {
            if le32(zip, at) != Some(0x0201_4b50) {
                return Err(truncated());
            }
            let get16 = |o| le16(zip, at + o).ok_or_else(truncated);
            let get32 = |o| le32(zip, at + o).ok_or_else(truncated);
            let flags = get16(8)?;
            let method = get16(10)?;
            let crc = get32(16)?;
            let mut packed = u64::from(get32(20)?);
            let mut size = u64::from(get32(24)?);
            let name_len = usize::from(get16(28)?);
            let extra_len = usize::from(get16(30)?);
            let comment_len = usize::from(get16(32)?);
            let mut local = u64::from(get32(42)?);
            let name = zip.get(at + 46..at + 46 + name_len).ok_or_else(truncated)?;
            let name = String::from_utf8_lossy(name).into_owned();
            let extra = zip
                .get(at + 46 + name_len..at + 46 + name_len + extra_len)
                .ok_or_else(truncated)?;
            // Zip64 sizes and offset, in this order, for the fields at their maximum.
            let mut e = 0;
            while e + 4 <= extra.len() {
                let id = le16(extra, e).unwrap_or(0);
                let len = usize::from(le16(extra, e + 2).unwrap_or(0));
                if id == 0x0001 {
                    let mut k = e + 4;
                    for field in [&mut size, &mut packed, &mut local] {
                        if *field == 0xFFFF_FFFF && k + 8 <= e + 4 + len {
                            *field = le64(extra, k).ok_or_else(truncated)?;
                            k += 8;
                        }
                    }
                }
                e += 4 + len;
            }
            at += 46 + name_len + extra_len + comment_len;
            if flags & 1 != 0 {
                return Err(err(format!("entry `{name}` is encrypted")));
            }
            let local = usize::try_from(local).map_err(|_| truncated())?;
            if le32(zip, local) != Some(0x0403_4b50) {
                return Err(truncated());
            }
            let data_at = local
                + 30
                + usize::from(le16(zip, local + 26).ok_or_else(truncated)?)
                + usize::from(le16(zip, local + 28).ok_or_else(truncated)?);
            let packed = usize::try_from(packed).map_err(|_| truncated())?;
            let size = usize::try_from(size).map_err(|_| truncated())?;
            let data = data_at
                .checked_add(packed)
                .and_then(|end| zip.get(data_at..end))
                .ok_or_else(|| {
                    err(format!(
                        "is truncated: entry `{name}` needs {packed} bytes past the end of the file"
                    ))
                })?;
            let data = match method {
                0 => data.to_vec(),
                8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, size)
                    .map_err(|e| err(format!("entry `{name}` cannot be inflated: {e}")))?,
                m => {
                    return Err(err(format!(
                        "entry `{name}` is compressed with method {m}; only stored and deflated entries (numpy.savez, numpy.savez_compressed) are read"
                    )));
                }
            };
            if data.len() != size {
                return Err(err(format!(
                    "is damaged: entry `{name}` has {} bytes instead of {size}",
                    data.len()
                )));
            }
            if crc32(&data) != crc {
                return Err(err(format!(
                    "is damaged: the checksum of entry `{name}` does not match"
                )));
            }
            let name = name
                .strip_suffix(".npy")
                .map_or(name.clone(), str::to_string);
            if entries.iter().any(|(n, _)| *n == name) {
                return Err(err(format!("holds two entries named `{name}`")));
            }
            entries.push((name, data));
        }
        Ok(Npz { label, entries })
    }

    /// The names of the arrays, in the order of the archive (without
    /// `.npy`, as `numpy.load(path).files` gives them).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_str())
    }

    /// Whether the archive holds an array of this name.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, _)| n == name)
    }

    /// The number of arrays.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the archive holds no array.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The array of this name.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming the file and the entry when there is no
    /// such entry or it is not a `.npy` array that [`NpyArray::from_npy`]
    /// reads.
    pub fn get(&self, name: &str) -> Result<NpyArray> {
        let (_, bytes) = self
            .entries
            .iter()
            .find(|(n, _)| n == name)
            .ok_or_else(|| Error::invalid(&self.label, format!("has no entry `{name}`")))?;
        NpyArray::from_npy(bytes).map_err(|e| match e {
            Error::Invalid { reason, .. } => {
                Error::invalid(&self.label, format!("entry `{name}`: {reason}"))
            }
            e => e,
        })
    }
}

/// Writes `arrays` as a `.npz` file at `path`: `numpy.load(path)[name]` is
/// the array of that name.
///
/// # Errors
///
/// [`Error::Invalid`] for an array whose values do not fill its shape, an
/// archive too large for a zip file without zip64 extensions (4 GiB, 65535
/// arrays), or a file that cannot be written (the message names the path).
pub fn write_npz<S: AsRef<str>>(path: impl AsRef<Path>, arrays: &[(S, NpyArray)]) -> Result<()> {
    let path = path.as_ref();
    let too_large = || {
        Error::invalid(
            &format!("file `{}`", path.display()),
            "is too large for a .npz file without zip64 extensions (4 GiB, 65535 arrays)",
        )
    };
    let mut zip = Vec::new();
    let mut central = Vec::new();
    for (name, array) in arrays {
        let data = array.to_npy()?;
        let file = format!("{}.npy", name.as_ref());
        let crc = crc32(&data);
        let offset = u32::try_from(zip.len()).map_err(|_| too_large())?;
        let size = u32::try_from(data.len()).map_err(|_| too_large())?;
        let file_len = u16::try_from(file.len()).map_err(|_| too_large())?;
        // Local file header: version 2.0, no flags, stored, no date.
        zip.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        zip.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        zip.extend_from_slice(&crc.to_le_bytes());
        zip.extend_from_slice(&size.to_le_bytes());
        zip.extend_from_slice(&size.to_le_bytes());
        zip.extend_from_slice(&file_len.to_le_bytes());
        zip.extend_from_slice(&0u16.to_le_bytes());
        zip.extend_from_slice(file.as_bytes());
        zip.extend_from_slice(&data);
        // Its entry in the central directory.
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&file_len.to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(file.as_bytes());
    }
    let central_offset = u32::try_from(zip.len()).map_err(|_| too_large())?;
    let n = u16::try_from(arrays.len()).map_err(|_| too_large())?;
    let central_len = u32::try_from(central.len()).map_err(|_| too_large())?;
    zip.extend_from_slice(&central);
    u32::try_from(zip.len()).map_err(|_| too_large())?;
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
        let header = std::str::from_utf8(&bytes[10..80]).expect("ascii");
        assert!(header.contains("'<i8'"));
        assert!(header.contains("(3,)"));
        let bad = NpyArray::F64 {
            shape: vec![2, 2],
            data: vec![1.0],
        };
        assert!(bad.to_npy().is_err());
    }

    #[test]
    fn every_dtype_reads_back_as_written() {
        let arrays = [
            NpyArray::F64 {
                shape: vec![2, 2],
                data: vec![0.1, -0.0, f64::INFINITY, f64::MIN_POSITIVE],
            },
            NpyArray::scalar_f64(f64::NAN),
            NpyArray::I64 {
                shape: vec![3],
                data: vec![i64::MIN, 0, i64::MAX],
            },
            NpyArray::I32 {
                shape: vec![2],
                data: vec![i32::MIN, 5],
            },
            NpyArray::U32 {
                shape: vec![0],
                data: vec![],
            },
            NpyArray::Bool {
                shape: vec![1, 3],
                data: vec![true, false, true],
            },
            NpyArray::strings(&["pop", "", "ünïcode ✓"]),
            NpyArray::scalar_str("one"),
        ];
        for a in arrays {
            let back = NpyArray::from_npy(&a.to_npy().expect("valid")).expect("read");
            assert_eq!(back.shape(), a.shape());
            match (&a, &back) {
                (NpyArray::F64 { data: x, .. }, NpyArray::F64 { data: y, .. }) => {
                    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(x), bits(y));
                }
                _ => assert_eq!(back, a),
            }
        }
        let s = NpyArray::strings(&["ab", "c"]).to_npy().expect("valid");
        assert!(String::from_utf8_lossy(&s).contains("'<U2'"));
    }

    /// A `.npy` file with this header text and body.
    fn npy_with(header: &str, body: &[u8]) -> Vec<u8> {
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn big_endian_and_unsupported_headers() {
        let body: Vec<u8> = [1.5f64, -2.0]
            .iter()
            .flat_map(|x| x.to_be_bytes())
            .collect();
        let a = NpyArray::from_npy(&npy_with(
            "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }\n",
            &body,
        ))
        .expect("big-endian");
        assert_eq!(
            a,
            NpyArray::F64 {
                shape: vec![2],
                data: vec![1.5, -2.0]
            }
        );
        let body: Vec<u8> = "hé"
            .chars()
            .flat_map(|c| u32::from(c).to_be_bytes())
            .collect();
        let s = NpyArray::from_npy(&npy_with(
            "{'descr': '>U2', 'fortran_order': False, 'shape': (), }\n",
            &body,
        ))
        .expect("big-endian unicode");
        assert_eq!(s, NpyArray::scalar_str("hé"));
        let cases = [
            (
                "{'descr': '<f8', 'fortran_order': True, 'shape': (1, 1), }\n",
                "Fortran",
            ),
            (
                "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n",
                "pickle",
            ),
            (
                "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }\n",
                "not supported",
            ),
            (
                "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }\n",
                "structured",
            ),
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n",
                "truncated",
            ),
        ];
        for (header, expected) in cases {
            let err = NpyArray::from_npy(&npy_with(header, &[0; 8]))
                .expect_err(header)
                .to_string();
            assert!(err.contains(expected), "{header}: {err}");
        }
        assert!(NpyArray::from_npy(b"not numpy").is_err());
    }

    /// A zip archive of one entry compressed with `method`.
    fn one_entry_zip(name: &str, data: &[u8], packed: &[u8], method: u16) -> Vec<u8> {
        let mut zip = Vec::new();
        let crc = crc32(data);
        zip.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        zip.extend_from_slice(&[20, 0, 0, 0]);
        zip.extend_from_slice(&method.to_le_bytes());
        zip.extend_from_slice(&[0, 0, 0x21, 0]);
        zip.extend_from_slice(&crc.to_le_bytes());
        zip.extend_from_slice(&(packed.len() as u32).to_le_bytes());
        zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
        zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
        zip.extend_from_slice(&0u16.to_le_bytes());
        zip.extend_from_slice(name.as_bytes());
        zip.extend_from_slice(packed);
        let dir = zip.len() as u32;
        zip.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        zip.extend_from_slice(&[20, 0, 20, 0, 0, 0]);
        zip.extend_from_slice(&method.to_le_bytes());
        zip.extend_from_slice(&[0, 0, 0x21, 0]);
        zip.extend_from_slice(&crc.to_le_bytes());
        zip.extend_from_slice(&(packed.len() as u32).to_le_bytes());
        zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
        zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
        zip.extend_from_slice(&[0; 12]);
        zip.extend_from_slice(&0u32.to_le_bytes());
        zip.extend_from_slice(name.as_bytes());
        let dir_len = zip.len() as u32 - dir;
        zip.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        zip.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
        zip.extend_from_slice(&dir_len.to_le_bytes());
        zip.extend_from_slice(&dir.to_le_bytes());
        zip.extend_from_slice(&0u16.to_le_bytes());
        zip
    }

    #[test]
    fn deflated_entries_are_inflated_and_checked() {
        let a = NpyArray::F64 {
            shape: vec![100],
            data: (0..100).map(f64::from).collect(),
        };
        let data = a.to_npy().expect("valid");
        let packed = miniz_oxide::deflate::compress_to_vec(&data, 6);
        let zip = one_entry_zip("a.npy", &data, &packed, 8);
        let npz = Npz::from_bytes(&zip).expect("deflated");
        assert_eq!(npz.names().collect::<Vec<_>>(), vec!["a"]);
        assert_eq!(npz.get("a").expect("a"), a);
        // A changed byte in the data: the checksum catches it.
        let mut bad = zip.clone();
        let at = bad.len() - 100;
        bad[at / 2] ^= 0xFF;
        assert!(Npz::from_bytes(&bad).is_err());
        let other = one_entry_zip("a.npy", &data, &data, 12);
        let err = Npz::from_bytes(&other).unwrap_err().to_string();
        assert!(err.contains("method 12"), "{err}");
    }

    #[test]
    fn archives_round_trip_and_broken_ones_are_errors() {
        let dir = std::env::temp_dir().join(format!("annarchy-npy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("directory");
        let path = dir.join("round.npz");
        let names = NpyArray::strings(&["a", "bc"]);
        write_npz(
            &path,
            &[("x/y", NpyArray::scalar_i64(-3)), ("names", names.clone())],
        )
        .expect("written");
        let npz = Npz::read(&path).expect("read");
        assert_eq!(npz.len(), 2);
        assert!(npz.contains("x/y") && !npz.contains("x"));
        assert_eq!(npz.get("x/y").expect("x/y"), NpyArray::scalar_i64(-3));
        assert_eq!(npz.get("names").expect("names"), names);
        let err = npz.get("z").unwrap_err().to_string();
        assert!(
            err.contains("no entry `z`") && err.contains("round.npz"),
            "{err}"
        );
        let bytes = std::fs::read(&path).expect("bytes");
        for cut in [bytes.len() - 1, bytes.len() / 2, 10] {
            let err = Npz::from_bytes(&bytes[..cut]).unwrap_err().to_string();
            assert!(err.contains("truncated"), "cut at {cut}: {err}");
        }
        let err = Npz::from_bytes(&[]).unwrap_err().to_string();
        assert!(err.contains("empty"), "{err}");
        let err = Npz::from_bytes(b"just some text, long enough to hold a zip end record")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a zip archive"), "{err}");
        let err = Npz::read(dir.join("absent.npz")).unwrap_err().to_string();
        assert!(err.contains("cannot be read"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn crc_of_a_known_string() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }
}
