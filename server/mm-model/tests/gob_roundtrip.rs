//! The gob form of the models survives a round trip, including the parts written by hand
//! (props, autocomplete argument data, the recursive autocomplete tree).
#![cfg(feature = "gob")]

use gobwire::{Decoder, Encoder, Progress, parse_length_prefix};
use mm_model::{
    AppError, AutocompleteData, Command, CommandResponse, OrderedSidebarCategories, Post, Props, SidebarCategory,
    SidebarCategoryWithChannels,
};
use serde_json::json;

fn roundtrip<T: gobwire::Encode + gobwire::Decode + Default>(value: &T) -> T {
    decode(&Encoder::new().encode(value).expect("encode"))
}

fn decode<T: gobwire::Decode + Default>(bytes: &[u8]) -> T {
    let mut dec = Decoder::new();
    let mut rest = bytes;
    loop {
        let (width, len) = parse_length_prefix(rest).expect("prefix").expect("complete");
        let body = &rest[width..width + len];
        rest = &rest[width + len..];
        if dec.push_message(body).expect("push") == Progress::Ready {
            return dec.decode().expect("decode");
        }
    }
}

#[test]
fn post_with_props_roundtrips() {
    let mut props = Props::default();
    props.insert("from_bot", "true");
    props.insert("n", 1.5);
    props.insert("nested", json!({"a": [1.0, "x", true], "b": null}));
    let post = Post {
        id: "p1".into(),
        channel_id: "c1".into(),
        message: "hello ✓ مرحبا".into(),
        post_type: "custom_incident".into(),
        props,
        file_ids: vec!["f1".into()],
        ..Post::default()
    };
    let back = roundtrip(&post);
    assert_eq!(back.message, post.message);
    assert_eq!(back.props.get("from_bot"), Some(&json!("true")));
    assert_eq!(back.props.get("n"), Some(&json!(1.5)));
    // A nil inside a map is dropped by JSON-null → nil interface; the rest survives.
    assert_eq!(back.props.get("nested").and_then(|n| n.get("a")), Some(&json!([1.0, "x", true])));
    assert_eq!(back.file_ids, vec!["f1".to_owned()]);
}

#[test]
fn command_with_autocomplete_tree_roundtrips() {
    let tree = AutocompleteData::new("incident", "[command]", "Run incidents")
        .with_sub_command(AutocompleteData::new("ping", "", "Check the plugin is alive"))
        .with_sub_command(
            AutocompleteData::new("start", "[name]", "Start an incident")
                .with_text_arg("name", "Incident name", "name", false)
                .with_sub_command(AutocompleteData::new("deep", "", "nested twice")),
        )
        .with_dynamic_arg("id", "Incident", "/plugins/x/autocomplete", false);
    let cmd = Command {
        trigger: "incident".into(),
        auto_complete: true,
        autocomplete_data: Some(tree.clone()),
        icon_url: "/x.svg".into(),
        ..Command::default()
    };
    let back = roundtrip(&cmd);
    assert_eq!(back, cmd);
}

#[test]
fn app_error_and_response_roundtrip() {
    let e = AppError::new("plugin.x", "went wrong", 500);
    assert_eq!(roundtrip(&e), e);
    let r = CommandResponse::ephemeral("pong");
    assert_eq!(roundtrip(&r), r);
}

#[test]
fn json_form_uses_mattermost_keys() {
    let post = Post { channel_id: "c".into(), post_type: "t".into(), ..Post::default() };
    let v = serde_json::to_value(&post).expect("json");
    assert_eq!(v["channel_id"], "c");
    assert_eq!(v["type"], "t");
    let parsed: Post = serde_json::from_str(r#"{"message":"m"}"#).expect("missing keys default");
    assert_eq!(parsed.message, "m");
}

fn incidents_category() -> SidebarCategoryWithChannels {
    SidebarCategoryWithChannels {
        sidebar_category: SidebarCategory {
            id: "cat1".into(),
            user_id: "u1".into(),
            team_id: "t1".into(),
            sort_order: 10,
            category_type: SidebarCategory::CUSTOM.into(),
            display_name: "Incidents".into(),
            ..SidebarCategory::default()
        },
        channels: vec!["c1".into(), "c2".into()],
    }
}

#[test]
fn sidebar_categories_roundtrip_with_the_embedded_category() {
    let ordered = OrderedSidebarCategories { categories: vec![incidents_category()], order: vec!["cat1".into()] };
    assert_eq!(roundtrip(&ordered), ordered);
}

#[test]
fn sidebar_category_json_flattens_the_embedded_category_as_go_does() {
    let v = serde_json::to_value(incidents_category()).expect("json");
    assert_eq!(v["display_name"], "Incidents");
    assert_eq!(v["type"], "custom");
    assert_eq!(v["channel_ids"], json!(["c1", "c2"]));
    assert!(v.get("sidebar_category").is_none());
    let parsed: SidebarCategoryWithChannels =
        serde_json::from_str(r#"{"id":"x","display_name":"Ops","type":"custom","channel_ids":["c"]}"#).expect("parse");
    assert_eq!(parsed.sidebar_category.display_name, "Ops");
    assert_eq!(parsed.channels, vec!["c".to_owned()]);
}

/// What Go's encoding/gob writes for a one-category `model.OrderedSidebarCategories` (the embedded
/// `SidebarCategory` travels as a field of that name): made by a Go program with the same types.
const GO_ORDERED_SIDEBAR_CATEGORIES: &[&str] = &[
    "407f030101184f7264657265645369646562617243617465676f7269657301ff80000102010a43617465676f72696573",
    "01ff880001054f7264657201ff8600000032ff87020101235b5d2a6d61696e2e5369646562617243617465676f727957",
    "6974684368616e6e656c7301ff880001ff8200002fff81030102ff82000102010f5369646562617243617465676f7279",
    "01ff840001084368616e6e656c7301ff86000000ff85ff830301010f5369646562617243617465676f727901ff840001",
    "0901024964010c000106557365724964010c0001065465616d4964010c000109536f72744f726465720104000107536f",
    "7274696e67010c00010454797065010c00010b446973706c61794e616d65010c0001054d757465640102000109436f6c",
    "6c6170736564010200000016ff85020101085b5d737472696e6701ff8600010c00003cff800101010104636174310102",
    "75310102743101140206637573746f6d0109496e636964656e74730201000102026331026332000101046361743100",
];

#[test]
fn sidebar_categories_decode_from_go_gob() {
    let hex: String = GO_ORDERED_SIDEBAR_CATEGORIES.concat();
    let bytes: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")).collect();
    let ordered: OrderedSidebarCategories = decode(&bytes);
    let mut expected = incidents_category();
    expected.sidebar_category.collapsed = true;
    assert_eq!(ordered, OrderedSidebarCategories { categories: vec![expected], order: vec!["cat1".into()] });
}
