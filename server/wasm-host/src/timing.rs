//! Where one hook call's time went: instantiation, each Mattermost API method, SQL, and the
//! guest's own work (the rest). `make bench` reads it from the `Server-Timing` header the host
//! adds to HTTP answers when `INCIDENT_SERVER_TIMING=1` is set in its environment.

use std::collections::BTreeMap;
use std::time::Duration;

/// Counts and total time of one kind of call.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub count: u32,
    pub total: Duration,
}

impl Tally {
    fn add(&mut self, took: Duration) {
        self.count += 1;
        self.total += took;
    }
}

/// Collected while a call runs, in the call's host state.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    instantiate: Duration,
    api: BTreeMap<&'static str, Tally>,
    sql: Tally,
}

impl Recorder {
    pub(crate) fn instantiated(&mut self, took: Duration) {
        self.instantiate = took;
    }

    pub(crate) fn api_call(&mut self, method: &'static str, took: Duration) {
        self.api.entry(method).or_default().add(took);
    }

    pub(crate) fn sql(&mut self, took: Duration) {
        self.sql.add(took);
    }

    /// Ends the call: hands over what was recorded and starts empty for the next one.
    pub(crate) fn finish(&mut self, total: Duration) -> HookTiming {
        let taken = std::mem::take(self);
        HookTiming { total, instantiate: taken.instantiate, api: taken.api, sql: taken.sql, guest_json: None }
    }
}

/// The request header by which the host asks the guest for its own JSON time (the SDK's
/// `timing::TIMING_REQUEST_HEADER`); the guest answers with a `Server-Timing: json;dur=<ms>`
/// header, which [`HookTiming::take_guest_json`] takes off the response.
pub const TIMING_REQUEST_HEADER: &str = "X-Incident-Response-Timing";

/// One hook call's time, by phase.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HookTiming {
    pub total: Duration,
    /// Setting up the host state and instantiating (after a free instance slot was found).
    pub instantiate: Duration,
    /// Per Mattermost API method: calls and their wall time (round trip to the server).
    pub api: BTreeMap<&'static str, Tally>,
    /// SQL statements (a query, or one transaction of statements) and their time.
    pub sql: Tally,
    /// Of the guest's own work, what it spent turning JSON into values and back (only when it
    /// was asked and said so).
    pub guest_json: Option<Duration>,
}

impl HookTiming {
    /// The guest's own work: its code, JSON in and out, rendering; everything not waiting on
    /// the server or the database.
    pub fn guest(&self) -> Duration {
        let waited = self.instantiate + self.sql.total + self.api.values().map(|t| t.total).sum::<Duration>();
        self.total.saturating_sub(waited)
    }

    /// Takes the guest's own `Server-Timing` header (`json;dur=<ms>`) off `headers` into
    /// `guest_json`; the host's header then says it all. Any other header of that name goes too:
    /// only the host speaks about timing.
    pub fn take_guest_json(&mut self, headers: &mut Vec<(String, String)>) {
        headers.retain(|(name, value)| {
            if !name.eq_ignore_ascii_case("Server-Timing") {
                return true;
            }
            if let Some(ms) = value.trim().strip_prefix("json;dur=").and_then(|v| v.parse::<f64>().ok())
                && ms.is_finite()
                && ms >= 0.0
            {
                self.guest_json = Some(Duration::from_secs_f64(ms / 1000.0));
            }
            false
        });
    }

    /// The `Server-Timing` header value (W3C Server Timing: `name;dur=<ms>;desc="…"`). With the
    /// guest's JSON time, the guest's work is split into `json` and `logic` (the rest: its
    /// code, building the answer's values, rendering text).
    pub fn server_timing(&self) -> String {
        let ms = |d: Duration| format!("{:.3}", d.as_secs_f64() * 1000.0);
        let mut parts = vec![
            format!("total;dur={}", ms(self.total)),
            format!("instantiate;dur={}", ms(self.instantiate)),
            format!("guest;dur={}", ms(self.guest())),
        ];
        if let Some(json) = self.guest_json {
            let json = json.min(self.guest());
            parts.push(format!("json;dur={}", ms(json)));
            parts.push(format!("logic;dur={}", ms(self.guest() - json)));
        }
        parts.push(format!("sql;dur={};desc=\"{}\"", ms(self.sql.total), self.sql.count));
        for (method, tally) in &self.api {
            parts.push(format!("api-{method};dur={};desc=\"{}\"", ms(tally.total), tally.count));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guest_is_what_nothing_else_took() {
        let mut r = Recorder::default();
        r.instantiated(Duration::from_micros(100));
        r.api_call("GetUser", Duration::from_micros(300));
        r.api_call("GetUser", Duration::from_micros(200));
        r.api_call("GetChannel", Duration::from_micros(150));
        r.sql(Duration::from_micros(250));
        let t = r.finish(Duration::from_micros(2000));
        assert_eq!(t.guest(), Duration::from_micros(1000));
        assert_eq!(t.api["GetUser"], Tally { count: 2, total: Duration::from_micros(500) });
        assert_eq!(
            t.server_timing(),
            "total;dur=2.000, instantiate;dur=0.100, guest;dur=1.000, sql;dur=0.250;desc=\"1\", \
             api-GetChannel;dur=0.150;desc=\"1\", api-GetUser;dur=0.500;desc=\"2\""
        );
        // The recorder starts over for the next call.
        assert_eq!(r.finish(Duration::ZERO), HookTiming::default());
    }

    #[test]
    fn the_guests_json_time_splits_its_work() {
        let mut t = HookTiming { total: Duration::from_millis(3), guest_json: None, ..HookTiming::default() };
        let mut headers = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("server-timing".to_owned(), "json;dur=1.250".to_owned()),
        ];
        t.take_guest_json(&mut headers);
        assert_eq!(headers, vec![("Content-Type".to_owned(), "application/json".to_owned())]);
        assert_eq!(t.guest_json, Some(Duration::from_micros(1250)));
        assert!(
            t.server_timing().contains("guest;dur=3.000, json;dur=1.250, logic;dur=1.750, sql;dur=0.000"),
            "{}",
            t.server_timing()
        );
        // Anything else a guest says about timing is dropped, not believed.
        let mut t = HookTiming::default();
        let mut headers = vec![("Server-Timing".to_owned(), "total;dur=0".to_owned())];
        t.take_guest_json(&mut headers);
        assert!(headers.is_empty());
        assert_eq!(t.guest_json, None);
    }
}
