//! Paging the on-call and the status page mirror, end to end against the fake Mattermost, whose
//! outgoing requests are recorded and answered as the providers answer.

use serde_json::{Value, json};

use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

const PD_KEY: &str = "pd-routing-key-0123456789abcdef";
const OG_KEY: &str = "og-genie-key-0123456789abcdef";
const SP_KEY: &str = "sp-oauth-key-0123456789abcdef";

fn configured() -> World {
    let mut w = World::new();
    w.mm.settings.paging_endpoints =
        "pagerduty: http://receiver.test/pd\nopsgenie: http://receiver.test/og\nstatuspage: http://receiver.test/sp".into();
    let (status, v) = w.http(
        Some("u-root"),
        "PUT",
        &format!("/api/v0/paging?team_id={TEAM}"),
        json!({
            "services": [
                {"name": "db", "provider": "pagerduty", "key": PD_KEY, "page_on": ["P1"]},
                {"name": "web", "provider": "opsgenie", "key": OG_KEY}
            ],
            "statuspage": {"page_id": "page1", "key": SP_KEY}
        }),
    );
    assert_eq!(status, 200, "{v}");
    w
}

fn start_at(w: &World, severity: &str, name: &str) -> (String, String) {
    let (status, v) =
        w.http(Some("u-alice"), "POST", "/api/v0/incidents", json!({"team_id": TEAM, "name": name, "severity": severity}));
    assert_eq!(status, 201, "{v}");
    (v["id"].as_str().expect("id").to_owned(), v["channel_id"].as_str().expect("channel").to_owned())
}

fn incident(w: &World, id: &str) -> Value {
    w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null).1
}

fn assert_no_secret(w: &World, text: &str) {
    for key in [PD_KEY, OG_KEY, SP_KEY] {
        assert!(!text.contains(key), "a key leaked: {text}");
    }
    let _ = w;
}

#[test]
fn only_admins_configure_paging_and_keys_are_never_answered() {
    let w = configured();
    let url = format!("/api/v0/paging?team_id={TEAM}");
    let (status, v) = w.http(Some("u-alice"), "GET", &url, Value::Null);
    assert_eq!(status, 403, "{v}");
    let (status, _) = w.http(Some("u-alice"), "PUT", &url, json!({"services": []}));
    assert_eq!(status, 403);

    let (status, view) = w.http(Some("u-root"), "GET", &url, Value::Null);
    assert_eq!(status, 200);
    assert_no_secret(&w, &view.to_string());
    assert_eq!(view["services"][0]["key"], json!({"configured": true, "last4": "cdef"}));
    assert_eq!(view["statuspage"]["page_id"], "page1");

    // Saved again without keys: the stored ones stay. A bad one changes nothing.
    let (status, v) = w.http(
        Some("u-root"),
        "PUT",
        &url,
        json!({"services": [{"name": "db", "provider": "pagerduty", "page_on": ["P1", "P2"]}], "statuspage": {"page_id": "page1"}}),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["services"][0]["key"]["configured"], true);
    let (status, v) = w.http(Some("u-root"), "PUT", &url, json!({"services": [{"name": "new", "provider": "opsgenie"}]}));
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().unwrap_or_default().contains("needs a key"), "{v}");
    let (_, after) = w.http(Some("u-root"), "GET", &url, Value::Null);
    assert_eq!(after["services"][0]["page_on"], json!(["P1", "P2"]), "the refused save changed nothing");

    // Members see which services they may page, not how.
    let (status, services) = w.http(Some("u-alice"), "GET", &format!("/api/v0/paging/services?team_id={TEAM}"), Value::Null);
    assert_eq!((status, services), (200, json!({"services": ["db"], "statuspage": true})));
    let (status, _) = w.http(Some("u-carol"), "GET", &format!("/api/v0/paging/services?team_id={TEAM}"), Value::Null);
    assert_eq!(status, 403, "not on the team");
    let (status, offered) = w.http(Some("u-alice"), "GET", &format!("/api/v0/autocomplete/services?team_id={TEAM}"), Value::Null);
    assert_eq!(status, 200);
    let items: Vec<&str> = offered.as_array().expect("list").iter().filter_map(|s| s["Item"].as_str()).collect();
    assert_eq!(items, ["db", "resolve"], "{offered}");
}

