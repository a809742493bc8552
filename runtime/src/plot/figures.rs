//! The figures: what each plot draws once its data has been checked and
//! its axes chosen.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::render::{
    Axis, Coord, DrawResult, Figure, LegendEntry, PALETTE, Style, chart, clip_polyline, decimate,
    description, frame, insets, legend, plot_size, tick_marks, title_height, titled,
    vertical_label_area, widest_label,
};

/// Colour of the dots of a raster plot.
const DOT: RGBColor = RGBColor(0x10, 0x10, 0x10);
/// Colour of the population rate and of the histogram bars.
const BLUE: RGBColor = PALETTE[0];
/// The fill under the population rate: a light shade of [`BLUE`].
const FILL: RGBColor = RGBColor(0xdd, 0xea, 0xf4);
/// Colour of the edges of histogram bars.
const BAR_EDGE: RGBColor = RGBColor(0x15, 0x4f, 0x78);
/// Colour of the missing synapses of a weight matrix.
pub(super) const MISSING: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

/// One dot per spike.
pub(super) struct Raster {
    /// `(time in ms, rank)` of each spike within the limits.
    pub points: Vec<(f64, f64)>,
    /// Time axis.
    pub x: Axis,
    /// Rank axis.
    pub y: Axis,
}

impl Figure for Raster {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        style: &Style,
        title: Option<&str>,
    ) -> DrawResult<(), DB> {
        let area = &titled(root, style, title, 0)?;
        let ins = insets(area, style, &self.x, &self.y, 24.0)?;
        let mut chart = chart(area, style, &self.x, &self.y, ins)?;
        // The dots fill about 70 % of the height of a rank, with a radius
        // from 0.8 to 3 units.
        let (_, h) = plot_size(&chart);
        let per_rank = h / (self.y.hi - self.y.lo);
        let radius = (0.35 * per_rank)
            .round()
            .clamp(f64::from(style.px(0.8)), f64::from(style.px(3.0))) as i32;
        chart.draw_series(
            self.points
                .iter()
                .map(|&p| Circle::new(p, radius, DOT.filled())),
        )?;
        frame(&chart, style)
    }
}

/// A line of values over time, filled down to zero.
pub(super) struct Line {
    /// `(time in ms, value)`.
    pub points: Vec<(f64, f64)>,
    /// Time axis.
    pub x: Axis,
    /// Value axis.
    pub y: Axis,
}

impl Figure for Line {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        style: &Style,
        title: Option<&str>,
    ) -> DrawResult<(), DB> {
        let area = &titled(root, style, title, 0)?;
        let ins = insets(area, style, &self.x, &self.y, 24.0)?;
        let chart = chart(area, style, &self.x, &self.y, ins)?;
        let (w, _) = plot_size(&chart);
        let points = decimate(&self.points, w as usize);
        let base = 0f64.clamp(self.y.lo, self.y.hi);
        let pieces = clip_polyline(&points, &self.x, &self.y);
        for piece in &pieces {
            fill_under(&chart, style, piece, base)?;
        }
        for piece in pieces {
            chart.plotting_area().draw(&PathElement::new(
                piece,
                BLUE.stroke_width(style.px(1.6) as u32),
            ))?;
        }
        frame(&chart, style)
    }
}

/// Fills the area between the polyline `piece` and the value `base` in a
/// light shade of the line's colour: one polygon in vector images, one
/// column per pixel in bitmaps (whose polygon filling leaks outside long,
/// jagged polygons).
fn fill_under<DB: DrawingBackend>(
    chart: &ChartContext<'_, DB, Coord>,
    style: &Style,
    piece: &[(f64, f64)],
    base: f64,
) -> DrawResult<(), DB> {
    let (Some(first), Some(last)) = (piece.first(), piece.last()) else {
        return Ok(());
    };
    if piece.len() < 2 {
        return Ok(());
    }
    let shade = FILL.filled();
    if style.vector {
        let mut polygon = piece.to_vec();
        polygon.push((last.0, base));
        polygon.push((first.0, base));
        return chart.plotting_area().draw(&Polygon::new(polygon, shade));
    }
    let screen = chart.plotting_area().use_screen_coord();
    let (_, base_px) = chart.backend_coord(&(first.0, base));
    let pixels: Vec<(i32, i32)> = piece.iter().map(|p| chart.backend_coord(p)).collect();
    for w in pixels.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        for x in x0..x1 {
            let f = f64::from(x - x0) / f64::from(x1 - x0);
            let y = (f64::from(y0) + f * f64::from(y1 - y0)).round() as i32;
            screen.draw(&Rectangle::new([(x, y), (x + 1, base_px)], shade))?;
        }
    }
    Ok(())
}

