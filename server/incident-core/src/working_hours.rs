//! Working hours and calendar boundaries in a person's own time zone (IANA, through chrono-tz):
//! how much of a stretch of time fell outside working hours, and where weeks and months begin.
//!
//! Working hours are Monday to Friday, 09:00 to 18:00 local time ([`WORKING_HOURS`]); public
//! holidays are not known and count as working days. Local times are turned into instants with
//! the zone's rules on that date, so a day around a daylight-saving change has 23 or 25 hours
//! and the working day still starts at 09:00 on the wall clock.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

/// What the reports say working hours are.
pub const WORKING_HOURS: &str = "Monday to Friday, 09:00 to 18:00 in each person's own time zone";
const DAY_STARTS_HOUR: u32 = 9;
const DAY_ENDS_HOUR: u32 = 18;
/// A stretch longer than this many days is counted over its last this-many days only: a bound on
/// the work for a record with an absurd span (a year of days is still cheap).
const MAX_DAYS: i64 = 400;
const DAY_MS: i64 = 86_400_000;

/// The zone named `name` (`Europe/Paris`, `America/New_York`, `UTC`); `None` when it is empty or
/// not an IANA zone name chrono-tz knows.
pub fn parse_zone(name: &str) -> Option<Tz> {
    let name = name.trim();
    if name.is_empty() { None } else { name.parse::<Tz>().ok() }
}

/// The local date of an instant (Unix ms) in `tz`.
pub fn local_date(tz: Tz, at_ms: i64) -> NaiveDate {
    let utc = chrono::DateTime::from_timestamp_millis(at_ms).unwrap_or_default().naive_utc();
    tz.from_utc_datetime(&utc).date_naive()
}

/// The instant (Unix ms) a local wall-clock time names in `tz`. When the clock was turned back
/// and the time happened twice, the first; when it was skipped (turned forward), the first
/// instant after the gap.
pub fn local_instant(tz: Tz, local: NaiveDateTime) -> i64 {
    if let Some(at) = tz.from_local_datetime(&local).earliest() {
        return at.timestamp_millis();
    }
    // In a gap: step forward a minute at a time to the first time that exists (gaps are at most
    // a few hours; a day's worth of steps is a generous bound).
    let mut probe = local;
    for _ in 0..(24 * 60) {
        probe += chrono::TimeDelta::minutes(1);
        if let Some(at) = tz.from_local_datetime(&probe).earliest() {
            // The gap's end is on a whole minute; the skipped minutes map onto it.
            return at.timestamp_millis();
        }
    }
    local.and_utc().timestamp_millis()
}

fn at_hour(date: NaiveDate, hour: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default())
}

fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Milliseconds of `[from_ms, to_ms)` outside working hours in `tz` (0 when `to_ms <= from_ms`).
pub fn out_of_hours_ms(tz: Tz, from_ms: i64, to_ms: i64) -> i64 {
    if to_ms <= from_ms {
        return 0;
    }
    let from_ms = from_ms.max(to_ms.saturating_sub(MAX_DAYS * DAY_MS));
    let total = to_ms - from_ms;
    let mut working = 0;
    // A day before and after: the local dates of the ends, whatever the zone's offset.
    let mut date = local_date(tz, from_ms).checked_sub_days(Days::new(1)).unwrap_or(NaiveDate::MIN);
    let last = local_date(tz, to_ms).checked_add_days(Days::new(1)).unwrap_or(NaiveDate::MAX);
    while date <= last {
        if is_working_day(date) {
            let start = local_instant(tz, at_hour(date, DAY_STARTS_HOUR));
            let end = local_instant(tz, at_hour(date, DAY_ENDS_HOUR));
            working += (end.min(to_ms) - start.max(from_ms)).max(0);
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    total - working
}

/// The start (Unix ms) of the local week (Monday 00:00 in `tz`) that holds `at_ms`.
pub fn week_start(tz: Tz, at_ms: i64) -> i64 {
    let date = local_date(tz, at_ms);
    let monday = date - Days::new(u64::from(date.weekday().num_days_from_monday()));
    local_instant(tz, at_hour(monday, 0))
}

/// The starts of the last `weeks` local weeks, oldest first, the last being the week that
/// holds `now_ms`. Each is a Monday 00:00 on the wall clock, so a week with a clock change is
/// an hour shorter or longer.
pub fn week_starts(tz: Tz, now_ms: i64, weeks: usize) -> Vec<i64> {
    let this_monday = local_date(tz, week_start(tz, now_ms));
    (0..weeks)
        .rev()
        .map(|back| {
            let monday = this_monday.checked_sub_days(Days::new(7 * back as u64)).unwrap_or(NaiveDate::MIN);
            local_instant(tz, at_hour(monday, 0))
        })
        .collect()
}

/// The start (Unix ms) of the local calendar month (the 1st, 00:00 in `tz`) that holds `at_ms`.
pub fn month_start(tz: Tz, at_ms: i64) -> i64 {
    let date = local_date(tz, at_ms);
    local_instant(tz, at_hour(date.with_day(1).unwrap_or(date), 0))
}

#[cfg(test)]
mod tests;
