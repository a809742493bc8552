//! Rendering machinery shared by every plot: the bundled font, the two
//! backends (PNG through an in-memory bitmap, SVG through a string), sizes
//! that scale with the figure, axes with chosen ticks, the frame, clipping
//! and decimation of lines, and the legend.

use std::path::Path;
use std::sync::OnceLock;

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor;

use super::PlotOptions;
use crate::error::{Error, Result};

/// The font family of every text: the bundled DejaVu Sans in PNG images;
/// in SVG files the name is written as is, a CSS font list whose fallback is
/// the viewer's sans-serif font.
pub(super) const FAMILY: &str = "DejaVu Sans, sans-serif";

/// DejaVu Sans 2.37 (licence in `runtime/assets/LICENSE-DejaVu.txt`).
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Registers the bundled font with plotters, once.
fn register_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(Error::invalid("plot", "the bundled font cannot be read"))
    }
}

/// The colours of successive lines (matplotlib's `tab10`).
pub(super) const PALETTE: [RGBColor; 10] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

/// Result of drawing on a backend `DB`.
pub(super) type DrawResult<T, DB> =
    std::result::Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The coordinates of every chart: two `f64` axes with chosen ticks.
pub(super) type Coord = Cartesian2d<Scale, Scale>;

/// A linear `f64` axis of plotters whose ticks are given.
#[derive(Clone, Debug)]
pub(super) struct Scale {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ranged for Scale {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let f = (v - self.lo) / (self.hi - self.lo);
        let length = f64::from(limit.1 - limit.0);
        // `as` saturates: values far outside land far outside.
        limit.0 + (length * f).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// A plot that can be drawn on any backend.
pub(super) trait Figure {
    /// Draws the plot and its title (if any) on `root`, the whole image.
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        style: &Style,
        title: Option<&str>,
    ) -> DrawResult<(), DB>;
}

/// Sizes of the figure: one unit is one pixel of an 800 x 600 image, and
/// scales with the smaller side of the image (and with the supersampling of
/// PNG images).
#[derive(Clone, Copy, Debug)]
pub(super) struct Style {
    /// Backend pixels per unit.
    pub u: f64,
    /// Whether the backend draws vectors (SVG) rather than pixels.
    pub vector: bool,
}

impl Style {
    /// `v` units in backend pixels, at least one.
    pub fn px(&self, v: f64) -> i32 {
        ((v * self.u).round() as i32).max(1)
    }

    /// The text style of `size` units.
    pub fn font(&self, size: f64) -> TextStyle<'static> {
        (FAMILY, size * self.u).into_font().color(&BLACK)
    }

    /// Tick labels.
    pub fn tick_font(&self) -> TextStyle<'static> {
        self.font(15.0)
    }

    /// Axis descriptions.
    pub fn label_font(&self) -> TextStyle<'static> {
        self.font(17.0)
    }

    /// Length of a tick mark.
    pub fn tick(&self) -> i32 {
        self.px(5.0)
    }

    /// Width of the axes and of the frame.
    pub fn frame_width(&self) -> u32 {
        self.px(1.0) as u32
    }
}

/// One axis: its limits, its ticks and how they are written, its label.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Axis {
    /// Lower limit (in plotted coordinates).
    pub lo: f64,
    /// Upper limit.
    pub hi: f64,
    /// Tick positions, within the limits.
    pub ticks: Vec<f64>,
    /// How the tick labels are written.
    pub labels: Labels,
    /// Description of the axis (empty: none).
    pub label: String,
    /// Whether the plotted coordinate is the negated value (for axes that
    /// grow downwards: the labels show `-coordinate`).
    pub negated: bool,
    /// Whether ticks are whole numbers only.
    pub integer: bool,
}

impl Axis {
    /// An axis from `lo` to `hi` (`lo < hi`, finite) with about six ticks at
    /// round values, integers only when `integer`.
    pub fn new(lo: f64, hi: f64, integer: bool, label: String) -> Axis {
        let (ticks, labels) = ticks(lo, hi, integer, 6.0);
        Axis {
            lo,
            hi,
            ticks,
            labels,
            label,
            negated: false,
            integer,
        }
    }

