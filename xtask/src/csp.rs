//! The strict Content-Security-Policy the built page runs under (README, "Deployment"),
//! and the one step of `dist` that makes it possible: Trunk writes its start-up script
//! inline into index.html, which `script-src 'self'` refuses, so it is moved into a file.

use anyhow::{bail, Context, Result};
use std::path::Path;

/// The policy: nothing inline, nothing from another host; wasm may be compiled.
pub const POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:";

/// Moves every inline `<script type="module">` of `dir/index.html` into a file of its own,
/// `start-<hash>.js` (the hash of its text, so that a cache never serves an old one).
pub fn move_inline_scripts(dir: &Path) -> Result<()> {
    let index_path = dir.join("index.html");
    let html = std::fs::read_to_string(&index_path).context("dist/index.html is missing")?;
    let (html, scripts) = extract(&html)?;
    for (name, text) in &scripts {
        std::fs::write(dir.join(name), text)?;
    }
    std::fs::write(&index_path, html)?;
    Ok(())
}

/// index.html with its inline module scripts replaced by `<script type="module" src>`,
/// and the (file name, text) of each.
fn extract(html: &str) -> Result<(String, Vec<(String, String)>)> {
    const CLOSE: &str = "</script>";
    let (mut out, mut rest, mut scripts) = (String::new(), html, Vec::new());
    while let Some(start) = rest.find("<script") {
        let Some(open_len) = rest[start..].find('>').map(|i| i + 1) else { bail!("a script tag is not closed") };
        let tag = &rest[start..start + open_len];
        let Some(len) = rest[start + open_len..].find(CLOSE) else { bail!("a script is not closed") };
        let end = start + open_len + len + CLOSE.len();
        out.push_str(&rest[..start]);
        if tag.contains("src=") {
            out.push_str(&rest[start..end]);
        } else if tag == "<script type=module>" || tag == "<script type=\"module\">" {
            // Trunk's start-up script (minified HTML drops the quotes).
            let text = &rest[start + open_len..start + open_len + len];
            let name = format!("start-{:016x}.js", fnv1a(text.as_bytes()));
            out.push_str(&format!("<script type=module src=./{name}></script>"));
            scripts.push((name, text.to_string()));
        } else {
            bail!("dist/index.html has an inline script that is not a module: {tag}");
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    if out.contains(" style=") {
        bail!("dist/index.html has an inline style attribute");
    }
    Ok((out, scripts))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_start_up_script_becomes_a_file() {
        let html = "<head><script type=\"module\">import init from './a.js';\nawait init();</script></head>";
        let (out, scripts) = extract(html).unwrap();
        let name = format!("start-{:016x}.js", fnv1a(b"import init from './a.js';\nawait init();"));
        assert_eq!(out, format!("<head><script type=module src=./{name}></script></head>"));
        assert_eq!(scripts, vec![(name, "import init from './a.js';\nawait init();".to_string())]);
        // Minified, as Trunk writes it in release builds; a script with `src` stays.
        let (out, scripts) = extract("<script src=./x.js></script><script type=module>go()</script>").unwrap();
        let name = format!("start-{:016x}.js", fnv1a(b"go()"));
        assert_eq!(out, format!("<script src=./x.js></script><script type=module src=./{name}></script>"));
        assert_eq!(scripts, vec![(name, "go()".to_string())]);
    }

    #[test]
    fn a_classic_inline_script_is_refused() {
        assert!(extract("<script>alert(1)</script>").is_err());
    }
}
