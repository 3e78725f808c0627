//! Properties of parsing and filtering over arbitrary input.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use sicc_protocol::query::Filter;
use sicc_protocol::record::Record;
use sicc_protocol::schema::RecordKind;

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9 .;_-]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("LV"),
            Just("ESO4.11"),
            Just("lv"),
            Just("active"),
            Just("2026-01-01")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn field_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = RecordKind::ALL
        .iter()
        .flat_map(|k| k.fields().iter().map(|f| f.name))
        .collect();
    names.extend(sicc_protocol::record::COMMON_FIELDS);
    names
}

proptest! {
    /// Any JSON object, with real field names and kinds, is either accepted or rejected with at
    /// least one named problem; never a panic. Accepted records survive canonical JSON.
    #[test]
    fn parsing_never_panics_and_accepted_records_round_trip(
        kind in proptest::sample::select(RecordKind::ALL.to_vec()),
        fields in proptest::collection::vec((proptest::sample::select(field_names()), any_json()), 0..12),
    ) {
        let mut obj = Map::new();
        for (k, v) in fields { obj.insert(k.to_owned(), v); }
        obj.insert("kind".into(), json!(kind.as_str()));
        match Record::from_json(&Value::Object(obj)) {
            Ok(r) => prop_assert_eq!(Record::from_json(&r.to_json()).unwrap(), r),
            Err(e) => prop_assert!(!e.errors.is_empty()),
        }
    }

    /// Arbitrary query parameters parse or fail with the parameter named; never a panic.
    #[test]
    fn filters_parse_or_name_the_parameter(params in proptest::collection::vec(("[a-z_]{1,20}", "[a-zA-Z0-9,.:-]{0,12}"), 0..6)) {
        match Filter::parse(params.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
            Ok(_) => {}
            Err(e) => prop_assert!(params.iter().any(|(k, _)| *k == e.param)),
        }
    }
}

proptest! {
    /// Decoding arbitrary bytes as a frame never panics and never claims more bytes than given.
    #[test]
    fn frame_decoding_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Ok((_, used)) = sicc_protocol::wire::Message::decode(&bytes) {
            prop_assert!(used <= bytes.len());
        }
    }
}
