//! A reader of ONNX files (`.onnx`, a serialized `onnx.ModelProto`), enough
//! to take the trained weights of a feed-forward network: the graph's nodes
//! with their attributes, its initializers (the weights), its inputs and
//! outputs, and the list of its layers ([`Model::layers`]).
//!
//! The protobuf encoding is decoded here by hand (varints, fixed-width and
//! length-delimited fields), with the field numbers of `onnx.proto`:
//! `ModelProto` (`ir_version` 1, `producer_name` 2, `graph` 7,
//! `opset_import` 8), `GraphProto` (`node` 1, `name` 2, `initializer` 5,
//! `input` 11, `output` 12), `NodeProto` (`input` 1, `output` 2, `name` 3,
//! `op_type` 4, `attribute` 5, `domain` 7), `AttributeProto` (`name` 1,
//! `f` 2, `i` 3, `s` 4, `t` 5, `floats` 7, `ints` 8, `strings` 9, `type`
//! 20), `TensorProto` (`dims` 1, `data_type` 2, `float_data` 4,
//! `int32_data` 5, `int64_data` 7, `name` 8, `raw_data` 9, `double_data`
//! 10, `data_location` 14) and `ValueInfoProto` / `TypeProto` for the shapes
//! of the inputs. Repeated numbers are read packed or not, as protobuf
//! readers must. Fields not listed are skipped. A file that is not a valid
//! encoding (truncated, a varint too long, a length past the end, a wire
//! type that does not exist) is an [`Error::Invalid`], never a panic.
//!
//! Tensors of `float`, `double`, `int32` and `int64` are read, from
//! `raw_data` (little-endian) or from the typed fields; tensors stored in
//! external files are refused.
//!
//! ```no_run
//! use annarchy_runtime::onnx::{Layer, Model};
//!
//! # fn main() -> annarchy_runtime::Result<()> {
//! let model = Model::load("mlp.onnx")?;
//! let net = model.layers()?;
//! for layer in &net.layers {
//!     if let Layer::Dense(d) = layer {
//!         println!("{}: {} -> {}", d.name, d.inputs, d.outputs);
//!     }
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};

/// An [`Error::Invalid`] about the ONNX model.
fn invalid(reason: impl Into<String>) -> Error {
    Error::Invalid {
        object: "ONNX model".into(),
        reason: reason.into(),
    }
}

// ---------------------------------------------------------------------------
// Protobuf wire format
// ---------------------------------------------------------------------------

/// The value of one field, as the wire type gives it.
#[derive(Clone, Copy, Debug)]
enum Wire<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1 (little-endian 8 bytes).
    Fixed64(u64),
    /// Wire type 2.
    Bytes(&'a [u8]),
    /// Wire type 5 (little-endian 4 bytes).
    Fixed32(u32),
}

/// Reads the fields of one message, in order.
struct Fields<'a> {
    buf: &'a [u8],
    pos: usize,
    /// The message being read, for error messages.
    message: &'static str,
}

impl<'a> Fields<'a> {
    fn new(buf: &'a [u8], message: &'static str) -> Fields<'a> {
        Fields {
            buf,
            pos: 0,
            message,
        }
    }

    fn error(&self, what: &str) -> Error {
        invalid(format!(
            "{what} in a {} at byte {} of {}: the file is truncated or not an ONNX model",
            self.message,
            self.pos,
            self.buf.len()
        ))
    }

    fn varint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for i in 0..10 {
            let Some(&byte) = self.buf.get(self.pos) else {
                return Err(self.error("truncated varint"));
            };
            self.pos += 1;
            if i == 9 && byte > 1 {
                return Err(self.error("varint longer than 64 bits"));
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.error("varint longer than 10 bytes"))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| self.error(&format!("field of {n} bytes past the end")))?;
        let bytes = &self.buf[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    /// The next field: its number and value; `None` at the end.
    fn next_field(&mut self) -> Result<Option<(u64, Wire<'a>)>> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let number = key >> 3;
        if number == 0 {
            return Err(self.error("field number 0"));
        }
        let value = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => {
                let b = self.take(8)?;
                Wire::Fixed64(u64::from_le_bytes(b.try_into().expect("8 bytes")))
            }
            2 => {
                let len = self.varint()?;
                let len = usize::try_from(len).map_err(|_| self.error("length too large"))?;
                Wire::Bytes(self.take(len)?)
            }
            5 => {
                let b = self.take(4)?;
                Wire::Fixed32(u32::from_le_bytes(b.try_into().expect("4 bytes")))
            }
            t => return Err(self.error(&format!("unsupported wire type {t}"))),
        };
        Ok(Some((number, value)))
    }
}

/// The varints of a packed field.
fn packed_varints(bytes: &[u8], message: &'static str) -> Result<Vec<u64>> {
    let mut r = Fields::new(bytes, message);
    let mut out = Vec::new();
    while r.pos < bytes.len() {
        out.push(r.varint()?);
    }
    Ok(out)
}

/// The little-endian fixed-width values of a packed field.
fn packed_fixed<const N: usize>(bytes: &[u8], message: &'static str) -> Result<Vec<[u8; N]>> {
    if !bytes.len().is_multiple_of(N) {
        return Err(invalid(format!(
            "a packed field of {}-byte values in a {message} has {} bytes",
            N,
            bytes.len()
        )));
    }
    Ok(bytes
        .chunks_exact(N)
        .map(|c| c.try_into().expect("chunk of N bytes"))
        .collect())
}

/// Appends the values of a repeated varint field (packed or not).
fn push_varints(out: &mut Vec<i64>, v: Wire<'_>, message: &'static str) -> Result<()> {
    match v {
        Wire::Varint(x) => out.push(x as i64),
        Wire::Bytes(b) => out.extend(packed_varints(b, message)?.into_iter().map(|x| x as i64)),
        _ => return Err(wrong_wire(message)),
    }
    Ok(())
}

/// Appends the values of a repeated `float` field (packed or not).
fn push_f32(out: &mut Vec<f32>, v: Wire<'_>, message: &'static str) -> Result<()> {
    match v {
        Wire::Fixed32(x) => out.push(f32::from_bits(x)),
        Wire::Bytes(b) => out.extend(
            packed_fixed::<4>(b, message)?
                .into_iter()
                .map(f32::from_le_bytes),
        ),
        _ => return Err(wrong_wire(message)),
    }
    Ok(())
}

/// Appends the values of a repeated `double` field (packed or not).
fn push_f64(out: &mut Vec<f64>, v: Wire<'_>, message: &'static str) -> Result<()> {
    match v {
        Wire::Fixed64(x) => out.push(f64::from_bits(x)),
        Wire::Bytes(b) => out.extend(
            packed_fixed::<8>(b, message)?
                .into_iter()
                .map(f64::from_le_bytes),
        ),
        _ => return Err(wrong_wire(message)),
    }
    Ok(())
}

