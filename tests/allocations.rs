//! Allocations on the simulator's hot path (issue 14). In the page every allocation goes
//! through talc in wasm, which showed as a tenth of the benchmark's time; the common
//! events allocate nothing. Counted, not timed: this binary's allocator counts the
//! allocations made on the test's own thread.

#![allow(unsafe_code)] // a counting global allocator, the one way to count allocations

use raft_playground::raft::{
    Configuration, LogIndex, Message, MessageBody, Node, NodeConfig, Output, ServerId, Term, Time,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: an allocation made while the thread is being torn down is not counted.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is passed on unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// How many allocations `f` makes on this thread.
fn allocations_in(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

fn reply(from: u32, term: Term, match_index: LogIndex) -> Message {
    Message {
        from: ServerId(from),
        to: ServerId(1),
        term,
        body: MessageBody::AppendEntriesReply { success: true, match_index },
    }
}

/// S1 leads a five-server cluster in which every follower holds its whole log.
fn steady_leader(outputs: &mut Vec<Output>) -> Node {
    let config = Configuration::simple((1..=5).map(ServerId));
    let mut leader = Node::new(ServerId(1), config, NodeConfig::default());
    leader.handle_election_timeout(Time(0));
    for peer in 2..=5 {
        let grant = Message {
            from: ServerId(peer),
            to: ServerId(1),
            term: Term(1),
            body: MessageBody::RequestVoteReply { granted: true },
        };
        leader.step(Time(0), &grant);
    }
    assert!(leader.is_leader());
    let last = leader.log().last_index();
    for peer in 2..=5 {
        leader.step(Time(1_000), &reply(peer, Term(1), last));
    }
    assert_eq!(leader.commit_index(), last, "its no-op entry is committed");
    leader.take_outputs(outputs);
    outputs.clear();
    leader
}

/// The common event of a quiet cluster: a leader's heartbeat to every follower, and their
/// replies when nothing is left to commit. Neither allocates (they did: a copy of the peer
/// list per heartbeat, and the set of members to compare a membership change with, although
/// there was no change).
#[test]
fn a_leaders_heartbeat_and_its_replies_allocate_nothing() {
    let mut outputs = Vec::with_capacity(64);
    let mut leader = steady_leader(&mut outputs);
    let last = leader.log().last_index();
    // Once, so that the node's own output list has grown to a heartbeat's size.
    leader.handle_heartbeat_timeout(Time(50_000));
    leader.take_outputs(&mut outputs);
    outputs.clear();
    for beat in 2..=20u64 {
        let now = Time(beat * 50_000);
        let heartbeat = allocations_in(|| {
            leader.handle_heartbeat_timeout(now);
            leader.take_outputs(&mut outputs);
        });
        let sent = outputs.iter().filter(|o| matches!(o, Output::Send(_))).count();
        assert_eq!(sent, 4, "a heartbeat to each follower: {outputs:?}");
        assert_eq!(heartbeat, 0, "heartbeat {beat} allocated");
        outputs.clear();
        let replies = allocations_in(|| {
            for peer in 2..=5 {
                leader.step(now, &reply(peer, Term(1), last));
            }
            leader.take_outputs(&mut outputs);
        });
        assert_eq!(replies, 0, "the replies to heartbeat {beat} allocated: {outputs:?}");
        outputs.clear();
    }
    assert!(leader.is_leader());
}
