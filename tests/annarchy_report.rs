//! Port of ANNarchy's `tests/Interface/test_Report.py` (4 tests): the
//! LaTeX and Markdown reports of its rate-coded and spiking networks.
//! ANNarchy only checks that the file is written; here the files are also
//! read back and their content checked: every population, projection and
//! model is described, with the LaTeX of its equations.
//!
//! ANNarchy's test never compiles its networks; here they are built, and
//! the checks of the build and of the macros impose a few differences with
//! the Python networks: `Oja` reads `pre.sum(exc)`, so `pop1` receives a
//! projection on `exc` (from `pop3`, with the default synapse), and both
//! empty neurons read their input (`input = sum(exc)`), since a population
//! must use the target of the projections it receives; in the spiking synapse `STP`, `pre.u` (the pre-synaptic
//! `IF_curr_exp` has no `u`) reads `pre.v`, and the continuous transmission
//! `g_exc * post.u` (the synapse has no `g_exc`) is `w * post.u`.

use annarchy::prelude::*;
use annarchy::runtime::report::ReportOptions;
use std::path::PathBuf;

mod rate {
    use annarchy::prelude::*;

    neuron! {
        /// `DefaultNeuron` of the test.
        pub struct DefaultNeuron {
            parameters: "
                tau = 10.0 : population
                baseline = 1.0
                condition = True
            ",
            equations: "
                noise = Uniform(-0.1, 0.1)
                tau * dmp/dt + mp = f(sum(exc)) +  neg(- f2(sum(inh)))
                                    + baseline + noise : implicit
                r = pos(mp)
            ",
            functions: "
                f(x) = 2/(x*x)
                f2(x) = if x>0: x else:x/2
            ",
        }
    }

    neuron! {
        /// `emptyNeuron1`: `r` is a variable (and `exc` is read, see the
        /// module's documentation).
        pub struct EmptyNeuron1 {
            equations: "r=0\ninput = sum(exc)",
        }
    }

    neuron! {
        /// `emptyNeuron2`: `r` is a parameter (and `exc` is read, see the
        /// module's documentation).
        pub struct EmptyNeuron2 {
            parameters: "r=0",
            equations: "input = sum(exc)",
        }
    }

    synapse! {
        /// The test's `Oja`.
        pub struct Oja {
            parameters: "
                eta = 10.0
                tau = 10.0 : postsynaptic
                mu = 0.2 : postsynaptic
            ",
            equations: "
                tau * dalpha/dt + alpha = pos(post.r - 1.0) : postsynaptic
                eta * dw/dt = pre.r * post.r - alpha * post.r^2 * w : min=0.0
                mu * dx/dt = pre.sum(exc) * post.sum(exc)
            ",
            psp: "
                w * pre.r
            ",
        }
    }

    /// `test_Report_Rate.setUpClass`.
    pub fn network() -> Network {
        let mut b = Network::builder();
        let pop1 = b.population::<EmptyNeuron1>("pop1", 1).expect("pop1");
        let pop2 = b.population::<DefaultNeuron>("pop2", 1).expect("pop2");
        let pop3 = b.population::<EmptyNeuron2>("pop3", (2, 2)).expect("pop3");
        b.projection::<Oja>(pop1, pop2, "exc")
            .connect_one_to_one(RandomDistribution::uniform(-0.5, 0.5))
            .expect("proj1");
        b.projection::<Hebb>(pop1, pop3, "exc")
            .connect_all_to_all(1.0)
            .expect("proj2");
        b.projection::<DefaultRateSynapse>(pop1, pop3, "exc")
            .connect_all_to_all(1.0)
            .expect("proj3");
        b.projection::<DefaultRateSynapse>(pop3, pop1, "exc")
            .connect_all_to_all(1.0)
            .expect("input of pop1");
        b.monitor(pop2, &["r"]).expect("monitor");
        b.build().expect("the network builds")
    }
}

mod spiking {
    use annarchy::prelude::*;

    neuron! {
        /// The test's `Izhikevich`.
        pub struct Izhikevich {
            parameters: "
                noise = 0.0
                a = 0.02 : population
                b = 0.2 : population
                c = -65.0
                d = 8.0
                v_thresh = 30.0
                i_offset = 0.0
            ",
            equations: "
                I = g_exc - g_inh + noise * Normal(0.0, 1.0) + i_offset
                dv/dt = f2(v) + f(v) - u + I : init = -65.0
                du/dt = a * (b*v - u) : init= -13.0
            ",
            spike: "v > v_thresh",
            reset: "v = c; u += d",
            refractory: 0.0,
            functions: "
                f(x) = 5.0 * x + 140
                f2(x) = 0.04 * x^2
                ",
        }
    }

    synapse! {
        /// The test's `STP`.
        pub struct STP {
            parameters: "
                tau_rec = 100.0 : projection
                tau_facil = 0.01 : projection
                U = 0.5
            ",
            equations: "
                dx/dt = (1 - x)/tau_rec : init = 1.0, event-driven
                du/dt = (U - u)/tau_facil : init = 0.5, event-driven
            ",
            pre_spike: "
                g_target += w * u * x
                x *= (1 - u)
                u += U * (1 - u)
                y = pre.v + post.I
            ",
            post_spike: "y += pre.v + post.I",
            psp: "w * post.u",
        }
    }

