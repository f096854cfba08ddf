//! Pairing with the friend: the hello handshake, who offers on a fresh connection, the
//! friend leaving, and what the service's errors do to the call (the rules are in
//! [`super`]'s documentation).

use shared::{ClientMsg, ErrorCode, LeaveReason, Role, ServerMsg, Signal};

use super::{Call, Friend, Link, Meeting, JOIN_RETRY_MS};
use crate::call::events::{Command, Opening, PeerState};
use crate::call::status::{EndReason, Notice};

impl Call {
    pub(super) fn hello(&mut self, meeting: Meeting, out: &mut Vec<Command>) {
        let live_call = self.peer_live();
        self.sent_hello = Some(live_call);
        self.meeting = meeting;
        self.started_fresh = false;
        self.friend = Friend::Present;
        out.push(Command::Send(ClientMsg::Signal {
            signal: Signal::Hello { live_call },
        }));
    }

    /// The friend is there: say hello, and with no live call of this side's own, start afresh
    /// at once, which is what the hello handshake will decide whatever the friend says.
    pub(super) fn pair(&mut self, meeting: Meeting, out: &mut Vec<Command>) {
        self.hello(meeting, out);
        if let (Some(false), Some(role)) = (self.sent_hello, self.role) {
            self.start_fresh(role, out);
            self.started_fresh = true;
        }
    }

    /// Closes any old peer connection and makes a fresh one, offering if this side arrived.
    pub(super) fn start_fresh(&mut self, role: Role, out: &mut Vec<Command>) {
        let opening = match (self.meeting, role) {
            (Meeting::Arrived, _) | (Meeting::Unknown, Role::Impolite) => Opening::Offer,
            (Meeting::Waited, _) | (Meeting::Unknown, Role::Polite) => Opening::Answer,
        };
        self.close_peer(out);
        self.peer = Some(PeerState::New);
        out.push(Command::CreatePeer(role, opening));
        self.arm_deadline(out);
    }
    pub(super) fn on_server(&mut self, msg: ServerMsg, out: &mut Vec<Command>) {
        match msg {
            ServerMsg::Joined {
                room: _,
                role,
                resume,
                peer_present,
                ice_servers,
            } => {
                self.link = Link::Joined;
                if self.ice_servers != ice_servers {
                    if self.peer.is_some() {
                        out.push(Command::UpdateIceServers(ice_servers.clone()));
                    }
                    self.ice_servers = ice_servers;
                }
                self.ever_joined = true;
                self.notice = None;
                if self.role != Some(role) && self.peer.is_some() {
                    // After a service restart the roles may be dealt anew.
                    out.push(Command::SetRole(role));
                }
                self.role = Some(role);
                if self.resume.as_ref() != Some(&resume) {
                    out.push(Command::SaveToken(resume.clone()));
                    self.resume = Some(resume);
                }
                if peer_present {
                    self.pair(Meeting::Arrived, out);
                } else {
                    self.friend = match self.friend {
                        Friend::Gone(reason) => Friend::Gone(reason),
                        _ => Friend::Absent,
                    };
                }
            }
            ServerMsg::PeerJoined => self.pair(Meeting::Waited, out),
            ServerMsg::PeerLeft { reason } => {
                // A friend who said goodbye has hung up, even if the service only saw their
                // connection end (their goodbye to it was lost with their page).
                let reason = match self.friend {
                    Friend::Gone(LeaveReason::HungUp) => LeaveReason::HungUp,
                    _ => reason,
                };
                self.friend_gone(reason, out);
            }
            ServerMsg::Signal {
                signal: Signal::Hello { live_call: theirs },
            } => {
                let ours = match self.sent_hello {
                    Some(ours) => ours,
                    None => {
                        // Their hello came first (we missed the pairing event): answer it.
                        self.hello(Meeting::Unknown, out);
                        self.sent_hello.unwrap_or(false)
                    }
                };
                self.friend = Friend::Present;
                if std::mem::take(&mut self.started_fresh) && self.peer.is_some() {
                    // This side made the pairing's fresh connection on arrival: it stands.
                } else if ours && theirs && self.peer_live() {
                    for signal in std::mem::take(&mut self.outbox) {
                        out.push(Command::Send(ClientMsg::Signal { signal }));
                    }
                    if self.peer == Some(PeerState::Failed) || self.stalled {
                        self.start_ice_restart(out);
                    }
                } else if let Some(role) = self.role {
                    self.start_fresh(role, out);
                }
            }
            ServerMsg::Signal { signal } => {
                if self.peer.is_some() {
                    out.push(Command::ToPeer(signal));
                }
            }
            ServerMsg::Left => {}
            ServerMsg::Error { code, message } => self.on_error(code, message, out),
        }
    }

    /// The friend left the room, or is no longer there as far as this side can tell.
    pub(super) fn friend_gone(&mut self, reason: LeaveReason, out: &mut Vec<Command>) {
        self.friend = Friend::Gone(reason);
        self.sent_hello = None;
        self.started_fresh = false;
        let keep = reason == LeaveReason::ConnectionLost
            && matches!(
                self.peer,
                Some(PeerState::Connected | PeerState::Disconnected)
            );
        if !keep {
            self.close_peer(out);
        }
    }

    pub(super) fn on_error(&mut self, code: ErrorCode, message: String, out: &mut Vec<Command>) {
        match code {
            ErrorCode::RoomFull => self.end(EndReason::RoomFull(self.room.clone()), out),
            ErrorCode::SessionReplaced => self.end(EndReason::SessionReplaced, out),
            ErrorCode::InvalidResumeToken => {
                // A token from another room or an old format: join as a newcomer.
                self.resume = None;
                out.push(Command::ForgetToken);
                out.push(self.join());
            }
            ErrorCode::InvalidRoomName => self.end(EndReason::Refused(message), out),
            // Races around reconnection (a signal after the room was left, a duplicate join)
            // need no action: the next `joined` sets things straight.
            ErrorCode::AlreadyInRoom | ErrorCode::NotInRoom => {}
            // The service closes the connection after this; the reconnection resumes.
            ErrorCode::Unavailable => self.notice = Some(Notice::Unavailable),
            ErrorCode::TooManyJoins => {
                self.notice = Some(Notice::TooManyJoins);
                out.push(Command::StartJoinRetryTimer(JOIN_RETRY_MS));
            }
            _ => self.notice = Some(Notice::Service(message)),
        }
    }
}
