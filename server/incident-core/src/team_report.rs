//! Reports across incidents: how many, how severe, from which playbooks, how fast (mean time to
//! the first update, to mitigation, to resolution) per week or month, open follow-up actions,
//! and the list the GOV.UK monthly review goes through. Pure: the caller passes the incidents
//! (those the reader may see) and actions.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::actions::{ActionState, FollowUpAction};
use crate::incident::Incident;
use crate::metrics::{IncidentMetrics, metrics};
use crate::time_fmt;

const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Week,
    Month,
}

impl Period {
    pub fn parse(word: &str) -> Option<Period> {
        match word {
            "week" => Some(Period::Week),
            "month" => Some(Period::Month),
            _ => None,
        }
    }

    /// The start (UTC) of the period `ms` falls in: Monday 00:00 or the 1st, 00:00.
    fn start_of(self, ms: i64) -> i64 {
        let day = ms.div_euclid(DAY_MS);
        match self {
            // 1970-01-01 was a Thursday: Monday is 3 days before.
            Period::Week => (day - (day + 3).rem_euclid(7)) * DAY_MS,
            Period::Month => {
                let date = time_fmt::utc_date(ms);
                time_fmt::parse_utc_date(&format!("{}-01", &date[..7])).unwrap_or(day * DAY_MS)
            }
        }
    }

    /// The start of the period before the one starting at `start`.
    fn previous(self, start: i64) -> i64 {
        match self {
            Period::Week => start - 7 * DAY_MS,
            Period::Month => self.start_of(start - DAY_MS),
        }
    }

    fn label(self, start: i64) -> String {
        match self {
            Period::Week => format!("week of {}", time_fmt::utc_date(start)),
            Period::Month => time_fmt::utc_date(start)[..7].to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    pub start: i64,
    pub label: String,
    pub incidents: usize,
    pub by_severity: BTreeMap<String, usize>,
    pub mean_time_to_first_update_ms: Option<i64>,
    pub mean_time_to_mitigate_ms: Option<i64>,
    pub mean_time_to_resolve_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewEntry {
    pub incident_id: String,
    pub reference: String,
    pub name: String,
    pub severity: String,
    pub ended_at: Option<i64>,
    pub duration_ms: i64,
    pub open_actions: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamReport {
    pub period: &'static str,
    /// Oldest first; the last is the current period.
    pub buckets: Vec<Bucket>,
    pub by_severity: BTreeMap<String, usize>,
    /// (playbook title, count), most used first.
    pub by_playbook: Vec<(String, usize)>,
    pub open_actions: usize,
    pub overdue_actions: usize,
    /// Incidents ended in the previous calendar month: what the monthly review goes through.
    pub monthly_review: Vec<ReviewEntry>,
}

fn mean(values: impl Iterator<Item = i64>) -> Option<i64> {
    let (sum, n) = values.fold((0i64, 0i64), |(s, n), v| (s.saturating_add(v), n + 1));
    (n > 0).then(|| sum / n)
}

/// What the team report needs of one incident: a few fields and its metrics, so that a report
/// over thousands of incidents holds these, not their documents (which are read a few at a
/// time and dropped).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportIncident {
    pub id: String,
    pub reference: String,
    pub name: String,
    pub severity: String,
    pub playbook_id: Option<String>,
    pub created_at: i64,
    pub ended_at: Option<i64>,
    pub duration_ms: i64,
    pub metrics: IncidentMetrics,
}

impl ReportIncident {
    pub fn of(i: &Incident, now_ms: i64) -> Self {
        ReportIncident {
            id: i.id.clone(),
            reference: i.reference(),
            name: i.name.clone(),
            severity: severity_name(i),
            playbook_id: i.playbook_id.clone(),
            created_at: i.created_at,
            ended_at: i.ended_at,
            duration_ms: i.duration_ms(now_ms),
            metrics: metrics(i),
        }
    }
}

/// The open follow-up actions a report counts (of the incidents it covers), as counts: the
/// caller counts them in the database.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpenActions {
    pub open: usize,
    pub overdue: usize,
    /// Open actions per incident id.
    pub open_by_incident: BTreeMap<String, usize>,
}

impl OpenActions {
    /// Counts a list of actions (tests, small callers).
    pub fn count(actions: &[FollowUpAction], now_ms: i64) -> Self {
        let mut counts = OpenActions::default();
        for a in actions.iter().filter(|a| a.state == ActionState::Open) {
            counts.open += 1;
            if a.is_overdue(now_ms) {
                counts.overdue += 1;
            }
            *counts.open_by_incident.entry(a.incident_id.clone()).or_insert(0) += 1;
        }
        counts
    }
}

/// `playbook_title` names a playbook id (None: no playbook, or one since deleted).
pub fn team_report(
    incidents: &[ReportIncident],
    actions: &OpenActions,
    playbook_title: &dyn Fn(&str) -> Option<String>,
    period: Period,
    periods: usize,
    now_ms: i64,
) -> TeamReport {
    let mut starts = vec![period.start_of(now_ms)];
    for _ in 1..periods.clamp(1, 104) {
        let previous = period.previous(*starts.last().unwrap_or(&now_ms));
        starts.push(previous);
    }
    starts.reverse();
    let buckets = starts
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            let end = starts.get(n + 1).copied().unwrap_or(i64::MAX);
            let within: Vec<&ReportIncident> = incidents.iter().filter(|i| i.created_at >= start && i.created_at < end).collect();
            let mut by_severity = BTreeMap::new();
            for i in &within {
                *by_severity.entry(i.severity.clone()).or_insert(0) += 1;
            }
            Bucket {
                start,
                label: period.label(start),
                incidents: within.len(),
                by_severity,
                mean_time_to_first_update_ms: mean(within.iter().filter_map(|x| x.metrics.time_to_first_update_ms)),
                mean_time_to_mitigate_ms: mean(within.iter().filter_map(|x| x.metrics.time_to_mitigate_ms)),
                mean_time_to_resolve_ms: mean(within.iter().filter_map(|x| x.metrics.time_to_resolve_ms)),
            }
        })
        .collect();
    let first = starts.first().copied().unwrap_or(now_ms);
    let in_range: Vec<&ReportIncident> = incidents.iter().filter(|i| i.created_at >= first).collect();
    let mut by_severity = BTreeMap::new();
    let mut playbooks: BTreeMap<String, usize> = BTreeMap::new();
    for i in &in_range {
        *by_severity.entry(i.severity.clone()).or_insert(0) += 1;
        let title = i.playbook_id.as_deref().and_then(playbook_title).unwrap_or_else(|| "No playbook".to_string());
        *playbooks.entry(title).or_insert(0) += 1;
    }
    let mut by_playbook: Vec<(String, usize)> = playbooks.into_iter().collect();
    by_playbook.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (this_month, last_month) = review_month(now_ms);
    let mut monthly_review: Vec<ReviewEntry> = incidents
        .iter()
        .filter(|i| i.ended_at.is_some_and(|e| e >= last_month && e < this_month))
        .map(|i| ReviewEntry {
            incident_id: i.id.clone(),
            reference: i.reference.clone(),
            name: i.name.clone(),
            severity: i.severity.clone(),
            ended_at: i.ended_at,
            duration_ms: i.duration_ms,
            open_actions: actions.open_by_incident.get(&i.id).copied().unwrap_or(0),
        })
        .collect();
    monthly_review.sort_by_key(|r| r.ended_at);
    TeamReport {
        period: match period {
            Period::Week => "week",
            Period::Month => "month",
        },
        buckets,
        by_severity,
        by_playbook,
        open_actions: actions.open,
        overdue_actions: actions.overdue,
        monthly_review,
    }
}

