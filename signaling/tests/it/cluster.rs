//! Redis mode: replicas sharing rooms through a real `redis-server` (Debian's; `scripts/test.sh`
//! installs it), with real WebSocket clients. Replicas that must die like a crashed machine
//! are separate processes killed with SIGKILL; the others run in the test's process.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::future::join_all;
use shared::{ClientMsg, ErrorCode, LeaveReason, ServerMsg};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::process::Service;
use crate::redis_setups::{Redis, RedisCluster};
use crate::support::{
    assert_relays, finish, first_probe_through, http_get, markers_cross, room, start, within,
    Client,
};

/// A replica in a process of its own, so that it can die without a word.
fn replica(redis: &[String], extra: &[&str]) -> Service {
    let args: Vec<&str> = redis
        .iter()
        .map(String::as_str)
        .chain(extra.iter().copied())
        .collect();
    Service::start(&args, &[("RUST_LOG", "info")])
}

/// A replica in the test's process, with `redis`'s flags and `extra`.
async fn replica_here(redis: &[String], extra: &[&str]) -> signaling::Server {
    let args: Vec<&str> = redis
        .iter()
        .map(String::as_str)
        .chain(extra.iter().copied())
        .collect();
    start(&args).await
}

/// The flags for one `redis-server`.
fn single(redis: &Redis) -> Vec<String> {
    vec!["--redis-url".into(), redis.url()]
}

/// Runs a cross-replica test against one server, and against a three-primary Redis Cluster.
macro_rules! on_single_and_cluster {
    ($body:ident: $single:ident, $cluster:ident) => {
        #[actix_web::test]
        async fn $single() {
            let redis = Redis::start();
            $body(&single(&redis)).await;
        }

        #[actix_web::test]
        async fn $cluster() {
            let cluster = RedisCluster::start().await;
            $body(&cluster.flags()).await;
        }
    };
}

/// Short heartbeats, so that slots of a dead replica expire within a test's patience.
const FAST: [&str; 4] = ["--heartbeat-interval", "200ms", "--client-timeout", "1s"];

on_single_and_cluster!(meet_and_relay:
    two_people_on_different_replicas_meet_and_relay_both_ways,
    on_a_redis_cluster_two_people_on_different_replicas_meet_and_relay_both_ways);

async fn meet_and_relay(redis: &[String]) {
    let one = replica_here(redis, &[]).await;
    let two = replica_here(redis, &[]).await;
    let mut a = Client::connect(one.addr()).await;
    let ja = a.join("Casa Azul").await;
    assert!(!ja.peer_present);
    let mut b = Client::connect(two.addr()).await;
    // Case and spaces differ: the same room, across replicas too.
    let jb = b.join("  casa azul ").await;
    assert!(jb.peer_present);
    assert_ne!(ja.role, jb.role, "the replicas agree on roles");
    a.expect(ServerMsg::PeerJoined).await;
    assert_relays(&mut a, &mut b).await;
    // In order: a burst arrives as sent.
    for n in 0..50 {
        a.send_text(format!(
            r#"{{"type":"signal","signal":{{"kind":"candidate","candidate":{{"candidate":"c{n}","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":null}}}}}}"#
        ))
        .await;
    }
    for n in 0..50 {
        let text = b.recv_text().await;
        assert!(
            text.contains(&format!("\"c{n}\"")),
            "message {n} out of order: {text}"
        );
    }
    // Another room on the same replicas hears nothing of it, and a hang-up crosses over.
    let mut c = Client::connect(two.addr()).await;
    c.join("Casa Verde").await;
    b.send(&ClientMsg::Leave).await;
    b.expect(ServerMsg::Left).await;
    a.expect(ServerMsg::PeerLeft {
        reason: LeaveReason::HungUp,
    })
    .await;
    c.send(&ClientMsg::Leave).await;
    c.expect(ServerMsg::Left).await;
    finish!(one, a, b, c);
    finish!(two);
}

on_single_and_cluster!(stampede:
    a_hundred_simultaneous_joins_over_three_replicas_admit_exactly_two,
    on_a_redis_cluster_a_hundred_simultaneous_joins_over_three_replicas_admit_exactly_two);

async fn stampede(redis: &[String]) {
    let replicas = [
        replica_here(redis, &[]).await,
        replica_here(redis, &[]).await,
        replica_here(redis, &[]).await,
    ];
    let addrs: Vec<SocketAddr> = replicas.iter().map(|r| r.addr()).collect();
    stampede_on(&addrs, "Stampede").await;
    for replica in replicas {
        finish!(replica);
    }
}

