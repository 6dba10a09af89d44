//! Custom fields: a playbook defines them (name, kind, options), an incident started from it
//! gets a copy of the definitions with empty values, and people set the values at the start or
//! later. Each kind has its own rule for what a value may be; the copy on the incident keeps it
//! readable if the playbook changes afterwards.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::incident::Incident;
use crate::text;
use crate::timeline::TimelineEventKind;

/// Fields one playbook defines at most: a start form stays short.
pub const MAX_FIELDS: usize = 20;
/// A field's name: short, it labels a value in lists and filters.
pub const MAX_FIELD_NAME_CHARS: usize = 40;
/// Options of one select field.
pub const MAX_OPTIONS: usize = 50;
/// One select option.
pub const MAX_OPTION_CHARS: usize = 100;
/// A text value.
pub const MAX_TEXT_VALUE_CHARS: usize = 200;
/// A link value (long enough for a ticket or dashboard URL with its query).
pub const MAX_LINK_CHARS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    #[default]
    Text,
    /// One of the definition's `options`.
    Select,
    /// A user id (commands and forms take `@username`, which the caller resolves).
    User,
    /// An `http` or `https` URL.
    Link,
    Number,
}

impl FieldKind {
    pub fn label(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Select => "select",
            FieldKind::User => "user",
            FieldKind::Link => "link",
            FieldKind::Number => "number",
        }
    }
}

/// A field as a playbook defines it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FieldDefinition {
    pub name: String,
    #[serde(default)]
    pub kind: FieldKind,
    /// The choices of a select field (empty for other kinds).
    #[serde(default)]
    pub options: Vec<String>,
}

/// A field on an incident: its definition and its value (`None` until set).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IncidentField {
    pub name: String,
    #[serde(default)]
    pub kind: FieldKind,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub value: Option<String>,
}

impl FieldDefinition {
    /// Trimmed and collapsed, options of non-select kinds dropped; then checked.
    pub fn normalised(&self) -> Result<FieldDefinition, DomainError> {
        let name = text::single_line(&self.name, MAX_FIELD_NAME_CHARS)
            .map_err(|reason| DomainError::InvalidField(format!("a field's name: {reason}")))?;
        if name.contains('=') {
            return Err(DomainError::InvalidField(format!(
                "the field name \"{name}\" contains \"=\", which filters use to separate a field from its value."
            )));
        }
        let mut options: Vec<String> = Vec::new();
        if self.kind == FieldKind::Select {
            for option in &self.options {
                let option = text::single_line(option, MAX_OPTION_CHARS)
                    .map_err(|reason| DomainError::InvalidField(format!("an option of {name}: {reason}")))?;
                if options.iter().any(|o| text::same_title(o, &option)) {
                    return Err(DomainError::InvalidField(format!("{name} has the option \"{option}\" twice.")));
                }
                options.push(option);
            }
            if options.is_empty() {
                return Err(DomainError::InvalidField(format!("{name} is a select field: give it at least one option.")));
            }
            if options.len() > MAX_OPTIONS {
                return Err(DomainError::InvalidField(format!(
                    "{name} has {} options; the limit is {MAX_OPTIONS}.",
                    options.len()
                )));
            }
        }
        Ok(FieldDefinition { name, kind: self.kind, options })
    }
}

/// Normalises a playbook's definitions: each valid, names unique ignoring case, at most
/// [`MAX_FIELDS`].
pub fn normalise_definitions(fields: &[FieldDefinition]) -> Result<Vec<FieldDefinition>, DomainError> {
    if fields.len() > MAX_FIELDS {
        return Err(DomainError::InvalidField(format!("there are {} fields; the limit is {MAX_FIELDS}.", fields.len())));
    }
    let mut out: Vec<FieldDefinition> = Vec::with_capacity(fields.len());
    for field in fields {
        let field = field.normalised()?;
        if out.iter().any(|f| text::same_title(&f.name, &field.name)) {
            return Err(DomainError::InvalidField(format!("there are two fields named \"{}\".", field.name)));
        }
        out.push(field);
    }
    Ok(out)
}

/// A value checked against its kind and put in its stored form: a select's option as the
/// playbook spells it, a number in its shortest form (`3.50` → `3.5`), a link and a user id
/// trimmed. A user id must already be resolved (and checked to be a person) by the caller.
pub fn normalise_value(field: &IncidentField, raw: &str) -> Result<String, DomainError> {
    let name = &field.name;
    let invalid = |reason: String| DomainError::InvalidField(format!("{}: {reason}", crate::render::safe(name)));
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(invalid("the value is empty; clear the field instead.".into()));
    }
    match field.kind {
        FieldKind::Text => text::single_line(raw, MAX_TEXT_VALUE_CHARS).map_err(invalid),
        FieldKind::Select => field.options.iter().find(|o| text::same_title(o, raw)).cloned().ok_or_else(|| {
            invalid(format!("\"{}\" is not one of its options: {}.", short(raw), crate::render::safe(&field.options.join(", "))))
        }),
        FieldKind::User => {
            // The caller resolves `@username` to an id; a name left unresolved is not a person.
            if raw.starts_with('@') || raw.chars().count() > 64 || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(invalid("it takes one person (@username).".into()));
            }
            Ok(raw.to_string())
        }
        FieldKind::Link => parse_link(raw).map_err(invalid),
        FieldKind::Number => parse_number(raw).ok_or_else(|| invalid(format!("\"{}\" is not a number.", short(raw)))),
    }
}

