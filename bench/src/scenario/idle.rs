//! Idle sessions held, and the memory each costs the server.

use std::time::Duration;

use crate::cli::Args;
use crate::clients::pairs;
use crate::plot::Chart;
use crate::report::{Points, Rows};
use crate::server::Server;

/// `--idle-sessions` joined and held.
pub async fn measure(server: &Server, args: &Args, points: &mut Points) -> Rows {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = server.rss_kib();
    let (pairs, _) = pairs(server.view(), args.idle_sessions / 2, args.sources, "idle").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = server.rss_kib();
    let sessions = pairs.len() * 2;
    drop(pairs);
    let per_session = after.saturating_sub(before) as f64 / sessions.max(1) as f64;
    points.push((
        Chart::RssPerSession,
        format!("{sessions} idle sessions"),
        per_session,
    ));
    vec![
        ("sessions held".into(), sessions.to_string()),
        (
            "server RSS before / with them (MiB)".into(),
            format!(
                "{:.1} / {:.1}",
                before as f64 / 1024.0,
                after as f64 / 1024.0
            ),
        ),
        ("RSS per session (KiB)".into(), format!("{per_session:.1}")),
    ]
}
