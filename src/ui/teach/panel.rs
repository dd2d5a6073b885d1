//! The teaching panel, the lesson's Watch and Next, the welcome and the toolbar's part:
//! thin views over plain props, which send [`TeachMsg`]s.

use super::{Entry, PageError, QuickLesson, Start, TeachMsg};
use crate::raft::Time;
use crate::view::format;
use crate::view::guide::Group;
use crate::view::i18n::{t, tf, Lang, K};
use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct GoalView {
    pub source: String,
    pub met_at: Option<Time>,
    pub holding: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LessonView {
    pub step: usize,
    pub count: usize,
    pub text: String,
    /// The run is before the first step (`text` says when it begins).
    pub before: bool,
    /// The step's question, while the run has not answered it yet.
    pub question: Option<String>,
    pub prediction: String,
    /// A question the run has answered: (question, what the reader predicted, the
    /// scenario's answer, if it gives one).
    pub answered: Option<(String, String, Option<String>)>,
    /// Where Watch and Next go (`count` for the run's end), if anywhere.
    pub quick: QuickLesson,
    /// Where Back goes, if anywhere.
    pub back: Option<usize>,
    /// The lesson has played to its end.
    pub done: bool,
    /// The tour's next lesson: (file, title).
    pub next_lesson: Option<(&'static str, String)>,
    /// On the tour: (lesson, of how many).
    pub tour: Option<(usize, usize)>,
}

pub struct TeachPanelProps {
    pub entries: Vec<Entry>,
    pub picked: String,
    pub text: String,
    pub error: Option<PageError>,
    pub title: Option<(String, String)>,
    /// The library file on show, if it is one (`data-file`: tests wait for it).
    pub file: Option<AttrValue>,
    pub goal: Option<GoalView>,
    pub lesson: Option<LessonView>,
    /// `Sim::state_hash` while paused (tests compare runs with it).
    pub state_hash: Option<String>,
    pub dispatch: Callback<TeachMsg>,
}

pub fn teach_panel(p: &TeachPanelProps) -> Html {
    let d = &p.dispatch;
    let on_pick = d.reform(|e: Event| TeachMsg::Pick(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()));
    let on_text =
        d.reform(|e: InputEvent| TeachMsg::Text(e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value()));
    let on_file = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let d = d.clone();
            let file = gloo::file::File::from(file);
            let reader = gloo::file::callbacks::read_as_text(&file, move |text| {
                if let Ok(text) = text {
                    d.emit(TeachMsg::LoadFile(text));
                }
            });
            // The read finishes on its own; keep the reader alive until then.
            std::mem::forget(reader);
        })
    };
    // The picked scenario's description, until it is the one loaded (shown below then).
    let picked_description = p
        .entries
        .iter()
        .find(|e| e.file == p.picked)
        .filter(|e| p.title.as_ref().is_none_or(|(title, _)| title != e.title()))
        .map(Entry::description);
    html! {
        <section class="panel teach" aria-label={t(K::ScenariosHeading)} data-state-hash={p.state_hash.clone()}>
            if let Some(error) = &p.error {
                <p class="teach__error" role="alert" data-link-error="true" data-limit={error.limit.map(|l| l.name())}>
                    { error.text.clone() }
                    <button class="btn btn--small" onclick={d.reform(|_| TeachMsg::DismissError)}>{ t(K::Close) }</button>
                </p>
            }
            <h2 class="panel__title">{ t(K::ScenariosHeading) }</h2>
            <div class="teach__row">
                <select aria-label={t(K::ScenarioPick)} onchange={on_pick} class="input teach__picker">
                    <option value="" selected={p.picked.is_empty()}>{ t(K::ScenarioFree) }</option>
                    { for Group::ALL.iter().map(|g| html! {
                        <optgroup key={group_name(*g)} label={group_name(*g)}>
                            { for p.entries.iter().filter(|e| e.group == *g).map(|e| html! {
                                <option key={e.file} value={e.file} selected={e.file == p.picked}
                                    title={e.description()}>
                                    { e.title() }
                                </option>
                            }) }
                        </optgroup>
                    }) }
                </select>
                <button class="btn" onclick={d.reform(|_| TeachMsg::LoadPicked)}>{ t(K::ScenarioLoad) }</button>
            </div>
            if let Some(desc) = picked_description {
                <p class="teach__description">{ desc }</p>
            }
            <details class="teach__custom">
                <summary>{ t(K::ScenarioText) }</summary>
                <textarea class="input" aria-label={t(K::ScenarioText)} placeholder={t(K::ScenarioTextPlaceholder)}
                    value={p.text.clone()} oninput={on_text} rows="5"></textarea>
                <div class="teach__row">
                    <button class="btn" onclick={d.reform(|_| TeachMsg::LoadText)}>{ t(K::ScenarioLoadText) }</button>
                    <label class="btn teach__file">
                        { t(K::ScenarioFile) }
                        <input type="file" accept=".scn,.txt,text/plain" onchange={on_file} aria-label={t(K::ScenarioFile)} />
                    </label>
                </div>
            </details>
            if let Some((title, description)) = &p.title {
                <div class="teach__loaded" data-file={p.file.clone()}>
                    <h3 class="teach__title">{ title.clone() }</h3>
                    <p class="teach__description">{ description.clone() }</p>
                </div>
            }
            if let Some(goal) = &p.goal {
                <div class={classes!("goal", goal.met_at.map(|_| "goal--met"))} role="status"
                    data-goal={if goal.met_at.is_some() { "met" } else { "pending" }}>
                    <p class="goal__text">{ tf(K::GoalLabel, &[&goal.source]) }</p>
                    <p class="goal__status">{
                        match (&goal.met_at, &goal.holding) {
                            (Some(at), _) => tf(K::GoalMet, &[&format::format_sim_time(at.0)]),
                            (None, Some((held, need))) => tf(K::GoalHolding, &[held, need]),
                            (None, None) => t(K::GoalNotYet).to_string(),
                        }
                    }</p>
                </div>
            }
            if let Some(lesson) = &p.lesson {
                <div class="lesson" data-step={lesson.step.to_string()} data-steps={lesson.count.to_string()} data-done={lesson.done.then_some("true")}
                    data-before={lesson.before.then_some("true")}
                    data-playing-to={lesson.quick.playing_to.map(|s| s.to_string())}>
                    if let Some((n, of)) = lesson.tour {
                        <p class="lesson__tour" data-tour-lesson={n.to_string()}>
                            { tf(K::TourPlace, &[&n, &of]) }
                            <button class="btn btn--quiet btn--small" onclick={d.reform(|_| TeachMsg::LeaveTour)}>{ t(K::TourLeave) }</button>
                        </p>
                    }
                    <p class="lesson__count">{ tf(K::LessonStep, &[&(lesson.step + 1), &lesson.count]) }</p>
                    if let Some((question, prediction, answer)) = &lesson.answered {
                        <div class="lesson__answer" role="status">
                            <p class="lesson__asked">{ tf(K::LessonAsked, &[question]) }</p>
                            if !prediction.trim().is_empty() {
                                <p class="lesson__predicted">{ tf(K::LessonYouPredicted, &[&prediction.trim()]) }</p>
                            }
                            if let Some(answer) = answer {
                                <p class="lesson__answer-text">{ tf(K::LessonAnswer, &[answer]) }</p>
                            }
                        </div>
                    }
                    <p class="lesson__text">{ lesson.text.clone() }</p>
                    if let Some(q) = &lesson.question {
                        <p class="lesson__question">{ tf(K::LessonPredict, &[q]) }</p>
                        <input class="input lesson__prediction" type="text" aria-label={t(K::LessonPrediction)}
                            placeholder={t(K::LessonPredictionPlaceholder)} value={lesson.prediction.clone()}
                            oninput={d.reform(|e: InputEvent| TeachMsg::Predict(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))} />
                        <p class="lesson__hint">{ t(K::LessonAnswerAfterRun) }</p>
                    }
                    <div class="teach__row">
                        <button class="btn" disabled={lesson.back.is_none()} data-lesson-back="true"
                            onclick={let b = lesson.back.unwrap_or(0); d.reform(move |_| TeachMsg::LessonGo(b))}>{ t(K::LessonBack) }</button>
                        { watch_next(lesson.quick, d) }
                    </div>
                    if lesson.done {
                        <div class="lesson__done" role="status">
                            <p>{ t(K::LessonDone) }{ " " }{ lesson.next_lesson.is_none().then(|| t(K::TourDone)) }</p>
                            if let Some((file, title)) = &lesson.next_lesson {
                                <button class="btn btn--primary" data-next-lesson={*file}
                                    onclick={let f = *file; d.reform(move |_| TeachMsg::NextLesson(f))}>{ tf(K::LessonNextLesson, &[title]) }</button>
                            } else {
                                <button class="btn" onclick={d.reform(|_| TeachMsg::Start(Start::Exercises))}>{ t(K::TourExercises) }</button>
                            }
                        </div>
                    }
                </div>
            }
        </section>
    }
}

