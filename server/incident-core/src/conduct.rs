//! How a team runs incidents, as the admin configures it: severity levels, the status
//! lifecycle and the roles besides the commander. Each list is a [`Level`] list written one per
//! line in the System Console (`Name: description`), with the defaults below when left empty.
//!
//! Severities are listed most severe first (P1 before P4); incidents start at the last (least
//! severe). Statuses are listed in lifecycle order: the first is where an incident starts, the
//! last resolves it.

use crate::time_fmt::{UnknownZone, Zone};
use serde::{Deserialize, Serialize};

use crate::text;

/// One severity, status or role: a short name and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// The three configured lists, each non-empty, names unique ignoring case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conduct {
    pub severities: Vec<Level>,
    pub statuses: Vec<Level>,
    pub roles: Vec<Level>,
}

/// A level name: what an admin can type and a user can find again.
const MAX_LEVEL_NAME_CHARS: usize = 40;
const MAX_LEVEL_DESCRIPTION_CHARS: usize = 500;
const MAX_LEVELS: usize = 20;

pub const DEFAULT_SEVERITIES: &str = "\
P1: Critical. A complete outage, or a security breach affecting users or their data (for example, malicious code in a released package). Inform senior management at once.
P2: Major. A core function is unavailable or badly degraded for many users, or a credible security threat (for example, a malicious package pretending to be ours). Inform senior management.
P3: Significant. Part of a service is down or degraded with a workaround (for example, the documentation website is down).
P4: Minor. A bug that blocks some users in one component, with little wider impact.";

pub const DEFAULT_STATUSES: &str = "\
Investigating: We know something is wrong and are finding out what.
Identified: We know the cause and are working on a fix.
Monitoring: A fix is in place; we are watching that it holds.
Resolved: The incident is over.";

pub const DEFAULT_ROLES: &str = "\
Comms lead: Keeps the team, stakeholders and users informed: posts status updates and answers questions, so the commander can focus.
Technical lead: Leads the investigation and the fix, and decides on technical risks.";

impl Default for Conduct {
    fn default() -> Self {
        // The defaults are constants checked by a test, so parsing them cannot fail.
        let parse = |text: &str| parse_levels(text, "default").unwrap_or_default();
        Conduct { severities: parse(DEFAULT_SEVERITIES), statuses: parse(DEFAULT_STATUSES), roles: parse(DEFAULT_ROLES) }
    }
}

impl Conduct {
    /// From the three System Console texts; an empty text means the default list. Statuses
    /// need at least two (a start and a resolution).
    pub fn from_settings(severities: &str, statuses: &str, roles: &str) -> Result<Conduct, String> {
        let or_default = |text: &str, default: &str| if text.trim().is_empty() { default.to_string() } else { text.to_string() };
        let conduct = Conduct {
            severities: parse_levels(&or_default(severities, DEFAULT_SEVERITIES), "severities")?,
            statuses: parse_levels(&or_default(statuses, DEFAULT_STATUSES), "statuses")?,
            roles: parse_levels(&or_default(roles, DEFAULT_ROLES), "roles")?,
        };
        if conduct.statuses.len() < 2 {
            return Err(STATUSES_AT_LEAST_TWO.into());
        }
        Ok(conduct)
    }

    /// Where incidents start: the least severe level.
    pub fn initial_severity(&self) -> &str {
        self.severities.last().map(|l| l.name.as_str()).unwrap_or_default()
    }

    pub fn initial_status(&self) -> &str {
        self.statuses.first().map(|l| l.name.as_str()).unwrap_or_default()
    }

    /// The status that resolves (ends) an incident.
    pub fn final_status(&self) -> &str {
        self.statuses.last().map(|l| l.name.as_str()).unwrap_or_default()
    }

    pub fn severity(&self, name: &str) -> Option<&Level> {
        find(&self.severities, name)
    }

    pub fn status(&self, name: &str) -> Option<&Level> {
        find(&self.statuses, name)
    }

    pub fn role(&self, name: &str) -> Option<&Level> {
        find(&self.roles, name)
    }

    /// 0 for the most severe level; None for a name not (or no longer) configured.
    pub fn severity_rank(&self, name: &str) -> Option<usize> {
        self.severities.iter().position(|l| l.name.eq_ignore_ascii_case(name.trim()))
    }
}

