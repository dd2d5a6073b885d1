use super::*;
use crate::raft::{Duration, Op, ServerId};
use crate::sim::Action;
use proptest::prelude::*;

/// A run with a crash, a request and a partition, made the way the page makes one:
/// frames of `run_until` with actions in between.
fn sample_sim() -> Sim {
    let mut sim = Sim::new(SimConfig { seed: 7, ..SimConfig::default() }).unwrap();
    let leader = sim.run_until_leader(Duration::from_ms(3000)).expect("a leader");
    sim.act(Action::ClientRequest { via: leader, op: Op::parse("set x 1").unwrap() }).unwrap();
    sim.run_for(Duration::from_ms(333));
    sim.act(Action::Crash { server: leader }).unwrap();
    sim.run_for(Duration::from_ms(1234));
    sim.act(Action::Partition { groups: vec![vec![ServerId(1), ServerId(2)], vec![ServerId(3)]] }).unwrap();
    sim.act(Action::SetLatency { min_ms: 5, max_ms: 30 }).unwrap();
    sim.step();
    sim.run_for(Duration::from_ms(777));
    sim
}

#[test]
fn a_link_replays_to_the_same_state() {
    let sim = sample_sim();
    let link = encode(&SharedRun::from_sim(&sim, None));
    assert!(link.starts_with("v1:"), "{link}");
    let (run, replayed) = open(&format!("#{link}")).unwrap();
    assert_eq!(run.actions.len(), sim.actions().len());
    assert_eq!(replayed.state_hash(), sim.state_hash());
    assert_eq!(replayed.now(), sim.now());
    // The changed latency is an action, not part of the starting settings.
    assert_eq!(run.config.network.latency_max_ms, SimConfig::default().network.latency_max_ms);
}

#[test]
fn a_scenario_run_keeps_its_scenario_and_starting_logs() {
    let text = scenario::library().iter().find(|s| s.file == "figure-7.scn").unwrap().text;
    let parsed = scenario::parse(text).unwrap();
    let mut runner = scenario::Runner::new(&parsed, Default::default()).unwrap();
    while runner.step_statement() {}
    let (sim, _) = runner.finish();
    let source = ScenarioSource::Library("figure-7.scn".into());
    let link = encode(&SharedRun::from_sim(&sim, Some(source.clone())));
    let (run, replayed) = open(&link).unwrap();
    assert_eq!(run.scenario, Some(source));
    assert!(run.initial.is_some());
    assert_eq!(replayed.state_hash(), sim.state_hash());
}

#[test]
fn a_link_made_after_travelling_back_shares_the_state_shown() {
    let mut sim = sample_sim();
    let end = sim.now();
    sim.seek(crate::raft::Time(end.0 / 3));
    let link = encode(&SharedRun::from_sim(&sim, None));
    let (run, replayed) = open(&link).unwrap();
    assert!(run.actions.len() < sim.actions().len());
    assert_eq!(replayed.state_hash(), sim.state_hash());
}

/// A link made by format v1, checked in: it must keep opening in every later version.
#[test]
fn the_v1_fixture_still_opens() {
    let fixture = include_str!("v1-fixture.txt").trim();
    let (run, sim) = open(fixture).expect("the v1 fixture opens");
    assert_eq!(run.config.seed, 7);
    assert_eq!(run.actions.len(), 4);
    assert!(matches!(run.actions[1].action, Action::Crash { .. }));
    assert_eq!(sim.now(), run.until);
}

