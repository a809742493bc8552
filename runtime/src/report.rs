//! A description of a network for humans (ANNarchy's `report()`,
//! `parser/report/`): its populations, projections, the models with their
//! equations in LaTeX, and the values of the parameters.
//!
//! [`Network::report`] writes Markdown (a `.md` file, ANNarchy's "more
//! complete" layout, which `pandoc` turns into HTML or PDF) or a LaTeX
//! document (a `.tex` file, the tables of Nordlie et al. (2009), Towards
//! Reproducible Descriptions of Neuronal Network Models, PLoS Comput Biol
//! 5(8): e1000456). The LaTeX of the equations was rendered by the macros
//! when the models were compiled ([`crate::model::ModelLatex`]); the values
//! are those the network holds when the report is written.

use crate::error::{Error, Result};
use crate::model::{AttrInfo, AttrRef, Locality, ModelInfo, ModelKind, ValueType};
use crate::network::Network;
use crate::population::Population;
use crate::projection::Projection;
use std::fmt::Write as _;
use std::path::Path;

/// What [`Network::report`] writes besides the network itself (the
/// arguments of ANNarchy's `report()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportOptions {
    /// Title of the Markdown document (default `Network description`).
    pub title: Option<String>,
    /// Author of the Markdown document (default `annarchy (Artificial
    /// Neural Networks architect)`).
    pub author: Option<String>,
    /// Date of the Markdown document (default: none).
    pub date: Option<String>,
    /// LaTeX: a whole document (`\documentclass` ... `\end{document}`)
    /// rather than tables to `\input` in another one. Default `true`.
    pub standalone: bool,
    /// Describe the projections that join the same populations on the
    /// same target once (a projection split over parts of populations).
    /// Default `false`.
    pub gather_subprojections: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            title: None,
            author: None,
            date: None,
            standalone: true,
            gather_subprojections: false,
        }
    }
}

/// Names a model gets when it is not given one: reports show its Rust type
/// name instead.
const DEFAULT_NAMES: [&str; 4] = [
    "Rate-coded neuron",
    "Spiking neuron",
    "Rate-coded synapse",
    "Spiking synapse",
];

/// Names of the models of input populations (ANNarchy's
/// `input_name_list`, and the inputs it leaves out).
const INPUT_NAMES: [&str; 6] = [
    "Input Array",
    "Poisson",
    "Spike source",
    "Timed Array",
    "TimedPoisson",
    "HomogeneousCorrelated",
];

/// The name reports give a model.
fn label(info: &ModelInfo) -> &'static str {
    if DEFAULT_NAMES.contains(&info.name) {
        info.type_name
    } else {
        info.name
    }
}

/// The models of `infos`, each once, in order of first appearance.
fn unique(infos: impl Iterator<Item = &'static ModelInfo>) -> Vec<&'static ModelInfo> {
    let mut out: Vec<&'static ModelInfo> = Vec::new();
    for info in infos {
        if !out.contains(&info) {
            out.push(info);
        }
    }
    out
}

/// The LaTeX symbol of an attribute of a model (its name as upright text
/// for a model without LaTeX).
fn symbol(info: &ModelInfo, name: &str) -> String {
    info.latex.symbol(name).map_or_else(
        || format!(r"\text{{{}}}", name.replace('_', r"\_")),
        str::to_string,
    )
}

/// A number as Python prints it: `10.0`, `0.01`, `-65.0`.
fn float(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{v:?}")
    }
}

/// A value of an attribute of type `ty`: `True`, `3`, `0.5`.
fn typed(v: f64, ty: ValueType) -> String {
    match ty {
        ValueType::Bool => if v != 0.0 { "True" } else { "False" }.into(),
        ValueType::Int => format!("{}", v as i64),
        ValueType::Float => float(v),
    }
}

/// The current value of an attribute: one value when all its elements hold
/// the same, else their range `$[min, max]$` (as ANNarchy shows arrays).
fn current(value: AttrRef<'_>, ty: ValueType) -> String {
    if let AttrRef::Scalar(v) = value {
        return typed(v, ty);
    }
    let a = value.to_vec();
    match a.first() {
        None => String::new(),
        Some(first) if a.iter().all(|x| x.to_bits() == first.to_bits()) => typed(*first, ty),
        Some(_) => {
            let min = a.iter().copied().fold(f64::INFINITY, f64::min);
            let max = a.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            format!("$[{}, {}]$", typed(min, ty), typed(max, ty))
        }
    }
}

fn ctype(ty: ValueType) -> &'static str {
    match ty {
        ValueType::Float => "double",
        ValueType::Int => "int",
        ValueType::Bool => "bool",
    }
}

