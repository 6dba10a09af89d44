//! Timestamps and durations as people read them, without a date library: UTC only, because the
//! domain has no idea of the reader's time zone (the webapp shows local times).

const MS_PER_DAY: i64 = 86_400_000;

/// `2024-05-01 13:04:05 UTC`.
pub(crate) fn utc_timestamp(ms: i64) -> String {
    let (days, ms_of_day) = (ms.div_euclid(MS_PER_DAY), ms.rem_euclid(MS_PER_DAY));
    let (year, month, day) = civil_from_days(days);
    let seconds = ms_of_day / 1000;
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC", seconds / 3600, seconds / 60 % 60, seconds % 60)
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

/// `2026-12-01` (a UTC day) to its first millisecond; None for anything else.
pub(crate) fn parse_utc_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().split('-');
    let (y, m, d) = (parts.next()?.parse::<i64>().ok()?, parts.next()?.parse::<i64>().ok()?, parts.next()?.parse::<i64>().ok()?);
    if parts.next().is_some() || !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's `days_from_civil`, the inverse of `civil_from_days`.
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let year_of_era = y2 - era * 400;
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    // 2026-02-31 is not a day: it must read back as itself.
    (civil_from_days(days) == (y, m, d)).then_some(days * MS_PER_DAY)
}

/// `2026-12-01 14:05 UTC`: a due time, to the minute.
pub(crate) fn utc_minute(ms: i64) -> String {
    let (days, ms_of_day) = (ms.div_euclid(MS_PER_DAY), ms.rem_euclid(MS_PER_DAY));
    let (year, month, day) = civil_from_days(days);
    let minutes = ms_of_day / 60_000;
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", minutes / 60, minutes % 60)
}

/// A due time as people type it after `/incident due <item>`: `2026-12-01 14:00` (UTC) or
/// `in 30m`, `in 2h`, `in 1d` (from `now_ms`). None for anything else.
pub fn parse_due(text: &str, now_ms: i64) -> Option<i64> {
    let text = text.trim();
    if let Some(amount) = text.strip_prefix("in ").map(str::trim) {
        let split = amount.find(|c: char| !c.is_ascii_digit())?;
        let (number, unit) = amount.split_at(split);
        let number: i64 = number.parse().ok().filter(|n| *n > 0)?;
        let unit_ms = match unit.trim() {
            "m" | "min" | "mins" | "minute" | "minutes" => 60_000,
            "h" | "hour" | "hours" => 3_600_000,
            "d" | "day" | "days" => MS_PER_DAY,
            _ => return None,
        };
        return now_ms.checked_add(number.checked_mul(unit_ms)?);
    }
    let (date, time) = text.split_once(' ')?;
    let day = parse_utc_date(date)?;
    let (hours, minutes) = time.trim().trim_end_matches("UTC").trim().split_once(':')?;
    let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.parse().ok()?);
    if !(0..24).contains(&hours) || !(0..60).contains(&minutes) {
        return None;
    }
    Some(day + (hours * 60 + minutes) * 60_000)
}

/// `2026-12-01`.
pub(crate) fn utc_date(ms: i64) -> String {
    let (year, month, day) = civil_from_days(ms.div_euclid(MS_PER_DAY));
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(utc_timestamp(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_timestamp(1_714_568_645_000), "2024-05-01 13:04:05 UTC");
        assert_eq!(utc_timestamp(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc_timestamp(-1000), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn extreme_timestamps_do_not_panic() {
        let _ = utc_timestamp(i64::MAX);
        let _ = utc_timestamp(i64::MIN);
    }

    #[test]
    fn dates_read_and_write() {
        assert_eq!(parse_utc_date("2024-05-01"), Some(1_714_521_600_000));
        assert_eq!(parse_utc_date("2000-02-29").map(utc_date).as_deref(), Some("2000-02-29"));
        assert_eq!(parse_utc_date("2026-02-31"), None);
        assert_eq!(parse_utc_date("2026-13-01"), None);
        assert_eq!(parse_utc_date("tomorrow"), None);
        assert_eq!(parse_utc_date("2026-1-2-3"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(-5_000), "0s");
        assert_eq!(duration(7_000), "7s");
        assert_eq!(duration(306_000), "5m 6s");
        assert_eq!(duration(3_600_000), "1h");
        assert_eq!(duration(183_840_000), "2d 3h");
        assert_eq!(duration(3_660_000), "1h 1m");
    }
}

#[cfg(test)]
mod due_tests {
    use super::*;

    #[test]
    fn due_times_read_as_typed() {
        let day = parse_utc_date("2026-12-01").expect("a day");
        assert_eq!(parse_due("2026-12-01 14:05", 0), Some(day + (14 * 60 + 5) * 60_000));
        assert_eq!(parse_due(" 2026-12-01 14:05 UTC ", 0), Some(day + (14 * 60 + 5) * 60_000));
        assert_eq!(utc_minute(day + (14 * 60 + 5) * 60_000), "2026-12-01 14:05 UTC");
        assert_eq!(parse_due("in 30m", 1_000), Some(1_000 + 30 * 60_000));
        assert_eq!(parse_due("in 2 hours", 0), Some(2 * 3_600_000));
        assert_eq!(parse_due("in 1d", 0), Some(MS_PER_DAY));
        for bad in [
            "",
            "tomorrow",
            "in",
            "in 0m",
            "in -5m",
            "in 5 weeks",
            "2026-12-01",
            "2026-12-01 24:00",
            "2026-02-30 10:00",
            "2026-12-01 9",
        ] {
            assert_eq!(parse_due(bad, 0), None, "{bad:?}");
        }
        assert_eq!(parse_due(&format!("in {}d", i64::MAX), 0), None);
    }
}
