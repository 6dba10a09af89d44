//! The gob form of the models survives a round trip, including the parts written by hand
//! (props, autocomplete argument data, the recursive autocomplete tree).
#![cfg(feature = "gob")]

use gobwire::{Decoder, Encoder, Progress, parse_length_prefix};
use mm_model::{AppError, AutocompleteData, Command, CommandResponse, Post, Props};
use serde_json::json;

fn roundtrip<T: gobwire::Encode + gobwire::Decode + Default>(value: &T) -> T {
    let bytes = Encoder::new().encode(value).expect("encode");
    let mut dec = Decoder::new();
    let mut rest = &bytes[..];
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
