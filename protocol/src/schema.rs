//! The record kinds and their fields.
//!
//! The field tables below are the single description of the domain model: parsing, validation,
//! CSV columns, the public projection and the documentation are all driven by them, so a field
//! cannot be validated one way and exported another.

use crate::codes::CodeList;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kinds of record a node stores (DESIGN §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// An organisation of the ecosystem.
    Organisation,
    /// A social-innovation initiative or practice.
    Initiative,
    /// A law, regulation, strategy, programme or legal status.
    PolicyInstrument,
    /// A grant scheme, call or loan.
    FundingInstrument,
    /// A method, tool or support approach (WP4).
    SupportTool,
    /// A strength, weakness, opportunity or threat of the ecosystem (WP2 SWOT item).
    EcosystemItem,
    /// A lesson learned.
    Lesson,
    /// A replication of an initiative in another place (WP3).
    ReplicationCase,
    /// A national capacity-building priority (WP4).
    CapacityPriority,
    /// An item of the national competence-centre action plan (WP5).
    ActionItem,
    /// A contact person. Always local: never shared.
    Person,
    /// A replication case's readiness, scored on the 13 transfer criteria (WP3).
    ReadinessAssessment,
    /// A mentoring session between originator and adopter of a replication case (WP3).
    MentoringSession,
}

impl RecordKind {
    /// Every kind, in a stable order.
    pub const ALL: &'static [RecordKind] = &[
        RecordKind::Organisation,
        RecordKind::Initiative,
        RecordKind::PolicyInstrument,
        RecordKind::FundingInstrument,
        RecordKind::SupportTool,
        RecordKind::EcosystemItem,
        RecordKind::Lesson,
        RecordKind::ReplicationCase,
        RecordKind::CapacityPriority,
        RecordKind::ActionItem,
        RecordKind::Person,
        RecordKind::ReadinessAssessment,
        RecordKind::MentoringSession,
    ];

    /// The snake_case name used in JSON, CSV and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Organisation => "organisation",
            RecordKind::Initiative => "initiative",
            RecordKind::PolicyInstrument => "policy_instrument",
            RecordKind::FundingInstrument => "funding_instrument",
            RecordKind::SupportTool => "support_tool",
            RecordKind::EcosystemItem => "ecosystem_item",
            RecordKind::Lesson => "lesson",
            RecordKind::ReplicationCase => "replication_case",
            RecordKind::CapacityPriority => "capacity_priority",
            RecordKind::ActionItem => "action_item",
            RecordKind::Person => "person",
            RecordKind::ReadinessAssessment => "readiness_assessment",
            RecordKind::MentoringSession => "mentoring_session",
        }
    }

    /// A one-byte tag used in storage keys. Never reuse or renumber a tag.
    pub fn tag(self) -> u8 {
        match self {
            RecordKind::Organisation => 1,
            RecordKind::Initiative => 2,
            RecordKind::PolicyInstrument => 3,
            RecordKind::FundingInstrument => 4,
            RecordKind::SupportTool => 5,
            RecordKind::EcosystemItem => 6,
            RecordKind::Lesson => 7,
            RecordKind::ReplicationCase => 8,
            RecordKind::CapacityPriority => 9,
            RecordKind::ActionItem => 10,
            RecordKind::Person => 11,
            RecordKind::ReadinessAssessment => 12,
            RecordKind::MentoringSession => 13,
        }
    }

    /// The kind with storage tag `tag`.
    pub fn from_tag(tag: u8) -> Option<RecordKind> {
        RecordKind::ALL.iter().copied().find(|k| k.tag() == tag)
    }

    /// The field that names the record for people (a title or a name).
    pub fn title_field(self) -> &'static str {
        self.fields()
            .iter()
            .find(|f| f.title)
            .map(|f| f.name)
            .unwrap_or("title")
    }

    /// The kind-specific fields, in display and CSV column order.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            RecordKind::Organisation => ORGANISATION,
            RecordKind::Initiative => INITIATIVE,
            RecordKind::PolicyInstrument => POLICY_INSTRUMENT,
            RecordKind::FundingInstrument => FUNDING_INSTRUMENT,
            RecordKind::SupportTool => SUPPORT_TOOL,
            RecordKind::EcosystemItem => ECOSYSTEM_ITEM,
            RecordKind::Lesson => LESSON,
            RecordKind::ReplicationCase => REPLICATION_CASE,
            RecordKind::CapacityPriority => CAPACITY_PRIORITY,
            RecordKind::ActionItem => ACTION_ITEM,
            RecordKind::Person => PERSON,
            RecordKind::ReadinessAssessment => READINESS_ASSESSMENT,
            RecordKind::MentoringSession => MENTORING_SESSION,
        }
    }

    /// The spec of one kind-specific field.
    pub fn field(self, name: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| f.name == name)
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `kind` names no record kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown record kind `{0}`")]
pub struct UnknownKind(pub String);

