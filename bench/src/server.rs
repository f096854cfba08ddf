//! The servers under test as processes: started pinned to their core, measured, stopped;
//! under callgrind or `perf stat` when asked.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use crate::cli::{Args, Kind};
use crate::clients::ServerRef;
use crate::procfs::{cpu_of, rss_of};

/// A running server process.
pub struct Server {
    pub kind: Kind,
    child: tokio::process::Child,
    pub pid: u32,
    pub port: u16,
    /// Running under callgrind (`--callgrind`).
    callgrind: bool,
}

/// Adds duet-signaling, as every scenario runs it, to `cmd`: one worker, and the limits lifted
/// (every message and join of the tool must pass).
pub fn duet_command(cmd: &mut tokio::process::Command, bind: &str, extra: &str) {
    cmd.arg(sibling("duet-signaling"))
        .args([
            "--bind",
            bind,
            "--workers",
            "1",
            "--rate-limit-burst",
            "1000000",
            "--rate-limit-per-second",
            "1000000",
            "--max-connections-per-ip",
            "100000",
            "--join-burst-per-ip",
            "1000000",
            "--joins-per-second-per-ip",
            "1000000",
        ])
        .args(extra.split_whitespace())
        .env("RUST_LOG", "warn");
}

fn sibling(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    exe.with_file_name(name)
}

impl Server {
    pub async fn start(kind: Kind, port: u16, cpu: usize, args: &Args) -> Self {
        let bind = format!("127.0.0.1:{port}");
        let mut cmd = tokio::process::Command::new("taskset");
        cmd.arg("-c").arg(cpu.to_string());
        // valgrind runs the program in its own process (taskset and valgrind both exec), so
        // the pid is still the server's. Collection starts zeroed by `callgrind_control`
        // when the measured window opens.
        let callgrind = args.callgrind && kind != Kind::Peerjs;
        if callgrind {
            cmd.args([
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=/tmp/bench-callgrind.%p",
            ]);
        }
        match kind {
            Kind::Duet => {
                duet_command(&mut cmd, &bind, &args.duet_args);
            }
            Kind::Floor => {
                cmd.arg(sibling("floor")).arg(&bind);
            }
            Kind::Matchbox => {
                cmd.arg(&args.matchbox_bin).arg(&bind);
                cmd.env("RUST_LOG", "warn");
            }
            Kind::Peerjs => {
                // Its connection limit (5,000 by default) raised, as the issue asks.
                cmd.arg(&args.peerjs_bin).args([
                    "--host",
                    "127.0.0.1",
                    "--port",
                    &port.to_string(),
                    "--concurrent_limit",
                    "1000000",
                ]);
            }
        }
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        let child = cmd
            .spawn()
            .expect("start the server (is it built? is taskset there?)");
        let pid = child.id().expect("pid");
        // valgrind takes a while to translate a server's start-up code.
        let deadline = Instant::now() + Duration::from_secs(if callgrind { 120 } else { 10 });
        while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(
                Instant::now() < deadline,
                "{kind:?} did not start listening"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            kind,
            child,
            pid,
            port,
            callgrind,
        }
    }

    /// Where clients reach it, and how they speak.
    pub fn view(&self) -> ServerRef {
        ServerRef {
            kind: self.kind,
            port: self.port,
        }
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }

    /// CPU time used so far (user + system).
    pub fn cpu(&self) -> Duration {
        cpu_of(&format!("/proc/{}/stat", self.pid))
    }

    pub fn rss_kib(&self) -> u64 {
        rss_of(&format!("/proc/{}/status", self.pid))
    }

    /// Under callgrind: zeroes the server's instruction counts.
    pub async fn callgrind_zero(&self) {
        if self.callgrind {
            callgrind_control(&["--zero", &self.pid.to_string()]).await;
        }
    }

    /// Under callgrind: the user-space instructions the server ran since the last zero
    /// (dumped to /tmp/bench-callgrind.<pid>.<n>, whose `totals:` line is read back).
    pub async fn callgrind_instructions(&self) -> Option<u64> {
        if !self.callgrind {
            return None;
        }
        callgrind_control(&["--dump", &self.pid.to_string()]).await;
        let prefix = format!("bench-callgrind.{}.", self.pid);
        let newest = std::fs::read_dir("/tmp")
            .ok()?
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())?;
        let text = std::fs::read_to_string(newest.path()).ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix("totals:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
    }
}

/// `perf stat` counting a process's system calls and context switches until [`PerfStat::stop`].
pub struct PerfStat {
    child: tokio::process::Child,
    out: PathBuf,
}

impl PerfStat {
    pub fn start(pid: u32) -> Option<Self> {
        let out = std::env::temp_dir().join(format!("bench-perf-{pid}.csv"));
        let child = tokio::process::Command::new("perf")
            .args([
                "stat",
                "-x",
                ",",
                "-e",
                "raw_syscalls:sys_enter,context-switches",
            ])
            .arg("-o")
            .arg(&out)
            .args(["-p", &pid.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| eprintln!("perf stat not started: {e}"))
            .ok()?;
        Some(Self { child, out })
    }

    /// Stops counting (SIGINT, which makes perf write its counts); answers (system calls,
    /// context switches).
    pub async fn stop(mut self) -> Option<(u64, u64)> {
        let pid = self.child.id()?;
        let _ = tokio::process::Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status()
            .await;
        let _ = self.child.wait().await;
        let text = std::fs::read_to_string(&self.out).ok()?;
        let count = |event: &str| -> Option<u64> {
            text.lines()
                .find(|l| l.contains(event))
                .and_then(|l| l.split(',').next()?.trim().parse().ok())
        };
        Some((count("raw_syscalls:sys_enter")?, count("context-switches")?))
    }
}

async fn callgrind_control(args: &[&str]) {
    let status = tokio::process::Command::new("callgrind_control")
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .await;
    if !status.as_ref().is_ok_and(|s| s.success()) {
        eprintln!("callgrind_control {args:?} failed: {status:?}");
    }
}
