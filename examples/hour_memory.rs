//! Memory for an hour of simulated time at the default settings: 5 servers, no faults,
//! checkpoints on (the time-travel state the page keeps). A counting global allocator
//! reports the live heap. A measurement, not a test.
//!
//!   cargo run --release --example hour_memory [SECONDS]

// A global allocator is an `unsafe` trait: the one place the project allows unsafe code.
#![allow(unsafe_code)]

use raft_playground::raft::Time;
use raft_playground::sim::{Sim, SimConfig};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}

fn main() {
    let seconds: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(3600);
    let before = LIVE.load(Ordering::Relaxed);
    let mut sim = Sim::new(SimConfig::default()).expect("the default configuration is valid");
    let started = std::time::Instant::now();
    for minute in 1..=seconds.div_ceil(60) {
        sim.run_until(Time((minute * 60).min(seconds) * 1_000_000));
    }
    let live = LIVE.load(Ordering::Relaxed) - before;
    let h = sim.history();
    let record = std::mem::size_of::<raft_playground::sim::MessageRecord>();
    println!(
        "{seconds} s simulated in {:.1} s: {} events, {} messages ({} bytes each inline), {} notes, {} checkpoints",
        started.elapsed().as_secs_f64(),
        sim.events(),
        h.messages.len(),
        record,
        h.notes.len(),
        sim.checkpoint_count()
    );
    println!(
        "live heap {:.1} MB (message history {:.1} MB), peak {:.1} MB",
        mb(live),
        mb(h.messages.heap_bytes()),
        mb(PEAK.load(Ordering::Relaxed))
    );
    // Time travel over the hour: back to the start, the middle, and forward again.
    let started = std::time::Instant::now();
    sim.seek(Time(seconds * 500_000));
    let mid = started.elapsed().as_secs_f64() * 1000.0;
    sim.seek(Time(seconds * 1_000_000));
    println!(
        "seek to the middle {mid:.0} ms; back to the end {:.0} ms; peak {:.1} MB",
        started.elapsed().as_secs_f64() * 1000.0 - mid,
        mb(PEAK.load(Ordering::Relaxed))
    );
}