impl FromStr for RecordKind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RecordKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// The type of a field's value, with its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A single-language string of at most `max` characters (names, cities, free codes).
    Text {
        /// Maximum length in characters.
        max: usize,
    },
    /// Human text in several languages: `{"lv": "...", "en": "..."}`, each at most `max` characters.
    LangText {
        /// Maximum length of each translation in characters.
        max: usize,
    },
    /// A list of short strings, each at most `max` characters.
    TextList {
        /// Maximum length of each item in characters.
        max: usize,
    },
    /// An integer in `min..=max`.
    Int {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// `true` or `false`.
    Bool,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An `http` or `https` URL.
    Url,
    /// An e-mail address.
    Email,
    /// One code of a code list.
    Code(CodeList),
    /// A list of distinct codes of a code list.
    Codes(CodeList),
    /// The id of another record of one of the given kinds.
    Link(&'static [RecordKind]),
    /// A list of ids of other records of the given kinds.
    Links(&'static [RecordKind]),
}

/// One field of a record kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field's name in JSON (and the CSV column, or column prefix for language maps).
    pub name: &'static str,
    /// The type and limits of its value.
    pub ty: FieldType,
    /// Whether a record without it is rejected.
    pub required: bool,
    /// Local-only: never enters a shared document or the wire (personal data, internal notes).
    pub local_only: bool,
    /// Whether this field names the record for people.
    pub title: bool,
    /// Whether the field is a full-text field (searched by `q`).
    pub searchable: bool,
    /// One line for people: what goes in the field.
    pub doc: &'static str,
}

/// Short text: names, titles (characters).
pub const SHORT_TEXT: usize = 300;
/// Summaries (characters).
pub const SUMMARY_TEXT: usize = 2_000;
/// Long text: problem, solution, results (characters).
pub const LONG_TEXT: usize = 10_000;
/// Maximum number of items in any list field.
pub const MAX_LIST_ITEMS: usize = 200;

const fn f(name: &'static str, ty: FieldType, doc: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: false,
        local_only: false,
        title: false,
        searchable: matches!(ty, FieldType::LangText { .. }),
        doc,
    }
}

const fn required(spec: FieldSpec) -> FieldSpec {
    FieldSpec {
        required: true,
        ..spec
    }
}

const fn title(spec: FieldSpec) -> FieldSpec {
    FieldSpec {
        required: true,
        title: true,
        searchable: true,
        ..spec
    }
}

const fn local(spec: FieldSpec) -> FieldSpec {
    FieldSpec {
        local_only: true,
        ..spec
    }
}

use CodeList as C;
use FieldType as T;
use RecordKind as K;

const NAME: T = T::LangText { max: SHORT_TEXT };
const SUMMARY: T = T::LangText { max: SUMMARY_TEXT };
const LONG: T = T::LangText { max: LONG_TEXT };
const SHORT: T = T::Text { max: SHORT_TEXT };
const ITEMS: T = T::TextList { max: SHORT_TEXT };
const YEAR: T = T::Int {
    min: 1800,
    max: 2200,
};
const EUR: T = T::Int {
    min: 0,
    max: 1_000_000_000_000,
};
const KPI: T = T::Int {
    min: 0,
    max: 1_000_000_000,
};
const SCORE: T = T::Int { min: 0, max: 3 };
const NOTE: T = T::Text { max: SUMMARY_TEXT };
const ORG: &[RecordKind] = &[K::Organisation];

