//! Responder load: who holds what now, how many incidents each person worked per week, how long
//! they were engaged in incidents outside their working hours, and who led incidents most this
//! month, so that a team can share the load (docs/api.md, "Responder load").
//!
//! Definitions, from what an incident's record holds:
//!
//! - A person's **moments** in an incident: its start when they were its first commander, and
//!   every timeline event they made (`actor_id`) or that gave them or took from them the
//!   commander role, another role or a checklist item's assignment.
//! - They **hold** something in it when they are its commander, hold another role, or are
//!   assigned an open checklist item that applies.
//! - Their **engagement** runs from their first moment to their last one, or, while they still
//!   hold something, on to the incident's end (now while it is active), and counts only while
//!   the incident was active (an ended and reopened incident's pause in between does not).
//! - An incident counts as **worked** in a week when the engagement overlaps the week or a
//!   moment falls in it. Weeks start on Monday 00:00 in the zone of the person reading the report.
//! - **Out-of-hours** time is the engagement outside Monday–Friday 09:00–18:00 in the person's own
//!   Mattermost time zone (UTC when it is unknown, and the report says so).
//! - **Commander this month**: the incidents a person was commander of, while active, at any time
//!   since the 1st of the month (in the reader's zone).

use chrono_tz::Tz;
use serde::Serialize;

use crate::incident::{Incident, IncidentState};
use crate::timeline::TimelineEventKind;
use crate::working_hours::{month_start, out_of_hours_ms, parse_zone, week_starts};

/// Weeks a report looks back at most.
pub const MAX_WEEKS: usize = 26;

/// A role a person holds now in an active incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenRole {
    pub incident_id: String,
    pub reference: String,
    pub incident_name: String,
    pub channel_id: String,
    /// The role's name; for the commander, `commander` with `is_commander`.
    pub role: String,
    pub is_commander: bool,
}