fn locality(kind: ModelKind, l: Locality) -> &'static str {
    match (kind, l) {
        (ModelKind::Neuron, Locality::Local) => "per neuron",
        (ModelKind::Neuron, _) => "per population",
        (ModelKind::Synapse, Locality::Local) => "per synapse",
        (ModelKind::Synapse, Locality::SemiGlobal) => "per post-synaptic neuron",
        (ModelKind::Synapse, Locality::Global) => "per projection",
    }
}

/// The parameters a report lists: all but a synapse's weight.
fn parameters(info: &ModelInfo) -> impl Iterator<Item = &'static AttrInfo> {
    indexed_parameters(info).map(|(_, a)| a)
}

/// The parameters with their index among the model's attributes.
fn indexed_parameters(info: &ModelInfo) -> impl Iterator<Item = (usize, &'static AttrInfo)> {
    let kind = info.kind;
    info.attributes
        .iter()
        .enumerate()
        .filter(move |(_, a)| a.is_parameter && !(kind == ModelKind::Synapse && a.name == "w"))
}

/// The parameters of one object with their current values:
/// `(symbol, value)`.
fn parameter_values<'a>(
    info: &ModelInfo,
    attr: impl Fn(usize) -> AttrRef<'a>,
) -> Vec<(String, String)> {
    indexed_parameters(info)
        .map(|(index, a)| (symbol(info, a.name), current(attr(index), a.value_type)))
        .collect()
}

/// Markdown rows of one object's parameters, the object and its model
/// named on the first row only.
fn md_parameter_rows(
    rows: &mut Vec<Vec<String>>,
    object: String,
    model: &str,
    values: Vec<(String, String)>,
) {
    for (k, (symbol, value)) in values.into_iter().enumerate() {
        let (object, model) = if k == 0 {
            (object.clone(), model.to_string())
        } else {
            (String::new(), String::new())
        };
        rows.push(vec![object, model, format!("${symbol}$"), value]);
    }
}

/// LaTeX table rows of one object's parameters, the object named on the
/// first row only.
fn tex_parameter_rows(object: String, values: Vec<(String, String)>) -> String {
    values
        .into_iter()
        .enumerate()
        .map(|(k, (symbol, value))| {
            let object = if k == 0 { object.as_str() } else { "" };
            format!("\n    {object} & ${symbol}$ & {value} \\\\ \\hline\n")
        })
        .collect()
}

/// A refractory period: `$5.0$ ms`.
fn refractory(info: &ModelInfo) -> Option<String> {
    let r = info.latex.refractory;
    (!r.is_empty()).then(|| format!("${r}$ ms"))
}

/// Text in LaTeX: the characters LaTeX reads as commands escaped.
fn tex_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str(r"\textbackslash{}"),
            '~' => out.push_str(r"\textasciitilde{}"),
            '^' => out.push_str(r"\textasciicircum{}"),
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A Markdown table as ANNarchy's reports lay it out: bold headers, columns
/// padded to their widest cell.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let cell = |s: &str| s.replace('|', r"\|");
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| cell(c)).collect())
        .collect();
    let widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(c, h)| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .fold(h.chars().count() + 4, usize::max)
        })
        .collect();
    let mut out = String::from("| ");
    for (h, w) in header.iter().zip(&widths) {
        let _ = write!(out, "{:<w$} | ", format!("**{h}**"));
    }
    out.push_str("\n| ");
    for w in &widths {
        let _ = write!(out, "{} | ", "-".repeat(*w));
    }
    out.push('\n');
    for r in &rows {
        out.push_str("| ");
        for (c, w) in r.iter().zip(&widths) {
            let _ = write!(out, "{c:<w$} | ");
        }
        out.push('\n');
    }
    out.push('\n');
    out
}