const ORGANISATION: &[FieldSpec] = &[
    title(f(
        "name",
        NAME,
        "name in the original language, plus translations",
    )),
    f("acronym", SHORT, "short name or acronym"),
    required(f(
        "country",
        T::Code(C::Country),
        "ISO 3166-1 country of the seat",
    )),
    f(
        "nuts",
        T::Codes(C::Nuts),
        "NUTS regions where it is based or active",
    ),
    f(
        "city",
        SHORT,
        "city (never a street address in shared data)",
    ),
    f("website", T::Url, "web site"),
    required(f("org_type", T::Code(C::OrgType), "type of organisation")),
    f(
        "legal_form",
        SHORT,
        "national legal form, e.g. biedrība, SCIC, ideell förening",
    ),
    f(
        "social_enterprise_status",
        T::Bool,
        "holds a national social-enterprise status or label",
    ),
    f(
        "ecosystem_roles",
        T::Codes(C::EcosystemRole),
        "roles in the SI ecosystem",
    ),
    f("themes", T::Codes(C::Theme), "themes it works on"),
    f("description", SUMMARY, "what it does"),
    f("founded_year", YEAR, "year founded"),
    f(
        "functional_contact",
        T::Email,
        "functional mailbox (never a person's address)",
    ),
];

const INITIATIVE: &[FieldSpec] = &[
    title(f(
        "title",
        NAME,
        "title in the original language, plus translations",
    )),
    f("acronym", SHORT, "short name"),
    f("website", T::Url, "web site"),
    required(f(
        "status",
        T::Code(C::InitiativeStatus),
        "active, ended or discontinued",
    )),
    f("start_year", YEAR, "year it started"),
    f("end_year", YEAR, "year it ended"),
    required(f(
        "countries",
        T::Codes(C::Country),
        "countries where it runs",
    )),
    f("nuts", T::Codes(C::Nuts), "NUTS regions where it runs"),
    f("city", SHORT, "main city or municipality"),
    f("scope", T::Code(C::Scope), "level of action"),
    f(
        "urban_rural",
        T::Code(C::UrbanRural),
        "urban, rural or mixed",
    ),
    f("lead_org", T::Link(ORG), "leading organisation"),
    f("partner_orgs", T::Links(ORG), "partner organisations"),
    f(
        "functional_contact",
        T::Email,
        "functional mailbox for enquiries",
    ),
    local(f(
        "contact_person",
        T::Link(&[K::Person]),
        "contact person (local only)",
    )),
    local(f(
        "founder_names",
        ITEMS,
        "names of founders (personal data, local only)",
    )),
    required(f("summary", SUMMARY, "summary")),
    f("problem", LONG, "problem addressed"),
    f(
        "solution",
        LONG,
        "innovative solution: what is new, and for whom",
    ),
    f("activities", LONG, "main activities"),
    f("target_groups", T::Codes(C::TargetGroup), "target groups"),
    f(
        "beneficiaries_reached",
        T::Int {
            min: 0,
            max: 1_000_000_000,
        },
        "people reached",
    ),
    f("themes", T::Codes(C::Theme), "themes"),
    f(
        "esf_objectives",
        T::Codes(C::EsfObjective),
        "ESF+ specific objectives",
    ),
    f("sdgs", T::Codes(C::Sdg), "Sustainable Development Goals"),
    f(
        "innovation_type",
        T::Code(C::InnovationType),
        "kind of innovation",
    ),
    f("stage", T::Code(C::Stage), "stage of maturity"),
    f(
        "evidence_level",
        T::Code(C::EvidenceLevel),
        "Nesta standard of evidence, 1-5",
    ),
    f(
        "evaluation_methods",
        T::Codes(C::EvaluationMethod),
        "how it was evaluated",
    ),
    f("results", LONG, "key results"),
    f(
        "funding_sources",
        T::Codes(C::FundingSource),
        "funding sources used",
    ),
    f("business_model", SUMMARY, "how it is financed over time"),
    f(
        "cost_per_unit",
        SHORT,
        "cost per participant or unit, with currency and period",
    ),
    f(
        "open_to_transfer",
        T::Code(C::OpenToTransfer),
        "open to transfer: yes, no, with conditions",
    ),
    f(
        "transferability",
        LONG,
        "potential for learning or transfer",
    ),
    f("resources_needed", LONG, "resources needed to replicate"),
    f("core_elements", ITEMS, "elements that travel unchanged"),
    f("adaptable_elements", ITEMS, "elements to adapt locally"),
    f("difficulties", LONG, "difficulties encountered"),
    f(
        "policy_links",
        T::Links(&[K::PolicyInstrument]),
        "policies it relates to (micro-macro links)",
    ),
    f(
        "mapped_in",
        SHORT,
        "mapping exercise, e.g. BuiCaSuS WP2 LV 2022",
    ),
];

