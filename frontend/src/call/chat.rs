//! The chat's state, pure: the messages of the current call and how many arrived unseen.

/// Who wrote a chat line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    /// This person.
    Me,
    /// The friend.
    Friend,
}

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatLine {
    /// Who wrote it.
    pub author: Author,
    /// What they wrote.
    pub text: String,
}

/// The messages of one call, and whether the person has seen them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatLog {
    lines: Vec<ChatLine>,
    open: bool,
    unread: u32,
}

impl ChatLog {
    /// The most messages kept (the oldest go first): a call's chat, not an archive.
    pub const LIMIT: usize = 500;

    /// The messages, oldest first.
    pub fn lines(&self) -> &[ChatLine] {
        &self.lines
    }

    /// Whether the chat is shown.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Messages from the friend that arrived while the chat was hidden.
    pub fn unread(&self) -> u32 {
        self.unread
    }

    /// Shows or hides the chat; showing it marks everything read.
    pub fn set_open(&mut self, open: bool) {
        self.open = open;
        if open {
            self.unread = 0;
        }
    }

    /// The friend offered a file: it counts as unread while the chat is hidden.
    pub fn file_offered(&mut self) {
        if !self.open {
            self.unread = self.unread.saturating_add(1);
        }
    }

    /// Adds a message (blank ones are dropped).
    pub fn push(&mut self, author: Author, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if self.lines.len() == Self::LIMIT {
            self.lines.remove(0);
        }
        self.lines.push(ChatLine {
            author,
            text: text.to_owned(),
        });
        if author == Author::Friend && !self.open {
            self.unread = self.unread.saturating_add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn messages_from_the_friend_count_as_unread_only_while_hidden() {
        let mut log = ChatLog::default();
        log.push(Author::Friend, "hi");
        log.push(Author::Me, "hello");
        log.push(Author::Friend, "how are you");
        assert_eq!(log.unread(), 2);
        log.set_open(true);
        assert_eq!(log.unread(), 0);
        log.push(Author::Friend, "seen at once");
        assert_eq!(log.unread(), 0);
        log.set_open(false);
        log.push(Author::Friend, "later");
        assert_eq!(log.unread(), 1);
        assert_eq!(log.lines().len(), 5);
    }

    #[wasm_bindgen_test]
    fn blank_messages_are_dropped_and_the_log_is_bounded() {
        let mut log = ChatLog::default();
        log.push(Author::Me, "   ");
        assert!(log.lines().is_empty());
        for i in 0..ChatLog::LIMIT + 3 {
            log.push(Author::Me, &i.to_string());
        }
        assert_eq!(log.lines().len(), ChatLog::LIMIT);
        assert_eq!(log.lines()[0].text, "3");
    }
}
