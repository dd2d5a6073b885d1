//! Golden transcripts for the engine tests, after etcd's datadriven tests: a test writes
//! each input it gives a node and the FULL list of outputs that input produced, and the
//! transcript must equal `src/raft/testdata/<test>.txt`. After an intended change,
//! `UPDATE_GOLDEN=1 cargo test --lib raft::` rewrites the files; review them in the diff.

use super::{MessageBody, Node, Output};
use std::fmt::Write;

/// One test's transcript. It must be [checked](Transcript::check) before it is dropped.
pub(super) struct Transcript {
    name: &'static str,
    text: String,
    checked: bool,
}

impl Transcript {
    pub(super) fn new(name: &'static str) -> Transcript {
        Transcript { name, text: String::new(), checked: false }
    }

    /// Records `input` and everything the node emitted since the last take, in order, and
    /// returns those outputs for the test's own assertions.
    pub(super) fn take(&mut self, input: &str, node: &mut Node) -> Vec<Output> {
        let mut out = Vec::new();
        node.take_outputs(&mut out);
        let _ = writeln!(self.text, "> {input}");
        if out.is_empty() {
            self.text.push_str("  (no output)\n");
        }
        for o in &out {
            let _ = writeln!(self.text, "  {}", line(o));
        }
        out
    }

    /// Compares the transcript with its golden file, or rewrites the file when
    /// `UPDATE_GOLDEN` is set.
    pub(super) fn check(mut self) {
        self.checked = true;
        let path = format!("{}/src/raft/testdata/{}.txt", env!("CARGO_MANIFEST_DIR"), self.name);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &self.text).expect("write the golden file");
            return;
        }
        let golden = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path}: {e}; run with UPDATE_GOLDEN=1 to create it"));
        assert!(golden == self.text, "{} differs from {path} (UPDATE_GOLDEN=1 rewrites it):\n{}", self.name, self.text);
    }
}

impl Drop for Transcript {
    fn drop(&mut self) {
        if !self.checked && !std::thread::panicking() {
            panic!("transcript {} was never checked", self.name);
        }
    }
}

/// One output on one line: a message as its summary (with its entries, if any), anything
/// else as its `Debug` form.
fn line(o: &Output) -> String {
    match o {
        Output::Send(m) => match &m.body {
            MessageBody::AppendEntries { entries, .. } if !entries.is_empty() => {
                format!("send {} {entries:?}", m.summary())
            }
            _ => format!("send {}", m.summary()),
        },
        other => format!("{other:?}"),
    }
}
