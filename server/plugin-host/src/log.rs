//! Log lines for Mattermost: go-plugin reads our stderr and maps `[LEVEL]` prefixes to the
//! server log's levels (protocol.md §2.5). Stdout is discarded after the handshake.

use std::io::Write;

fn line(level: &str, message: &str) {
    // One write per line so concurrent hooks do not interleave; newlines inside a message
    // would split it into lines of the wrong level.
    let text = format!("[{level}] {}\n", message.replace('\n', " "));
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

pub fn error(message: &str) {
    line("ERROR", message);
}

pub fn warn(message: &str) {
    line("WARN", message);
}

pub fn info(message: &str) {
    line("INFO", message);
}