impl Network {
    /// Writes a description of the network to `path` (ANNarchy's
    /// `report()`): Markdown for a name ending with `.md`
    /// ([`Network::report_markdown`]), a LaTeX document for `.tex`
    /// ([`Network::report_latex`]). The folder of the file is created if
    /// it does not exist.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for another extension (`report(): the filename
    /// must end with .tex or .md.`, ANNarchy's message), or when the file
    /// cannot be written.
    ///
    /// # Examples
    ///
    /// ```
    /// use annarchy_runtime::network::Network;
    /// use annarchy_runtime::report::ReportOptions;
    ///
    /// let mut b = Network::builder().dt(0.5)?;
    /// b.spike_source_array("input", &[vec![1.0, 5.0], vec![2.0]])?;
    /// let net = b.build()?;
    ///
    /// let dir = std::env::temp_dir().join("annarchy-report-example");
    /// let options = ReportOptions {
    ///     title: Some("Two spike trains".into()),
    ///     ..ReportOptions::default()
    /// };
    /// net.report(dir.join("network.md"), &options)?;
    /// let text = std::fs::read_to_string(dir.join("network.md"))?;
    /// assert!(text.starts_with("---\ntitle: Two spike trains\n"));
    /// assert!(text.contains("* Numerical step size: 0.5 ms."));
    /// assert!(text.contains("| input          | 2        | Spike source    | "));
    ///
    /// let wrong = net.report(dir.join("network.txt"), &options).unwrap_err();
    /// assert_eq!(
    ///     wrong.to_string(),
    ///     "report(): the filename must end with .tex or .md."
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn report(&self, path: impl AsRef<Path>, options: &ReportOptions) -> Result<()> {
        let path = path.as_ref();
        let name = path.to_string_lossy();
        let text = if name.ends_with(".tex") {
            self.report_latex(options)
        } else if name.ends_with(".md") {
            self.report_markdown(options)
        } else {
            return Err(Error::Invalid {
                object: "report()".into(),
                reason: "the filename must end with .tex or .md.".into(),
            });
        };
        let failed = |e: std::io::Error| Error::Invalid {
            object: format!("file `{}`", path.display()),
            reason: format!("cannot be written: {e}"),
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(failed)?;
        }
        std::fs::write(path, text).map_err(failed)
    }

    /// The description as Markdown (ANNarchy's `report(filename="....md")`):
    /// the structure of the network (populations, projections with their
    /// connection pattern), each neuron and synapse model (description,
    /// parameters, equations in `$$ ... $$`, spike emission, events,
    /// functions), then the current values of the constants and of the
    /// parameters of every population and projection.
    pub fn report_markdown(&self, options: &ReportOptions) -> String {
        Report { net: self }.markdown(options)
    }

    /// The description as a LaTeX document (ANNarchy's
    /// `report(filename="....tex")`): the tables of Nordlie et al. (2009),
    /// A to H: model summary, populations, connectivity, neuron and
    /// synapse models with their equations, parameters (constants, and the
    /// current values of the parameters of every population and
    /// projection), inputs and measurements. Without
    /// [`ReportOptions::standalone`], the tables only, to `\input` in a
    /// document that loads the packages of the preamble.
    pub fn report_latex(&self, options: &ReportOptions) -> String {
        Report { net: self }.latex(options)
    }
}

/// The network being described.
struct Report<'a> {
    net: &'a Network,
}

