use super::*;

const HOUR: i64 = 3_600_000;

/// Unix ms of a UTC time.
fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|date| date.and_hms_opt(h, mi, 0))
        .map(|t| t.and_utc().timestamp_millis())
        .expect("a valid UTC time")
}

fn zone(name: &str) -> Tz {
    parse_zone(name).expect("a known zone")
}

#[test]
fn zone_names_are_iana_names_and_blank_or_unknown_is_none() {
    assert_eq!(parse_zone(" Europe/Paris "), Some(chrono_tz::Europe::Paris));
    assert_eq!(parse_zone("UTC"), Some(chrono_tz::UTC));
    assert_eq!(parse_zone(""), None);
    assert_eq!(parse_zone("   "), None);
    assert_eq!(parse_zone("Mars/Olympus_Mons"), None);
}

#[test]
fn utc_weekday_evening_weekend_and_whole_week() {
    let tz = zone("UTC");
    // Monday 2026-12-07, 08:00–10:00: one hour before nine.
    assert_eq!(out_of_hours_ms(tz, utc(2026, 12, 7, 8, 0), utc(2026, 12, 7, 10, 0)), HOUR);
    // 17:30–19:00: the half hour before six is working time.
    assert_eq!(out_of_hours_ms(tz, utc(2026, 12, 7, 17, 30), utc(2026, 12, 7, 19, 0)), HOUR);
    // Inside working hours: nothing.
    assert_eq!(out_of_hours_ms(tz, utc(2026, 12, 8, 10, 0), utc(2026, 12, 8, 12, 0)), 0);
    // Saturday 2026-12-12, all day.
    assert_eq!(out_of_hours_ms(tz, utc(2026, 12, 12, 0, 0), utc(2026, 12, 13, 0, 0)), 24 * HOUR);
    // A whole week: 168 hours less five nine-hour days.
    assert_eq!(out_of_hours_ms(tz, utc(2026, 12, 7, 0, 0), utc(2026, 12, 14, 0, 0)), 123 * HOUR);
    // Empty or backwards stretches count nothing.
    assert_eq!(out_of_hours_ms(tz, utc(2026, 12, 7, 3, 0), utc(2026, 12, 7, 3, 0)), 0);
    assert_eq!(out_of_hours_ms(tz, utc(2026, 12, 7, 4, 0), utc(2026, 12, 7, 3, 0)), 0);
}

#[test]
fn zones_east_and_west_of_utc_count_their_own_wall_clock() {
    // Paris in December is UTC+1: 07:30–08:30 UTC is 08:30–09:30 there.
    let paris = zone("Europe/Paris");
    assert_eq!(out_of_hours_ms(paris, utc(2026, 12, 7, 7, 30), utc(2026, 12, 7, 8, 30)), HOUR / 2);
    // New York in December is UTC−5: 13:00–15:00 UTC is 08:00–10:00 there.
    let new_york = zone("America/New_York");
    assert_eq!(out_of_hours_ms(new_york, utc(2026, 12, 7, 13, 0), utc(2026, 12, 7, 15, 0)), HOUR);
    // The same stretch is all working time in UTC and all evening in Tokyo (UTC+9: 22:00–00:00).
    assert_eq!(out_of_hours_ms(zone("UTC"), utc(2026, 12, 7, 13, 0), utc(2026, 12, 7, 15, 0)), 0);
    assert_eq!(out_of_hours_ms(zone("Asia/Tokyo"), utc(2026, 12, 7, 13, 0), utc(2026, 12, 7, 15, 0)), 2 * HOUR);
    // Sunday 23:00 UTC to Monday 01:00 UTC is Monday 08:00–10:00 in Tokyo: the local date counts.
    assert_eq!(out_of_hours_ms(zone("Asia/Tokyo"), utc(2026, 12, 6, 23, 0), utc(2026, 12, 7, 1, 0)), HOUR);
    // Half-hour offsets: Kolkata is UTC+5:30, so 03:00–04:00 UTC is 08:30–09:30 there.
    assert_eq!(out_of_hours_ms(zone("Asia/Kolkata"), utc(2026, 12, 7, 3, 0), utc(2026, 12, 7, 4, 0)), HOUR / 2);
    // Friday evening in Los Angeles (UTC−8) is Saturday in UTC: 01:00–03:00 UTC Saturday is
    // Friday 17:00–19:00 there, half of it working time.
    assert_eq!(out_of_hours_ms(zone("America/Los_Angeles"), utc(2026, 12, 12, 1, 0), utc(2026, 12, 12, 3, 0)), HOUR);
}