#[test]
fn errors_name_what_is_wrong() {
    let good = encode(&SharedRun::from_sim(&sample_sim(), None));
    assert_eq!(decode(""), Err(ShareError::Empty));
    assert_eq!(decode("#"), Err(ShareError::Empty));
    assert_eq!(decode("#abc"), Err(ShareError::NoVersion));
    assert_eq!(decode("#v9:abc"), Err(ShareError::UnknownVersion("v9".into())));
    let bad = good.replacen('A', "*", 1);
    let pos = good.find('A').unwrap() + 1;
    assert_eq!(decode(&bad), Err(ShareError::BadBase64 { position: pos, found: '*' }));
    assert!(matches!(decode("v1:AAAA"), Err(ShareError::Corrupt(_))), "{:?}", decode("v1:AAAA"));
    // Valid compression of JSON that is not a run.
    let data = |json: &str| {
        format!("v1:{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec_zlib(json.as_bytes(), 6)))
    };
    let unknown = decode(&data(r#"{"config":{},"until":0,"colour":"red"}"#)).unwrap_err();
    assert!(unknown.to_string().contains("unknown field `colour`"), "{unknown}");
    let ok = decode(&data(r#"{"config":{},"until":0}"#)).unwrap();
    assert_eq!(ok.config, SimConfig::default());
    let long = decode(&data(r#"{"config":{},"until":999999999999999}"#)).unwrap();
    assert!(matches!(long.replay(), Err(ShareError::BadData(_))));
    let missing = decode(&data(r#"{"scenario":{"library":"nope.scn"},"config":{},"until":0}"#)).unwrap();
    assert!(missing.scenario.is_some());
    assert!(matches!(open(&data(r#"{"scenario":{"library":"nope.scn"},"config":{},"until":0}"#)),
        Err(ShareError::UnknownScenario(n)) if n == "nope.scn"));
}

#[test]
fn a_different_final_state_is_refused() {
    let mut run = SharedRun::from_sim(&sample_sim(), None);
    run.hash = Some(run.hash.unwrap() ^ 1);
    assert!(matches!(open(&encode(&run)), Err(ShareError::Diverged)));
}

#[test]
fn every_truncation_is_refused() {
    let good = encode(&SharedRun::from_sim(&sample_sim(), None));
    for end in 0..good.len() {
        assert!(decode(&good[..end]).is_err(), "a link cut at {end} decoded");
    }
}

proptest! {
    #[test]
    fn decoding_arbitrary_input_never_panics(s in ".{0,200}") {
        let _ = open(&s);
        let _ = open(&format!("v1:{s}"));
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = open(&format!("v1:{}", URL_SAFE_NO_PAD.encode(&bytes)));
        let z = miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 1);
        let _ = open(&format!("v1:{}", URL_SAFE_NO_PAD.encode(z)));
    }

    #[test]
    fn a_corrupted_link_never_opens_as_another_run(at in 0usize..10_000, c in "[A-Za-z0-9_-]") {
        let good = encode(&SharedRun::from_sim(&sample_sim(), None));
        let at = 3 + at % (good.len() - 3);
        let mut bad = good.clone();
        bad.replace_range(at..at + 1, &c);
        if bad != good {
            if let Ok((run, _)) = open(&bad) {
                // Only the hash-checked, identical run may come out.
                prop_assert_eq!(run, decode(&good).unwrap());
            }
        }
    }
}

/// Prints a fresh fixture: `cargo test --lib share::tests::print_fixture -- --ignored --nocapture`.
#[test]
#[ignore]
fn print_fixture() {
    let mut sim = Sim::new(SimConfig { seed: 7, ..SimConfig::default() }).unwrap();
    let leader = sim.run_until_leader(Duration::from_ms(3000)).unwrap();
    sim.act(Action::ClientRequest { via: leader, op: Op::parse("set x 1").unwrap() }).unwrap();
    sim.run_for(Duration::from_ms(300));
    sim.act(Action::Crash { server: leader }).unwrap();
    sim.run_for(Duration::from_ms(1000));
    sim.act(Action::Restart { server: leader }).unwrap();
    sim.act(Action::SetLoss { loss: 0.1 }).unwrap();
    sim.run_for(Duration::from_ms(500));
    println!("{}", encode(&SharedRun::from_sim(&sim, None)));
}