impl Report<'_> {
    /// The populations, in order of creation.
    fn pops(&self) -> &[Population] {
        &self.net.objects.pops
    }

    /// The symbol of a constant, from a model that reads it.
    fn constant_symbol(&self, name: &str) -> String {
        let objects = &self.net.objects;
        objects
            .pops
            .iter()
            .map(|p| p.state.info())
            .chain(objects.projs.iter().map(|p| p.state.info()))
            .find_map(|info| info.latex.symbol(name))
            .map_or_else(
                || format!(r"\text{{{}}}", name.replace('_', r"\_")),
                str::to_string,
            )
    }

    /// The projections, those joining the same populations on the same
    /// target once when `gather`.
    fn projs(&self, gather: bool) -> Vec<&Projection> {
        let mut out: Vec<&Projection> = Vec::new();
        for p in &self.net.objects.projs {
            let seen = out
                .iter()
                .any(|q| q.pre == p.pre && q.post == p.post && q.target == p.target);
            if !(gather && seen) {
                out.push(p);
            }
        }
        out
    }

    fn pop_name(&self, index: usize) -> &str {
        &self.net.objects.pops[index].name
    }

    /// `pop1 $\rightarrow$ pop2 with target exc`
    fn projection_title(&self, p: &Projection) -> String {
        format!(
            r"{} $\rightarrow$ {} with target {}",
            self.pop_name(p.pre).replace('_', r"\_"),
            self.pop_name(p.post).replace('_', r"\_"),
            p.target.replace('_', r"\_")
        )
    }

    fn markdown(&self, options: &ReportOptions) -> String {
        let mut out = format!(
            "---\ntitle: {}\nauthor: {}\ndate: {}\n---\n",
            options.title.as_deref().unwrap_or("Network description"),
            options
                .author
                .as_deref()
                .unwrap_or("annarchy (Artificial Neural Networks architect)"),
            options.date.as_deref().unwrap_or("")
        );
        self.md_structure(&mut out);
        out.push_str("\n# Neuron models\n");
        let neurons = unique(self.pops().iter().map(|p| p.state.info()));
        for info in neurons {
            md_model(&mut out, info);
        }
        out.push_str("\n# Synapse models\n");
        let synapses = unique(self.net.objects.projs.iter().map(|p| p.state.info()));
        for info in synapses.into_iter().filter(|i| i.name != "-") {
            md_model(&mut out, info);
        }
        self.md_parameters(&mut out, options.gather_subprojections);
        out
    }

    fn md_structure(&self, out: &mut String) {
        let threads = self.net.threads();
        let _ = write!(
            out,
            "\n# Structure of the network\n\n* annarchy {} using {threads} thread{}.\n* Numerical step size: {} ms.\n",
            env!("CARGO_PKG_VERSION"),
            if threads == 1 { "" } else { "s" },
            float(self.net.get_dt())
        );
        let pops = self.pops();
        if !pops.is_empty() {
            let rows: Vec<Vec<String>> = pops
                .iter()
                .map(|p| {
                    let dims = p.geometry.dims();
                    let size = if dims.len() > 1 {
                        format!(
                            "({})",
                            dims.iter()
                                .map(usize::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    } else {
                        p.size().to_string()
                    };
                    vec![p.name.clone(), size, label(p.state.info()).to_string()]
                })
                .collect();
            out.push_str("\n## Populations\n\n");
            out.push_str(&table(&["Population", "Size", "Neuron type"], &rows));
        }
        let projs = &self.net.objects.projs;
        if !projs.is_empty() {
            let rows: Vec<Vec<String>> = projs
                .iter()
                .map(|p| {
                    vec![
                        self.pop_name(p.pre).to_string(),
                        self.pop_name(p.post).to_string(),
                        p.target.clone(),
                        label(p.state.info()).to_string(),
                        p.connector.description.clone(),
                    ]
                })
                .collect();
            out.push_str("\n## Projections\n\n");
            out.push_str(&table(
                &["Source", "Destination", "Target", "Synapse type", "Pattern"],
                &rows,
            ));
        }
        self.md_monitors(out);
    }

    /// The monitors: what each records, and how often.
    fn md_monitors(&self, out: &mut String) {
        use crate::monitor::Source;
        let o = &self.net.objects;
        if o.monitors.is_empty() {
            return;
        }
        let rows: Vec<Vec<String>> = o
            .monitors
            .iter()
            .map(|m| {
                let object = match &m.source {
                    Source::Population(p, None) => o.pops[*p].name.clone(),
                    Source::Population(p, Some(_)) => format!("{} (subset)", o.pops[*p].name),
                    Source::Projection(p, None) => o.projs[*p].name.clone(),
                    Source::Projection(p, Some(k)) => {
                        format!("{} (dendrite {k})", o.projs[*p].name)
                    }
                };
                let vars: Vec<&str> = m.vars.iter().map(|(n, _)| n.as_str()).collect();
                vec![
                    object,
                    vars.join(", "),
                    format!("{} ms", float(m.period as f64 * self.net.get_dt())),
                ]
            })
            .collect();
        out.push_str("\n## Monitors\n\n");
        out.push_str(&table(&["Object", "Variables", "Period"], &rows));
    }

    fn md_parameters(&self, out: &mut String, gather: bool) {
        out.push_str("\n# Parameters\n");
        let constants = &self.net.objects.constants;
        if !constants.is_empty() {
            let rows: Vec<Vec<String>> = constants
                .iter()
                .map(|(n, v)| vec![format!("${}$", self.constant_symbol(n)), float(*v)])
                .collect();
            out.push_str("\n## Constants\n\n");
            out.push_str(&table(&["Name", "Value"], &rows));
        }
        let mut rows = Vec::new();
        for p in self.pops() {
            let info = p.state.info();
            let values = parameter_values(info, |i| p.state.attr(i));
            md_parameter_rows(&mut rows, p.name.replace('_', r"\_"), label(info), values);
        }
        out.push_str("\n## Population parameters\n\n");
        out.push_str(&table(
            &["Population", "Neuron type", "Name", "Value"],
            &rows,
        ));
        let mut rows = Vec::new();
        for p in self.projs(gather) {
            let info = p.state.info();
            let values = parameter_values(info, |i| p.state.attr(i));
            md_parameter_rows(&mut rows, self.projection_title(p), label(info), values);
        }
        out.push_str("\n## Projection parameters\n\n");
        out.push_str(&table(
            &["Projection", "Synapse type", "Name", "Value"],
            &rows,
        ));
    }

    fn latex(&self, options: &ReportOptions) -> String {
        let mut out = String::new();
        if options.standalone {
            out.push_str(LATEX_HEADER);
            out.push_str(LATEX_PREAMBLE);
        }
        self.tex_summary(&mut out);
        self.tex_populations(&mut out);
        self.tex_connectivity(&mut out, options.gather_subprojections);
        let neurons = unique(self.pops().iter().map(|p| p.state.info()));
        let mut first = true;
        for info in neurons
            .into_iter()
            .filter(|i| !matches!(i.name, "Timed Array" | "Input Array"))
            .filter(|i| i.latex != crate::model::ModelLatex::EMPTY)
        {
            tex_neuron(&mut out, info, first);
            first = false;
        }
        let synapses = unique(self.net.objects.projs.iter().map(|p| p.state.info()));
        let mut first = true;
        for info in synapses.into_iter().filter(|i| i.name != "-") {
            tex_synapse(&mut out, info, first);
            first = false;
        }
        self.tex_parameters(&mut out, options.gather_subprojections);
        self.tex_inputs(&mut out);
        out.push_str(
            r"
\noindent
\begin{tabularx}{\linewidth}{|l|X|}\hline
\hdr{2}{H}{Measurement}\\ \hline
\textbf{Type} & \textbf{Description} \\ \hline
---
\\ \hline
\end{tabularx}
",
        );
        if options.standalone {
            out.push_str("\n\\end{document}\n");
        }
        out
    }

    fn tex_summary(&self, out: &mut String) {
        let pops = self.pops();
        let names: Vec<String> = pops.iter().map(|p| tex_text(&p.name)).collect();
        let mut connectors: Vec<String> = Vec::new();
        for p in &self.net.objects.projs {
            let c = tex_text(&p.connector.name);
            if !connectors.contains(&c) {
                connectors.push(c);
            }
        }
        let infos = unique(pops.iter().map(|p| p.state.info()));
        let neurons: Vec<String> = infos
            .iter()
            .filter(|i| !INPUT_NAMES.contains(&i.name))
            .map(|i| tex_text(label(i)))
            .collect();
        let inputs: Vec<String> = infos
            .iter()
            .filter(|i| INPUT_NAMES.contains(&i.name))
            .map(|i| tex_text(label(i)))
            .collect();
        let synapses: Vec<String> = unique(self.net.objects.projs.iter().map(|p| p.state.info()))
            .iter()
            .filter(|i| i.name != "-")
            .map(|i| tex_text(label(i)))
            .collect();
        let or_none = |v: &[String]| {
            if v.is_empty() {
                "---".to_string()
            } else {
                v.join(", ")
            }
        };
        let _ = write!(
            out,
            r"
\noindent
\begin{{tabularx}}{{\linewidth}}{{|l|X|}}\hline
\hdr{{2}}{{A}}{{Model Summary}}\\ \hline
\textbf{{Populations}}     & {}: {} \\ \hline
\textbf{{Topology}}        & --- \\ \hline
\textbf{{Connectivity}}    & {} \\ \hline
\textbf{{Neuron models}}   & {} \\ \hline
\textbf{{Channel models}}  & --- \\ \hline
\textbf{{Synapse models}}  & --- \\ \hline
\textbf{{Plasticity}}      & {} \\ \hline
\textbf{{Input}}           & {} \\ \hline
\textbf{{Measurements}}    & --- \\ \hline
\end{{tabularx}}

\vspace{{2ex}}
",
            pops.len(),
            names.join(", "),
            or_none(&connectors),
            or_none(&neurons),
            or_none(&synapses),
            or_none(&inputs),
        );
    }

    fn tex_populations(&self, out: &mut String) {
        let mut rows = String::new();
        for p in self.pops() {
            let dims = p.geometry.dims();
            let mut size = p.size().to_string();
            if dims.len() > 1 {
                let d: Vec<String> = dims.iter().map(usize::to_string).collect();
                let _ = write!(size, " ({})", d.join("*"));
            }
            let name = tex_text(&p.name);
            let _ = write!(
                rows,
                "\n    {name} & {} & $N_{{\\text{{{name}}}}}$ = {size} \\\\ \\hline\n",
                tex_text(label(p.state.info()))
            );
        }
        let _ = write!(
            out,
            r"
\noindent
\begin{{tabularx}}{{\linewidth}}{{|l|l|X|}}\hline
\hdr{{3}}{{B}}{{Populations}}\\ \hline
\textbf{{Name}} & \textbf{{Elements}} & \textbf{{Size}} \\ \hline
{rows}
\end{{tabularx}}

\vspace{{2ex}}
"
        );
    }

    fn tex_connectivity(&self, out: &mut String, gather: bool) {
        let mut rows = String::new();
        for p in self.projs(gather) {
            let _ = write!(
                rows,
                "\n    {} & {} & {} & {} &\n    {} \\\\ \\hline\n",
                tex_text(self.pop_name(p.pre)),
                tex_text(self.pop_name(p.post)),
                tex_text(&p.target),
                tex_text(label(p.state.info())),
                tex_text(&p.connector.description)
            );
        }
        let _ = write!(
            out,
            r"
\noindent
\begin{{tabularx}}{{\linewidth}}{{|l|l|l|X|X|}}\hline
\hdr{{5}}{{C}}{{Connectivity}}\\ \hline
\textbf{{Source}} & \textbf{{Destination}} & \textbf{{Target}} & \textbf{{Synapse}} & \textbf{{Pattern}} \\ \hline
{rows}
\end{{tabularx}}

\vspace{{2ex}}
"
        );
    }

    fn tex_parameters(&self, out: &mut String, gather: bool) {
        out.push_str(
            r"
\noindent
\begin{tabularx}{\linewidth}{|X|}\hline
\hdr{1}{F}{Parameters}\\ \hline
\\ \hline
\end{tabularx}
\vspace{2ex}
",
        );
        let three = |out: &mut String, head: &str, rows: &str| {
            let _ = write!(
                out,
                r"
\noindent
\begin{{tabularx}}{{\linewidth}}{{|p{{0.25\linewidth}}|p{{0.25\linewidth}}|X|}}\hline
{head}   \\ \hline
{rows}
\end{{tabularx}}

\vspace{{2ex}}
"
            );
        };
        let constants = &self.net.objects.constants;
        if !constants.is_empty() {
            let rows: String = constants
                .iter()
                .map(|(n, v)| {
                    format!(
                        "\n    & ${}$ & {} \\\\ \\hline\n",
                        self.constant_symbol(n),
                        float(*v)
                    )
                })
                .collect();
            three(
                out,
                r"\textbf{Constants} & \textbf{Name} & \textbf{Value}",
                &rows,
            );
        }
        for p in self.pops() {
            let info = p.state.info();
            let values = parameter_values(info, |i| p.state.attr(i));
            let rows = tex_parameter_rows(tex_text(&p.name), values);
            if !rows.is_empty() {
                three(
                    out,
                    r"\textbf{Population} & \textbf{Parameter} & \textbf{Value}",
                    &rows,
                );
            }
        }
        for p in self.projs(gather) {
            let info = p.state.info();
            let values = parameter_values(info, |i| p.state.attr(i));
            let rows = tex_parameter_rows(self.projection_title(p), values);
            if !rows.is_empty() {
                three(
                    out,
                    r"\textbf{Projection} & \textbf{Parameter} & \textbf{Value}",
                    &rows,
                );
            }
        }
    }

    fn tex_inputs(&self, out: &mut String) {
        let mut rows = String::new();
        for p in self.pops() {
            let info = p.state.info();
            if INPUT_NAMES.contains(&info.name) {
                let _ = writeln!(
                    rows,
                    r"{} & {} \\ \hline",
                    tex_text(&p.name),
                    tex_text(info.description)
                );
            }
        }
        let _ = write!(
            out,
            r"
\noindent
\begin{{tabularx}}{{\linewidth}}{{|l|X|}}\hline
\hdr{{2}}{{G}}{{Input}}\\ \hline
\textbf{{Name}} & \textbf{{Description}} \\ \hline
{rows}
\end{{tabularx}}

\vspace{{2ex}}
"
        );
    }
}

/// The Markdown of one neuron or synapse model.
fn md_model(out: &mut String, info: &ModelInfo) {
    let kind = info.kind;
    let _ = write!(
        out,
        "\n## {}\n\n{}\n\n**Parameters:**\n\n",
        label(info),
        info.description
    );
    let rows: Vec<Vec<String>> = parameters(info)
        .map(|a| {
            vec![
                format!("${}$", symbol(info, a.name)),
                typed(a.init, a.value_type),
                locality(kind, a.locality).to_string(),
                ctype(a.value_type).to_string(),
            ]
        })
        .collect();
    if rows.is_empty() {
        out.push_str("$$\\varnothing$$\n");
    } else {
        out.push_str(&table(
            &["Name", "Default value", "Locality", "Type"],
            &rows,
        ));
    }
    let latex = &info.latex;
    out.push_str("\n**Equations:**\n");
    if latex.equations.is_empty() {
        out.push_str("\n$$\\varnothing$$\n");
    }
    for eq in latex.equations {
        let (l, init) = info
            .attribute(eq.variable)
            .map_or((Locality::Local, String::new()), |a| {
                (a.locality, typed(a.init, a.value_type))
            });
        let mut line = format!(
            "\n* Variable ${}$ : {}, initial value: {init}",
            symbol(info, eq.variable),
            locality(kind, l)
        );
        if !eq.min.is_empty() {
            let _ = write!(line, ", minimum: ${}$", eq.min);
        }
        if !eq.max.is_empty() {
            let _ = write!(line, ", maximum: ${}$", eq.max);
        }
        if !eq.method.is_empty() {
            let _ = write!(line, ", {} numerical method", eq.method);
        }
        let _ = write!(out, "{line}\n\n$$\n{}\n$$\n", eq.latex);
    }
    if kind == ModelKind::Neuron && info.spiking && !latex.spike.is_empty() {
        let _ = write!(
            out,
            "\n**Spike emission:**\n\nif ${}$ :\n\n* Emit a spike at time $t$.\n",
            latex.spike
        );
        for r in latex.reset {
            let _ = writeln!(out, "* ${r}$");
        }
        if let Some(r) = refractory(info) {
            let _ = writeln!(out, "* Refractory period of {r}.");
        }
    }
    if kind == ModelKind::Synapse {
        if !latex.pre_spike.is_empty() {
            out.push_str("\n**Pre-synaptic event at $t_\\text{pre} + d$:**\n\n");
            for s in latex.pre_spike {
                let _ = writeln!(out, "$${s}$$");
            }
        }
        if !latex.post_spike.is_empty() {
            out.push_str("\n**Post-synaptic event at $t_\\text{post}$:**\n\n");
            for s in latex.post_spike {
                let _ = writeln!(out, "$${s}$$");
            }
        }
        if !latex.psp.is_empty() {
            if info.spiking {
                let _ = write!(
                    out,
                    "\n**Continuous transmission:**\n\n$$g_{{\\text{{target}}}} \\mathrel{{+}}= {}$$\n",
                    latex.psp
                );
            } else if info.operation == "sum" {
                let _ = write!(out, "\n**Weighted sum:**\n\n$${}$$\n", latex.psp);
            } else {
                let _ = write!(
                    out,
                    "\n**Transmission ({} over the synapses):**\n\n$${}$$\n",
                    info.operation, latex.psp
                );
            }
        }
    }
    if !latex.functions.is_empty() {
        out.push_str("\n**Functions:**\n\n");
        for f in latex.functions {
            let _ = write!(out, "$${f}$$\n\n");
        }
    }
}

/// `\begin{dmath*} ... \end{dmath*}` for each line.
fn dmath(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| format!("\n\\begin{{dmath*}}\n{l}\n\\end{{dmath*}}\n"))
        .collect()
}