    /// The same axis with at most about `target` intervals between ticks
    /// (at least 2, at most 6).
    pub fn retick(&self, target: f64) -> Axis {
        let target = target.clamp(2.0, 6.0);
        let (lo, hi) = if self.negated {
            (-self.hi, -self.lo)
        } else {
            (self.lo, self.hi)
        };
        let (ticks, labels) = ticks(lo, hi, self.integer, target);
        let axis = Axis {
            lo,
            hi,
            ticks,
            labels,
            label: self.label.clone(),
            negated: false,
            integer: self.integer,
        };
        if self.negated { axis.negate() } else { axis }
    }

    /// An axis over the data from `lo` to `hi` padded by `pad` of its span
    /// on each side (a range of zero span is widened), or over `fixed`.
    pub fn fit(
        (lo, hi): (f64, f64),
        pad: f64,
        fixed: Option<(f64, f64)>,
        integer: bool,
        label: String,
    ) -> Axis {
        let (lo, hi) = fixed.unwrap_or_else(|| padded(lo, hi, pad));
        Axis::new(lo, hi, integer, label)
    }

    /// The same axis with plotted coordinates negated, so that values grow
    /// downwards.
    pub fn negate(self) -> Axis {
        Axis {
            lo: -self.hi,
            hi: -self.lo,
            ticks: self.ticks.iter().rev().map(|t| -t).collect(),
            negated: true,
            ..self
        }
    }

    /// The tick label at plotted coordinate `v`.
    pub fn format(&self, v: f64) -> String {
        let v = if self.negated { -v } else { v };
        let s = match self.labels {
            Labels::Fixed(d) => format!("{v:.d$}"),
            Labels::Scientific(_) if v == 0.0 => "0".to_string(),
            Labels::Scientific(d) => format!("{v:.d$e}"),
        };
        // No "-0" or "-0.0".
        if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
            s[1..].to_string()
        } else {
            s
        }
    }

    /// Whether `v` lies within the limits.
    pub fn contains(&self, v: f64) -> bool {
        self.lo <= v && v <= self.hi
    }

    /// The coordinate of plotters, with these ticks.
    pub fn scale(&self) -> Scale {
        Scale {
            lo: self.lo,
            hi: self.hi,
            ticks: self.ticks.clone(),
        }
    }
}

/// `lo..hi` widened by `pad` of its span on each side; a range of zero span
/// is widened by a tenth of the value (or by one around 0).
pub(super) fn padded(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    let span = hi - lo;
    if span > f64::EPSILON * lo.abs().max(hi.abs()) {
        (lo - pad * span, hi + pad * span)
    } else {
        let d = if lo == 0.0 { 1.0 } else { 0.1 * lo.abs() };
        (lo - d, hi + d)
    }
}

/// A round step (1, 2, 2.5 or 5 times a power of ten; no 2.5 between 1 and
/// 10 when `integer`) giving at most about `target` intervals over `span`.
pub(super) fn nice_step(span: f64, target: f64, integer: bool) -> f64 {
    let raw = span / target;
    let mag = 10f64.powf(raw.log10().floor());
    let quarter = !(integer && mag < 10.0);
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .filter(|&m| m != 2.5 || quarter)
        .map(|m| m * mag)
        .find(|&s| s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag)
}

/// How tick labels are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Labels {
    /// With this many decimals.
    Fixed(usize),
    /// In scientific notation (`2.5e-6`), with this many decimals in the
    /// mantissa: for values of 10^6 and more, or below 10^-3.
    Scientific(usize),
}

