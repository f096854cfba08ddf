//! A message that arrives in pieces (WebSocket continuation frames), put back together.
//!
//! The [`crate::frame_guard::FrameGuard`] ends the connection before the pieces of any message
//! add up to more than the size cap, so none grows without bound here.

use actix_http::ws::Item;

/// What [`Fragments::push`] made of a piece.
#[derive(Debug, PartialEq, Eq)]
pub enum Assembled {
    /// Nothing to handle: more pieces are to come, or the message was dropped (one of its
    /// pieces was over the rate limit, and answered `rate_limited` then).
    Nothing,
    /// A text message, whole: its bytes, not yet checked to be UTF-8.
    Text(Vec<u8>),
    /// A binary message, whole: refused once whole, so its bytes were not kept.
    Binary,
}

/// The message being assembled on one connection, if any.
#[derive(Debug, Default)]
pub struct Fragments {
    partial: Option<Partial>,
}

#[derive(Debug)]
enum Partial {
    Text(Vec<u8>),
    Binary,
    /// A message one of whose pieces was refused: its other pieces are read and dropped.
    Dropped,
}

impl Fragments {
    /// Takes one piece of a message. `admitted` is false when the rate limiter refused this
    /// piece: the whole message is then dropped.
    pub fn push(&mut self, item: Item, admitted: bool) -> Assembled {
        let (piece, last) = match item {
            Item::FirstText(bytes) => {
                self.partial = Some(Partial::Text(Vec::with_capacity(bytes.len())));
                (bytes, false)
            }
            Item::FirstBinary(bytes) => {
                self.partial = Some(Partial::Binary);
                (bytes, false)
            }
            Item::Continue(bytes) => (bytes, false),
            Item::Last(bytes) => (bytes, true),
        };
        if !admitted {
            self.partial = Some(Partial::Dropped);
        }
        if let Some(Partial::Text(buffer)) = &mut self.partial {
            buffer.extend_from_slice(&piece);
        }
        if !last {
            return Assembled::Nothing;
        }
        match self.partial.take() {
            Some(Partial::Text(buffer)) => Assembled::Text(buffer),
            Some(Partial::Binary) => Assembled::Binary,
            // Answered `rate_limited` when its piece was refused.
            Some(Partial::Dropped) => Assembled::Nothing,
            // The codec refuses a continuation without a first frame, so this cannot happen.
            None => Assembled::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::web::Bytes;

    use super::Assembled::{Binary, Nothing, Text};
    use super::*;

    fn piece(text: &'static str) -> Bytes {
        Bytes::from_static(text.as_bytes())
    }

    /// What `pieces` (each admitted or not by the rate limit) make, one after the other.
    fn assemble(pieces: Vec<(Item, bool)>) -> Vec<Assembled> {
        let mut fragments = Fragments::default();
        pieces
            .into_iter()
            .map(|(item, admitted)| fragments.push(item, admitted))
            .collect()
    }

    #[test]
    fn pieces_make_one_message_and_a_refused_piece_drops_it() {
        let made = assemble(vec![
            (Item::FirstText(piece("{\"type\":")), true),
            (Item::Continue(piece("\"leave\"")), true),
            (Item::Last(piece("}")), true),
            (Item::FirstBinary(piece("ab")), true),
            (Item::Last(piece("cd")), true),
            (Item::FirstText(piece("x")), true),
            (Item::Continue(piece("x")), false),
            (Item::Last(piece("x")), true),
            // The next message starts afresh.
            (Item::FirstText(piece("y")), true),
            (Item::Last(piece("y")), true),
        ]);
        let whole = b"{\"type\":\"leave\"}".to_vec();
        let dropped = [Nothing, Nothing, Nothing];
        let mut want = vec![Nothing, Nothing, Text(whole), Nothing, Binary];
        want.extend(dropped);
        want.extend([Nothing, Text(b"yy".to_vec())]);
        assert_eq!(made, want);
    }
}
