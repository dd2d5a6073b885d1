//! Pure helpers for the page's text and inputs: the speed scale, the URL's query
//! parameters, the partition field, how times and numbers are written, and (in
//! [`messages`]) errors, events and findings in the reader's language.

mod messages;

pub use messages::{
    action_error, catch_up_aborted, change_lost, config_error, drop_reason, message_kind, message_summary, op_error,
    replay_error, scenario_error, server_list, step_kind, violation_detail,
};

use super::i18n::{tf, K};
use crate::raft::ServerId;
use crate::sim::MAX_SERVERS;

/// The slowest and fastest speeds, as multiples of real time.
pub const SPEED_MIN: f64 = 0.01;
pub const SPEED_MAX: f64 = 100.0;
/// A newcomer can follow one heartbeat with the eye: a 10–20 ms message takes 200–400 ms
/// of wall time, and a 50 ms heartbeat interval one second.
pub const DEFAULT_SPEED: f64 = 0.05;
/// The speed slider's range, in hundredths of a decade: -200 (0.01×) to 200 (100×).
pub const SLIDER_MIN: i32 = -200;
pub const SLIDER_MAX: i32 = 200;

/// The speed for a slider position (a log scale: every 100 steps is ×10).
pub fn speed_from_slider(position: i32) -> f64 {
    let p = position.clamp(SLIDER_MIN, SLIDER_MAX) as f64 / 100.0;
    round_speed(super::math::pow10(p))
}

/// The slider position closest to `speed`.
pub fn slider_from_speed(speed: f64) -> i32 {
    let s = clamp_speed(speed);
    ((super::math::log10(s) * 100.0).round() as i32).clamp(SLIDER_MIN, SLIDER_MAX)
}

pub fn clamp_speed(speed: f64) -> f64 {
    if speed.is_nan() {
        return DEFAULT_SPEED;
    }
    speed.clamp(SPEED_MIN, SPEED_MAX)
}

/// Two significant digits, so that the label reads `0.05×`, `1.3×`, `25×`.
fn round_speed(s: f64) -> f64 {
    let digits = 1 - super::math::log10(s).floor() as i32;
    let scale = 10f64.powi(digits);
    (s * scale).round() / scale
}

/// A speed as the page writes it: `0.05×`, `1×`, `12×`.
pub fn format_speed(speed: f64) -> String {
    let s = round_speed(clamp_speed(speed));
    format!("{}×", crate::decimal::trimmed(s, 3))
}

/// A speed one step faster or slower (the keyboard's `+` and `-`): ×2 or ÷2.
pub fn speed_step(speed: f64, faster: bool) -> f64 {
    round_speed(clamp_speed(if faster { speed * 2.0 } else { speed / 2.0 }))
}

/// Simulated time in microseconds, as the status line writes it: `1234.5 ms`, or seconds
/// with a decimal from ten seconds on.
pub fn format_sim_time(us: u64) -> String {
    if us >= 10_000_000 {
        format!("{} s", crate::decimal::fixed(us as f64 / 1e6, 2))
    } else {
        format!("{} ms", crate::decimal::fixed(us as f64 / 1e3, 1))
    }
}

/// The query parameters the page honours.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageParams {
    pub seed: Option<u64>,
    pub servers: Option<u32>,
    pub speed: Option<f64>,
    /// `bench=sim`: run the standard workload headless and print the result.
    pub bench: Option<String>,
    /// `snapshots=50`: with `bench=sim`, the workload snapshots after every 50 applied
    /// entries (§7).
    pub snapshots: Option<u64>,
    /// `runs=5`: with `bench=sim`, runs the workload five times in a row in the page (the
    /// first run is cold, the others show the code V8 has optimised); at most 20.
    pub runs: Option<u32>,
    /// `embed=1`: the compact layout for an `<iframe>` (docs/embedding.md).
    pub embed: bool,
    /// `scenario=split-vote.scn` (or `split-vote`): load this library scenario first.
    pub scenario: Option<String>,
    /// `autoplay=1`: play from the start (an embed is paused otherwise).
    pub autoplay: bool,
    /// Parameters that were present but not understood, to show the user.
    pub problems: Vec<ParamProblem>,
}

/// A query parameter whose value the page cannot use (the value as given).
#[derive(Clone, Debug, PartialEq)]
pub enum ParamProblem {
    Seed(String),
    Servers(String),
    Speed(String),
    Snapshots(String),
}

/// In the reader's language, as [`param_problem`] says it.
impl std::fmt::Display for ParamProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&param_problem(self))
    }
}

