//! Golden bytes of every Mattermost release: what each `server/public` release's host code puts
//! on the plugin RPC for the types that changed between releases, recorded with that release's
//! own Go types by `tests/conformance/cmd/gobgolden` (`build/conformance-versions.sh golden`)
//! into `tests/golden/<release>/`, and checked byte for byte against a new recording by the
//! conformance suite on each release. Here our decoders read them: the fields the plugin reads
//! come out as recorded, and the fields a release added (all filled, so gob sends them) are
//! skipped without error. The other direction is golden_to_go.rs.

mod golden_values;

use std::collections::BTreeMap;

use golden_values::*;
use mm_model::{OpenDialogRequest, Props, WebsocketBroadcast};
use mm_protocol::wire::{ExecuteCommandArgs, ExecuteCommandReturns};

// --- What changed between releases (docs/compatibility.md) -------------------------------

/// A field of a Go struct type (or, `field` empty, a type) that releases added (`since`) or
/// removed (`until`, the first release without it). Our models declare none of them.
struct Change {
    go_type: &'static str,
    field: &'static str,
    since: Release,
    until: Option<Release>,
}

const fn added(go_type: &'static str, field: &'static str, since: Release) -> Change {
    Change { go_type, field, since, until: None }
}

const CHANGES: &[Change] = &[
    added("Context", "ConnectionId", (0, 4, 0)),
    added("CommandArgs", "ConnectionId", (0, 4, 0)),
    added("Channel", "BannerInfo", (0, 1, 11)),
    added("Channel", "PolicyEnforced", (0, 1, 13)),
    added("Channel", "DefaultCategoryName", (0, 1, 16)),
    added("Channel", "AutoTranslation", (0, 1, 22)),
    added("Channel", "PolicyIsActive", (0, 1, 22)),
    added("Channel", "ManagedCategoryName", (0, 4, 0)),
    added("Channel", "Discoverable", (0, 4, 1)),
    added("Channel", "PolicyActions", (0, 4, 1)),
    added("ChannelMember", "AutoTranslationDisabled", (0, 2, 0)),
    added("Team", "PolicyActions", (0, 4, 3)),
    added("Team", "PolicyEnforced", (0, 4, 3)),
    added("Team", "PolicyIsActive", (0, 4, 3)),
    added("Team", "Recommended", (0, 4, 4)),
    added("PostList", "BurnOnReadPosts", (0, 1, 22)),
    added("PostMetadata", "ExpireAt", (0, 1, 22)),
    added("PostMetadata", "Recipients", (0, 1, 22)),
    added("PostMetadata", "Translations", (0, 1, 22)),
    added("PostMetadata", "RedactedFileCount", (0, 4, 0)),
    added("WebsocketBroadcast", "RequiredPermissions", (0, 4, 4)),
    added("DialogElement", "DataSourceURL", (0, 1, 17)),
    added("DialogElement", "MultiSelect", (0, 1, 17)),
    added("DialogElement", "Refresh", (0, 1, 20)),
    Change { go_type: "DialogElement", field: "MinDate", since: (0, 1, 20), until: Some((0, 4, 4)) },
    Change { go_type: "DialogElement", field: "MaxDate", since: (0, 1, 20), until: Some((0, 4, 4)) },
    Change { go_type: "DialogElement", field: "TimeInterval", since: (0, 1, 20), until: Some((0, 4, 4)) },
    added("DialogElement", "DateTimeConfig", (0, 2, 1)),
    added("DialogElement", "AllowMultiple", (0, 4, 4)),
    added("DialogDateTimeConfig", "MinDate", (0, 4, 0)),
    added("DialogElement", "ActionButton", (0, 4, 4)),
    added("Dialog", "SourceURL", (0, 1, 20)),
    // CommandResponse.Attachments' element type (gob sends these structs without a name; the
    // slice type's name tells them apart): SlackAttachment, MessageAttachment from v0.2.1.
    Change { go_type: "[]*model.SlackAttachment", field: "", since: (0, 0, 0), until: Some((0, 2, 1)) },
    added("[]*model.MessageAttachment", "", (0, 2, 1)),
];

