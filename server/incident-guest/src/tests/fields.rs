//! Custom fields and list filters end to end: playbook definitions, the start (REST and the
//! form), `/incident set`, `PATCH …/fields`, `/incident list` and `GET /incidents` filters, and
//! the cross-team report, with who may see and change what.

use serde_json::{Value, json};

use crate::service::with_service;
use crate::tests::fake_mattermost::TEAM;
use crate::tests::scenarios::World;

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// A playbook with one field of each kind.
fn playbook_with_fields(w: &World) -> String {
    let (status, p) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/playbooks",
        json!({"team_id": TEAM, "title": "Customer outage", "fields": [
            {"name": "Region", "kind": "select", "options": ["EU", "US"]},
            {"name": "Customer", "kind": "text"},
            {"name": "Owner", "kind": "user"},
            {"name": "Ticket", "kind": "link"},
            {"name": "Users affected", "kind": "number"}
        ]}),
    );
    assert_eq!(status, 201, "{p}");
    id(&p)
}

fn start(w: &World, user: &str, body: Value) -> Value {
    let mut body = body;
    body["team_id"] = TEAM.into();
    let (status, v) = w.http(Some(user), "POST", "/api/v0/incidents", body);
    assert_eq!(status, 201, "{v}");
    v
}

fn value_of(incident: &Value, name: &str) -> Value {
    incident["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == name)
        .map(|f| f["value"].clone())
        .unwrap_or(Value::Null)
}

#[test]
fn playbook_fields_are_validated_and_exported() {
    let w = World::new();
    let (status, v) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/playbooks",
        json!({"team_id": TEAM, "title": "Bad", "fields": [{"name": "Region", "kind": "select", "options": []}]}),
    );
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().is_some_and(|e| e.contains("at least one option")), "{v}");
    let (status, v) = w.http(
        Some("u-alice"),
        "POST",
        "/api/v0/playbooks",
        json!({"team_id": TEAM, "title": "Twice", "fields": [{"name": "Region"}, {"name": "region", "kind": "number"}]}),
    );
    assert_eq!(status, 400, "{v}");
    let pb = playbook_with_fields(&w);
    let request = mattermost_plugin_sdk::HttpRequest {
        method: "GET".into(),
        url: format!("/api/v0/playbooks/{pb}/export"),
        user_id: Some("u-alice".into()),
        ..Default::default()
    };
    let exported: Value = serde_json::from_slice(&crate::api::route(&w.mm, &w.db, &request).body).expect("json");
    assert_eq!(exported["playbook"]["fields"][0]["options"], json!(["EU", "US"]));
}