/// Bars of a histogram.
pub(super) struct Bars {
    /// `(left edge, right edge, count)` of each bin.
    pub bins: Vec<(f64, f64, f64)>,
    /// Value axis.
    pub x: Axis,
    /// Count axis.
    pub y: Axis,
}

impl Figure for Bars {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        style: &Style,
        title: Option<&str>,
    ) -> DrawResult<(), DB> {
        let area = &titled(root, style, title, 0)?;
        let ins = insets(area, style, &self.x, &self.y, 24.0)?;
        let mut chart = chart(area, style, &self.x, &self.y, ins)?;
        let clip_x = |v: f64| v.clamp(self.x.lo, self.x.hi);
        let clip_y = |v: f64| v.clamp(self.y.lo, self.y.hi);
        let bars: Vec<[(f64, f64); 2]> = self
            .bins
            .iter()
            .filter(|(a, b, c)| *c > 0.0 && *b > self.x.lo && *a < self.x.hi)
            .map(|&(a, b, c)| [(clip_x(a), clip_y(0.0)), (clip_x(b), clip_y(c))])
            .collect();
        chart.draw_series(
            bars.iter()
                .map(|&corners| Rectangle::new(corners, BLUE.mix(0.9).filled())),
        )?;
        chart.draw_series(bars.iter().map(|&corners| {
            Rectangle::new(corners, BAR_EDGE.stroke_width(style.px(1.0) as u32))
        }))?;
        frame(&chart, style)
    }
}

/// One line per column of a recording.
pub(super) struct Traces {
    /// For each line, `(time in ms, value)` of every row.
    pub lines: Vec<Vec<(f64, f64)>>,
    /// Legend texts, one per line (empty: no legend).
    pub legend: Vec<String>,
    /// Time axis.
    pub x: Axis,
    /// Value axis.
    pub y: Axis,
}

impl Figure for Traces {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        style: &Style,
        title: Option<&str>,
    ) -> DrawResult<(), DB> {
        let area = &titled(root, style, title, 0)?;
        let ins = insets(area, style, &self.x, &self.y, 24.0)?;
        let chart = chart(area, style, &self.x, &self.y, ins)?;
        let (w, _) = plot_size(&chart);
        let mut drawn = Vec::with_capacity(self.lines.len());
        for (k, line) in self.lines.iter().enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            let points = decimate(line, w as usize);
            for piece in clip_polyline(&points, &self.x, &self.y) {
                chart.plotting_area().draw(&PathElement::new(
                    piece,
                    color.stroke_width(style.px(1.4) as u32),
                ))?;
            }
            drawn.push(points);
        }
        if !self.legend.is_empty() {
            let entries: Vec<LegendEntry<'_>> = self
                .legend
                .iter()
                .enumerate()
                .map(|(k, text)| LegendEntry {
                    color: PALETTE[k % PALETTE.len()],
                    text,
                })
                .collect();
            let points: Vec<&[(f64, f64)]> = drawn.iter().map(Vec::as_slice).collect();
            legend(&chart, style, &entries, &points, &self.x, &self.y)?;
        }
        frame(&chart, style)
    }
}

/// A heat map of a post x pre matrix with its colour bar.
pub(super) struct Matrix {
    /// Rows (post ranks) of cells (pre ranks); `None` where no synapse.
    pub cells: Vec<Vec<Option<f64>>>,
    /// Pre-synaptic rank axis (cell `j` is centred on `j`).
    pub x: Axis,
    /// Post-synaptic rank axis, negated: row 0 at the top.
    pub y: Axis,
    /// The scale of the colour bar (its limits map to the ends of the map).
    pub scale: Axis,
}

impl Matrix {
    /// The colour of value `v` on the scale.
    pub fn color(&self, v: f64) -> RGBColor {
        let h = ((v - self.scale.lo) / (self.scale.hi - self.scale.lo)).clamp(0.0, 1.0);
        ViridisRGB.get_color(h as f32)
    }
}