/// An open checklist item assigned to a person in an active incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenItem {
    pub incident_id: String,
    pub reference: String,
    pub incident_name: String,
    pub channel_id: String,
    /// As `/incident check <number>` reads it.
    pub number: usize,
    pub title: String,
    pub due_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonLoad {
    pub user_id: String,
    /// The IANA zone their out-of-hours time is counted in.
    pub time_zone: String,
    /// False when their Mattermost time zone is empty or unknown: then it is counted in UTC.
    pub time_zone_known: bool,
    pub open_roles: Vec<OpenRole>,
    pub open_items: Vec<OpenItem>,
    /// Incidents worked in each of the report's weeks, oldest first.
    pub incidents_per_week: Vec<usize>,
    /// Incidents worked in any of the report's weeks.
    pub incidents: usize,
    /// Out-of-hours engagement since the first week's start.
    pub out_of_hours_ms: i64,
    /// Out-of-hours engagement since the 1st of this month.
    pub out_of_hours_ms_month: i64,
    /// Incidents they were commander of this month.
    pub commanded_this_month: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommanderCount {
    pub user_id: String,
    pub incidents: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadReport {
    /// The weeks' starts (Unix ms), oldest first; the last week runs until `now`.
    pub week_starts: Vec<i64>,
    pub month_start: i64,
    pub now: i64,
    /// The reader's zone, in which weeks and the month begin.
    pub zone: String,
    /// False when the reader's Mattermost time zone is empty or unknown: then weeks are UTC's.
    pub zone_known: bool,
    pub working_hours: &'static str,
    /// Incidents that counted: active ones, and those active at some time since the first
    /// week or month start.
    pub incidents: usize,
    /// People with anything to show, the most loaded now first.
    pub people: Vec<PersonLoad>,
    /// Commanders this month, most incidents first.
    pub commanders_this_month: Vec<CommanderCount>,
}

/// What a report is made of. `zone_of` answers a person's IANA zone name (their Mattermost
/// setting), if any; `only_user` limits the people to one (`/incident load`).
pub struct LoadQuery<'a> {
    pub reader_zone: Option<&'a str>,
    pub weeks: usize,
    pub now_ms: i64,
    pub only_user: Option<&'a str>,
}

/// Since when incidents count for a report read in `reader_zone` over `weeks` weeks: the first
/// week's start or the month's, whichever is earlier. An incident that ended before it counts
/// for nothing.
pub fn report_window_start(reader_zone: Option<&str>, weeks: usize, now_ms: i64) -> i64 {
    let reader = reader_zone.and_then(parse_zone).unwrap_or(chrono_tz::UTC);
    let first_week = week_starts(reader, now_ms, weeks.clamp(1, MAX_WEEKS)).first().copied().unwrap_or(now_ms);
    first_week.min(month_start(reader, now_ms))
}

/// The periods an incident was active, as `(from, to)` in Unix ms.
pub fn active_spans(incident: &Incident, now_ms: i64) -> Vec<(i64, i64)> {
    let mut spans = Vec::new();
    let mut open = Some(incident.created_at);
    for event in &incident.timeline {
        match event.kind {
            TimelineEventKind::IncidentEnded => {
                if let Some(from) = open.take() {
                    spans.push((from, event.at.max(from)));
                }
            }
            TimelineEventKind::IncidentReopened if open.is_none() => open = Some(event.at),
            _ => {}
        }
    }
    if let Some(from) = open {
        let to = match incident.state {
            IncidentState::Ended => incident.ended_at.unwrap_or(now_ms),
            IncidentState::Active => now_ms,
        };
        spans.push((from, to.max(from)));
    }
    spans
}

/// The incident's first commander (the `from` of the first hand-over, else the commander).
fn first_commander(incident: &Incident) -> &str {
    incident
        .timeline
        .iter()
        .find_map(|e| match &e.kind {
            TimelineEventKind::CommanderChanged { from, .. } => Some(from.as_str()),
            _ => None,
        })
        .unwrap_or(&incident.commander_id)
}

/// Whether a timeline event gives `user` or takes from them a role or an item.
fn concerns(kind: &TimelineEventKind, user: &str) -> bool {
    match kind {
        TimelineEventKind::CommanderChanged { from, to } => from == user || to == user,
        TimelineEventKind::RoleAssigned { from, to, .. } => from.as_deref() == Some(user) || to.as_deref() == Some(user),
        TimelineEventKind::ItemAssigned { assignee, .. } => assignee.as_deref() == Some(user),
        TimelineEventKind::ItemAssigneesChanged { added, removed, .. } => added.iter().chain(removed).any(|u| u == user),
        _ => false,
    }
}

/// A person's moments in an incident (module docs), in timeline order.
pub fn moments(incident: &Incident, user: &str) -> Vec<i64> {
    let mut at = Vec::new();
    if first_commander(incident) == user {
        at.push(incident.created_at);
    }
    at.extend(incident.timeline.iter().filter(|e| e.actor_id == user || concerns(&e.kind, user)).map(|e| e.at));
    at
}

/// Whether `user` holds anything in the incident as its record stands.
pub fn holds(incident: &Incident, user: &str) -> bool {
    incident.commander_id == user || incident.roles.iter().any(|r| r.user_id == user) || !open_items_of(incident, user).is_empty()
}

fn open_items_of<'i>(incident: &'i Incident, user: &str) -> Vec<(usize, &'i crate::ChecklistItem)> {
    incident
        .checklists
        .iter()
        .flat_map(|s| &s.items)
        .enumerate()
        .filter(|(_, item)| item.state == crate::ItemState::Open && item.is_assigned_to(user) && incident.item_applies(item))
        .map(|(i, item)| (i + 1, item))
        .collect()
}

/// The person's engagement (module docs) as active periods; empty when they had no part.
pub fn engagement(incident: &Incident, user: &str, now_ms: i64) -> Vec<(i64, i64)> {
    let at = moments(incident, user);
    let (Some(first), Some(last)) = (at.iter().min().copied(), at.iter().max().copied()) else {
        return Vec::new();
    };
    let until = if holds(incident, user) { i64::MAX } else { last };
    active_spans(incident, now_ms)
        .into_iter()
        .map(|(from, to)| (from.max(first), to.min(until)))
        .filter(|(from, to)| from <= to)
        .collect()
}

