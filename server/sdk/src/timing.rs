//! How long the guest spends turning JSON into values and back, for the host's `Server-Timing`
//! header. The host asks for it with the request header [`TIMING_REQUEST_HEADER`] (only when its
//! `INCIDENT_SERVER_TIMING=1` is set; it removes the header from everyone else's requests), and
//! the answer then carries `Server-Timing: json;dur=<ms>` beside the host's own phases. Each
//! hook call is a fresh instance, so the tally starts at zero with every request.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The request header by which the host asks the guest for its JSON time.
pub const TIMING_REQUEST_HEADER: &str = "X-Incident-Response-Timing";

thread_local! {
    /// `None` when nobody asked: then nothing is timed.
    static JSON: Cell<Option<Duration>> = const { Cell::new(None) };
}

/// Starts counting for this call.
pub(crate) fn start() {
    JSON.set(Some(Duration::ZERO));
}

/// Runs `f`, counting its time as JSON work when this call is timed.
pub fn json<R>(f: impl FnOnce() -> R) -> R {
    let Some(before) = JSON.get() else {
        return f();
    };
    let began = Instant::now();
    let out = f();
    JSON.set(Some(before + began.elapsed()));
    out
}

/// The `Server-Timing` value of what was counted, if this call is timed.
pub(crate) fn header_value() -> Option<String> {
    JSON.get().map(|d| format!("json;dur={:.3}", d.as_secs_f64() * 1000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_when_asked() {
        assert_eq!(json(|| 7), 7);
        assert_eq!(header_value(), None);
        start();
        json(|| std::thread::sleep(Duration::from_millis(2)));
        let value = header_value().expect("timed");
        let ms: f64 = value.trim_start_matches("json;dur=").parse().expect("a number");
        assert!(ms >= 2.0, "{value}");
    }
}