/// The table of one neuron model (D).
fn tex_neuron(out: &mut String, info: &ModelInfo, first: bool) {
    let latex = &info.latex;
    let equations: Vec<&str> = latex.equations.iter().map(|e| e.latex).collect();
    let mut spike = String::new();
    if info.spiking && !latex.spike.is_empty() {
        let mut items = String::from("\n    \\item Emit a spike at time $t^*$");
        for r in latex.reset {
            let _ = write!(items, "\n    \\item ${r}$");
        }
        if let Some(r) = refractory(info) {
            let _ = write!(items, "\n    \\item Refractory period of {r}");
        }
        let _ = write!(
            spike,
            "\n\\textbf{{Spiking}} &\nIf ${}$:\n\\begin{{enumerate}}{items}\n\\end{{enumerate}}\n\\\\ \\hline\n",
            latex.spike
        );
    }
    let _ = write!(
        out,
        r"
\noindent
\begin{{tabularx}}{{\linewidth}}{{|p{{0.15\linewidth}}|X|}}\hline
{}
\textbf{{Name}} & {} \\ \hline
\textbf{{Type}} & {}\\ \hline
\textbf{{{}}} &
{}
\\ \hline
{spike}{}
\end{{tabularx}}
\vspace{{2ex}}
",
        if first {
            r"\hdr{2}{D}{Neuron Models}\\ \hline"
        } else {
            ""
        },
        tex_text(label(info)),
        tex_text(info.description),
        if info.spiking {
            "Subthreshold dynamics"
        } else {
            "Equations"
        },
        dmath(&equations),
        tex_functions(info),
    );
}

