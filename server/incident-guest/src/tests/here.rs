//! An incident in any channel (`/incident start --here`, `channel_id` on the REST start):
//! several incidents share a channel, commands name one with `INC-0042`, and the channel that
//! was there before is never renamed, re-headed or archived.

use mattermost_plugin_sdk::HttpRequest;
use mattermost_plugin_sdk::model::{Channel, Post};
use serde_json::{Value, json};

use crate::api;
use crate::mattermost::Mattermost;
use crate::service::with_service;
use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

/// A channel of `team` with `members`, its header and purpose set by people.
pub(super) fn channel(w: &World, id: &str, team: &str, kind: &str, members: &[&str]) {
    w.mm.channels.borrow_mut().insert(
        id.into(),
        Channel {
            id: id.into(),
            team_id: team.into(),
            name: id.into(),
            display_name: format!("Our {id}"),
            channel_type: kind.into(),
            header: "Our header".into(),
            purpose: "Our purpose".into(),
            ..Channel::default()
        },
    );
    for m in members {
        w.mm.add_channel_member(id, m).expect("member");
    }
}

fn incident(w: &World, user: &str, reference: &str) -> (u16, Value) {
    let (_, list) = w.http(Some("u-root"), "GET", &format!("/api/v0/incidents?team_id={TEAM}&state=all"), Value::Null);
    let id = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["reference"] == reference)
        .and_then(|i| i["id"].as_str())
        .unwrap_or("none")
        .to_owned();
    w.http(Some(user), "GET", &format!("/api/v0/incidents/{id}"), Value::Null)
}

fn count(w: &World) -> usize {
    let (_, list) = w.http(Some("u-root"), "GET", &format!("/api/v0/incidents?team_id={TEAM}&state=all"), Value::Null);
    list["items"].as_array().map_or(0, Vec::len)
}

fn say(w: &World, user: &str, channel: &str, message: &str) -> Post {
    let p =
        w.mm.create_post(&Post {
            channel_id: channel.into(),
            user_id: user.into(),
            message: message.into(),
            create_at: crate::ids_and_clock::now_ms(),
            ..Post::default()
        })
        .expect("post");
    with_service(&w.mm, &w.db, |s| s.capture_post(&p)).expect("capture");
    p
}

fn transcript(w: &World, id: &str) -> String {
    let (status, t) = w.http(Some("u-root"), "GET", &format!("/api/v0/incidents/{id}/transcript"), Value::Null);
    assert_eq!(status, 200, "{t}");
    t["messages"].to_string()
}

