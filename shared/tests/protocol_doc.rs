//! Every JSON example in `docs/protocol.md` is a real message: it decodes with the same
//! decoders the browser and the service use, re-encodes to the same JSON, and every message
//! type, signal kind and error code has at least one example.

use std::collections::BTreeSet;

use serde_json::Value;
use shared::{ClientMsg, ErrorCode, ServerMsg, Signal};

const DOC: &str = include_str!("../../docs/protocol.md");

/// The ```json blocks of the document, with the line each starts on.
fn json_blocks(doc: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, line) in doc.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match current.take() {
            Some(block) if fence => blocks.push(block),
            Some((start, mut text)) => {
                text.push_str(line);
                text.push('\n');
                current = Some((start, text));
            }
            None if line.trim() == "```json" => current = Some((index + 1, String::new())),
            None => {}
        }
    }
    assert!(current.is_none(), "an unclosed ```json block");
    blocks
}

fn tag(value: &Value) -> Option<&str> {
    value.get("type").and_then(Value::as_str)
}

/// What one example turned out to be.
enum Example {
    Client(ClientMsg),
    Server(ServerMsg),
}

/// Decodes one example in each direction it fits. It must fit at least one, and each fit
/// must re-encode to the example itself: no field the types do not know, none left out.
fn decode(line: usize, text: &str) -> Vec<Example> {
    let written: Value = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("line {line}: the example is not JSON: {e}\n{text}"));
    let written_tag =
        tag(&written).unwrap_or_else(|| panic!("line {line}: the example has no `type`"));
    let mut fits = Vec::new();
    let check = |encoded: String, direction: &str| {
        let encoded: Value = serde_json::from_str(&encoded)
            .unwrap_or_else(|e| panic!("line {line}: re-encoding is not JSON: {e}"));
        assert_eq!(
            tag(&encoded),
            Some(written_tag),
            "line {line}: decoded as another type"
        );
        assert_eq!(
            encoded, written,
            "line {line}: the {direction} message re-encodes differently"
        );
    };
    if let Ok(msg) = ClientMsg::<Signal>::decode(text.trim()) {
        check(msg.encode(), "client");
        fits.push(Example::Client(msg));
    }
    if let Ok(msg) = ServerMsg::decode(text.trim()) {
        check(msg.encode(), "server");
        fits.push(Example::Server(msg));
    }
    assert!(
        !fits.is_empty(),
        "line {line}: neither a ClientMsg nor a ServerMsg:\n{text}"
    );
    fits
}

#[test]
fn every_example_decodes_and_every_message_has_one() {
    let blocks = json_blocks(DOC);
    assert!(
        blocks.len() >= 10,
        "found only {} ```json blocks",
        blocks.len()
    );

    let mut seen = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    let mut codes = BTreeSet::new();
    for (line, text) in &blocks {
        for example in decode(*line, text) {
            let signal = match &example {
                Example::Client(ClientMsg::Signal { signal }) => Some(signal),
                Example::Server(ServerMsg::Signal { signal }) => Some(signal),
                _ => None,
            };
            if let Some(signal) = signal {
                kinds.insert(match signal {
                    Signal::Hello { .. } => "hello",
                    Signal::Description { .. } => "description",
                    Signal::Candidate { .. } => "candidate",
                });
            }
            if let Example::Server(ServerMsg::Joined { ice_servers, .. }) = &example {
                if ice_servers
                    .iter()
                    .any(|s| s.username.is_some() && s.credential.is_some())
                {
                    seen.insert("server joined with TURN credentials");
                }
            }
            if let Example::Server(ServerMsg::Error { code, .. }) = &example {
                assert_ne!(
                    *code,
                    ErrorCode::Unknown,
                    "line {line}: an example with an unknown code"
                );
                codes.insert(code.as_str());
            }
            seen.insert(match example {
                Example::Client(ClientMsg::Join { .. }) => "client join",
                Example::Client(ClientMsg::Signal { .. }) => "client signal",
                Example::Client(ClientMsg::Leave) => "client leave",
                Example::Server(ServerMsg::Joined { .. }) => "server joined",
                Example::Server(ServerMsg::PeerJoined) => "server peer_joined",
                Example::Server(ServerMsg::PeerLeft { .. }) => "server peer_left",
                Example::Server(ServerMsg::Signal { .. }) => "server signal",
                Example::Server(ServerMsg::Left) => "server left",
                Example::Server(ServerMsg::Error { .. }) => "server error",
            });
        }
    }

    // Written out rather than derived so that a new variant fails the match above (it is
    // exhaustive) and a missing example fails here.
    let variants = [
        "client join",
        "client signal",
        "client leave",
        "server joined",
        "server joined with TURN credentials",
        "server peer_joined",
        "server peer_left",
        "server signal",
        "server left",
        "server error",
    ];
    for variant in variants {
        assert!(
            seen.contains(variant),
            "no example of the {variant} message"
        );
    }
    for kind in ["hello", "description", "candidate"] {
        assert!(kinds.contains(kind), "no example of a {kind} signal");
    }
    // Every code but `unknown`, which no service sends.
    for code in ErrorCode::ALL
        .into_iter()
        .filter(|&c| c != ErrorCode::Unknown)
    {
        assert!(
            codes.contains(code.as_str()),
            "no example of the {code} error"
        );
    }
}

#[test]
fn the_extractor_finds_blocks_and_the_checker_rejects_drift() {
    let doc = "text\n```json\n{\"type\":\"leave\"}\n```\n```text\n{\"type\":\"nope\"}\n```\n";
    let blocks = json_blocks(doc);
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].1.trim(), r#"{"type":"leave"}"#);

    // A misspelt optional field would be silently ignored by the decoder: the re-encoding
    // comparison is what catches it.
    let drifted =
        std::panic::catch_unwind(|| decode(1, r#"{"type":"join","room":"a","resum":"x"}"#));
    assert!(drifted.is_err());
    let unknown = std::panic::catch_unwind(|| decode(1, r#"{"type":"wave"}"#));
    assert!(unknown.is_err());
}
