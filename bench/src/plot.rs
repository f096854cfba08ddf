//! SVG bar charts of a run: one chart per measured quantity, the servers side by side in each
//! group of bars, so `docs/benchmarks.md` can show what the tables say.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// What a chart shows. Each is one file in the `--plots` directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// Saturation: server CPU time per relayed message, by message size.
    CpuPerMessage,
    /// Saturation under callgrind: server instructions per relayed message.
    InstructionsPerMessage,
    /// Idle: server RSS per held session.
    RssPerSession,
    /// Churn: join → peer's first signal, p50 and p99 by join rate.
    ChurnLatency,
    /// Churn: server CPU per join.
    CpuPerJoin,
    /// Latency: relay latency percentiles at light load.
    RelayLatency,
}

impl Chart {
    fn file(self) -> &'static str {
        match self {
            Chart::CpuPerMessage => "saturation-cpu-per-message.svg",
            Chart::InstructionsPerMessage => "saturation-instructions-per-message.svg",
            Chart::RssPerSession => "idle-rss-per-session.svg",
            Chart::ChurnLatency => "churn-latency.svg",
            Chart::CpuPerJoin => "churn-cpu-per-join.svg",
            Chart::RelayLatency => "latency-relay.svg",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Chart::CpuPerMessage => "Saturation: server CPU per relayed message",
            Chart::InstructionsPerMessage => {
                "Saturation under callgrind: server instructions per relayed message"
            }
            Chart::RssPerSession => "Idle: server RSS per session",
            Chart::ChurnLatency => "Churn: join → peer's first signal",
            Chart::CpuPerJoin => "Churn: server CPU per join",
            Chart::RelayLatency => "Light load: relay latency",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Chart::CpuPerMessage | Chart::CpuPerJoin => "µs",
            Chart::InstructionsPerMessage => "instructions",
            Chart::RssPerSession => "KiB",
            Chart::ChurnLatency | Chart::RelayLatency => "ms (log scale)",
        }
    }

    /// Latency tails span four orders of magnitude between servers (and between a quiet
    /// and a busy machine): on a linear axis the medians would be invisible.
    fn log_scale(self) -> bool {
        matches!(self, Chart::ChurnLatency | Chart::RelayLatency)
    }

    /// The target for Duet, where it is an absolute number: drawn as a line.
    fn target(self) -> Option<(f64, &'static str)> {
        match self {
            Chart::RssPerSession => Some((8.0, "target for Duet: 8 KiB")),
            Chart::ChurnLatency => Some((1.5, "target for Duet's p99 at 4,000/s: 1.5 ms")),
            _ => None,
        }
    }

    /// Every chart, in the order they are written.
    pub const ALL: [Chart; 6] = [
        Chart::CpuPerMessage,
        Chart::InstructionsPerMessage,
        Chart::RssPerSession,
        Chart::ChurnLatency,
        Chart::CpuPerJoin,
        Chart::RelayLatency,
    ];
}

/// One bar: a server's value in one group (e.g. "1 KiB") of one chart.
#[derive(Debug, Clone)]
pub struct Bar {
    pub chart: Chart,
    pub group: String,
    pub server: String,
    pub value: f64,
}

const COLOURS: [RGBColor; 4] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0x94, 0x67, 0xbd),
];

