//! The progress bar of long `simulate` calls: drawn on stderr when it is a
//! terminal, not otherwise, and not when switched off. The terminal is a
//! pseudo-terminal made by `script` (util-linux), which runs this test
//! binary's `long_simulation` again.

use std::process::Command;

use annarchy::prelude::*;

/// 20 000 steps of a small network (above the 10 000 steps that show a bar).
fn simulate_long(progress: bool) -> annarchy::Result<()> {
    let mut b = Network::builder();
    b.population::<LeakyIntegrator>("pop", 10)?;
    let mut net = b.build()?;
    net.set_progress_bar(progress);
    net.simulate(20_000.0)?;
    assert_eq!(net.get_current_step(), 20_000);
    Ok(())
}

#[test]
#[ignore = "run by the tests below, on a pseudo-terminal"]
fn long_simulation() -> annarchy::Result<()> {
    simulate_long(std::env::var("PROGRESS_OFF").is_err())
}

/// Runs `long_simulation` under `script` and returns what it printed.
fn on_a_terminal(progress_off: bool) -> String {
    let exe = std::env::current_exe().expect("test binary");
    let command = format!(
        "{} --exact long_simulation --ignored --nocapture --test-threads=1",
        exe.display()
    );
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &command, "/dev/null"]);
    if progress_off {
        cmd.env("PROGRESS_OFF", "1");
    }
    let out = cmd
        .output()
        .expect("`script` (util-linux) runs the test on a pseudo-terminal");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_bar_is_drawn_on_a_terminal_unless_switched_off() {
    let shown = on_a_terminal(false);
    assert!(shown.contains("% of 20000 ms simulated"), "{shown}");
    let hidden = on_a_terminal(true);
    assert!(hidden.contains("1 passed"), "{hidden}");
    assert!(!hidden.contains("ms simulated"), "{hidden}");
}

#[test]
fn no_bar_when_stderr_is_not_a_terminal() -> annarchy::Result<()> {
    // Under the test harness stderr is a pipe: the run is the same, silent.
    let exe = std::env::current_exe().expect("test binary");
    let out = Command::new(exe)
        .args(["--exact", "long_simulation", "--ignored", "--nocapture"])
        .output()
        .expect("test binary");
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("ms simulated"));
    simulate_long(true)
}
