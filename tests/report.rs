//! `Network::report` (ANNarchy's `report()`): the Markdown report of a small
//! network with a rate-coded and a spiking part is snapshotted whole; the
//! tests below check what it is made of — the LaTeX of the equations that
//! the macros rendered at compile time, the values the built network holds
//! (not the models' defaults), the options, the LaTeX document's structure
//! (balanced braces and environments), and the errors.

use annarchy::prelude::*;
use annarchy::runtime::model::NeuronModel;
use annarchy::runtime::report::ReportOptions;

neuron! {
    /// A rate-coded neuron with a transfer function.
    pub struct Leaky {
        parameters: "
            tau = 10.0 : population
            baseline = 0.5
            gain = 2 : int, population
        ",
        equations: "
            tau * dv/dt + v = sum(exc) - g0 * sum(inh) + baseline : exponential
            r = sigmoid(gain * v) : min = 0.0
        ",
        functions: "sigmoid(x) = 1.0 / (1.0 + exp(-x))",
        constants: "g0",
    }
}

neuron! {
    /// A leaky integrate-and-fire neuron.
    pub struct Lif {
        name: "Simple LIF",
        description: "Leaky integrate-and-fire neuron with an exponential current.",
        parameters: "
            tau_m = 20.0
            v_thresh = -50.0
            v_reset = -65.0
            tau_refrac = 2.0
        ",
        equations: "
            tau_m * dv/dt = -65.0 - v + g_exc : init = -65.0
        ",
        spike: "v > v_thresh",
        reset: "v = v_reset",
        refractory: "tau_refrac",
    }
}

synapse! {
    /// A spiking synapse with a trace.
    pub struct Traced {
        parameters: "tau_x = 10.0 : projection",
        equations: "tau_x * dx/dt = -x : event-driven",
        pre_spike: "
            x += 1
            w = clip(w + 0.01 * x, 0.0, 1.0)
        ",
    }
}

/// The network of the snapshot, built.
fn network() -> Network {
    let mut b = Network::builder().dt(0.5).expect("dt").seed(3);
    b.constant("g0", 0.5);
    let input = b.population::<InputArray>("input", (2, 2)).expect("input");
    let rate = b.population::<Leaky>("rate_out", 3).expect("rate");
    b.set(rate, "baseline", vec![0.0, 0.5, 1.0])
        .expect("baseline");
    b.projection::<Hebb>(input, rate, "exc")
        .connect_all_to_all(0.5)
        .expect("hebb");
    let spikes = b
        .spike_source_array("spikes", &[vec![1.0], vec![2.0, 4.0]])
        .expect("spikes");
    let lif = b.population::<Lif>("lif", 2).expect("lif");
    b.projection::<Traced>(spikes, lif, "exc")
        .connect_one_to_one(0.2)
        .expect("traced");
    b.projection::<DefaultSpikingSynapse>(spikes, lif, "exc")
        .connect_all_to_all(0.1)
        .expect("default");
    b.monitor(lif, &["spike", "v"]).expect("monitor");
    b.monitor_with(
        rate,
        &["r"],
        MonitorOptions {
            period: Some(2.0),
            ..MonitorOptions::default()
        },
    )
    .expect("monitor with a period");
    b.build().expect("build")
}