#[test]
fn start_values_set_and_clear_by_command_and_rest() {
    let w = World::new();
    let pb = playbook_with_fields(&w);
    let inc =
        start(&w, "u-alice", json!({"name": "Checkout down", "playbook_id": pb, "fields": {"region": "eu", "Owner": "@bob"}}));
    assert_eq!(value_of(&inc, "Region"), "EU");
    assert_eq!(value_of(&inc, "Owner"), "u-bob", "a person is kept by id");
    assert_eq!(value_of(&inc, "Customer"), Value::Null);
    let ch = inc["channel_id"].as_str().expect("channel").to_owned();
    let i = id(&inc);

    // Refused starts create nothing.
    let channels = w.mm.channel_count();
    for (fields, needle) in [
        (json!({"Region": "Mars"}), "EU, US"),
        (json!({"Colour": "red"}), "Region, Customer"),
        (json!({"Owner": "@nobody"}), "not an active member"),
        (json!({"Owner": "@carol"}), "not an active member"),
    ] {
        let (status, v) = w.http(
            Some("u-alice"),
            "POST",
            "/api/v0/incidents",
            json!({"team_id": TEAM, "name": "x", "playbook_id": pb, "fields": fields}),
        );
        assert_eq!(status, 400, "{v}");
        assert!(v["error"].as_str().is_some_and(|e| e.contains(needle)), "{v}");
    }
    assert_eq!(w.mm.channel_count(), channels);

    // A field name of two words, unquoted; a value with a channel-wide mention is defused.
    assert_eq!(
        w.cmd("u-alice", &ch, "/incident set Users affected 1200.50"),
        format!("Set Users affected of {}.", inc["reference"].as_str().unwrap_or_default())
    );
    w.cmd("u-alice", &ch, "/incident set customer ACME @channel");
    let posts = w.mm.posts_in(&ch);
    assert!(posts.iter().any(|p| p == "@alice set Users affected to 1200.5"), "{posts:?}");
    assert!(posts.iter().any(|p| p == "@alice set Customer to ACME @\u{200B}channel"), "{posts:?}");
    let info = w.cmd("u-alice", &ch, "/incident info");
    assert!(info.contains("Owner: @bob") && info.contains("Customer: ACME @\u{200B}channel"), "{info}");

    let before = w.http(Some("u-root"), "GET", &format!("/api/v0/incidents/{i}"), Value::Null).1;
    let unknown = w.cmd("u-alice", &ch, "/incident set Colour red");
    assert!(
        unknown.contains("There is no field \"Colour\"") && unknown.contains("Region, Customer, Owner, Ticket, Users affected"),
        "{unknown}"
    );
    assert!(w.cmd("u-alice", &ch, "/incident set Ticket ftp://x").contains("http"));
    assert!(w.cmd("u-alice", &ch, "/incident set").contains("the fields are Region"));
    assert_eq!(
        w.http(Some("u-root"), "GET", &format!("/api/v0/incidents/{i}"), Value::Null).1,
        before,
        "refusals change nothing"
    );

    assert!(w.cmd("u-alice", &ch, "/incident set Customer").starts_with("Cleared Customer"));
    assert!(w.cmd("u-alice", &ch, "/incident set Customer").contains("already empty"));

    // REST: several at once, all or nothing.
    let url = format!("/api/v0/incidents/{i}/fields");
    let (status, v) =
        w.http(Some("u-alice"), "PATCH", &url, json!({"fields": {"Ticket": "https://t.example/1", "Region": "Mars"}}));
    assert_eq!(status, 400, "{v}");
    let (status, v) = w.http(
        Some("u-alice"),
        "PATCH",
        &url,
        json!({"fields": {"Ticket": "https://t.example/1", "Region": null, "Users affected": 7}}),
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (value_of(&v, "Ticket"), value_of(&v, "Region"), value_of(&v, "Users affected")),
        (json!("https://t.example/1"), Value::Null, json!("7"))
    );
    let (status, _) = w.http(Some("u-alice"), "PATCH", &url, json!({"fields": {"Ticket": "https://t.example/1"}}));
    assert_eq!(status, 409, "unchanged");
    let (status, _) = w.http(Some("u-alice"), "PATCH", &url, json!({"nope": 1}));
    assert_eq!(status, 400);
    let events = v["timeline"].as_array().expect("timeline").iter().filter(|e| e["kind"]["type"] == "field_set").count();
    assert_eq!(events, 2 + 1 + 3, "one event per field set or cleared");

    // The report shows the fields.
    let (_, report) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents/{i}/report"), Value::Null);
    assert!(report["markdown"].as_str().is_some_and(|m| m.contains("- **Ticket:** https://t.example/1")), "{report}");
}