/// Round tick positions within `lo..=hi`, and how to write them.
fn ticks(lo: f64, hi: f64, integer: bool, target: f64) -> (Vec<f64>, Labels) {
    let mut step = nice_step(hi - lo, target, integer);
    if integer {
        step = step.max(1.0).round();
    }
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    if !(step.is_finite() && step > 0.0) || last.saturating_sub(first) > 100 {
        return (Vec::new(), Labels::Fixed(0));
    }
    let ticks: Vec<f64> = (first..=last).map(|k| k as f64 * step).collect();
    let largest = ticks.iter().fold(0.0f64, |m, t| m.max(t.abs()));
    let labels = if largest >= 1e6 || (largest > 0.0 && largest < 1e-3) {
        let digits = largest.log10().floor() - step.log10().floor();
        Labels::Scientific(digits.clamp(0.0, 6.0) as usize)
    } else {
        // The fewest decimals that write the step exactly.
        let decimals = (0..=12)
            .find(|&d| {
                let scaled = step * 10f64.powi(d);
                (scaled - scaled.round()).abs() < 1e-6 * scaled
            })
            .unwrap_or(12);
        Labels::Fixed(decimals as usize)
    };
    (ticks, labels)
}

/// The space around the plotting area of a chart, in backend pixels.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Insets {
    /// Empty space left of the y label area.
    pub margin_left: i32,
    /// Width of the y label area (ticks, tick labels, description).
    pub left: i32,
    /// Empty space above the plotting area.
    pub top: i32,
    /// Empty space right of the plotting area.
    pub right: i32,
    /// Height of the x label area.
    pub bottom: i32,
    /// Empty space below the x label area.
    pub margin_bottom: i32,
}

/// The widest tick label of an axis, in backend pixels.
pub(super) fn widest_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &Style,
    axis: &Axis,
) -> DrawResult<i32, DB> {
    let font = style.tick_font();
    let mut w = 0;
    for &t in &axis.ticks {
        w = w.max(area.estimate_text_size(&axis.format(t), &font)?.0 as i32);
    }
    Ok(w)
}

/// The width of the label area of a vertical axis (tick marks, labels,
/// description) in backend pixels.
pub(super) fn vertical_label_area<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &Style,
    axis: &Axis,
) -> DrawResult<i32, DB> {
    let desc = if axis.label.is_empty() {
        0
    } else {
        style.px(8.0 + 1.2 * 17.0)
    };
    Ok(2 * style.tick() + widest_label(area, style, axis)? + desc + style.px(6.0))
}

/// The default space around the plotting area: room for the labels of `x`
/// and `y`, and `right` units on the right.
pub(super) fn insets<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &Style,
    x: &Axis,
    y: &Axis,
    right: f64,
) -> DrawResult<Insets, DB> {
    let desc = if x.label.is_empty() {
        0
    } else {
        style.px(17.0 + 8.0)
    };
    // Half of the last tick label may stick out of the plotting area.
    let half_last = x
        .ticks
        .last()
        .map(|&t| area.estimate_text_size(&x.format(t), &style.tick_font()))
        .transpose()?
        .map_or(0, |(w, _)| w as i32 / 2);
    Ok(Insets {
        margin_left: 0,
        left: vertical_label_area(area, style, y)?,
        top: style.px(14.0),
        right: style.px(right).max(half_last + style.px(4.0)),
        bottom: 2 * style.tick() + style.px(15.0) + desc + style.px(8.0),
        margin_bottom: 0,
    })
}