fn markdown(net: &Network) -> String {
    net.report_markdown(&ReportOptions::default())
        .replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn markdown_report_of_a_rate_coded_and_a_spiking_network() {
    insta::assert_snapshot!("network_md", markdown(&network()));
}

#[test]
fn the_equations_are_the_latex_rendered_at_compile_time() {
    let md = markdown(&network());
    for latex in [
        // The ODE as written, the input sums, the constant.
        r"\tau \cdot \frac{dv}{dt} + v = \sum_{\text{exc}} w \cdot r^{\text{pre}} - g_{0} \cdot \left(\sum_{\text{inh}} w \cdot r^{\text{pre}}\right) + \text{baseline}",
        // A function, and its definition.
        r"r = \text{sigmoid}\left(\text{gain} \cdot v\right)",
        r"$$\text{sigmoid}\left(x\right) = \frac{1.0}{1.0 + \exp\left(-x\right)}$$",
        // Spiking: condition, reset, refractory period.
        r"if $v > v_{\text{thresh}}$ :",
        r"* $v = v_{\text{reset}}$",
        r"* Refractory period of $\tau_{\text{refrac}}$ ms.",
        // Synapses: events and the standard models' equations.
        r"$$x \mathrel{+}= 1$$",
        r"$$w = \operatorname{clip}\left(w + 0.01 \cdot x, 0.0, 1.0\right)$$",
        r"\frac{dw}{dt} = \eta \cdot r^{\text{pre}} \cdot r^{\text{post}}",
        r"$$g_{\text{target}} \mathrel{+}= w$$",
    ] {
        assert!(md.contains(latex), "`{latex}` is not in the report:\n{md}");
    }
    let latex = &Leaky::INFO.latex;
    assert_eq!(latex.equations[1].min, "0.0", "the bound is rendered");
    assert_eq!(latex.equations[0].method, "exponential");
    assert_eq!(latex.symbol("g0"), Some("g_{0}"), "constants have symbols");
    assert_eq!(latex.symbol("baseline"), Some(r"\text{baseline}"));
    assert!(md.contains(r"* Variable $r$ : per neuron, initial value: 0.0, minimum: $0.0$"));
    assert!(
        md.contains(
            r"* Variable $v$ : per neuron, initial value: -65.0, explicit numerical method"
        )
    );
}

/// The rows of the Markdown table that follows `heading`, cells trimmed
/// (header and rule left out).
fn table_after(md: &str, heading: &str) -> Vec<Vec<String>> {
    let start = md.find(heading).expect("the heading is in the report");
    md[start..]
        .lines()
        .skip_while(|l| !l.starts_with("| "))
        .take_while(|l| l.starts_with("| "))
        .skip(2)
        .map(|l| {
            let inner = l
                .trim_end()
                .strip_prefix("| ")
                .and_then(|x| x.strip_suffix(" |"))
                .expect("a table row");
            inner.split(" | ").map(|c| c.trim().to_string()).collect()
        })
        .collect()
}

#[test]
fn values_are_those_of_the_built_network() {
    let mut net = network();
    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let md = markdown(&net);
    // A heterogeneous local parameter shows its range, a global one its value.
    let pops = table_after(&md, "## Population parameters");
    assert_eq!(pops[0], row(&[r"rate\_out", "Leaky", r"$\tau$", "10.0"]));
    assert_eq!(
        pops[1],
        row(&["", "", r"$\text{baseline}$", "$[0.0, 1.0]$"])
    );
    assert_eq!(pops[2], row(&["", "", r"$\text{gain}$", "2"]));
    assert_eq!(pops[3], row(&["lif", "Simple LIF", r"$\tau_{m}$", "20.0"]));
    assert_eq!(pops.len(), 7, "input populations have no parameters");
    let rate = net.get_population("rate_out").expect("rate");
    net.set(rate, "tau", 25.0).expect("tau");
    net.set(rate, "baseline", 0.25).expect("baseline");
    let md = markdown(&net);
    let pops = table_after(&md, "## Population parameters");
    assert_eq!(pops[0], row(&[r"rate\_out", "Leaky", r"$\tau$", "25.0"]));
    assert_eq!(pops[1], row(&["", "", r"$\text{baseline}$", "0.25"]));
    // The default values of the model do not change.
    let leaky = table_after(&md, "## Leaky");
    assert_eq!(
        leaky[0],
        row(&[r"$\tau$", "10.0", "per population", "double"])
    );
    assert_eq!(
        leaky[2],
        row(&[r"$\text{gain}$", "2", "per population", "int"])
    );
    // Constants, projections (without their weights).
    let constants = table_after(&md, "## Constants");
    assert_eq!(constants, vec![row(&["$g_{0}$", "0.5"])]);
    let projs = table_after(&md, "## Projection parameters");
    assert_eq!(
        projs,
        vec![
            row(&[
                r"input $\rightarrow$ rate\_out with target exc",
                "Hebbian Plasticity",
                r"$\eta$",
                "0.01"
            ]),
            row(&[
                r"spikes $\rightarrow$ lif with target exc",
                "Traced",
                r"$\tau_{x}$",
                "10.0"
            ]),
        ]
    );
    // The structure.
    let populations = table_after(&md, "## Populations");
    assert_eq!(populations[0], row(&["input", "(2, 2)", "Input Array"]));
    assert_eq!(populations[3], row(&["lif", "2", "Simple LIF"]));
    let projections = table_after(&md, "## Projections");
    assert_eq!(
        projections[1],
        row(&[
            "spikes",
            "lif",
            "exc",
            "Traced",
            &net.connector_info(net.projections(None, None, None)[1])
                .description
        ])
    );
}

#[test]
fn options_set_the_header_and_gather_projections() {
    let net = network();
    let md = net.report_markdown(&ReportOptions {
        title: Some("Bars".into()),
        author: Some("Someone".into()),
        date: Some("2024-01-01".into()),
        ..ReportOptions::default()
    });
    assert!(md.starts_with("---\ntitle: Bars\nauthor: Someone\ndate: 2024-01-01\n---\n"));
    let default = net.report_markdown(&ReportOptions::default());
    assert!(default.starts_with(
        "---\ntitle: Network description\nauthor: annarchy (Artificial Neural Networks architect)\ndate: \n---\n"
    ));
    // Two projections spikes -> lif on `exc`: both described, or once.
    let rows = |text: &str| {
        text.matches(r"spikes $\rightarrow$ lif with target exc")
            .count()
    };
    assert_eq!(rows(&default), 1, "only Traced has parameters besides w");
    let tex = net.report_latex(&ReportOptions::default());
    assert_eq!(tex.matches("    spikes & lif & exc &").count(), 2);
    let gathered = net.report_latex(&ReportOptions {
        gather_subprojections: true,
        ..ReportOptions::default()
    });
    assert_eq!(gathered.matches("    spikes & lif & exc &").count(), 1);
}

/// Checks that braces and `\begin`/`\end` are balanced in a LaTeX text.
fn assert_balanced(tex: &str) {
    let mut depth = 0i64;
    let mut chars = tex.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '%' => {
                // A comment runs to the end of the line.
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                assert!(depth >= 0, "a `}}` closes nothing");
            }
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unbalanced braces");
    let mut stack = Vec::new();
    let mut rest = tex;
    while let Some(i) = rest.find(['\\']) {
        rest = &rest[i + 1..];
        for (word, open) in [("begin{", true), ("end{", false)] {
            if let Some(after) = rest.strip_prefix(word) {
                let env = &after[..after.find('}').expect("an environment name")];
                if open {
                    stack.push(env.to_string());
                } else {
                    assert_eq!(
                        stack.pop().as_deref(),
                        Some(env),
                        "\\end{{{env}}} closes nothing"
                    );
                }
            }
        }
    }
    assert!(stack.is_empty(), "unclosed environments {stack:?}");
}

#[test]
fn latex_document_is_balanced_and_standalone_or_not() {
    let net = network();
    let tex = net.report_latex(&ReportOptions::default());
    assert_balanced(&tex);
    assert!(tex.contains("\\documentclass{article}"));
    assert!(tex.contains("\\begin{document}"));
    assert!(tex.trim_end().ends_with("\\end{document}"));
    for part in [
        r"\textbf{Populations}     & 4: input, rate\_out, spikes, lif \\ \hline",
        r"\textbf{Connectivity}    & All-to-All, One-to-One \\ \hline",
        r"\textbf{Neuron models}   & Leaky, Simple LIF \\ \hline",
        r"\textbf{Input}           & Input Array, Spike source \\ \hline",
        r"    input & Input Array & $N_{\text{input}}$ = 4 (2*2) \\ \hline",
        r"\textbf{Subthreshold dynamics} &",
        "\\begin{dmath*}\n\\tau_{m} \\cdot \\frac{dv}{dt} = -65.0 - v + g_{\\text{exc}}\n\\end{dmath*}",
        r"\item $v = v_{\text{reset}}$",
        "\\textbf{Pre-synaptic event} &\n\n\\begin{dmath*}\ng_{\\text{target}} \\mathrel{+}= w\n\\end{dmath*}\n\n\\begin{dmath*}\nx \\mathrel{+}= 1\n\\end{dmath*}",
        r"\textbf{Name} & Hebbian Plasticity \\ \hline",
        "    rate\\_out & $\\tau$ & 10.0 \\\\ \\hline",
        "    & $g_{0}$ & 0.5 \\\\ \\hline",
        r"spikes & Spikes emitted at predefined times. \\ \hline",
    ] {
        assert!(
            tex.contains(part),
            "`{part}` is not in the document:\n{tex}"
        );
    }
    let tables = net.report_latex(&ReportOptions {
        standalone: false,
        ..ReportOptions::default()
    });
    assert_balanced(&tables);
    assert!(!tables.contains("\\documentclass") && !tables.contains("\\end{document}"));
    assert!(tables.contains(r"\hdr{2}{A}{Model Summary}"));
}

#[test]
fn files_by_extension_in_a_new_folder() {
    let net = network();
    let dir = std::env::temp_dir().join(format!("annarchy-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let options = ReportOptions::default();
    let md = dir.join("nested/folder/report.md");
    net.report(&md, &options).expect("markdown report");
    assert_eq!(
        std::fs::read_to_string(&md).expect("written"),
        net.report_markdown(&options)
    );
    let tex = dir.join("report.tex");
    net.report(&tex, &options).expect("latex report");
    assert_eq!(
        std::fs::read_to_string(&tex).expect("written"),
        net.report_latex(&options)
    );
    let err = net
        .report(dir.join("report.html"), &options)
        .expect_err("not .md nor .tex");
    assert_eq!(
        err.to_string(),
        "report(): the filename must end with .tex or .md."
    );
    assert!(!dir.join("report.html").exists());
    let err = net
        .report(tex.join("x.md"), &options)
        .expect_err("a file is in the way");
    assert!(err.to_string().contains("cannot be written"), "{err}");
    std::fs::remove_dir_all(&dir).expect("clean up");
}