    /// `test_Report_Spiking.setUpClass`.
    pub fn network() -> Network {
        let mut b = Network::builder();
        let pop1 = b.population::<IF_curr_exp>("pop1", 1).expect("pop1");
        let pop2 = b.population::<Izhikevich>("pop2", 1).expect("pop2");
        let pop3 = b.population::<Izhikevich>("pop3", (2, 2)).expect("pop3");
        b.projection::<STP>(pop1, pop2, "exc")
            .connect_one_to_one(RandomDistribution::uniform(-0.5, 0.5))
            .expect("proj1");
        b.projection::<annarchy::models::STDP>(pop1, pop3, "exc")
            .connect_all_to_all(1.0)
            .expect("proj2");
        b.projection::<DefaultSpikingSynapse>(pop1, pop3, "exc")
            .connect_all_to_all(1.0)
            .expect("proj3");
        b.monitor(pop2, &["spike"]).expect("monitor");
        b.build().expect("the network builds")
    }
}

/// Writes the report of `net` to a fresh file `name`, checks that it exists
/// (ANNarchy's assertion) and returns its text; the file is removed.
fn report(net: &Network, name: &str) -> String {
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "annarchy-report-port-{}-{name}",
        std::process::id()
    ));
    let path = dir.join(name);
    net.report(&path, &ReportOptions::default())
        .expect("report() writes the file");
    assert!(path.is_file());
    let text = std::fs::read_to_string(&path).expect("readable");
    std::fs::remove_dir_all(&dir).expect("clean up");
    text
}

/// Braces (outside comments, unescaped) and environments are balanced.
fn assert_balanced(tex: &str) {
    let code: String = tex
        .lines()
        .filter(|l| !l.starts_with('%'))
        .collect::<Vec<_>>()
        .join("\n")
        .replace(r"\\", "")
        .replace(r"\{", "")
        .replace(r"\}", "");
    assert_eq!(code.matches('{').count(), code.matches('}').count());
    for env in ["document", "tabularx", "dmath*", "enumerate", "cases"] {
        assert_eq!(
            code.matches(&format!(r"\begin{{{env}}}")).count(),
            code.matches(&format!(r"\end{{{env}}}")).count(),
            "{env}"
        );
    }
}

fn assert_contains(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            text.contains(part),
            "`{part}` is not in the report:\n{text}"
        );
    }
}

/// `test_Report_Rate.test_tex_report`
#[test]
fn rate_tex_report() {
    let tex = report(&rate::network(), "report.tex");
    assert_balanced(&tex);
    assert!(
        tex.contains("\\documentclass{article}") && tex.trim_end().ends_with("\\end{document}")
    );
    assert_contains(
        &tex,
        &[
            r"\textbf{Populations}     & 3: pop1, pop2, pop3 \\ \hline",
            r"\textbf{Connectivity}    & One-to-One, All-to-All \\ \hline",
            r"$N_{\text{pop3}}$ = 4 (2*2)",
            "    pop1 & pop2 & exc & Oja &",
            "    pop1 & pop3 & exc & Hebbian Plasticity &",
            "    pop1 & pop3 & exc & - &",
            // DefaultNeuron: the implicit ODE as written, functions, noise.
            r"\text{noise} = \mathcal{U}\left(-0.1, 0.1\right)",
            r"\tau \cdot \frac{d\text{mp}}{dt} + \text{mp} = f\left(\sum_{\text{exc}} w \cdot r^{\text{pre}}\right) + \left(-f_{2}\left(\sum_{\text{inh}} w \cdot r^{\text{pre}}\right)\right)^{-} + \text{baseline} + \text{noise}",
            r"r = \left(\text{mp}\right)^{+}",
            r"f\left(x\right) = \frac{2}{x \cdot x}",
            r"f_{2}\left(x\right) = \begin{cases} x & \text{if } x > 0 \\ \frac{x}{2} & \text{otherwise} \end{cases}",
            // Oja.
            r"\tau \cdot \frac{d\alpha}{dt} + \alpha = \left(r^{\text{post}} - 1.0\right)^{+}",
            r"\eta \cdot \frac{dw}{dt} = r^{\text{pre}} \cdot r^{\text{post}} - \alpha \cdot \left(r^{\text{post}}\right)^{2} \cdot w",
            r"\mu \cdot \frac{dx}{dt} = \left(\sum_{\text{exc}} \text{psp}\right)^{\text{pre}} \cdot \left(\sum_{\text{exc}} \text{psp}\right)^{\text{post}}",
            // Parameters: `condition` is a boolean.
            r"& $\text{condition}$ & True \\ \hline",
            r"pop1 $\rightarrow$ pop2 with target exc & $\eta$ & 10.0 \\ \hline",
        ],
    );
    // The default synapse (`-`) is not described.
    assert!(!tex.contains(r"\textbf{Name} & - \\ \hline"));
}