/// A chart over `x` and `y` in `area` with the given space around the
/// plotting area; its axes, ticks and labels are drawn (no grid).
pub(super) fn chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    style: &Style,
    x: &Axis,
    y: &Axis,
    insets: Insets,
) -> DrawResult<ChartContext<'a, DB, Coord>, DB> {
    // Fewer ticks on short axes, so that their labels keep apart.
    let (aw, ah) = area.dim_in_pixel();
    let w = aw as i32 - insets.margin_left - insets.left - insets.right;
    let h = ah as i32 - insets.top - insets.bottom - insets.margin_bottom;
    let x = &x.retick(f64::from(w) / (60.0 * style.u));
    let y = &y.retick(f64::from(h) / (45.0 * style.u));
    let mut chart = ChartBuilder::on(area)
        .margin_left(insets.margin_left)
        .margin_top(insets.top)
        .margin_right(insets.right)
        .margin_bottom(insets.margin_bottom)
        .y_label_area_size(insets.left)
        .x_label_area_size(insets.bottom)
        .build_cartesian_2d(x.scale(), y.scale())?;
    let x_fmt = |v: &f64| x.format(*v);
    let y_fmt = |v: &f64| y.format(*v);
    chart
        .configure_mesh()
        .disable_mesh()
        // Invisible axes: plotters draws labels only with axes, but its
        // axes and tick marks are not aligned with the frame.
        .axis_style(TRANSPARENT.stroke_width(1))
        .label_style(style.tick_font())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .set_all_tick_mark_size(style.tick())
        .draw()?;
    tick_marks(area, &chart, style, &x.ticks, &y.ticks, false)?;
    let (px, py) = chart.plotting_area().get_pixel_range();
    let size = 17.0 * style.u;
    if !x.label.is_empty() {
        let (_, label_h) = area.estimate_text_size("0", &style.tick_font())?;
        let cy = py.end + 2 * style.tick() + label_h as i32 + style.px(6.0) + (0.6 * size) as i32;
        description(area, style, &x.label, ((px.start + px.end) / 2, cy), false)?;
    }
    if !y.label.is_empty() {
        let cx = px.start
            - 2 * style.tick()
            - widest_label(area, style, y)?
            - style.px(8.0)
            - (0.6 * size) as i32;
        description(area, style, &y.label, (cx, (py.start + py.end) / 2), true)?;
    }
    Ok(chart)
}

/// Draws an axis description in `area` centred on `center` (backend
/// coordinates), turned a quarter anticlockwise when `vertical`.
pub(super) fn description<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &Style,
    text: &str,
    center: (i32, i32),
    vertical: bool,
) -> DrawResult<(), DB> {
    let mut font = style.label_font().pos(text_anchor::Pos::new(
        text_anchor::HPos::Center,
        text_anchor::VPos::Center,
    ));
    if vertical {
        font = font.transform(FontTransform::Rotate270);
    }
    // `draw_text` places text relative to the corner of the area.
    let (x0, y0) = area.get_base_pixel();
    area.draw_text(text, &font, (center.0 - x0, center.1 - y0))
}

/// Draws tick marks outside the plotting area of `chart` (in `area`): below it at
/// `xs`, left of it (right of it when `right`) at `ys`. (The tick labels are
/// drawn by plotters, its axes and tick marks are not: they are not
/// aligned with the frame.)
pub(super) fn tick_marks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &ChartContext<'_, DB, Coord>,
    style: &Style,
    xs: &[f64],
    ys: &[f64],
    right: bool,
) -> DrawResult<(), DB> {
    let (px, py) = chart.plotting_area().get_pixel_range();
    // Elements are clipped to their area: the marks are drawn on `area`.
    let screen = area.use_screen_coord();
    let line = BLACK.stroke_width(style.frame_width());
    let t = style.tick();
    for &x in xs {
        let (cx, _) = chart.backend_coord(&(x, chart.y_range().start));
        screen.draw(&PathElement::new(
            vec![(cx, py.end - 1), (cx, py.end - 1 + t)],
            line,
        ))?;
    }
    for &y in ys {
        let (_, cy) = chart.backend_coord(&(chart.x_range().start, y));
        let (a, b) = if right {
            (px.end - 1, px.end - 1 + t)
        } else {
            (px.start - t, px.start)
        };
        screen.draw(&PathElement::new(vec![(a, cy), (b, cy)], line))?;
    }
    Ok(())
}

/// Draws the frame around the plotting area of `chart`.
pub(super) fn frame<DB: DrawingBackend>(
    chart: &ChartContext<'_, DB, Coord>,
    style: &Style,
) -> DrawResult<(), DB> {
    let area = chart.plotting_area().strip_coord_spec();
    let (w, h) = area.dim_in_pixel();
    area.draw(&Rectangle::new(
        [(0, 0), (w as i32 - 1, h as i32 - 1)],
        BLACK.stroke_width(style.frame_width()),
    ))
}