/// Who was commander when, as `(user, from, to)`, while the incident was active.
pub fn commander_spans(incident: &Incident, now_ms: i64) -> Vec<(String, i64, i64)> {
    let mut spans = Vec::new();
    let mut holder = first_commander(incident).to_owned();
    let mut since = incident.created_at;
    for event in &incident.timeline {
        if let TimelineEventKind::CommanderChanged { to, .. } = &event.kind {
            spans.push((std::mem::replace(&mut holder, to.clone()), since, event.at));
            since = event.at;
        }
    }
    spans.push((holder, since, i64::MAX));
    let active = active_spans(incident, now_ms);
    spans
        .into_iter()
        .flat_map(|(user, from, to)| {
            active
                .iter()
                .map(move |(a, b)| (user.clone(), from.max(*a), to.min(*b)))
                .filter(|(_, from, to)| from <= to)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Everyone with a part in the incident: commanders, role holders, assignees, actors, and those
/// events concern.
fn people_of(incident: &Incident) -> Vec<String> {
    let mut people: Vec<String> = vec![incident.commander_id.clone(), first_commander(incident).to_owned()];
    people.extend(incident.roles.iter().map(|r| r.user_id.clone()));
    people.extend(incident.checklists.iter().flat_map(|s| &s.items).flat_map(|i| i.assignee_ids.iter().cloned()));
    for event in &incident.timeline {
        people.push(event.actor_id.clone());
        match &event.kind {
            TimelineEventKind::RoleAssigned { from, to, .. } => people.extend(from.iter().chain(to).cloned()),
            TimelineEventKind::ItemAssigned { assignee: Some(a), .. } => people.push(a.clone()),
            TimelineEventKind::ItemAssigneesChanged { added, removed, .. } => people.extend(added.iter().chain(removed).cloned()),
            _ => {}
        }
    }
    people.retain(|p| !p.is_empty());
    people.sort();
    people.dedup();
    people
}

fn overlaps(spans: &[(i64, i64)], from: i64, to: i64) -> bool {
    spans.iter().any(|(a, b)| if a == b { (from..to).contains(a) } else { *a < to && *b > from })
}

fn out_of_hours_within(tz: Tz, spans: &[(i64, i64)], from: i64, to: i64) -> i64 {
    spans.iter().map(|(a, b)| out_of_hours_ms(tz, (*a).max(from), (*b).min(to))).sum()
}

/// The report over `incidents` (those the reader may see). `zone_of` answers a person's zone
/// name from their Mattermost settings, if any.
pub fn responder_load(incidents: &[Incident], zone_of: &mut dyn FnMut(&str) -> Option<String>, query: &LoadQuery) -> LoadReport {
    let now = query.now_ms;
    let reader = query.reader_zone.and_then(parse_zone).unwrap_or(chrono_tz::UTC);
    let weeks = week_starts(reader, now, query.weeks.clamp(1, MAX_WEEKS));
    let month = month_start(reader, now);
    let window = report_window_start(query.reader_zone, query.weeks, now);
    let relevant: Vec<&Incident> = incidents
        .iter()
        .filter(|i| i.state == IncidentState::Active || active_spans(i, now).iter().any(|(_, to)| *to >= window))
        .collect();

    // Each person's incidents, so that a person is weighed only against the incidents they
    // had a part in (a team's hundreds of incidents times its dozens of people otherwise).
    let mut parts: std::collections::BTreeMap<String, Vec<usize>> = std::collections::BTreeMap::new();
    for (n, incident) in relevant.iter().enumerate() {
        for person in people_of(incident) {
            parts.entry(person).or_default().push(n);
        }
    }
    let commander_spans: Vec<Vec<(String, i64, i64)>> = relevant.iter().map(|i| commander_spans(i, now)).collect();
    let mut people: Vec<String> = parts.keys().cloned().collect();
    if let Some(only) = query.only_user {
        people.retain(|p| p == only);
        if people.is_empty() {
            people.push(only.to_owned());
        }
    }

    let mut commanders: Vec<CommanderCount> = Vec::new();
    let mut loads = Vec::new();
    for user in &people {
        let named = zone_of(user).filter(|z| parse_zone(z).is_some());
        let tz = named.as_deref().and_then(parse_zone).unwrap_or(chrono_tz::UTC);
        let mut load = PersonLoad {
            user_id: user.clone(),
            time_zone: tz.name().to_owned(),
            time_zone_known: named.is_some(),
            open_roles: Vec::new(),
            open_items: Vec::new(),
            incidents_per_week: vec![0; weeks.len()],
            incidents: 0,
            out_of_hours_ms: 0,
            out_of_hours_ms_month: 0,
            commanded_this_month: 0,
        };
        for &n in parts.get(user).map(Vec::as_slice).unwrap_or_default() {
            let incident = relevant[n];
            if incident.state == IncidentState::Active {
                collect_open(incident, user, &mut load);
            }
            let engaged = engagement(incident, user, now);
            let at = moments(incident, user);
            let mut worked = false;
            for (w, from) in weeks.iter().enumerate() {
                let to = weeks.get(w + 1).copied().unwrap_or(now.saturating_add(1));
                if overlaps(&engaged, *from, to) || at.iter().any(|m| (*from..to).contains(m)) {
                    load.incidents_per_week[w] += 1;
                    worked = true;
                }
            }
            load.incidents += usize::from(worked);
            load.out_of_hours_ms += out_of_hours_within(tz, &engaged, weeks.first().copied().unwrap_or(now), now);
            load.out_of_hours_ms_month += out_of_hours_within(tz, &engaged, month, now);
            let led = commander_spans[n].iter().any(|(u, from, to)| u == user && *from <= now && *to > month);
            load.commanded_this_month += usize::from(led);
        }
        if load.commanded_this_month > 0 {
            commanders.push(CommanderCount { user_id: user.clone(), incidents: load.commanded_this_month });
        }
        let shows =
            !load.open_roles.is_empty() || !load.open_items.is_empty() || load.incidents > 0 || load.commanded_this_month > 0;
        if shows || query.only_user.is_some() {
            loads.push(load);
        }
    }
    loads.sort_by(|a, b| {
        let open = |l: &PersonLoad| l.open_roles.len() + l.open_items.len();
        open(b).cmp(&open(a)).then(b.incidents.cmp(&a.incidents)).then(a.user_id.cmp(&b.user_id))
    });
    commanders.sort_by(|a, b| b.incidents.cmp(&a.incidents).then(a.user_id.cmp(&b.user_id)));
    LoadReport {
        week_starts: weeks,
        month_start: month,
        now,
        zone: reader.name().to_owned(),
        zone_known: query.reader_zone.and_then(parse_zone).is_some(),
        working_hours: crate::working_hours::WORKING_HOURS,
        incidents: relevant.len(),
        people: loads,
        commanders_this_month: commanders,
    }
}

fn collect_open(incident: &Incident, user: &str, load: &mut PersonLoad) {
    let role = |name: &str, is_commander: bool| OpenRole {
        incident_id: incident.id.clone(),
        reference: incident.reference(),
        incident_name: incident.name.clone(),
        channel_id: incident.channel_id.clone(),
        role: name.to_owned(),
        is_commander,
    };
    if incident.commander_id == user {
        load.open_roles.push(role("commander", true));
    }
    for r in incident.roles.iter().filter(|r| r.user_id == user) {
        load.open_roles.push(role(&r.role, false));
    }
    for (number, item) in open_items_of(incident, user) {
        load.open_items.push(OpenItem {
            incident_id: incident.id.clone(),
            reference: incident.reference(),
            incident_name: incident.name.clone(),
            channel_id: incident.channel_id.clone(),
            number,
            title: item.title.clone(),
            due_at: item.due_at,
        });
    }
}

#[cfg(test)]
mod tests;
