use serde_json::json;

use super::*;
use crate::render;
use crate::test_support::{T0, incident};

const PD_KEY: &str = "R0UTINGKEY0123456789abcdefABCDEF";
const OG_KEY: &str = "eb243592-faa2-4ba2-a551q-1afdf565c889";

fn config() -> PagingConfig {
    PagingConfig {
        services: vec![
            PagingService { name: "db".into(), provider: Provider::Pagerduty, key: PD_KEY.into(), page_on: vec!["P1".into()] },
            PagingService { name: "web".into(), provider: Provider::Opsgenie, key: OG_KEY.into(), page_on: vec![] },
        ],
        statuspage: Some(StatusPageConfig { page_id: "kctbh9vrtdwd".into(), key: "sp-key-0123456789abcdef".into() }),
    }
}

fn header<'a>(request: &'a OutgoingRequest, name: &str) -> Option<&'a str> {
    request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

#[test]
fn a_pagerduty_page_is_an_events_v2_trigger_and_its_resolve_names_the_same_dedup_key() {
    let mut i = incident();
    i.severity = "P1".into();
    i.status = "Investigating".into();
    let endpoints = Endpoints::default();
    let db = &config().services[0];
    let trigger = pagerduty_trigger(&endpoints, db, &i, 0, "https://chat.example.com/team/channels/inc-0042");
    assert_eq!((trigger.method, trigger.url.as_str()), ("POST", "https://events.pagerduty.com/v2/enqueue"));
    assert_eq!(header(&trigger, "content-type"), Some("application/json"));
    assert_eq!(header(&trigger, "authorization"), None, "Events v2 authenticates by the routing key in the body");
    let dedup = dedup_key("inc1", "db");
    assert_eq!(trigger.body["routing_key"], PD_KEY);
    assert_eq!(trigger.body["event_action"], "trigger");
    assert_eq!(trigger.body["dedup_key"], dedup.as_str());
    assert_eq!(trigger.body["payload"]["summary"], "INC-0042 Database down (P1)");
    assert_eq!(trigger.body["payload"]["source"], "Mattermost Incident Response");
    assert_eq!(trigger.body["payload"]["severity"], "critical");
    assert_eq!(trigger.body["links"][0]["href"], "https://chat.example.com/team/channels/inc-0042");
    for (rank, severity) in [(1, "error"), (2, "warning"), (3, "info"), (9, "info")] {
        assert_eq!(pagerduty_trigger(&endpoints, db, &i, rank, "").body["payload"]["severity"], severity);
    }
    assert!(pagerduty_trigger(&endpoints, db, &i, 0, "").body.get("links").is_none());

    let resolve = pagerduty_resolve(&endpoints, db, &dedup);
    assert_eq!((resolve.method, resolve.url.as_str()), ("POST", "https://events.pagerduty.com/v2/enqueue"));
    assert_eq!(resolve.body, json!({"routing_key": PD_KEY, "event_action": "resolve", "dedup_key": dedup}));
}

#[test]
fn an_opsgenie_page_is_an_alert_with_an_alias_closed_by_that_alias() {
    let mut i = incident();
    i.name = "x".repeat(300);
    i.severity = "P2".into();
    let endpoints = Endpoints::parse("opsgenie: https://api.eu.opsgenie.com/").expect("endpoints");
    let web = &config().services[1];
    let create = opsgenie_create(&endpoints, web, &i, 1, "");
    assert_eq!((create.method, create.url.as_str()), ("POST", "https://api.eu.opsgenie.com/v2/alerts"));
    assert_eq!(header(&create, "authorization"), Some(format!("GenieKey {OG_KEY}").as_str()));
    assert_eq!(create.body["alias"], dedup_key("inc1", "web").as_str());
    assert_eq!(create.body["priority"], "P2");
    assert_eq!(create.body["message"].as_str().map(|m| m.chars().count()), Some(130), "Opsgenie's limit");
    assert_eq!(opsgenie_create(&endpoints, web, &i, 7, "").body["priority"], "P5");

    let close = opsgenie_close(&endpoints, web, "mattermost-incident-inc1-web", "INC-0042");
    assert_eq!(close.method, "POST");
    assert_eq!(close.url, "https://api.eu.opsgenie.com/v2/alerts/mattermost-incident-inc1-web/close?identifierType=alias");
    assert_eq!(header(&close, "authorization"), Some(format!("GenieKey {OG_KEY}").as_str()));
    assert_eq!(close.body["note"], "INC-0042 was resolved in Mattermost.");
    let odd = opsgenie_close(&endpoints, web, "a b/c", "INC-1");
    assert!(odd.url.contains("/v2/alerts/a%20b%2Fc/close?"), "{}", odd.url);
}

