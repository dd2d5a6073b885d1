//! The legend of every symbol, and the keyboard shortcuts dialog.

use super::app::Msg;
use super::ring::message_shape;
use crate::raft::MessageKind;
use crate::view::i18n::{t, K};
use yew::prelude::*;

fn swatch(class: &'static str, body: Html) -> Html {
    html! {
        <svg class={classes!("legend__swatch", class)} viewBox="-14 -14 28 28" width="28" height="28" aria-hidden="true">
            { body }
        </svg>
    }
}

fn server_swatch(role: &'static str, extra: Html) -> Html {
    html! {
        <g class={classes!("server", format!("server--{role}"))}>
            { extra }
            <circle class="server__disc" r="9" />
        </g>
    }
}

#[function_component(Legend)]
pub fn legend() -> Html {
    let item = |sw: Html, key: K| html! { <li class="legend__item">{ sw }<span>{ t(key) }</span></li> };
    let message = |kind: MessageKind, key: K| {
        item(
            swatch(
                "",
                html! { <g class={classes!("msg", format!("msg--{}", kind.css_class()))}>{ message_shape(kind) }</g> },
            ),
            key,
        )
    };
    let cell = |classes: &'static str, text: &'static str, key: K| {
        item(
            swatch(
                "",
                html! {
                    <g class={classes!("cell", classes.split(' ').collect::<Vec<_>>())}>
                        <rect x="-11" y="-11" width="22" height="22" rx="4" />
                        <text class="cell__term" x="0" y="1">{ text }</text>
                    </g>
                },
            ),
            key,
        )
    };
    html! {
        <section class="panel legend" aria-labelledby="legend-heading">
            <h2 id="legend-heading" class="panel__title">{ t(K::LegendHeading) }</h2>
            <ul class="legend__list">
                { item(swatch("", server_swatch("follower", html! {})), K::LegendFollower) }
                { item(swatch("", server_swatch("candidate", html! {})), K::LegendCandidate) }
                { item(swatch("", server_swatch("leader", html! { <circle class="server__crown" r="12" /> })), K::LegendLeader) }
                { item(swatch("", html! {
                    <g class="server server--follower server--down">
                        <circle class="server__disc" r="9" />
                        <path class="server__cross" d="M-4.5 -4.5L4.5 4.5M4.5 -4.5L-4.5 4.5" />
                    </g>
                }), K::LegendCrashed) }
                { item(swatch("", html! {
                    <g class="server server--follower">
                        <circle class="server__timer-track" r="11.5" />
                        <path class="server__timer" d="M0 -11.5A11.5 11.5 0 1 1 -11.5 0" />
                        <circle class="server__disc" r="8" />
                    </g>
                }), K::LegendTimer) }
                { item(swatch("", html! {
                    <g class="server__votes">
                        <g class="pip pip--granted" transform="translate(-8 0)"><circle r="4.2" /></g>
                        <g class="pip pip--refused"><circle r="4.2" /><path d="M-2.6 -2.6L2.6 2.6M2.6 -2.6L-2.6 2.6" /></g>
                        <g class="pip pip--waiting" transform="translate(8 0)"><circle r="4.2" /></g>
                    </g>
                }), K::LegendVotes) }
                { item(swatch("", html! {
                    <g class="server__group"><circle r="8.5" /><text y="0.5">{ "B" }</text></g>
                }), K::LegendGroup) }
                { message(MessageKind::RequestVote, K::LegendRequestVote) }
                { message(MessageKind::VoteGranted, K::LegendVoteGranted) }
                { message(MessageKind::VoteRefused, K::LegendVoteRefused) }
                { message(MessageKind::AppendEntries, K::LegendAppend) }
                { message(MessageKind::Heartbeat, K::LegendHeartbeat) }
                { message(MessageKind::AppendOk, K::LegendAppendOk) }
                { message(MessageKind::AppendFailed, K::LegendAppendFailed) }
                { message(MessageKind::PreVote, K::LegendPreVote) }
                { message(MessageKind::TimeoutNow, K::LegendTimeoutNow) }
                { message(MessageKind::InstallSnapshot, K::LegendInstallSnapshot) }
                { item(swatch("", html! {
                    <g class="msg msg--heartbeat msg--dropped" opacity="0.6">
                        { message_shape(MessageKind::Heartbeat) }
                        <path class="msg__dropmark" d="M-8 -8L8 8M8 -8L-8 8" />
                    </g>
                }), K::LegendDropped) }
                { cell("term-2 cell--committed", "2", K::LegendCommitted) }
                { cell("term-2 cell--uncommitted", "2", K::LegendUncommitted) }
                { cell("term-2 cell--committed cell--noop", "2", K::LegendNoop) }
                { cell("term-3 cell--committed cell--joint", "C", K::LegendJoint) }
                { cell("term-3 cell--committed cell--new", "C", K::LegendNew) }
                { item(swatch("", html! {
                    <g>
                        <rect class="progress-match" x="-12" y="2" width="16" height="3" rx="1.5" />
                        <path class="progress-next" d="M8 -4l4 6h-8z" />
                    </g>
                }), K::LegendNextMatch) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ShortcutsProps {
    pub dispatch: Callback<Msg>,
}

/// The keys and what they do; keep in step with `App::key`.
const SHORTCUTS: &[(&[&str], K)] = &[
    (&["Space", "K"], K::KeyPlayPause),
    (&[".", "N"], K::KeyStep),
    (&["L"], K::KeyKillLeader),
    (&["R"], K::KeyReviveAll),
    (&["V"], K::KeySplitVote),
    (&["T"], K::KeySpreadTimers),
    (&["A"], K::KeyAddServer),
    (&["H"], K::KeyHeal),
    (&["+"], K::KeyFaster),
    (&["−"], K::KeySlower),
    (&["1–9"], K::KeyServer),
    (&["?"], K::KeyHelp),
    (&["Esc"], K::KeyClose),
];

#[function_component(ShortcutsDialog)]
pub fn shortcuts_dialog(props: &ShortcutsProps) -> Html {
    let close = props.dispatch.reform(|_| Msg::ToggleHelp);
    // Move focus into the dialog when it opens, so Tab and Escape work from there.
    let close_button = use_node_ref();
    {
        let close_button = close_button.clone();
        use_effect_with((), move |_| {
            if let Some(button) = close_button.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    // A modal dialog keeps the focus: its one control, the close button, keeps it on Tab
    // and Shift+Tab alike.
    let onkeydown = {
        let close_button = close_button.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Tab" {
                e.prevent_default();
                if let Some(button) = close_button.cast::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            }
        })
    };
    html! {
        <div class="dialog-backdrop" onclick={close.clone()}>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" {onkeydown}
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <div class="dialog__head">
                    <h2 id="shortcuts-title" class="panel__title">{ t(K::ShortcutsTitle) }</h2>
                    <button ref={close_button} class="btn btn--quiet" aria-label={t(K::Close)} onclick={close}>{ "✕" }</button>
                </div>
                <dl class="shortcuts">
                    { for SHORTCUTS.iter().map(|(keys, what)| html! {
                        <div class="shortcuts__row">
                            <dt>{ for keys.iter().map(|k| html! { <kbd>{ *k }</kbd> }) }</dt>
                            <dd>{ t(*what) }</dd>
                        </div>
                    }) }
                </dl>
            </div>
        </div>
    }
}
