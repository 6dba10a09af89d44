//! Normalising user text. Names and titles are single lines shown in channel headers, lists and
//! posts, so runs of whitespace collapse to one space; descriptions keep their line breaks.
//! Lengths count Unicode scalar values (`char`s), so emoji and right-to-left scripts count as
//! what they are rather than as their UTF-8 byte length.

/// Trims, collapses internal whitespace (any Unicode whitespace, including tabs and newlines) to
/// single spaces, then checks `1..=max` chars. Other control characters are refused: they are
/// invisible in the UI and can break the terminal or log they end up in. So are the invisible
/// format characters that make a name look like another one ([`reject_spoofing`]).
///
/// The error is the end of a sentence ("it is empty.") for the caller's error variant.
pub(crate) fn single_line(raw: &str, max: usize) -> Result<String, String> {
    reject_controls(raw, |c| c.is_whitespace())?;
    reject_spoofing(raw)?;
    let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    check_length(&collapsed, max)?;
    Ok(collapsed)
}

/// Trims the ends and normalises line endings to `\n`; tabs and newlines are allowed, other
/// control characters are not. Empty is allowed (descriptions are optional).
pub(crate) fn multi_line(raw: &str, max: usize) -> Result<String, String> {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    reject_controls(&unified, |c| c == '\n' || c == '\t')?;
    let trimmed = unified.trim().to_string();
    let chars = trimmed.chars().count();
    if chars > max {
        return Err(format!("it has {chars} characters; the limit is {max}."));
    }
    Ok(trimmed)
}

fn reject_controls(raw: &str, allowed: impl Fn(char) -> bool) -> Result<(), String> {
    match raw.chars().find(|&c| c.is_control() && !allowed(c)) {
        Some(c) => Err(format!("it contains a control character (U+{:04X}).", c as u32)),
        None => Ok(()),
    }
}

/// Names (incidents, channels, playbooks, items, sections, roles) are shown side by side in
/// channel lists, posts and the webapp, so invisible characters that reorder or hide text are
/// refused there: bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
/// can make "gnp.exe" read as "exe.png", and zero-width characters that make two names look the
/// same (U+200B, U+2060–U+2064, U+FEFF, U+180E). Left-to-right and right-to-left marks
/// (U+200E, U+200F, U+061C) stay, as do the zero-width (non-)joiners U+200C and U+200D: right-to-
/// left and Indic scripts and emoji sequences need them. Longer texts (descriptions, updates)
/// are not checked: text pasted from elsewhere often carries such characters harmlessly.
fn reject_spoofing(raw: &str) -> Result<(), String> {
    let spoofing = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{180E}');
    match raw.chars().find(|&c| spoofing(c)) {
        Some(c) => {
            Err(format!("it contains an invisible formatting character (U+{:04X}) that can disguise text; remove it.", c as u32))
        }
        None => Ok(()),
    }
}

fn check_length(text: &str, max: usize) -> Result<(), String> {
    let chars = text.chars().count();
    if chars == 0 {
        return Err("it is empty.".to_string());
    }
    if chars > max {
        return Err(format!("it has {chars} characters; the limit is {max}."));
    }
    Ok(())
}

/// Case-insensitive equality for titles the user types back at us (`/incident checkadd triage`).
pub(crate) fn same_title(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_trims_and_collapses() {
        assert_eq!(single_line("  a \t b\n\nc  ", 10), Ok("a b c".to_string()));
        assert_eq!(single_line("\u{3000}全角\u{3000}", 10), Ok("全角".to_string()));
    }

    #[test]
    fn single_line_limits() {
        assert_eq!(single_line("   ", 10), Err("it is empty.".to_string()));
        assert_eq!(single_line("abcdef", 5), Err("it has 6 characters; the limit is 5.".into()));
        assert_eq!(single_line("a\u{7}b", 5), Err("it contains a control character (U+0007).".into()));
        assert!(single_line("a\u{9b}b", 5).is_err(), "C1 controls are refused too");
        assert_eq!(single_line("🔥🔥🔥", 3), Ok("🔥🔥🔥".to_string()));
    }

    #[test]
    fn names_that_spoof_with_bidi_overrides_or_zero_width_characters_are_refused() {
        let refused = |raw: &str, code: &str| {
            let error = single_line(raw, 100).expect_err(raw);
            assert!(error.contains(code) && error.contains("invisible formatting character"), "{raw:?}: {error}");
        };
        refused("Payroll \u{202E}gnp.exe", "U+202E");
        refused("\u{2066}admin\u{2069}", "U+2066");
        refused("Data\u{202A}base", "U+202A");
        refused("ad\u{200B}min", "U+200B");
        refused("ad\u{2060}min", "U+2060");
        refused("\u{FEFF}Outage", "U+FEFF");
        // Scripts and emoji that need joiners and direction marks still work.
        assert_eq!(single_line("می\u{200C}خواهم", 20), Ok("می\u{200C}خواهم".to_string()));
        assert_eq!(single_line("👩\u{200D}🚒 on call", 20), Ok("👩\u{200D}🚒 on call".to_string()));
        assert_eq!(single_line("\u{200F}עברית", 20), Ok("\u{200F}עברית".to_string()));
        // Descriptions keep what was pasted.
        assert!(multi_line("pasted\u{200B}text", 20).is_ok());
    }

    #[test]
    fn multi_line_keeps_line_breaks() {
        assert_eq!(multi_line(" a\r\n\tb\rc ", 20), Ok("a\n\tb\nc".to_string()));
        assert_eq!(multi_line("", 20), Ok(String::new()));
        assert!(multi_line("a\u{0}", 20).is_err());
        assert!(multi_line("abc", 2).is_err());
    }

    #[test]
    fn titles_compare_case_insensitively() {
        assert!(same_title("Triage", " triage "));
        assert!(same_title("ÉTAPE", "étape"));
        assert!(!same_title("Triage", "Resolve"));
    }
}