/// The row of a model's functions, if it has any.
fn tex_functions(info: &ModelInfo) -> String {
    if info.latex.functions.is_empty() {
        return String::new();
    }
    format!(
        "\n\\textbf{{Functions}} &\n{}\n\\\\ \\hline\n",
        dmath(info.latex.functions)
    )
}

/// The table of one synapse model (E).
fn tex_synapse(out: &mut String, info: &ModelInfo, first: bool) {
    let latex = &info.latex;
    let row = |title: &str, lines: &[&str]| {
        if lines.is_empty() {
            String::new()
        } else {
            format!("\n\\textbf{{{title}}} &\n{}\n\\\\ \\hline\n", dmath(lines))
        }
    };
    let psp = if latex.psp.is_empty() {
        String::new()
    } else if info.spiking {
        row(
            "PSP",
            &[&format!(
                r"g_{{\text{{target}}}} \mathrel{{+}}= {}",
                latex.psp
            )],
        )
    } else {
        row("PSP", &[latex.psp])
    };
    let equations: Vec<&str> = latex.equations.iter().map(|e| e.latex).collect();
    let _ = write!(
        out,
        r"
\noindent
\begin{{tabularx}}{{\linewidth}}{{|p{{0.15\linewidth}}|X|}}\hline
{}
\textbf{{Name}} & {} \\ \hline
\textbf{{Type}} & {}\\ \hline
{psp}{}{}{}{}
\end{{tabularx}}
\vspace{{2ex}}
",
        if first {
            r"\hdr{2}{E}{Synapse Models}\\ \hline"
        } else {
            ""
        },
        tex_text(label(info)),
        tex_text(info.description),
        row("Equations", &equations),
        row("Pre-synaptic event", latex.pre_spike),
        row("Post-synaptic event", latex.post_spike),
        tex_functions(info),
    );
}