/// Size in backend pixels of the plotting area of `chart`.
pub(super) fn plot_size<DB: DrawingBackend>(chart: &ChartContext<'_, DB, Coord>) -> (f64, f64) {
    let (w, h) = chart.plotting_area().dim_in_pixel();
    (f64::from(w), f64::from(h))
}

/// The pieces of the polyline through `points` that lie within the limits
/// of `x` and `y`: segments crossing a limit are cut at it, non-finite
/// points break the line.
pub(super) fn clip_polyline(points: &[(f64, f64)], x: &Axis, y: &Axis) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let mut flush = |current: &mut Vec<(f64, f64)>| {
        if !current.is_empty() {
            out.push(std::mem::take(current));
        }
    };
    if points.len() == 1 && finite(&points[0]) && x.contains(points[0].0) && y.contains(points[0].1)
    {
        return vec![points.to_vec()];
    }
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        if !(finite(&a) && finite(&b)) {
            flush(&mut current);
            continue;
        }
        match clip_segment(a, b, x, y) {
            Some((p, q)) => {
                if current.last() != Some(&p) {
                    flush(&mut current);
                    current.push(p);
                }
                current.push(q);
                if q != b {
                    flush(&mut current);
                }
            }
            None => flush(&mut current),
        }
    }
    flush(&mut current);
    out
}

/// The part of the segment `a`-`b` within the limits (Liang-Barsky).
fn clip_segment(
    a: (f64, f64),
    b: (f64, f64),
    x: &Axis,
    y: &Axis,
) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - x.lo),
        (dx, x.hi - a.0),
        (-dy, a.1 - y.lo),
        (dy, y.hi - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            (a.0 + t * dx, a.1 + t * dy)
        }
    };
    Some((at(t0), at(t1)))
}

/// At most about four points per bucket of `x`: the polyline through the
/// first, lowest, highest and last point of each bucket looks the same as
/// the full one when a bucket is one pixel wide. Points must be in
/// ascending `x`; lines with fewer than `4 * buckets` points are returned
/// as they are.
pub(super) fn decimate(points: &[(f64, f64)], buckets: usize) -> Vec<(f64, f64)> {
    if points.len() <= 4 * buckets.max(1) {
        return points.to_vec();
    }
    let (x0, x1) = (points[0].0, points[points.len() - 1].0);
    let width = (x1 - x0) / buckets as f64;
    if !(width > 0.0 && width.is_finite()) {
        return points.to_vec();
    }
    let bucket = |x: f64| (((x - x0) / width) as usize).min(buckets - 1);
    let mut out = Vec::with_capacity(4 * buckets);
    let mut start = 0;
    while start < points.len() {
        let b = bucket(points[start].0);
        let mut end = start + 1;
        while end < points.len() && bucket(points[end].0) == b && points[end].1.is_finite() {
            end += 1;
        }
        let run = &points[start..end];
        if run.len() <= 4 || !run[0].1.is_finite() {
            out.extend_from_slice(run);
        } else {
            let (mut lo, mut hi) = (0, 0);
            for (k, p) in run.iter().enumerate() {
                if p.1 < run[lo].1 {
                    lo = k;
                }
                if p.1 > run[hi].1 {
                    hi = k;
                }
            }
            let mut keep = [0, lo.min(hi), lo.max(hi), run.len() - 1];
            keep.sort_unstable();
            let mut prev = usize::MAX;
            for k in keep {
                if k != prev {
                    out.push(run[k]);
                    prev = k;
                }
            }
        }
        start = end;
    }
    out
}

/// One entry of a legend: a line of `color` and its text.
pub(super) struct LegendEntry<'a> {
    /// Colour of the line.
    pub color: RGBColor,
    /// Text.
    pub text: &'a str,
}