fn wrong_wire(message: &'static str) -> Error {
    invalid(format!(
        "a field of a {message} has the wrong wire type: the file is not an ONNX model"
    ))
}

fn string(v: Wire<'_>, message: &'static str) -> Result<String> {
    match v {
        Wire::Bytes(b) => String::from_utf8(b.to_vec())
            .map_err(|_| invalid(format!("a string of a {message} is not UTF-8"))),
        _ => Err(wrong_wire(message)),
    }
}

fn bytes<'a>(v: Wire<'a>, message: &'static str) -> Result<&'a [u8]> {
    match v {
        Wire::Bytes(b) => Ok(b),
        _ => Err(wrong_wire(message)),
    }
}

fn varint(v: Wire<'_>, message: &'static str) -> Result<i64> {
    match v {
        Wire::Varint(x) => Ok(x as i64),
        _ => Err(wrong_wire(message)),
    }
}

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

/// An ONNX model (`ModelProto`): its graph and the metadata read.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// The version of the ONNX intermediate representation.
    pub ir_version: i64,
    /// The tool that wrote the file.
    pub producer_name: String,
    /// The version of the default operator set (domain `""` or
    /// `ai.onnx`), if the file names one.
    pub opset_version: Option<i64>,
    /// The computation graph.
    pub graph: Graph,
}

/// A computation graph (`GraphProto`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    /// The graph's name.
    pub name: String,
    /// The nodes, in topological order.
    pub nodes: Vec<Node>,
    /// The constant tensors (the trained weights).
    pub initializers: Vec<Tensor>,
    /// The inputs (some files list the initializers among them).
    pub inputs: Vec<ValueInfo>,
    /// The outputs.
    pub outputs: Vec<ValueInfo>,
}

/// One operation of the graph (`NodeProto`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Node {
    /// The node's name (may be empty).
    pub name: String,
    /// The operator: `MatMul`, `Relu`, `Conv`...
    pub op_type: String,
    /// The operator set's domain (empty for the standard operators).
    pub domain: String,
    /// The names of the input tensors (an empty name is an omitted
    /// optional input).
    pub inputs: Vec<String>,
    /// The names of the output tensors.
    pub outputs: Vec<String>,
    /// The attributes.
    pub attributes: Vec<Attribute>,
}

impl Node {
    /// The attribute named `name`.
    pub fn attribute(&self, name: &str) -> Option<&AttributeValue> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| &a.value)
    }

    /// The integer attribute `name`, or `default` when absent.
    fn int_attr(&self, name: &str, default: i64) -> Result<i64> {
        match self.attribute(name) {
            None => Ok(default),
            Some(AttributeValue::Int(i)) => Ok(*i),
            Some(_) => Err(self.error(&format!("attribute `{name}` is not an integer"))),
        }
    }

    /// The float attribute `name`, or `default` when absent.
    fn float_attr(&self, name: &str, default: f64) -> Result<f64> {
        match self.attribute(name) {
            None => Ok(default),
            Some(AttributeValue::Float(f)) => Ok(f64::from(*f)),
            Some(_) => Err(self.error(&format!("attribute `{name}` is not a float"))),
        }
    }

    /// The list of integers `name`, if present.
    fn ints_attr(&self, name: &str) -> Result<Option<Vec<i64>>> {
        match self.attribute(name) {
            None => Ok(None),
            Some(AttributeValue::Ints(v)) => Ok(Some(v.clone())),
            Some(_) => Err(self.error(&format!("attribute `{name}` is not a list of integers"))),
        }
    }

    /// The list of non-negative integers `name` as sizes, if present.
    fn sizes_attr(&self, name: &str) -> Result<Option<Vec<usize>>> {
        self.ints_attr(name)?
            .map(|v| {
                v.into_iter()
                    .map(|x| {
                        usize::try_from(x).map_err(|_| {
                            self.error(&format!("attribute `{name}` has a negative value {x}"))
                        })
                    })
                    .collect()
            })
            .transpose()
    }

    /// The string attribute `name`, if present.
    fn string_attr(&self, name: &str) -> Result<Option<String>> {
        match self.attribute(name) {
            None => Ok(None),
            Some(AttributeValue::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.error(&format!("attribute `{name}` is not a string"))),
        }
    }

    /// The node's name, or its first output's when it has none.
    fn label(&self) -> String {
        if self.name.is_empty() {
            self.outputs.first().cloned().unwrap_or_default()
        } else {
            self.name.clone()
        }
    }

    fn error(&self, reason: &str) -> Error {
        invalid(format!(
            "node `{}` ({}): {reason}",
            self.label(),
            self.op_type
        ))
    }
}

/// A named attribute of a node (`AttributeProto`).
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// The attribute's name.
    pub name: String,
    /// Its value.
    pub value: AttributeValue,
}

/// The value of an attribute.
#[derive(Clone, Debug, PartialEq)]
pub enum AttributeValue {
    /// `FLOAT`.
    Float(f32),
    /// `INT`.
    Int(i64),
    /// `STRING` (read as UTF-8; other bytes are replaced).
    String(String),
    /// `TENSOR`.
    Tensor(Tensor),
    /// `FLOATS`.
    Floats(Vec<f32>),
    /// `INTS`.
    Ints(Vec<i64>),
    /// `STRINGS`.
    Strings(Vec<String>),
    /// A type this reader does not decode (graphs, sparse tensors...):
    /// the `AttributeType` number.
    Unsupported(i64),
}

/// A tensor (`TensorProto`): a name, dimensions and row-major values.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    /// The tensor's name.
    pub name: String,
    /// The dimensions (none for a scalar).
    pub dims: Vec<usize>,
    /// The values, row-major.
    pub data: TensorData,
}

/// The values of a tensor.
#[derive(Clone, Debug, PartialEq)]
pub enum TensorData {
    /// `FLOAT` (data type 1).
    F32(Vec<f32>),
    /// `DOUBLE` (data type 11).
    F64(Vec<f64>),
    /// `INT32` (data type 6).
    I32(Vec<i32>),
    /// `INT64` (data type 7).
    I64(Vec<i64>),
    /// Another data type, whose values are not read: its
    /// `TensorProto.DataType` number.
    Unsupported(i32),
}

impl Tensor {
    /// The number of values: the product of the dimensions.
    pub fn len(&self) -> usize {
        self.dims.iter().product()
    }

    /// Whether the tensor has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values as `f64` (floating-point tensors only).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for an integer or unsupported tensor.
    pub fn to_f64(&self) -> Result<Vec<f64>> {
        match &self.data {
            TensorData::F32(v) => Ok(v.iter().map(|&x| f64::from(x)).collect()),
            TensorData::F64(v) => Ok(v.clone()),
            _ => Err(invalid(format!(
                "tensor `{}` does not hold floating-point values",
                self.name
            ))),
        }
    }