#[test]
fn start_here_runs_in_the_channel_keeps_its_names_and_follows_its_privacy() {
    let w = World::new();
    channel(&w, "general", TEAM, "O", &["u-alice", "u-bob"]);
    let channels = w.mm.channel_count();
    let text = w.cmd("u-alice", "general", "/incident start --here Disk full");
    assert_eq!(text, "Started INC-0001 **Disk full** in ~general.");
    assert_eq!(w.mm.channel_count(), channels, "no channel created");
    let (status, inc) = incident(&w, "u-bob", "INC-0001");
    assert_eq!((status, &inc["channel_id"], &inc["existing_channel"]), (200, &json!("general"), &json!(true)));
    assert!(w.mm.is_channel_member("general", "u-bot"), "the bot joins to post");
    let general = w.mm.channel("general").expect("channel");
    assert_eq!(
        (general.header.as_str(), general.purpose.as_str(), general.display_name.as_str()),
        ("Our header", "Our purpose", "Our general")
    );
    assert!(w.mm.posts_in("general").iter().any(|p| p.contains("INC-0001")), "the intro is posted there");

    // Commands in the channel mean it; its changes and a rename leave the channel's names alone,
    // and the bot's posts say which incident they are about.
    assert!(w.cmd("u-alice", "general", "/incident severity P1").contains("INC-0001 is now"), "one incident: implicit");
    assert!(w.mm.posts_in("general").last().expect("post").starts_with("INC-0001 · "), "{:?}", w.mm.posts_in("general"));
    assert!(w.cmd("u-alice", "general", "/incident rename Disk really full").contains("Renamed INC-0001"));
    let general = w.mm.channel("general").expect("channel");
    assert_eq!((general.header.as_str(), general.display_name.as_str()), ("Our header", "Our general"));

    // A private channel makes a private incident: hidden from who is not in it.
    channel(&w, "ops", TEAM, "P", &["u-alice"]);
    assert!(w.cmd("u-alice", "ops", "/incident start --here Quiet problem").contains("INC-0002"));
    assert_eq!(incident(&w, "u-bob", "INC-0002").0, 404);
    assert_eq!(incident(&w, "u-alice", "INC-0002").0, 200);
    assert!(w.cmd("u-bob", "general", "/incident info INC-0002").contains("There is no incident INC-0002 in this team."));

    // By REST: `channel_id` names the channel.
    let (status, v) =
        w.http(Some("u-bob"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": "By REST", "channel_id": "general"}));
    assert_eq!((status, &v["channel_id"], &v["existing_channel"]), (201, &json!("general"), &json!(true)), "{v}");
}

#[test]
fn start_here_is_refused_where_the_starter_may_not_run_it_and_nothing_is_made() {
    let w = World::new();
    channel(&w, "general", TEAM, "O", &["u-alice"]);
    channel(&w, "dm", "", "D", &["u-alice", "u-bob"]);
    channel(&w, "group", "", "G", &["u-alice", "u-bob", "u-root"]);
    channel(&w, "announcements", TEAM, "O", &["u-alice"]);
    w.mm.read_only_channels.borrow_mut().insert("announcements".into());
    channel(&w, "elsewhere", "team2", "O", &["u-alice"]);
    channel(&w, "secret", TEAM, "P", &["u-root"]);
    let channels = w.mm.channel_count();

    assert!(w.cmd("u-bob", "general", "/incident start --here Not mine").contains("No such channel"), "not a member");
    assert!(w.cmd("u-alice", "dm", "/incident start --here In a DM").contains("a direct or group message cannot hold one"));
    assert!(w.cmd("u-alice", "group", "/incident start --here In a GM").contains("a direct or group message cannot hold one"));
    assert!(w.cmd("u-alice", "announcements", "/incident start --here Read only").contains("You may not post in this channel"));
    assert!(w.cmd("u-alice", "general", "/incident start --here").contains("`/incident start --here <name>`"));
    let rest = |body: Value| w.http(Some("u-alice"), "POST", "/api/v0/incidents", body).0;
    assert_eq!(rest(json!({"team_id": TEAM, "name": "x", "channel_id": "elsewhere"})), 400, "another team's channel");
    assert_eq!(rest(json!({"team_id": TEAM, "name": "x", "channel_id": "secret"})), 404, "a private channel not joined");
    assert_eq!(rest(json!({"team_id": TEAM, "name": "x", "channel_id": "nowhere"})), 404);
    assert_eq!(rest(json!({"team_id": TEAM, "name": "x", "channel_id": "general", "private": true})), 400);
    assert_eq!(rest(json!({"team_id": TEAM, "name": "x", "channel_id": "general", "channel_name": "x-{number}"})), 400);
    // A commander outside the channel, whom the starter may not add.
    w.mm.denied_channel_permissions.borrow_mut().insert((
        "u-alice".into(),
        "general".into(),
        "manage_public_channel_members".into(),
    ));
    assert_eq!(rest(json!({"team_id": TEAM, "name": "x", "channel_id": "general", "commander_id": "u-bob"})), 403);
    // An archived channel.
    w.mm.channels.borrow_mut().get_mut("general").expect("general").delete_at = 1;
    assert_eq!(rest(json!({"team_id": TEAM, "name": "x", "channel_id": "general"})), 400);

    assert_eq!(count(&w), 0, "nothing started");
    assert_eq!(w.mm.channel_count(), channels, "no channel made");
    assert!(w.mm.posts.borrow().is_empty(), "nothing posted");
    // No number was taken either.
    w.mm.channels.borrow_mut().get_mut("general").expect("general").delete_at = 0;
    assert!(w.cmd("u-alice", "general", "/incident start --here Now").contains("INC-0001"));
}

#[test]
fn two_incidents_in_one_channel_need_a_reference_until_one_is_left_active() {
    let w = World::new();
    channel(&w, "general", TEAM, "O", &["u-alice", "u-bob"]);
    w.cmd("u-alice", "general", "/incident start --here Checkout slow");
    let second = w.cmd("u-bob", "general", "/incident start --here Login down");
    assert!(second.contains("INC-0002") && second.contains("name this one in commands"), "{second}");

    let ambiguous = w.cmd("u-alice", "general", "/incident info");
    assert!(ambiguous.starts_with("This channel has 2 active incidents"), "{ambiguous}");
    assert!(ambiguous.contains("- INC-0001 **Checkout slow**") && ambiguous.contains("- INC-0002 **Login down**"), "{ambiguous}");
    for command in
        ["/incident severity P1", "/incident check 1", "/incident end", "/incident update all fine", "/incident rename x"]
    {
        assert!(w.cmd("u-alice", "general", command).starts_with("This channel has 2 active incidents"), "{command}");
    }
    assert!(w.cmd("u-alice", "general", "/incident info INC-0002").contains("Login down"));
    assert!(w.cmd("u-alice", "general", "/incident severity P1 INC-0002").contains("INC-0002 is now"));
    assert!(w.cmd("u-alice", "general", "/incident rename INC-0001 Checkout very slow").contains("Renamed INC-0001"));

    // A message while both are active is in both transcripts.
    let (_, one) = incident(&w, "u-alice", "INC-0001");
    let (_, two) = incident(&w, "u-alice", "INC-0002");
    let (one, two) = (one["id"].as_str().expect("id").to_owned(), two["id"].as_str().expect("id").to_owned());
    say(&w, "u-bob", "general", "both are down since 10:02");

    // Ending one leaves the other as the channel's incident.
    assert!(w.cmd("u-alice", "general", "/incident end INC-0001").contains("Ended INC-0001"));
    assert!(w.cmd("u-alice", "general", "/incident info").contains("Login down"), "the only active one");
    say(&w, "u-bob", "general", "login still down");
    assert!(transcript(&w, &one).contains("both are down") && !transcript(&w, &one).contains("login still down"));
    assert!(transcript(&w, &two).contains("both are down") && transcript(&w, &two).contains("login still down"));
    // Once both ended, a command that works after the end needs a reference again.
    assert!(w.cmd("u-alice", "general", "/incident end").contains("Ended INC-0002"));
    assert!(w.cmd("u-alice", "general", "/incident reopen").starts_with("This channel has 2 incidents"));
    assert!(w.cmd("u-alice", "general", "/incident reopen INC-0002").contains("Reopened INC-0002"));
    // After both, the channel is ordinary again: its messages are nobody's.
    w.cmd("u-alice", "general", "/incident end INC-0002");
    say(&w, "u-bob", "general", "lunch?");
    assert!(!transcript(&w, &two).contains("lunch"));
    let general = w.mm.channel("general").expect("channel");
    assert_eq!((general.header.as_str(), general.display_name.as_str(), general.delete_at), ("Our header", "Our general", 0));
}

#[test]
fn a_second_incident_in_an_incident_channel_shares_it_and_the_owners_header_stays() {
    let w = World::new();
    let created = w.start("u-alice", "Payments down");
    let ch = created["channel_id"].as_str().expect("channel").to_owned();
    let header = w.mm.channel(&ch).expect("channel").header;
    assert!(!header.is_empty());
    assert!(w.cmd("u-alice", &ch, "/incident start --here Refunds stuck").contains("INC-0002"));
    assert_eq!(w.mm.channel(&ch).expect("channel").header, header, "the header stays the channel's own incident's");
    // Now shared: the owner's change messages name it too.
    assert!(w.cmd("u-alice", &ch, "/incident severity P1 INC-0001").contains("INC-0001 is now"));
    assert!(w.mm.posts_in(&ch).last().expect("post").starts_with("INC-0001 · "));
    assert_ne!(w.mm.channel(&ch).expect("channel").header, header, "the header follows its own incident");

    // Archiving on delete: not while another incident uses the channel, never a channel the
    // incident did not create; nothing is deleted when refused.
    let (_, owner) = incident(&w, "u-root", "INC-0001");
    let owner = owner["id"].as_str().expect("id").to_owned();
    let (status, v) = w.http(Some("u-root"), "DELETE", &format!("/api/v0/incidents/{owner}?archive_channel=true"), Value::Null);
    assert_eq!(status, 409, "{v}");
    assert!(v.to_string().contains("still used by INC-0002"), "{v}");
    assert!(w.cmd("u-root", &ch, "/incident delete INC-0002 archive").contains("a channel it did not create"));
    assert_eq!(count(&w), 2, "nothing deleted");
    assert_eq!(w.cmd("u-root", &ch, "/incident delete INC-0002"), "Deleted INC-0002 **Refunds stuck**; its channel stays.");
    // Alone again, the owner may archive its own channel with it.
    let (status, v) = w.http(Some("u-root"), "DELETE", &format!("/api/v0/incidents/{owner}?archive_channel=true"), Value::Null);
    assert_eq!((status, &v["channel_archived"]), (200, &json!(true)), "{v}");
}

#[test]
fn references_name_only_incidents_of_the_team_the_caller_may_see() {
    let mut w = World::new();
    w.mm.team_members.insert(("team2".into(), "u-root".into()));
    channel(&w, "general", TEAM, "O", &["u-alice", "u-bob"]);
    channel(&w, "secret", TEAM, "P", &["u-bob"]);
    w.cmd("u-alice", "general", "/incident start --here Visible");
    w.cmd("u-bob", "secret", "/incident start --here Hidden name");
    // Another team's incidents have their own numbers; INC-0003 exists only there.
    w.mm.channels.borrow_mut().insert(
        "t2".into(),
        Channel { id: "t2".into(), team_id: "team2".into(), name: "t2".into(), channel_type: "O".into(), ..Channel::default() },
    );
    for name in ["a", "b", "Other team's secret"] {
        let (status, v) = w.http(Some("u-root"), "POST", "/api/v0/incidents", json!({"team_id": "team2", "name": name}));
        assert_eq!(status, 201, "{v}");
    }
    let absent = w.cmd("u-alice", "general", "/incident info INC-0042");
    assert_eq!(absent, "There is no incident INC-0042 in this team.");
    assert_eq!(w.cmd("u-alice", "general", "/incident info INC-0002"), "There is no incident INC-0002 in this team.");
    assert_eq!(w.cmd("u-alice", "general", "/incident end INC-0003"), "There is no incident INC-0003 in this team.");
    assert!(w.cmd("u-bob", "general", "/incident info INC-0002").contains("Hidden name"), "a member may");
    // In the channel, an incident the caller may not see is not a candidate (nor disclosed).
    w.mm.add_channel_member("secret", "u-alice").expect("join");
    w.cmd("u-alice", "secret", "/incident start --here Also here");
    w.mm.channel_members.borrow_mut().remove(&("secret".to_owned(), "u-alice".to_owned()));
    assert!(!w.cmd("u-alice", "secret", "/incident info").contains("Hidden name"));
}

#[test]
fn autocomplete_lists_the_channels_incidents_first_and_items_follow_the_typed_reference() {
    let w = World::new();
    channel(&w, "general", TEAM, "O", &["u-alice"]);
    w.start("u-alice", "Elsewhere");
    w.cmd("u-alice", "general", "/incident start --here First");
    w.cmd("u-alice", "general", "/incident start --here Second");
    let get = |what: &str, input: &str| {
        let r = api::route(
            &w.mm,
            &w.db,
            &HttpRequest {
                method: "GET".into(),
                url: format!(
                    "/api/v0/autocomplete/{what}?team_id={TEAM}&channel_id=general&user_input={}",
                    input.replace(' ', "%20")
                ),
                user_id: Some("u-alice".into()),
                ..HttpRequest::default()
            },
        );
        (r.status, serde_json::from_slice::<Value>(&r.body).unwrap_or(Value::Null))
    };
    let (status, list) = get("incidents", "");
    assert_eq!(status, 200, "{list}");
    let items: Vec<(&str, &str)> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|s| (s["Item"].as_str().unwrap_or(""), s["HelpText"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(items, vec![("INC-0002", "In this channel"), ("INC-0003", "In this channel"), ("INC-0001", "")], "{list}");
    let (status, _) = get("items", "check");
    assert_eq!(status, 400, "two incidents: which one's items?");
    assert!(w.cmd("u-alice", "general", "/incident checkadd Triage \"Look at the queue\" INC-0003").contains("Added"));
    let (status, items) = get("items", "check INC-0003");
    assert_eq!(status, 200, "{items}");
    assert_eq!(items[0]["Hint"], "Look at the queue", "{items}");
    let (status, items) = get("items", "check INC-0002");
    assert_eq!((status, items), (200, json!([])), "the other one has none");
}

#[test]
fn a_shared_channel_welcomes_for_each_active_incident_and_offers_no_new_one_meanwhile() {
    let w = World::new();
    channel(&w, "general", TEAM, "O", &["u-alice"]);
    w.cmd("u-alice", "general", "/incident start --here One");
    w.cmd("u-alice", "general", "/incident start --here Two");
    for reference in ["INC-0001", "INC-0002"] {
        let (_, inc) = incident(&w, "u-alice", reference);
        let id = inc["id"].as_str().expect("id").to_owned();
        crate::store::repo::Repo::new(&w.db)
            .incident(&id)
            .expect("read")
            .map(|mut v| {
                v.value.welcome_message = format!("Read the runbook of {reference}");
                crate::store::repo::Repo::new(&w.db).save_incident(&v.value, v.revision, Vec::new()).expect("save")
            })
            .expect("found");
    }
    assert!(with_service(&w.mm, &w.db, |s| s.welcome("general", "u-bob")).expect("welcome"));
    // Meanwhile the declare emoji offers no new incident there; once they ended, it does again.
    let message = w
        .mm
        .create_post(&Post { channel_id: "general".into(), user_id: "u-alice".into(), message: "down".into(), ..Post::default() })
        .expect("post");
    let reaction = mattermost_plugin_sdk::model::Reaction {
        user_id: "u-alice".into(),
        post_id: message.id.clone(),
        emoji_name: "rotating_light".into(),
        channel_id: "general".into(),
        ..Default::default()
    };
    assert!(!with_service(&w.mm, &w.db, |s| s.offer_from_reaction(&reaction)).expect("hook"));
    let welcomes: Vec<String> = w.mm.ephemerals.borrow().iter().map(|(_, p)| p.message.clone()).collect();
    assert!(
        welcomes.iter().any(|m| m.contains("runbook of INC-0001")) && welcomes.iter().any(|m| m.contains("runbook of INC-0002"))
    );
    // Once they ended, the channel is ordinary again: no welcome.
    w.cmd("u-alice", "general", "/incident end INC-0001");
    w.cmd("u-alice", "general", "/incident end INC-0002");
    assert!(!with_service(&w.mm, &w.db, |s| s.welcome("general", "u-carol")).expect("welcome"));
    assert!(with_service(&w.mm, &w.db, |s| s.offer_from_reaction(&reaction)).expect("hook"));
    // A channel made for an incident never offers another, ended or not.
    let made = w.start("u-alice", "Made");
    let ch = made["channel_id"].as_str().expect("channel").to_owned();
    w.cmd("u-alice", &ch, "/incident end");
    let there =
        w.mm.create_post(&Post { channel_id: ch.clone(), user_id: "u-alice".into(), message: "x".into(), ..Post::default() })
            .expect("post");
    let reaction = mattermost_plugin_sdk::model::Reaction { post_id: there.id, channel_id: ch, ..reaction };
    assert!(!with_service(&w.mm, &w.db, |s| s.offer_from_reaction(&reaction)).expect("hook"));
}

#[test]
fn the_start_form_runs_the_incident_in_the_channel_it_was_opened_in_when_ticked() {
    let w = World::new();
    channel(&w, "general", TEAM, "O", &["u-alice"]);
    let submit = |submission: Value, channel: &str| {
        w.http(
            Some("u-alice"),
            "POST",
            "/api/v0/dialogs/start",
            json!({"team_id": TEAM, "channel_id": channel, "submission": submission}),
        )
        .1
    };
    // Ticked: the channel and privacy fields are for a new channel and do not apply.
    let answer = submit(json!({"name": "From the form", "here": true, "private": false, "channel_name": "ignored"}), "general");
    assert_eq!(answer, json!({}));
    let (status, inc) = incident(&w, "u-alice", "INC-0001");
    assert_eq!((status, &inc["channel_id"], &inc["existing_channel"]), (200, &json!("general"), &json!(true)));
    // Unticked: a new channel, as before.
    assert_eq!(submit(json!({"name": "Own channel", "here": false}), "general"), json!({}));
    let (_, inc) = incident(&w, "u-alice", "INC-0002");
    assert_ne!(inc["channel_id"], "general");
    // A refusal keeps the form open with the reason.
    let refused = submit(json!({"name": "Nowhere", "here": true}), "");
    assert!(refused.to_string().contains("does not say which channel"), "{refused}");
    assert_eq!(count(&w), 2);
}

/// The migration that lets a message belong to several incidents keeps the messages captured
/// before it, on either backend.
#[test]
fn the_transcript_migration_keeps_earlier_messages_and_lets_one_post_belong_to_two_incidents() {
    use crate::store::db::Database;
    use mattermost_plugin_sdk::store::Statement;
    let db = crate::store::db::native::NativeDb::new();
    // The migrations as this backend runs them (the similar-incidents index differs per backend).
    let migrations = crate::store::similar::migrations_for(db.backend());
    let before = migrations.len() - 1;
    db.migrate(&migrations[..before]).expect("the earlier schema");
    let incident = |id: &str, number: i64| {
        Statement::new(
            "INSERT INTO incidents (id, team_id, number, name, state, commander_id, channel_id, created_at, doc)
             VALUES (?, 'team1', ?, 'x', 'active', 'u-alice', 'general', 1, '{}')",
            vec![id.into(), number.into()],
        )
    };
    db.execute(vec![
        incident("i1", 1),
        incident("i2", 2),
        Statement::new(
            "INSERT INTO channel_messages (post_id, incident_id, user_id, message, original_message, create_at)
             VALUES ('p1', 'i1', 'u-bob', 'kept', 'kept', 5)",
            Vec::new(),
        ),
    ])
    .expect("earlier data");
    db.migrate(&migrations).expect("migrated");
    db.execute(vec![Statement::new(
        "INSERT INTO channel_messages (post_id, incident_id, user_id, message, original_message, create_at)
         VALUES ('p1', 'i2', 'u-bob', 'kept', 'kept', 5)",
        Vec::new(),
    )])
    .expect("the same post for the other incident");
    let rows = db
        .query("SELECT incident_id, message FROM channel_messages WHERE post_id = 'p1' ORDER BY incident_id", &[])
        .expect("read");
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows.text(0, "incident_id").expect("id"), rows.text(0, "message").expect("message")),
        ("i1".into(), "kept".into())
    );
    assert_eq!(rows.text(1, "incident_id").expect("id"), "i2");
}
