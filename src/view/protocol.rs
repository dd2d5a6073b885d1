//! PreVote, CheckQuorum and leadership transfer in the page's language: what the
//! protocol did (notes), why a transfer was refused, and the leader's recent contacts.

use super::i18n::{t, tf, K};
use crate::raft::{ProtocolEvent, ProtocolOption, ServerId, TransferError};
use crate::sim::Sim;

/// CheckQuorum's count on the current leader: how many members of its configuration it
/// heard from (itself included) within the last maximum election timeout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactsView {
    pub leader: ServerId,
    pub heard: usize,
    pub members: usize,
    /// The heard ones make a quorum (of both halves of a joint configuration).
    pub quorum: bool,
}

/// The leader's recent contacts, while CheckQuorum is on and there is a leader.
pub fn contacts(sim: &Sim) -> Option<ContactsView> {
    if !sim.options().is_on(ProtocolOption::CheckQuorum) {
        return None;
    }
    let leader = sim.leader()?;
    let node = &sim.server(leader)?.node;
    let recent = node.recent_contacts(sim.now())?;
    let members = node.configuration().members().len();
    Some(ContactsView { leader, heard: recent.heard.len(), members, quorum: recent.quorum })
}

/// The contacts in words: `S1 heard from 3 of 5 within the last election timeout`.
pub fn contacts_text(c: &ContactsView) -> String {
    let key = if c.quorum { K::ContactsQuorum } else { K::ContactsNoQuorum };
    tf(key, &[&c.leader, &c.heard, &c.members])
}

/// The settings' name and one-line explanation of an option.
pub fn option_text(option: ProtocolOption) -> (&'static str, &'static str) {
    match option {
        ProtocolOption::PreVote => (t(K::OptionPreVote), t(K::ExplainPreVote)),
        ProtocolOption::CheckQuorum => (t(K::OptionCheckQuorum), t(K::ExplainCheckQuorum)),
    }
}

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
    fn contacts_count_the_members_the_leader_heard_from() {
        use crate::sim::Action;
        let mut sim = crate::sim::elected(1);
        assert_eq!(contacts(&sim), None, "off by default");
        sim.act(Action::SetOption { option: ProtocolOption::CheckQuorum, on: true }).unwrap();
        sim.run_for(crate::raft::Duration::from_ms(400));
        let leader = sim.leader().unwrap();
        assert_eq!(contacts(&sim), Some(ContactsView { leader, heard: 5, members: 5, quorum: true }));
        for s in (1..=5).map(ServerId).filter(|s| *s != leader) {
            sim.act(Action::CutLink { from: s, to: leader, both: false }).unwrap();
        }
        // Cut off from every reply, the leader steps down; the one elected next hears
        // from everyone but it.
        sim.run_for(crate::raft::Duration::from_ms(1000));
        let next = sim.leader().unwrap();
        assert_ne!(next, leader);
        assert_eq!(contacts(&sim), Some(ContactsView { leader: next, heard: 4, members: 5, quorum: true }));
        let lonely = ContactsView { leader, heard: 1, members: 5, quorum: false };
        assert_eq!(contacts_text(&lonely), tf(K::ContactsNoQuorum, &[&leader, &1, &5]));
    }

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
