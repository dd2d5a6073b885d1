//! Log compaction (§7) in the cluster settings: a toggle, and while it is on, after how
//! many applied entries each server takes a snapshot.

use super::app::Msg;
use super::ring::fmt;
use crate::sim::Action;
use crate::view::i18n::{t, K};
use crate::view::snapshot::SnapshotBlock;
use yew::prelude::*;

/// The interval the toggle switches on with: small enough that a follower down for a few
/// seconds of the page's traffic needs InstallSnapshot.
pub const DEFAULT_EVERY: u64 = 20;

/// The toggle and, while it is on, the interval. A value out of range goes to the
/// simulator anyway, which refuses it with a message naming the range.
pub fn toggle(every: Option<u64>, d: &Callback<Msg>) -> Html {
    let on = every.is_some();
    let switch = d.reform(move |_| Msg::Act(Action::SetSnapshots { every: (!on).then_some(DEFAULT_EVERY) }));
    // On every edit (a number field's `change` waits for the focus to leave); an empty
    // field, mid-edit, sends nothing.
    let d2 = d.clone();
    let set = Callback::from(move |e: InputEvent| {
        let text = super::controls::input_value(&e);
        let text = text.trim();
        if !text.is_empty() {
            d2.emit(Msg::Act(Action::SetSnapshots { every: Some(text.parse().unwrap_or(0)) }));
        }
    });
    html! {
        <div class="snapshots" data-option="snapshots" data-snapshots={every.map_or("off".to_string(), |n| n.to_string())}>
            <label class="break__toggle" title={t(K::SnapshotsTitle)}>
                <input type="checkbox" role="switch" checked={on} onchange={switch} />
                <span class="break__name">{ t(K::OptionSnapshots) }</span>
            </label>
            if let Some(n) = every {
                <label class="snapshots__every">
                    <input type="number" class="input snapshots__input" min="1" max="100000"
                        value={n.to_string()} oninput={set} />
                    <span>{ t(K::SnapshotsEvery) }</span>
                </label>
            }
        </div>
    }
}

/// The compacted prefix of a log row: one block over cells 1 to its last included index,
/// labelled at its right end (next to the entries still in the log) with that index and
/// term; its title adds the configuration.
pub fn block(b: &SnapshotBlock, cell_w: f64, cell_h: f64) -> Html {
    let width = b.last_index as f64 * cell_w;
    html! {
        <g class="cell cell--snapshot" data-snapshot={b.last_index.to_string()} data-snapshot-term={b.last_term.to_string()}>
            <title>{ b.description() }</title>
            <rect x="1.5" y="1.5" width={fmt(width - 3.0)} height={fmt(cell_h - 3.0)} rx="4" />
            <text class="cell__snapshot-label" x={fmt(width - 6.0)} y="16" text-anchor="end">{ b.label() }</text>
        </g>
    }
}
