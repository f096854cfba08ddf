//! Programs run as processes of their own: the service's binary (to kill it like a crashed
//! machine, signal it, or read its log), and whatever else a test starts and waits for.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;

/// The service's binary, as cargo built it for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_duet-signaling");

/// Starts `command` and waits until a line of its standard output contains `ready`,
/// answering the child and that line. The output is read on for as long as the child writes
/// it, so that it never blocks on a full pipe.
pub fn spawn_until(mut command: Command, ready: &str) -> (Child, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e} (is it installed?)"));
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = loop {
        match lines.next() {
            Some(Ok(line)) if line.contains(ready) => break line,
            Some(Ok(_)) => continue,
            _ => {
                let status = child.wait();
                panic!("{command:?} ended before saying {ready:?}: {status:?}")
            }
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    (child, line)
}

/// The address in a log line that says "listening on http://ADDR", in text or JSON.
fn listening_address(line: &str) -> Option<SocketAddr> {
    let (_, rest) = line.split_once("listening on http://")?;
    let end = rest
        .find(|c: char| !(c.is_ascii_hexdigit() || matches!(c, '.' | ':' | '[' | ']')))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// The service, run as its binary on a free port of 127.0.0.1 with one worker; killed when
/// dropped.
pub struct Service {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// The line that announced it: the first of its log that the test sees.
    pub announced: String,
    /// Reads its standard error (where a panic is reported), passing it on to the test's,
    /// and answers all of it once the process has closed it.
    stderr: Option<JoinHandle<String>>,
}

impl Service {
    /// Starts the binary with `args` after its address and worker count, with no inherited
    /// environment (no stray `DUET_*` settings) but `env`, and waits until it listens.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(BIN);
        command
            .args(["--bind", "127.0.0.1:0", "--workers", "1"])
            .args(args)
            .env_clear()
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .stderr(Stdio::piped());
        let (mut child, line) = spawn_until(command, "listening on http://");
        let stderr = child.stderr.take().map(|pipe| {
            std::thread::spawn(move || {
                let mut all = String::new();
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    eprintln!("{line}");
                    all.push_str(&line);
                    all.push('\n');
                }
                all
            })
        });
        let Some(addr) = listening_address(&line) else {
            let _ = child.kill();
            panic!("no address in {line:?}");
        };
        Self {
            child,
            addr,
            announced: line,
            stderr,
        }
    }

    /// Sends the process `signal` (`TERM`, `INT`) with kill(1): the test needs no crate for
    /// one system call.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal}: {status}");
    }

    /// Waits for the process to end, killing it if it has not within the test's patience.
    pub async fn exit(self) -> ExitStatus {
        self.exit_with_stderr().await.0
    }

    /// Waits for the process to end, as [`Self::exit`], and answers its exit status and all
    /// it wrote to its standard error.
    pub async fn exit_with_stderr(mut self) -> (ExitStatus, String) {
        let pid = self.child.id();
        let waited = tokio::time::timeout(
            crate::support::PATIENCE,
            tokio::task::spawn_blocking(move || {
                let status = self.child.wait();
                // The process has ended: its end of the pipe is closed, the reader finishes.
                let stderr = self
                    .stderr
                    .take()
                    .and_then(|reader| reader.join().ok())
                    .unwrap_or_default();
                (status, stderr, self)
            }),
        )
        .await;
        match waited {
            Ok(waited) => {
                let (status, stderr, _) = waited.expect("the wait thread");
                (status.expect("wait"), stderr)
            }
            Err(_) => {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
                panic!("the service did not exit after the signal");
            }
        }
    }

    /// SIGKILL: no close frames, no goodbyes, as when a machine dies.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

#[test]
fn the_address_is_read_from_text_and_json_logs() {
    let text = "2026-12-01T10:00:00Z  INFO signaling: listening on http://127.0.0.1:41234";
    let json = r#"{"timestamp":"2026","level":"INFO","fields":{"message":"listening on http://[::1]:8080"},"target":"signaling"}"#;
    assert_eq!(
        listening_address(text),
        Some(SocketAddr::from(([127, 0, 0, 1], 41234)))
    );
    assert_eq!(listening_address(json), "[::1]:8080".parse().ok());
    assert_eq!(listening_address("listening on nothing"), None);
}
