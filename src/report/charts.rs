//! The HTML report's charts, drawn with plotters as SVG text to inline in the page.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::aggregate::HISTOGRAM_BIN_MS;
use super::table::shorten;
use super::{DayPoint, Group, SessionPoint};
use crate::visible::visible;

const WIDTH: u32 = 560;
const HEIGHT: u32 = 300;
const FONT: &str = "sans-serif";
const DAILY: RGBColor = RGBColor(37, 99, 235);
const AVERAGE: RGBColor = RGBColor(234, 88, 12);
const BAR: RGBColor = RGBColor(13, 148, 136);
/// Groups drawn in the accuracy-by-group chart at most.
pub(crate) const MAX_BARS: usize = 30;

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Draws into an SVG of the given size; the namespace attribute is dropped (inline SVG in
/// HTML needs none) so the page names no URL at all.
fn svg(size: (u32, u32), draw: impl FnOnce(&Area) -> Result<()>) -> Result<String> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root)?;
        root.present()?;
    }
    Ok(text.replacen(r#" xmlns="http://www.w3.org/2000/svg""#, "", 1))
}

/// The label at position `x` of an axis of whole positions: `labels[x]` there, nothing
/// between them.
fn label_at(labels: &[String], x: f64) -> String {
    let at = x.round();
    if (x - at).abs() > 1e-6 || at < 0.0 {
        return String::new();
    }
    labels.get(at as usize).cloned().unwrap_or_default()
}

/// What a points-over-time chart draws: a point per label, and a thick line when given.
struct Series<'a> {
    caption: &'a str,
    y_desc: &'a str,
    y_max: f64,
    x_desc: String,
    labels: Vec<String>,
    points: Vec<f64>,
    line: Option<Vec<f64>>,
}

/// Points joined by a faint line over labelled positions, and the thick line if any. No legend
/// box: on a narrow page it would sit on the data; the axis says what is what.
fn points_chart(series: Series) -> Result<String> {
    svg((WIDTH, HEIGHT), |root| {
        let n = series.labels.len() as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(series.caption, (FONT, 18))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(52)
            .build_cartesian_2d(-0.5..n - 0.5, 0.0..series.y_max)?;
        chart
            .configure_mesh()
            .x_labels(series.labels.len().clamp(2, 8))
            .x_label_formatter(&|x| label_at(&series.labels, *x))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .x_desc(series.x_desc.as_str())
            .y_desc(series.y_desc)
            .light_line_style(RGBColor(240, 240, 240))
            .draw()?;
        let at = |values: &[f64]| -> Vec<(f64, f64)> {
            values
                .iter()
                .enumerate()
                .map(|(i, &v)| (i as f64, v))
                .collect()
        };
        let points = at(&series.points);
        chart.draw_series(LineSeries::new(points.iter().copied(), DAILY.mix(0.35)))?;
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, DAILY.filled())))?;
        if let Some(line) = &series.line {
            chart.draw_series(LineSeries::new(at(line), AVERAGE.stroke_width(3)))?;
        }
        Ok(())
    })
}

/// Daily values as points, and the 7-day figure as a line, over a day axis (`MM-DD`).
fn over_time(
    days: &[DayPoint],
    caption: &str,
    y_desc: &str,
    y_max: f64,
    daily: impl Fn(&DayPoint) -> f64,
    average: impl Fn(&DayPoint) -> f64,
) -> Result<String> {
    // A 7-day line through one day would be a lone dot saying nothing more.
    let one_day = days.len() == 1;
    points_chart(Series {
        caption,
        y_desc,
        y_max,
        x_desc: if one_day {
            "one day, one session: its figure".to_string()
        } else {
            "dots: each day · thick line: 7-day average".to_string()
        },
        labels: days
            .iter()
            .map(|d| d.day.get(5..).unwrap_or(&d.day).to_string())
            .collect(),
        points: days.iter().map(&daily).collect(),
        line: (!one_day).then(|| days.iter().map(&average).collect()),
    })
}

/// One day's sessions as points over their start times (`HH:MM`): a single day's dot and a
/// 7-day line through one point would say nothing.
fn over_sessions(
    sessions: &[SessionPoint],
    caption: &str,
    y_desc: &str,
    y_max: f64,
    value: impl Fn(&SessionPoint) -> f64,
) -> Result<String> {
    let day = sessions
        .first()
        .and_then(|s| s.facts.start.get(..10))
        .unwrap_or_default();
    points_chart(Series {
        caption,
        y_desc,
        y_max,
        x_desc: format!("dots: each session on {day}, by start time"),
        labels: sessions
            .iter()
            .map(|s| s.facts.start.get(11..16).unwrap_or_default().to_string())
            .collect(),
        points: sessions.iter().map(&value).collect(),
        line: None,
    })
}

