//! Two real `RTCPeerConnection`s in one page, talking through the peer layer. Every signal
//! travels the way it does in a call: encoded as the browser's `ClientMsg`, relayed as the
//! service's raw payload, decoded as a `ServerMsg`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use shared::{ClientMsg, RawSignal, Role, SdpKind, ServerMsg, Signal};
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::MediaStream;

use super::until;
use crate::browser::channel::{ChannelEvent, PeerMessage};
use crate::browser::config::Config;
use crate::browser::file_channel::{Announced, FileChannel, CHUNK_BYTES, HIGH_WATER_BYTES};
use crate::browser::media::{tracks_of, LocalMedia};
use crate::browser::peer::{Peer, PeerEvent, Spare};
use crate::call::events::Opening;
use crate::call::events::PeerState;

/// The wire, as the service sees it: typed out, raw through the service, typed in.
fn over_the_wire(signal: Signal) -> Signal {
    let sent = ClientMsg::Signal { signal }.encode();
    let relayed = match ClientMsg::<RawSignal>::decode(&sent) {
        Ok(ClientMsg::Signal { signal }) => ServerMsg::Signal { signal }.encode(),
        other => panic!("the service would not relay {sent}: {other:?}"),
    };
    match ServerMsg::decode(&relayed) {
        Ok(ServerMsg::Signal { signal }) => signal,
        other => panic!("the browser could not read {relayed}: {other:?}"),
    }
}

/// What one side saw.
#[derive(Default)]
struct Log {
    offers: Cell<u32>,
    answers: Cell<u32>,
    candidates: Cell<u32>,
    state: Cell<Option<PeerState>>,
    remote: RefCell<Option<MediaStream>>,
    channel_open: Cell<bool>,
    received: RefCell<Vec<PeerMessage>>,
    announced: RefCell<Vec<Announced>>,
}

struct Side {
    peer: Rc<RefCell<Option<Peer>>>,
    log: Rc<Log>,
}

impl Side {
    fn connected(&self) -> bool {
        self.log.state.get() == Some(PeerState::Connected)
    }

    fn stable(&self) -> bool {
        self.peer.borrow().as_ref().is_some_and(Peer::is_stable)
    }

    fn remote_kinds(&self) -> Vec<String> {
        let remote = self.log.remote.borrow();
        let mut kinds: Vec<String> = remote
            .iter()
            .flat_map(tracks_of)
            .map(|t| t.kind())
            .collect();
        kinds.sort();
        kinds
    }
}

/// Two peers wired to each other, the first impolite. Both are made before either can fire
/// an event (events come from browser tasks), so no signal is lost.
fn pair(a_media: Option<&LocalMedia>, b_media: Option<&LocalMedia>) -> (Side, Side) {
    pair_as([Role::Impolite, Role::Polite], a_media, b_media)
}

/// [`pair`], each peer made from a [`Spare`] made beforehand with `spare_config`.
fn pair_from_spares(
    spare_config: &Config,
    a_media: Option<&LocalMedia>,
    b_media: Option<&LocalMedia>,
) -> (Side, Side) {
    let spares = [0, 1].map(|_| match Spare::new(&spare_config.rtc_configuration(&[])) {
        Ok(spare) => Some(spare),
        Err(e) => panic!("{e}"),
    });
    make_pair([Role::Impolite, Role::Polite], spares, a_media, b_media)
}

/// [`pair`] with the two roles given: the first side offers (as one arriving would), the
/// other answers (as the friend who was waiting).
fn pair_as(
    roles: [Role; 2],
    a_media: Option<&LocalMedia>,
    b_media: Option<&LocalMedia>,
) -> (Side, Side) {
    make_pair(roles, [None, None], a_media, b_media)
}

