//! Long work on the command line: progress lines on stderr, and Ctrl-C.
//!
//! [`Ticker`] writes a progress line on stderr at most every half second, and only once the
//! work has taken more than a second (a quick command prints none); `--quiet` silences it.
//! On a terminal the line is rewritten in place and cleared at the end, elsewhere (a pipe, a
//! log file) each is a line of its own. Nothing of it goes to stdout, so text and `--json`
//! output stay clean.
//!
//! [`catch_ctrl_c`] makes the first Ctrl-C ask the work in progress to stop ([`interrupted`]
//! turns true; explore and sweep then print what they found so far, marked as interrupted,
//! and `racelab` exits with code 130); a second Ctrl-C ends the program at once.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// No progress line before the work has taken this long.
const FIRST_AFTER: Duration = Duration::from_secs(1);
/// At most one progress line this often.
const EVERY: Duration = Duration::from_millis(500);

/// The exit code of a command stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED_EXIT: u8 = 130;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// From now on, the first Ctrl-C sets [`interrupted`] and the second ends the program.
pub fn catch_ctrl_c() {
    // Fails only if a handler is already set (then it is this one).
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            eprintln!("\nracelab: stopped");
            std::process::exit(i32::from(INTERRUPTED_EXIT));
        }
    });
}

/// Whether Ctrl-C was pressed since [`catch_ctrl_c`].
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Throttled progress lines on stderr for one piece of work.
pub struct Ticker {
    start: Instant,
    next: Instant,
    quiet: bool,
    terminal: bool,
    /// A line is on the terminal, to clear at the end.
    shown: bool,
}

impl Ticker {
    pub fn new(quiet: bool) -> Self {
        let start = Instant::now();
        Ticker {
            start,
            next: start + FIRST_AFTER,
            quiet,
            terminal: std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    /// Writes the line `line` makes (given the seconds elapsed), if one is due.
    pub fn tick(&mut self, line: impl FnOnce(f64) -> String) {
        if self.quiet {
            return;
        }
        let now = Instant::now();
        if now < self.next {
            return;
        }
        self.next = now + EVERY;
        let text = line(now.duration_since(self.start).as_secs_f64());
        let mut err = std::io::stderr().lock();
        let _ = if self.terminal {
            write!(err, "\r\x1b[K{text}")
        } else {
            writeln!(err, "{text}")
        };
        let _ = err.flush();
        self.shown = true;
    }

    /// Clears the line left on a terminal.
    pub fn done(&mut self) {
        if self.shown && self.terminal {
            eprint!("\r\x1b[K");
        }
        self.shown = false;
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.done();
    }
}

/// A count per second with thousands separators, e.g. "12,345".
pub fn rate(count: u64, seconds: f64) -> String {
    racelab::api::thousands((count as f64 / seconds.max(1e-9)).round() as u64)
}
