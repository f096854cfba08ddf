//! What a scenario reports: rows of a Markdown table (a column per server) and points for the
//! charts, with the percentiles they are made of.

use crate::plot::Chart;

/// One server's measurements in one scenario, for the charts: (chart, group, value).
pub type Points = Vec<(Chart, String, f64)>;

/// One server's numbers in one scenario, as (label, value) rows.
pub type Rows = Vec<(String, String)>;

/// The `p` quantile (0 to 1) of `sorted` nanoseconds, in microseconds.
pub fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)] as f64 / 1000.0
}

/// Prints one scenario as a Markdown table, a column per server (or shape): every label any
/// column reported, in first-seen order, and a dash where one has none.
pub fn print_table(title: &str, columns: &[(String, Rows)]) {
    println!("\n### {title}\n");
    let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
    println!("| | {} |", names.join(" | "));
    println!("|---|{}", "---|".repeat(names.len()));
    let mut labels: Vec<&str> = Vec::new();
    for (_, rows) in columns {
        for (label, _) in rows {
            if !labels.contains(&label.as_str()) {
                labels.push(label);
            }
        }
    }
    for label in labels {
        let values: Vec<&str> = columns
            .iter()
            .map(|(_, rows)| {
                rows.iter()
                    .find(|(l, _)| l == label)
                    .map_or("–", |(_, v)| v.as_str())
            })
            .collect();
        println!("| {label} | {} |", values.join(" | "));
    }
}