#[test]
fn only_people_who_may_see_an_incident_see_or_change_its_fields() {
    let w = World::new();
    let pb = playbook_with_fields(&w);
    let secret = start(&w, "u-alice", json!({"name": "Secret", "playbook_id": pb, "private": true, "fields": {"Region": "EU"}}));
    let i = id(&secret);
    let url = format!("/api/v0/incidents/{i}/fields");
    assert_eq!(w.http(Some("u-bob"), "PATCH", &url, json!({"fields": {"Region": "US"}})).0, 404);
    assert_eq!(w.http(Some("u-carol"), "PATCH", &url, json!({"fields": {"Region": "US"}})).0, 404);
    assert_eq!(w.http(Some("u-bob"), "GET", &format!("/api/v0/incidents/{i}"), Value::Null).0, 404);
    // Filters never reveal it: bob's list by its field value is empty, alice's and root's are not.
    let list = |who: &str, q: &str| w.http(Some(who), "GET", &format!("/api/v0/incidents?team_id={TEAM}&{q}"), Value::Null);
    assert_eq!(list("u-bob", "field=Region%3DEU").1["total"], 0);
    assert_eq!(list("u-alice", "field=Region%3DEU").1["total"], 1);
    assert_eq!(list("u-root", "field=region=eu").1["total"], 1);
    assert_eq!(list("u-carol", "field=Region%3DEU").0, 403);
    assert!(w.cmd("u-bob", "town", "/incident list field:Region=EU").contains("No incidents"));
    // A public one is seen by bob, who may not change it from outside its channel.
    let public = start(&w, "u-alice", json!({"name": "Public", "playbook_id": pb, "fields": {"Region": "EU"}}));
    assert_eq!(list("u-bob", "field=Region%3DEU").1["total"], 1);
    let (status, _) =
        w.http(Some("u-bob"), "PATCH", &format!("/api/v0/incidents/{}/fields", id(&public)), json!({"fields": {"Region": "US"}}));
    assert_eq!(status, 403);
}

