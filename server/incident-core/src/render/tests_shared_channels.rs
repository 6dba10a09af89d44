//! The posts for shared channels: what a line for a private incident keeps out.

use super::*;
use crate::ids::SequentialIds;
use crate::test_support::{T0, incident};

/// A private incident "Payroll @all breach" at P1 with an update whose text must not travel.
fn private_incident() -> Incident {
    let mut incident = incident();
    incident.name = "Payroll @all breach".into();
    let conduct = crate::conduct::Conduct::default();
    incident.change_severity("alice", &conduct, "P1", T0).expect("severity");
    let draft = crate::lifecycle::UpdateDraft {
        status: Some("Identified".into()),
        impact: "payroll export".into(),
        message: "attacker exfiltrated the payroll export".into(),
        next_update_at: None,
        statuspage: false,
    };
    incident.post_update("bob", &conduct, &draft, &mut SequentialIds::new("u"), T0).expect("update");
    incident
}

fn assert_keeps_out(line: &str, incident: &Incident) {
    for secret in ["Payroll", "breach", "exfiltrated", "payroll export", "alice", "bob", "~"] {
        assert!(!line.contains(secret), "{secret:?} leaked into {line:?}");
    }
    assert!(line.contains(&incident.reference()), "{line}");
}

#[test]
fn lines_for_private_incidents_carry_no_name_people_channel_or_text() {
    let incident = private_incident();
    let update = incident.last_update().expect("update").clone();
    let announcement = private_announcement_line(&incident);
    assert_eq!(announcement, "A private incident was declared, severity P1 (INC-0042).");
    assert_eq!(private_update_line(&incident, &update), "INC-0042 (private) posted a status update: Identified");
    assert_eq!(private_stakeholder_line(&incident), "A private incident is P1 (INC-0042).");
    let digest = digest_line(&incident);
    assert_eq!(digest, "#### INC-0042 · private incident\nSeverity: P1 | Status: Identified\n");
    for line in [announcement, private_update_line(&incident, &update), private_stakeholder_line(&incident), digest] {
        assert_keeps_out(&line, &incident);
    }
}

#[test]
fn the_digest_line_is_struck_through_once_resolved() {
    let mut incident = private_incident();
    incident.change_status("bob", &crate::conduct::Conduct::default(), "Resolved", T0 + 1).expect("resolve");
    assert_eq!(digest_line(&incident), "#### ~~INC-0042 · private incident~~ (resolved)\nSeverity: P1 | Status: Resolved\n");
}

#[test]
fn a_private_incident_without_severity_is_still_announced_without_name() {
    let mut incident = incident();
    incident.severity.clear();
    assert_eq!(private_announcement_line(&incident), "A private incident was declared (INC-0042).");
}

#[test]
fn full_announcement_and_stakeholder_posts_defuse_the_name() {
    let incident = private_incident();
    let announcement = announcement_post(&incident, "inc-0042-payroll", "alice_u");
    assert_eq!(announcement, "INC-0042 **Payroll @\u{200B}all breach** started: ~inc-0042-payroll (commander @alice_u)");
    let stakeholder = stakeholder_post(&incident, "inc-0042-payroll", "@alice_u");
    assert_eq!(stakeholder, "INC-0042 **Payroll @\u{200B}all breach** is P1: ~inc-0042-payroll (commander @alice_u)");
}