    /// The values as `i64` (integer tensors only).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a floating-point or unsupported tensor.
    pub fn to_i64(&self) -> Result<Vec<i64>> {
        match &self.data {
            TensorData::I64(v) => Ok(v.clone()),
            TensorData::I32(v) => Ok(v.iter().map(|&x| i64::from(x)).collect()),
            _ => Err(invalid(format!(
                "tensor `{}` does not hold integer values",
                self.name
            ))),
        }
    }
}

/// A named value of the graph with its type, as the graph's inputs and
/// outputs are described (`ValueInfoProto`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValueInfo {
    /// The value's name.
    pub name: String,
    /// The dimensions of the tensor, when given: `None` for a symbolic
    /// dimension (usually the batch).
    pub shape: Option<Vec<Option<usize>>>,
}

impl Model {
    /// Reads an ONNX file.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming the file when it cannot be read or is not
    /// a valid ONNX model.
    pub fn load(path: impl AsRef<Path>) -> Result<Model> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::Invalid {
            object: format!("ONNX file `{}`", path.display()),
            reason: format!("cannot be read: {e}"),
        })?;
        Model::from_bytes(&bytes).map_err(|e| match e {
            Error::Invalid { reason, .. } => Error::Invalid {
                object: format!("ONNX file `{}`", path.display()),
                reason,
            },
            e => e,
        })
    }

    /// Decodes a serialized `ModelProto`.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the bytes are not a valid encoding or hold
    /// no graph.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model> {
        let mut r = Fields::new(bytes, "ModelProto");
        let mut model = Model {
            ir_version: 0,
            producer_name: String::new(),
            opset_version: None,
            graph: Graph::default(),
        };
        let mut graph = None;
        while let Some((n, v)) = r.next_field()? {
            match n {
                1 => model.ir_version = varint(v, "ModelProto")?,
                2 => model.producer_name = string(v, "ModelProto")?,
                7 => graph = Some(decode_graph(bytes_of(v, "ModelProto")?)?),
                8 => {
                    let (domain, version) = decode_opset(bytes_of(v, "ModelProto")?)?;
                    if domain.is_empty() || domain == "ai.onnx" {
                        model.opset_version = Some(version);
                    }
                }
                _ => {}
            }
        }
        model.graph = graph.ok_or_else(|| {
            invalid("no graph (field 7 of ModelProto): the file is not an ONNX model")
        })?;
        Ok(model)
    }

    /// The graph's data input: its first input that is not an initializer.
    pub fn input(&self) -> Option<&ValueInfo> {
        let g = &self.graph;
        g.inputs
            .iter()
            .find(|i| !g.initializers.iter().any(|t| t.name == i.name))
    }

    /// The initializer named `name`.
    pub fn initializer(&self, name: &str) -> Option<&Tensor> {
        self.graph.initializers.iter().find(|t| t.name == name)
    }

    /// The layers of the graph, read as a feed-forward network: a chain of
    /// nodes, each taking the output of the previous one (or the graph's
    /// input) and constant tensors (initializers or `Constant` nodes).
    ///
    /// * `Gemm` (`transA = 0`; `alpha`, `beta`, `transB` applied) and
    ///   `MatMul` (input times a 2-D weight tensor) give a
    ///   [`Layer::Dense`]; an `Add` of a constant right after it (or after
    ///   a `Conv`) becomes its bias.
    /// * `Conv` gives a [`Layer::Conv`], `MaxPool` / `AveragePool` a
    ///   [`Layer::Pool`], `Flatten` a [`Layer::Flatten`], `Reshape` (with
    ///   a constant shape) a [`Layer::Reshape`].
    /// * `Relu` and `Softmax` become the activation of the dense or
    ///   convolutional layer they follow (as Keras' `Dense(activation=..)`),
    ///   or a [`Layer::Activation`] of their own after any other layer.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming the node for any other operator, a node
    /// that does not continue the chain, a missing or malformed weight
    /// tensor, or a graph output that is not the end of the chain.
    pub fn layers(&self) -> Result<FeedForward> {
        let g = &self.graph;
        let input = self
            .input()
            .cloned()
            .ok_or_else(|| invalid("the graph has no input that is not an initializer"))?;
        let mut constants: HashMap<&str, &Tensor> = g
            .initializers
            .iter()
            .map(|t| (t.name.as_str(), t))
            .collect();
        let mut layers: Vec<Layer> = Vec::new();
        let mut current = input.name.clone();
        for node in &g.nodes {
            if !node.domain.is_empty() && node.domain != "ai.onnx" {
                return Err(node.error(&format!(
                    "operators of the domain `{}` are not supported",
                    node.domain
                )));
            }
            if node.op_type == "Constant" {
                let Some(AttributeValue::Tensor(t)) = node.attribute("value") else {
                    return Err(node.error("a Constant without a tensor `value`"));
                };
                let Some(out) = node.outputs.first() else {
                    return Err(node.error("a Constant without output"));
                };
                constants.insert(out.as_str(), t);
                continue;
            }
            let data: Vec<&String> = node
                .inputs
                .iter()
                .filter(|i| !i.is_empty() && !constants.contains_key(i.as_str()))
                .collect();
            if data.len() != 1 || *data[0] != current {
                return Err(node.error(&format!(
                    "it does not take the output `{current}` of the previous layer as its only \
                     variable input (inputs {:?}): only a chain of layers is supported",
                    node.inputs
                )));
            }
            let constant = |k: usize, what: &str| -> Result<&Tensor> {
                node.inputs
                    .get(k)
                    .filter(|n| !n.is_empty())
                    .and_then(|n| constants.get(n.as_str()).copied())
                    .ok_or_else(|| node.error(&format!("its {what} is not a constant tensor")))
            };
            let name = node.label();
            match node.op_type.as_str() {
                "MatMul" => {
                    if node.inputs.first() != Some(&current) {
                        return Err(node.error("the weights must be its second input (x @ W)"));
                    }
                    let w = constant(1, "weight input")?;
                    let [k, n] = w.dims[..] else {
                        return Err(node.error(&format!(
                            "the weights must be a matrix, not of shape {:?}",
                            w.dims
                        )));
                    };
                    let values = w.to_f64()?;
                    let weights = (0..n)
                        .map(|j| (0..k).map(|i| values[i * n + j]).collect())
                        .collect();
                    layers.push(Layer::Dense(Dense {
                        name,
                        inputs: k,
                        outputs: n,
                        weights,
                        bias: None,
                        activation: None,
                    }));
                }
                "Gemm" => {
                    if node.inputs.first() != Some(&current) {
                        return Err(node.error("the data must be its first input"));
                    }
                    if node.int_attr("transA", 0)? != 0 {
                        return Err(node.error("transA = 1 is not supported"));
                    }
                    let alpha = node.float_attr("alpha", 1.0)?;
                    let beta = node.float_attr("beta", 1.0)?;
                    let trans_b = node.int_attr("transB", 0)? != 0;
                    let w = constant(1, "weight input B")?;
                    let [d0, d1] = w.dims[..] else {
                        return Err(node.error(&format!(
                            "the weights must be a matrix, not of shape {:?}",
                            w.dims
                        )));
                    };
                    let values = w.to_f64()?;
                    let (k, n) = if trans_b { (d1, d0) } else { (d0, d1) };
                    let weights = (0..n)
                        .map(|j| {
                            (0..k)
                                .map(|i| {
                                    let v = if trans_b {
                                        values[j * k + i]
                                    } else {
                                        values[i * n + j]
                                    };
                                    alpha * v
                                })
                                .collect()
                        })
                        .collect();
                    let bias = if node.inputs.get(2).is_some_and(|c| !c.is_empty()) {
                        let c = constant(2, "bias input C")?;
                        Some(
                            broadcast_bias(&c.to_f64()?, n)
                                .ok_or_else(|| {
                                    node.error(&format!(
                                        "a bias of shape {:?} for {n} outputs",
                                        c.dims
                                    ))
                                })?
                                .into_iter()
                                .map(|b| beta * b)
                                .collect(),
                        )
                    } else {
                        None
                    };
                    layers.push(Layer::Dense(Dense {
                        name,
                        inputs: k,
                        outputs: n,
                        weights,
                        bias,
                        activation: None,
                    }));
                }
                "Add" => {
                    let k = if node.inputs.first() == Some(&current) {
                        1
                    } else {
                        0
                    };
                    let b = constant(k, "other input")?.to_f64()?;
                    let target = match layers.last_mut() {
                        Some(Layer::Dense(d)) if d.bias.is_none() && d.activation.is_none() => {
                            (&mut d.bias, d.outputs)
                        }
                        Some(Layer::Conv(c)) if c.bias.is_none() && c.activation.is_none() => {
                            (&mut c.bias, c.out_channels)
                        }
                        _ => {
                            return Err(node.error(
                                "an addition is only supported as the bias of the dense or \
                                 convolutional layer just before it",
                            ));
                        }
                    };
                    let (slot, n) = target;
                    *slot = Some(broadcast_bias(&b, n).ok_or_else(|| {
                        node.error(&format!("a bias of {} values for {n} outputs", b.len()))
                    })?);
                }
                "Relu" | "Softmax" => {
                    let activation = if node.op_type == "Relu" {
                        Activation::Relu
                    } else {
                        Activation::Softmax
                    };
                    match layers.last_mut() {
                        Some(Layer::Dense(Dense { activation: a, .. }))
                        | Some(Layer::Conv(Conv { activation: a, .. }))
                            if a.is_none() =>
                        {
                            *a = Some(activation);
                        }
                        _ => layers.push(Layer::Activation { name, activation }),
                    }
                }
                "Conv" => {
                    let w = constant(1, "weight input")?;
                    let [m, c, kh, kw] = w.dims[..] else {
                        return Err(node.error(&format!(
                            "only 2-D convolutions (4-D weights) are supported, not weights of \
                             shape {:?}",
                            w.dims
                        )));
                    };
                    if let Some(ks) = node.sizes_attr("kernel_shape")?
                        && ks != [kh, kw]
                    {
                        return Err(node.error(&format!(
                            "kernel_shape {ks:?} does not match the weights of shape {:?}",
                            w.dims
                        )));
                    }
                    let bias = if node.inputs.get(2).is_some_and(|b| !b.is_empty()) {
                        let b = constant(2, "bias input")?.to_f64()?;
                        if b.len() != m {
                            return Err(node
                                .error(&format!("a bias of {} values for {m} filters", b.len())));
                        }
                        Some(b)
                    } else {
                        None
                    };
                    layers.push(Layer::Conv(Conv {
                        name,
                        out_channels: m,
                        in_channels: c,
                        kernel_shape: [kh, kw],
                        weights: w.to_f64()?,
                        bias,
                        strides: node.sizes_attr("strides")?.unwrap_or(vec![1, 1]),
                        pads: node.sizes_attr("pads")?.unwrap_or(vec![0, 0, 0, 0]),
                        dilations: node.sizes_attr("dilations")?.unwrap_or(vec![1, 1]),
                        group: node.int_attr("group", 1)?,
                        auto_pad: node
                            .string_attr("auto_pad")?
                            .unwrap_or_else(|| "NOTSET".into()),
                        activation: None,
                    }));
                }
                "MaxPool" | "AveragePool" => {
                    let kernel_shape = node
                        .sizes_attr("kernel_shape")?
                        .ok_or_else(|| node.error("no kernel_shape"))?;
                    let n = kernel_shape.len();
                    layers.push(Layer::Pool(Pool {
                        name,
                        operation: if node.op_type == "MaxPool" {
                            PoolOperation::Max
                        } else {
                            PoolOperation::Average
                        },
                        strides: node.sizes_attr("strides")?.unwrap_or_else(|| vec![1; n]),
                        pads: node.sizes_attr("pads")?.unwrap_or_else(|| vec![0; 2 * n]),
                        kernel_shape,
                    }));
                }
                "Flatten" => layers.push(Layer::Flatten {
                    name,
                    axis: node.int_attr("axis", 1)?,
                }),
                "Reshape" => {
                    let shape = constant(1, "shape input")?.to_i64()?;
                    layers.push(Layer::Reshape { name, shape });
                }
                op => {
                    return Err(node.error(&format!(
                        "the operator `{op}` is not supported (supported: Gemm, MatMul, Add as a \
                         bias, Relu, Softmax, Conv, MaxPool, AveragePool, Flatten, Reshape)"
                    )));
                }
            }
            current = node
                .outputs
                .first()
                .filter(|o| !o.is_empty())
                .cloned()
                .ok_or_else(|| node.error("no output"))?;
        }
        if let Some(out) = g.outputs.first()
            && out.name != current
        {
            return Err(invalid(format!(
                "the graph's output `{}` is not the end `{current}` of the chain of layers",
                out.name
            )));
        }
        Ok(FeedForward { input, layers })
    }
}