/// One team's line in the cross-team report (system admins): its incidents started since the
/// report's start, how many are still active, by severity, and the mean times.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamSummary {
    pub team_id: String,
    pub incidents: usize,
    pub active: usize,
    pub by_severity: BTreeMap<String, usize>,
    pub mean_time_to_first_update_ms: Option<i64>,
    pub mean_time_to_resolve_ms: Option<i64>,
}

/// Per team (by team id), the incidents of `rows` (team id, incident) created at or after
/// `since`; teams without any are left out. Most incidents first, then by team id.
pub fn cross_team_summaries(rows: &[(String, ReportIncident)], since: i64) -> Vec<TeamSummary> {
    let mut teams: BTreeMap<&str, Vec<&ReportIncident>> = BTreeMap::new();
    for (team, incident) in rows.iter().filter(|(_, i)| i.created_at >= since) {
        teams.entry(team.as_str()).or_default().push(incident);
    }
    let mut out: Vec<TeamSummary> = teams
        .into_iter()
        .map(|(team, incidents)| {
            let mut by_severity = BTreeMap::new();
            for i in &incidents {
                *by_severity.entry(i.severity.clone()).or_insert(0) += 1;
            }
            TeamSummary {
                team_id: team.to_string(),
                incidents: incidents.len(),
                active: incidents.iter().filter(|i| i.ended_at.is_none()).count(),
                by_severity,
                mean_time_to_first_update_ms: mean(incidents.iter().filter_map(|i| i.metrics.time_to_first_update_ms)),
                mean_time_to_resolve_ms: mean(incidents.iter().filter_map(|i| i.metrics.time_to_resolve_ms)),
            }
        })
        .collect();
    out.sort_by(|a, b| b.incidents.cmp(&a.incidents).then(a.team_id.cmp(&b.team_id)));
    out
}

/// The report's first period start: incidents created before it only count when they ended in
/// the review month.
pub fn first_period_start(period: Period, periods: usize, now_ms: i64) -> i64 {
    let mut start = period.start_of(now_ms);
    for _ in 1..periods.clamp(1, 104) {
        start = period.previous(start);
    }
    start
}