/// `test_Report_Rate.test_md_report`
#[test]
fn rate_md_report() {
    let md = report(&rate::network(), "report.md");
    assert!(md.starts_with("---\ntitle: Network description\n"));
    assert_contains(
        &md,
        &[
            "| pop1           | 1        | EmptyNeuron1    | ",
            "| pop3           | (2, 2)   | EmptyNeuron2    | ",
            "| pop1       | pop3            | exc        | -                  | All-to-All",
            "## DefaultNeuron\n\nUser-defined model of a rate-coded neuron.",
            "| $\\text{condition}$ | True              | per neuron     | bool     | ",
            "* Variable $\\text{mp}$ : per neuron, initial value: 0.0, implicit numerical method",
            "$$\nr = \\left(\\text{mp}\\right)^{+}\n$$",
            "**Functions:**\n\n$$f\\left(x\\right) = \\frac{2}{x \\cdot x}$$",
            "## EmptyNeuron2",
            "## Oja\n\nUser-defined rate-coded synapse.",
            "* Variable $\\alpha$ : per post-synaptic neuron, initial value: 0.0, explicit numerical method",
            "* Variable $w$ : per synapse, initial value: 0.0, minimum: $0.0$, explicit numerical method",
            "**Weighted sum:**\n\n$$w \\cdot r^{\\text{pre}}$$",
            "## Hebbian Plasticity",
            "| pop1 $\\rightarrow$ pop2 with target exc | Oja",
        ],
    );
    assert!(!md.contains("## -"), "the default synapse is not described");
}

/// `test_Report_Spiking.test_tex_report`
#[test]
fn spiking_tex_report() {
    let tex = report(&spiking::network(), "report.tex");
    assert_balanced(&tex);
    assert_contains(
        &tex,
        &[
            r"\textbf{Neuron models}   & Integrate-and-Fire, Izhikevich \\ \hline",
            r"\textbf{Plasticity}      & STP, Spike-timing dependent plasticity, Event-driven synapse \\ \hline",
            r"I = g_{\text{exc}} - g_{\text{inh}} + \text{noise} \cdot \mathcal{N}\left(0.0, 1.0\right) + i_{\text{offset}}",
            r"\frac{dv}{dt} = f_{2}\left(v\right) + f\left(v\right) - u + I",
            r"If $v > v_{\text{thresh}}$:",
            r"\item $u \mathrel{+}= d$",
            r"\item Refractory period of $0.0$ ms",
            r"f_{2}\left(x\right) = 0.04 \cdot x^{2}",
            // STP: events and continuous transmission.
            r"g_{\text{target}} \mathrel{+}= w \cdot u \cdot x",
            r"x \mathrel{*}= 1 - u",
            r"y = v^{\text{pre}} + I^{\text{post}}",
            r"y \mathrel{+}= v^{\text{pre}} + I^{\text{post}}",
            r"g_{\text{target}} \mathrel{+}= w \cdot u^{\text{post}}",
            // IF_curr_exp and STDP.
            r"\text{cm} \cdot \frac{dv}{dt} = \frac{\text{cm}}{\tau_{m}} \cdot \left(v_{\text{rest}} - v\right) + g_{\text{exc}} - g_{\text{inh}} + i_{\text{offset}}",
            r"w = \operatorname{clip}\left(w + y, w_{\text{min}}, w_{\text{max}}\right)",
            r"pop1 $\rightarrow$ pop2 with target exc & $\tau_{\text{rec}}$ & 100.0 \\ \hline",
        ],
    );
}

/// `test_Report_Spiking.test_md_report`
#[test]
fn spiking_md_report() {
    let md = report(&spiking::network(), "report.md");
    assert_contains(
        &md,
        &[
            "| pop1           | 1        | Integrate-and-Fire | ",
            "| pop3           | (2, 2)   | Izhikevich         | ",
            "## Izhikevich\n\nUser-defined model of a spiking neuron.",
            "**Spike emission:**\n\nif $v > v_{\\text{thresh}}$ :\n\n* Emit a spike at time $t$.\n* $v = c$\n* $u \\mathrel{+}= d$\n",
            "* Variable $u$ : per neuron, initial value: -13.0, explicit numerical method",
            "## STP\n\nUser-defined spiking synapse.",
            "* Variable $x$ : per synapse, initial value: 1.0, event-driven numerical method",
            "**Pre-synaptic event at $t_\\text{pre} + d$:**\n\n$$g_{\\text{target}} \\mathrel{+}= w \\cdot u \\cdot x$$\n",
            "**Post-synaptic event at $t_\\text{post}$:**\n\n$$y \\mathrel{+}= v^{\\text{pre}} + I^{\\text{post}}$$\n",
            "**Continuous transmission:**\n\n$$g_{\\text{target}} \\mathrel{+}= w \\cdot u^{\\text{post}}$$",
            "## Spike-timing dependent plasticity",
            "## Event-driven synapse",
            "| $\\tau_{\\text{facil}}$ | 0.01              | per projection | double   | ",
        ],
    );
    // Both Izhikevich populations use the same model, described once.
    assert_eq!(md.matches("## Izhikevich").count(), 1);
}