/// A team's own lists as its admins wrote them (the System Console's `Name: description` form);
/// an empty text means the server-wide list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamConductTexts {
    #[serde(default)]
    pub severities: String,
    #[serde(default)]
    pub statuses: String,
    #[serde(default)]
    pub roles: String,
    /// The IANA zone (`Europe/Paris`) the team's posts and reports write times in; empty: the
    /// server's.
    #[serde(default)]
    pub time_zone: String,
}

impl TeamConductTexts {
    /// Whether the team keeps none of its own (it uses the server-wide lists).
    pub fn is_empty(&self) -> bool {
        [&self.severities, &self.statuses, &self.roles, &self.time_zone].iter().all(|t| t.trim().is_empty())
    }

    /// The team's conduct: each list the team wrote, else the server's. Errors as
    /// [`Conduct::from_settings`], naming the list and line.
    pub fn over(&self, server: &Conduct) -> Result<Conduct, String> {
        let list = |text: &str, name: &str, server: &[Level]| {
            if text.chars().count() > MAX_LIST_TEXT_CHARS {
                Err(format!("{name}: at most {MAX_LIST_TEXT_CHARS} characters."))
            } else if text.trim().is_empty() {
                Ok(server.to_vec())
            } else {
                parse_levels(text, name)
            }
        };
        let conduct = Conduct {
            severities: list(&self.severities, "severities", &server.severities)?,
            statuses: list(&self.statuses, "statuses", &server.statuses)?,
            roles: list(&self.roles, "roles", &server.roles)?,
        };
        if conduct.statuses.len() < 2 {
            return Err(STATUSES_AT_LEAST_TWO.into());
        }
        self.zone().map_err(|e| e.to_string())?;
        Ok(conduct)
    }

    /// The team's own time zone; None when it uses the server's.
    pub fn zone(&self) -> Result<Option<Zone>, UnknownZone> {
        if self.time_zone.trim().is_empty() { Ok(None) } else { Zone::named(&self.time_zone).map(Some) }
    }

    /// Which lists are the team's own, by name, for people to read.
    pub fn own_lists(&self) -> Vec<&'static str> {
        [("severities", &self.severities), ("statuses", &self.statuses), ("roles", &self.roles), ("time zone", &self.time_zone)]
            .into_iter()
            .filter(|(_, text)| !text.trim().is_empty())
            .map(|(name, _)| name)
            .collect()
    }
}

/// A team's list as typed: room for the most entries with comments, not a store of text.
const MAX_LIST_TEXT_CHARS: usize = 20_000;

const STATUSES_AT_LEAST_TWO: &str =
    "statuses: list at least two, the first where incidents start and the last that resolves them.";

fn find<'a>(levels: &'a [Level], name: &str) -> Option<&'a Level> {
    let name = name.trim();
    levels.iter().find(|l| l.name.eq_ignore_ascii_case(name))
}