const POLICY_INSTRUMENT: &[FieldSpec] = &[
    title(f("title", NAME, "title")),
    required(f(
        "policy_type",
        T::Code(C::PolicyType),
        "law, regulation, strategy, programme, label or status",
    )),
    required(f("country", T::Code(C::Country), "jurisdiction")),
    f("nuts", T::Codes(C::Nuts), "regional jurisdiction"),
    f("date_adopted", T::Date, "date adopted"),
    f("in_force_from", T::Date, "date in force"),
    f("in_force", T::Bool, "currently in force"),
    required(f("summary", SUMMARY, "what it does")),
    f(
        "effect_on_si",
        T::Code(C::PolicyEffect),
        "enabler, barrier or mixed",
    ),
    f("themes", T::Codes(C::Theme), "themes"),
    f(
        "related_initiatives",
        T::Links(&[K::Initiative]),
        "initiatives it enabled or affects",
    ),
    f("website", T::Url, "official text"),
];

const FUNDING_INSTRUMENT: &[FieldSpec] = &[
    title(f("name", NAME, "name of the scheme or call")),
    f("funder_org", T::Link(ORG), "funding organisation"),
    required(f(
        "funding_source",
        T::Code(C::FundingSource),
        "source of the money",
    )),
    required(f("country", T::Code(C::Country), "country")),
    f("programme", SHORT, "programme or call identifier"),
    f("open_from", T::Date, "applications open"),
    f("open_until", T::Date, "applications close"),
    f("budget_eur", EUR, "total budget in euro"),
    f("grant_min_eur", EUR, "smallest grant in euro"),
    f("grant_max_eur", EUR, "largest grant in euro"),
    f("eligibility", SUMMARY, "who may apply"),
    f("summary", SUMMARY, "what it funds"),
    f("themes", T::Codes(C::Theme), "themes"),
    f("target_groups", T::Codes(C::TargetGroup), "target groups"),
    f(
        "esf_objectives",
        T::Codes(C::EsfObjective),
        "ESF+ specific objectives",
    ),
    f("website", T::Url, "call page"),
];

const SUPPORT_TOOL: &[FieldSpec] = &[
    title(f("name", NAME, "name")),
    f(
        "provider_org",
        T::Link(ORG),
        "organisation that provides it",
    ),
    required(f(
        "tool_type",
        T::Code(C::SupportToolType),
        "type of support",
    )),
    f(
        "process_elements",
        T::Codes(C::ProcessElement),
        "MSI process elements it supports",
    ),
    f(
        "levels",
        T::Codes(C::SupportLevel),
        "individual, societal or system level",
    ),
    f("audiences", T::Codes(C::Audience), "who it is for"),
    f(
        "countries",
        T::Codes(C::Country),
        "countries where it is offered",
    ),
    required(f("summary", SUMMARY, "what it is")),
    f("cost", SHORT, "cost to the user"),
    f(
        "evidence_level",
        T::Code(C::EvidenceLevel),
        "Nesta standard of evidence",
    ),
    f("website", T::Url, "web site or materials"),
];

const ECOSYSTEM_ITEM: &[FieldSpec] = &[
    title(f(
        "statement",
        SUMMARY,
        "the strength, weakness, opportunity or threat, in one sentence",
    )),
    required(f("country", T::Code(C::Country), "country assessed")),
    f("nuts", T::Codes(C::Nuts), "region assessed"),
    required(f(
        "dimension",
        T::Code(C::SwotDimension),
        "ecosystem dimension",
    )),
    required(f(
        "polarity",
        T::Code(C::SwotPolarity),
        "strength, weakness, opportunity, threat, enabler, barrier",
    )),
    f("evidence", LONG, "what it is based on"),
    f(
        "assessment",
        SHORT,
        "mapping exercise, e.g. BuiCaSuS WP2 LV 2022",
    ),
    f("year", YEAR, "year of the assessment"),
    f("priority", T::Code(C::Priority), "priority for action"),
];

