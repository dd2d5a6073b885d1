//! The choice of method for a membership change (joint consensus, §6, or one server at a
//! time, dissertation §4.1): the single-server buttons beside "Add server" and a server
//! menu's "Remove", and the line that names the method of the change in progress.

use super::app::Msg;
use crate::raft::{ChangeMethod, ServerId};
use crate::scenario::ServerRef;
use crate::view::i18n::{t, tf, K};
use crate::view::intent::{Intent, ServerAction};
use yew::prelude::*;

/// "Add server, one at a time": the next server joins by a single-server change.
pub fn add_single_button(can_add: bool, next_id: ServerId, d: &Callback<Msg>) -> Html {
    let title = if can_add { tf(K::AddServerSingleTitle, &[&next_id]) } else { t(K::AddServerFull).to_string() };
    html! {
        <button class="btn" title={title} disabled={!can_add} data-method="single" data-add-server="single"
            onclick={d.reform(|_| Msg::Intent(Intent::AddServer(ChangeMethod::Single)))}>{ t(K::AddServerSingle) }</button>
    }
}

/// "Remove S3, one at a time", in S3's menu.
pub fn remove_single_button(id: ServerId, disabled: bool, d: &Callback<Msg>) -> Html {
    html! {
        <button class="btn" title={tf(K::RemoveServerSingleTitle, &[&id])} disabled={disabled}
            data-method="single" data-remove-server={id.to_string()}
            onclick={d.reform(move |_| Msg::Intent(Intent::Server(ServerRef::Id(id), ServerAction::Remove(ChangeMethod::Single))))}>
            { tf(K::RemoveServerSingle, &[&id]) }
        </button>
    }
}

/// The method of the change in progress, under the membership panel's title.
pub fn method_line(method: ChangeMethod) -> Html {
    let key = match method {
        ChangeMethod::Joint => K::MethodJoint,
        ChangeMethod::Single => K::MethodSingle,
    };
    html! { <p class="membership__method" data-method={method.name()}>{ t(key) }</p> }
}
