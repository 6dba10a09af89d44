//! Timestamps and durations as people read them, without a date library: UTC only, because the
//! domain has no idea of the reader's time zone (the webapp shows local times).

const MS_PER_DAY: i64 = 86_400_000;

/// `2024-05-01 13:04:05 UTC`.
pub(crate) fn utc_timestamp(ms: i64) -> String {
    let (days, ms_of_day) = (ms.div_euclid(MS_PER_DAY), ms.rem_euclid(MS_PER_DAY));
    let (year, month, day) = civil_from_days(days);
    let seconds = ms_of_day / 1000;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// `2d 3h 4m`, `5m 6s` under an hour, `7s` under a minute; the two largest units only.
pub(crate) fn duration(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    let units =
        [(seconds / 86_400, "d"), (seconds / 3600 % 24, "h"), (seconds / 60 % 60, "m"), (seconds % 60, "s")];
    let parts: Vec<String> = units
        .iter()
        .skip_while(|(value, _)| *value == 0)
        .take(2)
        .filter(|(value, _)| *value != 0)
        .map(|(value, unit)| format!("{value}{unit}"))
        .collect();
    if parts.is_empty() { "0s".to_string() } else { parts.join(" ") }
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