const LESSON: &[FieldSpec] = &[
    title(f("title", NAME, "the insight, in one sentence")),
    required(f("statement", LONG, "what was learned")),
    required(f("lesson_type", T::Code(C::LessonType), "type of lesson")),
    f(
        "about",
        T::Links(&[
            K::Initiative,
            K::ReplicationCase,
            K::SupportTool,
            K::PolicyInstrument,
            K::ActionItem,
        ]),
        "records it is about",
    ),
    f("context", SUMMARY, "situation, place and phase"),
    f(
        "countries",
        T::Codes(C::Country),
        "countries where it is known to hold",
    ),
    f("themes", T::Codes(C::Theme), "themes"),
    f("target_groups", T::Codes(C::TargetGroup), "target groups"),
    f("recommendation", SUMMARY, "what to do about it"),
    f("audiences", T::Codes(C::Audience), "who should act on it"),
    f("confidence", T::Code(C::Confidence), "low, medium or high"),
    f(
        "evidence_level",
        T::Code(C::EvidenceLevel),
        "Nesta standard of evidence",
    ),
];

const REPLICATION_CASE: &[FieldSpec] = &[
    title(f("title", NAME, "title")),
    required(f(
        "origin_initiative",
        T::Link(&[K::Initiative]),
        "the initiative being replicated",
    )),
    required(f(
        "origin_country",
        T::Code(C::Country),
        "country of origin",
    )),
    f("origin_nuts", T::Codes(C::Nuts), "region of origin"),
    required(f(
        "target_country",
        T::Code(C::Country),
        "country where it is replicated",
    )),
    f(
        "target_nuts",
        T::Codes(C::Nuts),
        "region where it is replicated",
    ),
    f("target_place", SHORT, "town or area of the replication"),
    f(
        "originator_org",
        T::Link(ORG),
        "organisation transferring the model",
    ),
    f("adopter_orgs", T::Links(ORG), "organisations adopting it"),
    f("scaling_type", T::Code(C::ScalingType), "out, up or deep"),
    f(
        "strategy",
        T::Code(C::ScalingStrategy),
        "replication strategy",
    ),
    required(f("status", T::Code(C::ReplicationStatus), "status")),
    f(
        "status_since",
        T::Date,
        "date the current status began (set when the status changes)",
    ),
    f("start_year", YEAR, "year it started"),
    f("rationale", SUMMARY, "why replicate it there"),
    f("core_elements", ITEMS, "elements kept unchanged"),
    f("adaptable_elements", ITEMS, "elements adapted"),
    f(
        "context_differences",
        LONG,
        "legal, funding, cultural differences",
    ),
    f("results", LONG, "outcomes so far"),
    f("themes", T::Codes(C::Theme), "themes"),
    f("lessons", T::Links(&[K::Lesson]), "lessons learned"),
];

const CAPACITY_PRIORITY: &[FieldSpec] = &[
    title(f("title", NAME, "the need, in one sentence")),
    required(f("country", T::Code(C::Country), "country")),
    required(f(
        "audience",
        T::Code(C::Audience),
        "whose capacity is to be built",
    )),
    f(
        "area",
        T::Code(C::CapacityArea),
        "area of capacity building, to compare countries",
    ),
    f("need", LONG, "the need in detail"),
    f(
        "priority_rank",
        T::Int { min: 1, max: 100 },
        "rank among national priorities",
    ),
    f("themes", T::Codes(C::Theme), "themes"),
    f(
        "related_tools",
        T::Links(&[K::SupportTool]),
        "tools that address it",
    ),
    f("year", YEAR, "year identified"),
];

const ACTION_ITEM: &[FieldSpec] = &[
    title(f("title", NAME, "the action")),
    required(f(
        "country",
        T::Code(C::Country),
        "country of the action plan",
    )),
    f("objective", SUMMARY, "objective"),
    f(
        "ncc_function",
        T::Code(C::NccFunction),
        "competence-centre function",
    ),
    f("responsible_org", T::Link(ORG), "organisation responsible"),
    f("partner_orgs", T::Links(ORG), "partners"),
    f("start_date", T::Date, "start"),
    f("end_date", T::Date, "planned end"),
    f("budget_eur", EUR, "budget in euro"),
    f(
        "funding_source",
        T::Code(C::FundingSource),
        "funding source",
    ),
    f("kpi", SHORT, "key performance indicator"),
    f("kpi_target", KPI, "target value of the indicator"),
    f("kpi_actual", KPI, "value reached so far"),
    required(f("status", T::Code(C::ActionStatus), "status")),
    f(
        "addresses",
        T::Links(&[K::EcosystemItem, K::CapacityPriority]),
        "SWOT items and priorities it addresses",
    ),
];

