//! Metrics, per-address limits and slow readers, against the real server.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use shared::{ClientMsg, ErrorCode, LeaveReason, ServerMsg, Signal};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::support::{
    assert_relays, finish, http_get, pair, refused_status, room, start, within, Client, PATIENCE,
};

/// Scrapes `/metrics` into sample → value, checking the text format on the way.
async fn scrape(addr: SocketAddr) -> HashMap<String, f64> {
    let response = http_get(addr, "/metrics", &[]).await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let text = response.text();
    assert!(
        text.ends_with('\n'),
        "the last line must end with a line feed"
    );
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (name, value) = line
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("not a sample: {line:?}"));
            let value = value.parse().unwrap_or_else(|e| panic!("{line:?}: {e}"));
            (name.to_owned(), value)
        })
        .collect()
}

/// Waits until the scraped `sample` equals `want`.
async fn until_metric(addr: SocketAddr, sample: &str, want: f64) {
    let mut last = None;
    let waited = tokio::time::timeout(PATIENCE, async {
        loop {
            let got = scrape(addr).await.get(sample).copied();
            if got == Some(want) {
                return;
            }
            last = got;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "{sample}: wanted {want}, last {last:?}");
}

#[actix_web::test]
async fn metrics_count_real_traffic() {
    let server = start(&[]).await;
    let addr = server.addr();
    let (mut a, _, mut b, _) = pair(addr, "metered").await;
    assert_relays(&mut a, &mut b).await;
    let mut c = Client::connect(addr).await;
    c.send(&ClientMsg::Join {
        room: room("metered"),
        resume: None,
    })
    .await;
    c.expect_error(ErrorCode::RoomFull).await;
    c.send_text("{nope").await;
    c.expect_error(ErrorCode::MalformedMessage).await;
    let _d = Client::connect(addr).await;

    until_metric(addr, "duet_sessions", 4.0).await;
    let m = scrape(addr).await;
    for (sample, want) in [
        ("duet_rooms", 1.0),
        ("duet_resume_tokens", 2.0),
        ("duet_connections_total", 4.0),
        ("duet_joins_total", 2.0),
        ("duet_full_rejections_total", 1.0),
        ("duet_relayed_messages_total", 2.0),
        ("duet_errors_total{code=\"room_full\"}", 1.0),
        ("duet_errors_total{code=\"malformed_message\"}", 1.0),
        ("duet_errors_total{code=\"too_many_joins\"}", 0.0),
        ("duet_heartbeat_evictions_total", 0.0),
        ("duet_slow_consumer_evictions_total", 0.0),
        ("duet_rate_limited_total", 0.0),
    ] {
        assert_eq!(m.get(sample), Some(&want), "{sample} in {m:?}");
    }
    let hellos = r#"{"kind":"hello","live_call":true}{"kind":"hello","live_call":false}"#;
    assert_eq!(
        m.get("duet_relayed_bytes_total"),
        Some(&(hellos.len() as f64))
    );

    drop((a, b));
    until_metric(addr, "duet_rooms", 0.0).await;
    finish!(server, c, _d);
}

/// `/metrics` has the two latencies docs/benchmarks.md measures, as histograms: a join's
/// arrival → `joined`, and a signal's arrival → its hand-off to the other person, one
/// observation per admitted join and per relayed signal.
#[actix_web::test]
async fn metrics_have_join_and_relay_latency_histograms() {
    let server = start(&[]).await;
    let addr = server.addr();
    let (mut a, _, mut b, _) = pair(addr, "timed").await;
    assert_relays(&mut a, &mut b).await;
    let m = scrape(addr).await;
    for family in ["duet_join_duration_seconds", "duet_relay_duration_seconds"] {
        assert_eq!(m.get(&format!("{family}_count")), Some(&2.0), "{m:?}");
        assert_eq!(
            m.get(&format!("{family}_bucket{{le=\"+Inf\"}}")),
            Some(&2.0),
            "{m:?}"
        );
        let sum = m[&format!("{family}_sum")];
        assert!(
            sum > 0.0 && sum < PATIENCE.as_secs_f64(),
            "{family}_sum {sum}"
        );
    }
    finish!(server, a, b);
}

#[actix_web::test]
async fn connections_over_the_per_address_cap_get_429() {
    let server = start(&["--max-connections-per-ip", "3"]).await;
    let addr = server.addr();
    let mut held = vec![
        Client::connect(addr).await,
        Client::connect(addr).await,
        Client::connect(addr).await,
    ];
    assert_eq!(refused_status(Client::connect_with(addr, &[]).await), 429);
    // The ones held are unaffected.
    let (mut a, _, mut b, _) = (held.remove(0), (), held.remove(0), ());
    a.join("capped").await;
    b.join("capped").await;
    a.expect(ServerMsg::PeerJoined).await;
    assert_relays(&mut a, &mut b).await;
    // A closed connection gives its place back.
    drop(a);
    let again = within("a place to free up", async {
        loop {
            if let Ok(client) = Client::connect_with(addr, &[]).await {
                return client;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert_eq!(
        scrape(addr).await.get("duet_connections_refused_total"),
        Some(&1.0)
    );
    finish!(server, b, again, held);
}

#[actix_web::test]
async fn the_cap_counts_the_proxy_s_forwarded_address_when_trusted() {
    let server = start(&["--max-connections-per-ip", "1", "--trust-x-forwarded-for"]).await;
    let addr = server.addr();
    let one = Client::connect_with(addr, &[("x-forwarded-for", "10.0.0.1")]).await;
    let two = Client::connect_with(addr, &[("x-forwarded-for", "10.0.0.2")]).await;
    assert!(one.is_ok() && two.is_ok());
    // What the browser claimed comes first; the proxy appends the address it saw.
    let spoofed = Client::connect_with(addr, &[("x-forwarded-for", "10.0.0.9, 10.0.0.1")]).await;
    assert_eq!(refused_status(spoofed), 429);
    finish!(server, one, two);
}

#[actix_web::test]
async fn joins_over_the_per_address_rate_get_too_many_joins_and_the_connection_stays() {
    let server = start(&["--join-burst-per-ip", "3", "--joins-per-second-per-ip", "2"]).await;
    let addr = server.addr();
    let mut a = Client::connect(addr).await;
    let mut b = Client::connect(addr).await;
    // The bucket is the address's: two connections share it.
    a.join("one").await;
    b.join("two").await;
    a.send(&ClientMsg::Leave).await;
    a.expect(ServerMsg::Left).await;
    a.join("three").await;
    a.send(&ClientMsg::Leave).await;
    a.expect(ServerMsg::Left).await;
    let join = ClientMsg::Join {
        room: room("four"),
        resume: None,
    };
    a.send(&join).await;
    a.expect_error(ErrorCode::TooManyJoins).await;
    // Still connected, and once the bucket has refilled (2 a second) the join goes through:
    // tried again until it does, each refusal counted.
    let mut refused = 1.0;
    within("the join bucket to refill", async {
        loop {
            a.send(&join).await;
            match a.recv().await {
                ServerMsg::Joined { .. } => break,
                ServerMsg::Error {
                    code: ErrorCode::TooManyJoins,
                    ..
                } => refused += 1.0,
                other => panic!("expected joined or too_many_joins, got {other:?}"),
            }
            // Paced (a tenth of a token's refill time), not as fast as round trips go: a try
            // per round trip would run into the connection's own message rate limit.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let m = scrape(addr).await;
    assert_eq!(m.get("duet_join_rate_limited_total"), Some(&refused));
    assert_eq!(
        m.get("duet_errors_total{code=\"too_many_joins\"}"),
        Some(&refused)
    );
    finish!(server, a, b);
}

/// A signal frame of about 60 KiB: `{"type":"signal","signal":{"kind":"x","pad":"..."}}`.
fn big_signal() -> String {
    format!(
        r#"{{"type":"signal","signal":{{"kind":"x","pad":"{}"}}}}"#,
        "x".repeat(60 * 1024)
    )
}

/// A browser that stops reading while its peer floods it loses its place (the peer is told
/// and the place is free), and its connection is aborted and forgotten.
#[actix_web::test]
async fn a_client_that_stops_reading_is_evicted_and_forgotten() {
    let server = start(&[
        "--rate-limit-burst",
        "100000",
        "--rate-limit-per-second",
        "100000",
        "--heartbeat-interval",
        "300ms",
        // The sockets' TCP_USER_TIMEOUT is twice the client timeout. The kernel checks it when
        // a zero-window probe fires (backing off from 200 ms: 0.2, 0.6, 1.4, 3.0, 6.2 s after
        // the slow one's window closed), so with 2 s it aborts the stalled connection about
        // 6 s after the window closed, while the eviction comes 2 s after the queue
        // overflows, which is shortly after. (When the user timeout equalled the client
        // timeout, the kernel's abort came ~1 s after the eviction, and a loaded machine
        // filling the buffers slower than that let the kernel win: no eviction counted.)
        "--client-timeout",
        "2s",
    ])
    .await;
    let addr = server.addr();
    let (mut sender, _, mut slow, _) = pair(addr, "flood").await;
    // From here `slow` reads nothing: its socket buffers fill, then the service's. It still
    // sends pings, as a browser whose tab is alive but starved would: only the queue may
    // evict it here, never the heartbeat (both wait one client timeout, and under load
    // filling the buffers can take longer than that).
    let frame = big_signal();
    let told = within("the sender to hear that the slow one is gone", async {
        loop {
            for _ in 0..8 {
                sender
                    .ws
                    .send(Message::text(frame.clone()))
                    .await
                    .unwrap_or_else(|e| panic!("send: {e}"));
            }
            // Once evicted, the service may have closed it: a failed ping is expected then.
            let _ = slow.ws.send(Message::Ping(Default::default())).await;
            while let Ok(next) =
                tokio::time::timeout(Duration::from_millis(1), sender.ws.next()).await
            {
                match next {
                    Some(Ok(Message::Text(text))) => {
                        match ServerMsg::decode(text.as_str())
                            .unwrap_or_else(|e| panic!("{text}: {e}"))
                        {
                            // Held back while the slow one still had its grace period.
                            ServerMsg::Error {
                                code: ErrorCode::RateLimited,
                                ..
                            } => {}
                            other => return other,
                        }
                    }
                    Some(Ok(_)) => {}
                    other => panic!("sender's connection: {other:?}"),
                }
            }
            // Held back (the sender is told) for a grace period of one client timeout,
            // then dropped: the wait is bounded by `within`.
        }
    })
    .await;
    assert_eq!(
        told,
        ServerMsg::PeerLeft {
            reason: LeaveReason::ConnectionLost
        }
    );
    // The place is free for someone else, and the sender is in a working room again.
    let mut newcomer = Client::connect(addr).await;
    assert!(newcomer.join("flood").await.peer_present);
    sender.expect(ServerMsg::PeerJoined).await;
    // The flood still on its way reaches the newcomer first; then the hello.
    sender.hello(true).await;
    within("the hello after the flood", async {
        loop {
            let text = newcomer.recv_text().await;
            if !text.contains(r#""pad""#) {
                let hello = ServerMsg::Signal {
                    signal: Signal::Hello { live_call: true },
                };
                assert_eq!(ServerMsg::decode(&text).ok(), Some(hello));
                return;
            }
        }
    })
    .await;
    newcomer.hello(false).await;
    sender
        .expect(ServerMsg::Signal {
            signal: Signal::Hello { live_call: false },
        })
        .await;
    assert_eq!(
        scrape(addr).await.get("duet_slow_consumer_evictions_total"),
        Some(&1.0)
    );
    // The kernel aborts the stalled connection (TCP user timeout = 2 × --client-timeout), which
    // ends the session: only the sender and the newcomer remain. They keep reading meanwhile,
    // so that they answer pings.
    let forgotten = tokio::time::timeout(PATIENCE * 3, async {
        loop {
            if server.stats().await.map(|s| s.sessions).unwrap_or(0) == 2 {
                return;
            }
            for client in [&mut sender, &mut newcomer] {
                if let Ok(Some(Ok(Message::Text(text)))) =
                    tokio::time::timeout(Duration::from_millis(20), client.ws.next()).await
                {
                    panic!("unexpected {text}");
                }
            }
        }
    })
    .await;
    let stats = server.stats().await.expect("stats");
    assert!(
        forgotten.is_ok(),
        "the slow session is still there: {stats:?}"
    );
    assert_eq!((stats.rooms, stats.tokens), (1, 2), "{stats:?}");
    assert_relays(&mut sender, &mut newcomer).await;
    // What the slow one finds when it reads again: what was buffered, then a reset.
    let mut slow = slow;
    let ended = within("the slow one's connection to end", async {
        loop {
            match slow.ws.next().await {
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Some(e),
                None => return None,
            }
        }
    })
    .await;
    assert!(
        matches!(ended, Some(tungstenite::Error::Io(_)) | None),
        "{ended:?}"
    );
    finish!(server, slow, sender, newcomer);
}

/// A burst from one person, within the rate limit, never costs the other their place: every
/// signal is either passed on or its sender is told it was not, and the call goes on.
#[actix_web::test]
async fn a_burst_never_evicts_a_friend_who_is_reading() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    // The smallest backlog allowed (two messages and some), so that the burst outruns it; no
    // rate limit in the way, so that every answer here is about the backlog.
    let server = start(&[
        "--max-queued-bytes",
        "140000",
        "--rate-limit-burst",
        "100000",
        "--rate-limit-per-second",
        "100000",
    ])
    .await;
    let addr = server.addr();
    let (mut sender, _, mut reader, _) = pair(addr, "burst").await;
    let frame = big_signal();
    const BURST: usize = 120; // as many as the default rate limit lets through at once
    let passed = Arc::new(AtomicUsize::new(0));
    let progress = Arc::new(tokio::sync::Notify::new());
    // The reader reads everything, counting the burst, until the hello that follows it.
    let reading = tokio::spawn({
        let (passed, progress) = (passed.clone(), progress.clone());
        async move {
            loop {
                let text = reader.recv_text().await;
                if !text.contains(r#""pad""#) {
                    let hello = ServerMsg::Signal {
                        signal: Signal::Hello { live_call: true },
                    };
                    assert_eq!(ServerMsg::decode(&text).ok(), Some(hello));
                    return reader;
                }
                passed.fetch_add(1, Ordering::Relaxed);
                progress.notify_one();
            }
        }
    });
    for _ in 0..BURST {
        sender
            .ws
            .send(Message::text(frame.clone()))
            .await
            .unwrap_or_else(|e| panic!("send: {e}"));
    }
    // Every signal is accounted for: passed on, or answered to its sender as held back.
    let mut held_back = 0;
    within("every signal of the burst to be accounted for", async {
        while passed.load(Ordering::Relaxed) + held_back < BURST {
            tokio::select! {
                _ = progress.notified() => {}
                error = sender.recv() => {
                    assert!(
                        matches!(error, ServerMsg::Error { code: ErrorCode::RateLimited, .. }),
                        "{error:?}"
                    );
                    held_back += 1;
                }
            }
        }
    })
    .await;
    assert_eq!(passed.load(Ordering::Relaxed) + held_back, BURST);
    // Both still in the room, relaying both ways.
    sender.hello(true).await;
    let mut reader = within("the reader", reading).await.expect("the reader");
    reader.hello(false).await;
    sender
        .expect(ServerMsg::Signal {
            signal: Signal::Hello { live_call: false },
        })
        .await;
    finish!(server, sender, reader);
}