#[test]
fn weeks_with_a_clock_change_have_their_true_length() {
    // Paris springs forward on Sunday 2026-03-29: that week (Monday 23 to Monday 30) has 167
    // hours, of which 45 are working hours.
    let paris = zone("Europe/Paris");
    let starts = week_starts(paris, utc(2026, 3, 30, 12, 0), 2);
    assert_eq!(starts, vec![utc(2026, 3, 22, 23, 0), utc(2026, 3, 29, 22, 0)]);
    assert_eq!(starts[1] - starts[0], 167 * HOUR);
    assert_eq!(out_of_hours_ms(paris, starts[0], starts[1]), 122 * HOUR);
    // London falls back on Sunday 2026-10-25: 169 hours.
    let london = zone("Europe/London");
    let starts = week_starts(london, utc(2026, 10, 27, 12, 0), 2);
    assert_eq!(starts, vec![utc(2026, 10, 18, 23, 0), utc(2026, 10, 26, 0, 0)]);
    assert_eq!(out_of_hours_ms(london, starts[0], starts[1]), 124 * HOUR);
}

#[test]
fn working_day_moves_in_utc_across_a_clock_change() {
    // New York springs forward on 2026-03-08: Friday 6th's day is 14:00–23:00 UTC, Monday 9th's
    // 13:00–22:00 UTC.
    let new_york = zone("America/New_York");
    assert_eq!(out_of_hours_ms(new_york, utc(2026, 3, 6, 13, 0), utc(2026, 3, 6, 14, 0)), HOUR);
    assert_eq!(out_of_hours_ms(new_york, utc(2026, 3, 9, 13, 0), utc(2026, 3, 9, 14, 0)), 0);
    // Across the change weekend (Friday 18:00 to Monday 09:00 local): 63 hours on the wall
    // clock, 62 real hours, all of them outside working hours.
    assert_eq!(out_of_hours_ms(new_york, utc(2026, 3, 6, 23, 0), utc(2026, 3, 9, 13, 0)), 62 * HOUR);
}

#[test]
fn skipped_and_repeated_local_times() {
    let paris = zone("Europe/Paris");
    let at = |d: u32, h: u32, m: u32| NaiveDate::from_ymd_opt(2026, 3, d).and_then(|x| x.and_hms_opt(h, m, 0)).expect("time");
    // 02:30 on 2026-03-29 does not exist: the first instant after the gap (03:00 CEST).
    assert_eq!(local_instant(paris, at(29, 2, 30)), utc(2026, 3, 29, 1, 0));
    // 02:30 on 2026-10-25 happens twice: the first (still CEST).
    let autumn = NaiveDate::from_ymd_opt(2026, 10, 25).and_then(|x| x.and_hms_opt(2, 30, 0)).expect("time");
    assert_eq!(local_instant(paris, autumn), utc(2026, 10, 25, 0, 30));
    // Havana skips midnight (00:00 → 01:00) on Sunday 2026-03-08: that day starts at 01:00 CDT.
    let havana = zone("America/Havana");
    let midnight = NaiveDate::from_ymd_opt(2026, 3, 8).and_then(|x| x.and_hms_opt(0, 0, 0)).expect("time");
    assert_eq!(local_instant(havana, midnight), utc(2026, 3, 8, 5, 0));
    // The Monday after it starts at midnight as usual (CDT, UTC−4).
    assert_eq!(week_starts(havana, utc(2026, 3, 10, 12, 0), 1), vec![utc(2026, 3, 9, 4, 0)]);
}

#[test]
fn week_and_month_boundaries_are_local() {
    // Sunday 23:30 in New York is Monday 04:30 UTC: still the week that began Monday 30 Nov.
    let new_york = zone("America/New_York");
    assert_eq!(week_start(new_york, utc(2026, 12, 7, 4, 30)), utc(2026, 11, 30, 5, 0));
    // Half an hour later it is Monday 00:00 there: a new week.
    assert_eq!(week_start(new_york, utc(2026, 12, 7, 5, 0)), utc(2026, 12, 7, 5, 0));
    // In UTC the week began at Monday 00:00 UTC.
    assert_eq!(week_start(zone("UTC"), utc(2026, 12, 7, 4, 30)), utc(2026, 12, 7, 0, 0));
    // Eight weeks, oldest first, seven days apart in winter.
    let starts = week_starts(zone("UTC"), utc(2026, 12, 9, 12, 0), 8);
    assert_eq!(starts.len(), 8);
    assert_eq!(starts[0], utc(2026, 10, 19, 0, 0));
    assert_eq!(starts[7], utc(2026, 12, 7, 0, 0));
    // 01:00 on 1 December in Tokyo is 16:00 UTC on 30 November: December there already.
    assert_eq!(month_start(zone("Asia/Tokyo"), utc(2026, 11, 30, 16, 0)), utc(2026, 11, 30, 15, 0));
    assert_eq!(month_start(zone("UTC"), utc(2026, 11, 30, 16, 0)), utc(2026, 11, 1, 0, 0));
    // Year boundary.
    assert_eq!(week_start(zone("UTC"), utc(2027, 1, 1, 12, 0)), utc(2026, 12, 28, 0, 0));
}

#[test]
fn very_long_stretches_are_bounded() {
    // Ten years are counted over their last 400 days: still a sensible, finite answer.
    let tz = zone("UTC");
    let to = utc(2026, 12, 7, 0, 0);
    let counted = out_of_hours_ms(tz, to - 3650 * 24 * HOUR, to);
    assert!(counted > 0 && counted <= 400 * 24 * HOUR);
}
