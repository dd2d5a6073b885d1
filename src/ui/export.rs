//! Export and embedding: "Download SVG", "Download PNG", "Download trace", the "Embed"
//! snippet (docs/embedding.md, docs/trace-format.md), and the embed mode's own controls.
//! Everything here works without storage or the clipboard, so it runs in a sandboxed
//! `<iframe>` too.

use super::logs::SimHandle;
use crate::view::format;
use crate::view::i18n::{t, K};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// The computed style properties copied onto a downloaded SVG, so that it looks as on the
/// page without the page's stylesheet.
const SVG_STYLE: [&str; 12] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
];

#[derive(Properties, PartialEq)]
pub struct ExportProps {
    pub sim: SimHandle,
    pub seed: u64,
    pub servers: u32,
    /// The library scenario on show, if any: the embed snippet loads it too.
    pub scenario: Option<AttrValue>,
}

#[function_component(Export)]
pub fn export(p: &ExportProps) -> Html {
    let snippet = use_state(|| None::<String>);
    let on_embed = {
        let (snippet, seed, servers, scenario) = (snippet.clone(), p.seed, p.servers, p.scenario.clone());
        Callback::from(move |_| {
            let href = gloo::utils::window().location().href().unwrap_or_default();
            let base = href.split(['?', '#']).next().unwrap_or_default().to_string();
            snippet.set(Some(format::embed_snippet(&base, seed, servers, scenario.as_deref(), t(K::Title))));
        })
    };
    let on_trace = {
        let sim = p.sim.clone();
        Callback::from(move |_| {
            let json = crate::view::trace::trace_json(&sim.0.borrow());
            download("raft-trace.json", &data_url("application/json", &json));
        })
    };
    html! {
        <section class="panel teach" aria-label={t(K::Embed)}>
            <div class="teach__row">
                <button class="btn" onclick={|_| if let Some(svg) = ring_svg() { download("raft.svg", &data_url("image/svg+xml", &svg.0)) }}>{ t(K::DownloadSvg) }</button>
                <button class="btn" onclick={|_| download_png()}>{ t(K::DownloadPng) }</button>
                <button class="btn" onclick={on_trace}>{ t(K::DownloadTrace) }</button>
                <button class="btn" onclick={on_embed}>{ t(K::Embed) }</button>
            </div>
            if let Some(s) = &*snippet {
                <textarea class="embed__snippet" readonly=true rows="3" aria-label={t(K::EmbedLabel)} value={s.clone()}></textarea>
            }
        </section>
    }
}

pub struct EmbedBarProps {
    pub reset: Callback<MouseEvent>,
}

/// In embed mode, beside Play and Step: Reset, and the way out to the full playground.
pub fn embed_bar(p: &EmbedBarProps) -> Html {
    let search = gloo::utils::window().location().search().unwrap_or_default();
    let href = format!("./{}", format::without_embed(&search));
    html! {
        <div class="embed__bar">
            <button class="btn" onclick={p.reset.clone()}>{ t(K::Reset) }</button>
            <a class="embed__open" href={href} target="_blank" rel="noopener">{ t(K::OpenFull) }</a>
        </div>
    }
}

fn data_url(mime: &str, text: &str) -> String {
    format!("data:{mime};charset=utf-8,{}", String::from(js_sys::encode_uri_component(text)))
}

/// Saves `href` as a file named `name`, through a link clicked once.
fn download(name: &str, href: &str) {
    let Ok(a) = gloo::utils::document().create_element("a") else {
        return;
    };
    let _ = a.set_attribute("href", href);
    let _ = a.set_attribute("download", name);
    if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
        a.click();
    }
}

/// The ring as a standalone SVG document, with the page's computed styles inlined, and its
/// size on screen in CSS pixels.
fn ring_svg() -> Option<(String, f64, f64)> {
    let document = gloo::utils::document();
    let window = gloo::utils::window();
    let ring = document.query_selector("svg.ring").ok()??;
    let copy: web_sys::Element = ring.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    let (from, to) = (ring.query_selector_all("*").ok()?, copy.query_selector_all("*").ok()?);
    let mut pairs = vec![(ring.clone(), copy.clone())];
    for i in 0..from.length().min(to.length()) {
        if let (Some(a), Some(b)) = (from.get(i), to.get(i)) {
            pairs.push((a.dyn_into().ok()?, b.dyn_into().ok()?));
        }
    }
    for (a, b) in pairs {
        let Ok(Some(style)) = window.get_computed_style(&a) else {
            continue;
        };
        // Through the CSSOM, not a `style` attribute: a strict Content-Security-Policy
        // (`style-src 'self'`, README) refuses inline style attributes but not this.
        let Ok(target) = js_sys::Reflect::get(&b, &JsValue::from_str("style")) else { continue };
        let target: web_sys::CssStyleDeclaration = target.unchecked_into();
        for p in SVG_STYLE {
            if let Some(v) = style.get_property_value(p).ok().filter(|v| !v.is_empty()) {
                let _ = target.set_property(p, &v);
            }
        }
    }
    let rect = ring.get_bounding_client_rect();
    let (w, h) = (rect.width().max(1.0), rect.height().max(1.0));
    let _ = copy.set_attribute("xmlns", "http://www.w3.org/2000/svg");
    let _ = copy.set_attribute("width", &(w.round() as i64).to_string());
    let _ = copy.set_attribute("height", &(h.round() as i64).to_string());
    Some((copy.outer_html(), w, h))
}

/// Draws the ring's SVG onto a canvas at twice its size and saves it as a PNG.
fn download_png() {
    let Some((svg, w, h)) = ring_svg() else {
        return;
    };
    let Ok(image) = web_sys::HtmlImageElement::new() else {
        return;
    };
    let img = image.clone();
    let onload = Closure::once_into_js(move || {
        let document = gloo::utils::document();
        let Some(canvas) =
            document.create_element("canvas").ok().and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            return;
        };
        canvas.set_width((w * 2.0) as u32);
        canvas.set_height((h * 2.0) as u32);
        let Some(ctx) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        let _ = ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, w * 2.0, h * 2.0);
        if let Ok(url) = canvas.to_data_url_with_type("image/png") {
            download("raft.png", &url);
        }
    });
    image.set_onload(Some(onload.unchecked_ref()));
    image.set_src(&data_url("image/svg+xml", &svg));
}