impl std::error::Error for ParamProblem {}

/// What is wrong with a query parameter, in the reader's language.
pub fn param_problem(p: &ParamProblem) -> String {
    match p {
        ParamProblem::Seed(v) => tf(K::ParamSeed, &[v]),
        ParamProblem::Servers(v) => tf(K::ParamServers, &[v, &MAX_SERVERS]),
        ParamProblem::Speed(v) => tf(K::ParamSpeed, &[v]),
        ParamProblem::Snapshots(v) => {
            let r = crate::sim::limits::Setting::SnapshotEvery.range();
            tf(K::ParamSnapshots, &[v, &r.min, &r.max])
        }
    }
}

/// Parses `?seed=7&servers=5&speed=0.1` (with or without the `?`). Unknown parameters
/// are ignored; bad values are reported in `problems` and left unset.
pub fn parse_query(query: &str) -> PageParams {
    let mut params = PageParams::default();
    for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = value.replace("%20", " ").replace('+', " ");
        let value = value.trim();
        match key {
            "seed" => match value.parse::<u64>() {
                Ok(seed) => params.seed = Some(seed),
                Err(_) => params.problems.push(ParamProblem::Seed(value.to_string())),
            },
            "servers" => match value.parse::<u32>() {
                Ok(n) if (1..=MAX_SERVERS).contains(&n) => params.servers = Some(n),
                _ => params.problems.push(ParamProblem::Servers(value.to_string())),
            },
            "speed" => match crate::decimal::parse(value.trim_end_matches(['x', '×'])) {
                Some(s) if s.is_finite() && s > 0.0 => params.speed = Some(clamp_speed(s)),
                _ => params.problems.push(ParamProblem::Speed(value.to_string())),
            },
            "bench" => params.bench = Some(value.to_string()),
            "snapshots" => match value.parse::<u64>() {
                Ok(n) if crate::sim::limits::Setting::SnapshotEvery.contains(n) => params.snapshots = Some(n),
                _ => params.problems.push(ParamProblem::Snapshots(value.to_string())),
            },
            "runs" => params.runs = value.parse::<u32>().ok().map(|n| n.clamp(1, 20)),
            "embed" => params.embed = value != "0",
            "autoplay" => params.autoplay = value != "0",
            "scenario" if !value.is_empty() => {
                let file = if value.ends_with(".scn") { value.to_string() } else { format!("{value}.scn") };
                params.scenario = Some(file);
            }
            _ => {}
        }
    }
    params
}

/// Writes the query string for a seed, a cluster size and a speed.
pub fn format_query(seed: u64, servers: u32, speed: f64) -> String {
    let speed = format_speed(speed);
    format!("?seed={seed}&servers={servers}&speed={}", speed.trim_end_matches('×'))
}

/// `query` without its `embed` parameter: the full playground's address for an embed.
pub fn without_embed(query: &str) -> String {
    let kept: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some("embed"))
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

/// The `<iframe>` that embeds the page at `base` (its address without query or fragment)
/// with this seed, cluster size and library scenario, playing.
/// `title` is the frame's accessible name, in the reader's language (escaped here).
pub fn embed_snippet(base: &str, seed: u64, servers: u32, scenario: Option<&str>, title: &str) -> String {
    let scenario = scenario.map(|s| format!("&scenario={}", s.trim_end_matches(".scn"))).unwrap_or_default();
    let title = title.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    format!(
        "<iframe src=\"{base}?embed=1&autoplay=1&seed={seed}&servers={servers}{scenario}\" width=\"640\" height=\"480\" \
         title=\"{title}\" sandbox=\"allow-scripts\" loading=\"lazy\" style=\"border:0\"></iframe>"
    )
}

/// Parses the partition field: groups of servers separated by `|`, servers by spaces or
/// commas: `S1 S2 | S3 S4 S5`. Every group must name at least one server, and there must
/// be at least two groups.
pub fn parse_partition(text: &str) -> Result<Vec<Vec<ServerId>>, PartitionError> {
    let mut groups = Vec::new();
    for (g, part) in text.split('|').enumerate() {
        let mut group = Vec::new();
        for word in part.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()) {
            let id: ServerId = word.parse().map_err(|_| PartitionError::NotAServer(word.to_string()))?;
            if groups.iter().flatten().chain(group.iter()).any(|s| *s == id) {
                return Err(PartitionError::NamedTwice(id));
            }
            group.push(id);
        }
        if group.is_empty() {
            return Err(PartitionError::EmptyGroup(g + 1));
        }
        groups.push(group);
    }
    if groups.len() < 2 {
        return Err(PartitionError::OneGroup);
    }
    Ok(groups)
}

