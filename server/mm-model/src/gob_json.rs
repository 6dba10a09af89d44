//! Bridges between Go's dynamic values on the gob wire and JSON.
//!
//! Go's `map[string]any` props, `[]any` log pairs and the whole `model.Config` arrive as gob
//! interface or dynamic values; the guest sees them as JSON. Numbers go out as `float64`, as Go's
//! own JSON decoder would have produced them; objects as `map[string]interface {}` and arrays as
//! `[]interface {}`, the names Mattermost registers (protocol.md §4.4).

use std::collections::HashMap;

use gobwire::{
    Decode, Describer, Dynamic, Encode, GobType, Interface, Type, TypeTable, Value, ValueDecoder, ValueEncoder, names,
};
use serde_json::{Map, Number, Value as Json};

use crate::{AutocompleteArgData, AutocompleteListItem, Props};

/// A JSON value as a Go interface value (`None` is nil).
pub fn json_to_interface(v: &Json) -> gobwire::Result<Option<Interface>> {
    Ok(match v {
        Json::Null => None,
        Json::Bool(b) => Some(Interface::bool(*b)),
        Json::Number(n) => Some(Interface::float64(n.as_f64().unwrap_or(0.0))),
        Json::String(s) => Some(Interface::string(s.clone())),
        Json::Array(items) => {
            let list = items.iter().map(json_to_interface).collect::<gobwire::Result<Vec<_>>>()?;
            Some(Interface::new(names::ANY_SLICE, &list)?)
        }
        Json::Object(map) => Some(Interface::new(names::STRING_ANY_MAP, &object_to_interfaces(map)?)?),
    })
}

fn object_to_interfaces(map: &Map<String, Json>) -> gobwire::Result<HashMap<String, Option<Interface>>> {
    map.iter().map(|(k, v)| Ok((k.clone(), json_to_interface(v)?))).collect()
}

/// A Go interface value as JSON.
pub fn interface_to_json(i: Option<&Interface>) -> Json {
    match i {
        None => Json::Null,
        Some(i) => value_to_json(&i.ty, &i.value, &mut Vec::new()),
    }
}

/// A dynamic gob value (any Go type) as JSON. Structs become objects keyed by Go field name,
/// which is also how Mattermost serialises `model.Config`.
pub fn dynamic_to_json(d: &Dynamic) -> Json {
    value_to_json(&d.ty, &d.value, &mut Vec::new())
}

fn value_to_json<'a>(ty: &'a Type, value: &'a Value, structs: &mut Vec<&'a gobwire::StructType>) -> Json {
    match value {
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::Number((*i).into()),
        Value::Uint(u) => Json::Number((*u).into()),
        Value::Float(f) => Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Complex(re, im) => Json::Array(vec![
            Number::from_f64(*re).map_or(Json::Null, Json::Number),
            Number::from_f64(*im).map_or(Json::Null, Json::Number),
        ]),
        Value::Bytes(b) | Value::Marshaled(b) => match std::str::from_utf8(b) {
            Ok(s) => Json::String(s.to_owned()),
            Err(_) => Json::Array(b.iter().map(|x| Json::Number((*x).into())).collect()),
        },
        Value::String(s) => Json::String(s.clone()),
        Value::Interface(inner) => interface_to_json(inner.as_deref()),
        Value::Slice(items) | Value::Array(items) => {
            let elem = match ty {
                Type::Slice(e) | Type::Array(e, _) => e.as_ref(),
                _ => &Type::Interface,
            };
            Json::Array(items.iter().map(|v| value_to_json(elem, v, structs)).collect())
        }
        Value::Map(pairs) => {
            let (kt, vt) = match ty {
                Type::Map(k, v) => (k.as_ref(), v.as_ref()),
                _ => (&Type::String, &Type::Interface),
            };
            let mut out = Map::new();
            for (k, v) in pairs {
                let key = match value_to_json(kt, k, structs) {
                    Json::String(s) => s,
                    other => other.to_string(),
                };
                out.insert(key, value_to_json(vt, v, structs));
            }
            Json::Object(out)
        }
        Value::Struct(fields) => {
            let st: &gobwire::StructType = match ty {
                Type::Struct(st) => st,
                Type::Ref(n) => match structs.len().checked_sub(n + 1).and_then(|i| structs.get(i)) {
                    Some(st) => st,
                    None => return Json::Null,
                },
                _ => return Json::Null,
            };
            structs.push(st);
            let mut out = Map::new();
            for ((name, fty), v) in st.fields.iter().zip(fields) {
                let json = match v {
                    Some(v) => value_to_json(fty, v, structs),
                    None => zero_json(fty),
                };
                out.insert(name.clone(), json);
            }
            structs.pop();
            Json::Object(out)
        }
    }
}

/// Go omits zero fields on the wire; JSON readers expect them present.
fn zero_json(ty: &Type) -> Json {
    match ty {
        Type::Bool => Json::Bool(false),
        Type::Int | Type::Uint | Type::Float => Json::Number(0.into()),
        Type::String => Json::String(String::new()),
        _ => Json::Null,
    }
}

// --- Props <-> map[string]interface{} ---------------------------------------------------------

type WireProps = HashMap<String, Option<Interface>>;

