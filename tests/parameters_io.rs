//! `save_parameters` / `load_parameters`: ANNarchy's JSON layout, a round
//! trip that restores every global parameter and constant exactly, names
//! the file does not match, and files that are not parameter files (an
//! error, and the network unchanged). Port of ANNarchy's
//! `Interface/test_IO.py` `test_parameters_save_and_load`.

use annarchy::prelude::*;

annarchy::neuron! {
    /// Global and local parameters, and a constant.
    struct Leaky {
        constants: "gain",
        parameters: "
            tau = 10.0 : population
            baseline = 0.5
        ",
        equations: "tau * dr/dt + r = gain * (baseline + sum(exc))",
    }
}

fn network() -> annarchy::Result<(Network, PopId<Leaky>, ProjId<Oja>)> {
    let mut b = Network::builder();
    b.constant("gain", 2.0);
    let pop = b.population::<Leaky>("pop", 3)?;
    let proj = b
        .projection::<Oja>(pop, pop, "exc")
        .name("oja")
        .connect_all_to_all(0.1)?;
    Ok((b.build()?, pop, proj))
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("annarchy-params-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    dir.join(name)
}

#[test]
fn parameters_save_and_load() -> annarchy::Result<()> {
    let (mut net, pop, proj) = network()?;
    net.set(pop, "tau", 50.0 / 3.0)?;
    net.proj_set(proj, "eta", 0.000_123_456_789_012_345_67)?;
    let path = temp("round_trip.json");
    net.save_parameters(&path)?;
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("written")).expect("JSON");
    assert_eq!(json["populations"]["pop"]["tau"], 50.0 / 3.0);
    assert!(
        json["populations"]["pop"].get("baseline").is_none(),
        "local"
    );
    assert_eq!(json["projections"]["oja"]["alpha"], 1.0);
    assert_eq!(json["constants"]["gain"], 2.0);
    assert!(json["network"].as_object().is_some_and(|n| n.is_empty()));

    net.set(pop, "tau", 50.0)?;
    net.proj_set(proj, "eta", 0.0)?;
    net.proj_set(proj, "alpha", 7.0)?;
    net.set_constant("gain", 9.0)?;
    let skipped = net.load_parameters(&path)?;
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(net.get(pop, "tau")?, vec![50.0 / 3.0]);
    assert_eq!(
        net.proj_get(proj, "eta")?,
        vec![0.000_123_456_789_012_345_67]
    );
    assert_eq!(net.proj_get(proj, "alpha")?, vec![1.0]);
    // The equations see the loaded values, constant included: the network
    // runs as a fresh one with the values that were saved.
    let (mut fresh, fresh_pop, fresh_proj) = network()?;
    fresh.set(fresh_pop, "tau", 50.0 / 3.0)?;
    fresh.proj_set(fresh_proj, "eta", 0.000_123_456_789_012_345_67)?;
    net.simulate(50.0)?;
    fresh.simulate(50.0)?;
    assert_eq!(net.get(pop, "r")?, fresh.get(fresh_pop, "r")?);
    assert!(net.get(pop, "r")?[0] > 0.9);
    Ok(())
}

#[test]
fn unknown_names_are_left_aside() -> annarchy::Result<()> {
    let (mut net, pop, _) = network()?;
    let path = temp("other.json");
    std::fs::write(
        &path,
        r#"{"populations": {"pop": {"tau": 4.0, "baseline": 1.0, "nope": 2.0}, "ghost": {"tau": 1.0}},
            "projections": {"oja": {"eta": 0.5}}, "network": {}, "constants": {"unknown": 1.0}}"#,
    )
    .expect("written");
    let skipped = net.load_parameters(&path)?;
    assert_eq!(net.get(pop, "tau")?, vec![4.0]);
    assert_eq!(net.get(pop, "baseline")?, vec![0.5; 3]);
    assert_eq!(skipped.len(), 4, "{skipped:?}");
    assert!(skipped.iter().any(|s| s.contains("ghost")));
    assert!(skipped.iter().any(|s| s.contains("pop.baseline")));
    assert!(skipped.iter().any(|s| s.contains("unknown")));
    Ok(())
}

#[test]
fn broken_files_are_errors_and_change_nothing() -> annarchy::Result<()> {
    let (mut net, pop, proj) = network()?;
    let good = temp("good.json");
    net.set(pop, "tau", 3.0)?;
    net.save_parameters(&good)?;
    net.set(pop, "tau", 10.0)?;
    let text = std::fs::read_to_string(&good).expect("written");
    let cases = [
        (
            "truncated.json",
            text[..text.len() / 2].to_string(),
            "not JSON",
        ),
        ("list.json", "[1, 2]".to_string(), "top level"),
        (
            "string.json",
            text.replace("\"alpha\": 1.0", "\"alpha\": \"one\""),
            "oja.alpha",
        ),
    ];
    for (name, content, expected) in cases {
        let path = temp(name);
        std::fs::write(&path, content).expect("written");
        let err = net.load_parameters(&path).unwrap_err().to_string();
        assert!(
            err.contains(expected) && err.contains(name),
            "{name}: {err}"
        );
        assert_eq!(net.get(pop, "tau")?, vec![10.0], "{name} changed tau");
        assert_eq!(net.proj_get(proj, "alpha")?, vec![1.0]);
    }
    let err = net.load_parameters(temp("absent.json")).unwrap_err();
    assert!(err.to_string().contains("cannot be read"), "{err}");
    Ok(())
}