/// The comment that opens a standalone LaTeX report (the tables are those
/// of Nordlie et al., whose licence asks for this notice).
const LATEX_HEADER: &str = r"
%  LaTeX file for generating the Model Description Table in Fig. 5 of
%
%  Nordlie E, Gewaltig M-O, Plesser HE (2009)
%  Towards Reproducible Descriptions of Neuronal Network Models.
%  PLoS Comput Biol 5(8): e1000456.
%
%  Paper URL : http://dx.doi.org/10.1371/journal.pcbi.1000456
%  Figure URL: http://dx.doi.org/10.1371/journal.pcbi.1000456.g005
%
%  This file is released under a
%
%   Creative Commons Attribution, non-commercial, share-alike licence
%   http://creativecommons.org/licenses/by-nc-sa/3.0/de/deed.en
%
%  with the following specifications:
%
%  1. When publishing tables generated from this LaTeX file and modified
%     versions of it, you must cite the paper by Nordlie et al given above.
%
%  2. The non-commercial clause applies only to the distribution of THIS FILE
%     and LaTeX source code files derived from it. You may commercially publish
%     documents generated using this file and derivatived versions of this file.
%
%  Contact: Hans Ekkehard Plesser, UMB (hans.ekkehard.plesser at umb.no)
";

/// The packages and the `\hdr` command the tables use.
const LATEX_PREAMBLE: &str = r"
\documentclass{article}
\usepackage[margin=1in]{geometry}
\usepackage{tabularx}
\usepackage{multirow}
\usepackage{colortbl}

