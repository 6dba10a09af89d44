//! The server's time zone, for the guest: it has no OS zone of its own, so the host gives it
//! the zone's IANA name as `TZ` in its (otherwise empty) WASI environment, and the guest writes
//! times in it by default. Found as a Linux process finds its zone: `TZ`, then
//! `/etc/timezone`, then where `/etc/localtime` links into the zone database; UTC when none
//! names a zone. The guest checks the name against its own database (chrono-tz) and falls back
//! to UTC, with a warning, when it does not know it.

use std::path::Path;
use std::sync::OnceLock;

/// Read once per process: the server's zone changes with a restart, as Mattermost's does.
pub fn server_time_zone() -> &'static str {
    static ZONE: OnceLock<String> = OnceLock::new();
    ZONE.get_or_init(|| find(std::env::var("TZ").ok().as_deref(), Path::new("/etc/timezone"), Path::new("/etc/localtime")))
}

fn find(tz: Option<&str>, timezone_file: &Path, localtime: &Path) -> String {
    if let Some(name) = tz.and_then(from_tz) {
        return name;
    }
    if let Some(name) = std::fs::read_to_string(timezone_file).ok().and_then(|t| iana_name(t.lines().next().unwrap_or_default()))
    {
        return name;
    }
    if let Some(name) = std::fs::read_link(localtime).ok().and_then(|target| after_zoneinfo(&target.to_string_lossy())) {
        return name;
    }
    "UTC".to_string()
}

/// `Europe/London`, `:Europe/London`, or a path into the zone database
/// (`:/usr/share/zoneinfo/Europe/London`). POSIX rules (`CET-1CEST`) and other files are no
/// IANA name: the next source is asked.
fn from_tz(tz: &str) -> Option<String> {
    let tz = tz.trim().trim_start_matches(':');
    if tz.starts_with('/') { after_zoneinfo(tz) } else { iana_name(tz) }
}

fn after_zoneinfo(path: &str) -> Option<String> {
    path.rsplit_once("zoneinfo/").and_then(|(_, name)| iana_name(name.trim_start_matches("posix/").trim_start_matches("right/")))
}

/// Letters, digits, `/`, `_`, `-`, `+`: the characters of IANA names; nothing else is passed on.
fn iana_name(name: &str) -> Option<String> {
    let name = name.trim();
    let plausible = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('/')
        && !name.contains("..")
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
    plausible.then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tz_wins_then_etc_timezone_then_the_localtime_link() {
        let dir = std::env::temp_dir().join(format!("server-zone-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let (timezone, localtime) = (dir.join("timezone"), dir.join("localtime"));
        let _ = std::fs::remove_file(&localtime);
        std::fs::write(&timezone, "Europe/Paris\n").expect("write");
        std::os::unix::fs::symlink("/usr/share/zoneinfo/America/New_York", &localtime).expect("link");

        assert_eq!(find(Some("Asia/Kolkata"), &timezone, &localtime), "Asia/Kolkata");
        assert_eq!(find(Some(":Europe/London"), &timezone, &localtime), "Europe/London");
        assert_eq!(find(Some(":/usr/share/zoneinfo/Asia/Tokyo"), &timezone, &localtime), "Asia/Tokyo");
        // A POSIX rule is no IANA name: /etc/timezone decides.
        assert_eq!(find(Some("CET-1CEST,M3.5.0,M10.5.0/3"), &timezone, &localtime), "Europe/Paris");
        assert_eq!(find(None, &timezone, &localtime), "Europe/Paris");
        std::fs::remove_file(&timezone).expect("remove");
        assert_eq!(find(Some(""), &timezone, &localtime), "America/New_York");
        std::fs::remove_file(&localtime).expect("remove");
        assert_eq!(find(None, &timezone, &localtime), "UTC");
        let _ = std::fs::remove_dir(&dir);
    }

    #[test]
    fn only_zone_like_names_are_passed_on() {
        assert_eq!(iana_name(" America/Argentina/Buenos_Aires "), Some("America/Argentina/Buenos_Aires".into()));
        assert_eq!(iana_name("Etc/GMT+5"), Some("Etc/GMT+5".into()));
        for bad in ["", "../../etc/passwd", "/etc/localtime", "Europe/London\nUTC", "Europe London"] {
            assert_eq!(iana_name(bad), None, "{bad:?}");
        }
        assert_eq!(after_zoneinfo("/usr/share/zoneinfo/posix/Europe/Berlin"), Some("Europe/Berlin".into()));
        assert_eq!(after_zoneinfo("/etc/localtime"), None);
    }
}