#[test]
fn a_p1_declare_pages_its_services_a_command_pages_another_and_the_end_resolves_both() {
    let w = configured();
    let (id, channel) = start_at(&w, "P1", "Database down");
    {
        let calls = w.mm.http_requests.borrow();
        assert_eq!(calls.len(), 1, "{calls:?}");
        let trigger = &calls[0];
        assert_eq!((trigger.method.as_str(), trigger.url.as_str()), ("POST", "http://receiver.test/pd/v2/enqueue"));
        assert_eq!(trigger.body["routing_key"], PD_KEY);
        assert_eq!(trigger.body["event_action"], "trigger");
        assert_eq!(trigger.body["payload"]["severity"], "critical");
        assert_eq!(trigger.body["payload"]["summary"], "INC-0001 Database down (P1)");
    }
    let inc = incident(&w, &id);
    assert_eq!(inc["pages"][0]["service"], "db");
    let dedup = inc["pages"][0]["dedup_key"].as_str().expect("dedup").to_owned();

    // A P4 incident pages nobody by itself.
    let before = w.mm.http_requests.borrow().len();
    start_at(&w, "P4", "Typo on the status page");
    assert_eq!(w.mm.http_requests.borrow().len(), before);

    let said = w.cmd("u-alice", &channel, "/incident page web");
    assert!(said.contains("Paged the on-call of web for INC-0001"), "{said}");
    {
        let calls = w.mm.http_requests.borrow();
        let alert = calls.last().expect("alert");
        assert_eq!(alert.url, "http://receiver.test/og/v2/alerts");
        assert_eq!(alert.header("Authorization"), Some(format!("GenieKey {OG_KEY}").as_str()));
        assert_eq!(alert.body["alias"], format!("mattermost-incident-{id}-web"));
    }
    assert!(w.cmd("u-alice", &channel, "/incident page web").contains("already paged"));
    assert!(w.cmd("u-alice", &channel, "/incident page nosuch").contains("choose one of db, web"));
    assert!(w.cmd("u-bob", "town", "/incident page").contains("Services you can page: db, web"));

    let said = w.cmd("u-alice", &channel, "/incident end");
    assert!(said.starts_with("Ended INC-0001"), "{said}");
    let calls = w.mm.http_requests.borrow().clone();
    let resolve = &calls[calls.len() - 2];
    assert_eq!(resolve.body, json!({"routing_key": PD_KEY, "event_action": "resolve", "dedup_key": dedup}));
    let close = &calls[calls.len() - 1];
    assert_eq!(close.url, format!("http://receiver.test/og/v2/alerts/mattermost-incident-{id}-web/close?identifierType=alias"));

    let inc = incident(&w, &id);
    assert!(inc["pages"].as_array().expect("pages").iter().all(|p| p["resolved_at"].is_i64()), "{inc}");
    let kinds: Vec<&str> =
        inc["timeline"].as_array().expect("timeline").iter().filter_map(|e| e["kind"]["type"].as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "paged").count(), 2, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "page_resolved").count(), 2, "{kinds:?}");
    let posts = w.mm.posts_in(&channel).join("\n");
    assert!(
        posts.contains("paged the on-call of db (PagerDuty)") && posts.contains("resolved the page of web (Opsgenie)"),
        "{posts}"
    );
    assert_no_secret(&w, &posts);
    assert_no_secret(&w, &inc.to_string());
}