fn present_in(c: &Change, release: Release) -> bool {
    release >= c.since && c.until.is_none_or(|u| release < u)
}

/// Every recording of every release decodes into what the recorder set; the changed fields are
/// in the recordings exactly from the release that added them (so the skipping above is
/// exercised, and the list of changes is the releases' own).
#[test]
fn every_release_decodes_with_our_types() {
    let releases = releases();
    assert!(releases.len() >= 2, "recordings of at least the oldest and newest release: {releases:?}");
    let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (name, release) in &releases {
        let mut streams = Vec::new();

        let mut st = Stream::open(name, "ExecuteCommand.request");
        st.request("ExecuteCommand");
        let args: ExecuteCommandArgs = st.next();
        let has_connection_id = st.has_field("Context", "ConnectionId");
        assert_eq!(args.a, Some(context(has_connection_id)), "{name}: hook context");
        assert_eq!(args.b, Some(command_args()), "{name}: command arguments");
        streams.push(st);

        streams.push(api_answer(name, "GetTeam", team()));

        streams.push(api_answer(name, "GetChannel", channel()));

        streams.push(api_answer(name, "GetChannelMember", channel_member()));

        streams.push(api_answer(name, "GetPostThread", post_list()));

        // The types we send, as a Go plugin of that release sends them with every field set:
        // our decoders read them too.
        let mut st = Stream::open(name, "ExecuteCommand.response");
        st.response("ExecuteCommand");
        let r: ExecuteCommandReturns = st.next();
        assert_eq!(r.a, Some(command_response()), "{name}: CommandResponse");
        assert!(r.b.is_none(), "{name}: no AppError");
        streams.push(st);

        let mut st = Stream::open(name, "OpenInteractiveDialog.request");
        st.request("OpenInteractiveDialog");
        let r: Args1<OpenDialogRequest> = st.next();
        assert_eq!(r.a, open_dialog_request(), "{name}: OpenDialogRequest");
        streams.push(st);

        let mut st = Stream::open(name, "PublishWebSocketEvent.request");
        st.request("PublishWebSocketEvent");
        let r: Args3<String, Props, Option<WebsocketBroadcast>> = st.next();
        assert_eq!(r.a, WEBSOCKET_EVENT, "{name}: event");
        assert_eq!(r.b, props("incident_id", "incident-1"), "{name}: payload");
        assert_eq!(r.c, Some(websocket_broadcast()), "{name}: broadcast");
        streams.push(st);

        for st in &streams {
            st.finish();
        }
        for c in CHANGES {
            let in_recording = streams.iter().any(|st| st.has_field(c.go_type, c.field));
            assert_eq!(
                in_recording,
                present_in(c, *release),
                "{name}: {}.{} {} the recordings",
                c.go_type,
                c.field,
                if in_recording { "is in" } else { "is not in" }
            );
            if in_recording {
                *seen.entry((c.go_type, c.field)).or_default() += 1;
            }
        }
    }
    // Every listed change is in at least one recording.
    for c in CHANGES {
        assert!(seen.contains_key(&(c.go_type, c.field)), "{}.{} is in no recording", c.go_type, c.field);
    }
}

#[test]
fn oldest_and_newest_supported_releases_are_recorded() {
    let names: Vec<String> = releases().into_iter().map(|(n, _)| n).collect();
    for want in ["v0.1.16", "v0.2.1", "v0.4.0", "v0.4.3", "v0.4.4"] {
        assert!(names.iter().any(|n| n == want), "no recordings of {want}: {names:?}");
    }
}

/// The recorded answer of one API method that returns `(T, *AppError)`: the value as set, no
/// error. Answers the stream, for the checks that run over all of them.
fn api_answer<T>(release: &str, method: &str, want: T) -> Stream
where
    T: gobwire::Decode + Default + PartialEq + std::fmt::Debug,
{
    let mut st = Stream::open(release, &format!("{method}.response"));
    st.response(method);
    let r: AppReturns<T> = st.next();
    assert_eq!((r.a, r.b), (Some(want), None), "{release}: {method}");
    st
}