fn make_pair(
    roles: [Role; 2],
    mut spares: [Option<Spare>; 2],
    a_media: Option<&LocalMedia>,
    b_media: Option<&LocalMedia>,
) -> (Side, Side) {
    let slots = [
        Rc::new(RefCell::new(None::<Peer>)),
        Rc::new(RefCell::new(None::<Peer>)),
    ];
    let logs = [Rc::new(Log::default()), Rc::new(Log::default())];
    let openings = [Opening::Offer, Opening::Answer];
    let media = [a_media, b_media];
    let config = Config::default().rtc_configuration(&[]);
    for me in 0..2 {
        let other = slots[1 - me].clone();
        let log = logs[me].clone();
        let on_event = move |event: PeerEvent| match event {
            PeerEvent::Signal(signal) => {
                match &signal {
                    Signal::Description { description } => match description.kind {
                        SdpKind::Offer => log.offers.set(log.offers.get() + 1),
                        _ => log.answers.set(log.answers.get() + 1),
                    },
                    Signal::Candidate { .. } => log.candidates.set(log.candidates.get() + 1),
                    Signal::Hello { .. } => {}
                }
                if let Some(peer) = other.borrow().as_ref() {
                    peer.handle_signal(over_the_wire(signal));
                }
            }
            PeerEvent::State(state) => log.state.set(Some(state)),
            PeerEvent::RemoteStream(stream) => *log.remote.borrow_mut() = Some(stream),
            PeerEvent::Channel(ChannelEvent::Open) => log.channel_open.set(true),
            PeerEvent::Channel(ChannelEvent::Message(message)) => {
                log.received.borrow_mut().push(message);
            }
            PeerEvent::FileChannel(announced) => log.announced.borrow_mut().push(announced),
        };
        let (stream, tracks) = match media[me] {
            Some(media) => (media.shared_stream(), media.tracks()),
            None => match MediaStream::new() {
                Ok(empty) => (empty, Vec::new()),
                Err(e) => panic!("MediaStream: {e:?}"),
            },
        };
        match Peer::new(
            &config,
            spares[me].take(),
            roles[me],
            openings[me],
            &stream,
            &tracks,
            on_event,
        ) {
            Ok(peer) => *slots[me].borrow_mut() = Some(peer),
            Err(e) => panic!("{e}"),
        }
    }
    let [a_peer, b_peer] = slots;
    let [a_log, b_log] = logs;
    (
        Side {
            peer: a_peer,
            log: a_log,
        },
        Side {
            peer: b_peer,
            log: b_log,
        },
    )
}

async fn media() -> LocalMedia {
    match LocalMedia::acquire().await {
        Ok(media) => media,
        Err(e) => panic!("fake media: {e}"),
    }
}

const LIMIT: Duration = Duration::from_secs(15);

fn restart_ice(side: &Side) {
    if let Some(peer) = side.peer.borrow().as_ref() {
        peer.restart_ice();
    }
}

fn set_role(side: &Side, role: Role) {
    if let Some(peer) = side.peer.borrow().as_ref() {
        peer.set_role(role);
    }
}

#[wasm_bindgen_test]
async fn an_offer_an_answer_and_trickled_candidates_connect_two_peers() {
    let media = media().await;
    // Only the impolite side sends media: one offer, one answer.
    let (a, b) = pair(Some(&media), None);
    until("both connected", LIMIT, || a.connected() && b.connected()).await;
    assert_eq!((a.log.offers.get(), b.log.offers.get()), (1, 0));
    assert_eq!((a.log.answers.get(), b.log.answers.get()), (0, 1));
    assert!(
        a.log.candidates.get() > 0 && b.log.candidates.get() > 0,
        "trickle ICE both ways"
    );
    until("the camera and microphone at the far end", LIMIT, || {
        b.remote_kinds() == ["audio", "video"]
    })
    .await;
    media.stop();
}

#[wasm_bindgen_test]
async fn a_fresh_polite_peer_sends_its_media_in_its_first_answer() {
    let (media_a, media_b) = (media().await, media().await);
    let (a, b) = pair(Some(&media_a), Some(&media_b));
    until("media both ways", LIMIT, || {
        a.remote_kinds() == ["audio", "video"] && b.remote_kinds() == ["audio", "video"]
    })
    .await;
    until("both connected", LIMIT, || a.connected() && b.connected()).await;
    assert_eq!(
        (a.log.offers.get(), b.log.offers.get()),
        (1, 0),
        "one round trip, no glare"
    );
    // The pre-agreed data channel rode the same round trip and works both ways.
    until("the data channel open on both sides", LIMIT, || {
        a.log.channel_open.get() && b.log.channel_open.get()
    })
    .await;
    let hello = PeerMessage::Chat {
        text: "hola".into(),
    };
    let muted = PeerMessage::Media {
        mic: false,
        camera: true,
    };
    for (side, message) in [(&a, &hello), (&b, &muted)] {
        if let Some(peer) = side.peer.borrow().as_ref() {
            if let Err(e) = peer.send(message) {
                panic!("send: {e}");
            }
        }
    }
    until("each message at the far end", LIMIT, || {
        b.log.received.borrow().as_slice() == [hello.clone()]
            && a.log.received.borrow().as_slice() == [muted.clone()]
    })
    .await;
    media_a.stop();
    media_b.stop();
}

#[wasm_bindgen_test]
async fn a_polite_arrival_offers_and_the_impolite_friend_answers_with_its_media() {
    let (media_a, media_b) = (media().await, media().await);
    let (a, b) = pair_as(
        [Role::Polite, Role::Impolite],
        Some(&media_a),
        Some(&media_b),
    );
    until("media both ways", LIMIT, || {
        a.remote_kinds() == ["audio", "video"] && b.remote_kinds() == ["audio", "video"]
    })
    .await;
    until("both connected", LIMIT, || a.connected() && b.connected()).await;
    assert_eq!(
        (a.log.offers.get(), b.log.offers.get()),
        (1, 0),
        "one round trip, no glare"
    );
    media_a.stop();
    media_b.stop();
}

