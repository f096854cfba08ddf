//! TURN credentials in `joined`: minted per admitted join, checkable with the shared secret,
//! absent without a relay and for refused joins.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use shared::{ClientMsg, ErrorCode, IceServer};

use crate::support::{finish, pair, room, start, Client};

const SECRET: &str = "a secret only coturn and the service know";
const UDP: &str = "turn:turn.example.com:3478?transport=udp";
const TCP: &str = "turn:turn.example.com:3478?transport=tcp";

fn with_turn(ttl: &str) -> Vec<String> {
    [
        "--turn-url",
        &format!("{UDP},{TCP}"),
        "--turn-secret",
        SECRET,
        "--turn-ttl",
        ttl,
    ]
    .map(String::from)
    .to_vec()
}

async fn start_with(args: &[String]) -> signaling::Server {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    start(&args).await
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Checks one minted server as coturn would: the expiry is `ttl` from now (give or take the
/// test's own duration), and the password is the HMAC of the user name under the secret.
/// Returns the id part.
fn check_credential(server: &IceServer, ttl: Duration, before: u64, after: u64) -> String {
    assert_eq!(server.urls, [UDP, TCP].map(String::from));
    let username = server.username.as_deref().expect("a username");
    let credential = server.credential.as_deref().expect("a credential");
    let (expiry, id) = username.split_once(':').expect("username is expiry:id");
    let expiry: u64 = expiry.parse().expect("the expiry is Unix seconds");
    assert!(
        (before + ttl.as_secs()..=after + ttl.as_secs()).contains(&expiry),
        "expiry {expiry} not within [{before}, {after}] + {ttl:?}"
    );
    let mut mac = Hmac::<Sha1>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(username.as_bytes());
    let tag = BASE64.decode(credential).expect("the credential is base64");
    mac.verify_slice(&tag)
        .expect("the credential is HMAC-SHA1(secret, username)");
    assert!(!id.is_empty());
    id.to_owned()
}

#[actix_web::test]
async fn a_join_gets_turn_credentials_that_verify_with_the_secret() {
    let server = start_with(&with_turn("2h")).await;
    let ttl = Duration::from_secs(2 * 3600);
    let before = now();
    let (a, ja, b, jb) = pair(server.addr(), "Casa Azul").await;
    let after = now();

    assert_eq!(ja.ice_servers.len(), 1);
    assert_eq!(jb.ice_servers.len(), 1);
    let id_a = check_credential(&ja.ice_servers[0], ttl, before, after);
    let id_b = check_credential(&jb.ice_servers[0], ttl, before, after);
    // Opaque and per join: not the room, not an address, not shared by the two.
    assert_ne!(id_a, id_b);
    for id in [&id_a, &id_b] {
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
        assert!(!id.to_lowercase().contains("casa"), "{id}");
        assert!(!id.contains("127.0.0.1"), "{id}");
    }
    finish!(server, a, b);
}

#[actix_web::test]
async fn a_rejoin_with_the_resume_token_gets_fresh_credentials() {
    let server = start_with(&with_turn("24h")).await;
    let mut a = Client::connect(server.addr()).await;
    let first = a.join("again").await;
    let before = now();
    let mut again = Client::connect(server.addr()).await;
    let second = again.join_with("again", Some(first.resume)).await;
    let after = now();
    let id = check_credential(
        &second.ice_servers[0],
        Duration::from_secs(86_400),
        before,
        after,
    );
    assert_ne!(
        first.ice_servers[0].username,
        second.ice_servers[0].username
    );
    assert!(!id.is_empty());
    finish!(server, a, again);
}

#[actix_web::test]
async fn without_turn_joined_carries_no_ice_servers() {
    let server = start(&[]).await;
    let mut a = Client::connect(server.addr()).await;
    a.send(&ClientMsg::Join {
        room: room("plain"),
        resume: None,
    })
    .await;
    let text = a.recv_text().await;
    assert!(text.contains(r#""type":"joined""#), "{text}");
    assert!(!text.contains("ice_servers"), "{text}");
    finish!(server, a);
}

#[actix_web::test]
async fn a_refused_join_gets_no_credentials() {
    let server = start_with(&with_turn("1h")).await;
    let (a, _, b, _) = pair(server.addr(), "full").await;
    let mut third = Client::connect(server.addr()).await;
    third
        .send(&ClientMsg::Join {
            room: room("full"),
            resume: None,
        })
        .await;
    let text = third.recv_text().await;
    assert!(text.contains(ErrorCode::RoomFull.as_str()), "{text}");
    for leak in ["ice_servers", "turn:", "credential", "username", SECRET] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
    finish!(server, a, b, third);
}

/// docker-compose passes unset settings as empty variables (`DUET_TURN_SECRET=`): they mean
/// "none", and the service starts and serves without TURN.
#[actix_web::test]
async fn empty_settings_mean_none() {
    let server = start(&[
        "--allowed-origin",
        "",
        "--turn-url",
        "",
        "--turn-secret",
        "",
    ])
    .await;
    let mut a = Client::connect(server.addr()).await;
    let joined = a.join("empty").await;
    assert!(joined.ice_servers.is_empty());
    finish!(server, a);
}
