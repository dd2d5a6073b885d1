//! The one post-processing step of `dist` for size: wasm-bindgen's JavaScript loader,
//! minified with terser (from tests/browser/node_modules, installed by `npm ci`). Trunk's
//! own minifier fails on wasm-bindgen 0.2.130's output and leaves it as written; terser
//! takes it from 55 KB to 25 KB raw, 9.4 to 7.2 KB gzipped (docs/performance.md). The
//! loader has no integrity attribute in index.html (`data-integrity=none` in index.html's
//! `link` and Trunk's default for it), so rewriting it breaks nothing.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// wasm-bindgen's loader in `dist`: the one `playground-*.js`.
fn loader(dist: &Path) -> Result<PathBuf> {
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.starts_with("playground-") && name.ends_with(".js") {
            return Ok(path);
        }
    }
    bail!("no playground-*.js in {}", dist.display())
}

/// Minifies the loader in place, as an ES module (its exports stay).
pub fn minify_loader(dist: &Path, node_modules: &Path) -> Result<()> {
    let terser = node_modules.join(".bin/terser");
    let path = loader(dist)?;
    let before = std::fs::metadata(&path)?.len();
    let status = Command::new(&terser)
        .arg(&path)
        .args(["--module", "--compress", "--mangle", "--output"])
        .arg(&path)
        .status()
        .with_context(|| format!("running {}", terser.display()))?;
    if !status.success() {
        bail!("terser failed on {}", path.display());
    }
    let after = std::fs::metadata(&path)?.len();
    println!("minified {}: {before} -> {after} bytes", path.display());
    Ok(())
}

/// The names wasm-bindgen gives the functions the module imports from its loader
/// (`__wbg_appendChild_4f3c…`) and exports to it (`wasm_bindgen_…_convert__closures_…`)
/// are long and hashed; both files spell each one in full. Renames each long one to a short
/// name (`i0`, `i1`, … for imports, `e0`, … for exports) in the `.wasm` and in the loader,
/// where each stands as a whole word: 4 to 5 KB gzipped (docs/performance.md).
pub fn shorten_names(dist: &Path) -> Result<()> {
    let wasm_path = std::fs::read_dir(dist)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "wasm"))
        .context("no .wasm in dist/")?;
    let js_path = loader(dist)?;
    let mut js = std::fs::read_to_string(&js_path)?;
    // A name the loader never spells (an export only the runtime uses) keeps its name.
    let (wasm, renames) = rename_in_module(&std::fs::read(&wasm_path)?, |name| js.contains(name))?;
    for (old, new) in &renames {
        js = replace_word(&js, old, new);
    }
    std::fs::write(&wasm_path, wasm)?;
    std::fs::write(&js_path, js)?;
    println!("shortened {} import and export names", renames.len());
    Ok(())
}

/// Replaces `old` where it stands as a whole identifier (not inside a longer one).
fn replace_word(text: &str, old: &str, new: &str) -> String {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(old) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + old.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(is_ident) || after.is_some_and(is_ident) {
            out.push_str(old);
        } else {
            out.push_str(new);
        }
        rest = &rest[at + old.len()..];
    }
    out.push_str(rest);
    out
}

/// A name wasm-bindgen made up for its glue. The page's own `#[wasm_bindgen]` exports
/// (`wasmMemoryBytesForTest`, …) keep their names: the loader exports them under the same
/// name to the page and its tests.
fn generated(name: &str) -> bool {
    name.starts_with("__wbg") || name.starts_with("__wbindgen") || name.starts_with("wasm_bindgen")
}

/// Only names at least this long are worth a rename (`memory` and the like stay).
const LONG_NAME: usize = 12;
/// The import module of the functions the loader defines.
const LOADER_MODULE: &[u8] = b"./playground_bg.js";

fn leb(bytes: &[u8], at: &mut usize) -> Result<u32> {
    let (mut value, mut shift) = (0u32, 0);
    loop {
        let byte = *bytes.get(*at).context("truncated wasm")?;
        *at += 1;
        value |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
        shift += 7;
        if shift > 28 {
            bail!("bad LEB128 in wasm");
        }
    }
}

fn put_leb(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn name<'a>(bytes: &'a [u8], at: &mut usize) -> Result<&'a [u8]> {
    let len = leb(bytes, at)? as usize;
    let name = bytes.get(*at..*at + len).context("truncated wasm name")?;
    *at += len;
    Ok(name)
}

fn put_name(out: &mut Vec<u8>, name: &[u8]) {
    put_leb(out, name.len() as u32);
    out.extend_from_slice(name);
}

/// Rewrites the import section (2) and the export section (7); every other section is
/// copied byte for byte.
/// Old name, new name.
type Renames = Vec<(String, String)>;

fn rename_in_module(module: &[u8], known: impl Fn(&str) -> bool) -> Result<(Vec<u8>, Renames)> {
    if module.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        bail!("not a wasm module");
    }
    let mut out = module[..8].to_vec();
    let mut renames = Vec::new();
    let mut at = 8;
    while at < module.len() {
        let id = module[at];
        at += 1;
        let size = leb(module, &mut at)? as usize;
        let body = module.get(at..at + size).context("truncated wasm section")?;
        at += size;
        let new_body = match id {
            2 => rename_imports(body, &known, &mut renames)?,
            7 => rename_exports(body, &known, &mut renames)?,
            _ => body.to_vec(),
        };
        out.push(id);
        put_leb(&mut out, new_body.len() as u32);
        out.extend_from_slice(&new_body);
    }
    Ok((out, renames))
}

