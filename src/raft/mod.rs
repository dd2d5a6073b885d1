//! The Raft protocol as a pure state machine: no clock, no IO, no randomness, no web
//! types. See [`node::Node`].

pub mod breaks;
mod flags;
pub mod kv;
pub mod log;
pub mod message;
pub mod node;
pub mod options;
mod output;
pub mod quorum;
mod role;
pub mod snapshot;
pub mod stable;
pub mod types;

#[cfg(test)]
mod golden;
#[cfg(test)]
mod tests;

pub use breaks::{BreakSwitch, BreakSwitches};
pub use kv::{ClientRequest, KvStore, Op, OpParseError, OpResult};
pub use log::{Entry, Payload, RaftLog};
pub use message::{Message, MessageBody, MessageKind};
pub use node::{
    ChangeError, ChangeMethod, InProgress, LeaderState, MembershipEvent, Node, NodeConfig, Output, PendingChange,
    Phase, Progress, ProposeError, Proposed, ProtocolEvent, RecentContacts, Role, RoleKind, Transfer, TransferError,
    CATCH_UP_TIMEOUTS,
};
pub use options::{ProtocolOption, ProtocolOptions};
pub use quorum::{Configuration, JointConfig, MajorityConfig, VoteResult};
pub use snapshot::Snapshot;
pub use stable::Stable;
pub use types::{ClientId, Duration, LogIndex, ServerId, Term, Time};
