//! A small static file server for dist/, on a loopback address, for the browser tests and
//! the measurements. GET and HEAD only; one thread per connection; `Connection: close`.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};

/// Serves a directory until dropped.
pub struct StaticServer {
    address: SocketAddr,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Starts serving `root` on `address` (port 0 picks a free port).
    pub fn start(root: &Path, address: &str) -> Result<Self> {
        let listener = TcpListener::bind(address).with_context(|| format!("cannot listen on {address}"))?;
        let address = listener.local_addr()?;
        let root = root.canonicalize().with_context(|| format!("{} does not exist", root.display()))?;
        let stopping = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stopping);
        let acceptor = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let root = root.clone();
                std::thread::spawn(move || {
                    // A client that goes away mid-response is not our problem.
                    let _ = handle(stream, &root);
                });
            }
        });
        Ok(Self { address, stopping, acceptor: Some(acceptor) })
    }

    /// The URL of the served directory, ending in `/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the acceptor so it sees the flag.
        let _ = TcpStream::connect(self.address);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn handle(stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read (and ignore) the headers up to the blank line.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut stream = stream;
    if method != "GET" && method != "HEAD" {
        return respond(&mut stream, "405 Method Not Allowed", "text/plain", b"method not allowed\n", true);
    }
    // `/csp/...` serves the same files with the strict Content-Security-Policy of the
    // README's deployment section, for the browser test that the page runs under it.
    let (target, csp) = match target.strip_prefix("/csp/") {
        Some(rest) => (rest, true),
        None => (target, false),
    };
    let Some(path) = resolve(root, target) else {
        return respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", method == "GET");
    };
    match std::fs::read(&path) {
        Ok(body) => {
            let extra =
                if csp { format!("Content-Security-Policy: {}\r\n", crate::csp::POLICY) } else { String::new() };
            respond_with(&mut stream, "200 OK", content_type(&path), &extra, &body, method == "GET")
        }
        Err(_) => respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", method == "GET"),
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    respond_with(stream, status, content_type, "", body, with_body)
}

/// Like `respond`, with `extra` header lines (each ending in CRLF).
fn respond_with(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    extra: &str,
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    // `Access-Control-Allow-Origin: *`: a page in `<iframe sandbox="allow-scripts">` has an
    // opaque origin, so its module script and wasm are cross-origin requests (docs/embedding.md).
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nAccess-Control-Allow-Origin: *\r\n{extra}Connection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if with_body {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// The file a request target names inside `root`, or `None` if it names nothing there.
/// A directory means its index.html. Paths that climb out of `root` name nothing.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let path = percent_decode(path)?;
    let relative = Path::new(path.trim_start_matches('/'));
    if relative.components().any(|part| !matches!(part, Component::Normal(_))) {
        return None;
    }
    let mut file = root.join(relative);
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

/// The Content-Type for a file; browsers stream-compile wasm only as `application/wasm`.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|ext| ext.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn get(server: &StaticServer, target: &str) -> String {
        let mut stream = TcpStream::connect(server.address).unwrap();
        write!(stream, "GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    }

    #[test]
    fn serves_files_with_their_type_and_refuses_to_leave_the_root() {
        let root = std::env::temp_dir().join(format!("xtask-server-test-{}", std::process::id()));
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("index.html"), "<p>hi</p>").unwrap();
        std::fs::write(root.join("sub/app_bg.wasm"), b"\0asm").unwrap();
        let server = StaticServer::start(&root, "127.0.0.1:0").unwrap();

        let index = get(&server, "/?seed=3");
        assert!(index.starts_with("HTTP/1.1 200 OK"), "{index}");
        assert!(index.contains("Content-Type: text/html"));
        assert!(index.ends_with("<p>hi</p>"));
        let wasm = get(&server, "/sub/app%5Fbg.wasm");
        assert!(wasm.contains("Content-Type: application/wasm"), "{wasm}");
        assert!(get(&server, "/../Cargo.toml").starts_with("HTTP/1.1 404"));
        assert!(get(&server, "/missing.js").starts_with("HTTP/1.1 404"));
        // Under /csp/, the same files with the strict policy; elsewhere, none.
        let strict = get(&server, "/csp/?seed=3");
        assert!(strict.contains(&format!("Content-Security-Policy: {}\r\n", crate::csp::POLICY)), "{strict}");
        assert!(strict.ends_with("<p>hi</p>"));
        assert!(!index.contains("Content-Security-Policy"));
        assert!(get(&server, "/csp/../Cargo.toml").starts_with("HTTP/1.1 404"));

        drop(server);
        std::fs::remove_dir_all(root).unwrap();
    }
}