impl Props {
    fn to_wire(&self) -> gobwire::Result<WireProps> {
        object_to_interfaces(&self.0)
    }
}

impl GobType for Props {
    fn describe(d: &mut Describer<'_>) -> gobwire::Result<i64> {
        WireProps::describe(d)
    }

    fn compatible(types: &TypeTable, wire: i64) -> bool {
        WireProps::compatible(types, wire)
    }
}

impl Encode for Props {
    fn describe_value(&self, d: &mut Describer<'_>) -> gobwire::Result<i64> {
        WireProps::describe(d)
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn encode(&self, e: &mut ValueEncoder<'_>) -> gobwire::Result<()> {
        self.to_wire()?.encode(e)
    }
}

impl Decode for Props {
    fn decode_into(&mut self, d: &mut ValueDecoder<'_>, wire: i64) -> gobwire::Result<()> {
        let mut map = WireProps::new();
        map.decode_into(d, wire)?;
        for (k, v) in map {
            self.0.insert(k, interface_to_json(v.as_ref()));
        }
        Ok(())
    }
}

// --- AutocompleteArg.Data: one of three registered pointer types ---------------------------

const TEXT_ARG: &str = "*model.AutocompleteTextArg";
const STATIC_LIST_ARG: &str = "*model.AutocompleteStaticListArg";
const DYNAMIC_LIST_ARG: &str = "*model.AutocompleteDynamicListArg";

#[derive(gobwire::Gob, Default)]
#[gob(name = "AutocompleteTextArg")]
struct TextArgWire {
    hint: String,
    pattern: String,
}

#[derive(gobwire::Gob, Default)]
#[gob(name = "AutocompleteStaticListArg")]
struct StaticListArgWire {
    possible_arguments: Vec<AutocompleteListItem>,
}

#[derive(gobwire::Gob, Default)]
#[gob(name = "AutocompleteDynamicListArg")]
struct DynamicListArgWire {
    #[gob(name = "FetchURL")]
    fetch_url: String,
}

impl AutocompleteArgData {
    fn to_interface(&self) -> gobwire::Result<Option<Interface>> {
        Ok(match self {
            Self::None => None,
            Self::Text { hint, pattern } => {
                Some(Interface::new(TEXT_ARG, &TextArgWire { hint: hint.clone(), pattern: pattern.clone() })?)
            }
            Self::StaticList { items } => {
                Some(Interface::new(STATIC_LIST_ARG, &StaticListArgWire { possible_arguments: items.clone() })?)
            }
            Self::DynamicList { fetch_url } => {
                Some(Interface::new(DYNAMIC_LIST_ARG, &DynamicListArgWire { fetch_url: fetch_url.clone() })?)
            }
        })
    }

    fn from_interface(i: Option<Interface>) -> gobwire::Result<Self> {
        let Some(i) = i else { return Ok(Self::None) };
        Ok(match i.name.as_str() {
            TEXT_ARG => {
                let w: TextArgWire = i.downcast()?;
                Self::Text { hint: w.hint, pattern: w.pattern }
            }
            STATIC_LIST_ARG => {
                let w: StaticListArgWire = i.downcast()?;
                Self::StaticList { items: w.possible_arguments }
            }
            DYNAMIC_LIST_ARG => {
                let w: DynamicListArgWire = i.downcast()?;
                Self::DynamicList { fetch_url: w.fetch_url }
            }
            // An argument type this version does not know: keep the argument, drop its data.
            _ => Self::None,
        })
    }
}

impl GobType for AutocompleteArgData {
    fn describe(d: &mut Describer<'_>) -> gobwire::Result<i64> {
        <Option<Interface> as GobType>::describe(d)
    }

    fn compatible(types: &TypeTable, wire: i64) -> bool {
        <Option<Interface> as GobType>::compatible(types, wire)
    }
}

impl Encode for AutocompleteArgData {
    fn describe_value(&self, d: &mut Describer<'_>) -> gobwire::Result<i64> {
        <Option<Interface> as GobType>::describe(d)
    }

    fn is_zero(&self) -> bool {
        matches!(self, Self::None)
    }

    fn encode(&self, e: &mut ValueEncoder<'_>) -> gobwire::Result<()> {
        self.to_interface()?.encode(e)
    }
}

impl Decode for AutocompleteArgData {
    fn decode_into(&mut self, d: &mut ValueDecoder<'_>, wire: i64) -> gobwire::Result<()> {
        let mut i: Option<Interface> = None;
        i.decode_into(d, wire)?;
        *self = Self::from_interface(i)?;
        Ok(())
    }
}

/// `plugin.ErrorString`: how a Go `error` that is not an AppError crosses the plugin RPC
/// (registered as `*plugin.ErrorString`; `Code` names sentinel errors such as `io.EOF`).
#[derive(gobwire::Gob, Default, Debug, Clone, PartialEq)]
#[gob(name = "ErrorString")]
pub struct ErrorString {
    pub code: i64,
    pub err: String,
}

impl ErrorString {
    pub const INTERFACE_NAME: &'static str = "*plugin.ErrorString";

    /// A Go `error` value carrying `message`.
    pub fn interface(message: impl Into<String>) -> gobwire::Result<Interface> {
        Interface::new(Self::INTERFACE_NAME, &Self { code: 0, err: message.into() })
    }
}