/// Size in backend pixels of the legend box of `entries`.
fn legend_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &Style,
    entries: &[LegendEntry<'_>],
) -> DrawResult<(i32, i32), DB> {
    let font = style.font(14.0);
    let mut text_w = 0;
    for e in entries {
        text_w = text_w.max(area.estimate_text_size(e.text, &font)?.0 as i32);
    }
    let w = style.px(8.0 + 28.0 + 8.0 + 10.0) + text_w;
    let h = style.px(8.0 + 8.0) + entries.len() as i32 * style.px(21.0);
    Ok((w, h))
}

/// Draws a legend in the corner of the plotting area of `chart` that hides
/// the fewest of `points` (each series' points, in plotted coordinates).
pub(super) fn legend<DB: DrawingBackend>(
    chart: &ChartContext<'_, DB, Coord>,
    style: &Style,
    entries: &[LegendEntry<'_>],
    points: &[&[(f64, f64)]],
    x: &Axis,
    y: &Axis,
) -> DrawResult<(), DB> {
    let area = chart.plotting_area().strip_coord_spec();
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let (bw, bh) = legend_size(&area, style, entries)?;
    let pad = style.px(10.0);
    // Fractions of the plotting area covered by the box in each corner.
    let fx = f64::from(bw + pad) / f64::from(w.max(1));
    let fy = f64::from(bh + pad) / f64::from(h.max(1));
    let corners = [(true, true), (false, true), (true, false), (false, false)];
    let hidden = |(right, top): (bool, bool)| {
        points
            .iter()
            .flat_map(|s| s.iter())
            .filter(|p| {
                let u = (p.0 - x.lo) / (x.hi - x.lo);
                let v = (p.1 - y.lo) / (y.hi - y.lo);
                let in_x = if right { u >= 1.0 - fx } else { u <= fx };
                let in_y = if top { v >= 1.0 - fy } else { v <= fy };
                in_x && in_y
            })
            .count()
    };
    let (right, top) = corners
        .into_iter()
        .min_by_key(|&c| hidden(c))
        .unwrap_or((true, true));
    let x0 = if right { w - pad - bw } else { pad };
    let y0 = if top { pad } else { h - pad - bh };
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + bw, y0 + bh)],
        WHITE.mix(0.85).filled(),
    ))?;
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + bw, y0 + bh)],
        RGBColor(0xcc, 0xcc, 0xcc).stroke_width(style.frame_width()),
    ))?;
    let font = style.font(14.0).pos(text_anchor::Pos::new(
        text_anchor::HPos::Left,
        text_anchor::VPos::Center,
    ));
    for (k, e) in entries.iter().enumerate() {
        let cy = y0 + style.px(8.0) + k as i32 * style.px(21.0) + style.px(10.5);
        let lx = x0 + style.px(8.0);
        area.draw(&PathElement::new(
            vec![(lx, cy), (lx + style.px(28.0), cy)],
            e.color.stroke_width(style.px(2.0) as u32),
        ))?;
        area.draw_text(e.text, &font, (lx + style.px(36.0), cy))?;
    }
    Ok(())
}

/// The pixels of an image drawn at `s` times its size, averaged over each
/// `s` x `s` block: anti-aliasing of lines and shapes.
fn downsample(buf: &[u8], width: u32, height: u32, s: u32) -> Vec<u8> {
    if s == 1 {
        return buf.to_vec();
    }
    let (w, h, s) = (width as usize, height as usize, s as usize);
    let big_w = w * s;
    let mut out = vec![0u8; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let mut sum = 0u32;
                for dy in 0..s {
                    let row = (y * s + dy) * big_w;
                    for dx in 0..s {
                        sum += u32::from(buf[(row + x * s + dx) * 3 + c]);
                    }
                }
                out[(y * w + x) * 3 + c] = ((sum + (s * s / 2) as u32) / (s * s) as u32) as u8;
            }
        }
    }
    out
}

/// Converts an error of plotters.
fn draw_error(e: impl std::fmt::Display) -> Error {
    Error::invalid("plot", format!("cannot be drawn: {e}"))
}

/// Height in backend pixels of the band of the title (a small margin
/// without title).
pub(super) fn title_height(style: &Style, title: Option<&str>) -> i32 {
    if title.is_some() {
        style.px(40.0)
    } else {
        style.px(4.0)
    }
}

