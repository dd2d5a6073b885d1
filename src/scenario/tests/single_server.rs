//! Single-server membership changes in the scenario language (`membership add S4 single`)
//! and the library's story of the 2015 bug, run with its break-switch on and off.

use super::*;
use crate::raft::{ChangeError, ChangeMethod};
use crate::sim::{Action, ActionError};

#[test]
fn the_method_is_the_last_word_of_a_membership_statement() {
    let s = parse("membership add S4 single\nmembership remove S2 joint\nmembership remove S3\n").unwrap();
    let methods: Vec<ChangeMethod> = s
        .statements
        .iter()
        .filter_map(|st| match &st.kind {
            StatementKind::Act { command: Command::Membership { method, .. } } => Some(*method),
            _ => None,
        })
        .collect();
    assert_eq!(methods, vec![ChangeMethod::Single, ChangeMethod::Joint, ChangeMethod::Joint]);
    // Written back, the default (joint) is left out, so old links read the same.
    let single = Action::ChangeMembership { add: vec![ServerId(4)], remove: vec![], method: ChangeMethod::Single };
    assert_eq!(single.to_string(), "membership add S4 single");
    let joint = Action::ChangeMembership { add: vec![ServerId(4)], remove: vec![], method: ChangeMethod::Joint };
    assert_eq!(joint.to_string(), "membership add S4");
    // `single` is a word of the language, not a name.
    assert!(parse("let single = leader\n").is_err());
}

#[test]
fn a_single_server_change_of_two_servers_is_refused_with_its_reason() {
    let r = run_text("servers 3\nrun until leader within 2s\nrun 200ms\nmembership add S4 S5 single\n");
    let refused: Vec<&RunError> = r.failures().map(|f| f.outcome.as_ref().unwrap_err()).collect();
    assert_eq!(
        refused,
        vec![&RunError::Refused(ActionError::Membership(ChangeError::NotOneServer {
            added: vec![ServerId(4), ServerId(5)],
            removed: vec![],
        }))]
    );
}

/// The show-me story with the rule broken (its own `expect` lines, which the library test
/// runs, show the lost entry) fails `expect safe`; with the rule kept, the second leader's
/// change is refused for exactly the 2015 reason and the run stays safe.
#[test]
fn the_2015_bug_needs_the_rule_broken() {
    let file = crate::raft::BreakSwitch::ChangeBeforeTermCommit.show_me();
    let text = library().iter().find(|s| s.file == file).unwrap().text.to_string();
    let broken = run_text(&format!("{text}expect safe\n"));
    let failed: Vec<&str> = broken.failures().map(|f| f.source.as_str()).collect();
    assert_eq!(failed, vec!["expect safe"]);

    let kept = text.replace("break change-before-term-commit on", "break change-before-term-commit off");
    assert_ne!(kept, text);
    let r = run_text(&format!("{kept}expect safe\n"));
    let first = r.failures().next().expect("the change is refused");
    assert_eq!(first.source, "membership add S5 single");
    assert_eq!(
        first.outcome,
        Err(RunError::Refused(ActionError::Membership(ChangeError::NoEntryOfTermCommitted { term: Term(2) })))
    );
    let last = r.results.last().unwrap();
    assert_eq!((last.source.as_str(), last.passed()), ("expect safe", true), "{:?}", last.outcome);
}