/// Whether the over-time charts show sessions instead of days: one day, several sessions.
pub(crate) fn by_session(days: &[DayPoint], sessions: &[SessionPoint]) -> bool {
    days.len() == 1 && sessions.len() > 1
}

/// A seconds tick: one decimal when bars are narrower than a second (`0.2`, never
/// `0.2300000000000004`).
fn seconds_label(x: f64, width_ms: u64) -> String {
    if width_ms < 1000 {
        format!("{x:.1}")
    } else {
        format!("{x:.0}")
    }
}

/// A count tick: whole numbers only, so small counts do not repeat (`2, 2, 1, 1`).
fn whole_label(y: f64) -> String {
    if (y - y.round()).abs() < 1e-9 {
        format!("{y:.0}")
    } else {
        String::new()
    }
}

/// Accuracy (%) per day with its 7-day average, or per session on a single day.
pub(crate) fn accuracy_over_time(days: &[DayPoint], sessions: &[SessionPoint]) -> Result<String> {
    if by_session(days, sessions) {
        return over_sessions(sessions, "Accuracy per session", "accuracy %", 100.0, |s| {
            s.accuracy * 100.0
        });
    }
    over_time(
        days,
        "Accuracy per day",
        "accuracy %",
        100.0,
        |d| d.accuracy * 100.0,
        |d| d.accuracy_7d * 100.0,
    )
}

/// Correct codes per hour per day with its 7-day average, or per session on a single day.
pub(crate) fn speed_over_time(days: &[DayPoint], sessions: &[SessionPoint]) -> Result<String> {
    if by_session(days, sessions) {
        let top = sessions
            .iter()
            .map(|s| s.codes_per_hour)
            .fold(0.0, f64::max);
        return over_sessions(
            sessions,
            "Speed per session",
            "correct codes per hour",
            nice_ceiling((top * 1.1).max(10.0)),
            |s| s.codes_per_hour,
        );
    }
    let top = days
        .iter()
        .map(|d| d.codes_per_hour.max(d.codes_per_hour_7d))
        .fold(0.0, f64::max);
    over_time(
        days,
        "Speed per day",
        "correct codes per hour",
        // At least 10, so whole-number labels stay distinct when speeds are tiny.
        nice_ceiling((top * 1.1).max(10.0)),
        |d| d.codes_per_hour,
        |d| d.codes_per_hour_7d,
    )
}