\usepackage[fleqn]{amsmath}
\setlength{\mathindent}{0em}
\usepackage{breqn}

\usepackage[scaled=.95]{helvet}
\renewcommand\familydefault{\sfdefault}

\renewcommand\arraystretch{1.2}
\pagestyle{empty}

\newcommand{\hdr}[3]{
    \multicolumn{#1}{|l|}{
        \color{white}\cellcolor[gray]{0.0}
        \textbf{\makebox[0pt]{#2}\hspace{0.5\linewidth}\makebox[0pt][c]{#3}}
    }
}

\begin{document}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_padded_like_annarchy() {
        let t = table(
            &["Name", "Value"],
            &[
                vec![r"$\tau$".into(), "10.0".into()],
                vec!["a|b".into(), "1".into()],
            ],
        );
        assert_eq!(
            t,
            "| **Name** | **Value** | \n| -------- | --------- | \n| $\\tau$   | 10.0      | \n| a\\|b     | 1         | \n\n"
        );
    }

    #[test]
    fn values_as_python_prints_them() {
        assert_eq!(typed(10.0, ValueType::Float), "10.0");
        assert_eq!(typed(0.01, ValueType::Float), "0.01");
        assert_eq!(typed(-65.0, ValueType::Float), "-65.0");
        assert_eq!(typed(1.0, ValueType::Bool), "True");
        assert_eq!(typed(0.0, ValueType::Bool), "False");
        assert_eq!(typed(3.0, ValueType::Int), "3");
        assert_eq!(current(AttrRef::Scalar(2.5), ValueType::Float), "2.5");
        assert_eq!(
            current(AttrRef::Array(&[1.0, 1.0]), ValueType::Float),
            "1.0"
        );
        assert_eq!(
            current(AttrRef::Array(&[0.5, -1.0, 2.0]), ValueType::Float),
            "$[-1.0, 2.0]$"
        );
        assert_eq!(current(AttrRef::Array(&[]), ValueType::Float), "");
        assert_eq!(float(f64::NAN), "nan");
    }

    #[test]
    fn latex_text_is_escaped() {
        assert_eq!(tex_text("pop_1 & 50% #2"), r"pop\_1 \& 50\% \#2");
        assert_eq!(
            tex_text("a^b~{c}"),
            r"a\textasciicircum{}b\textasciitilde{}\{c\}"
        );
    }
}
