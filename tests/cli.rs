//! The `raftsim` command line: exit codes and messages.

use raft_playground::raft::BreakSwitch;
use std::path::PathBuf;
use std::process::{Command, Output};

fn raftsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raftsim")).args(args).output().expect("raftsim runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes a scenario to a file of its own in the target directory.
fn scenario(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-scenarios");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_passing_scenario_exits_0() {
    let path =
        scenario("pass.scn", "title: Pass\nservers 3\nrun until leader within 2s\nexpect one leader\nexpect safe\n");
    let o = raftsim(&["run", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("PASS"), "{}", stdout(&o));
    assert!(stdout(&o).ends_with("1 passed, 0 failed\n"), "{}", stdout(&o));
}

#[test]
fn a_failed_expectation_exits_1_and_names_the_line() {
    let path = scenario("fail.scn", "servers 3\nrun until leader within 2s\n\nexpect no leader\n");
    let o = raftsim(&["run", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("FAIL"), "{out}");
    assert!(out.contains("fail.scn:4: expected `expect no leader`"), "{out}");
    assert!(out.contains("but found leaders S"), "{out}");
    assert!(out.ends_with("0 passed, 1 failed\n"), "{out}");
}

#[test]
fn a_parse_error_exits_2_with_line_and_column() {
    let path = scenario("bad.scn", "servers 3\ncrash X1\n");
    let o = raftsim(&["run", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("bad.scn:2:7: error: expected a server such as S1"), "{err}");
    assert!(err.contains("    crash X1\n          ^"), "{err}");
}

#[test]
fn a_missing_file_and_bad_usage_exit_2() {
    assert_eq!(raftsim(&["run", "/no/such/file.scn"]).status.code(), Some(2));
    assert_eq!(raftsim(&["run"]).status.code(), Some(2));
    assert_eq!(raftsim(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(raftsim(&["check", "--seeds", "1"]).status.code(), Some(2));
    let o = raftsim(&["check", "--seeds", "1", "--events", "10", "--break", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("commit-old-terms"), "{}", stderr(&o));
}

/// A single-server change is traced with its method (dissertation §4.1).
#[test]
fn trace_shows_the_method_of_a_membership_change() {
    let o = raftsim(&[
        "run",
        "--trace",
        concat!(env!("CARGO_MANIFEST_DIR"), "/src/scenario/library/membership-single.scn"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("membership add S4 single"), "{out}");
}

#[test]
fn trace_prints_events_and_checks() {
    let path = scenario("trace.scn", "servers 3\ntimeout S1\nrun until leader S1 within 1s\n");
    let o = raftsim(&["run", "--trace", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("line 2   timeout S1"), "{out}");
    assert!(out.contains("RequestVote"), "{out}");
    assert!(out.contains("ok: run until leader S1 within 1s"), "{out}");
}

/// `--list-breaks` is the break-switch table's names, one a line, in the table's order.
#[test]
fn list_breaks_prints_one_name_per_line() {
    let o = raftsim(&["check", "--list-breaks"]);
    assert_eq!(o.status.code(), Some(0));
    let table: String = BreakSwitch::ALL.iter().map(|s| format!("{}\n", s.name())).collect();
    assert_eq!(stdout(&o), table);
}

#[test]
fn a_snapshot_interval_out_of_range_is_refused_with_the_range() {
    for bad in ["0", "100001", "often"] {
        let o = raftsim(&["check", "--seeds", "1", "--events", "10", "--snapshots", bad]);
        assert_eq!(o.status.code(), Some(2), "--snapshots {bad}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!("expected `off` or a number of entries from 1 to 100000, found `{bad}`")),
            "{err}"
        );
    }
    let o = raftsim(&["check", "--seeds", "2", "--events", "2000", "--snapshots", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn the_library_runs_from_the_command_line() {
    let o = raftsim(&["run", "--library"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("figure-8-broken.scn"));
    let list = raftsim(&["library"]);
    assert!(stdout(&list).contains("figure-7.scn"));
}

#[test]
fn check_passes_a_few_seeds_and_bench_prints_json() {
    let o = raftsim(&["check", "--seeds", "2", "--events", "300", "--servers", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("2 seeds, 0 with violations"), "{}", stdout(&o));
    let o = raftsim(&["bench", "--servers", "3", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).expect("one JSON object");
    for key in ["servers", "events", "sim_seconds", "wall_ms", "events_per_sec"] {
        assert!(v.get(key).is_some(), "{key} missing in {v}");
    }
}

#[test]
fn check_with_a_broken_rule_reports_the_catch_rate_and_the_first_catch() {
    let o = raftsim(&[
        "check",
        "--seeds",
        "4",
        "--events",
        "20000",
        "--first-seed",
        "1000",
        "--break",
        "volatile-voted-for",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    let last = out.lines().last().unwrap_or_default();
    // "caught: with volatile-voted-for broken, N of 4 seeds showed a violation (P%); first
    // at seed S (run K of 4) (T s)"
    let rate = last.strip_prefix("caught: with volatile-voted-for broken, ").expect(last);
    let (caught, rest) = rate.split_once(" of 4 seeds showed a violation (").expect(last);
    let caught: u64 = caught.parse().expect(last);
    assert!((1..=4).contains(&caught), "{last}");
    let (percent, rest) = rest.split_once("%); first at seed ").expect(last);
    assert_eq!(percent, (caught * 25).to_string(), "{last}");
    let (seed, rest) = rest.split_once(" (run ").expect(last);
    let seed: u64 = seed.parse().expect(last);
    assert!(rest.starts_with(&format!("{} of 4) (", seed - 999)), "{last}");
    // The first catch prints in full, with the command that replays it; later ones do not.
    assert_eq!(out.matches("  replay: ").count(), 1, "{out}");
    assert!(out.contains(&format!("seed {seed}: ")), "{out}");
}

/// Writes bytes to a file of their own in the target directory.
fn scenario_bytes(name: &str, bytes: &[u8]) -> PathBuf {
    let path = scenario(name, "");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_file_that_is_not_utf8_is_reported_with_its_line_and_byte_column() {
    let path = scenario_bytes("latin1.scn", b"servers 3\n# caf\xc3\xa9\ncrash S\xe91\n");
    let o = raftsim(&["run", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    let name = path.to_str().unwrap();
    assert_eq!(stderr(&o), format!("{name}:3:8: error: the text is not UTF-8: byte 0xe9 at byte column 8\n"));
}

#[test]
fn an_error_quotes_at_most_80_characters_with_control_characters_escaped() {
    // A 10 MB word on one line: the message and the excerpt under it stay short.
    let word = "v".repeat(10_000_000);
    let path = scenario("long.scn", &format!("servers 3\nrequest S1 set x {word}\n"));
    let o = raftsim(&["run", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let name = path.to_str().unwrap();
    let quoted = format!("{}…", "v".repeat(80));
    let excerpt = format!("{}…", &format!("request S1 set x {word}")[..80]);
    assert_eq!(
        stderr(&o),
        format!(
            "{name}:2:18: error: `{quoted}` is too long: a word has at most 80 characters\n    {excerpt}\n    {}^\n",
            " ".repeat(17)
        )
    );
    // A terminal escape is never echoed raw.
    let path = scenario("escape.scn", "servers 3\ncrash S1\u{1b}[2J\n");
    let o = raftsim(&["run", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let name = path.to_str().unwrap();
    assert_eq!(
        stderr(&o),
        format!(
            "{name}:2:9: error: control character `\\u{{1b}}` in the text: only printable text and tabs are allowed\n    crash S1\\u{{1b}}[2J\n            ^\n"
        )
    );
}

#[test]
fn a_closed_output_pipe_ends_the_run_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_raftsim"))
        .args(["run", "--library", "--trace"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("raftsim starts");
    let mut first = [0u8; 100];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(stderr(&o), "", "no panic, no message");
    assert_eq!(o.status.code(), Some(141));
    assert!(String::from_utf8_lossy(&first).starts_with("== library/"));
}