/// A lesson's Watch (Skip while it plays on by itself) and Next: in the lesson, and in the
/// phone's bottom bar.
pub fn watch_next(l: QuickLesson, d: &Callback<TeachMsg>) -> Html {
    let n = l.next.unwrap_or(0);
    html! {
        <>
            if let Some(to) = l.playing_to {
                <button class="btn" title={t(K::LessonSkipTitle)} data-lesson-skip="true"
                    onclick={d.reform(move |_| TeachMsg::LessonGo(to))}>{ t(K::LessonSkip) }</button>
            } else {
                <button class="btn" disabled={l.next.is_none()} title={t(K::LessonWatchTitle)} data-lesson-watch="true"
                    onclick={d.reform(|_| TeachMsg::LessonWatch)}>{ t(if l.to_end { K::LessonWatchEnd } else { K::LessonWatch }) }</button>
            }
            <button class="btn btn--primary" disabled={l.next.is_none()} title={t(K::LessonNextTitle)} data-lesson-next="true"
                onclick={d.reform(move |_| TeachMsg::LessonGo(n))}>{ t(if l.to_end { K::LessonToEnd } else { K::LessonNext }) }</button>
        </>
    }
}

fn group_name(g: Group) -> &'static str {
    t(match g {
        Group::Lessons => K::GroupLessons,
        Group::Scenarios => K::GroupScenarios,
        Group::Exercises => K::GroupExercises,
        Group::BrokenRules => K::GroupBrokenRules,
    })
}

