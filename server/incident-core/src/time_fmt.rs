//! Timestamps and durations as people read them, in a time zone: a team's for what the plugin
//! posts, a caller's for what it answers one person. chrono does the calendar and chrono-tz
//! brings IANA's zone database compiled in (the guest has no OS zone files), so the same instant
//! reads `14:05 BST` in London in summer and `13:05 GMT` in winter.
//!
//! Days without a time (follow-up action due dates, report periods) stay UTC days: a day typed
//! as `2026-12-01` is that date wherever it is read.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetName, Tz};

const MS_PER_DAY: i64 = 86_400_000;

/// An IANA time zone (`Europe/London`, `UTC`). Unknown names are refused, never guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(Tz);

/// A time zone name that is not in the IANA database this plugin carries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a time zone: write an IANA name such as `Europe/London`, `America/New_York` or `UTC`.")]
pub struct UnknownZone(pub String);

impl Default for Zone {
    fn default() -> Self {
        Self::UTC
    }
}

impl Zone {
    pub const UTC: Zone = Zone(Tz::UTC);

    /// `Europe/London` (exactly as IANA writes it; surrounding spaces ignored).
    pub fn named(name: &str) -> Result<Zone, UnknownZone> {
        let name = name.trim();
        name.parse::<Tz>().map(Zone).map_err(|_| UnknownZone(name.chars().take(64).collect()))
    }

    /// The IANA name.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    fn at(&self, ms: i64) -> Option<DateTime<Tz>> {
        DateTime::<Utc>::from_timestamp_millis(ms).map(|t| t.with_timezone(&self.0))
    }

    /// What the zone is called at that instant: `BST`, `CET`, `UTC`; zones IANA gives no letters
    /// read as an offset (`UTC+03`, `UTC+0545`).
    fn abbreviation(&self, at: &DateTime<Tz>) -> String {
        match at.offset().abbreviation() {
            Some(a) if !a.starts_with(['+', '-']) => a.to_string(),
            _ => {
                let seconds = at.offset().fix().local_minus_utc();
                let (sign, minutes) = (if seconds < 0 { '-' } else { '+' }, seconds.abs() / 60);
                match minutes % 60 {
                    0 => format!("UTC{sign}{:02}", minutes / 60),
                    m => format!("UTC{sign}{:02}{m:02}", minutes / 60),
                }
            }
        }
    }

    fn written(&self, ms: i64, pattern: &str) -> String {
        match self.at(ms) {
            Some(at) => format!("{} {}", at.format(pattern), self.abbreviation(&at)),
            // Beyond chrono's range (±262,000 years): no stored time gets there.
            None => format!("{ms} ms"),
        }
    }

    /// `2024-05-01 14:04:05 BST`.
    pub fn timestamp(&self, ms: i64) -> String {
        self.written(ms, "%Y-%m-%d %H:%M:%S")
    }

    /// `2026-12-01 14:05 CET`: a due time, to the minute.
    pub fn minute(&self, ms: i64) -> String {
        self.written(ms, "%Y-%m-%d %H:%M")
    }

    /// `14:05 CET`: a time of today's work, as a short reply gives it.
    pub fn clock(&self, ms: i64) -> String {
        self.written(ms, "%H:%M")
    }

    /// The instant a wall-clock time in this zone names. At a change of clocks a time may not
    /// exist (skipped forward) or exist twice (set back): the first is refused, the second
    /// means the earlier of the two, which the answer's abbreviation shows (`01:30 BST`).
    pub fn instant(&self, local: NaiveDateTime) -> Result<i64, DueError> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.timestamp_millis()),
            LocalResult::None => Err(DueError::Skipped { local: local.format("%Y-%m-%d %H:%M").to_string(), zone: self.name() }),
        }
    }
}

/// Why a typed due time is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DueError {
    #[error("not a due time")]
    Unreadable,
    #[error("{local} does not exist in {zone}: the clocks skip that hour there. Give a time before or after it.")]
    Skipped { local: String, zone: &'static str },
}

/// `2d 3h 4m`, `5m 6s` under an hour, `7s` under a minute; the two largest units only.
pub(crate) fn duration(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    let units = [(seconds / 86_400, "d"), (seconds / 3600 % 24, "h"), (seconds / 60 % 60, "m"), (seconds % 60, "s")];
    let parts: Vec<String> = units
        .iter()
        .skip_while(|(value, _)| *value == 0)
        .take(2)
        .filter(|(value, _)| *value != 0)
        .map(|(value, unit)| format!("{value}{unit}"))
        .collect();
    if parts.is_empty() { "0s".to_string() } else { parts.join(" ") }
}

fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    // Four-digit years only (chrono would take `+12345`), and 1970 on (Unix milliseconds).
    let year: i32 = text.get(..4)?.parse().ok()?;
    if !(1970..=9999).contains(&year) || text.as_bytes().get(4) != Some(&b'-') {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// `2026-12-01` (a UTC day) to its first millisecond; None for anything else (`2026-02-31`).
pub(crate) fn parse_utc_date(text: &str) -> Option<i64> {
    parse_day(text).map(|day| day.and_time(NaiveTime::MIN).and_utc().timestamp_millis())
}

/// `2026-12-01`: the UTC day of an instant.
pub(crate) fn utc_date(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms).map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_else(|| format!("{ms} ms"))
}

/// A due time as people type it after `/incident due <item>`: `2026-12-01 14:00`, read in
/// `zone` (`2026-12-01 14:00 UTC` is UTC whatever the zone), or `in 30m`, `in 2h`, `in 1d`
/// (from `now_ms`).
pub fn parse_due(text: &str, now_ms: i64, zone: Zone) -> Result<i64, DueError> {
    let text = text.trim();
    if let Some(amount) = text.strip_prefix("in ").map(str::trim) {
        let split = amount.find(|c: char| !c.is_ascii_digit()).ok_or(DueError::Unreadable)?;
        let (number, unit) = amount.split_at(split);
        let number: i64 = number.parse().ok().filter(|n| *n > 0).ok_or(DueError::Unreadable)?;
        let unit_ms = match unit.trim() {
            "m" | "min" | "mins" | "minute" | "minutes" => 60_000,
            "h" | "hour" | "hours" => 3_600_000,
            "d" | "day" | "days" => MS_PER_DAY,
            _ => return Err(DueError::Unreadable),
        };
        return number.checked_mul(unit_ms).and_then(|ms| now_ms.checked_add(ms)).ok_or(DueError::Unreadable);
    }
    let (date, time) = text.split_once(' ').ok_or(DueError::Unreadable)?;
    let day = parse_day(date).ok_or(DueError::Unreadable)?;
    let (time, zone) = match time.trim().strip_suffix("UTC") {
        Some(time) => (time.trim(), Zone::UTC),
        None => (time.trim(), zone),
    };
    let (hours, minutes) = time.split_once(':').ok_or(DueError::Unreadable)?;
    let read =
        |t: &str| if (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()) { t.parse::<u32>().ok() } else { None };
    let (hours, minutes) = (read(hours).ok_or(DueError::Unreadable)?, read(minutes).ok_or(DueError::Unreadable)?);
    let time = NaiveTime::from_hms_opt(hours, minutes, 0).ok_or(DueError::Unreadable)?;
    zone.instant(day.and_time(time))
}

#[cfg(test)]
mod tests;
