//! The two playbooks every team gets, drawn from the GOV.UK Design System incident process
//! (incident lead and comms lead, severity P1–P4, stakeholders, incident report and review) and
//! common security-incident practice (contain, assess, eradicate, recover, notify).

use crate::ids::IdGen;
use crate::playbook::{Playbook, PlaybookItem, PlaybookSection};

pub const SERVICE_INCIDENT_TITLE: &str = "Service incident";
pub const SECURITY_INCIDENT_TITLE: &str = "Security incident";

/// "Service incident" and "Security incident" for `team_id`, usable by every team member.
pub fn default_playbooks(team_id: &str, ids: &mut dyn IdGen, now_ms: i64) -> Vec<Playbook> {
    vec![service_incident(team_id, ids, now_ms), security_incident(team_id, ids, now_ms)]
}

fn service_incident(team_id: &str, ids: &mut dyn IdGen, now_ms: i64) -> Playbook {
    Playbook {
        id: ids.new_id(),
        team_id: team_id.to_string(),
        title: SERVICE_INCIDENT_TITLE.to_string(),
        description: "For outages and serious bugs in a service: users cannot use it, in part or at all, \
or its reputation is at risk. An incident lead coordinates from discovery to resolution; a comms \
lead keeps the team, stakeholders and users informed."
            .to_string(),
        checklists: vec![
            section(
                "Triage",
                &[
                    (
                        "Assign an incident lead",
                        "Pick someone by expertise, availability and knowledge of the problem. They coordinate the incident until it is resolved; make them the commander with `/incident commander @user`.",
                    ),
                    (
                        "Assign a comms lead",
                        "They communicate the incident and its status to the team, community channels and key stakeholders, and usually organise the review.",
                    ),
                    (
                        "Assess severity (P1–P4)",
                        "P1 is the most severe (for example malicious code shipped), P4 the least (a blocking bug in one component). Decide early; revisit as you learn more.",
                    ),
                    (
                        "Start the incident report",
                        "Record the impact, severity and a timeline of events as you go. If there is no time during the incident, complete it at the earliest opportunity.",
                    ),
                ],
            ),
            section(
                "Communicate",
                &[
                    (
                        "Let the team know",
                        "Post a short summary of the incident in the team channel, with @here so everyone is aware that incidents take priority over other work.",
                    ),
                    (
                        "Inform stakeholders",
                        "Tell senior management as soon as possible, especially for P1 and P2, with a summary of the incident. They advise whether to escalate further.",
                    ),
                    (
                        "Decide whether to inform users",
                        "Tell users when they need to act or when it is a security issue. Not always: drawing attention to a defaced website can increase the impact. If in doubt, let them know.",
                    ),
                    (
                        "Post a status update",
                        "Say what is known, what is being done and when the next update will come. Repeat as things change.",
                    ),
                ],
            ),
            section(
                "Resolve",
                &[
                    ("Find the root cause", ""),
                    (
                        "Mitigate the impact",
                        "Look for ways to reduce the impact within working hours while the fix is found, such as advising users to use a previous version.",
                    ),
                    (
                        "Confirm the incident is resolved",
                        "Resolved means the primary negative impact on the service is gone, even if clean-up remains.",
                    ),
                    ("Post a final status update", ""),
                ],
            ),
            section(
                "Follow up",
                &[
                    ("Write the incident report", "Complete the report: impact, severity, timeline and actions taken."),
                    (
                        "Schedule the incident review",
                        "As soon as possible after resolution, ideally with everyone involved. Aim to establish the root cause and agree actions to prevent or mitigate a recurrence.",
                    ),
                    (
                        "Create issues for the review's actions",
                        "File each action as an issue in the repository it belongs to, and fold them into the next work cycle.",
                    ),
                    ("Add the incident to the monthly incident review", ""),
                ],
            ),
        ],
        channel_name_template: "inc-{number}-{name}".to_string(),
        private_channel: false,
        created_at: now_ms,
        updated_at: now_ms,
        ..Playbook::default()
    }
}

