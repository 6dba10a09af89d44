//! `model.StringInterface` (`map[string]any`), the free-form property bag of posts and responses.

use serde_json::{Map, Value};

/// A JSON object in the guest's hands; on the wire a gob map of interface values.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Props(pub Map<String, Value>);

impl Props {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.0.insert(key.into(), value.into());
    }
}