/// Horizontal bars of accuracy, one per group (the first [`MAX_BARS`] given).
pub(crate) fn accuracy_by_group(groups: &[&Group]) -> Result<String> {
    let labels: Vec<String> = groups
        .iter()
        .map(|g| match &g.session {
            Some(facts) => facts.started(),
            None => shorten(&visible(&g.key), 24),
        })
        .collect();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4) as u32;
    let count = groups.len().max(1);
    let height = (70 + 24 * count as u32).max(HEIGHT);
    svg((WIDTH, height), |root| {
        let rows = count as f64;
        let mut chart = ChartBuilder::on(root)
            .caption("Accuracy by group", (FONT, 18))
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size((longest * 7 + 16).min(200))
            .build_cartesian_2d(0.0..100.0, -0.5..rows - 0.5)?;
        // The first group on top.
        let label_of = |y: f64| {
            let at = y.round();
            if (y - at).abs() > 1e-6 || at < 0.0 {
                return String::new();
            }
            let index = count as i64 - 1 - at as i64;
            usize::try_from(index)
                .ok()
                .and_then(|i| labels.get(i))
                .cloned()
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(count + 1)
            .y_label_formatter(&|y| label_of(*y))
            .x_label_formatter(&|x| format!("{x:.0}%"))
            .light_line_style(RGBColor(240, 240, 240))
            .draw()?;
        let row_of = |i: usize| (count - 1 - i) as f64;
        chart.draw_series(groups.iter().enumerate().map(|(i, g)| {
            let y = row_of(i);
            Rectangle::new(
                [(0.0, y - 0.32), (g.metrics.accuracy * 100.0, y + 0.32)],
                BAR.filled(),
            )
        }))?;
        let style = TextStyle::from((FONT, 12).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
        chart.draw_series(groups.iter().enumerate().map(|(i, g)| {
            let accuracy = g.metrics.accuracy * 100.0;
            let x = if accuracy > 85.0 {
                accuracy - 13.0
            } else {
                accuracy + 1.0
            };
            Text::new(format!("{accuracy:.0}%"), (x, row_of(i)), style.clone())
        }))?;
        Ok(())
    })
}

/// The spread of answer times, from the report's 100 ms bins.
pub(crate) fn answer_times(bins: &[u64]) -> Result<String> {
    let total: u64 = bins.iter().sum();
    // Up to the 99th percentile, so one slow answer does not squash the rest.
    let mut seen = 0;
    let p99_bin = bins
        .iter()
        .position(|&n| {
            seen += n;
            seen * 100 >= total * 99
        })
        .unwrap_or(0);
    let upper_ms = ((p99_bin as u64 + 1) * HISTOGRAM_BIN_MS).max(1000);
    let width_ms = [
        100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000,
    ]
    .into_iter()
    .find(|w| upper_ms.div_ceil(*w) <= 30)
    .unwrap_or(60_000);
    let bars = upper_ms.div_ceil(width_ms) as usize;
    let mut counts = vec![0u64; bars];
    for (bin, &n) in bins.iter().enumerate() {
        let at = (bin as u64 * HISTOGRAM_BIN_MS / width_ms) as usize;
        counts[at.min(bars - 1)] += n;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let seconds = |ms: u64| ms as f64 / 1000.0;
    svg((WIDTH, HEIGHT), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption("Answer times", (FONT, 18))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(52)
            .build_cartesian_2d(0.0..seconds(bars as u64 * width_ms), 0.0..top * 1.1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc("seconds per answer (slower ones in the last bar)")
            .y_desc("answers")
            .x_label_formatter(&|x| seconds_label(*x, width_ms))
            .y_label_formatter(&|y| whole_label(*y))
            .light_line_style(RGBColor(240, 240, 240))
            .draw()?;
        chart.draw_series(counts.iter().enumerate().map(|(i, &n)| {
            let x0 = seconds(i as u64 * width_ms);
            let x1 = seconds((i as u64 + 1) * width_ms);
            let gap = (x1 - x0) * 0.08;
            Rectangle::new([(x0 + gap, 0.0), (x1 - gap, n as f64)], DAILY.filled())
        }))?;
        Ok(())
    })
}

/// Reviews due per day (the spaced-repetition forecast): one bar per labelled day, its count
/// above it.
pub(crate) fn forecast(labels: &[String], counts: &[u64]) -> Result<String> {
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let label = |x: f64| {
        let at = x.round();
        if (x - at).abs() > 1e-6 || at < 0.0 {
            return String::new();
        }
        labels.get(at as usize).cloned().unwrap_or_default()
    };
    svg((WIDTH, HEIGHT), |root| {
        let n = counts.len().max(1) as f64;
        let mut chart = ChartBuilder::on(root)
            .caption("Reviews due, next 7 days", (FONT, 18))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(52)
            .build_cartesian_2d(-0.5..n - 0.5, 0.0..top * 1.2)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(counts.len().max(2))
            .x_label_formatter(&|x| label(*x))
            .y_label_formatter(&|y| whole_label(*y))
            .x_desc("today first; items overdue count today")
            .y_desc("reviews due")
            .light_line_style(RGBColor(240, 240, 240))
            .draw()?;
        chart.draw_series(counts.iter().enumerate().map(|(i, &due)| {
            let x = i as f64;
            Rectangle::new([(x - 0.35, 0.0), (x + 0.35, due as f64)], BAR.filled())
        }))?;
        let style =
            TextStyle::from((FONT, 12).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
        chart.draw_series(counts.iter().enumerate().map(|(i, &due)| {
            Text::new(
                due.to_string(),
                (i as f64, due as f64 + top * 0.02),
                style.clone(),
            )
        }))?;
        Ok(())
    })
}

/// The next 1, 2 or 5 times a power of ten at or above `value`.
fn nice_ceiling(value: f64) -> f64 {
    let power = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&v| v >= value)
        .unwrap_or(10.0 * power)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_axes_up_nicely() {
        assert_eq!(nice_ceiling(0.7), 1.0);
        assert_eq!(nice_ceiling(130.0), 200.0);
        assert_eq!(nice_ceiling(500.0), 500.0);
    }
}
