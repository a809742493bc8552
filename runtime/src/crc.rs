//! Cyclic redundancy checks of the file formats written and read here:
//! CRC-32 (IEEE 802.3) of zip archives (`.npz`) and CRC-32C (Castagnoli)
//! of TFRecord files (TensorBoard). Both are the same reflected,
//! table-driven algorithm with another polynomial.

/// Byte-at-a-time lookup table of the reflected CRC of polynomial `poly`,
/// built at compile time.
const fn table(poly: u32) -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ poly
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
}

/// The reflected CRC of `data` with a table of [`table`].
fn crc(table: &[u32; 256], data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |crc, &byte| {
        table[usize::from((crc as u8) ^ byte)] ^ (crc >> 8)
    })
}

/// CRC-32 (IEEE 802.3, reflected polynomial `0xEDB88320`), as zip uses it.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = table(0xEDB8_8320);
    crc(&TABLE, data)
}

/// CRC-32C (Castagnoli, reflected polynomial `0x82F63B78`), as TFRecord and
/// iSCSI use it.
pub(crate) fn crc32c(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = table(0x82F6_3B78);
    crc(&TABLE, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
        assert_eq!(crc32c(b""), 0);
    }
}
