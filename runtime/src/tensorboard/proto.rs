//! A minimal protocol-buffer encoder, enough for the messages of `tfevents`
//! files: `Event`, `Summary`, `Summary.Value`, `Summary.Image`,
//! `HistogramProto`, `SummaryMetadata` and the messages of the hparams
//! plugin.
//!
//! Field numbers follow TensorBoard's `event.proto`, `summary.proto`,
//! `histogram.proto`, the hparams plugin's `plugin_data.proto` and
//! `api.proto`, and `google/protobuf/struct.proto`.
//!
//! Proto3 leaves scalar fields at their default value (0, empty) out of the
//! encoding; members of a `oneof` are always written, since their presence
//! is the information. The `*_nonzero` and `*_nonempty` writers implement
//! the first rule.

/// Wire type of varints (`int32`, `int64`, `bool`, enums).
const VARINT: u32 = 0;
/// Wire type of `double` and `fixed64`.
const FIXED64: u32 = 1;
/// Wire type of strings, bytes, sub-messages and packed repeated fields.
const LEN: u32 = 2;
/// Wire type of `float` and `fixed32`.
const FIXED32: u32 = 5;

/// The encoding of one message, built field by field.
#[derive(Debug, Default, Clone)]
pub(crate) struct Message {
    buf: Vec<u8>,
}

impl Message {
    /// An empty message.
    pub(crate) fn new() -> Message {
        Message::default()
    }

    /// The encoded bytes.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    fn key(&mut self, field: u32, wire: u32) {
        self.varint(u64::from((field << 3) | wire));
    }

    /// A `double` field, written even when zero (for `oneof` members).
    pub(crate) fn double(&mut self, field: u32, v: f64) -> &mut Self {
        self.key(field, FIXED64);
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// A `double` field, left out when it is `+0.0` (the proto3 default).
    pub(crate) fn double_nonzero(&mut self, field: u32, v: f64) -> &mut Self {
        if v.to_bits() != 0 {
            self.double(field, v);
        }
        self
    }

    /// A `float` field, written even when zero (for `oneof` members).
    pub(crate) fn float(&mut self, field: u32, v: f32) -> &mut Self {
        self.key(field, FIXED32);
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// An `int64` or `int32` field (negative values take ten bytes, as
    /// protobuf requires), written even when zero.
    pub(crate) fn int(&mut self, field: u32, v: i64) -> &mut Self {
        self.key(field, VARINT);
        self.varint(v as u64);
        self
    }

    /// An `int64`, `int32` or enum field, left out when zero.
    pub(crate) fn int_nonzero(&mut self, field: u32, v: i64) -> &mut Self {
        if v != 0 {
            self.int(field, v);
        }
        self
    }

    /// A `bool` field, written even when false (for `oneof` members).
    pub(crate) fn bool(&mut self, field: u32, v: bool) -> &mut Self {
        self.int(field, i64::from(v))
    }

    /// A `bytes` field, written even when empty.
    pub(crate) fn bytes(&mut self, field: u32, data: &[u8]) -> &mut Self {
        self.key(field, LEN);
        self.varint(data.len() as u64);
        self.buf.extend_from_slice(data);
        self
    }

    /// A `string` field, written even when empty (for `oneof` members).
    pub(crate) fn string(&mut self, field: u32, s: &str) -> &mut Self {
        self.bytes(field, s.as_bytes())
    }

    /// A `string` field, left out when empty.
    pub(crate) fn string_nonempty(&mut self, field: u32, s: &str) -> &mut Self {
        if !s.is_empty() {
            self.string(field, s);
        }
        self
    }

    /// A sub-message field (also one element of a repeated message field).
    pub(crate) fn message(&mut self, field: u32, m: &Message) -> &mut Self {
        self.bytes(field, &m.buf)
    }

    /// A packed `repeated double` field, left out when empty.
    pub(crate) fn packed_doubles(&mut self, field: u32, values: &[f64]) -> &mut Self {
        if !values.is_empty() {
            self.key(field, LEN);
            self.varint(8 * values.len() as u64);
            for v in values {
                self.buf.extend_from_slice(&v.to_le_bytes());
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_keys() {
        let mut m = Message::new();
        m.int(1, 150);
        // The example of the protobuf documentation: 08 96 01.
        assert_eq!(m.clone().into_bytes(), [0x08, 0x96, 0x01]);
        let mut m = Message::new();
        m.int(2, -1);
        let bytes = m.into_bytes();
        assert_eq!(bytes.len(), 11);
        assert_eq!(bytes[0], 0x10);
        assert_eq!(bytes[10], 0x01);
        assert!(bytes[1..10].iter().all(|&b| b == 0xFF));
    }

    #[test]
    fn fixed_width_fields() {
        let mut m = Message::new();
        m.double(1, 1.5).float(2, -2.0);
        let mut expected = vec![0x09];
        expected.extend_from_slice(&1.5f64.to_le_bytes());
        expected.push(0x15);
        expected.extend_from_slice(&(-2.0f32).to_le_bytes());
        assert_eq!(m.into_bytes(), expected);
    }

    #[test]
    fn defaults_are_left_out() {
        let mut m = Message::new();
        m.double_nonzero(1, 0.0)
            .int_nonzero(2, 0)
            .string_nonempty(3, "")
            .packed_doubles(6, &[]);
        assert!(m.into_bytes().is_empty());
        let mut m = Message::new();
        m.double_nonzero(1, -0.0);
        assert_eq!(m.into_bytes().len(), 9);
    }

    #[test]
    fn length_delimited_fields() {
        let mut inner = Message::new();
        inner.string(1, "testing");
        let mut outer = Message::new();
        outer.message(3, &inner);
        // The nested-message example of the protobuf documentation.
        assert_eq!(
            outer.into_bytes(),
            [
                0x1a, 0x09, 0x0a, 0x07, b't', b'e', b's', b't', b'i', b'n', b'g'
            ]
        );
        let mut m = Message::new();
        m.packed_doubles(6, &[1.0, 2.0]);
        let bytes = m.into_bytes();
        assert_eq!(&bytes[..2], &[0x32, 16]);
        assert_eq!(&bytes[2..10], &1.0f64.to_le_bytes());
        assert_eq!(&bytes[10..], &2.0f64.to_le_bytes());
    }
}
