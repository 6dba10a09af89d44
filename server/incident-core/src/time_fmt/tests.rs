use chrono::{TimeZone, Utc};

use super::*;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).single().expect("a UTC time").timestamp_millis()
}

fn zone(name: &str) -> Zone {
    Zone::named(name).expect("a known zone")
}

#[test]
fn timestamps_in_utc() {
    assert_eq!(Zone::UTC.timestamp(0), "1970-01-01 00:00:00 UTC");
    assert_eq!(Zone::UTC.timestamp(1_714_568_645_000), "2024-05-01 13:04:05 UTC");
    assert_eq!(Zone::UTC.timestamp(951_782_400_000), "2000-02-29 00:00:00 UTC");
    assert_eq!(Zone::UTC.timestamp(-1000), "1969-12-31 23:59:59 UTC");
    assert_eq!(Zone::default(), Zone::UTC);
}

#[test]
fn extreme_timestamps_do_not_panic() {
    for ms in [i64::MAX, i64::MIN] {
        assert_eq!(Zone::UTC.timestamp(ms), format!("{ms} ms"));
        let _ = zone("Pacific/Kiritimati").minute(ms);
        let _ = utc_date(ms);
    }
}

#[test]
fn zones_east_and_west_of_utc_with_their_abbreviations() {
    let at = 1_714_568_645_000; // 2024-05-01 13:04:05 UTC
    assert_eq!(zone("Europe/London").timestamp(at), "2024-05-01 14:04:05 BST");
    assert_eq!(zone("Europe/Paris").minute(at), "2024-05-01 15:04 CEST");
    assert_eq!(zone("America/New_York").timestamp(at), "2024-05-01 09:04:05 EDT");
    assert_eq!(zone("America/Los_Angeles").clock(at), "06:04 PDT");
    assert_eq!(zone("Pacific/Auckland").minute(at), "2024-05-02 01:04 NZST");
    // West of UTC and across midnight: the day before.
    assert_eq!(zone("Pacific/Honolulu").minute(utc(2026, 12, 1, 3, 0, 0)), "2026-11-30 17:00 HST");
    // In winter the same zones read their standard names.
    let winter = utc(2026, 12, 1, 13, 0, 0);
    assert_eq!(zone("Europe/London").clock(winter), "13:00 GMT");
    assert_eq!(zone("Europe/Paris").clock(winter), "14:00 CET");
    assert_eq!(zone("America/New_York").clock(winter), "08:00 EST");
}

#[test]
fn half_and_quarter_hour_zones() {
    let at = 1_714_568_645_000; // 2024-05-01 13:04:05 UTC
    assert_eq!(zone("Asia/Kolkata").timestamp(at), "2024-05-01 18:34:05 IST");
    assert_eq!(zone("Australia/Adelaide").clock(at), "22:34 ACST");
    assert_eq!(zone("America/St_Johns").clock(at), "10:34 NDT");
    // IANA gives Nepal no letters: its offset is its name.
    assert_eq!(zone("Asia/Kathmandu").clock(at), "18:49 UTC+0545");
    assert_eq!(zone("Asia/Dubai").clock(at), "17:04 UTC+04");
}

#[test]
fn clocks_going_forward_and_back() {
    let london = zone("Europe/London");
    // 2026-03-29: 01:00 GMT becomes 02:00 BST.
    assert_eq!(london.timestamp(utc(2026, 3, 29, 0, 59, 59)), "2026-03-29 00:59:59 GMT");
    assert_eq!(london.timestamp(utc(2026, 3, 29, 1, 0, 0)), "2026-03-29 02:00:00 BST");
    // 2026-10-25: 02:00 BST becomes 01:00 GMT; 01:30 happens twice.
    assert_eq!(london.timestamp(utc(2026, 10, 25, 0, 30, 0)), "2026-10-25 01:30:00 BST");
    assert_eq!(london.timestamp(utc(2026, 10, 25, 1, 30, 0)), "2026-10-25 01:30:00 GMT");
    // New York on its own dates.
    let new_york = zone("America/New_York");
    assert_eq!(new_york.clock(utc(2026, 3, 8, 7, 0, 0)), "03:00 EDT");
    assert_eq!(new_york.clock(utc(2026, 3, 8, 6, 59, 0)), "01:59 EST");
}

