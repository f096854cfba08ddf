//! `duet-signaling healthcheck`: asks a running service for `/healthz` over plain std
//! networking, so that a container image with no shell, curl or wget can still be probed.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::Duration;

/// How long the probe waits to connect, and then for each read or write.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The most of the answer the probe reads; `/healthz` answers a few bytes.
const MAX_RESPONSE_BYTES: u64 = 4096;

/// Why the service is not healthy.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// No connection, or it failed or timed out.
    #[error("{addr}: {source}")]
    Io {
        /// Where the probe went.
        addr: SocketAddr,
        /// What failed.
        source: io::Error,
    },
    /// Something answered, but not `200`.
    #[error("{addr}: /healthz answered {status_line:?}")]
    Unhealthy {
        /// Where the probe went.
        addr: SocketAddr,
        /// The answer's first line (or what came instead).
        status_line: String,
    },
}

/// Where to probe a service listening on `bind`: a wildcard address is not one to connect to,
/// so 0.0.0.0 becomes 127.0.0.1 and :: becomes ::1.
pub fn probe_target(bind: SocketAddr) -> SocketAddr {
    let ip = match bind.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, bind.port())
}

/// `GET /healthz` at `addr` with HTTP/1.1 and `Connection: close`; healthy only on `200`.
pub fn probe(addr: SocketAddr, timeout: Duration) -> Result<(), ProbeError> {
    let io = |source| ProbeError::Io { addr, source };
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(io)?;
    stream.set_read_timeout(Some(timeout)).map_err(io)?;
    stream.set_write_timeout(Some(timeout)).map_err(io)?;
    let request =
        format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nUser-Agent: duet-signaling-healthcheck\r\n\r\n");
    stream.write_all(request.as_bytes()).map_err(io)?;
    let mut response = Vec::new();
    stream
        .take(MAX_RESPONSE_BYTES)
        .read_to_end(&mut response)
        .map_err(io)?;
    let status_line = String::from_utf8_lossy(&response)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    if is_ok_status(&status_line) {
        Ok(())
    } else {
        Err(ProbeError::Unhealthy { addr, status_line })
    }
}

/// Whether a status line is `HTTP/1.x 200 ...`.
fn is_ok_status(line: &str) -> bool {
    let mut parts = line.split(' ');
    matches!(parts.next(), Some("HTTP/1.1" | "HTTP/1.0")) && parts.next() == Some("200")
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::thread;

    use super::*;

    #[test]
    fn wildcards_are_probed_on_loopback() {
        let probe = |s: &str| probe_target(s.parse().unwrap_or_else(|e| panic!("{s}: {e}")));
        assert_eq!(probe("0.0.0.0:8080").to_string(), "127.0.0.1:8080");
        assert_eq!(probe("[::]:8080").to_string(), "[::1]:8080");
        assert_eq!(probe("10.1.2.3:9000").to_string(), "10.1.2.3:9000");
    }

    #[test]
    fn status_lines() {
        assert!(is_ok_status("HTTP/1.1 200 OK"));
        assert!(is_ok_status("HTTP/1.0 200"));
        assert!(!is_ok_status("HTTP/1.1 503 Service Unavailable"));
        assert!(!is_ok_status("HTTP/1.1 2000 OK"));
        assert!(!is_ok_status("SSH-2.0-OpenSSH"));
        assert!(!is_ok_status(""));
    }

    /// A one-shot server that reads the request and answers `answer`, returning the request.
    fn serve_once(answer: &'static str) -> (SocketAddr, thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("addr: {e}"));
        let handle = thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap_or_else(|e| panic!("accept: {e}"));
            let mut request = Vec::new();
            let mut buf = [0u8; 512];
            while !request.ends_with(b"\r\n\r\n") {
                let n = conn.read(&mut buf).unwrap_or_else(|e| panic!("read: {e}"));
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..n]);
            }
            conn.write_all(answer.as_bytes())
                .unwrap_or_else(|e| panic!("write: {e}"));
            String::from_utf8_lossy(&request).into_owned()
        });
        (addr, handle)
    }

    #[test]
    fn a_200_is_healthy_and_the_request_is_minimal_http_1_1() {
        let (addr, server) = serve_once("HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nok\n");
        assert!(probe(addr, PROBE_TIMEOUT).is_ok());
        let request = server.join().unwrap_or_else(|_| panic!("server panicked"));
        assert!(
            request.starts_with("GET /healthz HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(request.contains("\r\nConnection: close\r\n"), "{request}");
        assert!(
            request.contains(&format!("\r\nHost: {addr}\r\n")),
            "{request}"
        );
    }

    #[test]
    fn another_status_is_unhealthy() {
        let (addr, server) = serve_once("HTTP/1.1 503 Service Unavailable\r\n\r\n");
        assert!(matches!(
            probe(addr, PROBE_TIMEOUT),
            Err(ProbeError::Unhealthy { .. })
        ));
        let _ = server.join();
    }

    #[test]
    fn a_silent_server_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("addr: {e}"));
        // Accepted by the kernel's backlog, never answered.
        let started = std::time::Instant::now();
        let result = probe(addr, Duration::from_millis(200));
        assert!(matches!(result, Err(ProbeError::Io { .. })), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
        drop(listener);
    }
}
