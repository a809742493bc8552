//! `examples/structural.rs`: pruning and creating leave each output neuron
//! connected to exactly the input group it is active with, whatever the
//! random connectivity it starts from.

#[path = "../examples/structural.rs"]
mod structural;

#[test]
fn each_output_keeps_exactly_its_group() -> annarchy::Result<()> {
    for seed in [1, 2, 3] {
        let outcome = structural::run(seed, 4000.0)?;
        let expected: Vec<Vec<u32>> = (0..structural::GROUPS as u32)
            .map(|k| {
                let first = k * structural::GROUP as u32;
                (first..first + structural::GROUP as u32).collect()
            })
            .collect();
        assert_eq!(outcome.fields, expected, "seed {seed}");
        let (_, last) = *outcome.counts.last().unwrap();
        assert_eq!(last, structural::GROUPS * structural::GROUP);
        // The random start is not the final structure.
        assert_ne!(outcome.counts[0].1, last, "seed {seed}");
    }
    Ok(())
}