/// `Name: description` per line; blank lines and lines starting with `#` are skipped. The
/// error names the list and the line.
pub fn parse_levels(text: &str, list: &str) -> Result<Vec<Level>, String> {
    let mut levels: Vec<Level> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |reason: String| format!("{list}, line {}: {reason}", n + 1);
        let (name, description) = match line.split_once(':') {
            Some((name, description)) => (name, description),
            None => (line, ""),
        };
        let name = text::single_line(name, MAX_LEVEL_NAME_CHARS).map_err(|r| at(format!("the name: {r}")))?;
        let description =
            text::multi_line(description, MAX_LEVEL_DESCRIPTION_CHARS).map_err(|r| at(format!("the description: {r}")))?;
        if levels.iter().any(|l| l.name.eq_ignore_ascii_case(&name)) {
            return Err(at(format!("\"{name}\" is listed twice.")));
        }
        levels.push(Level { name, description });
        if levels.len() > MAX_LEVELS {
            return Err(format!("{list}: at most {MAX_LEVELS} entries."));
        }
    }
    if levels.is_empty() {
        return Err(format!("{list}: list at least one."));
    }
    Ok(levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_follow_gov_uk() {
        let c = Conduct::default();
        let names = |l: &[Level]| l.iter().map(|x| x.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&c.severities), ["P1", "P2", "P3", "P4"]);
        assert_eq!(names(&c.statuses), ["Investigating", "Identified", "Monitoring", "Resolved"]);
        assert_eq!(names(&c.roles), ["Comms lead", "Technical lead"]);
        assert_eq!((c.initial_severity(), c.initial_status(), c.final_status()), ("P4", "Investigating", "Resolved"));
        assert!(c.severities[0].description.starts_with("Critical."));
        assert_eq!(Conduct::from_settings("", " ", ""), Ok(c));
    }

    #[test]
    fn admins_write_one_level_per_line() {
        let c =
            Conduct::from_settings("SEV1: all hands\n\n# comment\nSEV2\nSEV3: minor", "Open: new\nClosed: done", "Scribe: notes")
                .expect("parse");
        assert_eq!(c.severities.len(), 3);
        assert_eq!(c.severities[1], Level { name: "SEV2".into(), description: String::new() });
        assert_eq!(c.severity_rank("sev1"), Some(0));
        assert_eq!(c.severity("  sev3 ").map(|l| l.name.as_str()), Some("SEV3"));
        assert_eq!(c.severity_rank("P1"), None);
        assert_eq!(c.role("scribe").map(|l| l.description.as_str()), Some("notes"));
    }

    #[test]
    fn bad_lists_are_refused_with_the_line() {
        assert_eq!(Conduct::from_settings("P1: a\np1: again", "", ""), Err("severities, line 2: \"p1\" is listed twice.".into()));
        assert_eq!(
            Conduct::from_settings("", "Only", ""),
            Err("statuses: list at least two, the first where incidents start and the last that resolves them.".into())
        );
        let long = format!("{}: x", "n".repeat(41));
        assert!(Conduct::from_settings(&long, "", "").is_err_and(|e| e.starts_with("severities, line 1: the name")));
        assert_eq!(parse_levels("# only a comment", "roles"), Err("roles: list at least one.".into()));
        let many: String = (0..21).map(|i| format!("L{i}\n")).collect();
        assert_eq!(parse_levels(&many, "roles"), Err("roles: at most 20 entries.".into()));
    }

    #[test]
    fn a_team_list_replaces_the_server_list_it_names() {
        let server = Conduct::from_settings("", "", "Scribe: notes").expect("server");
        let none = TeamConductTexts::default();
        assert!(none.is_empty());
        assert_eq!(none.over(&server), Ok(server.clone()));
        let own = TeamConductTexts { severities: "SEV1: all hands\nSEV2".into(), roles: " \n".into(), ..Default::default() };
        let team = own.over(&server).expect("team");
        assert_eq!(team.severities.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["SEV1", "SEV2"]);
        assert_eq!((team.statuses.clone(), team.roles.clone()), (server.statuses.clone(), server.roles.clone()));
        assert_eq!(team.initial_severity(), "SEV2");
        assert_eq!(own.own_lists(), ["severities"]);
        assert_eq!(own.zone(), Ok(None));
        let paris = TeamConductTexts { time_zone: " Europe/Paris ".into(), ..Default::default() };
        assert!(!paris.is_empty());
        assert_eq!(paris.over(&server), Ok(server.clone()));
        assert_eq!(paris.zone().map(|z| z.map(|z| z.name())), Ok(Some("Europe/Paris")));
        assert_eq!(paris.own_lists(), ["time zone"]);
    }

    #[test]
    fn a_bad_team_list_is_refused_with_the_line() {
        let server = Conduct::default();
        let twice = TeamConductTexts { roles: "Scribe\nscribe".into(), ..Default::default() };
        assert_eq!(twice.over(&server), Err("roles, line 2: \"scribe\" is listed twice.".into()));
        let one = TeamConductTexts { statuses: "Open".into(), ..Default::default() };
        assert_eq!(one.over(&server), Err(STATUSES_AT_LEAST_TWO.into()));
        let only_comments = TeamConductTexts { severities: "# none yet".into(), ..Default::default() };
        assert_eq!(only_comments.over(&server), Err("severities: list at least one.".into()));
        let huge = TeamConductTexts { roles: "#".repeat(20_001), ..Default::default() };
        assert_eq!(huge.over(&server), Err("roles: at most 20000 characters.".into()));
        let nowhere = TeamConductTexts { time_zone: "Europe/Londres".into(), ..Default::default() };
        assert_eq!(
            nowhere.over(&server),
            Err("`Europe/Londres` is not a time zone: write an IANA name such as `Europe/London`, `America/New_York` or `UTC`."
                .into())
        );
    }
}