#[test]
fn lists_filter_by_severity_status_playbook_commander_and_fields() {
    let w = World::new();
    let pb = playbook_with_fields(&w);
    let a = start(
        &w,
        "u-alice",
        json!({"name": "Alpha", "playbook_id": pb, "severity": "P1", "fields": {"Region": "EU", "Owner": "u-bob"}}),
    );
    let b = start(
        &w,
        "u-alice",
        json!({"name": "Beta", "playbook_id": pb, "severity": "P2", "fields": {"Region": "US"}, "commander_id": "u-bob"}),
    );
    let c = start(&w, "u-alice", json!({"name": "Gamma", "severity": "P1"}));
    w.http(Some("u-alice"), "POST", &format!("/api/v0/incidents/{}/status", id(&c)), json!({"status": "Identified"}));
    let names = |q: &str| -> Vec<String> {
        let (status, v) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents?team_id={TEAM}&{q}"), Value::Null);
        assert_eq!(status, 200, "{q}: {v}");
        v["items"].as_array().expect("items").iter().map(|i| i["name"].as_str().unwrap_or_default().to_owned()).collect()
    };
    assert_eq!(names("severity=p1"), ["Gamma", "Alpha"]);
    assert_eq!(names("status=identified"), ["Gamma"]);
    assert_eq!(names(&format!("playbook_id={pb}")), ["Beta", "Alpha"]);
    assert_eq!(names("commander_id=u-bob"), ["Beta"]);
    assert_eq!(names("field=Region%3DUS"), ["Beta"]);
    assert_eq!(names("field=Owner%3Du-bob&severity=P1"), ["Alpha"]);
    assert_eq!(names("field=Region%3DEU&field=Owner%3Du-bob"), ["Alpha"]);
    assert!(names("field=Region%3DEU&severity=P2").is_empty());
    assert_eq!(w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents?team_id={TEAM}&field=Region"), Value::Null).0, 400);

    let text = w.cmd("u-alice", "town", "/incident list severity:P1 playbook:\"customer OUTAGE\" field:Owner=@bob");
    assert!(text.contains("Alpha") && !text.contains("Beta") && !text.contains("Gamma"), "{text}");
    assert!(text.contains("Severity: P1"), "{text}");
    let text = w.cmd("u-alice", "town", "/incident list commander:@bob");
    assert!(text.contains("Beta") && !text.contains("Alpha"), "{text}");
    let text = w.cmd("u-alice", "town", "/incident list status:Identified");
    assert!(text.contains("Gamma") && !text.contains("Alpha"), "{text}");
    assert!(w.cmd("u-alice", "town", "/incident list colour:red").contains("Unknown filter"));
    assert!(w.cmd("u-alice", "town", "/incident list field:Region").contains("field:<name>=<value>"));
    assert!(w.cmd("u-alice", "town", "/incident list playbook:Nope").contains("no playbook"));
    let _ = (a, b);
}

/// Rows stored before migration 7 have no facets: a filtered listing fills them first, and the
/// timer fills the rest.
#[test]
fn incidents_stored_before_the_facets_are_filtered_correctly() {
    use mattermost_plugin_sdk::store::Statement;
    let w = World::new();
    let pb = playbook_with_fields(&w);
    start(&w, "u-alice", json!({"name": "Old one", "playbook_id": pb, "severity": "P1", "fields": {"Region": "EU"}}));
    start(&w, "u-alice", json!({"name": "Old two", "severity": "P3"}));
    crate::store::db::Database::execute(&w.db, vec![Statement::new("UPDATE incidents SET facets = NULL", vec![])])
        .expect("forget");
    let (_, v) =
        w.http(Some("u-bob"), "GET", &format!("/api/v0/incidents?team_id={TEAM}&field=Region%3DEU&severity=P1"), Value::Null);
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(with_service(&w.mm, &w.db, |s| s.fill_facets()).expect("fill"), 0, "the listing filled them");
    crate::store::db::Database::execute(&w.db, vec![Statement::new("UPDATE incidents SET facets = NULL", vec![])])
        .expect("forget");
    assert_eq!(with_service(&w.mm, &w.db, |s| s.fill_facets()).expect("fill"), 2);
    assert_eq!(with_service(&w.mm, &w.db, |s| s.fill_facets()).expect("again"), 0);
}

#[test]
fn the_start_form_offers_the_playbooks_fields_and_keeps_errors_under_them() {
    let w = World::new();
    let pb = playbook_with_fields(&w);
    let form = crate::service::dialog::StartForm {
        user_id: "u-alice",
        team_id: TEAM,
        trigger_id: "trigger",
        summary: String::new(),
        playbook_id: pb.clone(),
    };
    with_service(&w.mm, &w.db, |s| crate::service::dialog::open_start(s, &form)).expect("open");
    let dialog = w.mm.dialogs.borrow().last().cloned().expect("dialog");
    let region = dialog.dialog.elements.iter().find(|e| e.name == "field:Region").expect("region element");
    assert_eq!((region.element_type.as_str(), region.options.len()), ("select", 2));
    let owner = dialog.dialog.elements.iter().find(|e| e.name == "field:Owner").expect("owner element");
    assert_eq!(owner.data_source, "users");

    let submit = |submission: Value| {
        w.http(Some("u-alice"), "POST", "/api/v0/dialogs/start", json!({"team_id": TEAM, "submission": submission})).1
    };
    let v = submit(json!({"name": "From the form", "playbook": pb, "field:Region": "Mars"}));
    assert!(v["errors"]["field:Region"].as_str().is_some_and(|m| m.contains("EU, US")), "{v}");
    let v = submit(
        json!({"name": "From the form", "playbook": pb, "field:Region": "US", "field:Owner": "u-bob", "field:Customer": ""}),
    );
    assert_eq!(v, json!({}));
    let (_, list) = w.http(Some("u-alice"), "GET", &format!("/api/v0/incidents?team_id={TEAM}&field=Owner%3Du-bob"), Value::Null);
    assert_eq!(list["items"][0]["name"], "From the form", "{list}");
    assert_eq!(value_of(&list["items"][0], "Region"), "US");
}

#[test]
fn the_cross_team_report_is_for_system_admins() {
    let w = World::new();
    start(&w, "u-alice", json!({"name": "One", "severity": "P1"}));
    start(&w, "u-alice", json!({"name": "Two", "severity": "P2", "private": true}));
    let (status, v) = w.http(Some("u-root"), "GET", "/api/v0/reports/teams?period=week&periods=2", Value::Null);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["teams"][0]["team_id"], TEAM);
    assert_eq!(v["teams"][0]["incidents"], 2, "private ones count too: {v}");
    assert_eq!(v["teams"][0]["active"], 2);
    for who in ["u-alice", "u-bob", "u-carol"] {
        assert_eq!(w.http(Some(who), "GET", "/api/v0/reports/teams", Value::Null).0, 403, "{who}");
    }
    assert_eq!(w.http(Some("u-root"), "GET", "/api/v0/reports/teams?periods=0", Value::Null).0, 400);
}