/// A bias of `n` values from `b`: `n` values, or one repeated.
fn broadcast_bias(b: &[f64], n: usize) -> Option<Vec<f64>> {
    match b.len() {
        len if len == n => Some(b.to_vec()),
        1 => Some(vec![b[0]; n]),
        _ => None,
    }
}

fn bytes_of<'a>(v: Wire<'a>, message: &'static str) -> Result<&'a [u8]> {
    bytes(v, message)
}

fn decode_opset(buf: &[u8]) -> Result<(String, i64)> {
    let mut r = Fields::new(buf, "OperatorSetIdProto");
    let (mut domain, mut version) = (String::new(), 0);
    while let Some((n, v)) = r.next_field()? {
        match n {
            1 => domain = string(v, "OperatorSetIdProto")?,
            2 => version = varint(v, "OperatorSetIdProto")?,
            _ => {}
        }
    }
    Ok((domain, version))
}

fn decode_graph(buf: &[u8]) -> Result<Graph> {
    const M: &str = "GraphProto";
    let mut r = Fields::new(buf, M);
    let mut g = Graph::default();
    while let Some((n, v)) = r.next_field()? {
        match n {
            1 => g.nodes.push(decode_node(bytes(v, M)?)?),
            2 => g.name = string(v, M)?,
            5 => g.initializers.push(decode_tensor(bytes(v, M)?)?),
            11 => g.inputs.push(decode_value_info(bytes(v, M)?)?),
            12 => g.outputs.push(decode_value_info(bytes(v, M)?)?),
            _ => {}
        }
    }
    Ok(g)
}

