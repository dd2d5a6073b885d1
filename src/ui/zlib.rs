//! zlib (RFC 1950) by the browser's own `CompressionStream` and `DecompressionStream`,
//! so that the page carries no deflate code of its own (miniz_oxide cost it ~16 KB
//! gzipped). The streams make the same format miniz_oxide reads and writes natively,
//! so links made by either open in both.

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
async function pipe(bytes, transform, limit) {
  const reader = new Blob([bytes]).stream().pipeThrough(transform).getReader();
  const chunks = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > limit) {
      reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
export function zlib_supported() {
  return typeof CompressionStream === 'function' && typeof DecompressionStream === 'function';
}
export function zlib_compress(bytes) {
  return pipe(bytes, new CompressionStream('deflate'), Infinity);
}
export function zlib_decompress(bytes, limit) {
  return pipe(bytes, new DecompressionStream('deflate'), limit);
}
"#)]
extern "C" {
    fn zlib_supported() -> bool;
    #[wasm_bindgen(catch)]
    fn zlib_compress(bytes: &[u8]) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch)]
    fn zlib_decompress(bytes: &[u8], limit: f64) -> Result<Promise, JsValue>;
}

/// Why the browser's zlib gave nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZlibError {
    /// This browser has no compression streams (before Chrome 80, Firefox 113, Safari 16.4).
    Unsupported,
    /// The data does not decompress.
    Failed,
    /// The decompressed data would be longer than the limit.
    TooLarge,
}

/// `bytes` as a zlib stream.
pub async fn compress(bytes: &[u8]) -> Result<Vec<u8>, ZlibError> {
    if !zlib_supported() {
        return Err(ZlibError::Unsupported);
    }
    settle(zlib_compress(bytes)).await
}

/// The data of the zlib stream `bytes`, if it is at most `limit` bytes long.
pub async fn decompress(bytes: &[u8], limit: usize) -> Result<Vec<u8>, ZlibError> {
    if !zlib_supported() {
        return Err(ZlibError::Unsupported);
    }
    settle(zlib_decompress(bytes, limit as f64)).await
}

async fn settle(started: Result<Promise, JsValue>) -> Result<Vec<u8>, ZlibError> {
    let promise = started.map_err(|_| ZlibError::Failed)?;
    let value = JsFuture::from(promise).await.map_err(|_| ZlibError::Failed)?;
    if value.is_undefined() {
        return Err(ZlibError::TooLarge);
    }
    value.dyn_into::<Uint8Array>().map(|a| a.to_vec()).map_err(|_| ZlibError::Failed)
}