#[test]
fn opted_in_updates_create_then_update_then_resolve_the_public_incident() {
    let w = configured();
    let (id, channel) = start_at(&w, "P3", "Slow search");
    assert!(w.mm.http_requests.borrow().is_empty());
    w.cmd("u-alice", &channel, "/incident update Looking into it, not public");
    assert!(w.mm.http_requests.borrow().is_empty(), "no opt-in, nothing mirrored");

    let said = w.cmd("u-alice", &channel, "/incident update --statuspage Search is slow; we are on it.");
    assert_eq!(said, "Update posted for INC-0001.");
    let (status, v) = w.http(
        Some("u-alice"),
        "POST",
        &format!("/api/v0/incidents/{id}/updates"),
        json!({"message": "Cause found.", "status": "Identified", "statuspage": true}),
    );
    assert_eq!(status, 201, "{v}");
    {
        let calls = w.mm.http_requests.borrow();
        assert_eq!(calls.len(), 2);
        assert_eq!(
            (calls[0].method.as_str(), calls[0].url.as_str()),
            ("POST", "http://receiver.test/sp/v1/pages/page1/incidents")
        );
        assert_eq!(calls[0].header("authorization"), Some(format!("OAuth {SP_KEY}").as_str()));
        assert_eq!(
            calls[0].body,
            json!({"incident": {"name": "Slow search", "status": "investigating", "body": "Search is slow; we are on it."}})
        );
        assert_eq!(calls[1].method, "PATCH");
        assert_eq!(calls[1].url, "http://receiver.test/sp/v1/pages/page1/incidents/sp0incident1");
        assert_eq!(calls[1].body, json!({"incident": {"status": "identified", "body": "Cause found."}}));
    }
    assert_eq!(v["status_page"]["incident_id"], "sp0incident1");

    // The update form offers a Status page box (only to teams with a page), which does the same.
    let at = crate::command::Invocation { user_id: "u-alice", team_id: TEAM, channel_id: &channel, trigger_id: "trig1" };
    crate::service::with_service(&w.mm, &w.db, |s| crate::command::execute(s, &at, "/incident update"));
    let form = w.mm.dialogs.borrow().last().cloned().expect("form");
    let boxed = form.dialog.elements.iter().find(|e| e.name == "statuspage").expect("the box");
    assert_eq!((boxed.element_type.as_str(), boxed.optional), ("bool", true));
    let (status, v) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/dialogs/update",
        json!({"state": id, "submission": {"message": "From the form", "statuspage": true}}),
    );
    assert_eq!((status, v), (200, json!({})));
    assert_eq!(w.mm.http_requests.borrow().last().map(|c| c.body["incident"]["body"].clone()), Some(json!("From the form")));

    w.cmd("u-alice", &channel, "/incident end");
    let calls = w.mm.http_requests.borrow();
    let last = calls.last().expect("resolve");
    assert_eq!(last.method, "PATCH");
    assert_eq!(last.body["incident"]["status"], "resolved");
    let posts = w.mm.posts_in(&channel).join("\n");
    assert!(posts.contains("created the public incident on the status page (investigating)"), "{posts}");
    assert!(posts.contains("resolved the public incident on the status page"), "{posts}");
}

