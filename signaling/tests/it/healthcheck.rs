//! The built binary: `duet-signaling healthcheck` against a running service and a closed
//! port, and the service itself stopping gracefully on SIGTERM and SIGINT.

use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Output};

use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::process::{Service, BIN};
use crate::support::{finish, start, Client};

/// Runs the binary with `args` and no inherited environment (no stray `DUET_*` settings).
async fn run(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    // Off the test's runtime thread: the server under test runs on it.
    tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args(&args)
            .env_clear()
            .output()
            .expect("the binary runs")
    })
    .await
    .expect("the probe thread")
}

#[actix_web::test]
async fn healthcheck_exits_0_against_a_running_service() {
    let server = start(&[]).await;
    let bind = server.addr().to_string();
    let out = run(&["--bind", &bind, "healthcheck"]).await;
    assert!(out.status.success(), "{out:?}");
    // 0.0.0.0 is probed on 127.0.0.1, as in the container.
    let wildcard = format!("0.0.0.0:{}", server.addr().port());
    let out = run(&["--bind", &wildcard, "healthcheck"]).await;
    assert!(out.status.success(), "{out:?}");
    finish!(server);
}

#[actix_web::test]
async fn healthcheck_reads_the_bind_address_from_the_environment() {
    let server = start(&[]).await;
    let bind = server.addr().to_string();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .arg("healthcheck")
            .env_clear()
            .env("DUET_BIND", bind)
            .output()
            .expect("the binary runs")
    })
    .await
    .expect("the probe thread");
    assert!(out.status.success(), "{out:?}");
    finish!(server);
}

#[actix_web::test]
async fn healthcheck_exits_1_against_a_closed_port() {
    // A port that was free a moment ago and has nobody listening now.
    let closed: SocketAddr = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr")
    };
    let out = run(&["--bind", &closed.to_string(), "healthcheck"]).await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unhealthy"), "{stderr}");
}

#[actix_web::test]
async fn help_never_shows_the_turn_secret() {
    let out = tokio::task::spawn_blocking(|| {
        Command::new(BIN)
            .arg("--help")
            .env_clear()
            .env("DUET_TURN_SECRET", "hunter2-from-the-environment")
            .env("DUET_TURN_URLS", "turn:turn.example.com:3478")
            .output()
            .expect("the binary runs")
    })
    .await
    .expect("the help thread");
    assert!(out.status.success(), "{out:?}");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--turn-secret"), "{help}");
    assert!(help.contains("DUET_TURN_SECRET"), "{help}");
    assert!(!help.contains("hunter2"), "{help}");
}

/// The service closes every WebSocket with 1001 (going away) on `signal`, then exits 0.
async fn stops_gracefully_on(signal: &str) {
    let service = Service::start(&[], &[]);
    let mut a = Client::connect(service.addr).await;
    assert!(!a.join("until the signal").await.peer_present);
    let mut b = Client::connect(service.addr).await;
    assert!(b.join("until the signal").await.peer_present);
    service.signal(signal);
    // Both read, as browsers do, so the close handshakes complete.
    let ((code_a, _), (code_b, _)) = tokio::join!(a.recv_close(), b.recv_close());
    assert_eq!(code_a, Some(CloseCode::Away), "SIG{signal}");
    assert_eq!(code_b, Some(CloseCode::Away), "SIG{signal}");
    drop((a, b));
    let status = service.exit().await;
    assert!(status.success(), "SIG{signal}: {status}");
}

#[actix_web::test]
async fn sigterm_closes_the_websockets_with_1001_and_exits_0() {
    stops_gracefully_on("TERM").await;
}

#[actix_web::test]
async fn sigint_closes_the_websockets_with_1001_and_exits_0() {
    stops_gracefully_on("INT").await;
}

/// `--log-format json` (or `DUET_LOG_FORMAT=json`, as the image is configured) writes one JSON
/// object a line, for log shippers; the default stays plain text.
#[actix_web::test]
async fn the_log_is_json_lines_when_asked() {
    for (args, env) in [
        (&["--log-format", "json"][..], &[][..]),
        (&[][..], &[("DUET_LOG_FORMAT", "json")][..]),
    ] {
        let service = Service::start(args, env);
        let line: serde_json::Value = serde_json::from_str(&service.announced)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", service.announced));
        assert_eq!(line["level"], "INFO", "{line}");
        assert!(
            line["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("listening on http://")),
            "{line}"
        );
    }
    let service = Service::start(&[], &[]);
    assert!(
        serde_json::from_str::<serde_json::Value>(&service.announced).is_err(),
        "{}",
        service.announced
    );
}
