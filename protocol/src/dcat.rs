//! DCAT-AP export: records as `dcat:Dataset`s of one `dcat:Catalog`, in JSON-LD.
//!
//! Only what may leave the node is exported: the public projection of `public` records — and of
//! `consortium` records only when asked for ([`Audience::Consortium`]: a file for the partners,
//! not for an open data portal) — never `local` records, persons, local-only fields or internal
//! notes. Themes map to
//! the EU data-theme vocabulary, languages to the EU language authority table, regions to NUTS
//! URIs, access levels to the EU access-right table.

use crate::codes::CodeList;
use crate::record::{AccessLevel, FieldValue, Record};
use serde_json::{Value, json};

const DATA_THEME: &str = "http://publications.europa.eu/resource/authority/data-theme/";
const LANGUAGE: &str = "http://publications.europa.eu/resource/authority/language/";
const ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right/";
const NUTS: &str = "http://data.europa.eu/nuts/code/";
const COUNTRY: &str = "http://publications.europa.eu/resource/authority/country/";

/// The EU data-theme codes of one of our themes (domain research §3.7).
pub fn data_themes(theme: &str) -> &'static [&'static str] {
    match theme {
        "employment" => &["SOCI", "ECON"],
        "education_skills" => &["EDUC"],
        "social_services_care" | "ageing" => &["SOCI", "HEAL"],
        "health_wellbeing" => &["HEAL"],
        "housing_homelessness" => &["SOCI", "REGI"],
        "children_youth" => &["SOCI", "EDUC"],
        "civic_participation" => &["GOVE"],
        "social_economy" | "impact_finance" => &["ECON"],
        "digital_inclusion" => &["TECH"],
        "rural_territorial" => &["REGI", "AGRI"],
        "environment_climate" => &["ENVI"],
        "energy" => &["ENER"],
        "mobility" => &["TRAN"],
        "culture" => &["EDUC"],
        _ => &["SOCI"],
    }
}

/// The EU language authority code (ISO 639-2/B style) of a language tag, where there is one.
pub fn eu_language(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "bg" => "BUL",
        "cs" => "CES",
        "da" => "DAN",
        "de" => "DEU",
        "el" => "ELL",
        "en" => "ENG",
        "es" => "SPA",
        "et" => "EST",
        "fi" => "FIN",
        "fr" => "FRA",
        "ga" => "GLE",
        "hr" => "HRV",
        "hu" => "HUN",
        "it" => "ITA",
        "lt" => "LIT",
        "lv" => "LAV",
        "mt" => "MLT",
        "nl" => "NLD",
        "pl" => "POL",
        "pt" => "POR",
        "ro" => "RON",
        "sk" => "SLK",
        "sl" => "SLV",
        "sv" => "SWE",
        "ca" => "CAT",
        "eu" => "EUS",
        "gl" => "GLG",
        "ru" => "RUS",
        "uk" => "UKR",
        "ar" => "ARA",
        _ => return None,
    })
}

/// ISO 3166-1 alpha-2 to the EU country authority's alpha-3 code, for the partner countries
/// and their neighbours that appear in the data; others are omitted.
fn eu_country(code: &str) -> Option<&'static str> {
    Some(match code {
        "ES" => "ESP",
        "FR" => "FRA",
        "SE" => "SWE",
        "LV" => "LVA",
        "PT" => "PRT",
        "IT" => "ITA",
        "BE" => "BEL",
        "AD" => "AND",
        "DE" => "DEU",
        "FI" => "FIN",
        "EE" => "EST",
        "LT" => "LTU",
        _ => return None,
    })
}

fn lang_values(m: &std::collections::BTreeMap<String, String>) -> Value {
    Value::Array(
        m.iter()
            .map(|(lang, text)| json!({"@value": text, "@language": lang}))
            .collect(),
    )
}

