//! ANNarchy 4.8's tests of the shared-weight projections
//! (`tests/RateSynapse/test_Convolution.py` and `test_Pooling.py`): one
//! `#[test]` per ANNarchy test method, named `<class>_<method>`, with the
//! same networks and expected values.
//!
//! Each ANNarchy test class becomes a builder function that mirrors its
//! `setUpClass` and `setUp` (a fresh network per test replaces ANNarchy's
//! `reset()`). `test_Convolution.py` defines `test_post_simple_convolution`
//! twice, so Python only runs the second (delayed) one; both are kept here,
//! the second as `test_convolution_post_simple_convolution_delayed`.

use annarchy::prelude::*;
use annarchy::runtime::convolution::{Convolution, Kernel, Operation, Padding, Pooling};
use approx::assert_relative_eq;

type TestResult = annarchy::Result<()>;

neuron! {
    /// `r = baseline`, ANNarchy's input neuron of both test files.
    struct Baseline {
        parameters: "baseline = 0",
        equations: "r = baseline",
    }
}

neuron! {
    /// One variable per target of `test_Convolution`.
    struct ConvolutionOutput {
        equations: "
            r = sum(exc) : init = 0.0
            rd = sum(exc_delay) : init = 0.0
            mr = sum(mex) : init = 0.0
            pr = sum(pex) : init = 0.0
            br = sum(bex) : init = 0.0
        ",
    }
}

neuron! {
    /// The output neuron of `test_Pooling`.
    struct PoolingOutput {
        equations: "
            r = sum(exc) : init = 0.0
            rd = sum(exc_delay) : init = 0.0
        ",
    }
}

/// Asserts that `values` equals `expected` element by element (numpy's
/// `assert_allclose`, relative tolerance 1e-7).
fn assert_all_close(values: &[f64], expected: &[f64]) {
    assert_eq!(values.len(), expected.len(), "{values:?} vs {expected:?}");
    for (v, e) in values.iter().zip(expected) {
        assert_relative_eq!(*v, *e, max_relative = 1e-7, epsilon = 1e-12);
    }
}

/// `conv_filter` of the test file.
fn conv_filter() -> Kernel {
    Kernel::from_rows(&[[-1.0, 0.0, 1.0], [-1.0, 0.1, 1.0], [-1.0, 0.5, 1.0]])
        .expect("a 3x3 kernel")
}

/// `bo_filters` of the test file: two filters of shape (2, 3, 3) (channel,
/// row, column), moved to (row, column, channel) by `numpy.moveaxis(bo_filters, 1, -1)`.
fn bo_filters() -> Kernel {
    const BO: [[[[f64; 3]; 3]; 2]; 2] = [
        [
            [[1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]],
            [[0.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 1.0, 0.0]],
        ],
        [
            [[1.0, 0.0, 0.0], [0.0, -1.0, -1.0], [0.0, 0.0, 1.0]],
            [[0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 0.0, 0.0]],
        ],
    ];
    Kernel::from_fn(&[2, 3, 3, 2], |i| BO[i[0]][i[3]][i[1]][i[2]]).expect("the bank")
}

/// The (3, 4) rates `numpy.reshape(numpy.arange(0.0, 1.2, 0.1), (3, 4))`.
fn baseline() -> Vec<f64> {
    (0..12).map(|i| f64::from(i) * 0.1).collect()
}

/// `numpy.moveaxis(numpy.array([baseline, baseline + 2]), 0, 2)`: the
/// (3, 4, 2) rates, feature map `f` holding `baseline + 2 f`.
fn baseline2() -> Vec<f64> {
    baseline().into_iter().flat_map(|b| [b, b + 2.0]).collect()
}

/// Feature map `f` of values of a (3, 4, 2) population
/// (`numpy.rollaxis(values, 2)[f]`).
fn feature_map(values: &[f64], f: usize) -> Vec<f64> {
    values.iter().skip(f).step_by(2).copied().collect()
}