fn decode_node(buf: &[u8]) -> Result<Node> {
    const M: &str = "NodeProto";
    let mut r = Fields::new(buf, M);
    let mut node = Node::default();
    while let Some((n, v)) = r.next_field()? {
        match n {
            1 => node.inputs.push(string(v, M)?),
            2 => node.outputs.push(string(v, M)?),
            3 => node.name = string(v, M)?,
            4 => node.op_type = string(v, M)?,
            5 => node.attributes.push(decode_attribute(bytes(v, M)?)?),
            7 => node.domain = string(v, M)?,
            _ => {}
        }
    }
    Ok(node)
}

fn decode_attribute(buf: &[u8]) -> Result<Attribute> {
    const M: &str = "AttributeProto";
    let mut r = Fields::new(buf, M);
    let mut name = String::new();
    let mut ty = None;
    let (mut f, mut i, mut s, mut t) = (None, None, None, None);
    let (mut floats, mut ints, mut strings) = (Vec::new(), Vec::new(), Vec::new());
    while let Some((n, v)) = r.next_field()? {
        match n {
            1 => name = string(v, M)?,
            2 => match v {
                Wire::Fixed32(x) => f = Some(f32::from_bits(x)),
                _ => return Err(wrong_wire(M)),
            },
            3 => i = Some(varint(v, M)?),
            4 => s = Some(String::from_utf8_lossy(bytes(v, M)?).into_owned()),
            5 => t = Some(decode_tensor(bytes(v, M)?)?),
            7 => push_f32(&mut floats, v, M)?,
            8 => push_varints(&mut ints, v, M)?,
            9 => strings.push(String::from_utf8_lossy(bytes(v, M)?).into_owned()),
            20 => ty = Some(varint(v, M)?),
            _ => {}
        }
    }
    // The type field decides; files of IR version 1 lack it, and the
    // field present is used then.
    let ty = ty.unwrap_or(if f.is_some() {
        1
    } else if i.is_some() {
        2
    } else if s.is_some() {
        3
    } else if t.is_some() {
        4
    } else if !floats.is_empty() {
        6
    } else if !ints.is_empty() {
        7
    } else if !strings.is_empty() {
        8
    } else {
        0
    });
    let missing = || invalid(format!("attribute `{name}` of type {ty} has no value"));
    let value = match ty {
        1 => AttributeValue::Float(f.ok_or_else(missing)?),
        2 => AttributeValue::Int(i.ok_or_else(missing)?),
        3 => AttributeValue::String(s.ok_or_else(missing)?),
        4 => AttributeValue::Tensor(t.ok_or_else(missing)?),
        6 => AttributeValue::Floats(floats),
        7 => AttributeValue::Ints(ints),
        8 => AttributeValue::Strings(strings),
        other => AttributeValue::Unsupported(other),
    };
    Ok(Attribute { name, value })
}

fn decode_tensor(buf: &[u8]) -> Result<Tensor> {
    const M: &str = "TensorProto";
    let mut r = Fields::new(buf, M);
    let mut name = String::new();
    let mut dims = Vec::new();
    let mut data_type = 0i64;
    let mut raw: Option<&[u8]> = None;
    let mut external = false;
    let (mut f32s, mut f64s, mut i32s, mut i64s) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    while let Some((n, v)) = r.next_field()? {
        match n {
            1 => push_varints(&mut dims, v, M)?,
            2 => data_type = varint(v, M)?,
            4 => push_f32(&mut f32s, v, M)?,
            5 => push_varints(&mut i32s, v, M)?,
            7 => push_varints(&mut i64s, v, M)?,
            8 => name = string(v, M)?,
            9 => raw = Some(bytes(v, M)?),
            10 => push_f64(&mut f64s, v, M)?,
            14 => external = varint(v, M)? == 1,
            _ => {}
        }
    }
    if external {
        return Err(invalid(format!(
            "tensor `{name}` is stored in an external file, which is not supported"
        )));
    }
    let dims: Vec<usize> = dims
        .into_iter()
        .map(|d| {
            usize::try_from(d)
                .map_err(|_| invalid(format!("tensor `{name}` has a negative dimension {d}")))
        })
        .collect::<Result<_>>()?;
    let len = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| invalid(format!("tensor `{name}` has too many values {dims:?}")))?;
    let data = match data_type {
        1 => TensorData::F32(match raw {
            Some(b) => packed_fixed::<4>(b, M)?
                .into_iter()
                .map(f32::from_le_bytes)
                .collect(),
            None => f32s,
        }),
        11 => TensorData::F64(match raw {
            Some(b) => packed_fixed::<8>(b, M)?
                .into_iter()
                .map(f64::from_le_bytes)
                .collect(),
            None => f64s,
        }),
        6 => TensorData::I32(match raw {
            Some(b) => packed_fixed::<4>(b, M)?
                .into_iter()
                .map(i32::from_le_bytes)
                .collect(),
            // int32_data holds int32 values as (sign-extended) varints.
            None => i32s.into_iter().map(|x| x as i32).collect(),
        }),
        7 => TensorData::I64(match raw {
            Some(b) => packed_fixed::<8>(b, M)?
                .into_iter()
                .map(i64::from_le_bytes)
                .collect(),
            None => i64s,
        }),
        other => TensorData::Unsupported(i32::try_from(other).unwrap_or(-1)),
    };
    let got = match &data {
        TensorData::F32(v) => Some(v.len()),
        TensorData::F64(v) => Some(v.len()),
        TensorData::I32(v) => Some(v.len()),
        TensorData::I64(v) => Some(v.len()),
        TensorData::Unsupported(_) => None,
    };
    if let Some(got) = got
        && got != len
    {
        return Err(invalid(format!(
            "tensor `{name}` of shape {dims:?} holds {got} values instead of {len}"
        )));
    }
    Ok(Tensor { name, dims, data })
}

