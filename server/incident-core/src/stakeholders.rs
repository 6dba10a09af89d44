//! Who else hears about an incident at a given severity: the GOV.UK process asks to inform key
//! stakeholders for P1 and P2. Configured per severity, one line each:
//! `P1: ~leadership ~status-page @cto @ciso` — channels to announce in, people to bring into
//! the incident channel.

/// One severity's stakeholders, by name as the admin wrote them (without `~` and `@`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stakeholders {
    pub severity: String,
    pub channels: Vec<String>,
    pub users: Vec<String>,
}

pub fn parse_stakeholders(text: &str) -> Result<Vec<Stakeholders>, String> {
    let mut out: Vec<Stakeholders> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |reason: String| format!("stakeholders, line {}: {reason}", n + 1);
        let (severity, names) = line.split_once(':').ok_or_else(|| at("write `Severity: ~channel @user ...`.".into()))?;
        let severity = severity.trim();
        if severity.is_empty() {
            return Err(at("name the severity before the colon.".into()));
        }
        if out.iter().any(|s| s.severity.eq_ignore_ascii_case(severity)) {
            return Err(at(format!("{severity} is listed twice.")));
        }
        let mut rule = Stakeholders { severity: severity.to_string(), ..Stakeholders::default() };
        for name in names.split([' ', ',', '\t']).map(str::trim).filter(|w| !w.is_empty()) {
            if let Some(channel) = name.strip_prefix('~') {
                rule.channels.push(channel.to_lowercase());
            } else if let Some(user) = name.strip_prefix('@') {
                rule.users.push(user.to_lowercase());
            } else {
                return Err(at(format!("\"{name}\" is neither a ~channel nor an @user.")));
            }
        }
        out.push(rule);
    }
    Ok(out)
}

/// The rule for a severity, if any.
pub fn for_severity<'a>(rules: &'a [Stakeholders], severity: &str) -> Option<&'a Stakeholders> {
    rules.iter().find(|r| r.severity.eq_ignore_ascii_case(severity.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_channels_and_people_per_severity() {
        let rules = parse_stakeholders("P1: ~Leadership, ~status @CTO @ciso\n\n# comment\nP2: ~leadership").expect("parse");
        assert_eq!(
            rules[0],
            Stakeholders {
                severity: "P1".into(),
                channels: vec!["leadership".into(), "status".into()],
                users: vec!["cto".into(), "ciso".into()],
            }
        );
        assert_eq!(for_severity(&rules, "p2").map(|r| r.channels.len()), Some(1));
        assert_eq!(for_severity(&rules, "P3"), None);
        assert_eq!(parse_stakeholders(""), Ok(Vec::new()));
    }

    #[test]
    fn mistakes_name_the_line() {
        assert_eq!(parse_stakeholders("P1 ~x"), Err("stakeholders, line 1: write `Severity: ~channel @user ...`.".into()));
        assert_eq!(
            parse_stakeholders("P1: leadership"),
            Err("stakeholders, line 1: \"leadership\" is neither a ~channel nor an @user.".into())
        );
        assert_eq!(parse_stakeholders("P1: ~a\np1: ~b"), Err("stakeholders, line 2: p1 is listed twice.".into()));
        assert_eq!(parse_stakeholders(": ~a"), Err("stakeholders, line 1: name the severity before the colon.".into()));
    }
}
