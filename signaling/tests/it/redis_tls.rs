//! Redis over TLS: replicas reach a `redis-server` that speaks only TLS (`rediss://`), trust
//! its certificate through `--redis-tls-ca`, and show their own with `--redis-tls-cert` and
//! `--redis-tls-key`. The certificates are made by the test.

use std::process::Command;

use shared::{ClientMsg, LeaveReason, ServerMsg};

use crate::process::BIN;
use crate::redis_setups::TlsRedis;
use crate::support::{assert_relays, finish, start, within, Client};

#[actix_web::test]
async fn replicas_share_rooms_through_redis_over_tls() {
    let redis = TlsRedis::start();
    let flags = redis.flags();
    let args: Vec<&str> = flags.iter().map(String::as_str).collect();
    let one = start(&args).await;
    let two = start(&args).await;
    let mut a = Client::connect(one.addr()).await;
    a.join("Sealed").await;
    let mut b = Client::connect(two.addr()).await;
    assert!(b.join("Sealed").await.peer_present);
    a.expect(ServerMsg::PeerJoined).await;
    assert_relays(&mut a, &mut b).await;
    b.send(&ClientMsg::Leave).await;
    b.expect(ServerMsg::Left).await;
    a.expect(ServerMsg::PeerLeft {
        reason: LeaveReason::HungUp,
    })
    .await;
    finish!(one, a, b);
    finish!(two);
}

/// The server's certificate is checked: without the test's CA (the system's roots only), or
/// without a client certificate, the service does not start, and says why.
#[actix_web::test]
async fn redis_over_tls_is_refused_without_the_right_certificates() {
    let redis = TlsRedis::start();
    let flags = redis.flags();
    let url = [flags[0].as_str(), flags[1].as_str()];
    let ca = [flags[2].as_str(), flags[3].as_str()];
    for (args, why) in [
        // The system's roots do not know the test's CA.
        (url.to_vec(), "invalid peer certificate: UnknownIssuer"),
        // The server asks for a client certificate (tls-auth-clients yes).
        ([&url[..], &ca[..]].concat(), "CertificateRequired"),
    ] {
        let mut command = Command::new(BIN);
        command
            .args(["--bind", "127.0.0.1:0"])
            .args(&args)
            .env_clear()
            .env("NO_COLOR", "1");
        let output = within(
            "the service to give up",
            tokio::task::spawn_blocking(move || command.output()),
        )
        .await
        .expect("the wait thread")
        .expect("the service runs");
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!output.status.success(), "{args:?} started: {log}");
        assert!(log.contains("cannot use Redis"), "{args:?}: {log}");
        assert!(log.contains(why), "{args:?}: {log}");
    }
}
