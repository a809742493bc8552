//! TFRecord framing: the container format of `tfevents` files.
//!
//! Each record is the little-endian `u64` length of its data, the masked
//! CRC-32C of those eight length bytes (`u32`, little-endian), the data, and
//! the masked CRC-32C of the data. The mask is TensorFlow's:
//! `((crc >> 15) | (crc << 17)) + 0xa282ead8` (rotate right by 15, then add,
//! both modulo 2³²).

use crate::crc::crc32c;

/// Added to the rotated checksum by [`masked_crc32c`].
const MASK_DELTA: u32 = 0xA282_EAD8;

/// The masked CRC-32C that TFRecord stores: masking keeps a CRC of data
/// that itself contains CRCs from being degenerate.
pub(crate) fn masked_crc32c(data: &[u8]) -> u32 {
    crc32c(data).rotate_right(15).wrapping_add(MASK_DELTA)
}

/// Appends one framed record holding `data` to `out`.
pub(crate) fn append_record(out: &mut Vec<u8>, data: &[u8]) {
    let len = (data.len() as u64).to_le_bytes();
    out.reserve(data.len() + 16);
    out.extend_from_slice(&len);
    out.extend_from_slice(&masked_crc32c(&len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&masked_crc32c(data).to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reflected Castagnoli polynomial.
    const POLY: u32 = 0x82F6_3B78;

    /// Bit-by-bit CRC-32C, independent of the table.
    fn crc32c_bitwise(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = (crc >> 1) ^ (POLY & (crc & 1).wrapping_neg());
            }
        }
        !crc
    }

    #[test]
    fn crc32c_check_value() {
        // The standard check value of CRC-32C.
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
        assert_eq!(crc32c(b""), 0);
    }

    #[test]
    fn crc32c_rfc3720_vectors() {
        // iSCSI test vectors (RFC 3720, B.4).
        assert_eq!(crc32c(&[0u8; 32]), 0x8A91_36AA);
        assert_eq!(crc32c(&[0xFFu8; 32]), 0x62A8_AB43);
        let ascending: Vec<u8> = (0..32).collect();
        assert_eq!(crc32c(&ascending), 0x46DD_794E);
        let descending: Vec<u8> = (0..32).rev().collect();
        assert_eq!(crc32c(&descending), 0x113F_DB5C);
    }

    #[test]
    fn table_matches_bitwise() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 + i / 3) as u8).collect();
        for end in [0, 1, 2, 7, 64, 999, 1000] {
            assert_eq!(crc32c(&data[..end]), crc32c_bitwise(&data[..end]));
        }
    }

    #[test]
    fn masking() {
        // Values given by TensorBoard's own `masked_crc32c`.
        assert_eq!(masked_crc32c(b"123456789"), 0xC78A_B0E5);
        assert_eq!(masked_crc32c(b""), 0xA282_EAD8);
    }

    #[test]
    fn record_bytes_match_tensorboard() {
        // The bytes TensorBoard's `RecordWriter` writes for the payload `hello`.
        let mut out = Vec::new();
        append_record(&mut out, b"hello");
        let expected: [u8; 21] = [
            0x05, 0, 0, 0, 0, 0, 0, 0, 0xea, 0xb2, 0x04, 0x3e, b'h', b'e', b'l', b'l', b'o', 0xbb,
            0x1f, 0x1c, 0x19,
        ];
        assert_eq!(out, expected);
    }
}
