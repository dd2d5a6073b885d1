//! `raftsim`: run scenario files, sweep many seeds with the safety checker, and measure
//! the simulator. Native only; the wasm build gets an empty `main`.
//!
//! Exit codes: 0 success, 1 a failed expectation / a violation found / a break not
//! caught, 2 a parse or usage error.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    /// `println!` that ends the program quietly when its reader has gone (`raftsim run
    /// --trace FILE | head`): no panic, no message; the exit status is a broken pipe's.
    macro_rules! out {
        ($($arg:tt)*) => {{
            use std::io::Write as _;
            if writeln!(std::io::stdout().lock(), $($arg)*).is_err() {
                std::process::exit(141);
            }
        }};
    }

    use clap::{Args, Parser, Subcommand};
    use raft_playground::raft::{BreakSwitch, BreakSwitches, ProtocolOption, ProtocolOptions};
    use raft_playground::scenario::{self, RunOptions};
    use raft_playground::sim::limits::Setting;
    use raft_playground::sim::workload::{self, CheckOptions, CheckReport};
    use std::process::ExitCode;
    use std::time::Instant;

    #[derive(Parser)]
    #[command(
        name = "raftsim",
        version,
        about = "Run Raft scenarios, sweep seeds with the safety checker, and benchmark the simulator"
    )]
    struct Cli {
        #[command(subcommand)]
        command: Cmd,
    }

    #[derive(Subcommand)]
    enum Cmd {
        /// Run scenario files and check their expectations.
        Run(RunArgs),
        /// Run many seeds of randomized faults with the safety and liveness checker.
        Check(CheckArgs),
        /// Run the standard benchmark workload and report its speed.
        Bench(BenchArgs),
        /// List the scenarios shipped with the playground.
        Library,
        /// Write the page's message catalogue files (DIR/i18n/<language>.txt) from the
        /// compiled catalogues; `cargo xtask dist` and `serve` run it before Trunk.
        #[command(hide = true)]
        Catalogues {
            /// The directory to write `i18n/` into.
            #[arg(long)]
            out: std::path::PathBuf,
        },
    }

    #[derive(Args)]
    struct RunArgs {
        /// Scenario files (`.scn`).
        #[arg(required_unless_present = "library")]
        files: Vec<String>,
        /// Also run every scenario of the built-in library.
        #[arg(long)]
        library: bool,
        /// Print every simulator event, action and check.
        #[arg(long)]
        trace: bool,
    }

    #[derive(Args)]
    struct CheckArgs {
        /// How many seeds to run.
        #[arg(long, required_unless_present = "list_breaks")]
        seeds: Option<u64>,
        /// Events per seed before the faults stop and the cluster must recover.
        #[arg(long, required_unless_present = "list_breaks")]
        events: Option<u64>,
        /// The first seed; seeds run from here upwards.
        #[arg(long, default_value_t = 1)]
        first_seed: u64,
        /// Cluster size at the start.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=9))]
        servers: u32,
        /// Turn off one rule of Raft (repeatable), and report how many seeds it took to
        /// catch a violation.
        #[arg(long = "break", value_name = "NAME", value_parser = parse_break)]
        breaks: Vec<BreakSwitch>,
        /// Print the break-switch names, one per line.
        #[arg(long)]
        list_breaks: bool,
        /// Every seed runs with PreVote (dissertation §9.6). Without --prevote,
        /// --check-quorum or --paper, each seed draws its own set of options (the paper's
        /// Raft when hunting with --break).
        #[arg(long)]
        prevote: bool,
        /// Every seed runs with CheckQuorum.
        #[arg(long)]
        check_quorum: bool,
        /// Every seed runs the paper's Raft: no PreVote, no CheckQuorum.
        #[arg(long, conflicts_with_all = ["prevote", "check_quorum"])]
        paper: bool,
        /// Log compaction (§7) on every seed: a snapshot after every N applied entries, or
        /// `off`. Without it each seed draws its own (none when hunting with --break,
        /// except for snapshot-uncommitted).
        #[arg(long, value_name = "N|off", value_parser = parse_snapshots)]
        snapshots: Option<Snapshots>,
    }

    /// `--snapshots N` or `--snapshots off`.
    #[derive(Clone, Copy, Debug)]
    struct Snapshots(Option<u64>);

    /// A `--snapshots` value that is neither `off` nor a number in range.
    #[derive(Debug, thiserror::Error)]
    #[error("expected `off` or a number of entries from {min} to {max}, found `{0}`", min = Setting::SnapshotEvery.range().min, max = Setting::SnapshotEvery.range().max)]
    struct BadSnapshots(String);

    fn parse_snapshots(s: &str) -> Result<Snapshots, BadSnapshots> {
        if s == "off" {
            return Ok(Snapshots(None));
        }
        match s.parse::<u64>() {
            Ok(n) if Setting::SnapshotEvery.contains(n) => Ok(Snapshots(Some(n))),
            _ => Err(BadSnapshots(s.to_string())),
        }
    }

    #[derive(Args)]
    struct BenchArgs {
        /// Cluster size.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
        servers: u32,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Log compaction (§7): a snapshot after every N applied entries (default: off,
        /// the recorded workload).
        #[arg(long, value_name = "N|off", value_parser = parse_snapshots)]
        snapshots: Option<Snapshots>,
    }

    /// A `--break NAME` that names no break-switch.
    #[derive(Debug, thiserror::Error)]
    #[error("unknown break-switch `{0}`; expected one of: {names}", names = BreakSwitch::ALL.map(BreakSwitch::name).join(", "))]
    struct UnknownBreak(String);

    fn parse_break(s: &str) -> Result<BreakSwitch, UnknownBreak> {
        BreakSwitch::from_name(s).ok_or_else(|| UnknownBreak(s.to_string()))
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        match cli.command {
            Cmd::Run(args) => run(args),
            Cmd::Check(args) => check(args),
            Cmd::Bench(args) => bench(args),
            Cmd::Library => {
                for s in scenario::library() {
                    let title = scenario::parse(s.text).ok().and_then(|p| p.title).unwrap_or_default();
                    out!("{:<28} {title}", s.file);
                }
                ExitCode::SUCCESS
            }
            Cmd::Catalogues { out } => match raft_playground::view::i18n_file::write_all(&out) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("raftsim: cannot write the catalogue files under {}: {e}", out.display());
                    ExitCode::FAILURE
                }
            },
        }
    }

    fn run(args: RunArgs) -> ExitCode {
        let mut inputs: Vec<(String, String)> = Vec::new();
        for file in &args.files {
            match std::fs::read(file) {
                Ok(bytes) => match scenario::text::decode(&bytes) {
                    Ok(text) => inputs.push((file.clone(), text.to_string())),
                    Err(e) => {
                        eprintln!("{file}:{}:{}: error: {e}", e.line, e.byte_column);
                        return ExitCode::from(2);
                    }
                },
                Err(e) => {
                    eprintln!("raftsim: cannot read {file}: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        if args.library {
            for s in scenario::library() {
                inputs.push((format!("library/{}", s.file), s.text.to_string()));
            }
        }
        // Parse everything first: a parse error is a usage error, reported before any run.
        let mut parsed = Vec::new();
        let mut parse_failed = false;
        for (name, text) in &inputs {
            match scenario::parse(text) {
                Ok(s) => parsed.push((name, s)),
                Err(e) => {
                    eprintln!("{name}:{}:{}: error: {}", e.line(), e.column(), e.message());
                    if let Some(src) = text.lines().nth(e.line().saturating_sub(1)) {
                        let (shown, caret) = scenario::text::excerpt(src, e.column());
                        eprintln!("    {shown}");
                        eprintln!("    {}^", " ".repeat(caret.saturating_sub(1)));
                    }
                    parse_failed = true;
                }
            }
        }
        if parse_failed {
            return ExitCode::from(2);
        }
        let (mut passed, mut failed) = (0, 0);
        for (name, s) in &parsed {
            let report = match scenario::run(s, RunOptions { trace: args.trace, ..Default::default() }) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("{name}:{}:{}: error: {}", e.line(), e.column(), e.message());
                    return ExitCode::from(2);
                }
            };
            if args.trace {
                out!("== {name} ==");
                for line in &report.trace {
                    out!("{line}");
                }
            }
            let checks = report.results.len();
            let title = s.title.as_deref().map(|t| format!(" ({t})")).unwrap_or_default();
            if report.passed() {
                passed += 1;
                out!("PASS {name}{title}: {checks} checks, {} events, {} simulated", report.events, report.end_time);
            } else {
                failed += 1;
                let n = report.failures().count();
                out!("FAIL {name}{title}: {n} of {checks} checks failed");
                for f in report.failures() {
                    out!("  {name}:{}: {}", f.line, f.message());
                }
            }
        }
        out!("{passed} passed, {failed} failed");
        if failed > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }

    fn check(args: CheckArgs) -> ExitCode {
        if args.list_breaks {
            for b in BreakSwitch::ALL {
                out!("{}", b.name());
            }
            return ExitCode::SUCCESS;
        }
        let (Some(seeds), Some(events)) = (args.seeds, args.events) else {
            eprintln!("raftsim check: --seeds and --events are required");
            return ExitCode::from(2);
        };
        let mut breaks = BreakSwitches::default();
        for b in &args.breaks {
            breaks.set(*b, true);
        }
        let hunting = !breaks.is_correct_raft();
        let mut chosen = ProtocolOptions::default();
        chosen.set(ProtocolOption::PreVote, args.prevote);
        chosen.set(ProtocolOption::CheckQuorum, args.check_quorum);
        let draw = !args.prevote && !args.check_quorum && !args.paper && !hunting;
        let options: Vec<CheckOptions> = (0..seeds)
            .map(|k| {
                let seed = args.first_seed.wrapping_add(k);
                let options = if draw { workload::drawn_options(seed) } else { chosen };
                let snapshot_every = match args.snapshots {
                    Some(Snapshots(n)) => n,
                    None => workload::drawn_snapshots(seed, breaks),
                };
                CheckOptions { seed, events, servers: args.servers, breaks, options, snapshot_every }
            })
            .collect();
        let started = Instant::now();
        let mut failing = 0u64;
        let mut caught_at: Option<u64> = None;
        // Seeds run on every core, in chunks; results print in seed order. With a rule
        // broken, every seed runs (the catch rate is the figure) and the first catch
        // prints in full.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        for chunk in options.chunks(threads * 4) {
            let reports = run_parallel(chunk, threads);
            for (opts, report) in chunk.iter().zip(&reports) {
                if report.ok() {
                    continue;
                }
                failing += 1;
                if !hunting || caught_at.is_none() {
                    print_failure(opts, report);
                }
                if hunting && caught_at.is_none() {
                    caught_at = Some(opts.seed - args.first_seed + 1);
                }
            }
        }
        let secs = started.elapsed().as_secs_f64();
        if hunting {
            let names: Vec<&str> = breaks.active().map(|b| b.name()).collect();
            return match caught_at {
                Some(n) => {
                    out!(
                        "caught: with {} broken, {failing} of {seeds} seeds showed a violation ({:.0}%); first at seed {} (run {n} of {seeds}) ({secs:.1}s)",
                        names.join(", "),
                        failing as f64 * 100.0 / seeds as f64,
                        args.first_seed + n - 1,
                    );
                    ExitCode::SUCCESS
                }
                None => {
                    out!(
                        "not caught: with {} broken, {seeds} seeds showed no violation ({secs:.1}s)",
                        names.join(", ")
                    );
                    ExitCode::from(1)
                }
            };
        }
        out!("{} seeds, {} with violations ({secs:.1}s)", seeds, failing);
        if failing > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }

    /// Runs each seed on one of `threads` workers; returns the reports in input order.
    fn run_parallel(chunk: &[CheckOptions], threads: usize) -> Vec<CheckReport> {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut slots: Vec<Option<CheckReport>> = vec![None; chunk.len()];
        let results = std::sync::Mutex::new(&mut slots);
        std::thread::scope(|scope| {
            for _ in 0..threads.min(chunk.len()) {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(opts) = chunk.get(i) else { break };
                    let report = workload::check_seed(opts);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(report);
                });
            }
        });
        slots.into_iter().map(|r| r.expect("every seed ran")).collect()
    }

    fn print_failure(opts: &CheckOptions, report: &CheckReport) {
        out!(
            "seed {}: {} violation(s) after {} events, {} simulated",
            report.seed,
            report.violations.len(),
            report.events,
            report.sim_time
        );
        for v in &report.violations {
            out!("  {v}");
        }
        out!("  replay: {}", opts.replay_command());
    }

    fn bench(args: BenchArgs) -> ExitCode {
        let started = Instant::now();
        let length = raft_playground::raft::Duration::from_ms(600_000);
        let snapshot_every = args.snapshots.and_then(|s| s.0);
        let sim = workload::run_standard_workload_with(args.servers, length, snapshot_every);
        let wall = started.elapsed();
        let report = workload::BenchReport::of(&sim);
        let wall_ms = wall.as_secs_f64() * 1000.0;
        let events_per_sec = if wall.as_secs_f64() > 0.0 { report.events as f64 / wall.as_secs_f64() } else { 0.0 };
        if args.json {
            let json = serde_json::json!({
                "servers": report.servers,
                "events": report.events,
                "messages": report.messages,
                "state_hash": format!("{:016x}", report.state_hash),
                "sim_seconds": report.sim_seconds,
                "wall_ms": wall_ms,
                "events_per_sec": events_per_sec,
                "sim_speedup": if wall_ms > 0.0 { report.sim_seconds * 1000.0 / wall_ms } else { 0.0 },
            });
            out!("{json}");
        } else {
            out!(
                "{} servers: {} events ({} messages) over {:.1}s simulated in {:.1}ms wall: {:.0} events/s, {:.0}x real time",
                report.servers,
                report.events,
                report.messages,
                report.sim_seconds,
                wall_ms,
                events_per_sec,
                if wall_ms > 0.0 { report.sim_seconds * 1000.0 / wall_ms } else { 0.0 }
            );
        }
        ExitCode::SUCCESS
    }
}