/// The network of `test_Convolution`, after its `setUp` (inputs set,
/// 2 ms simulated), with `proj0`.
fn convolution_network()
-> annarchy::Result<(Network, ProjId<Convolution>, [PopId<ConvolutionOutput>; 2])> {
    let mut b = Network::builder();
    let pop0 = b.population::<Baseline>("pop0", (3, 4))?;
    let pop1 = b.population::<ConvolutionOutput>("pop1", (3, 4))?;
    let pop2 = b.population::<Baseline>("pop2", (3, 4, 2))?;
    let pop3 = b.population::<ConvolutionOutput>("pop3", (3, 4, 2))?;
    let proj0 = b
        .convolution(pop0, pop1, "exc")
        .connect_filter(&conv_filter())?;
    b.convolution(pop0, pop1, "mex")
        .operation(Operation::Max)
        .connect_filter(&conv_filter())?;
    b.convolution(pop0, pop1, "pex")
        .psp(|w, r| w * r * r)
        .connect_filter(&conv_filter())?;
    let first = Kernel::new(&[3, 3, 2], bo_filters().values()[..18].to_vec())?;
    b.convolution(pop2, pop1, "bex").connect_filter(&first)?;
    b.convolution(pop2, pop3, "pex")
        .keep_last_dimension(true)
        .connect_filter(&conv_filter())?;
    let ss_list = (0..3)
        .flat_map(|i| (0..4).map(move |j| vec![i, j, 0]))
        .collect();
    b.convolution(pop2, pop3, "exc")
        .padding(Padding::Value(0.0))
        .subsampling(ss_list)
        .connect_filters(&bo_filters())?;
    b.convolution(pop0, pop1, "exc_delay")
        .delays(3.0)
        .connect_filter(&conv_filter())?;
    let mut net = b.build()?;
    net.set(pop0, "baseline", baseline())?;
    net.set(pop2, "baseline", baseline2())?;
    net.simulate(2.0)?;
    Ok((net, proj0, [pop1, pop3]))
}

#[test]
fn test_convolution_get_weights() -> TestResult {
    let (net, proj0, _) = convolution_network()?;
    assert_all_close(&net.proj_get(proj0, "weights")?, conv_filter().values());
    assert_eq!(net.proj(proj0).kernel_shape(), [3, 3]);
    Ok(())
}

#[test]
fn test_convolution_get_size() -> TestResult {
    let (net, proj0, _) = convolution_network()?;
    assert_eq!(net.post_ranks(proj0).len(), 12);
    Ok(())
}

#[test]
fn test_convolution_get_post_ranks() -> TestResult {
    let (net, proj0, _) = convolution_network()?;
    assert_eq!(net.post_ranks(proj0), (0..12).collect::<Vec<u32>>());
    Ok(())
}

const SIMPLE: [f64; 12] = [
    0.8, 0.66, 0.72, -0.42, 1.94, 1.1, 1.16, -1.18, 1.48, 0.49, 0.5, -1.49,
];

#[test]
fn test_convolution_post_simple_convolution() -> TestResult {
    let (net, _, [pop1, _]) = convolution_network()?;
    assert_all_close(&net.get(pop1, "r")?, &SIMPLE);
    Ok(())
}

#[test]
fn test_convolution_post_simple_convolution_delayed() -> TestResult {
    let (mut net, _, [pop1, _]) = convolution_network()?;
    // After 2 ms everything is still zero (the delay is 3 ms).
    assert_all_close(&net.get(pop1, "rd")?, &[0.0; 12]);
    net.simulate(2.0)?;
    assert_all_close(&net.get(pop1, "rd")?, &SIMPLE);
    Ok(())
}

#[test]
fn test_convolution_post_max_convolution() -> TestResult {
    let (net, _, [pop1, _]) = convolution_network()?;
    assert_all_close(
        &net.get(pop1, "mr")?,
        &[
            0.5, 0.6, 0.7, 0.35, 0.9, 1.0, 1.1, 0.55, 0.9, 1.0, 1.1, 0.11,
        ],
    );
    Ok(())
}

#[test]
fn test_convolution_non_linear_conv() -> TestResult {
    let (net, _, [pop1, _]) = convolution_network()?;
    assert_all_close(
        &net.get(pop1, "pr")?,
        &[
            0.34, 0.366, 0.504, -0.146, 1.406, 1.03, 1.256, -0.746, 1.124, 0.641, 0.74, -1.239,
        ],
    );
    Ok(())
}

#[test]
fn test_convolution_layer_wise_conv() -> TestResult {
    let (net, _, [_, pop3]) = convolution_network()?;
    let pr = net.get(pop3, "pr")?;
    assert_all_close(&feature_map(&pr, 0), &SIMPLE);
    assert_all_close(
        &feature_map(&pr, 1),
        &[
            6.0, 1.86, 1.92, -3.22, 9.14, 2.3, 2.36, -5.98, 5.68, 0.69, 0.7, -5.29,
        ],
    );
    Ok(())
}

