//! Fixtures shared by the unit tests.

use crate::ids::SequentialIds;
use crate::incident::{Incident, StartIncident};
use crate::playbook::{Playbook, PlaybookItem, PlaybookSection};

pub const T0: i64 = 1_714_568_645_000; // 2024-05-01 13:04:05 UTC

pub fn request(name: &str) -> StartIncident {
    StartIncident {
        id: "inc1".into(),
        team_id: "team1".into(),
        number: 42,
        name: name.into(),
        summary: "Primary database unreachable".into(),
        channel_id: "chan1".into(),
        commander_id: "alice".into(),
        reporter_id: "bob".into(),
        ..StartIncident::default()
    }
}

fn item(title: &str, assignee: Option<&str>) -> PlaybookItem {
    PlaybookItem {
        title: title.into(),
        description: format!("How to {title}"),
        default_assignee_id: assignee.map(str::to_string),
        ..PlaybookItem::default()
    }
}

/// Two sections: Triage (items 1–2), Resolve (items 3–5).
pub fn playbook() -> Playbook {
    Playbook {
        id: "pb1".into(),
        team_id: "team1".into(),
        title: "Service incident".into(),
        description: "For outages".into(),
        checklists: vec![
            PlaybookSection {
                title: "Triage".into(),
                items: vec![item("Page the on-call", Some("carol")), item("Assess severity", None)],
            },
            PlaybookSection {
                title: "Resolve".into(),
                items: vec![
                    item("Find the cause", None),
                    PlaybookItem { command: Some("/status".into()), ..item("Post an update", None) },
                    item("Write the report", None),
                ],
            },
        ],
        channel_name_template: "inc-{number}-{name}".into(),
        created_at: 1,
        updated_at: 1,
        ..Playbook::default()
    }
}

/// An active incident started from [`playbook`] at [`T0`]; ids `s1`, `i2`... come from `ids`.
pub fn incident() -> Incident {
    Incident::start(request("Database down"), Some(&playbook()), &mut SequentialIds::new("id"), T0)
        .expect("start the fixture incident")
}

pub fn usernames(user_id: &str) -> Option<String> {
    match user_id {
        "alice" | "bob" | "carol" | "dave" => Some(format!("{user_id}_u")),
        _ => None,
    }
}
