//! ANN-to-SNN conversion: a multi-layer perceptron trained on 8x8 digits
//! (64-32-10, ReLU, no biases; `examples/data/make_digits.py` trained it
//! and wrote `digits_mlp.onnx`) classifies 150 held-out digits, first as
//! the original network (matrix products, ReLU and argmax computed here
//! from the weights of the ONNX file), then converted to a spiking network
//! of integrate-and-fire neurons with Poisson-like inputs, whose class is
//! the output neuron that spikes most.
//!
//! Then the same for a small convolutional network (a 'same' 3x3
//! convolution of 4 filters, ReLU, 2x2 max-pooling, dense 10, no biases;
//! `examples/data/make_conv_digits.py` trained it and wrote
//! `digits_conv.onnx`), whose convolution and pooling read the decaying
//! `mask` of the spiking neurons before them, as in ANNarchy.
//!
//! Run with `cargo run --release --example ann_to_snn [duration_ms]`
//! (default 500 ms per digit).

use annarchy::ann_to_snn::{AnnToSnnConverter, HiddenNeuron, InputEncoding, ReadOut};
use annarchy::runtime::onnx::{Conv, Dense, Layer, Model};

const MODEL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/digits_mlp.onnx");
const CONV_MODEL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/data/digits_conv.onnx"
);
const DIGITS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/digits_test.csv");

/// The result of `main` and of the loading functions.
type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The digits: labels and pixel values scaled to [0, 1].
fn load_digits() -> Result<(Vec<usize>, Vec<Vec<f64>>)> {
    let text = std::fs::read_to_string(DIGITS)?;
    let mut labels = Vec::new();
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let values: Vec<f64> = line
            .split(',')
            .map(|v| v.trim().parse::<f64>())
            .collect::<std::result::Result<_, _>>()?;
        labels.push(values[0] as usize);
        samples.push(values[1..].iter().map(|p| p / 16.0).collect());
    }
    Ok((labels, samples))
}

/// The class the original network gives: `argmax(W_L ... relu(W_1 x))`,
/// ReLU after every hidden layer (the softmax of the output does not
/// change the argmax).
fn ann_predict(dense: &[&Dense], x: &[f64]) -> usize {
    let mut a = x.to_vec();
    for (l, d) in dense.iter().enumerate() {
        a = d
            .weights
            .iter()
            .map(|row| row.iter().zip(&a).map(|(w, x)| w * x).sum::<f64>())
            .collect();
        if l + 1 < dense.len() {
            a.iter_mut().for_each(|v| *v = v.max(0.0));
        }
    }
    (0..a.len())
        .max_by(|&i, &j| a[i].total_cmp(&a[j]))
        .unwrap_or(0)
}

/// The class the original conv net gives: 'same' 3x3 convolution of the
/// 8x8 image, ReLU, 2x2 max-pooling, flatten in ONNX's (channel, row,
/// column) order, dense, argmax.
fn conv_ann_predict(conv: &Conv, dense: &Dense, x: &[f64]) -> usize {
    let f = conv.out_channels;
    let mut flat = Vec::with_capacity(f * 16);
    let relu_conv = |o: usize, y: usize, x0: usize| {
        let mut s = 0.0;
        for dy in 0..3 {
            for dx in 0..3 {
                let (yy, xx) = ((y + dy).wrapping_sub(1), (x0 + dx).wrapping_sub(1));
                if yy < 8 && xx < 8 {
                    s += conv.weights[o * 9 + dy * 3 + dx] * x[yy * 8 + xx];
                }
            }
        }
        f64::max(s, 0.0)
    };
    for o in 0..f {
        for y in 0..4 {
            for x0 in 0..4 {
                let block = [(0, 0), (0, 1), (1, 0), (1, 1)]
                    .map(|(dy, dx)| relu_conv(o, 2 * y + dy, 2 * x0 + dx));
                flat.push(block.into_iter().fold(0.0, f64::max));
            }
        }
    }
    let out: Vec<f64> = dense
        .weights
        .iter()
        .map(|row| row.iter().zip(&flat).map(|(w, h)| w * h).sum())
        .collect();
    (0..out.len())
        .max_by(|&i, &j| out[i].total_cmp(&out[j]))
        .unwrap_or(0)
}

fn accuracy(predicted: &[usize], labels: &[usize]) -> f64 {
    let hits = predicted.iter().zip(labels).filter(|(p, l)| p == l).count();
    hits as f64 / labels.len() as f64
}

fn main() -> Result<()> {
    let duration: f64 = match std::env::args().nth(1) {
        Some(d) => d.parse()?,
        None => 500.0,
    };
    let (labels, samples) = load_digits()?;

    // The original network.
    let model = Model::load(MODEL)?;
    let layers = model.layers()?;
    let dense: Vec<_> = layers
        .layers
        .iter()
        .filter_map(|l| match l {
            Layer::Dense(d) => Some(d),
            _ => None,
        })
        .collect();
    let ann: Vec<usize> = samples.iter().map(|x| ann_predict(&dense, x)).collect();
    let ann_accuracy = accuracy(&ann, &labels);

    // The spiking network.
    let mut snn = AnnToSnnConverter::new(
        InputEncoding::Cpn,
        HiddenNeuron::IaF,
        ReadOut::SpikeCount,
        100.0,
    )?
    .seed(1);
    snn.load_onnx(MODEL, None)?;
    print!("{}", snn.description());
    println!("normalisation factors: {:?}", snn.factors());
    let start = std::time::Instant::now();
    let predicted = snn.predict(&samples, duration)?;
    let elapsed = start.elapsed();
    let snn_accuracy = accuracy(&predicted, &labels);

    println!("{} digits", labels.len());
    println!("original network accuracy: {:.1} %", 100.0 * ann_accuracy);
    println!(
        "spiking network accuracy:  {:.1} % ({duration} ms per digit, simulated in {:.2} s)",
        100.0 * snn_accuracy,
        elapsed.as_secs_f64()
    );

    // The convolutional network.
    let model = Model::load(CONV_MODEL)?;
    let layers = model.layers()?.layers;
    let (Some(Layer::Conv(conv)), Some(Layer::Dense(dense))) = (layers.first(), layers.last())
    else {
        return Err("digits_conv.onnx: a convolution first and a dense layer last expected".into());
    };
    let ann: Vec<usize> = samples
        .iter()
        .map(|x| conv_ann_predict(conv, dense, x))
        .collect();
    let ann_accuracy = accuracy(&ann, &labels);
    let mut snn = AnnToSnnConverter::new(
        InputEncoding::Cpn,
        HiddenNeuron::IaF,
        ReadOut::SpikeCount,
        100.0,
    )?
    .seed(1);
    snn.load_onnx(CONV_MODEL, None)?;
    println!();
    print!("{}", snn.description());
    println!("normalisation factors: {:?}", snn.factors());
    let start = std::time::Instant::now();
    let predicted = snn.predict(&samples, duration)?;
    let elapsed = start.elapsed();
    let snn_accuracy = accuracy(&predicted, &labels);
    println!(
        "original conv network accuracy: {:.1} %",
        100.0 * ann_accuracy
    );
    println!(
        "spiking conv network accuracy:  {:.1} % ({duration} ms per digit, simulated in {:.2} s)",
        100.0 * snn_accuracy,
        elapsed.as_secs_f64()
    );
    Ok(())
}
