//! Several incidents may share a channel (`/incident start --here`, or a second incident
//! started in another one's channel). A command typed there without a reference means the
//! channel's incident only when that is unambiguous; this decides which, or says why not.

use crate::Incident;
use crate::render::safe;

/// What a command without a reference means in a channel, among the incidents of the channel
/// the caller may see.
#[derive(Debug, Clone, PartialEq)]
pub enum ChannelChoice<'a> {
    /// The channel holds no incident (the caller may see).
    None,
    /// Exactly one incident is meant: the only one, or the only active one.
    One(&'a Incident),
    /// Several are candidates (the active ones, or all when none is active): a reference is needed.
    Several(Vec<&'a Incident>),
}

/// The only incident of the channel, else its only active one; else the candidates.
pub fn choose<'a>(incidents: &[&'a Incident]) -> ChannelChoice<'a> {
    match incidents {
        [] => ChannelChoice::None,
        [only] => ChannelChoice::One(only),
        all => {
            let active: Vec<&Incident> = all.iter().copied().filter(|i| i.is_active()).collect();
            match active.as_slice() {
                [only] => ChannelChoice::One(only),
                [] => ChannelChoice::Several(all.to_vec()),
                _ => ChannelChoice::Several(active),
            }
        }
    }
}

/// At most this many candidates are named in the answer; the rest are counted.
const NAMED: usize = 10;

/// The answer to a command that needs a reference in a channel of several incidents: which
/// ones there are and how to name one. Names are the caller's to see (they were filtered), and
/// defused, since the answer renders as Markdown.
pub fn ambiguity_message(candidates: &[&Incident]) -> String {
    let active = candidates.iter().all(|i| i.is_active());
    let mut text = format!(
        "This channel has {} {}incidents; say which one with its reference, e.g. `/incident info {}`:\n",
        candidates.len(),
        if active { "active " } else { "" },
        candidates.first().map(|i| i.reference()).unwrap_or_default()
    );
    for incident in candidates.iter().take(NAMED) {
        let ended = if incident.is_active() { "" } else { " (ended)" };
        text.push_str(&format!("- {} **{}**{ended}\n", incident.reference(), safe(&incident.name)));
    }
    if candidates.len() > NAMED {
        text.push_str(&format!("- and {} more: see `/incident list`\n", candidates.len() - NAMED));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IncidentState;
    use crate::ids::SequentialIds;
    use crate::test_support::{T0, request};

    fn incident(number: u32, active: bool) -> Incident {
        let mut i =
            Incident::start(request(&format!("outage @all {number}")), None, &mut SequentialIds::new("e"), T0).expect("starts");
        i.number = number;
        if !active {
            i.state = IncidentState::Ended;
        }
        i
    }

    #[test]
    fn one_incident_is_meant_whatever_its_state() {
        let ended = incident(1, false);
        assert_eq!(choose(&[&ended]), ChannelChoice::One(&ended));
        assert_eq!(choose(&[]), ChannelChoice::None);
    }

    #[test]
    fn among_several_the_only_active_one_is_meant() {
        let (old, now) = (incident(1, false), incident(2, true));
        assert_eq!(choose(&[&old, &now]), ChannelChoice::One(&now));
    }

    #[test]
    fn several_active_or_several_ended_need_a_reference() {
        let (a, b, c) = (incident(1, true), incident(2, true), incident(3, false));
        assert_eq!(choose(&[&a, &b, &c]), ChannelChoice::Several(vec![&a, &b]));
        let (d, e) = (incident(4, false), incident(5, false));
        assert_eq!(choose(&[&d, &e]), ChannelChoice::Several(vec![&d, &e]));
    }

    #[test]
    fn the_ambiguity_names_each_candidate_defused_and_how_to_choose() {
        let (a, b) = (incident(7, true), incident(8, true));
        let text = ambiguity_message(&[&a, &b]);
        assert!(text.starts_with("This channel has 2 active incidents"), "{text}");
        assert!(text.contains("`/incident info INC-0007`"), "{text}");
        assert!(text.contains("- INC-0008 **outage @\u{200b}all 8**"), "{text}");
        let many: Vec<Incident> = (1..=12).map(|n| incident(n, true)).collect();
        let refs: Vec<&Incident> = many.iter().collect();
        let text = ambiguity_message(&refs);
        assert!(text.contains("INC-0010") && !text.contains("INC-0011") && text.contains("and 2 more"), "{text}");
    }
}