/// The transfer criteria of a readiness assessment (`shared/research/domain.md` §4.3), in order.
/// Each is a field scored 0-3 (3 favourable), with `<criterion>_note` and `<criterion>_source`.
pub const READINESS_CRITERIA: &[&str] = &[
    "need_in_target",
    "evidence_of_impact",
    "model_documented",
    "core_vs_adaptable_defined",
    "originator_capacity",
    "adopter_identified_and_committed",
    "local_demand_stakeholders",
    "legal_regulatory_fit",
    "funding_path",
    "cost_per_unit_known",
    "language_cultural_adaptation_needs",
    "ip_licence_terms",
    "risks",
];

/// The criteria without which a replication is not ready, whatever the others score.
pub const ESSENTIAL_CRITERIA: &[&str] = &[
    "need_in_target",
    "adopter_identified_and_committed",
    "legal_regulatory_fit",
    "funding_path",
];

const READINESS_ASSESSMENT: &[FieldSpec] = &[
    title(f("title", NAME, "what was assessed, in one line")),
    required(f(
        "replication_case",
        T::Link(&[K::ReplicationCase]),
        "the replication case assessed",
    )),
    required(f("assessed_on", T::Date, "date of the assessment")),
    f("assessor_org", T::Link(ORG), "organisation that assessed"),
    f(
        "need_in_target",
        SCORE,
        "score 0-3: the problem exists in the target context",
    ),
    f("need_in_target_note", NOTE, "evidence for the score"),
    f("need_in_target_source", SHORT, "source of the evidence"),
    f(
        "evidence_of_impact",
        SCORE,
        "score 0-3: evidence of impact (Nesta level)",
    ),
    f("evidence_of_impact_note", NOTE, "evidence for the score"),
    f("evidence_of_impact_source", SHORT, "source of the evidence"),
    f(
        "model_documented",
        SCORE,
        "score 0-3: manual, training or toolkit available",
    ),
    f("model_documented_note", NOTE, "evidence for the score"),
    f("model_documented_source", SHORT, "source of the evidence"),
    f(
        "core_vs_adaptable_defined",
        SCORE,
        "score 0-3: which elements travel and which adapt",
    ),
    f(
        "core_vs_adaptable_defined_note",
        NOTE,
        "evidence for the score",
    ),
    f(
        "core_vs_adaptable_defined_source",
        SHORT,
        "source of the evidence",
    ),
    f(
        "originator_capacity",
        SCORE,
        "score 0-3: the originator's capacity to support the transfer",
    ),
    f("originator_capacity_note", NOTE, "evidence for the score"),
    f(
        "originator_capacity_source",
        SHORT,
        "source of the evidence",
    ),
    f(
        "adopter_identified_and_committed",
        SCORE,
        "score 0-3: an adopter identified and committed",
    ),
    f(
        "adopter_identified_and_committed_note",
        NOTE,
        "evidence for the score",
    ),
    f(
        "adopter_identified_and_committed_source",
        SHORT,
        "source of the evidence",
    ),
    f(
        "local_demand_stakeholders",
        SCORE,
        "score 0-3: endorsement by a municipality or ministry",
    ),
    f(
        "local_demand_stakeholders_note",
        NOTE,
        "evidence for the score",
    ),
    f(
        "local_demand_stakeholders_source",
        SHORT,
        "source of the evidence",
    ),
    f(
        "legal_regulatory_fit",
        SCORE,
        "score 0-3: the legal and regulatory context allows it",
    ),
    f("legal_regulatory_fit_note", NOTE, "evidence for the score"),
    f(
        "legal_regulatory_fit_source",
        SHORT,
        "source of the evidence",
    ),
    f(
        "funding_path",
        SCORE,
        "score 0-3: a funding path (ESF+, municipal purchase, outcomes contract)",
    ),
    f("funding_path_note", NOTE, "evidence for the score"),
    f("funding_path_source", SHORT, "source of the evidence"),
    f(
        "cost_per_unit_known",
        SCORE,
        "score 0-3: the cost per unit is known",
    ),
    f("cost_per_unit_known_note", NOTE, "evidence for the score"),
    f(
        "cost_per_unit_known_source",
        SHORT,
        "source of the evidence",
    ),
    f(
        "language_cultural_adaptation_needs",
        SCORE,
        "score 0-3: translation and cultural adaptation are manageable",
    ),
    f(
        "language_cultural_adaptation_needs_note",
        NOTE,
        "evidence for the score",
    ),
    f(
        "language_cultural_adaptation_needs_source",
        SHORT,
        "source of the evidence",
    ),
    f(
        "ip_licence_terms",
        SCORE,
        "score 0-3: licence or franchise terms are clear",
    ),
    f("ip_licence_terms_note", NOTE, "evidence for the score"),
    f("ip_licence_terms_source", SHORT, "source of the evidence"),
    f("risks", SCORE, "score 0-3: risks are known and manageable"),
    f("risks_note", NOTE, "evidence for the score"),
    f("risks_source", SHORT, "source of the evidence"),
    f(
        "recommended_strategy",
        T::Code(C::ScalingStrategy),
        "recommended replication strategy",
    ),
    f("summary", SUMMARY, "conclusion of the assessment"),
];