/// An `http://` or `https://` URL with a host, without spaces or control characters.
fn parse_link(raw: &str) -> Result<String, String> {
    let chars = raw.chars().count();
    if chars > MAX_LINK_CHARS {
        return Err(format!("the link has {chars} characters; the limit is {MAX_LINK_CHARS}."));
    }
    let lower = raw.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default()).unwrap_or_default();
    if host.is_empty() || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("\"{}\" is not a link: write an http:// or https:// address.", short(raw)));
    }
    Ok(raw.to_string())
}

/// A finite decimal number in its shortest form; `1e3`, `0x10`, `NaN` and `inf` are refused.
fn parse_number(raw: &str) -> Option<String> {
    let digits = raw.strip_prefix(['-', '+']).unwrap_or(raw);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let shaped = is_digits(whole) && fraction.is_none_or(is_digits) && !(whole.is_empty() && fraction.unwrap_or("").is_empty());
    if !shaped || raw.len() > 40 {
        return None;
    }
    let value: f64 = raw.parse().ok()?;
    value.is_finite().then(|| if value == 0.0 { "0".to_string() } else { format!("{value}") })
}

/// At most 40 characters of what someone typed, defused: errors are shown in command replies.
fn short(s: &str) -> String {
    let cut = match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    };
    crate::render::safe(&cut)
}

/// The key lists and filters compare a field's name or value by: case ignored.
pub fn match_key(text: &str) -> String {
    text.trim().to_lowercase()
}

impl Incident {
    /// The field of this name (any case).
    pub fn field(&self, name: &str) -> Option<&IncidentField> {
        self.fields.iter().find(|f| text::same_title(&f.name, name))
    }

    /// The refusal for a field name this incident does not have: it lists the ones it has.
    pub fn no_such_field(&self, name: &str) -> DomainError {
        DomainError::NoSuchField {
            name: short(name.trim()),
            known: if self.fields.is_empty() {
                "none: its fields come from the playbook it was started from".to_string()
            } else {
                self.fields.iter().map(|f| crate::render::safe(&f.name)).collect::<Vec<_>>().join(", ")
            },
        }
    }

    /// Sets (or with `None` clears) a field's value, checked against its kind; one timeline
    /// event. A user field takes a user id the caller has resolved and checked.
    pub fn set_field(&mut self, actor_id: &str, name: &str, value: Option<&str>, now_ms: i64) -> Result<(), DomainError> {
        self.check_mutable(actor_id)?;
        let index = self.fields.iter().position(|f| text::same_title(&f.name, name)).ok_or_else(|| self.no_such_field(name))?;
        let field = &self.fields[index];
        let value = match value.map(str::trim).filter(|v| !v.is_empty()) {
            Some(raw) => Some(normalise_value(field, raw)?),
            None => None,
        };
        if value == field.value {
            return Err(DomainError::NoChange(match &value {
                Some(_) => format!("{} already has that value.", field.name),
                None => format!("{} is already empty.", field.name),
            }));
        }
        let event = TimelineEventKind::FieldSet { name: field.name.clone(), kind: field.kind, value: value.clone() };
        self.fields[index].value = value;
        self.record(actor_id, now_ms, event);
        Ok(())
    }

    /// The start form's values, set without events (the start event covers them). Names
    /// match ignoring case; a name the incident lacks is refused.
    pub(crate) fn fill_fields(&mut self, values: &[(String, String)]) -> Result<(), DomainError> {
        for (name, raw) in values {
            let Some(index) = self.fields.iter().position(|f| text::same_title(&f.name, name)) else {
                return Err(self.no_such_field(name));
            };
            self.fields[index].value =
                if raw.trim().is_empty() { None } else { Some(normalise_value(&self.fields[index], raw)?) };
        }
        Ok(())
    }
}

/// The playbook's definitions as a new incident's fields, all empty.
pub(crate) fn fields_from(definitions: &[FieldDefinition]) -> Vec<IncidentField> {
    definitions
        .iter()
        .map(|d| IncidentField { name: d.name.clone(), kind: d.kind, options: d.options.clone(), value: None })
        .collect()
}

#[cfg(test)]
mod tests;
