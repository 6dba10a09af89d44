use super::*;

#[test]
fn default_template() {
    assert_eq!(channel_name("", 42, "Database down"), "inc-0042-database-down");
    assert_eq!(channel_name("  ", 42, "Database down"), "inc-0042-database-down");
    assert_eq!(channel_name(DEFAULT_CHANNEL_NAME_TEMPLATE, 7, "x"), "inc-0007-x");
    assert_eq!(channel_name("", 12_345, "x"), "inc-12345-x");
}

#[test]
fn custom_templates() {
    assert_eq!(channel_name("sec-{number}-{name}", 3, "Leaked token"), "sec-0003-leaked-token");
    assert_eq!(channel_name("{name}", 3, "Leaked token"), "leaked-token");
    assert_eq!(channel_name("Incident {number}", 3, "x"), "incident-0003");
    assert_eq!(channel_name("war_room_{number}", 3, "x"), "war_room_0003");
    assert_eq!(channel_name("{name}-{number}", 3, "a"), "a-0003");
    assert_eq!(channel_name("--{number}--", 3, "a"), "0003");
}

#[test]
fn names_are_slugified() {
    assert_eq!(slugify("  Database DOWN!!! (again) "), "database-down-again");
    assert_eq!(slugify("API_v2 / EU-west"), "api-v2-eu-west");
    assert_eq!(slugify("Café crème à Zürich"), "cafe-creme-a-zurich");
    assert_eq!(slugify("Straße Łódź Ærø Œuvre"), "strasse-lodz-aero-oeuvre");
    assert_eq!(slugify("Cafe\u{301}"), "cafe", "decomposed accents are dropped, not separators");
    assert_eq!(slugify("İstanbul"), "istanbul");
    assert_eq!(slugify("🔥 fire 🔥"), "fire");
    assert_eq!(slugify("東京 outage"), "outage");
    assert_eq!(slugify("a東b"), "a-b");
}

#[test]
fn unicode_only_names_fall_back_to_the_number() {
    assert_eq!(channel_name("", 42, "قاعدة البيانات"), "inc-0042");
    assert_eq!(channel_name("", 42, "🔥🔥🔥"), "inc-0042");
    assert_eq!(channel_name("{name}", 42, "データベース"), "inc-0042");
    assert_eq!(channel_name("{name}", 42, "x"), "inc-0042", "one character is too short");
    assert_eq!(channel_name("!!!", 42, "x"), "inc-0042");
}

#[test]
fn long_names_are_shortened_and_keep_the_number() {
    let name = "word ".repeat(100);
    let channel = channel_name("", 42, &name);
    assert!(channel.len() <= MAX_CHANNEL_NAME_LEN, "{channel}");
    assert!(channel.starts_with("inc-0042-word-word"), "{channel}");
    assert!(is_valid_channel_name(&channel), "{channel}");

    let channel = channel_name("{name}-{number}", 42, &name);
    assert!(channel.ends_with("-0042"), "the number survives at the end: {channel}");
    assert!(is_valid_channel_name(&channel), "{channel}");

    let channel = channel_name("", 42, &"x".repeat(10_000));
    assert_eq!(channel.len(), 64);
    assert!(is_valid_channel_name(&channel));

    let long_literal = format!("{}{{number}}", "a".repeat(100));
    let channel = channel_name(&long_literal, 42, "x");
    assert_eq!(channel, "a".repeat(64), "a long literal is cut at 64");
}

#[test]
fn every_result_is_a_valid_channel_name() {
    const LONG: &str = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    let names = [
        "",
        " ",
        "-",
        "_",
        "a",
        "Database down",
        "🔥",
        LONG,
        "__init__",
        "a--b__c",
        "-leading and trailing-",
        "ÀÉÎÕÜ",
        "مرحبا",
        "שלום עולם",
        "\u{202e}evil",
    ];
    let templates = ["", "{name}", "{number}", "{name}{name}{name}", "x_{name}_", "{number}-{name}-{number}"];
    for template in templates {
        for name in names {
            for number in [0, 1, 42, 9_999, 10_000, u32::MAX] {
                let channel = channel_name(template, number, name);
                assert!(is_valid_channel_name(&channel), "{template:?} {number} {name:?} -> {channel:?}");
            }
        }
    }
}

#[test]
fn separators_collapse() {
    assert_eq!(channel_name("{name}", 1, "a - _ b"), "a-b");
    assert_eq!(channel_name("x__{number}", 1, ""), "x_0001");
    assert_eq!(channel_name("x_-{number}", 1, ""), "x_0001");
}

#[test]
fn unique_names() {
    assert_eq!(unique_channel_name("inc-0042-db", 0), "inc-0042-db");
    assert_eq!(unique_channel_name("inc-0042-db", 1), "inc-0042-db");
    assert_eq!(unique_channel_name("inc-0042-db", 2), "inc-0042-db-2");
    assert_eq!(unique_channel_name("inc-0042-db", 3), "inc-0042-db-3");
    let base = "a".repeat(64);
    let second = unique_channel_name(&base, 2);
    assert_eq!(second.len(), 64);
    assert!(second.ends_with("a-2"));
    let many = unique_channel_name(&base, u32::MAX);
    assert!(many.len() <= 64 && many.ends_with("-4294967295") && is_valid_channel_name(&many));
    // The cut never leaves a separator before the suffix.
    let base = format!("{}-b", "a".repeat(61));
    assert_eq!(unique_channel_name(&base, 2), format!("{}-2", "a".repeat(61)));
    assert_eq!(unique_channel_name("", 2), "inc-2");
    assert_eq!(unique_channel_name("Not Sanitised!", 2), "not-sanitised-2");
}

#[test]
fn channel_name_validity() {
    assert!(is_valid_channel_name("ab"));
    assert!(is_valid_channel_name("inc-0042_x"));
    assert!(!is_valid_channel_name("a"));
    assert!(!is_valid_channel_name(&"a".repeat(65)));
    assert!(!is_valid_channel_name("-ab"));
    assert!(!is_valid_channel_name("ab_"));
    assert!(!is_valid_channel_name("Ab"));
    assert!(!is_valid_channel_name("a b"));
    assert!(!is_valid_channel_name("é1"));
}

#[test]
fn template_validation() {
    for good in ["", "inc-{number}-{name}", "{name}", "{number}", "war-room", "sec {number}"] {
        assert_eq!(validate_template(good), Ok(()), "{good}");
    }
    let bad = [
        ("inc-{num}", "unknown placeholder at \"{num}\"; use {number} and {name}."),
        ("inc-{number", "unknown placeholder at \"{number\"; use {number} and {name}."),
        ("inc-}", "unknown placeholder at \"}\"; use {number} and {name}."),
        ("{{name}}", "unknown placeholder at \"{{name}}\"; use {number} and {name}."),
        ("!!", "it has no placeholder and too few letters or digits."),
        ("a\u{7}{number}", "it contains a control character."),
    ];
    for (template, message) in bad {
        assert_eq!(validate_template(template), Err(DomainError::InvalidTemplate(message.into())), "{template}");
    }
    assert!(validate_template(&"a".repeat(201)).is_err());
    assert!(validate_template(&"a".repeat(200)).is_ok());
}