fn decode_value_info(buf: &[u8]) -> Result<ValueInfo> {
    const M: &str = "ValueInfoProto";
    let mut r = Fields::new(buf, M);
    let mut info = ValueInfo::default();
    while let Some((n, v)) = r.next_field()? {
        match n {
            1 => info.name = string(v, M)?,
            2 => info.shape = decode_type_shape(bytes(v, M)?)?,
            _ => {}
        }
    }
    Ok(info)
}

/// The shape of a `TypeProto` holding a tensor type, if it gives one.
fn decode_type_shape(buf: &[u8]) -> Result<Option<Vec<Option<usize>>>> {
    let mut shape = None;
    let mut r = Fields::new(buf, "TypeProto");
    while let Some((n, v)) = r.next_field()? {
        if n != 1 {
            continue;
        }
        let mut t = Fields::new(bytes(v, "TypeProto")?, "TypeProto.Tensor");
        while let Some((n, v)) = t.next_field()? {
            if n != 2 {
                continue;
            }
            let mut dims = Vec::new();
            let mut s = Fields::new(bytes(v, "TypeProto.Tensor")?, "TensorShapeProto");
            while let Some((n, v)) = s.next_field()? {
                if n != 1 {
                    continue;
                }
                let mut d = Fields::new(bytes(v, "TensorShapeProto")?, "Dimension");
                let mut value = None;
                while let Some((n, v)) = d.next_field()? {
                    if n == 1 {
                        value = usize::try_from(varint(v, "Dimension")?).ok();
                    }
                }
                dims.push(value);
            }
            shape = Some(dims);
        }
    }
    Ok(shape)
}

// ---------------------------------------------------------------------------
// Layers
// ---------------------------------------------------------------------------

/// A feed-forward network read from a graph: its input and its layers in
/// order.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedForward {
    /// The graph's data input (its shape usually starts with the batch
    /// dimension).
    pub input: ValueInfo,
    /// The layers, from the input to the output.
    pub layers: Vec<Layer>,
}

/// One layer of a feed-forward network.
#[derive(Clone, Debug, PartialEq)]
pub enum Layer {
    /// A fully connected layer (`Gemm`, or `MatMul` with an optional
    /// `Add`).
    Dense(Dense),
    /// A 2-D convolution (`Conv`).
    Conv(Conv),
    /// A pooling (`MaxPool`, `AveragePool`).
    Pool(Pool),
    /// `Flatten`, from dimension `axis` on.
    Flatten {
        /// The node's name.
        name: String,
        /// The first dimension flattened.
        axis: i64,
    },
    /// `Reshape` to a constant shape (ONNX conventions: `0` keeps a
    /// dimension, `-1` is inferred).
    Reshape {
        /// The node's name.
        name: String,
        /// The target shape.
        shape: Vec<i64>,
    },
    /// An activation that follows no dense or convolutional layer.
    Activation {
        /// The node's name.
        name: String,
        /// The function.
        activation: Activation,
    },
}

impl Layer {
    /// The layer's name: the name of its (first) node, or of the node's
    /// output when the node has none.
    pub fn name(&self) -> &str {
        match self {
            Layer::Dense(d) => &d.name,
            Layer::Conv(c) => &c.name,
            Layer::Pool(p) => &p.name,
            Layer::Flatten { name, .. }
            | Layer::Reshape { name, .. }
            | Layer::Activation { name, .. } => name,
        }
    }
}

/// An activation function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// `Relu`: `max(x, 0)`.
    Relu,
    /// `Softmax` (over the last dimension).
    Softmax,
}

/// A fully connected layer: `y = W x + b`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    /// The node's name.
    pub name: String,
    /// The number of inputs.
    pub inputs: usize,
    /// The number of outputs.
    pub outputs: usize,
    /// The weights, one row per output (`outputs x inputs`, the layout of
    /// a projection's weight matrix, post x pre).
    pub weights: Vec<Vec<f64>>,
    /// The bias, one value per output, if the layer has one.
    pub bias: Option<Vec<f64>>,
    /// The activation applied to the output, if any.
    pub activation: Option<Activation>,
}

/// A 2-D convolution (ONNX layout: channels first).
#[derive(Clone, Debug, PartialEq)]
pub struct Conv {
    /// The node's name.
    pub name: String,
    /// The number of filters (output channels).
    pub out_channels: usize,
    /// The number of input channels of a filter (per group).
    pub in_channels: usize,
    /// The kernel's height and width.
    pub kernel_shape: [usize; 2],
    /// The weights, row-major of shape `(out_channels, in_channels,
    /// height, width)`.
    pub weights: Vec<f64>,
    /// The bias, one value per filter, if the layer has one.
    pub bias: Option<Vec<f64>>,
    /// The strides (default 1).
    pub strides: Vec<usize>,
    /// The padding: begins then ends of each spatial dimension (default 0).
    pub pads: Vec<usize>,
    /// The dilations (default 1).
    pub dilations: Vec<usize>,
    /// The number of groups (default 1).
    pub group: i64,
    /// `auto_pad` (default `NOTSET`).
    pub auto_pad: String,
    /// The activation applied to the output, if any.
    pub activation: Option<Activation>,
}

/// The operation of a pooling layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolOperation {
    /// `MaxPool`.
    Max,
    /// `AveragePool`.
    Average,
}

/// A pooling layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Pool {
    /// The node's name.
    pub name: String,
    /// Maximum or average.
    pub operation: PoolOperation,
    /// The extent of a pooled block.
    pub kernel_shape: Vec<usize>,
    /// The strides (default 1).
    pub strides: Vec<usize>,
    /// The padding (default 0).
    pub pads: Vec<usize>,
}

#[cfg(test)]
mod tests {
    //! The reader against models encoded by a minimal protobuf writer: every
    //! supported operator, both encodings of tensors and repeated fields,
    //! and malformed input (truncated, garbage, unsupported operators).

    use super::*;

    /// A protobuf message being written.
    #[derive(Default, Clone)]
    struct Msg(Vec<u8>);