#[wasm_bindgen_test]
async fn peers_made_from_spares_take_the_configuration_given_when_used() {
    // Spares made for relayed candidates only, with no relay: as they are, they could never
    // connect. Used with the default configuration, they gather host candidates and do.
    let relay_only = match Config::parse(r#"{"ice_transport_policy":"relay"}"#) {
        Ok(config) => config,
        Err(e) => panic!("{e}"),
    };
    let (media_a, media_b) = (media().await, media().await);
    let (a, b) = pair_from_spares(&relay_only, Some(&media_a), Some(&media_b));
    until("media both ways", LIMIT, || {
        a.remote_kinds() == ["audio", "video"] && b.remote_kinds() == ["audio", "video"]
    })
    .await;
    until("both connected", LIMIT, || a.connected() && b.connected()).await;
    media_a.stop();
    media_b.stop();
}

#[wasm_bindgen_test]
async fn a_polite_peer_offers_the_media_the_first_offer_lacks() {
    let media = media().await;
    // The impolite side has no media: its first offer carries only the data channel, so
    // the polite side negotiates its camera and microphone itself afterwards.
    let (a, b) = pair(None, Some(&media));
    until("both connected", LIMIT, || a.connected() && b.connected()).await;
    until("the polite side offered", LIMIT, || b.log.offers.get() >= 1).await;
    until("the polite side's media", LIMIT, || {
        a.remote_kinds() == ["audio", "video"]
    })
    .await;
    media.stop();
}

#[wasm_bindgen_test]
async fn simultaneous_offers_do_not_wedge_the_call() {
    let (media_a, media_b) = (media().await, media().await);
    let (a, b) = pair(Some(&media_a), Some(&media_b));
    until("both connected", LIMIT, || a.connected() && b.connected()).await;
    until("both stable", LIMIT, || a.stable() && b.stable()).await;

    // Both restart ICE at once: both fire `negotiationneeded` and both offer.
    for round in 0..2 {
        if round == 1 {
            // After a service restart the roles can be dealt anew under a kept connection.
            set_role(&a, Role::Polite);
            set_role(&b, Role::Impolite);
        }
        let before = (a.log.offers.get(), b.log.offers.get());
        restart_ice(&a);
        restart_ice(&b);
        until("both offered", LIMIT, || {
            a.log.offers.get() > before.0 && b.log.offers.get() > before.1
        })
        .await;
        until("stable and connected again", LIMIT, || {
            a.stable() && b.stable() && a.connected() && b.connected()
        })
        .await;
    }
    media_a.stop();
    media_b.stop();
}

#[wasm_bindgen_test]
async fn a_file_channel_of_its_own_carries_bytes_in_order_with_backpressure() {
    let media = media().await;
    let (a, b) = pair(Some(&media), None);
    until("the control channel open on both sides", LIMIT, || {
        a.log.channel_open.get() && b.log.channel_open.get()
    })
    .await;
    let sending = match a
        .peer
        .borrow()
        .as_ref()
        .map(|peer| peer.open_file_channel(42))
    {
        Some(Ok(channel)) => channel,
        other => panic!("no file channel: {:?}", other.map(|r| r.err())),
    };
    until("the friend told of the channel", LIMIT, || {
        !b.log.announced.borrow().is_empty()
    })
    .await;
    let announced = b.log.announced.borrow_mut().remove(0);
    let mut receiving = match FileChannel::announced(announced) {
        Some(channel) => channel,
        None => panic!("the file channel's label was not understood"),
    };
    assert_eq!(receiving.id(), 42, "the sender's number rides the label");
    let received = Rc::new(RefCell::new(Vec::<u8>::new()));
    receiving.on_chunk({
        let received = received.clone();
        move |chunk| received.borrow_mut().extend(chunk.to_vec())
    });
    // 4 MiB, four times the high water mark: the sender has to wait for the buffer to drain.
    let file: Vec<u8> = (0..4 * 1024 * 1024u32)
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    let mut waits = 0;
    for chunk in file.chunks(CHUNK_BYTES) {
        if let Err(e) = sending.ready().await {
            panic!("ready: {e}");
        }
        if let Err(e) = sending.send(chunk) {
            panic!("send: {e}");
        }
        waits += usize::from(sending.buffered() > HIGH_WATER_BYTES);
    }
    until("every byte at the far end", LIMIT, || {
        received.borrow().len() == file.len()
    })
    .await;
    assert!(*received.borrow() == file, "in order, unchanged");
    assert!(
        waits > 0,
        "the buffer filled past its high water mark at least once"
    );
    // Closing one end closes the other: nothing more is sent or kept.
    sending.close();
    assert!(sending.ready().await.is_err());
    assert!(sending.send(b"late").is_err());
    until("the receiving end closed", LIMIT, || receiving.is_closed()).await;
    media.stop();
}