/// Why the partition field did not parse. The page shows each in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartitionError {
    NotAServer(String),
    NamedTwice(ServerId),
    /// Group number (from 1) is empty.
    EmptyGroup(usize),
    OneGroup,
}

impl std::error::Error for PartitionError {}

impl std::fmt::Display for PartitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PartitionError::NotAServer(w) => write!(f, "expected a server such as S1, found `{w}`"),
            PartitionError::NamedTwice(id) => write!(f, "{id} is named twice"),
            PartitionError::EmptyGroup(g) => write!(f, "group {g} is empty: write groups like `S1 S2 | S3 S4 S5`"),
            PartitionError::OneGroup => {
                f.write_str("a partition needs two groups or more, separated by `|`: `S1 S2 | S3 S4 S5`")
            }
        }
    }
}

/// Writes groups the way [`parse_partition`] reads them.
pub fn format_partition(groups: &[Vec<ServerId>]) -> String {
    groups.iter().map(|g| g.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join(" | ")
}

/// A partition to suggest: the leader (or the first server) with one neighbour in a
/// minority, the rest in the majority.
pub fn suggest_partition(servers: &[ServerId], leader: Option<ServerId>) -> Vec<Vec<ServerId>> {
    if servers.len() < 2 {
        return vec![servers.to_vec()];
    }
    let pivot = leader.filter(|l| servers.contains(l)).unwrap_or(servers[0]);
    let minority_size = ((servers.len() - 1) / 2).max(1);
    let at = servers.iter().position(|s| *s == pivot).unwrap_or(0);
    let minority: Vec<ServerId> = (0..minority_size).map(|k| servers[(at + k) % servers.len()]).collect();
    let majority: Vec<ServerId> = servers.iter().copied().filter(|s| !minority.contains(s)).collect();
    vec![minority, majority]
}

/// The colour class of a term: terms cycle through eight colours (`term-0` … `term-7`).
pub fn term_class(term: u64) -> &'static str {
    const CLASSES: [&str; 8] = ["term-0", "term-1", "term-2", "term-3", "term-4", "term-5", "term-6", "term-7"];
    CLASSES[(term % 8) as usize]
}

