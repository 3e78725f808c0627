//! Record identifiers.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Maximum length of a record id in bytes.
pub const MAX_ID_LEN: usize = 64;

/// A record's id: 1-64 characters of `a-z`, `0-9`, `-`, `_` and `.`, starting with a letter or digit.
///
/// Nodes generate UUIDv7 strings (time-ordered); imported data may bring readable slugs such as
/// `lv-samaritan-mobile-care`. Ids are unique within a node; shared documents are addressed
/// by (origin node, record id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(String);

/// Why a string is not a valid [`RecordId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidId {
    /// The string is empty.
    #[error("id is empty")]
    Empty,
    /// The string is longer than [`MAX_ID_LEN`].
    #[error("id is longer than {MAX_ID_LEN} characters")]
    TooLong,
    /// The string holds a character outside the allowed set.
    #[error(
        "id `{0}` may only hold a-z, 0-9, '-', '_' and '.', and must start with a letter or digit"
    )]
    BadCharacter(String),
}

impl RecordId {
    /// Parses and checks an id.
    pub fn new(s: &str) -> Result<RecordId, InvalidId> {
        if s.is_empty() {
            return Err(InvalidId::Empty);
        }
        if s.len() > MAX_ID_LEN {
            return Err(InvalidId::TooLong);
        }
        let ok_first = s
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        let ok_rest = s.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        });
        if !ok_first || !ok_rest {
            return Err(InvalidId::BadCharacter(s.chars().take(80).collect()));
        }
        Ok(RecordId(s.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as bytes (its storage key form).
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for RecordId {
    type Err = InvalidId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RecordId::new(s)
    }
}

impl Serialize for RecordId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RecordId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RecordId::new(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_uuids_and_slugs_rejects_the_rest() {
        assert!(RecordId::new("0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b").is_ok());
        assert!(RecordId::new("lv-samaritan-mobile-care").is_ok());
        assert_eq!(RecordId::new(""), Err(InvalidId::Empty));
        assert_eq!(RecordId::new(&"a".repeat(65)), Err(InvalidId::TooLong));
        for bad in ["Upper", "-lead", "sp ace", "slash/", "ünï", "../etc"] {
            assert!(RecordId::new(bad).is_err(), "{bad}");
        }
    }
}
