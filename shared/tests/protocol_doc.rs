//! Every JSON example in `docs/protocol.md` is a real message: it decodes with the same
//! decoders the browser and the service use, re-encodes to the same JSON, and every message
//! type, signal kind and error code has at least one example. So is every message line of
//! the sequences (` ```text ` blocks): `A → S  {json}` decodes as a `ClientMsg`, and
//! `S → A  {json}` as a `ServerMsg`, once their placeholders are filled in.

use std::collections::BTreeSet;

use serde_json::Value;
use shared::{ClientMsg, ErrorCode, ResumeToken, ServerMsg, Signal};

const DOC: &str = include_str!("../../docs/protocol.md");

/// The ```json blocks of the document, with the line each starts on.
fn json_blocks(doc: &str) -> Vec<(usize, String)> {
    fenced_blocks(doc, "json")
        .into_iter()
        .map(|block| (block.line, block.text))
        .collect()
}

/// A fenced block of the document.
struct Block {
    /// The line (1-based) of its first line of text.
    line: usize,
    /// The `###` heading it is under, if any.
    heading: Option<String>,
    /// Its text, each line ending in a newline.
    text: String,
}

/// The blocks fenced with ```` ```lang ````.
fn fenced_blocks(doc: &str, lang: &str) -> Vec<Block> {
    let opening = format!("```{lang}");
    let mut blocks = Vec::new();
    let mut heading = None;
    let mut current: Option<Block> = None;
    for (index, line) in doc.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match current.take() {
            Some(block) if fence => blocks.push(block),
            Some(mut block) => {
                block.text.push_str(line);
                block.text.push('\n');
                current = Some(block);
            }
            None if line.trim() == opening => {
                current = Some(Block {
                    line: index + 2,
                    heading: heading.clone(),
                    text: String::new(),
                })
            }
            None => {
                if let Some(title) = line.strip_prefix("### ") {
                    heading = Some(title.trim().to_owned());
                } else if line.starts_with("## ") {
                    heading = None;
                }
            }
        }
    }
    assert!(current.is_none(), "an unclosed ```{lang} block");
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
        reencodes_as_written(line, &written, written_tag, &encoded, direction)
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

/// Checks that `encoded` (a decoded message, encoded again) is the JSON `written`.
fn reencodes_as_written(
    line: usize,
    written: &Value,
    written_tag: &str,
    encoded: &str,
    direction: &str,
) {
    let encoded: Value = serde_json::from_str(encoded)
        .unwrap_or_else(|e| panic!("line {line}: re-encoding is not JSON: {e}"));
    assert_eq!(
        tag(&encoded),
        Some(written_tag),
        "line {line}: decoded as another type"
    );
    assert_eq!(
        &encoded, written,
        "line {line}: the {direction} message re-encodes differently"
    );
}

/// Who sends a message line of a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// `A → S`: a browser to the service.
    ToService,
    /// `S → A`: the service to a browser.
    ToBrowser,
}

/// The service, in the sequences.
const SERVICE: &str = "S";

/// A sequence line's message, if the line is one: `A → S  {json}` or `S → A  {json}`, then
/// at most a note in parentheses. Any other line with an arrow or a brace is a mistake.
fn message_line(line: usize, text: &str) -> Option<(Direction, String)> {
    if !text.contains('→') && !text.contains('{') {
        // Prose: `A ✕  (no close frame)`, `...  both said true`.
        return None;
    }
    let (from, rest) = text
        .split_once('→')
        .unwrap_or_else(|| panic!("line {line}: a message without an arrow: {text}"));
    let rest = rest.trim_start();
    let (to, json) = rest
        .split_once(char::is_whitespace)
        .unwrap_or_else(|| panic!("line {line}: a message line without a message: {text}"));
    let direction = match (from.trim(), to) {
        (SERVICE, to) if to != SERVICE => Direction::ToBrowser,
        (from, SERVICE) if from != SERVICE => Direction::ToService,
        _ => panic!("line {line}: a message is between a browser and `{SERVICE}`: {text}"),
    };
    let json = json.trim_start();
    assert!(
        json.starts_with('{'),
        "line {line}: the message must follow the arrow: {text}"
    );
    // The object, then whatever follows it, which may only be a note.
    let mut values = serde_json::Deserializer::from_str(json).into_iter::<serde::de::IgnoredAny>();
    match values.next() {
        Some(Ok(_)) => {}
        Some(Err(e)) => panic!("line {line}: the message is not JSON: {e}\n{text}"),
        None => panic!("line {line}: no message: {text}"),
    }
    let end = values.byte_offset();
    let note = json[end..].trim();
    assert!(
        note.is_empty() || (note.starts_with('(') && note.ends_with(')')),
        "line {line}: after a message only a (note) may follow, not {note:?}"
    );
    Some((direction, json[..end].to_owned()))
}

