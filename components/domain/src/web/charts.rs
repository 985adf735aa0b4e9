//! Server-rendered SVG charts for the admin dashboard: stacked daily bars and a daily
//! line, each value written as a label so the numbers are readable without hovering.

use super::escape;

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 30.0;

fn frame(title: &str, inner: &str, legend: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{t}\" class=\"chart\">\
         <rect width=\"{W}\" height=\"{H}\" fill=\"#fff8fc\"/>\
         <text x=\"{LEFT}\" y=\"18\" font-size=\"14\" font-weight=\"700\" fill=\"#1a0b2e\">{t}</text>{legend}\
         <line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{right}\" y2=\"{base}\" stroke=\"#1a0b2e\" stroke-width=\"2\"/>{inner}</svg>",
        t = escape(title),
        base = H - BOTTOM,
        right = W - 10.0,
    )
}

fn day_labels(days: &[String], slot: f64) -> String {
    let every = (days.len() / 7).max(1);
    days.iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, d)| {
            format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#1a0b2e\">{}</text>",
                LEFT + slot * (i as f64 + 0.5),
                H - BOTTOM + 14.0,
                escape(d.get(5..).unwrap_or(d))
            )
        })
        .collect()
}

/// Stacked bars per day; `series` is (name, colour, one value per day).
pub fn stacked_bars(title: &str, days: &[String], series: &[(&str, &str, Vec<f64>)]) -> String {
    let totals: Vec<f64> = (0..days.len())
        .map(|i| {
            series
                .iter()
                .map(|s| s.2.get(i).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    let max = totals.iter().cloned().fold(1.0, f64::max);
    let slot = (W - LEFT - 10.0) / days.len().max(1) as f64;
    let plot = H - BOTTOM - TOP;
    let mut inner = String::new();
    for (i, total) in totals.iter().enumerate() {
        let mut y = H - BOTTOM;
        for (name, colour, values) in series {
            let v = values.get(i).copied().unwrap_or(0.0);
            if v <= 0.0 {
                continue;
            }
            let h = v / max * plot;
            y -= h;
            inner.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{colour}\" stroke=\"#1a0b2e\" stroke-width=\"1.5\"><title>{} {}: {v}</title></rect>",
                LEFT + slot * i as f64 + slot * 0.15,
                slot * 0.7,
                escape(&days[i]),
                escape(name),
            ));
        }
        if *total > 0.0 {
            inner.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" font-weight=\"700\" text-anchor=\"middle\" fill=\"#1a0b2e\" class=\"value\">{total}</text>",
                LEFT + slot * (i as f64 + 0.5),
                y - 4.0
            ));
        }
    }
    inner.push_str(&day_labels(days, slot));
    let legend: String = series
        .iter()
        .enumerate()
        .map(|(k, (name, colour, _))| {
            let x = W - 10.0 - (series.len() - k) as f64 * 95.0;
            format!(
                "<rect x=\"{x}\" y=\"8\" width=\"12\" height=\"12\" fill=\"{colour}\" stroke=\"#1a0b2e\"/><text x=\"{}\" y=\"18\" font-size=\"11\" fill=\"#1a0b2e\">{}</text>",
                x + 16.0,
                escape(name)
            )
        })
        .collect();
    frame(title, &inner, &legend)
}

/// A line over the days; `None` days are gaps. `max` fixes the scale (e.g. 1.0 for scores).
pub fn line(
    title: &str,
    days: &[String],
    values: &[Option<f64>],
    max: Option<f64>,
    percent: bool,
) -> String {
    let top = max.unwrap_or_else(|| values.iter().flatten().cloned().fold(1.0, f64::max));
    let slot = (W - LEFT - 10.0) / days.len().max(1) as f64;
    let plot = H - BOTTOM - TOP;
    let mut inner = String::new();
    let mut path = String::new();
    for (i, v) in values.iter().enumerate() {
        let Some(v) = v else { continue };
        let (x, y) = (LEFT + slot * (i as f64 + 0.5), H - BOTTOM - v / top * plot);
        path.push_str(&format!(
            "{}{x:.1} {y:.1} ",
            if path.is_empty() { "M" } else { "L" }
        ));
        let label = if percent {
            format!("{:.0}%", v * 100.0)
        } else {
            format!("{v}")
        };
        inner.push_str(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#ff2e93\" stroke=\"#1a0b2e\"/><text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"10\" font-weight=\"700\" text-anchor=\"middle\" fill=\"#1a0b2e\" class=\"value\">{label}</text>",
            y - 8.0
        ));
    }
    if !path.is_empty() {
        inner.insert_str(
            0,
            &format!("<path d=\"{path}\" fill=\"none\" stroke=\"#7b2ff7\" stroke-width=\"3\"/>"),
        );
    }
    inner.push_str(&day_labels(days, slot));
    frame(title, &inner, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_carry_their_numbers() {
        let days = vec!["2026-01-01".to_string(), "2026-01-02".to_string()];
        let svg = stacked_bars(
            "Contributions",
            &days,
            &[
                ("text", "#f0f", vec![2.0, 0.0]),
                ("voice", "#0ff", vec![3.0, 1.0]),
            ],
        );
        assert!(svg.contains(">5</text>") && svg.contains(">1</text>"));
        let svg = line("Quality", &days, &[Some(0.5), None], Some(1.0), true);
        assert!(svg.contains(">50%</text>"));
    }
}
