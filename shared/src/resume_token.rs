//! Resume tokens: the secret with which a browser takes back its own place in a room.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::hex::to_hex;

/// A secret that lets a browser take back its own place in a room: 128 random bits, as 32
/// lower-case hex digits. The service makes them; browsers only keep and return them.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResumeToken(String);

/// A resume token that is not 32 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a resume token is 32 lower-case hex digits")]
pub struct ResumeTokenError;

impl ResumeToken {
    /// Makes a token from 16 random bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(to_hex(&bytes))
    }

    /// Parses a token that came back from a browser.
    pub fn parse(text: &str) -> Result<Self, ResumeTokenError> {
        let well_formed = text.len() == 32
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if well_formed {
            Ok(Self(text.to_owned()))
        } else {
            Err(ResumeTokenError)
        }
    }

    /// The token as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// Tokens are secrets: keep them out of logs.
impl fmt::Debug for ResumeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResumeToken({}…)", &self.0[..4])
    }
}

impl TryFrom<String> for ResumeToken {
    type Error = ResumeTokenError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ResumeToken> for String {
    fn from(token: ResumeToken) -> Self {
        token.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_tokens_are_lower_case_hex_of_their_bytes() {
        let bytes = [
            0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54,
            0x32, 0x10,
        ];
        let token = ResumeToken::from_bytes(bytes);
        assert_eq!(token.as_str(), "0123456789abcdeffedcba9876543210");
        assert_eq!(ResumeToken::parse(token.as_str()), Ok(token));
    }
}