/// Fills in the placeholders of a sequence's message: `<token A>` is A's resume token.
/// Every `<...>` must be a known placeholder, so that none is left to pass by chance (a
/// `"<room>"` would be a valid room name).
fn fill_placeholders(line: usize, message: &str) -> String {
    let mut filled = String::new();
    let mut rest = message;
    while let Some(start) = rest.find('<') {
        filled.push_str(&rest[..start]);
        let end = rest[start..]
            .find('>')
            .map(|end| start + end)
            .unwrap_or_else(|| panic!("line {line}: an unclosed placeholder in {message}"));
        let placeholder = &rest[start + 1..end];
        let who = placeholder
            .strip_prefix("token ")
            .unwrap_or_else(|| panic!("line {line}: unknown placeholder <{placeholder}>"));
        filled.push_str(token_of(line, who).as_str());
        rest = &rest[end + 1..];
    }
    filled.push_str(rest);
    filled
}

/// A resume token of its own for each person of the sequences.
fn token_of(line: usize, who: &str) -> ResumeToken {
    let byte = match who {
        "A" => 0xa1,
        "B" => 0xb2,
        "C" => 0xc3,
        other => panic!("line {line}: <token {other}>: the sequences' people are A, B and C"),
    };
    ResumeToken::from_bytes([byte; 16])
}

/// Decodes a sequence's message in its direction; it must re-encode as written.
fn decode_sequence_message(line: usize, direction: Direction, message: &str) {
    let text = fill_placeholders(line, message);
    let written: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("line {line}: the message is not JSON: {e}\n{text}"));
    let written_tag =
        tag(&written).unwrap_or_else(|| panic!("line {line}: the message has no `type`"));
    let encoded = match direction {
        Direction::ToService => ClientMsg::<Signal>::decode(&text)
            .unwrap_or_else(|e| panic!("line {line}: not a ClientMsg: {e}\n{text}"))
            .encode(),
        Direction::ToBrowser => ServerMsg::decode(&text)
            .unwrap_or_else(|e| panic!("line {line}: not a ServerMsg: {e}\n{text}"))
            .encode(),
    };
    let direction = match direction {
        Direction::ToService => "client",
        Direction::ToBrowser => "server",
    };
    reencodes_as_written(line, &written, written_tag, &encoded, direction);
}

/// The message lines of a block, with their line numbers, each checked.
fn sequence_messages(block: &Block) -> Vec<(usize, Direction)> {
    let mut messages = Vec::new();
    for (offset, text) in block.text.lines().enumerate() {
        let line = block.line + offset;
        if let Some((direction, message)) = message_line(line, text) {
            decode_sequence_message(line, direction, &message);
            messages.push((line, direction));
        }
    }
    messages
}

#[test]
fn every_message_of_every_sequence_decodes_in_its_direction() {
    let blocks = fenced_blocks(DOC, "text");
    let mut sequences = BTreeSet::new();
    for block in &blocks {
        let messages = sequence_messages(block);
        let heading = block.heading.clone().unwrap_or_default();
        assert!(
            !messages.is_empty(),
            "line {}: a sequence ({heading}) without a message",
            block.line
        );
        sequences.insert(heading);
    }
    for sequence in [
        "Create",
        "Join",
        "Relay",
        "Room full",
        "Leave",
        "Drop",
        "Rejoin",
    ] {
        assert!(
            sequences.contains(sequence),
            "no sequence under `### {sequence}` (found {sequences:?})"
        );
    }
}

#[test]
fn the_sequence_checker_rejects_drift() {
    let block = |text: &str| Block {
        line: 1,
        heading: None,
        text: text.to_owned(),
    };
    let fine = block(concat!(
        "A → S  {\"type\":\"join\",\"room\":\"x\",\"resume\":\"<token A>\"}\n",
        "S → A  {\"type\":\"left\"}   (a note)\n",
        "A ✕    (gone)\n",
    ));
    assert_eq!(
        sequence_messages(&fine),
        [(1, Direction::ToService), (2, Direction::ToBrowser)]
    );
    let drifted = [
        // A server message sent by a browser, and the other way round.
        "A → S  {\"type\":\"left\"}",
        "S → A  {\"type\":\"leave\"}",
        // A misspelt field, an unknown placeholder, a bad token, trailing junk, no arrow.
        "A → S  {\"type\":\"join\",\"rom\":\"x\"}",
        "A → S  {\"type\":\"join\",\"room\":\"<room>\"}",
        "A → S  {\"type\":\"join\",\"room\":\"x\",\"resume\":\"<token Z>\"}",
        "S → A  {\"type\":\"left\"} ,\"x\":1}",
        "A -> S  {\"type\":\"leave\"}",
        "A → B  {\"type\":\"leave\"}",
    ];
    for text in drifted {
        let caught = std::panic::catch_unwind(|| sequence_messages(&block(text)));
        assert!(caught.is_err(), "not caught: {text}");
    }
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
