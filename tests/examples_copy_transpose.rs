//! `examples/copy_transpose.rs`: the detectors' activities, the image
//! sent back by the transpose and the copy's maxima are those of the
//! weight matrix applied by hand.

#[path = "../examples/copy_transpose.rs"]
mod copy_transpose;

use approx::assert_relative_eq;

#[test]
fn one_set_of_synapses_used_three_ways() -> annarchy::Result<()> {
    let out = copy_transpose::run()?;
    // A vertical bar in column 1 (1.0), the other pixels 0.1; weights 0.25.
    let columns = [0.1, 1.0, 0.1, 0.1];
    let row = 0.25 * (1.0 + 3.0 * 0.1);
    for (c, expected) in columns.iter().enumerate() {
        assert_relative_eq!(out.detectors[c], expected, epsilon = 1e-12);
        assert_relative_eq!(out.detectors[4 + c], row, epsilon = 1e-12);
    }
    // Each pixel gets back 0.25 x (its column's detector + its row's).
    for (p, recon) in out.reconstruction.iter().enumerate() {
        let expected = 0.25 * (columns[p % 4] + row);
        assert_relative_eq!(*recon, expected, epsilon = 1e-12);
    }
    // The second image has a horizontal bar in row 2: every column's
    // strongest term is 0.25 (row 2), and the rows' are 0.25 (row 2) or
    // 0.025.
    for c in 0..4 {
        assert_relative_eq!(out.maxima[c], 0.25, epsilon = 1e-12);
        let expected = if c == 2 { 0.25 } else { 0.025 };
        assert_relative_eq!(out.maxima[4 + c], expected, epsilon = 1e-12);
    }
    Ok(())
}
