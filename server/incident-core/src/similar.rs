//! Similar past incidents: the words a stored incident is found by, the words a new one asks
//! with, and how a suggestion reads ("INC-0031 … 2 of its follow-up actions are still open").
//!
//! The store ranks (SQLite's FTS5, PostgreSQL's text search); this module only decides which
//! words go in and how the answer is told, so both backends search the same text.

use crate::fields::FieldKind;
use crate::incident::{Incident, IncidentState};
use crate::time_fmt::Zone;
use crate::timeline::TimelineEventKind;

/// The timeline part of the indexed text is cut here (characters): the words that describe an
/// incident come early (summary, first notes), and an index row stays small whatever the size.
pub const MAX_BODY_CHARS: usize = 32_000;
/// Words one similarity query asks with at most.
pub const MAX_QUERY_TERMS: usize = 32;

/// What an incident is found by: `headline` (name, summary, playbook, field values: weighs
/// more) and `body` (the words of its timeline and status updates).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchWords {
    pub headline: String,
    pub body: String,
}

/// The title of the playbook the incident was started from, as its first event recorded it.
pub fn playbook_title(incident: &Incident) -> Option<&str> {
    incident.timeline.iter().find_map(|e| match &e.kind {
        TimelineEventKind::IncidentStarted { playbook, .. } => playbook.as_deref(),
        _ => None,
    })
}

/// Field values that are words (a user field holds an id: not a word anyone searches for).
fn field_words(incident: &Incident) -> impl Iterator<Item = &str> {
    incident.fields.iter().filter(|f| f.kind != FieldKind::User).filter_map(|f| f.value.as_deref())
}

pub fn search_words(incident: &Incident) -> SearchWords {
    let mut headline = vec![incident.name.as_str(), incident.summary.as_str()];
    headline.extend(playbook_title(incident));
    headline.extend(field_words(incident));
    let mut body = String::new();
    let mut push = |text: &str| {
        if body.len() < MAX_BODY_CHARS * 4 && !text.trim().is_empty() {
            body.push_str(text.trim());
            body.push('\n');
        }
    };
    for event in &incident.timeline {
        match &event.kind {
            TimelineEventKind::NoteAdded { text, .. } => push(text),
            TimelineEventKind::NoteEdited { to, .. } => push(to),
            TimelineEventKind::PostAdded { excerpt, note, .. } => {
                push(excerpt);
                push(note);
            }
            TimelineEventKind::Renamed { from, .. } | TimelineEventKind::SummaryChanged { from, .. } => push(from),
            TimelineEventKind::ItemChecked { evidence: Some(evidence), .. } => push(evidence),
            TimelineEventKind::IncidentPaused { reason } => push(reason),
            _ => {}
        }
    }
    for update in &incident.updates {
        push(&update.message);
        push(&update.impact);
    }
    SearchWords { headline: headline.join("\n"), body: body.chars().take(MAX_BODY_CHARS).collect() }
}

/// Words too common to tell incidents apart (English and French), separated by spaces.
const STOP_WORDS: &str = "the and for are was were with from this that not but has have had its our you all any can out \
    into after when some than then there their les des une est pas sur par dans pour incident incidents";

/// The distinct lower-cased words of `texts` worth asking with: letters and digits only (so
/// they are safe inside either backend's query syntax), three characters or more (two when
/// there is a digit: `5xx`, `db2`), no stop words; at most [`MAX_QUERY_TERMS`], first ones first.
pub fn query_terms<'t>(texts: impl IntoIterator<Item = &'t str>) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for text in texts {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            let word = word.to_lowercase();
            let chars = word.chars().count();
            let long_enough = chars >= 3 || (chars == 2 && word.chars().any(|c| c.is_ascii_digit()));
            if long_enough && chars <= 40 && !STOP_WORDS.split_whitespace().any(|stop| stop == word) && !terms.contains(&word) {
                terms.push(word);
                if terms.len() == MAX_QUERY_TERMS {
                    return terms;
                }
            }
        }
    }
    terms
}

/// The words a (new) incident asks with: its name, summary, playbook and field values.
pub fn incident_query_terms(incident: &Incident) -> Vec<String> {
    let mut texts = vec![incident.name.as_str(), incident.summary.as_str()];
    texts.extend(playbook_title(incident));
    texts.extend(field_words(incident));
    query_terms(texts)
}

/// A past incident offered as similar, with its outcome.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SimilarIncident {
    pub id: String,
    pub reference: String,
    pub name: String,
    pub state: IncidentState,
    pub severity: String,
    pub created_at: i64,
    pub ended_at: Option<i64>,
    /// From start to end, less the time paused (as the metrics count it).
    pub time_to_resolve_ms: Option<i64>,
    /// Its follow-up actions still open.
    pub open_actions: usize,
    pub actions: usize,
    /// Where its written report (learning review) is, if one was written.
    pub report_url: Option<String>,
}