fn licence_uri(licence: &str) -> Option<&'static str> {
    Some(match licence {
        "CC-BY-4.0" => "https://creativecommons.org/licenses/by/4.0/",
        "CC-BY-SA-4.0" => "https://creativecommons.org/licenses/by-sa/4.0/",
        "CC0-1.0" => "https://creativecommons.org/publicdomain/zero/1.0/",
        "ODbL-1.0" => "https://opendatacommons.org/licenses/odbl/1-0/",
        "EUPL-1.2" => {
            "https://interoperable-europe.ec.europa.eu/licence/european-union-public-licence-version-12-eupl"
        }
        _ => return None,
    })
}

/// Who an export is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Audience {
    /// Anyone (an open data portal): `public` records only.
    #[default]
    Public,
    /// The consortium's partners: `public` and `consortium` records.
    Consortium,
}

impl Audience {
    /// Whether a record of this access level goes into an export for this audience.
    pub fn may_see(self, level: AccessLevel) -> bool {
        match self {
            Audience::Public => level == AccessLevel::Public,
            Audience::Consortium => matches!(level, AccessLevel::Public | AccessLevel::Consortium),
        }
    }
}

/// One record as a `dcat:Dataset`, or `None` if it may not leave the node.
pub fn dataset(record: &Record, base: &str) -> Option<Value> {
    // Everything below reads the shareable form only, so no field added later can leak.
    let shared = Record::from_json(&record.public_projection()?).ok()?;
    let record = &shared;
    let mut d = serde_json::Map::new();
    d.insert("@id".into(), json!(format!("{base}{}", record.id)));
    d.insert("@type".into(), json!("dcat:Dataset"));
    d.insert("dct:identifier".into(), json!(record.id.as_str()));
    d.insert("dct:type".into(), json!(record.kind.as_str()));
    match record.fields.get(record.kind.title_field()) {
        Some(FieldValue::LangText(m)) => d.insert("dct:title".into(), lang_values(m)),
        _ => d.insert("dct:title".into(), json!(record.title("en"))),
    };
    for field in ["summary", "description", "statement"] {
        if let Some(FieldValue::LangText(m)) = record.fields.get(field)
            && field != record.kind.title_field()
        {
            d.insert("dct:description".into(), lang_values(m));
            break;
        }
    }
    let themes = record.codes_of(CodeList::Theme);
    let mut theme_uris: Vec<String> = themes
        .iter()
        .flat_map(|t| data_themes(t).iter().map(|c| format!("{DATA_THEME}{c}")))
        .collect();
    theme_uris.sort();
    theme_uris.dedup();
    if !theme_uris.is_empty() {
        d.insert("dcat:theme".into(), json!(theme_uris));
        let keywords: Vec<_> = themes
            .iter()
            .filter_map(|t| CodeList::Theme.label(t))
            .map(|l| json!({"@value": l, "@language": "en"}))
            .collect();
        d.insert("dcat:keyword".into(), Value::Array(keywords));
    }
    let mut spatial: Vec<String> = record
        .codes_of(CodeList::Nuts)
        .iter()
        .map(|c| format!("{NUTS}{c}"))
        .collect();
    spatial.extend(
        record
            .codes_of(CodeList::Country)
            .iter()
            .filter_map(|c| eu_country(c))
            .map(|c| format!("{COUNTRY}{c}")),
    );
    spatial.dedup();
    if !spatial.is_empty() {
        d.insert("dct:spatial".into(), json!(spatial));
    }
    let mut languages: Vec<&str> = record
        .fields
        .values()
        .filter_map(|v| match v {
            FieldValue::LangText(m) => Some(m.keys().map(String::as_str).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect();
    languages.sort_unstable();
    languages.dedup();
    let language_uris: Vec<String> = languages
        .iter()
        .filter_map(|l| eu_language(l))
        .map(|c| format!("{LANGUAGE}{c}"))
        .collect();
    if !language_uris.is_empty() {
        d.insert("dct:language".into(), json!(language_uris));
    }
    if let Some(uri) = licence_uri(&record.licence) {
        d.insert("dct:license".into(), json!(uri));
    }
    let access = match record.access_level {
        AccessLevel::Public => "PUBLIC",
        _ => "RESTRICTED",
    };
    d.insert(
        "dct:accessRights".into(),
        json!(format!("{ACCESS_RIGHT}{access}")),
    );
    if let Some(t) = &record.created_at {
        d.insert(
            "dct:issued".into(),
            json!({"@value": t, "@type": "xsd:dateTime"}),
        );
    }
    if let Some(t) = &record.updated_at {
        d.insert(
            "dct:modified".into(),
            json!({"@value": t, "@type": "xsd:dateTime"}),
        );
    }
    if !record.sources.is_empty() {
        let pages: Vec<_> = record.sources.iter().map(|s| json!(s.url)).collect();
        d.insert("dcat:landingPage".into(), Value::Array(pages));
    }
    Some(Value::Object(d))
}

/// A `dcat:Catalog` of the records that may leave the node, published by `publisher`.
pub fn catalog(
    records: &[Record],
    publisher: &str,
    catalog_uri: &str,
    audience: Audience,
) -> Value {
    let base = format!("{}/records/", catalog_uri.trim_end_matches('/'));
    let datasets: Vec<Value> = records
        .iter()
        .filter(|r| audience.may_see(r.access_level))
        .filter_map(|r| dataset(r, &base))
        .collect();
    json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "dcat:theme": {"@type": "@id"},
            "dct:spatial": {"@type": "@id"},
            "dct:language": {"@type": "@id"},
            "dct:license": {"@type": "@id"},
            "dct:accessRights": {"@type": "@id"},
            "dcat:landingPage": {"@type": "@id"}
        },
        "@id": catalog_uri,
        "@type": "dcat:Catalog",
        "dct:title": {"@value": format!("{publisher}: social-innovation records"), "@language": "en"},
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": publisher},
        "dcat:dataset": datasets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_shareable_records_are_exported_without_local_fields() {
        let shared = Record::from_json(&json!({
            "id": "lv-1", "kind": "initiative", "access_level": "public",
            "title": {"lv": "Aprūpe mājās", "en": "Home care"}, "original_lang": "lv",
            "status": "active", "countries": ["LV"], "nuts": ["LV005"], "summary": {"en": "Care"},
            "themes": ["social_services_care"], "contact_person": "p-1", "internal_notes": "secret note",
            "sources": [{"url": "https://example.org/source"}]
        }))
        .unwrap();
        let local = Record::from_json(
            &json!({"id": "lv-2", "kind": "organisation", "name": {"lv": "X"},
            "country": "LV", "org_type": "foundation"}),
        )
        .unwrap();
        let mut consortium = shared.clone();
        consortium.id = crate::id::RecordId::new("lv-3").unwrap();
        consortium.access_level = AccessLevel::Consortium;
        let all = [shared, local, consortium];
        let for_partners = catalog(
            &all,
            "SICC Latvia",
            "urn:sicc:node:test",
            Audience::Consortium,
        );
        assert_eq!(for_partners["dcat:dataset"].as_array().unwrap().len(), 2);
        let cat = catalog(&all, "SICC Latvia", "urn:sicc:node:test", Audience::Public);
        let datasets = cat["dcat:dataset"].as_array().unwrap();
        assert_eq!(
            datasets.len(),
            1,
            "the local record stays home, the consortium one goes to partners only"
        );
        let d = &datasets[0];
        assert_eq!(d["dct:identifier"], "lv-1");
        assert!(
            d["dct:spatial"]
                .as_array()
                .unwrap()
                .contains(&json!("http://data.europa.eu/nuts/code/LV005"))
        );
        assert!(d["dcat:theme"].as_array().unwrap().contains(&json!(
            "http://publications.europa.eu/resource/authority/data-theme/HEAL"
        )));
        assert!(d["dct:language"].as_array().unwrap().contains(&json!(
            "http://publications.europa.eu/resource/authority/language/LAV"
        )));
        assert_eq!(
            d["dct:accessRights"],
            "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
        );
        let text = cat.to_string();
        assert!(
            !text.contains("secret note") && !text.contains("p-1"),
            "{text}"
        );
    }
}