const MENTORING_SESSION: &[FieldSpec] = &[
    title(f("title", NAME, "what the session was about, in one line")),
    required(f(
        "replication_case",
        T::Link(&[K::ReplicationCase]),
        "the replication case mentored",
    )),
    required(f("date", T::Date, "date of the session")),
    required(f(
        "format",
        T::Code(C::MentoringFormat),
        "visit, online session, workshop or peer review",
    )),
    f("mentor_org", T::Link(ORG), "organisation that mentored"),
    f("adopter_org", T::Link(ORG), "organisation mentored"),
    f("topics", ITEMS, "topics covered"),
    f("outcomes", LONG, "what came out of it"),
    f("next_steps", SUMMARY, "agreed next steps"),
    f(
        "participant_count",
        T::Int {
            min: 0,
            max: 10_000,
        },
        "number of participants",
    ),
    local(f(
        "participants",
        ITEMS,
        "names of the people present (local only)",
    )),
    local(f(
        "contact_person",
        T::Link(&[K::Person]),
        "contact for the session (local only)",
    )),
];

const PERSON: &[FieldSpec] = &[
    title(f("name", T::Text { max: SHORT_TEXT }, "full name")),
    f("role_title", SHORT, "role or job title"),
    f("organisation", T::Link(ORG), "organisation"),
    f("email", T::Email, "e-mail"),
    f("phone", T::Text { max: 40 }, "telephone"),
    f("languages", T::Codes(C::Language), "languages spoken"),
    required(f(
        "lawful_basis",
        T::Code(C::LawfulBasis),
        "GDPR lawful basis",
    )),
    f(
        "source_of_data",
        SHORT,
        "where the data came from (GDPR Art. 14)",
    ),
    required(f(
        "review_due",
        T::Date,
        "date by which the record must be reviewed",
    )),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_names_and_tags() {
        for kind in RecordKind::ALL {
            assert_eq!(kind.as_str().parse::<RecordKind>().unwrap(), *kind);
            assert_eq!(RecordKind::from_tag(kind.tag()), Some(*kind));
            let titles = kind.fields().iter().filter(|f| f.title).count();
            assert_eq!(titles, 1, "{kind} must have exactly one title field");
        }
        assert!("initiatives".parse::<RecordKind>().is_err());
    }

    #[test]
    fn field_names_are_unique_and_do_not_shadow_common_fields() {
        for kind in RecordKind::ALL {
            let mut names: Vec<_> = kind.fields().iter().map(|f| f.name).collect();
            names.sort_unstable();
            let n = names.len();
            names.dedup();
            assert_eq!(n, names.len(), "{kind} has duplicate fields");
            for common in crate::record::COMMON_FIELDS {
                assert!(
                    kind.field(common).is_none(),
                    "{kind}.{common} shadows a common field"
                );
            }
        }
    }
}
