//! Criterion benchmarks of the simulator: the standard workload (a request every 100 ms,
//! the leader crashed every 5 s and restarted 1 s later) over 60 simulated seconds, for 5
//! and 101 servers, reported as events per second. `cargo bench --bench sim`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use raft_playground::raft::Duration;
use raft_playground::sim::workload::run_standard_workload;

fn standard_workload(c: &mut Criterion) {
    let mut group = c.benchmark_group("standard_workload_60s");
    group.sample_size(10);
    for servers in [5u32, 101] {
        let length = Duration::from_ms(60_000);
        let events = run_standard_workload(servers, length).events();
        group.throughput(Throughput::Elements(events));
        group.bench_function(format!("{servers}_servers"), |b| b.iter(|| run_standard_workload(servers, length)));
    }
    group.finish();
}

criterion_group!(benches, standard_workload);
criterion_main!(benches);