/// (start of this month, start of last month): the monthly review lists incidents ended between.
pub fn review_month(now_ms: i64) -> (i64, i64) {
    let this_month = Period::Month.start_of(now_ms);
    (this_month, Period::Month.previous(this_month))
}

fn severity_name(i: &Incident) -> String {
    if i.severity.is_empty() { "not set".to_string() } else { i.severity.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::ActionDraft;
    use crate::ids::SequentialIds;
    use crate::incident::StartIncident;

    fn at(date: &str, hour: i64) -> i64 {
        time_fmt::parse_utc_date(date).expect("date") + hour * 3_600_000
    }

    fn incident(n: u32, created: i64, severity: &str, playbook: Option<&str>, ended_after_h: Option<i64>) -> Incident {
        let request = StartIncident {
            id: format!("i{n}"),
            team_id: "t".into(),
            number: n,
            name: format!("Incident {n}"),
            channel_id: format!("c{n}"),
            commander_id: "alice".into(),
            reporter_id: "alice".into(),
            severity: severity.into(),
            status: "Investigating".into(),
            ..StartIncident::default()
        };
        let mut i = Incident::start(request, None, &mut SequentialIds::new("x"), created).expect("start");
        i.playbook_id = playbook.map(str::to_string);
        if let Some(h) = ended_after_h {
            i.end("alice", created + h * 3_600_000).expect("end");
        }
        i
    }

    #[test]
    fn months_weeks_severities_playbooks_means_and_the_review_list() {
        let now = at("2026-11-23", 12);
        let incidents = [
            incident(1, at("2026-09-10", 0), "P3", None, Some(2)),
            incident(2, at("2026-10-05", 0), "P1", Some("pb1"), Some(4)),
            incident(3, at("2026-10-20", 0), "P2", Some("pb1"), Some(2)),
            incident(4, at("2026-11-20", 0), "P1", Some("gone"), None),
        ];
        let actions = vec![
            FollowUpAction::new(
                "a1",
                "i2",
                "t",
                "alice",
                &ActionDraft { text: "x".into(), due_at: Some(at("2026-11-01", 0)), ..ActionDraft::default() },
                now,
            )
            .expect("a"),
            FollowUpAction::new("a2", "i3", "t", "alice", &ActionDraft { text: "y".into(), ..ActionDraft::default() }, now)
                .expect("a"),
        ];
        let title = |id: &str| (id == "pb1").then(|| "Service incident".to_string());
        let rows: Vec<ReportIncident> = incidents.iter().map(|i| ReportIncident::of(i, now)).collect();
        let actions = OpenActions::count(&actions, now);
        let r = team_report(&rows, &actions, &title, Period::Month, 3, now);
        assert_eq!(
            r.buckets.iter().map(|b| (b.label.as_str(), b.incidents)).collect::<Vec<_>>(),
            [("2026-09", 1), ("2026-10", 2), ("2026-11", 1)]
        );
        assert_eq!(r.buckets[1].mean_time_to_resolve_ms, Some(3 * 3_600_000), "(4 h + 2 h) / 2");
        assert_eq!(r.buckets[2].mean_time_to_resolve_ms, None, "still active");
        assert_eq!(r.buckets[1].by_severity.get("P1"), Some(&1));
        assert_eq!(r.by_playbook, [("No playbook".to_string(), 2), ("Service incident".to_string(), 2)], "ties by name");
        assert_eq!((r.open_actions, r.overdue_actions), (2, 1));
        assert_eq!(
            r.monthly_review.iter().map(|e| (e.reference.as_str(), e.open_actions)).collect::<Vec<_>>(),
            [("INC-0002", 1), ("INC-0003", 1)]
        );

        let by_team: Vec<(String, ReportIncident)> =
            rows.iter().enumerate().map(|(n, r)| (if n == 0 { "t2" } else { "t1" }.to_string(), r.clone())).collect();
        let teams = cross_team_summaries(&by_team, at("2026-10-01", 0));
        assert_eq!(teams.len(), 1, "t2's only incident is older than the start: {teams:?}");
        assert_eq!((teams[0].team_id.as_str(), teams[0].incidents, teams[0].active), ("t1", 3, 1));
        assert_eq!(teams[0].by_severity.get("P1"), Some(&2));
        assert_eq!(teams[0].mean_time_to_resolve_ms, Some(3 * 3_600_000));
        let all = cross_team_summaries(&by_team, 0);
        assert_eq!(all.iter().map(|t| (t.team_id.as_str(), t.incidents)).collect::<Vec<_>>(), [("t1", 3), ("t2", 1)]);

        let w = team_report(&rows, &actions, &title, Period::Week, 2, now);
        assert_eq!(w.buckets[1].label, "week of 2026-11-23", "a Monday");
        assert_eq!(w.buckets[0].label, "week of 2026-11-16");
        assert_eq!(w.buckets.iter().map(|b| b.incidents).collect::<Vec<_>>(), [1, 0]);
    }
}
