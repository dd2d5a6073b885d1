//! The protocol options in the cluster settings: a toggle each for PreVote and
//! CheckQuorum, and CheckQuorum's count of the leader's recent contacts.

use super::app::Msg;
use crate::raft::{ProtocolOption, ProtocolOptions};
use crate::sim::Action;
use crate::view::i18n::{t, K};
use crate::view::protocol::{contacts_text, option_text, ContactsView};
use yew::prelude::*;

/// The options' toggles and, while CheckQuorum is on and there is a leader, its count of
/// recent contacts. A plain function, drawn inside the cluster controls.
pub fn toggles(options: ProtocolOptions, contacts: Option<&ContactsView>, d: &Callback<Msg>) -> Html {
    html! {
        <div class="options" role="group" aria-labelledby="options-heading">
            <h3 id="options-heading" class="options__title">{ t(K::OptionsHeading) }</h3>
            { for ProtocolOption::ALL.iter().map(|&option| {
                let on = options.is_on(option);
                let (name, why) = option_text(option);
                html! {
                    <label key={option.name()} class="break__toggle" title={why} data-option={option.name()}>
                        <input type="checkbox" role="switch" checked={on}
                            onchange={d.reform(move |_| Msg::Act(Action::SetOption { option, on: !on }))} />
                        <span class="break__name">{ name }</span>
                    </label>
                }
            }) }
            if let Some(c) = contacts {
                <p class={classes!("field-help", (!c.quorum).then_some("field-error"))} data-contacts={c.heard.to_string()}
                    data-quorum={c.quorum.to_string()}>{ contacts_text(c) }</p>
            }
        </div>
    }
}