#[test]
fn zone_names_are_checked() {
    assert_eq!(zone(" Europe/Berlin ").name(), "Europe/Berlin");
    assert_eq!(zone("UTC"), Zone::UTC);
    for bad in ["", "Mars/Olympus_Mons", "BST", "europe/london", "Europe/London; DROP"] {
        let error = Zone::named(bad).expect_err(bad);
        assert!(error.to_string().contains("is not a time zone"), "{error}");
    }
}

#[test]
fn dates_read_and_write() {
    assert_eq!(parse_utc_date("2024-05-01"), Some(1_714_521_600_000));
    assert_eq!(parse_utc_date("2000-02-29").map(utc_date).as_deref(), Some("2000-02-29"));
    assert_eq!(utc_date(-1), "1969-12-31");
    for bad in ["2026-02-31", "2026-13-01", "tomorrow", "2026-1-2-3", "+12026-01-01", "1969-12-31", ""] {
        assert_eq!(parse_utc_date(bad), None, "{bad:?}");
    }
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

#[test]
fn due_times_read_in_utc_and_relative() {
    let day = parse_utc_date("2026-12-01").expect("a day");
    assert_eq!(parse_due("2026-12-01 14:05", 0, Zone::UTC), Ok(day + (14 * 60 + 5) * 60_000));
    assert_eq!(parse_due(" 2026-12-01 14:05 UTC ", 0, Zone::UTC), Ok(day + (14 * 60 + 5) * 60_000));
    assert_eq!(Zone::UTC.minute(day + (14 * 60 + 5) * 60_000), "2026-12-01 14:05 UTC");
    assert_eq!(parse_due("in 30m", 1_000, zone("Asia/Tokyo")), Ok(1_000 + 30 * 60_000));
    assert_eq!(parse_due("in 2 hours", 0, Zone::UTC), Ok(2 * 3_600_000));
    assert_eq!(parse_due("in 1d", 0, Zone::UTC), Ok(MS_PER_DAY));
    for bad in [
        "",
        "tomorrow",
        "in",
        "in 0m",
        "in -5m",
        "in 5 weeks",
        "2026-12-01",
        "2026-12-01 24:00",
        "2026-12-01 14:60",
        "2026-02-30 10:00",
        "2026-12-01 9",
        "2026-12-01 +9:00",
        "2026-12-01 14:00 CET",
    ] {
        assert_eq!(parse_due(bad, 0, Zone::UTC), Err(DueError::Unreadable), "{bad:?}");
    }
    assert_eq!(parse_due(&format!("in {}d", i64::MAX), 0, Zone::UTC), Err(DueError::Unreadable));
}

#[test]
fn due_times_read_in_the_callers_zone() {
    let paris = zone("Europe/Paris");
    let due = parse_due("2026-12-01 14:00", 0, paris).expect("a time");
    assert_eq!(due, utc(2026, 12, 1, 13, 0, 0));
    assert_eq!(paris.minute(due), "2026-12-01 14:00 CET");
    // An explicit UTC wins over the caller's zone.
    assert_eq!(parse_due("2026-12-01 14:00 UTC", 0, paris), Ok(utc(2026, 12, 1, 14, 0, 0)));
    assert_eq!(parse_due("2026-12-01 09:00", 0, zone("America/Chicago")), Ok(utc(2026, 12, 1, 15, 0, 0)));
    assert_eq!(parse_due("2026-07-01 09:00", 0, zone("Asia/Kolkata")), Ok(utc(2026, 7, 1, 3, 30, 0)));
}

#[test]
fn a_skipped_local_time_is_refused_and_a_repeated_one_is_the_first() {
    let london = zone("Europe/London");
    let skipped = parse_due("2026-03-29 01:30", 0, london).expect_err("no such time");
    assert_eq!(
        skipped.to_string(),
        "2026-03-29 01:30 does not exist in Europe/London: the clocks skip that hour there. Give a time before or after it."
    );
    assert_eq!(parse_due("2026-03-29 02:00", 0, london), Ok(utc(2026, 3, 29, 1, 0, 0)));
    let twice = parse_due("2026-10-25 01:30", 0, london).expect("the first 01:30");
    assert_eq!(twice, utc(2026, 10, 25, 0, 30, 0));
    assert_eq!(london.minute(twice), "2026-10-25 01:30 BST");
    let new_york = zone("America/New_York");
    assert!(matches!(parse_due("2026-03-08 02:30", 0, new_york), Err(DueError::Skipped { .. })));
    assert_eq!(parse_due("2026-11-01 01:30", 0, new_york), Ok(utc(2026, 11, 1, 5, 30, 0)));
}
