//! What the bot may post of an incident in a channel that is not the incident's own: the
//! digest, the announcement channels (per team, the playbook's) and the stakeholder channels.
//!
//! Everyone who reads such a channel reads the post, so a post carries only what every one of
//! them may see: a public incident of the channel's own team in full; a private incident at
//! most as a line without its name or text (or nothing, as the admin chooses); an incident of
//! another team nothing at all. Guests are the one approximation: a guest added to a shared
//! channel of the team reads the public incidents announced there (Mattermost itself lets
//! channel admins decide who reads a channel).
//!
//! The per-team channels are a System Console setting kept as JSON text,
//! `{"<team id>": {"announcement_channel_id": "…", "digest_channel_id": "…"}}`, parsed here.

use std::collections::BTreeMap;

/// How much of an incident a shared channel gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    /// Name, people, channel and update text, as the incident channel shows them.
    Full,
    /// Reference, severity and status only ("A private incident was declared, severity P1").
    Line,
    /// Not a word.
    Nothing,
}

/// The admin's choice for private incidents in shared channels (`PrivateIncidentsInSharedChannels`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrivatePolicy {
    Line,
    Nothing,
}

impl PrivatePolicy {
    /// `line` or `none`; empty is the default, `line`. Anything else is refused, and the caller
    /// falls back to [`PrivatePolicy::Nothing`], the choice that cannot leak.
    pub fn parse(value: &str) -> Result<Self, SharedChannelsError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "line" => Ok(PrivatePolicy::Line),
            "none" => Ok(PrivatePolicy::Nothing),
            _ => Err(SharedChannelsError::UnknownPolicy(value.to_owned())),
        }
    }
}

/// What the caller knows of the channel it would post in; `None` when it does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetChannel<'a> {
    pub team_id: &'a str,
    pub archived: bool,
}

/// What an incident of `incident_team_id` may show in `target`. `incident_public` must come
/// from the incident channel as it is now (a channel converted to private makes the incident
/// private from then on).
pub fn disclosure(
    incident_team_id: &str,
    incident_public: bool,
    target: Option<&TargetChannel<'_>>,
    policy: PrivatePolicy,
) -> Disclosure {
    let Some(target) = target else {
        return Disclosure::Nothing;
    };
    // Direct and group messages have no team: never a shared channel of the incident's team.
    if target.archived || target.team_id.is_empty() || target.team_id != incident_team_id {
        return Disclosure::Nothing;
    }
    match (incident_public, policy) {
        (true, _) => Disclosure::Full,
        (false, PrivatePolicy::Line) => Disclosure::Line,
        (false, PrivatePolicy::Nothing) => Disclosure::Nothing,
    }
}

/// One team's shared channels, by id; empty means none set here.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TeamChannels {
    pub announcement_channel_id: String,
    pub digest_channel_id: String,
}

/// Per team id, its shared channels.
pub type TeamChannelsSetting = BTreeMap<String, TeamChannels>;

/// Reads the `TeamChannels` setting: JSON text, or the same JSON already as an object (a
/// config file may hold either). Empty text is no per-team channels.
pub fn parse_team_channels(value: &serde_json::Value) -> Result<TeamChannelsSetting, SharedChannelsError> {
    let parsed = match value {
        serde_json::Value::Null => return Ok(TeamChannelsSetting::new()),
        serde_json::Value::String(text) if text.trim().is_empty() => return Ok(TeamChannelsSetting::new()),
        serde_json::Value::String(text) => serde_json::from_str::<TeamChannelsSetting>(text),
        other => serde_json::from_value::<TeamChannelsSetting>(other.clone()),
    };
    let mut setting = parsed.map_err(|e| SharedChannelsError::Malformed(e.to_string()))?;
    for channels in setting.values_mut() {
        channels.announcement_channel_id = channels.announcement_channel_id.trim().to_owned();
        channels.digest_channel_id = channels.digest_channel_id.trim().to_owned();
    }
    setting.retain(|team, channels| !team.trim().is_empty() && *channels != TeamChannels::default());
    Ok(setting)
}

/// Why a shared-channel setting cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SharedChannelsError {
    #[error(
        "TeamChannels is not valid JSON of the form {{\"<team id>\": {{\"announcement_channel_id\": \"…\", \"digest_channel_id\": \"…\"}}}}: {0}"
    )]
    Malformed(String),
    #[error(
        "PrivateIncidentsInSharedChannels must be \"line\" or \"none\", not \"{0}\"; private incidents are kept out of shared channels until it is fixed"
    )]
    UnknownPolicy(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(team_id: &str) -> TargetChannel<'_> {
        TargetChannel { team_id, archived: false }
    }

    #[test]
    fn only_a_public_incident_of_the_channels_team_is_shown_in_full() {
        let same = target("t1");
        assert_eq!(disclosure("t1", true, Some(&same), PrivatePolicy::Line), Disclosure::Full);
        assert_eq!(disclosure("t1", false, Some(&same), PrivatePolicy::Line), Disclosure::Line);
        assert_eq!(disclosure("t1", false, Some(&same), PrivatePolicy::Nothing), Disclosure::Nothing);
    }

    #[test]
    fn another_team_an_archived_a_missing_or_a_direct_channel_gets_nothing() {
        for policy in [PrivatePolicy::Line, PrivatePolicy::Nothing] {
            for public in [true, false] {
                assert_eq!(disclosure("t1", public, Some(&target("t2")), policy), Disclosure::Nothing);
                assert_eq!(disclosure("t1", public, Some(&target("")), policy), Disclosure::Nothing);
                assert_eq!(
                    disclosure("t1", public, Some(&TargetChannel { team_id: "t1", archived: true }), policy),
                    Disclosure::Nothing
                );
                assert_eq!(disclosure("t1", public, None, policy), Disclosure::Nothing);
            }
        }
    }

    #[test]
    fn the_policy_reads_line_or_none_and_refuses_the_rest() {
        assert_eq!(PrivatePolicy::parse(""), Ok(PrivatePolicy::Line));
        assert_eq!(PrivatePolicy::parse(" Line "), Ok(PrivatePolicy::Line));
        assert_eq!(PrivatePolicy::parse("none"), Ok(PrivatePolicy::Nothing));
        assert!(matches!(PrivatePolicy::parse("full"), Err(SharedChannelsError::UnknownPolicy(_))));
    }

    #[test]
    fn team_channels_read_from_text_or_object_and_drop_empty_entries() {
        let text = serde_json::json!(r#"{"t1": {"announcement_channel_id": " a1 ", "digest_channel_id": "d1"}, "t2": {}}"#);
        let setting = parse_team_channels(&text).expect("valid");
        assert_eq!(setting.len(), 1);
        assert_eq!(setting["t1"], TeamChannels { announcement_channel_id: "a1".into(), digest_channel_id: "d1".into() });
        let object = serde_json::json!({"t1": {"digest_channel_id": "d1"}});
        assert_eq!(parse_team_channels(&object).expect("valid")["t1"].digest_channel_id, "d1");
        assert_eq!(parse_team_channels(&serde_json::json!("")).expect("empty"), TeamChannelsSetting::new());
        assert_eq!(parse_team_channels(&serde_json::Value::Null).expect("absent"), TeamChannelsSetting::new());
    }

    #[test]
    fn malformed_team_channels_are_refused_with_the_expected_form() {
        for bad in [serde_json::json!("{not json"), serde_json::json!({"t1": {"stakeholders": "x"}}), serde_json::json!([1])] {
            let error = parse_team_channels(&bad).expect_err("refused");
            assert!(error.to_string().contains("announcement_channel_id"), "{error}");
        }
    }
}