/// 100 people join `name` at once, spread over the replicas at `addrs`: exactly two are
/// admitted, and the 98 others told the room is full.
pub async fn stampede_on(addrs: &[SocketAddr], name: &str) {
    let mut clients = join_all((0..100).map(|i| Client::connect(addrs[i % addrs.len()]))).await;
    // Every join is on the wire before any answer is read.
    let join = ClientMsg::Join {
        room: room(name),
        resume: None,
    };
    join_all(clients.iter_mut().map(|c| c.send(&join))).await;
    let answers = join_all(clients.iter_mut().map(|c| c.recv())).await;
    let admitted = answers
        .iter()
        .filter(|m| matches!(m, ServerMsg::Joined { .. }))
        .count();
    let full = answers
        .iter()
        .filter(|m| {
            matches!(
                m,
                ServerMsg::Error {
                    code: ErrorCode::RoomFull,
                    ..
                }
            )
        })
        .count();
    assert_eq!((admitted, full), (2, 98), "{answers:?}");
}

on_single_and_cluster!(resume_elsewhere:
    a_person_whose_replica_died_resumes_on_another_and_the_call_goes_on,
    on_a_redis_cluster_a_person_whose_replica_died_resumes_on_another_and_the_call_goes_on);

async fn resume_elsewhere(redis: &[String]) {
    let mut doomed = replica(redis, &[]);
    let survivor = replica_here(redis, &[]).await;
    let spare = replica_here(redis, &[]).await;
    let mut a = Client::connect(doomed.addr).await;
    let ja = a.join("Lifeboat").await;
    let mut b = Client::connect(survivor.addr()).await;
    let jb = b.join("Lifeboat").await;
    a.expect(ServerMsg::PeerJoined).await;
    assert_relays(&mut a, &mut b).await;

    doomed.kill();
    drop(a);
    // Back through the load balancer, on another replica, well within the lease: the slot
    // is still held by the dead connection, and the token takes it over.
    let mut a = Client::connect(spare.addr()).await;
    let again = a.join_with("Lifeboat", Some(ja.resume.clone())).await;
    assert_eq!(again.role, ja.role, "the same slot, the same role");
    assert_eq!(again.resume, ja.resume);
    assert!(again.peer_present);
    b.expect(ServerMsg::PeerJoined).await;
    assert_relays(&mut a, &mut b).await;
    // Still a room of two.
    let mut c = Client::connect(survivor.addr()).await;
    c.send(&ClientMsg::Join {
        room: room("Lifeboat"),
        resume: None,
    })
    .await;
    c.expect_error(ErrorCode::RoomFull).await;
    let _ = jb;
    finish!(survivor, b, c);
    finish!(spare, a);
}

on_single_and_cluster!(dead_replica_freed:
    a_dead_replicas_slots_are_freed_within_the_client_timeout,
    on_a_redis_cluster_a_dead_replicas_slots_are_freed_within_the_client_timeout);

async fn dead_replica_freed(redis: &[String]) {
    let mut doomed = replica(redis, &FAST);
    let survivor = replica_here(redis, &FAST).await;
    let mut a = Client::connect(doomed.addr).await;
    a.join("Ghost").await;
    let mut b = Client::connect(survivor.addr()).await;
    b.join("Ghost").await;
    a.expect(ServerMsg::PeerJoined).await;

    doomed.kill();
    // The dead replica's lease (1 s) runs out; the survivor notices on its next renewal.
    b.expect(ServerMsg::PeerLeft {
        reason: LeaveReason::ConnectionLost,
    })
    .await;
    // The slot is free for anyone.
    let mut c = Client::connect(survivor.addr()).await;
    let jc = c.join("Ghost").await;
    assert!(jc.peer_present);
    b.expect(ServerMsg::PeerJoined).await;
    assert_relays(&mut b, &mut c).await;
    drop(a);
    finish!(survivor, b, c);
}

on_single_and_cluster!(hang_ups_stay_hang_ups:
    a_hang_up_across_replicas_is_a_hang_up_whenever_the_renewal_falls,
    on_a_redis_cluster_a_hang_up_across_replicas_is_a_hang_up_whenever_the_renewal_falls);