#[test]
fn statuspage_incidents_are_created_then_patched_with_an_oauth_key() {
    let endpoints = Endpoints::parse("statuspage: http://127.0.0.1:9999").expect("endpoints");
    let page = config().statuspage.expect("page");
    let create = statuspage_create(&endpoints, &page, "Database down", "investigating", "We are looking into it.");
    assert_eq!((create.method, create.url.as_str()), ("POST", "http://127.0.0.1:9999/v1/pages/kctbh9vrtdwd/incidents"));
    assert_eq!(header(&create, "authorization"), Some("OAuth sp-key-0123456789abcdef"));
    assert_eq!(
        create.body,
        json!({"incident": {"name": "Database down", "status": "investigating", "body": "We are looking into it."}})
    );
    let update = statuspage_update(&endpoints, &page, "p31zjtct2jer", "resolved", "Fixed.");
    assert_eq!(update.method, "PATCH");
    assert_eq!(update.url, "http://127.0.0.1:9999/v1/pages/kctbh9vrtdwd/incidents/p31zjtct2jer");
    assert_eq!(update.body, json!({"incident": {"status": "resolved", "body": "Fixed."}}));

    assert_eq!(statuspage_incident_id(br#"{"id":"p31zjtct2jer","name":"x"}"#), Some("p31zjtct2jer".into()));
    assert_eq!(statuspage_incident_id(br#"{"id":"../admin"}"#), None, "an id goes into a path");
    assert_eq!(statuspage_incident_id(b"<html>"), None);
    assert_eq!(statuspage_status("Identified", false), "identified");
    assert_eq!(statuspage_status("Mitigated", false), "investigating");
    assert_eq!(statuspage_status("Resolved", false), "investigating", "only the end resolves");
    assert_eq!(statuspage_status("Monitoring", true), "resolved");
}

#[test]
fn endpoints_default_to_the_providers_and_bad_overrides_are_refused() {
    assert_eq!(Endpoints::parse("").expect("empty"), Endpoints::default());
    assert_eq!(Endpoints::default().pagerduty, "https://events.pagerduty.com");
    for bad in ["pagerduty http://x", "pagerduty: ftp://x", "slack: https://x", "opsgenie: https://a b"] {
        assert!(Endpoints::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_public_view_shows_that_keys_exist_never_the_keys() {
    let view = config().public_view();
    let text = view.to_string();
    assert!(!text.contains(PD_KEY) && !text.contains(OG_KEY) && !text.contains("sp-key-0123456789abcdef"), "{text}");
    assert_eq!(view["services"][0]["key"], json!({"configured": true, "last4": "CDEF"}));
    assert_eq!(view["statuspage"]["key"], json!({"configured": true, "last4": "cdef"}));
    let short = PagingConfig {
        services: vec![PagingService {
            name: "a".into(),
            provider: Provider::Pagerduty,
            key: "short-key".into(),
            page_on: vec![],
        }],
        statuspage: None,
    };
    assert_eq!(short.public_view()["services"][0]["key"], json!({"configured": true}), "a short key shows nothing of itself");
}

#[test]
fn updates_keep_stored_keys_check_names_and_severities_and_refuse_bad_ones() {
    let severities: Vec<String> = ["P1", "P2"].iter().map(|s| s.to_string()).collect();
    let update: PagingConfigUpdate = serde_json::from_value(json!({
        "services": [
            {"name": " DB ", "provider": "pagerduty", "page_on": ["p1", "P1"]},
            {"name": "search", "provider": "opsgenie", "key": "new-key-1234"}
        ],
        "statuspage": {"page_id": "kctbh9vrtdwd"}
    }))
    .expect("update");
    let next = config().updated(update, &severities).expect("valid");
    assert_eq!(next.services[0].name, "db");
    assert_eq!(next.services[0].key, PD_KEY, "kept");
    assert_eq!(next.services[0].page_on, vec!["P1".to_string()]);
    assert_eq!(next.services[1].key, "new-key-1234");
    assert_eq!(next.statuspage.as_ref().map(|p| p.key.as_str()), Some("sp-key-0123456789abcdef"));
    assert_eq!(next.services_for_severity("p1").len(), 1);
    assert!(next.service("WEB").is_none(), "left out of the list: removed");

    let bad = |value: serde_json::Value| {
        let update: PagingConfigUpdate = serde_json::from_value(value).expect("shape");
        config().updated(update, &severities).expect_err("refused").to_string()
    };
    assert!(bad(json!({"services": [{"name": "new", "provider": "pagerduty"}]})).contains("needs a key"));
    assert!(bad(json!({"services": [{"name": "a b", "provider": "pagerduty", "key": "k"}]})).contains("service name"));
    assert!(bad(json!({"services": [{"name": "x", "provider": "opsgenie", "key": "k\r\nX-Evil: 1"}]})).contains("visible ASCII"));
    assert!(
        bad(json!({"services": [{"name": "db", "provider": "pagerduty"}, {"name": "DB", "provider": "pagerduty"}]}))
            .contains("twice")
    );
    assert!(bad(json!({"services": [{"name": "db", "provider": "pagerduty", "page_on": ["SEV9"]}]})).contains("not a severity"));
    assert!(bad(json!({"statuspage": {"page_id": "../x", "key": "k"}})).contains("page id"));
    let none: PagingConfigUpdate = serde_json::from_value(json!({"statuspage": {"page_id": "abc"}})).expect("shape");
    assert!(PagingConfig::default().updated(none, &severities).is_err(), "a new page needs its key");
    assert!(serde_json::from_value::<PagingConfigUpdate>(json!({"services": [{"name": "a", "provider": "slack"}]})).is_err());
}

fn page(service: &str, provider: Provider) -> Page {
    Page {
        service: service.into(),
        provider,
        dedup_key: dedup_key("inc1", service),
        paged_at: T0,
        paged_by: "alice".into(),
        resolved_at: None,
    }
}

#[test]
fn pages_are_recorded_once_while_open_and_resolved_on_the_timeline_without_keys() {
    let mut i = incident();
    i.record_page("alice", T0, page("db", Provider::Pagerduty)).expect("paged");
    let before = i.clone();
    assert!(matches!(i.record_page("bob", T0 + 1, page("db", Provider::Pagerduty)), Err(DomainError::NoChange(_))));
    assert_eq!(i, before, "a refused page changes nothing");
    assert_eq!(i.open_pages().len(), 1);
    i.record_page_resolved("alice", T0 + 2, "db").expect("resolved");
    assert_eq!(i.open_pages().len(), 0);
    assert!(i.record_page_resolved("alice", T0 + 3, "db").is_err(), "nothing open to resolve");
    i.record_page("alice", T0 + 4, page("db", Provider::Pagerduty)).expect("paged again after the resolve");
    i.record_paging_failure("alice", T0 + 5, PagingAction::Page, "web", "Opsgenie answered 422: bad\u{7} key").expect("failure");

    let usernames = |id: &str| Some(id.to_string());
    let lines: Vec<String> =
        i.timeline.iter().skip(1).map(|e| render::change_message(&i, e, crate::Zone::UTC, &usernames)).collect();
    assert!(lines[0].contains("@alice paged the on-call of db (PagerDuty)"), "{lines:?}");
    assert!(lines[1].contains("resolved the page of db (PagerDuty)"), "{lines:?}");
    assert!(lines[3].contains("could not page the on-call of web: Opsgenie answered 422: bad key"), "{lines:?}");
    let stored = serde_json::to_string(&i).expect("json");
    assert!(!stored.contains(PD_KEY) && !stored.contains(OG_KEY));
}

#[test]
fn the_status_page_mirror_is_created_once_then_updated_and_resolved() {
    let mut i = incident();
    assert!(i.record_status_page("alice", T0, StatusPageAction::Updated, None, "identified").is_err(), "nothing to update yet");
    i.record_status_page("alice", T0, StatusPageAction::Created, Some(("pg".into(), "sp1".into())), "investigating")
        .expect("created");
    i.record_status_page("alice", T0 + 1, StatusPageAction::Updated, None, "identified").expect("updated");
    i.record_status_page("alice", T0 + 2, StatusPageAction::Resolved, None, "resolved").expect("resolved");
    let mirror = i.status_page.clone().expect("mirror");
    assert_eq!((mirror.incident_id.as_str(), mirror.resolved_at), ("sp1", Some(T0 + 2)));
    let usernames = |id: &str| Some(id.to_string());
    let last = render::change_message(&i, i.last_event().expect("event"), crate::Zone::UTC, &usernames);
    assert!(last.contains("resolved the public incident on the status page"), "{last}");
}

#[test]
fn failure_reasons_quote_the_provider_and_never_the_key() {
    let reason = failure_reason("PagerDuty", 400, br#"{"status":"invalid event","message":"Event object is invalid","errors":["routing_key R0UTINGKEY0123456789abcdefABCDEF is wrong"]}"#, PD_KEY);
    assert!(reason.starts_with("PagerDuty answered 400: Event object is invalid; "), "{reason}");
    assert!(!reason.contains(PD_KEY), "{reason}");
    assert_eq!(failure_reason("Statuspage", 401, b"", "k"), "Statuspage answered 401");
    assert_eq!(failure_reason("Opsgenie", 500, b"oops\n", "k"), "Opsgenie answered 500: oops");
}