/// The name of a partition group as the ring labels it: A, B, C, …
pub fn group_letter(group: u32) -> char {
    (b'A' + (group % 26) as u8) as char
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_speed_slider_is_a_log_scale() {
        assert_eq!(speed_from_slider(0), 1.0);
        assert_eq!(speed_from_slider(-100), 0.1);
        assert_eq!(speed_from_slider(200), 100.0);
        assert_eq!(speed_from_slider(-200), 0.01);
        assert_eq!(speed_from_slider(9999), 100.0);
        assert_eq!(slider_from_speed(0.05), -130);
        assert_eq!(slider_from_speed(1.0), 0);
        assert_eq!(slider_from_speed(1e9), SLIDER_MAX);
        for p in (SLIDER_MIN..=SLIDER_MAX).step_by(7) {
            assert!((slider_from_speed(speed_from_slider(p)) - p).abs() <= 2, "round trip at {p}");
        }
    }

    #[test]
    fn speeds_are_written_briefly() {
        assert_eq!(format_speed(0.05), "0.05×");
        assert_eq!(format_speed(1.0), "1×");
        assert_eq!(format_speed(1.2589), "1.3×");
        assert_eq!(format_speed(25.1), "25×");
        assert_eq!(format_speed(0.0), "0.01×");
        assert_eq!(speed_step(1.0, true), 2.0);
        assert_eq!(speed_step(0.01, false), 0.01);
    }

    #[test]
    fn sim_time_is_written_in_ms_then_seconds() {
        assert_eq!(format_sim_time(1_234_500), "1234.5 ms");
        assert_eq!(format_sim_time(12_345_678), "12.35 s");
    }

    #[test]
    fn the_query_gives_seed_servers_and_speed() {
        let p = parse_query("?seed=42&servers=7&speed=1&other=x");
        assert_eq!((p.seed, p.servers, p.speed), (Some(42), Some(7), Some(1.0)));
        assert!(p.problems.is_empty());
        let p = parse_query("seed=abc&servers=12&speed=-1&bench=sim");
        assert_eq!((p.seed, p.servers, p.speed), (None, None, None));
        assert_eq!(p.problems.len(), 3, "{:?}", p.problems);
        assert_eq!(p.bench.as_deref(), Some("sim"));
        let p = parse_query("bench=sim&snapshots=50");
        assert_eq!((p.snapshots, p.problems), (Some(50), vec![]));
        for bad in ["0", "100001", "x"] {
            let p = parse_query(&format!("snapshots={bad}"));
            assert_eq!((p.snapshots, p.problems.clone()), (None, vec![ParamProblem::Snapshots(bad.into())]));
            assert!(param_problem(&p.problems[0]).contains("100000"));
        }
        // The benchmark's repeat count: bounded, and never an error a visitor sees.
        let runs = |q: &str| parse_query(q).runs;
        assert_eq!(
            [runs("runs=5"), runs("runs=0"), runs("runs=99"), runs("runs=x")],
            [Some(5), Some(1), Some(20), None]
        );
        assert!(parse_query("runs=x").problems.is_empty());
        assert_eq!(parse_query(""), PageParams::default());
        assert_eq!(parse_query("?speed=1000").speed, Some(SPEED_MAX));
    }

    #[test]
    fn embed_parameters() {
        let p = parse_query("?embed=1&scenario=split-vote&autoplay=1");
        assert!(p.embed && p.autoplay);
        assert_eq!(p.scenario.as_deref(), Some("split-vote.scn"));
        let p = parse_query("?embed=0&scenario=leader-crash.scn");
        assert!(!p.embed && !p.autoplay);
        assert_eq!(p.scenario.as_deref(), Some("leader-crash.scn"));
        assert_eq!(without_embed("?embed=1&scenario=x&autoplay=1"), "?scenario=x&autoplay=1");
        assert_eq!(without_embed("?embed=1"), "");
        let snippet = embed_snippet("https://a.b/raft/", 3, 5, Some("split-vote.scn"), "Raft \"Playground\"");
        assert!(snippet.contains("title=\"Raft &quot;Playground&quot;\""), "{snippet}");
        assert!(
            snippet.starts_with(
                "<iframe src=\"https://a.b/raft/?embed=1&autoplay=1&seed=3&servers=5&scenario=split-vote\""
            ),
            "{snippet}"
        );
        assert!(snippet.contains("sandbox=\"allow-scripts\"") && snippet.ends_with("</iframe>"));
        let p = parse_query(snippet.split('?').nth(1).unwrap().split('"').next().unwrap());
        assert!(p.embed && p.autoplay && p.problems.is_empty());
    }

    #[test]
    fn the_query_round_trips() {
        let p = parse_query(&format_query(9, 3, 0.05));
        assert_eq!((p.seed, p.servers, p.speed), (Some(9), Some(3), Some(0.05)));
    }

    #[test]
    fn partitions_parse_with_spaces_commas_and_bars() {
        let s = |n| ServerId(n);
        assert_eq!(parse_partition("S1 S2 | S3,S4 s5").unwrap(), vec![vec![s(1), s(2)], vec![s(3), s(4), s(5)]]);
        assert_eq!(parse_partition("1|2|3").unwrap().len(), 3);
        assert!(parse_partition("S1 S2").unwrap_err().to_string().contains("two groups"));
        assert!(parse_partition("S1 | ").unwrap_err().to_string().contains("group 2 is empty"));
        assert!(parse_partition("S1 | S1").unwrap_err().to_string().contains("S1 is named twice"));
        assert!(parse_partition("S1 | X").unwrap_err().to_string().contains("expected a server"));
        assert_eq!(parse_partition("S1 | S2 | ").unwrap_err(), PartitionError::EmptyGroup(3));
        let groups = vec![vec![s(1)], vec![s(2), s(3)]];
        assert_eq!(parse_partition(&format_partition(&groups)).unwrap(), groups);
    }

    #[test]
    fn the_suggested_partition_isolates_the_leader_in_a_minority() {
        let ids: Vec<ServerId> = (1..=5).map(ServerId).collect();
        let groups = suggest_partition(&ids, Some(ServerId(5)));
        assert_eq!(groups, vec![vec![ServerId(5), ServerId(1)], vec![ServerId(2), ServerId(3), ServerId(4)]]);
        let groups = suggest_partition(&ids[..3], None);
        assert_eq!(groups, vec![vec![ServerId(1)], vec![ServerId(2), ServerId(3)]]);
    }

    #[test]
    fn terms_cycle_through_eight_colours_and_groups_are_letters() {
        assert_eq!(term_class(0), "term-0");
        assert_eq!(term_class(9), "term-1");
        assert_eq!(group_letter(0), 'A');
        assert_eq!(group_letter(2), 'C');
    }
}