/// Draws the title (if any) centred `top` pixels below the top of `root`,
/// and returns the area below its band.
pub(super) fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    style: &Style,
    title: Option<&str>,
    top: i32,
) -> DrawResult<DrawingArea<DB, Shift>, DB> {
    if let Some(title) = title {
        let font = style.font(20.0).pos(text_anchor::Pos::new(
            text_anchor::HPos::Center,
            text_anchor::VPos::Top,
        ));
        let (w, _) = root.dim_in_pixel();
        root.draw_text(title, &font, (w as i32 / 2, top + style.px(12.0)))?;
    }
    Ok(root.margin(top + title_height(style, title), 0, 0, 0))
}

/// Draws the figure on `root`.
fn draw_all<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &impl Figure,
    options: &PlotOptions,
    style: &Style,
) -> DrawResult<(), DB> {
    root.fill(&WHITE)?;
    let title = options.title.as_deref().filter(|t| !t.is_empty());
    figure.draw(root, style, title)
}

/// The factor of supersampling of a PNG image of `width` x `height`.
fn supersampling(width: u32, height: u32) -> u32 {
    if u64::from(width) * u64::from(height) <= 4096 * 4096 {
        2
    } else {
        1
    }
}

/// Units per pixel of an image of `width` x `height`.
fn unit(width: u32, height: u32) -> f64 {
    f64::from(width.min(height)) / 600.0
}

/// The figure as a PNG file, in memory (8-bit RGB).
pub(super) fn png(figure: &impl Figure, options: &PlotOptions) -> Result<Vec<u8>> {
    register_font()?;
    let (width, height) = (options.width, options.height);
    let s = supersampling(width, height);
    let (bw, bh) = (width * s, height * s);
    let mut buf = vec![0u8; bw as usize * bh as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (bw, bh)).into_drawing_area();
        let style = Style {
            u: unit(width, height) * f64::from(s),
            vector: false,
        };
        draw_all(&root, figure, options, &style).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    let pixels = downsample(&buf, width, height, s);
    let mut out = Vec::new();
    let encode_error =
        |e: png::EncodingError| Error::invalid("plot", format!("cannot be encoded: {e}"));
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(encode_error)?;
    writer.write_image_data(&pixels).map_err(encode_error)?;
    writer.finish().map_err(encode_error)?;
    Ok(out)
}

/// The figure as an SVG document.
pub(super) fn svg(figure: &impl Figure, options: &PlotOptions) -> Result<String> {
    register_font()?;
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (options.width, options.height)).into_drawing_area();
        let style = Style {
            u: unit(options.width, options.height),
            vector: true,
        };
        draw_all(&root, figure, options, &style).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(out)
}

/// The image formats, chosen by the extension of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Format {
    /// `.png`
    Png,
    /// `.svg`
    Svg,
}

/// The format of the file `path` from its extension (case-insensitive).
pub(super) fn format_of(path: &Path) -> Result<Format> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => Ok(Format::Png),
        Some("svg") => Ok(Format::Svg),
        _ => Err(Error::Invalid {
            object: format!("file `{}`", path.display()),
            reason: "has no `.png` or `.svg` extension, which chooses the image format".into(),
        }),
    }
}

