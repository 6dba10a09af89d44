//! Channel names for incident channels.
//!
//! Mattermost channel names (the URL part) are 2 to 64 characters of `a-z`, `0-9`, `-` and `_`,
//! and may not start or end with `-` or `_`. Templates such as `inc-{number}-{name}` are filled
//! in and then sanitised, so whatever a user names an incident, the result is a valid name.

use crate::error::DomainError;

pub const DEFAULT_CHANNEL_NAME_TEMPLATE: &str = "inc-{number}-{name}";
pub const MIN_CHANNEL_NAME_LEN: usize = 2;
pub const MAX_CHANNEL_NAME_LEN: usize = 64;
pub const MAX_TEMPLATE_CHARS: usize = 200;

const PLACEHOLDERS: [&str; 2] = ["{number}", "{name}"];

/// Fills in `template` (empty means [`DEFAULT_CHANNEL_NAME_TEMPLATE`]): `{number}` becomes the
/// number zero-padded to 4 digits, `{name}` the slugified incident name. When the result is too
/// long the name part is shortened first, so the number survives. Never returns an invalid or
/// empty name: the fallback is `inc-{number}`.
pub fn channel_name(template: &str, number: u32, name: &str) -> String {
    let template = if template.trim().is_empty() { DEFAULT_CHANNEL_NAME_TEMPLATE } else { template };
    let number_text = format!("{number:04}");
    let fill = |slug: &str| sanitise(&template.replace("{number}", &number_text).replace("{name}", slug));

    let slug = slugify(name);
    let mut filled = fill(&slug);
    if filled.len() > MAX_CHANNEL_NAME_LEN {
        let excess = filled.len() - MAX_CHANNEL_NAME_LEN;
        let shorter = slug.get(..slug.len().saturating_sub(excess)).unwrap_or_default();
        filled = fill(shorter.trim_end_matches(is_separator));
    }
    let filled = truncate(&filled, MAX_CHANNEL_NAME_LEN);
    if filled.len() < MIN_CHANNEL_NAME_LEN {
        return format!("inc-{number_text}");
    }
    filled
}

/// The `attempt`-th candidate when `base` is taken: attempt 0 or 1 is `base` itself, then
/// `base-2`, `base-3`, ..., shortening `base` so the result stays within 64 characters.
pub fn unique_channel_name(base: &str, attempt: u32) -> String {
    let base = sanitise(base);
    let base = if base.len() < MIN_CHANNEL_NAME_LEN { "inc".to_string() } else { base };
    if attempt <= 1 {
        return truncate(&base, MAX_CHANNEL_NAME_LEN);
    }
    let suffix = format!("-{attempt}");
    let stem = truncate(&base, MAX_CHANNEL_NAME_LEN - suffix.len());
    format!("{stem}{suffix}")
}

/// An incident name as a channel-name fragment: lowercase ASCII letters and digits, with every
/// other run of characters turned into one `-`. Common Latin accents are transliterated
/// (`é` → `e`, `ß` → `ss`); other scripts are dropped, which may leave nothing.
pub fn slugify(name: &str) -> String {
    sanitise(&name.replace('_', "-"))
}

/// Whether Mattermost would accept `name` as a channel name.
pub fn is_valid_channel_name(name: &str) -> bool {
    (MIN_CHANNEL_NAME_LEN..=MAX_CHANNEL_NAME_LEN).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !name.starts_with(is_separator)
        && !name.ends_with(is_separator)
}

/// Checks a playbook's template: at most 200 characters, no control characters, only the
/// `{number}` and `{name}` placeholders, and something left to name a channel with. Empty is
/// valid and means the default.
pub fn validate_template(template: &str) -> Result<(), DomainError> {
    let invalid = |reason: String| Err(DomainError::InvalidTemplate(reason));
    let template = template.trim();
    if template.is_empty() {
        return Ok(());
    }
    let chars = template.chars().count();
    if chars > MAX_TEMPLATE_CHARS {
        return invalid(format!("it has {chars} characters; the limit is {MAX_TEMPLATE_CHARS}."));
    }
    if template.chars().any(char::is_control) {
        return invalid("it contains a control character.".to_string());
    }
    let mut rest = template;
    let mut literal = String::new();
    while let Some(open) = rest.find(['{', '}']) {
        literal.push_str(rest.get(..open).unwrap_or_default());
        let tail = rest.get(open..).unwrap_or_default();
        match PLACEHOLDERS.iter().find(|p| tail.starts_with(**p)) {
            Some(placeholder) => rest = tail.get(placeholder.len()..).unwrap_or_default(),
            None => {
                let shown: String = tail.chars().take(20).collect();
                return invalid(format!("unknown placeholder at \"{shown}\"; use {{number}} and {{name}}."));
            }
        }
    }
    literal.push_str(rest);
    let has_placeholder = PLACEHOLDERS.iter().any(|p| template.contains(p));
    if !has_placeholder && sanitise(&literal).len() < MIN_CHANNEL_NAME_LEN {
        return invalid("it has no placeholder and too few letters or digits.".to_string());
    }
    Ok(())
}

fn is_separator(c: char) -> bool {
    c == '-' || c == '_'
}

/// Lowercases, transliterates, turns every run of other characters into a single separator
/// (keeping a lone `_` as it is), and trims separators from both ends.
fn sanitise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        // Combining accents (decomposed "é", or the dot `to_lowercase` leaves on "İ") belong to
        // the letter before them: drop them rather than split the word.
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        let pushed = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
            true
        } else if let Some(ascii) = transliterate(c) {
            out.push_str(ascii);
            true
        } else {
            false
        };
        if !pushed && !out.is_empty() && !out.ends_with(is_separator) {
            out.push(if c == '_' { '_' } else { '-' });
        }
    }
    out.trim_end_matches(is_separator).to_string()
}

/// At most `max` bytes (the text is ASCII by now), without a trailing separator.
fn truncate(name: &str, max: usize) -> String {
    name.get(..max.min(name.len())).unwrap_or(name).trim_end_matches(is_separator).to_string()
}

/// Simple one-way transliteration of common Latin letters with diacritics (lowercase input).
fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'þ' => "th",
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