/// A clean leave frees the slot in Redis before its word crosses the bus, so the other
/// replica's lease renewal may find the slot gone before the word arrives. Renewals every
/// 10 ms make that the usual order rather than a rare one: each time, the person who stays
/// must hear `hung_up`, not `connection_lost`.
async fn hang_ups_stay_hang_ups(redis: &[String]) {
    let eager = ["--heartbeat-interval", "10ms", "--client-timeout", "10s"];
    let one = replica_here(redis, &eager).await;
    let two = replica_here(redis, &eager).await;
    let mut a = Client::connect(one.addr()).await;
    a.join("Renewals").await;
    for round in 0..20 {
        let mut b = Client::connect(two.addr()).await;
        b.join("Renewals").await;
        a.expect(ServerMsg::PeerJoined).await;
        b.send(&ClientMsg::Leave).await;
        b.expect(ServerMsg::Left).await;
        let heard = a.recv().await;
        assert_eq!(
            heard,
            ServerMsg::PeerLeft {
                reason: LeaveReason::HungUp
            },
            "round {round}"
        );
        drop(b);
    }
    a.send(&ClientMsg::Leave).await;
    a.expect(ServerMsg::Left).await;
    finish!(one, a);
    finish!(two);
}

/// Waits until the replica at `addr` reports in /metrics that Redis is `up` (or down).
pub async fn redis_up(addr: SocketAddr, up: bool) {
    let line = format!("\nduet_redis_up {}\n", u8::from(up));
    within("the replica to see Redis's state", async {
        while !http_get(addr, "/metrics", &[]).await.text().contains(&line) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
}

/// Joins `name` on `addr` again and again until it is admitted, as a browser's reconnect loop
/// does; each failed try must be the clear `unavailable` and close 1013.
async fn join_once_redis_answers(addr: SocketAddr, name: &str) -> Client {
    within("the service to recover", async {
        loop {
            let mut client = Client::connect(addr).await;
            client
                .send(&ClientMsg::Join {
                    room: room(name),
                    resume: None,
                })
                .await;
            match client.recv().await {
                ServerMsg::Joined { .. } => return client,
                ServerMsg::Error {
                    code: ErrorCode::Unavailable,
                    ..
                } => {
                    let (code, _) = client.recv_close().await;
                    assert_eq!(code, Some(CloseCode::Again));
                }
                other => panic!("expected joined or unavailable, got {other:?}"),
            }
            // A browser backs off between reconnects too.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await
}

#[actix_web::test]
async fn a_redis_restart_degrades_with_a_clear_error_and_rooms_recover() {
    let mut redis = Redis::start();
    let url = redis.url();
    // Renewals every 200 ms, so the room is back soon after Redis; a long client timeout,
    // since the test's clients answer pings only when they read.
    let fast = [
        "--redis-url",
        &url,
        "--heartbeat-interval",
        "200ms",
        "--client-timeout",
        "10s",
    ];
    let one = start(&fast).await;
    let two = start(&fast).await;
    let mut a = Client::connect(one.addr()).await;
    a.join("Phoenix").await;
    let mut b = Client::connect(two.addr()).await;
    b.join("Phoenix").await;
    a.expect(ServerMsg::PeerJoined).await;
    assert_relays(&mut a, &mut b).await;

    let port = redis.port;
    redis.kill();
    // The replica notices (its bus subscription drops) and says so in /metrics ...
    redis_up(one.addr(), false).await;
    // ... and to a person whose signal cannot reach the other replica: clearly, not silently.
    a.hello(true).await;
    a.expect_error(ErrorCode::Unavailable).await;
    // While Redis is away, a join is told so, clearly, and the connection closed to retry.
    let mut c = Client::connect(one.addr()).await;
    c.send(&ClientMsg::Join {
        room: room("Elsewhere"),
        resume: None,
    })
    .await;
    c.expect_error(ErrorCode::Unavailable).await;
    let (code, _) = c.recv_close().await;
    assert_eq!(code, Some(CloseCode::Again));

    // Back, empty (no persistence): the replicas put their people back in their room on
    // their next renewal, and resubscribe to the bus.
    let _redis = Redis::start_on(port);
    let d = join_once_redis_answers(two.addr(), "Elsewhere").await;
    for replica in [&one, &two] {
        redis_up(replica.addr(), true).await;
    }
    within("both slots of the room to be back", async {
        let client = redis::Client::open(url.as_str()).expect("a Redis URL");
        let mut redis = client
            .get_multiplexed_async_connection()
            .await
            .expect("Redis is back");
        loop {
            let room: Option<String> = redis::cmd("GET")
                .arg("duet:room:{phoenix}")
                .query_async(&mut redis)
                .await
                .expect("GET");
            if room.is_some_and(|json| json.matches("\"s\":").count() == 2) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    // A room of two again: a third is turned away, and the two talk as before.
    let mut e = Client::connect(one.addr()).await;
    e.send(&ClientMsg::Join {
        room: room("Phoenix"),
        resume: None,
    })
    .await;
    e.expect_error(ErrorCode::RoomFull).await;
    assert_relays(&mut a, &mut b).await;
    finish!(one, a, e);
    finish!(two, b, d);
}

/// One step of the differential test: a person (re)connects and joins a room, possibly with
/// their last resume token, or leaves from their latest connection.
#[derive(Debug, Clone)]
enum Step {
    Join {
        person: usize,
        room: usize,
        resume: bool,
    },
    Leave {
        person: usize,
    },
}

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        3 => (0..4usize, 0..2usize, any::<bool>())
            .prop_map(|(person, room, resume)| Step::Join { person, room, resume }),
        1 => (0..4usize).prop_map(|person| Step::Leave { person }),
    ]
}

/// The single-process rules as the lobby and its rooms apply them: [`Room`] per room, and
/// the lobby's map of live tokens refusing a token of another room.
#[derive(Default)]
struct Model {
    rooms: std::collections::HashMap<usize, signaling::room::Room>,
    tokens: std::collections::HashMap<shared::ResumeToken, usize>,
}

/// Outcomes both sides report, in the model's terms (sessions, not seats).
#[derive(Debug, PartialEq, Eq)]
enum Said {
    Admitted {
        role: shared::Role,
        token: shared::ResumeToken,
        peer: Option<u64>,
        replaced: Option<u64>,
    },
    Full,
    WrongRoom,
    Left {
        peer: Option<u64>,
    },
    NotThere,
}

/// Redis's scripts and the in-memory [`Room`] (with the lobby's token rule) give the same
/// answers to the same random runs of joins, takeovers and leaves: the two modes share one
/// set of room rules, not two that happen to agree on a few cases.
#[actix_web::test]
async fn redis_scripts_follow_the_same_rules_as_the_in_memory_room() {
    let redis = Redis::start();
    same_rules(signaling::cluster::Endpoint::Single(redis.url())).await;
}

/// The same on a Redis Cluster: rooms (and tokens) spread over three nodes' slots.
#[actix_web::test]
async fn on_a_redis_cluster_redis_scripts_follow_the_same_rules_as_the_in_memory_room() {
    let cluster = RedisCluster::start().await;
    same_rules(signaling::cluster::Endpoint::Cluster(
        cluster.urls()[1].clone(),
    ))
    .await;
}

async fn same_rules(endpoint: signaling::cluster::Endpoint) {
    use actix::Actor;
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config as RunnerConfig, TestRunner};
    use shared::ResumeToken;
    use signaling::cluster::{Cluster, FromBus, JoinOutcome, Seat};
    use signaling::room::{Full, SessionId};

    /// Nobody on the bus in this test: joins and leaves are checked, not deliveries.
    struct Deaf;
    impl Actor for Deaf {
        type Context = actix::Context<Self>;
    }
    impl actix::Handler<FromBus> for Deaf {
        type Result = ();
        fn handle(&mut self, _: FromBus, _: &mut Self::Context) {}
    }

    let cluster = Cluster::connect(
        &endpoint,
        &Default::default(),
        Duration::from_secs(60),
        Deaf.start().recipient(),
        Default::default(),
    )
    .await
    .expect("Redis answers");
    let mut runner = TestRunner::new(RunnerConfig::default());
    let runs = proptest::collection::vec(step(), 1..40);
    let mut next_session = 0u64;
    let mut next_token = 0u128;
    for run in 0..64 {
        let steps = runs.new_tree(&mut runner).expect("a random run").current();
        let names = [format!("diff {run} a"), format!("diff {run} b")];
        let keys: Vec<_> = names.iter().map(|n| room(n).key().clone()).collect();
        let mut model = Model::default();
        // Per person: latest connection, the room it joined, the last token they were given.
        let mut people: [(Option<SessionId>, usize, Option<ResumeToken>); 4] = Default::default();
        for (at, step) in steps.iter().enumerate() {
            let seat = |session: SessionId| Seat {
                replica: cluster.replica(),
                session,
            };
            let (expected, got) = match *step {
                Step::Join {
                    person,
                    room: r,
                    resume,
                } => {
                    next_session += 1;
                    next_token += 1;
                    let session = SessionId(next_session);
                    let fresh = ResumeToken::from_bytes(next_token.to_le_bytes());
                    let token = people[person].2.clone().filter(|_| resume);
                    people[person].0 = Some(session);
                    people[person].1 = r;
                    let expected = match token.as_ref().and_then(|t| model.tokens.get(t)) {
                        Some(&owner) if owner != r => Said::WrongRoom,
                        _ => match model.rooms.entry(r).or_default().join(
                            session,
                            token.as_ref(),
                            fresh.clone(),
                        ) {
                            Ok(a) => {
                                model.tokens.insert(a.token.clone(), r);
                                Said::Admitted {
                                    role: a.role,
                                    token: a.token,
                                    peer: a.peer.map(|s| s.0),
                                    replaced: a.replaced.map(|s| s.0),
                                }
                            }
                            Err(Full) => Said::Full,
                        },
                    };
                    if let Said::Admitted { token, .. } = &expected {
                        people[person].2 = Some(token.clone());
                    }
                    let got = match cluster
                        .join(&keys[r], seat(session), token.as_ref(), &fresh)
                        .await
                        .expect("Redis answers")
                    {
                        JoinOutcome::Admitted {
                            role,
                            token,
                            peer,
                            replaced,
                        } => Said::Admitted {
                            role,
                            token,
                            peer: peer.map(|s| s.session.0),
                            replaced: replaced.map(|s| s.session.0),
                        },
                        JoinOutcome::Full => Said::Full,
                        JoinOutcome::WrongRoom => Said::WrongRoom,
                    };
                    (expected, got)
                }
                Step::Leave { person } => {
                    let (session, r, _) = people[person].clone();
                    let Some(session) = session else { continue };
                    let expected = match model.rooms.entry(r).or_default().leave(session) {
                        Some(d) => {
                            model.tokens.remove(&d.token);
                            Said::Left {
                                peer: d.peer.map(|s| s.0),
                            }
                        }
                        None => Said::NotThere,
                    };
                    let got = match cluster
                        .leave(&keys[r], seat(session), LeaveReason::HungUp)
                        .await
                        .expect("Redis answers")
                    {
                        Some(d) => Said::Left {
                            peer: d.peer.map(|s| s.session.0),
                        },
                        None => Said::NotThere,
                    };
                    (expected, got)
                }
            };
            assert_eq!(
                got, expected,
                "run {run}, step {at} ({step:?}) of {steps:?}"
            );
        }
    }
}

/// A Redis Cluster with a replica per primary: the node the replicas were given dies; the
/// cluster promotes its replica, the client follows the new slot map, and the bus
/// resubscribes at another node. Two people on different replicas talk again, and a room is
/// still a room of two.
#[actix_web::test]
#[ignore = "known failure: after the node's death, redis-rs 0.32's cluster client keeps timing \
            out (2 s each) on the room's slot for the test's 15 s (see README, Redis Cluster)"]
async fn on_a_redis_cluster_the_death_of_the_node_given_is_ridden_through() {
    let mut cluster = RedisCluster::start_with_replicas(1).await;
    let flags = cluster.flags();
    let fast = ["--heartbeat-interval", "200ms", "--client-timeout", "10s"];
    let one = replica_here(&flags, &fast).await;
    let two = replica_here(&flags, &fast).await;
    let mut a = Client::connect(one.addr()).await;
    a.join("Archipelago").await;
    let mut b = Client::connect(two.addr()).await;
    b.join("Archipelago").await;
    a.expect(ServerMsg::PeerJoined).await;
    assert_relays(&mut a, &mut b).await;

    cluster.kill_first();
    redis_up(one.addr(), false).await;
    // Both replicas say Redis is back (commands answer, the bus is subscribed) ...
    for replica in [&one, &two] {
        redis_up(replica.addr(), true).await;
    }
    // ... yet this is where it fails: no probe crosses.
    tokio::time::timeout(Duration::from_secs(15), first_probe_through(&mut a, &mut b))
        .await
        .expect("signals cross again after the cluster's failover");
    markers_cross(&mut a, &mut b).await;
    let addrs = [one.addr(), two.addr()];
    stampede_on(&addrs, "Stampede after the node's death").await;
    finish!(one, a);
    finish!(two, b);
}