impl SimilarIncident {
    pub fn of(incident: &Incident, open_actions: usize, actions: usize, report_url: Option<String>) -> Self {
        SimilarIncident {
            id: incident.id.clone(),
            reference: incident.reference(),
            name: incident.name.clone(),
            state: incident.state,
            severity: incident.severity.clone(),
            created_at: incident.created_at,
            ended_at: incident.ended_at,
            time_to_resolve_ms: crate::metrics::metrics(incident).time_to_resolve_ms,
            open_actions,
            actions,
            report_url,
        }
    }
}

/// One line of a suggestion post: the reference, the name (defused, as code so nothing in it
/// renders), the outcome (its end written in `zone`), the open follow-up actions and the report.
pub fn suggestion_line(s: &SimilarIncident, zone: Zone) -> String {
    let mut line = format!("- **{}** {}: ", s.reference, crate::render::safe(&s.name));
    match (s.ended_at, s.time_to_resolve_ms) {
        (Some(ended), Some(took)) => {
            line.push_str(&format!("resolved in {} (ended {})", crate::time_fmt::duration(took), zone.minute(ended)))
        }
        _ => line.push_str("still active"),
    }
    if !s.severity.is_empty() {
        line.push_str(&format!(", severity {}", crate::render::safe(&s.severity)));
    }
    match (s.open_actions, s.actions) {
        (0, 0) => {}
        (0, 1) => line.push_str("; its follow-up action is done"),
        (0, n) => line.push_str(&format!("; its {n} follow-up actions are done")),
        (1, _) => line.push_str("; 1 of its follow-up actions is still open"),
        (open, _) => line.push_str(&format!("; {open} of its follow-up actions are still open")),
    }
    if let Some(url) = &s.report_url {
        line.push_str(&format!("; report: {url}"));
    }
    line
}

/// The whole post: a heading, then one line per incident; `None` when there is nothing to say.
pub fn suggestion_post(reference: &str, similar: &[SimilarIncident], only_you: bool, zone: Zone) -> Option<String> {
    if similar.is_empty() {
        return None;
    }
    let heading = if only_you {
        format!("Past incidents like {reference} that you may see (shown only to you):")
    } else {
        format!("Past incidents like {reference}: what happened then may help now.")
    };
    let lines: Vec<String> = similar.iter().map(|s| suggestion_line(s, zone)).collect();
    Some(format!("{heading}\n{}", lines.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{T0, incident};

    #[test]
    fn terms_are_distinct_lowercase_words_without_stop_words_or_syntax() {
        let terms = query_terms(["Database FAILOVER: the primary \"db\" went read-only; 5xx", "database OR \"x\" NEAR(*)"]);
        assert_eq!(terms, vec!["database", "failover", "primary", "went", "read", "only", "5xx", "near"]);
        assert!(query_terms(["a an of"]).is_empty());
    }

    #[test]
    fn terms_are_capped() {
        let text: String = (0..100).map(|n| format!("word{n} ")).collect();
        assert_eq!(query_terms([text.as_str()]).len(), MAX_QUERY_TERMS);
    }

    #[test]
    fn search_words_hold_the_headline_and_the_timeline() {
        let mut i = incident();
        i.summary = "Checkout returns 502".into();
        i.add_note("alice", "Rolled back the payments deploy", Default::default(), None, T0 + 1000).expect("note");
        let words = search_words(&i);
        assert!(words.headline.contains(&i.name) && words.headline.contains("Checkout returns 502"));
        assert!(words.body.contains("Rolled back the payments deploy"));
    }

    #[test]
    fn a_line_tells_the_outcome_and_the_open_actions() {
        let mut i = incident();
        i.name = "DB @channel down".into();
        i.severity = "SEV-2".into();
        i.end("alice", T0 + 2 * 3_600_000).expect("end");
        let line = suggestion_line(&SimilarIncident::of(&i, 2, 3, Some("/r".into())), Zone::UTC);
        assert!(line.contains("resolved in 2h"), "{line}");
        let ended = i.ended_at.expect("ended");
        assert!(line.contains(&format!("(ended {})", Zone::UTC.minute(ended))), "{line}");
        let paris = Zone::named("Europe/Paris").expect("a zone");
        let in_paris = suggestion_line(&SimilarIncident::of(&i, 2, 3, None), paris);
        assert!(in_paris.contains(&format!("(ended {})", paris.minute(ended))), "the end in the reader's zone: {in_paris}");
        assert_ne!(paris.minute(ended), Zone::UTC.minute(ended));
        assert!(line.contains("2 of its follow-up actions are still open"), "{line}");
        assert!(line.contains("DB @\u{200B}channel down"), "mentions in names are defused: {line}");
        assert!(line.contains("report: /r"));
        let done = suggestion_line(&SimilarIncident::of(&i, 0, 1, None), Zone::UTC);
        assert!(done.contains("its follow-up action is done"), "{done}");
        assert_eq!(suggestion_post("INC-0002", &[], false, Zone::UTC), None);
    }
}
