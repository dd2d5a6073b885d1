//! PreVote, CheckQuorum and leadership transfer in the page's language: what the
//! protocol did (notes), why a transfer was refused, and the leader's recent contacts.

use super::i18n::{t, tf, K};
use crate::raft::{ProtocolEvent, TransferError};

/// Why the leader refused to hand leadership over.
pub fn transfer_error(e: &TransferError) -> String {
    let why = match e {
        TransferError::NotLeader { .. } => t(K::ErrNoLeader).to_string(),
        TransferError::AlreadyLeader(s) => tf(K::ErrTransferAlreadyLeader, &[s]),
        TransferError::NotAVoter(s) => tf(K::ErrTransferNotVoter, &[s]),
    };
    tf(K::ErrTransfer, &[&why])
}

/// What a server did, as one sentence: `S1 stepped down: …`.
pub fn protocol_event(server: crate::raft::ServerId, e: &ProtocolEvent) -> String {
    match e {
        ProtocolEvent::QuorumLost { heard } => {
            let heard: Vec<String> = heard.iter().map(|s| s.to_string()).collect();
            tf(K::NoteQuorumLost, &[&server, &heard.join(t(K::ListSeparator))])
        }
        ProtocolEvent::TransferStarted { to } => tf(K::NoteTransferStarted, &[&server, to]),
        ProtocolEvent::TimeoutNowSent { to } => tf(K::NoteTimeoutNowSent, &[&server, to]),
        ProtocolEvent::TransferAborted { to } => tf(K::NoteTransferAborted, &[&server, to]),
    }
}

/// The trace's name for a protocol event, and the server it names.
pub fn protocol_event_name(e: &ProtocolEvent) -> &'static str {
    match e {
        ProtocolEvent::QuorumLost { .. } => "quorum-lost",
        ProtocolEvent::TransferStarted { .. } => "transfer-started",
        ProtocolEvent::TimeoutNowSent { .. } => "timeout-now-sent",
        ProtocolEvent::TransferAborted { .. } => "transfer-aborted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::ServerId;
    use crate::view::i18n::{set_lang, Lang};

    #[test]
    fn events_and_errors_are_said_in_both_languages() {
        let quorum = ProtocolEvent::QuorumLost { heard: vec![ServerId(1), ServerId(2)] };
        let refused = TransferError::AlreadyLeader(ServerId(1));
        for lang in Lang::ALL {
            set_lang(lang);
            assert_eq!(
                protocol_event(ServerId(1), &quorum),
                tf(K::NoteQuorumLost, &[&"S1", &format!("S1{}S2", t(K::ListSeparator))])
            );
            assert_eq!(transfer_error(&refused), tf(K::ErrTransfer, &[&tf(K::ErrTransferAlreadyLeader, &[&"S1"])]));
        }
        set_lang(Lang::English);
    }
}
