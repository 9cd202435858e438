//! The phases of a burn, and progress as plain lines for `--progress` when stderr is not a
//! terminal (a log file, a pipe, a CI job): a line per phase and about every 10 %, where a
//! terminal gets a bar. With `--json` each phase is an event, and the result lists every
//! phase with how long it took — closing the session and finalizing included.

use std::cell::{Cell, RefCell};
use std::io::IsTerminal;
use std::time::Instant;

use serde_json::json;

/// Plain progress lines, on or off; the phases and when each began.
#[derive(Debug)]
pub struct Lines {
    on: bool,
    json: bool,
    /// The last tenth reported.
    tenth: Cell<u64>,
    began: Instant,
    phases: RefCell<Vec<(String, f64)>>,
}

impl Lines {
    /// On when asked for (`--progress`) and stderr is not a terminal (which gets a bar),
    /// and the output is not JSON.
    pub fn new(progress: bool, json: bool) -> Lines {
        Lines {
            on: progress && !json && !std::io::stderr().is_terminal(),
            json,
            tenth: Cell::new(0),
            began: Instant::now(),
            phases: RefCell::new(Vec::new()),
        }
    }

    /// A phase begins: a line, or with JSON an event (`{"event":"phase","phase","at_seconds"}`).
    pub fn phase(&self, text: &str) {
        let at = self.began.elapsed().as_secs_f64();
        self.phases.borrow_mut().push((text.to_owned(), at));
        // Each phase counts its tenths from the start.
        self.tenth.set(0);
        if self.on {
            eprintln!("redburn: {text}");
        }
        if self.json {
            out!("{}", json!({"event": "phase", "phase": text, "at_seconds": at}));
        }
    }

    /// Every phase so far with how long it took (the last until now), for the result.
    pub fn durations(&self) -> serde_json::Value {
        let now = self.began.elapsed().as_secs_f64();
        let phases = self.phases.borrow();
        let ends = phases.iter().skip(1).map(|p| p.1).chain(std::iter::once(now));
        serde_json::Value::Array(
            phases.iter().zip(ends).map(|((name, from), to)| json!({"phase": name, "seconds": to - from})).collect(),
        )
    }

    /// `done` of `total` sectors are written: a line at each further tenth.
    pub fn written(&self, done: u64, total: u64) {
        self.progress("written", done, total);
    }

    /// `done` of `total` sectors are `verb` (written, read): a line at each further tenth.
    pub fn progress(&self, verb: &str, done: u64, total: u64) {
        self.progress_in(verb, done, total, "sectors");
    }

    /// `done` of `total` `units` are `verb`: a line at each further tenth.
    pub fn progress_in(&self, verb: &str, done: u64, total: u64, units: &str) {
        let tenth = done * 10 / total.max(1);
        if self.on && tenth > self.tenth.get() {
            self.tenth.set(tenth);
            eprintln!("redburn: {}% {verb} ({done} of {total} {units})", tenth * 10);
        }
    }
}