const BANK_0: [f64; 12] = [
    7.1, 7.7, 8.3, 5.3, 11.5, 12.2, 13.0, 9.0, 9.8, 10.7, 11.3, 7.5,
];

#[test]
fn test_convolution_simple_bank_of_filters() -> TestResult {
    let (net, _, [pop1, _]) = convolution_network()?;
    assert_all_close(&net.get(pop1, "br")?, &BANK_0);
    Ok(())
}

#[test]
fn test_convolution_bank_of_filters() -> TestResult {
    let (net, _, [_, pop3]) = convolution_network()?;
    let r = net.get(pop3, "r")?;
    assert_all_close(&feature_map(&r, 0), &BANK_0);
    assert_all_close(
        &feature_map(&r, 1),
        &[4.5, 7.0, 7.2, 4.6, 7.0, 10.0, 10.4, 5.2, 6.5, 7.0, 7.2, 2.6],
    );
    Ok(())
}

/// The network of `test_Pooling`, `proj1`, `pop2` and `pop3`.
type PoolingNetwork = (
    Network,
    ProjId<Pooling>,
    PopId<PoolingOutput>,
    PopId<PoolingOutput>,
);

/// The network of `test_Pooling`, after its `setUp`: the (2, 3, 10)
/// population, its mean pooled over the last axis into (2, 3) (`proj1`, and
/// with a delay of 3 ms) and over the first two into (1, 1, 10).
fn pooling_network() -> annarchy::Result<PoolingNetwork> {
    let mut b = Network::builder();
    let pop1 = b.population::<Baseline>("pop1", (2, 3, 10))?;
    let pop2 = b.population::<PoolingOutput>("pop2", (2, 3))?;
    let pop3 = b.population::<PoolingOutput>("pop3", (1, 1, 10))?;
    let proj1 = b
        .pooling(pop1, pop2, "exc")
        .operation(Operation::Mean)
        .extent(&[1, 1, 10])
        .connect_pooling()?;
    b.pooling(pop1, pop3, "exc")
        .operation(Operation::Mean)
        .extent(&[2, 3, 1])
        .connect_pooling()?;
    b.pooling(pop1, pop2, "exc_delay")
        .operation(Operation::Mean)
        .extent(&[1, 1, 10])
        .delays(3.0)
        .connect_pooling()?;
    let mut net = b.build()?;
    // `numpy.moveaxis(numpy.reshape(numpy.arange(0.0, 6.0, 0.1), (10, 2, 3)), 0, -1)`:
    // element (i, j, k) is 0.1 * (6 k + 3 i + j).
    let values: Vec<f64> = (0..60)
        .map(|rank| {
            let (ij, k) = (rank / 10, rank % 10);
            0.1 * f64::from(6 * k + ij)
        })
        .collect();
    net.set(pop1, "baseline", values)?;
    net.simulate(2.0)?;
    Ok((net, proj1, pop2, pop3))
}

#[test]
fn test_pooling_get_size() -> TestResult {
    let (net, proj1, _, _) = pooling_network()?;
    assert_eq!(net.post_ranks(proj1).len(), 6);
    Ok(())
}

#[test]
fn test_pooling_get_post_ranks() -> TestResult {
    let (net, proj1, _, _) = pooling_network()?;
    assert_eq!(net.post_ranks(proj1), (0..6).collect::<Vec<u32>>());
    Ok(())
}

#[test]
fn test_pooling_pool() -> TestResult {
    let (net, _, pop2, _) = pooling_network()?;
    assert_all_close(&net.get(pop2, "r")?, &[2.7, 2.8, 2.9, 3.0, 3.1, 3.2]);
    Ok(())
}

#[test]
fn test_pooling_pool2() -> TestResult {
    let (net, _, _, pop3) = pooling_network()?;
    let expected: Vec<f64> = (0..10).map(|i| 0.25 + 0.6 * f64::from(i)).collect();
    assert_all_close(&net.get(pop3, "r")?, &expected);
    Ok(())
}

#[test]
fn test_pooling_pool_delay() -> TestResult {
    let (mut net, _, pop2, _) = pooling_network()?;
    assert_all_close(&net.get(pop2, "rd")?, &[0.0; 6]);
    net.simulate(2.0)?;
    assert_all_close(&net.get(pop2, "rd")?, &[2.7, 2.8, 2.9, 3.0, 3.1, 3.2]);
    Ok(())
}
