//! Duet's load tool. Starts each server in turn (pinned to one core with `taskset`, the load
//! on the other), drives rooms of two WebSocket clients over loopback from many 127.0.0.x
//! source addresses, and prints one table per scenario with the servers side by side.
//!
//! ```sh
//! cargo build --release -p duet-signaling -p bench
//! cargo run -p bench --release -- --servers duet,floor
//! ```
//!
//! Server CPU is read from `/proc/<pid>/stat` (user + system time, 10 ms ticks) and memory
//! from `/proc/<pid>/status` (VmRSS); the tool's own CPU is reported too, since on two cores
//! it may be the bottleneck: compare servers by CPU per message then, not by messages/s.

// A load tool: a failure to set up is reported and ends the run.
#![allow(clippy::expect_used, clippy::unwrap_used, missing_docs)]

mod cli;
mod clients;
mod cluster;
mod plot;
mod procfs;
mod report;
mod scenario;
mod server;

use std::time::{Duration, Instant};

use clap::Parser;

use crate::cli::{Args, Kind, Scenario};
use crate::plot::Bar;
use crate::report::{print_table, Points, Rows};
use crate::scenario::{churn, idle, latency, saturation};
use crate::server::Server;

fn main() {
    let args = Args::parse();
    // The tool on every core but the server's.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads((cores - 1).max(1))
        .enable_all()
        .build()
        .expect("runtime");
    let others: Vec<String> = (0..cores)
        .filter(|&c| c != args.server_cpu)
        .map(|c| c.to_string())
        .collect();
    let _ = std::process::Command::new("taskset")
        .args([
            "-a",
            "-p",
            "-c",
            &others.join(","),
            &std::process::id().to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .status();
    runtime.block_on(run(args));
}

async fn run(args: Args) {
    let epoch = Instant::now();
    // scenario label → server → rows
    let mut tables: Vec<(String, Vec<(Kind, Rows)>)> = Vec::new();
    let mut cluster_columns = None;
    let mut bars: Vec<Bar> = Vec::new();
    for &scenario in &args.scenarios {
        if scenario == Scenario::Cluster {
            // Duet only, in several shapes: its own table, one column per shape.
            cluster_columns = Some(cluster::run(&args, epoch).await);
            continue;
        }
        let mut per_server = Vec::new();
        for (n, &kind) in args.servers.iter().enumerate() {
            let server = Server::start(
                kind,
                args.port + n as u16 + 10 * tables.len() as u16,
                args.server_cpu,
                &args,
            )
            .await;
            eprintln!("{scenario:?} on {kind:?} (pid {})", server.pid);
            let mut points = Points::new();
            let rows = match scenario {
                Scenario::Latency => latency::measure(&server, &args, epoch, &mut points).await,
                Scenario::Saturation => {
                    let mut rows =
                        saturation::measure(&server, &args, 1024, epoch, &mut points).await;
                    rows.extend(
                        saturation::measure(&server, &args, 6 * 1024, epoch, &mut points).await,
                    );
                    rows
                }
                Scenario::Idle => idle::measure(&server, &args, &mut points).await,
                Scenario::Cluster => unreachable!("handled above"),
                Scenario::Churn => {
                    let mut rows = Vec::new();
                    for &rate in &args.churn_rates {
                        rows.extend(churn::measure(&server, &args, rate, epoch, &mut points).await);
                    }
                    rows
                }
            };
            let name = format!("{kind:?}").to_lowercase();
            bars.extend(points.into_iter().map(|(chart, group, value)| Bar {
                chart,
                group,
                server: name.clone(),
                value,
            }));
            for (label, value) in &rows {
                eprintln!("  {label}: {value}");
            }
            per_server.push((kind, rows));
            server.stop().await;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        tables.push((format!("{scenario:?}"), per_server));
    }
    if let Some(dir) = &args.plots {
        match plot::write_all(dir, &bars) {
            Ok(files) => {
                for file in files {
                    eprintln!("wrote {file}");
                }
            }
            Err(e) => eprintln!("plots not written: {e}"),
        }
    }
    for (scenario, per_server) in tables {
        let columns: Vec<(String, Rows)> = per_server
            .into_iter()
            .map(|(kind, rows)| (format!("{kind:?}").to_lowercase(), rows))
            .collect();
        print_table(&scenario, &columns);
    }
    if let Some(columns) = cluster_columns {
        print_table("Cluster", &columns);
    }
}