    fn put_varint(out: &mut Vec<u8>, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    impl Msg {
        fn varint(mut self, field: u64, v: u64) -> Msg {
            put_varint(&mut self.0, field << 3);
            put_varint(&mut self.0, v);
            self
        }
        fn bytes(mut self, field: u64, b: &[u8]) -> Msg {
            put_varint(&mut self.0, (field << 3) | 2);
            put_varint(&mut self.0, b.len() as u64);
            self.0.extend_from_slice(b);
            self
        }
        fn str(self, field: u64, s: &str) -> Msg {
            self.bytes(field, s.as_bytes())
        }
        fn msg(self, field: u64, m: &Msg) -> Msg {
            self.bytes(field, &m.0)
        }
        fn fixed32(mut self, field: u64, v: f32) -> Msg {
            put_varint(&mut self.0, (field << 3) | 5);
            self.0.extend_from_slice(&v.to_le_bytes());
            self
        }
    }

    /// A float tensor in `raw_data`.
    fn raw_tensor(name: &str, dims: &[u64], values: &[f32]) -> Msg {
        let mut m = Msg::default();
        for &d in dims {
            m = m.varint(1, d);
        }
        let raw: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        m.varint(2, 1).str(8, name).bytes(9, &raw)
    }

    /// A float tensor in packed `float_data`, dims packed.
    fn float_data_tensor(name: &str, dims: &[u64], values: &[f32]) -> Msg {
        let mut packed = Vec::new();
        for &d in dims {
            put_varint(&mut packed, d);
        }
        let data: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        Msg::default()
            .bytes(1, &packed)
            .varint(2, 1)
            .bytes(4, &data)
            .str(8, name)
    }

    fn int64_tensor(name: &str, values: &[i64]) -> Msg {
        let mut m = Msg::default().varint(1, values.len() as u64).varint(2, 7);
        for &v in values {
            m = m.varint(7, v as u64);
        }
        m.str(8, name)
    }

    fn node(op: &str, inputs: &[&str], output: &str, attrs: &[Msg]) -> Msg {
        let mut m = Msg::default();
        for i in inputs {
            m = m.str(1, i);
        }
        m = m
            .str(2, output)
            .str(3, &format!("{op}_{output}"))
            .str(4, op);
        for a in attrs {
            m = m.msg(5, a);
        }
        m
    }

    fn ints_attr(name: &str, values: &[i64]) -> Msg {
        let mut m = Msg::default().str(1, name).varint(20, 7);
        for &v in values {
            m = m.varint(8, v as u64);
        }
        m
    }

    fn value_info(name: &str, dims: &[Option<u64>]) -> Msg {
        let mut shape = Msg::default();
        for d in dims {
            let dim = match d {
                Some(v) => Msg::default().varint(1, *v),
                None => Msg::default().str(2, "N"),
            };
            shape = shape.msg(1, &dim);
        }
        let tensor = Msg::default().varint(1, 1).msg(2, &shape);
        let ty = Msg::default().msg(1, &tensor);
        Msg::default().str(1, name).msg(2, &ty)
    }

    fn model(graph: &Msg) -> Vec<u8> {
        let opset = Msg::default().str(1, "").varint(2, 13);
        Msg::default()
            .varint(1, 8)
            .str(2, "test")
            .msg(7, graph)
            .msg(8, &opset)
            .0
    }

    /// x(3) -> MatMul W1 (3x2) -> Relu -> Gemm(transB) W2 (2x2) + C -> Softmax.
    fn mlp() -> Vec<u8> {
        let w1 = raw_tensor("W1", &[3, 2], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let w2 = float_data_tensor("W2", &[2, 2], &[0.5, -1.0, 1.5, 2.0]);
        let c = raw_tensor("C", &[2], &[0.25, -0.25]);
        let alpha = Msg::default().str(1, "alpha").fixed32(2, 2.0).varint(20, 1);
        let trans_b = Msg::default().str(1, "transB").varint(3, 1).varint(20, 2);
        let graph = Msg::default()
            .msg(1, &node("MatMul", &["x", "W1"], "h", &[]))
            .msg(1, &node("Relu", &["h"], "hr", &[]))
            .msg(1, &node("Gemm", &["hr", "W2", "C"], "y", &[alpha, trans_b]))
            .msg(1, &node("Softmax", &["y"], "out", &[]))
            .str(2, "mlp")
            .msg(5, &w1)
            .msg(5, &w2)
            .msg(5, &c)
            .msg(11, &value_info("x", &[None, Some(3)]))
            .msg(11, &value_info("W1", &[Some(3), Some(2)]))
            .msg(12, &value_info("out", &[None, Some(2)]));
        model(&graph)
    }

    #[test]
    fn decodes_model_graph_and_tensors() {
        let m = Model::from_bytes(&mlp()).unwrap();
        assert_eq!(m.ir_version, 8);
        assert_eq!(m.producer_name, "test");
        assert_eq!(m.opset_version, Some(13));
        assert_eq!(m.graph.name, "mlp");
        assert_eq!(m.graph.nodes.len(), 4);
        assert_eq!(m.graph.nodes[2].op_type, "Gemm");
        assert_eq!(m.graph.nodes[2].inputs, ["hr", "W2", "C"]);
        assert_eq!(
            m.graph.nodes[2].attribute("alpha"),
            Some(&AttributeValue::Float(2.0))
        );
        let w1 = m.initializer("W1").unwrap();
        assert_eq!(w1.dims, [3, 2]);
        assert_eq!(w1.data, TensorData::F32(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]));
        let w2 = m.initializer("W2").unwrap();
        assert_eq!(w2.to_f64().unwrap(), [0.5, -1.0, 1.5, 2.0]);
        assert_eq!(m.input().unwrap().name, "x");
        assert_eq!(m.input().unwrap().shape, Some(vec![None, Some(3)]));
    }

    #[test]
    fn lists_dense_layers_with_activations() {
        let net = Model::from_bytes(&mlp()).unwrap().layers().unwrap();
        assert_eq!(net.layers.len(), 2);
        let Layer::Dense(d1) = &net.layers[0] else {
            panic!("not dense: {:?}", net.layers[0])
        };
        assert_eq!((d1.inputs, d1.outputs), (3, 2));
        // MatMul weights (in x out) transposed to post x pre.
        assert_eq!(d1.weights, [vec![1.0, 3.0, 5.0], vec![2.0, 4.0, 6.0]]);
        assert_eq!(d1.bias, None);
        assert_eq!(d1.activation, Some(Activation::Relu));
        let Layer::Dense(d2) = &net.layers[1] else {
            panic!("not dense")
        };
        // transB: B is already out x in; alpha = 2.
        assert_eq!(d2.weights, [vec![1.0, -2.0], vec![3.0, 4.0]]);
        assert_eq!(d2.bias, Some(vec![0.25, -0.25]));
        assert_eq!(d2.activation, Some(Activation::Softmax));
        assert_eq!(net.layers[1].name(), "Gemm_y");
    }

    #[test]
    fn lists_conv_pool_flatten_reshape_and_add_bias() {
        let w = raw_tensor("W", &[2, 1, 3, 3], &[0.5; 18]);
        let b = raw_tensor("B", &[1, 2, 1, 1], &[1.0, 2.0]);
        let shape = int64_tensor("S", &[1, -1]);
        let wd = raw_tensor("Wd", &[8, 4], &[0.0; 32]);
        let constant = Msg::default()
            .str(1, "value")
            .msg(5, &raw_tensor("", &[1], &[3.0]))
            .varint(20, 4);
        let graph = Msg::default()
            .msg(
                1,
                &node(
                    "Conv",
                    &["x", "W"],
                    "c",
                    &[
                        ints_attr("kernel_shape", &[3, 3]),
                        ints_attr("pads", &[1, 1, 1, 1]),
                    ],
                ),
            )
            .msg(1, &node("Add", &["c", "B"], "cb", &[]))
            .msg(1, &node("Relu", &["cb"], "cr", &[]))
            .msg(
                1,
                &node(
                    "MaxPool",
                    &["cr"],
                    "p",
                    &[
                        ints_attr("kernel_shape", &[2, 2]),
                        ints_attr("strides", &[2, 2]),
                    ],
                ),
            )
            .msg(1, &node("Reshape", &["p", "S"], "r", &[]))
            .msg(1, &node("Flatten", &["r"], "f", &[]))
            .msg(1, &node("Relu", &["f"], "fr", &[]))
            .msg(1, &node("Constant", &[], "k", &[constant]))
            .msg(1, &node("MatMul", &["fr", "Wd"], "d", &[]))
            .msg(1, &node("Add", &["k", "d"], "out", &[]))
            .msg(5, &w)
            .msg(5, &b)
            .msg(5, &shape)
            .msg(5, &wd)
            .msg(11, &value_info("x", &[None, Some(1), Some(4), Some(4)]));
        let net = Model::from_bytes(&model(&graph)).unwrap().layers().unwrap();
        let kinds: Vec<&str> = net
            .layers
            .iter()
            .map(|l| match l {
                Layer::Dense(_) => "dense",
                Layer::Conv(_) => "conv",
                Layer::Pool(_) => "pool",
                Layer::Flatten { .. } => "flatten",
                Layer::Reshape { .. } => "reshape",
                Layer::Activation { .. } => "activation",
            })
            .collect();
        assert_eq!(
            kinds,
            ["conv", "pool", "reshape", "flatten", "activation", "dense"]
        );
        let Layer::Conv(c) = &net.layers[0] else {
            unreachable!()
        };
        assert_eq!(
            (c.out_channels, c.in_channels, c.kernel_shape),
            (2, 1, [3, 3])
        );
        assert_eq!(c.bias, Some(vec![1.0, 2.0]));
        assert_eq!(c.pads, [1, 1, 1, 1]);
        assert_eq!(c.strides, [1, 1]);
        assert_eq!(c.activation, Some(Activation::Relu));
        let Layer::Pool(p) = &net.layers[1] else {
            unreachable!()
        };
        assert_eq!(p.operation, PoolOperation::Max);
        assert_eq!(
            (p.kernel_shape.clone(), p.strides.clone()),
            (vec![2, 2], vec![2, 2])
        );
        assert_eq!(
            net.layers[2],
            Layer::Reshape {
                name: "Reshape_r".into(),
                shape: vec![1, -1]
            }
        );
        let Layer::Dense(d) = &net.layers[5] else {
            unreachable!()
        };
        // A constant bias of one value is broadcast to the 4 outputs.
        assert_eq!(d.bias, Some(vec![3.0; 4]));
    }

    #[test]
    fn refuses_unsupported_operators_and_branches() {
        let w = raw_tensor("W", &[2, 2], &[1.0; 4]);
        let graph = Msg::default()
            .msg(1, &node("MatMul", &["x", "W"], "h", &[]))
            .msg(1, &node("Sigmoid", &["h"], "y", &[]))
            .msg(5, &w)
            .msg(11, &value_info("x", &[Some(1), Some(2)]));
        let err = Model::from_bytes(&model(&graph))
            .unwrap()
            .layers()
            .unwrap_err()
            .to_string();
        assert!(err.contains("`Sigmoid` is not supported"), "{err}");

        let graph = Msg::default()
            .msg(1, &node("MatMul", &["x", "W"], "h", &[]))
            .msg(1, &node("MatMul", &["x", "W"], "y", &[]))
            .msg(5, &w)
            .msg(11, &value_info("x", &[Some(1), Some(2)]));
        let err = Model::from_bytes(&model(&graph))
            .unwrap()
            .layers()
            .unwrap_err()
            .to_string();
        assert!(err.contains("only a chain of layers"), "{err}");

        let graph = Msg::default()
            .msg(1, &node("Relu", &["x"], "h", &[]))
            .msg(1, &node("Add", &["h", "W"], "y", &[]))
            .msg(5, &w)
            .msg(11, &value_info("x", &[Some(1), Some(2)]));
        let err = Model::from_bytes(&model(&graph))
            .unwrap()
            .layers()
            .unwrap_err()
            .to_string();
        assert!(err.contains("only supported as the bias"), "{err}");
    }

    #[test]
    fn refuses_tensors_whose_values_do_not_fill_their_shape() {
        let t = raw_tensor("W", &[3, 2], &[1.0; 5]);
        let graph = Msg::default().msg(5, &t);
        let err = Model::from_bytes(&model(&graph)).unwrap_err().to_string();
        assert!(err.contains("holds 5 values instead of 6"), "{err}");
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let bytes = mlp();
        for n in 0..bytes.len() {
            // Truncated files may happen to end on a field boundary of the
            // top-level message; what matters is that nothing panics and
            // that a file cut before the graph is refused.
            let r = Model::from_bytes(&bytes[..n]);
            if let Ok(m) = r {
                assert!(n > 0 && m.graph.nodes.len() <= 4);
            }
        }
        let err = Model::from_bytes(&bytes[..bytes.len() / 2])
            .unwrap_err()
            .to_string();
        assert!(err.contains("ONNX model"), "{err}");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        // A small deterministic pseudo-random generator (xorshift).
        let mut s = 0x2545_f491_4f6c_dd1du64;
        let mut refused = 0;
        for len in 0..300 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    s ^= s << 13;
                    s ^= s >> 7;
                    s ^= s << 17;
                    (s >> 24) as u8
                })
                .collect();
            match Model::from_bytes(&bytes) {
                Ok(m) => {
                    let _ = m.layers();
                }
                Err(_) => refused += 1,
            }
        }
        assert!(
            refused > 290,
            "only {refused} of 300 garbage inputs refused"
        );
        for bad in [
            &b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"[..],
            &b"\x3a\x05ab"[..],
            &b"\x0b"[..],
            &b"\x00\x01"[..],
        ] {
            assert!(Model::from_bytes(bad).is_err(), "{bad:?} accepted");
        }
        let err = Model::from_bytes(b"").unwrap_err().to_string();
        assert!(err.contains("no graph"), "{err}");
    }

    #[test]
    fn load_names_the_file() {
        let err = Model::load("/nonexistent/model.onnx")
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/model.onnx"), "{err}");
    }
}