fn security_incident(team_id: &str, ids: &mut dyn IdGen, now_ms: i64) -> Playbook {
    Playbook {
        id: ids.new_id(),
        team_id: team_id.to_string(),
        title: SECURITY_INCIDENT_TITLE.to_string(),
        description: "For threats to the security of users or the team: compromised accounts, \
malicious code, data exposure. Runs in a private channel; keep the circle small until the threat \
is contained."
            .to_string(),
        checklists: vec![
            section(
                "Contain",
                &[
                    ("Assign an incident lead", "Make them the commander with `/incident commander @user`."),
                    (
                        "Preserve evidence",
                        "Before changing anything, keep logs, snapshots and copies of affected artefacts, with times noted.",
                    ),
                    (
                        "Contain the threat",
                        "Isolate affected systems, disable compromised accounts, take down or block malicious resources.",
                    ),
                    (
                        "Rotate affected credentials",
                        "Passwords, tokens and keys that were or could have been exposed, including platform accounts such as package registries.",
                    ),
                ],
            ),
            section(
                "Assess",
                &[
                    ("Assess severity (P1–P4)", ""),
                    (
                        "Determine the scope and entry point",
                        "Which systems, accounts, versions and time window are affected, and how the attacker got in.",
                    ),
                    (
                        "Assess whether personal data is affected",
                        "Whose data, what kind, and whether it was read, changed or lost. This decides who must be notified and how quickly.",
                    ),
                ],
            ),
            section(
                "Eradicate",
                &[
                    ("Remove the cause", "Malicious code, backdoors, rogue accounts; patch the vulnerability that let it in."),
                    ("Check for persistence", "Look for anything the attacker left behind to regain access."),
                ],
            ),
            section(
                "Recover",
                &[
                    ("Restore affected systems", "From known-good sources, then monitor them closely."),
                    ("Confirm the threat is gone", ""),
                ],
            ),
            section(
                "Notify",
                &[
                    ("Inform stakeholders", "Senior management and the security team, with a summary of the incident."),
                    (
                        "Notify the data protection officer if needed",
                        "If personal data is affected; a personal data breach may have to be reported to the regulator within 72 hours.",
                    ),
                    (
                        "Decide whether to inform users",
                        "Especially if they need to act, for example by upgrading or rotating their own credentials.",
                    ),
                    ("Write the incident report and schedule the review", ""),
                ],
            ),
        ],
        channel_name_template: "sec-{number}-{name}".to_string(),
        private_channel: true,
        created_at: now_ms,
        updated_at: now_ms,
        ..Playbook::default()
    }
}

fn section(title: &str, items: &[(&str, &str)]) -> PlaybookSection {
    PlaybookSection {
        title: title.to_string(),
        items: items
            .iter()
            .map(|(title, description)| PlaybookItem {
                title: (*title).to_string(),
                description: (*description).to_string(),
                ..PlaybookItem::default()
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SequentialIds;
    use crate::incident::{Incident, StartIncident};
    use crate::naming;

    fn defaults() -> Vec<Playbook> {
        default_playbooks("team1", &mut SequentialIds::new("pb"), 1_000)
    }

    #[test]
    fn two_playbooks_that_validate() {
        let playbooks = defaults();
        assert_eq!(playbooks.len(), 2);
        for playbook in &playbooks {
            playbook.validate().expect("default playbook is valid");
            assert_eq!(playbook.normalised().as_ref(), Ok(playbook), "already normalised");
            assert_eq!(playbook.team_id, "team1");
            assert_eq!((playbook.created_at, playbook.updated_at), (1_000, 1_000));
            assert!(playbook.member_ids.is_empty(), "every team member may use it");
        }
        assert_eq!(playbooks[0].id, "pb1");
        assert_eq!(playbooks[1].id, "pb2");
    }

    #[test]
    fn service_incident_has_the_gov_uk_duties() {
        let service = &defaults()[0];
        assert_eq!(service.title, SERVICE_INCIDENT_TITLE);
        assert!(!service.private_channel);
        let sections: Vec<&str> = service.checklists.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(sections, ["Triage", "Communicate", "Resolve", "Follow up"]);
        let titles: Vec<&str> = service.checklists.iter().flat_map(|s| &s.items).map(|i| i.title.as_str()).collect();
        for expected in [
            "Assign an incident lead",
            "Assign a comms lead",
            "Assess severity (P1–P4)",
            "Inform stakeholders",
            "Post a status update",
            "Write the incident report",
            "Schedule the incident review",
        ] {
            assert!(titles.contains(&expected), "missing {expected}");
        }
        assert_eq!(naming::channel_name(&service.channel_name_template, 42, "DB down"), "inc-0042-db-down");
    }

    #[test]
    fn security_incident_is_private() {
        let security = &defaults()[1];
        assert_eq!(security.title, SECURITY_INCIDENT_TITLE);
        assert!(security.private_channel);
        let sections: Vec<&str> = security.checklists.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(sections, ["Contain", "Assess", "Eradicate", "Recover", "Notify"]);
        let titles: Vec<&str> = security.checklists.iter().flat_map(|s| &s.items).map(|i| i.title.as_str()).collect();
        for expected in [
            "Preserve evidence",
            "Rotate affected credentials",
            "Assess whether personal data is affected",
            "Notify the data protection officer if needed",
        ] {
            assert!(titles.contains(&expected), "missing {expected}");
        }
        assert_eq!(naming::channel_name(&security.channel_name_template, 7, "npm token leak"), "sec-0007-npm-token-leak");
    }

    #[test]
    fn defaults_start_incidents() {
        for playbook in defaults() {
            let request = StartIncident {
                id: "i1".into(),
                team_id: "team1".into(),
                number: 1,
                name: "Test".into(),
                summary: String::new(),
                channel_id: "c1".into(),
                commander_id: "u1".into(),
                reporter_id: "u1".into(),
                ..StartIncident::default()
            };
            let incident =
                Incident::start(request, Some(&playbook), &mut SequentialIds::new("x"), 5).expect("start from default playbook");
            assert_eq!(incident.item_count(), playbook.item_count());
        }
    }
}