fn rename(old: &[u8], prefix: &str, known: &impl Fn(&str) -> bool, renames: &mut Renames) -> Result<Vec<u8>> {
    let text = std::str::from_utf8(old).context("a wasm name that is not UTF-8")?;
    if old.len() < LONG_NAME || !generated(text) || !known(text) {
        return Ok(old.to_vec());
    }
    let old = text.to_string();
    let new = format!("{prefix}{}", renames.iter().filter(|(_, n): &&(String, String)| n.starts_with(prefix)).count());
    renames.push((old, new.clone()));
    Ok(new.into_bytes())
}

fn rename_imports(body: &[u8], known: &impl Fn(&str) -> bool, renames: &mut Vec<(String, String)>) -> Result<Vec<u8>> {
    let mut at = 0;
    let count = leb(body, &mut at)?;
    let mut out = Vec::with_capacity(body.len());
    put_leb(&mut out, count);
    for _ in 0..count {
        let module = name(body, &mut at)?;
        let field = name(body, &mut at)?;
        let kind_at = at;
        let kind = *body.get(at).context("truncated import")?;
        at += 1;
        match kind {
            0 => {
                leb(body, &mut at)?;
            }
            // A table: its element type, then its limits.
            1 => {
                at += 1;
                skip_limits(body, &mut at)?;
            }
            2 => skip_limits(body, &mut at)?,
            3 => at += 2,
            4 => {
                at += 1;
                leb(body, &mut at)?;
            }
            other => bail!("unknown import kind {other}"),
        }
        put_name(&mut out, module);
        let field = if module == LOADER_MODULE { rename(field, "i", known, renames)? } else { field.to_vec() };
        put_name(&mut out, &field);
        out.extend_from_slice(&body[kind_at..at]);
    }
    out.extend_from_slice(&body[at..]);
    Ok(out)
}

/// Steps over a table's or a memory's limits: flags, the minimum, and the maximum if the
/// flags say there is one.
fn skip_limits(body: &[u8], at: &mut usize) -> Result<()> {
    let flags = leb(body, at)?;
    leb(body, at)?;
    if flags & 1 != 0 {
        leb(body, at)?;
    }
    Ok(())
}

fn rename_exports(body: &[u8], known: &impl Fn(&str) -> bool, renames: &mut Vec<(String, String)>) -> Result<Vec<u8>> {
    let mut at = 0;
    let count = leb(body, &mut at)?;
    let mut out = Vec::with_capacity(body.len());
    put_leb(&mut out, count);
    for _ in 0..count {
        let field = name(body, &mut at)?;
        let kind = *body.get(at).context("truncated export")?;
        at += 1;
        let index = leb(body, &mut at)?;
        put_name(&mut out, &rename(field, "e", known, renames)?);
        out.push(kind);
        put_leb(&mut out, index);
    }
    out.extend_from_slice(&body[at..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_is_replaced_only_where_it_stands_alone() {
        assert_eq!(
            replace_word("a.__wbg_x_1(),b__wbg_x_1,__wbg_x_12:1,{__wbg_x_1:f}", "__wbg_x_1", "i0"),
            "a.i0(),b__wbg_x_1,__wbg_x_12:1,{i0:f}"
        );
    }

    #[test]
    fn long_import_and_export_names_are_renamed_and_the_rest_copied() {
        // A module importing `./playground_bg.js`'s `__wbg_long_name_1` (a function of type
        // 0) and `x`'s `__wbg_other_module`, exporting `memory` and `__wbindgen_malloc_fn`.
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        let section = |m: &mut Vec<u8>, id: u8, body: Vec<u8>| {
            m.push(id);
            put_leb(m, body.len() as u32);
            m.extend(body);
        };
        section(&mut m, 1, vec![1, 0x60, 0, 0]);
        let mut imports = vec![2];
        put_name(&mut imports, LOADER_MODULE);
        put_name(&mut imports, b"__wbg_long_name_1");
        imports.extend([0, 0]);
        put_name(&mut imports, b"x");
        put_name(&mut imports, b"__wbg_other_module");
        imports.extend([0, 0]);
        section(&mut m, 2, imports);
        let mut exports = vec![2];
        put_name(&mut exports, b"memory");
        exports.extend([2, 0]);
        put_name(&mut exports, b"__wbindgen_malloc_fn");
        exports.extend([0, 1]);
        section(&mut m, 7, exports);
        let (out, renames) = rename_in_module(&m, |_| true).unwrap();
        assert_eq!(
            renames,
            vec![
                ("__wbg_long_name_1".to_string(), "i0".to_string()),
                ("__wbindgen_malloc_fn".to_string(), "e0".to_string())
            ]
        );
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("i0") && text.contains("__wbg_other_module") && text.contains("memory"));
        assert!(!text.contains("__wbg_long_name_1") && !text.contains("__wbindgen_malloc_fn"));
        // Parsing the result again finds the same shape: nothing else moved.
        let (again, second) = rename_in_module(&out, |_| true).unwrap();
        assert_eq!((again, second.len()), (out.clone(), 0));
        // A name the loader does not spell stays.
        let (kept, none) = rename_in_module(&m, |_| false).unwrap();
        assert_eq!((kept, none.len()), (m, 0));
        // The page's own exports keep their names: the loader exports them as they are.
        assert!(!generated("wasmMemoryBytesForTest") && generated("__wbg_x") && generated("__wbindgen_malloc"));
    }
}