/// Writes one SVG per chart that has bars into `dir`; answers the files written.
pub fn write_all(dir: &Path, bars: &[Bar]) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for chart in Chart::ALL {
        let mine: Vec<&Bar> = bars
            .iter()
            .filter(|b| b.chart == chart && b.value.is_finite())
            .collect();
        if mine.is_empty() {
            continue;
        }
        let path = dir.join(chart.file());
        draw(&path, chart, &mine)?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

/// First-seen order of `key` over `bars`: groups and servers appear as the run met them.
fn ordered(bars: &[&Bar], key: fn(&Bar) -> &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for bar in bars {
        if !out.iter().any(|s| s == key(bar)) {
            out.push(key(bar).to_owned());
        }
    }
    out
}

/// A short, readable value label: 3 significant digits or so.
fn label(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

fn draw(path: &Path, chart: Chart, bars: &[&Bar]) -> Result<(), Box<dyn std::error::Error>> {
    let groups = ordered(bars, |b| &b.group);
    let servers = ordered(bars, |b| &b.server);
    let target = chart.target();
    let max = bars
        .iter()
        .map(|b| b.value)
        .chain(target.map(|(t, _)| t))
        .fold(0.0_f64, f64::max);
    let positive_min = bars
        .iter()
        .map(|b| b.value)
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);

    let width = (160 * groups.len() as u32).max(480) + 120;
    let root = SVGBackend::new(path, (width, 380)).into_drawing_area();
    root.fill(&WHITE)?;
    let x_range = 0.0..groups.len() as f64;
    let slot = 0.8 / servers.len() as f64;

    // The two axis kinds are different types in plotters, so the drawing is written once as
    // a macro over the chart context.
    macro_rules! bars_on {
        ($ctx:expr, $floor:expr) => {{
            let mut ctx = $ctx;
            ctx.configure_mesh()
                .disable_x_mesh()
                .disable_x_axis()
                .y_desc(chart.unit())
                .draw()?;
            for (s, server) in servers.iter().enumerate() {
                let colour = COLOURS[s % COLOURS.len()];
                let mine = bars.iter().filter(|b| &b.server == server).filter_map(|b| {
                    let g = groups.iter().position(|g| g == &b.group)?;
                    Some((g, b.value))
                });
                let rects: Vec<(f64, f64, f64)> = mine
                    .map(|(g, v)| (g as f64 + 0.1 + s as f64 * slot, v, v))
                    .collect();
                ctx.draw_series(rects.iter().map(|&(x, v, _)| {
                    Rectangle::new([(x, $floor), (x + slot * 0.9, v)], colour.filled())
                }))?
                .label(server.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled())
                });
                // The value just above its bar (a pixel offset: the axis may be logarithmic).
                ctx.draw_series(rects.iter().map(|&(x, v, value)| {
                    EmptyElement::at((x, v))
                        + Text::new(
                            label(value),
                            (0, -14),
                            ("sans-serif", 11).into_font().color(&BLACK),
                        )
                }))?;
            }
            if let Some((value, text)) = target {
                let red = RGBColor(0xd6, 0x27, 0x28);
                let end = groups.len() as f64;
                ctx.draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, value), (end, value)],
                    red.stroke_width(1),
                )))?;
                ctx.draw_series(std::iter::once(
                    EmptyElement::at((end, value))
                        + Text::new(
                            text,
                            (-8, -14),
                            ("sans-serif", 11)
                                .into_font()
                                .color(&red)
                                .pos(Pos::new(HPos::Right, VPos::Top)),
                        ),
                ))?;
            }
            for (g, group) in groups.iter().enumerate() {
                ctx.draw_series(std::iter::once(Text::new(
                    group.clone(),
                    (g as f64 + 0.1, $floor),
                    ("sans-serif", 13).into_font().color(&BLACK),
                )))?;
            }
            ctx.configure_series_labels()
                .border_style(BLACK)
                .background_style(WHITE.mix(0.8))
                .position(SeriesLabelPosition::UpperLeft)
                .draw()?;
        }};
    }

    let mut builder = ChartBuilder::on(&root);
    builder
        .caption(chart.title(), ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(10)
        .y_label_area_size(70);
    if chart.log_scale() {
        // A decade below the smallest bar, so that every bar has some height.
        let floor = if positive_min.is_finite() {
            10f64.powf((positive_min.log10() - 1.0).floor())
        } else {
            0.001
        };
        let top = 10f64.powf((max.max(floor).log10() + 0.6).ceil());
        let ctx = builder.build_cartesian_2d(x_range, (floor..top).log_scale())?;
        bars_on!(ctx, floor * 1.05);
    } else {
        let ctx = builder.build_cartesian_2d(x_range, 0.0..max.max(f64::MIN_POSITIVE) * 1.35)?;
        bars_on!(ctx, 0.0);
    }
    root.present()?;
    Ok(())
}