impl Figure for Matrix {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        style: &Style,
        title: Option<&str>,
    ) -> DrawResult<(), DB> {
        // The layout is computed below the band of the title; the title is
        // drawn once the plot is placed, just above it.
        let band = title_height(style, title);
        let area = &root.margin(band, 0, 0, 0);
        let (aw, ah) = area.dim_in_pixel();
        let (aw, ah) = (aw as i32, ah as i32);
        let mut ins = insets(area, style, &self.x, &self.y, 16.0)?;
        // The colour bar: a gap, the bar, its ticks, labels and description.
        let bar_w = style.px(22.0);
        let bar_labels = vertical_label_area(area, style, &self.scale)?;
        let bar_space = style.px(22.0) + bar_w + bar_labels;
        ins.right += bar_space;
        // Cells as square as the matrix allows: the plotting area takes the
        // aspect ratio of the matrix, limited to 1:3 .. 3:1.
        let avail_w = f64::from(aw - ins.margin_left - ins.left - ins.right);
        let avail_h = f64::from(ah - ins.top - ins.bottom);
        let aspect = ((self.x.hi - self.x.lo) / (self.y.hi - self.y.lo)).clamp(1.0 / 3.0, 3.0);
        let mut shift = 0;
        if avail_w > 0.0 && avail_h > 0.0 {
            if avail_w / avail_h > aspect {
                let extra = (avail_w - aspect * avail_h) as i32;
                ins.margin_left += extra / 2;
                ins.right += extra - extra / 2;
            } else {
                let extra = (avail_h - avail_w / aspect) as i32;
                shift = extra / 2;
                ins.margin_bottom += extra - shift;
            }
        }
        let area = &titled(root, style, title, shift)?;
        let mut chart = chart(area, style, &self.x, &self.y, ins)?;
        let mut cells = Vec::new();
        for (i, row) in self.cells.iter().enumerate() {
            let y = -(i as f64);
            for (j, cell) in row.iter().enumerate() {
                let x = j as f64;
                let color = cell.map_or(MISSING, |v| self.color(v));
                cells.push(Rectangle::new(
                    [(x - 0.5, y + 0.5), (x + 0.5, y - 0.5)],
                    color.filled(),
                ));
            }
        }
        chart.draw_series(cells)?;
        frame(&chart, style)?;

        // The colour bar, as high as the plotting area.
        let (px, py) = chart.plotting_area().get_pixel_range();
        let (ox, oy) = area.get_base_pixel();
        let bar_area = area.clone().shrink(
            (px.end - ox + style.px(22.0), py.start - oy),
            (bar_w + bar_labels, py.end - py.start),
        );
        let unit = Axis {
            ticks: Vec::new(),
            label: String::new(),
            ..Axis::new(0.0, 1.0, false, String::new())
        };
        let mut bar = chart_colour_bar(&bar_area, style, &unit, &self.scale, bar_labels)?;
        let (_, h) = plot_size(&bar);
        let slices = (h as usize).clamp(2, 256);
        let (lo, hi) = (self.scale.lo, self.scale.hi);
        let step = (hi - lo) / slices as f64;
        bar.draw_series((0..slices).map(|k| {
            let a = lo + k as f64 * step;
            let b = if k + 1 == slices { hi } else { a + step };
            Rectangle::new(
                [(0.0, a), (1.0, b)],
                self.color(lo + (k as f64 + 0.5) * step).filled(),
            )
        }))?;
        frame(&bar, style)
    }
}

/// The chart of a colour bar: no x axis, the scale on the right.
fn chart_colour_bar<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    style: &Style,
    unit: &Axis,
    scale: &Axis,
    labels: i32,
) -> DrawResult<ChartContext<'a, DB, Coord>, DB> {
    let mut chart = ChartBuilder::on(area)
        .margin(0)
        .right_y_label_area_size(labels)
        .build_cartesian_2d(unit.scale(), scale.scale())?;
    let fmt = |v: &f64| scale.format(*v);
    chart
        .configure_mesh()
        .disable_mesh()
        // Invisible axes: plotters draws labels only with axes, but its
        // axes and tick marks are not aligned with the frame.
        .axis_style(TRANSPARENT.stroke_width(1))
        .label_style(style.tick_font())
        .y_label_formatter(&fmt)
        .set_all_tick_mark_size(style.tick())
        .draw()?;
    tick_marks(area, &chart, style, &[], &scale.ticks, true)?;
    if !scale.label.is_empty() {
        let (px, py) = chart.plotting_area().get_pixel_range();
        let cx = px.end
            + 2 * style.tick()
            + widest_label(area, style, scale)?
            + style.px(8.0)
            + (0.6 * 17.0 * style.u) as i32;
        description(
            area,
            style,
            &scale.label,
            (cx, (py.start + py.end) / 2),
            true,
        )?;
    }
    Ok(chart)
}