/// Draws the figure into the file `path`, in the format of its extension.
pub(super) fn save(path: &Path, figure: &impl Figure, options: &PlotOptions) -> Result<()> {
    let format = format_of(path)?;
    options.check()?;
    let bytes = match format {
        Format::Png => png(figure, options)?,
        Format::Svg => svg(figure, options)?.into_bytes(),
    };
    std::fs::write(path, bytes).map_err(|e| Error::Invalid {
        object: format!("file `{}`", path.display()),
        reason: format!("cannot be written: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(lo: f64, hi: f64) -> Axis {
        Axis::new(lo, hi, false, String::new())
    }

    #[test]
    fn ticks_are_round_and_within_the_limits() {
        let a = axis(-2.0, 103.0);
        assert_eq!(a.ticks, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(a.labels, Labels::Fixed(0));
        let a = axis(0.013, 0.061);
        assert_eq!(a.labels, Labels::Fixed(2));
        let labels: Vec<String> = a.ticks.iter().map(|&t| a.format(t)).collect();
        assert_eq!(labels, ["0.02", "0.03", "0.04", "0.05", "0.06"]);
        let a = Axis::new(-0.5, 2.5, true, String::new());
        assert_eq!(a.ticks, [0.0, 1.0, 2.0]);
        let a = axis(0.0, 3e15);
        let labels: Vec<String> = a.ticks.iter().map(|&t| a.format(t)).collect();
        assert_eq!(
            labels,
            [
                "0", "5.0e14", "1.0e15", "1.5e15", "2.0e15", "2.5e15", "3.0e15"
            ]
        );
        let a = axis(-2e-6, 3e-6);
        let labels: Vec<String> = a.ticks.iter().map(|&t| a.format(t)).collect();
        assert_eq!(labels, ["-2e-6", "-1e-6", "0", "1e-6", "2e-6", "3e-6"]);
        let a = axis(0.0, 1.4);
        let labels: Vec<String> = a.ticks.iter().map(|&t| a.format(t)).collect();
        assert_eq!(labels, ["0.00", "0.25", "0.50", "0.75", "1.00", "1.25"]);
        // No step of 2.5 on whole-number axes.
        let a = Axis::new(0.0, 15.0, true, String::new());
        assert_eq!(a.ticks, [0.0, 5.0, 10.0, 15.0]);
        let a = axis(0.0, 15.0);
        assert_eq!(a.ticks, [0.0, 2.5, 5.0, 7.5, 10.0, 12.5, 15.0]);
    }

    #[test]
    fn a_negated_axis_labels_the_original_values() {
        let a = Axis::new(-0.5, 9.5, true, String::new()).negate();
        assert_eq!((a.lo, a.hi), (-9.5, 0.5));
        assert_eq!(a.format(-8.0), "8");
        assert_eq!(a.format(0.0), "0");
        assert_eq!(a.ticks.first(), Some(&-8.0));
    }

    #[test]
    fn padding_widens_empty_spans() {
        assert_eq!(padded(0.0, 10.0, 0.1), (-1.0, 11.0));
        assert_eq!(padded(5.0, 5.0, 0.1), (4.5, 5.5));
        assert_eq!(padded(0.0, 0.0, 0.1), (-1.0, 1.0));
    }

    #[test]
    fn lines_are_cut_at_the_limits_and_at_gaps() {
        let (x, y) = (axis(0.0, 10.0), axis(0.0, 1.0));
        let pieces = clip_polyline(
            &[
                (1.0, 0.5),
                (3.0, 2.0),
                (5.0, 0.5),
                (6.0, f64::NAN),
                (7.0, 0.5),
                (8.0, 0.5),
            ],
            &x,
            &y,
        );
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces[0][0], (1.0, 0.5));
        assert!((pieces[0][1].0 - (1.0 + 2.0 / 3.0)).abs() < 1e-12);
        assert_eq!(pieces[0][1].1, 1.0);
        assert_eq!(pieces[1].last(), Some(&(5.0, 0.5)));
        assert_eq!(pieces[2], [(7.0, 0.5), (8.0, 0.5)]);
    }

    #[test]
    fn decimation_keeps_the_extremes_of_each_bucket() {
        let points: Vec<(f64, f64)> = (0..1000)
            .map(|k| (f64::from(k), if k == 500 { 9.0 } else { f64::from(k % 7) }))
            .collect();
        let d = decimate(&points, 10);
        assert!(d.len() <= 40);
        assert!(d.contains(&(500.0, 9.0)));
        assert_eq!(d.first(), points.first());
        assert_eq!(d.last(), points.last());
        assert!(d.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn downsampling_averages_blocks() {
        let buf = [0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255];
        assert_eq!(downsample(&buf, 1, 1, 2), [191, 191, 191]);
    }
}