/// The first visit's welcome: three ways in, each a button with one line on what it is.
///
/// `resume`: the tour lesson the reader stopped at: (lesson, of how many).
pub fn welcome(resume: Option<(usize, usize)>, d: &Callback<TeachMsg>) -> Html {
    let tour = resume.map_or_else(|| t(K::WelcomeTour).to_string(), |(n, of)| tf(K::WelcomeTourResume, &[&n, &of]));
    let choices = [
        (Start::Tour, tour, K::WelcomeTourText),
        (Start::Free, t(K::WelcomeFree).to_string(), K::WelcomeFreeText),
        (Start::Exercises, t(K::WelcomeExercises).to_string(), K::WelcomeExercisesText),
    ];
    html! {
        <section class="panel welcome" aria-labelledby="welcome-heading" data-welcome="true">
            <h2 id="welcome-heading" class="welcome__title">{ t(K::WelcomeHeading) }</h2>
            <p>{ t(K::WelcomeIntro) }</p>
            <ul class="welcome__choices">
                { for choices.into_iter().map(|(start, label, text)| html! {
                    <li>
                        <button class={classes!("btn", (start == Start::Tour).then_some("btn--primary"))}
                            data-start={start.slug()}
                            onclick={d.reform(move |_| TeachMsg::Start(start))}>{ label }</button>
                        <span class="welcome__text">{ t(text) }</span>
                    </li>
                }) }
            </ul>
        </section>
    }
}

/// The toolbar's part of teaching: the language and the share link.
pub fn teach_toolbar(lang: Lang, link: &str, d: &Callback<TeachMsg>) -> Html {
    let on_lang = d.reform(|e: Event| {
        let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
        TeachMsg::SetLang(Lang::from_code(&v))
    });
    html! {
        <>
            <select aria-label={t(K::Language)} title={t(K::Language)} onchange={on_lang} class="input teach__lang">
                { for Lang::ALL.iter().map(|l| html! {
                    <option value={l.code()} selected={*l == lang}>{ l.native_name() }</option>
                }) }
            </select>
            <div class="teach__row toolbar__share" role="group" aria-label={t(K::TeachHeading)}>
                <button class="btn" title={t(K::CopyLinkTitle)} onclick={d.reform(|_| TeachMsg::CopyLink)}>{ t(K::CopyLink) }</button>
                <input class="input teach__link" readonly=true aria-label={t(K::LinkLabel)} value={link.to_string()}
                    placeholder={t(K::LinkLabel)} />
            </div>
        </>
    }
}
