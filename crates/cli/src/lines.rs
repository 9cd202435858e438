//! Progress as plain lines, for `--progress` when stderr is not a terminal (a log file, a
//! pipe, a CI job): a line per phase and about every 10 %, where a terminal gets a bar.

use std::cell::Cell;
use std::io::IsTerminal;

/// Plain progress lines, on or off.
#[derive(Debug, Default)]
pub struct Lines {
    on: bool,
    /// The last tenth reported.
    tenth: Cell<u64>,
}

impl Lines {
    /// On when asked for (`--progress`) and stderr is not a terminal (which gets a bar),
    /// and the output is not JSON.
    pub fn new(progress: bool, json: bool) -> Lines {
        Lines { on: progress && !json && !std::io::stderr().is_terminal(), tenth: Cell::new(0) }
    }

    /// A phase begins.
    pub fn phase(&self, text: &str) {
        if self.on {
            eprintln!("redburn: {text}");
        }
    }

    /// `done` of `total` sectors are written: a line at each further tenth.
    pub fn written(&self, done: u64, total: u64) {
        let tenth = done * 10 / total.max(1);
        if self.on && tenth > self.tenth.get() {
            self.tenth.set(tenth);
            eprintln!("redburn: {}% written ({done} of {total} sectors)", tenth * 10);
        }
    }
}