#[test]
fn provider_failures_are_said_recorded_and_never_undo_the_incident_action() {
    let w = configured();
    w.mm.http_answers
        .borrow_mut()
        .push_back(Ok((400, br#"{"status":"invalid event","message":"Event object is invalid"}"#.to_vec())));
    let (id, channel) = start_at(&w, "P1", "Disk full");
    let inc = incident(&w, &id);
    assert_eq!(inc["state"], "active", "the start stands");
    assert!(inc["pages"].is_null(), "{inc}");
    let posts = w.mm.posts_in(&channel).join("\n");
    assert!(posts.contains("could not page the on-call of db: PagerDuty answered 400: Event object is invalid"), "{posts}");

    // The page by command: refused by the provider, answered 502 with the reason.
    w.mm.http_answers.borrow_mut().push_back(Err("timed out after 4000 ms".into()));
    let (status, v) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/page"), json!({"service": "web"}));
    assert_eq!(status, 502, "{v}");
    assert!(v["error"].as_str().unwrap_or_default().contains("Opsgenie could not be reached: timed out"), "{v}");
    let (status, _) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/page"), json!({"service": "db"}));
    assert_eq!(status, 200);

    // The status page refuses the first mirror: the update is posted, its author told.
    w.mm.http_answers.borrow_mut().push_back(Ok((401, br#"{"error":"Could not authenticate"}"#.to_vec())));
    let said = w.cmd("u-alice", &channel, "/incident update --statuspage Disk cleaned");
    assert!(said.starts_with("Update posted for INC-0001."), "{said}");
    assert!(said.contains("The status page was not updated: Statuspage answered 401: Could not authenticate."), "{said}");
    assert_eq!(incident(&w, &id)["updates"].as_array().map(Vec::len), Some(1));

    // The resolve fails at the end: the end stands; `/incident page resolve` tries again.
    w.mm.http_answers.borrow_mut().push_back(Ok((503, Vec::new())));
    let said = w.cmd("u-alice", &channel, "/incident end");
    assert!(said.contains("Could not resolve the page of db: PagerDuty answered 503"), "{said}");
    assert_eq!(incident(&w, &id)["state"], "ended");
    assert!(w.cmd("u-alice", &channel, "/incident page db").contains("has ended"));
    let said = w.cmd("u-alice", &channel, "/incident page resolve");
    assert!(said.contains("are resolved"), "{said}");
    let inc = incident(&w, &id);
    assert!(inc["pages"][0]["resolved_at"].is_i64(), "{inc}");
    assert!(w.cmd("u-alice", &channel, "/incident page resolve").contains("nothing left to resolve"));
    let everything = format!("{inc}\n{}\n{:?}", w.mm.posts_in(&channel).join("\n"), w.mm.ephemerals.borrow());
    assert_no_secret(&w, &everything);
}

#[test]
fn a_declare_whose_page_fails_says_so_to_its_starter() {
    let w = configured();
    // db is paged at P4 too, the severity a command's start has.
    let (status, v) = w.http(
        Some("u-root"),
        "PUT",
        &format!("/api/v0/paging?team_id={TEAM}"),
        json!({"services": [{"name": "db", "provider": "pagerduty", "page_on": ["P1", "P4"]}]}),
    );
    assert_eq!(status, 200, "{v}");
    w.mm.http_answers.borrow_mut().push_back(Ok((429, br#"{"status":"throttle","message":"Requests throttled"}"#.to_vec())));
    let said = w.cmd("u-alice", "town", "/incident start Payments down");
    assert!(said.starts_with("Started INC-0001"), "the start stands: {said}");
    assert!(said.ends_with("\nCould not page db: PagerDuty answered 429: Requests throttled."), "{said}");
}

#[test]
fn people_outside_the_incident_cannot_page_for_it_and_teams_without_settings_say_so() {
    let w = World::new();
    let (id, channel) = start_at(&w, "P1", "Nothing configured");
    let at = crate::command::Invocation { user_id: "u-alice", team_id: TEAM, channel_id: &channel, trigger_id: "trig2" };
    crate::service::with_service(&w.mm, &w.db, |s| crate::command::execute(s, &at, "/incident update"));
    let form = w.mm.dialogs.borrow().last().cloned().expect("form");
    assert!(form.dialog.elements.iter().all(|e| e.name != "statuspage"), "no status page, no box");
    assert!(w.mm.http_requests.borrow().is_empty());
    assert!(w.cmd("u-alice", &channel, "/incident page db").contains("no services to page"));
    let said = w.cmd("u-alice", &channel, "/incident update --statuspage Public words");
    assert!(said.contains("no status page"), "{said}");
    assert_eq!(incident(&w, &id)["updates"].as_array().map(Vec::len).unwrap_or(0), 0, "refused, nothing posted");
    let (status, _) = w.http(Some("u-carol"), "POST", &format!("/api/v0/incidents/{id}/page"), json!({"service": "db"}));
    assert_eq!(status, 404, "carol is on no team and does not see it");
    let (status, v) = w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{id}/page"), json!({}));
    assert_eq!(status, 400, "{v}");
}

fn timer_retry(w: &World) {
    crate::service::with_service(&w.mm, &w.db, |s| s.retry_failed_resolves()).expect("retry");
}

#[test]
fn the_timer_retries_failed_resolves_quietly_then_gives_up_once() {
    let w = configured();
    let (id, channel) = start_at(&w, "P1", "Flaky PagerDuty");
    w.mm.http_answers.borrow_mut().push_back(Err("connection refused".into()));
    assert!(w.cmd("u-alice", &channel, "/incident end").contains("Could not resolve the page of db"));
    let failures = |w: &World| {
        incident(w, &id)["timeline"].as_array().expect("timeline").iter().filter(|e| e["kind"]["type"] == "paging_failed").count()
    };
    assert_eq!(failures(&w), 1);

    // Still down at the next run: tried again, not recorded again.
    let before = w.mm.http_requests.borrow().len();
    w.mm.http_answers.borrow_mut().push_back(Ok((503, Vec::new())));
    timer_retry(&w);
    assert_eq!(w.mm.http_requests.borrow().len(), before + 1);
    assert_eq!(failures(&w), 1, "a retry that fails is not posted again");
    // Up again: resolved by the bot, and no further tries.
    timer_retry(&w);
    let inc = incident(&w, &id);
    assert!(inc["pages"][0]["resolved_at"].is_i64(), "{inc}");
    assert_eq!(inc["timeline"].as_array().and_then(|t| t.last()).map(|e| e["actor_id"].clone()), Some(json!("u-bot")));
    let calls = w.mm.http_requests.borrow().len();
    timer_retry(&w);
    assert_eq!(w.mm.http_requests.borrow().len(), calls, "nothing left to retry");

    // A provider down for good: the last try says it gave up, once.
    let (id2, channel2) = start_at(&w, "P1", "PagerDuty gone");
    w.mm.http_answers.borrow_mut().push_back(Ok((500, Vec::new())));
    w.cmd("u-alice", &channel2, "/incident end");
    for _ in 0..40 {
        w.mm.http_answers.borrow_mut().push_back(Ok((500, Vec::new())));
        timer_retry(&w);
    }
    w.mm.http_answers.borrow_mut().clear();
    let timeline = incident(&w, &id2)["timeline"].clone();
    let reasons: Vec<&str> = timeline.as_array().expect("timeline").iter().filter_map(|e| e["kind"]["reason"].as_str()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[1].starts_with("gave up after 30 tries"), "{reasons:?}");
    let posts = w.mm.posts_in(&channel2).join("\n");
    assert!(posts.contains("could not resolve the pages: gave up after 30 tries"), "{posts}");
}

#[test]
fn deleting_an_incident_resolves_its_open_pages_first() {
    let w = configured();
    let (id, _) = start_at(&w, "P1", "Paged by mistake");
    let dedup = incident(&w, &id)["pages"][0]["dedup_key"].as_str().expect("dedup").to_owned();
    let (status, v) = w.http(Some("u-root"), "DELETE", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["unresolved"], json!([]));
    let calls = w.mm.http_requests.borrow().clone();
    let resolve = calls.last().expect("a resolve");
    assert_eq!(resolve.body, json!({"routing_key": PD_KEY, "event_action": "resolve", "dedup_key": dedup}));
    let (status, _) = w.http(Some("u-root"), "GET", &format!("/api/v0/incidents/{id}"), Value::Null);
    assert_eq!(status, 404);
}
