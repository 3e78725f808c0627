//! Controlled vocabularies, embedded as data.
//!
//! Over 800 lines because most of it is the lists themselves (code, English label), which read
//! best in one place; the logic is the first ~300 lines.
//!
//! Every coded field of a record names one [`CodeList`]; validation rejects a code that is not in
//! it. Where a list follows a standard, its entries are that standard's codes: countries
//! (ISO 3166-1 alpha-2, `data/countries.tsv`), NUTS regions (Eurostat, `data/nuts.tsv`),
//! languages (ISO 639-1), the UN Sustainable Development Goals and the ESF+ specific
//! objectives; the other lists are sicc's own vocabulary, served with their labels by
//! `GET /api/v1/codes`.

use std::sync::OnceLock;

/// One entry of a code list: the stable code stored in records and an English label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The stable code, as stored.
    pub code: &'static str,
    /// A short English label for people.
    pub label: &'static str,
}

/// A NUTS region (Eurostat), with its level and the NUTS version it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NutsRegion {
    /// For example `LV005`.
    pub code: &'static str,
    /// 0 (country) to 3.
    pub level: u8,
    /// `2021` or `2024`.
    pub version: u16,
    /// The region's name in its own language.
    pub name: &'static str,
}

/// The code lists known to sicc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodeList {
    /// ISO 3166-1 alpha-2 countries.
    Country,
    /// NUTS 2021 (and Latvia's 2024) regions of ES, FR, SE, LV, levels 0-3.
    Nuts,
    /// BCP-47 language tags (ISO 639-1 where one exists).
    Language,
    /// UN Sustainable Development Goals 1-17 (codes are the numbers as text).
    Sdg,
    /// ESF+ specific objectives, Regulation (EU) 2021/1057 Art. 4(1) (a)-(m).
    EsfObjective,
    /// Aggregate target groups (ESF+ Annex I categories plus social-services groups).
    TargetGroup,
    /// Themes / policy areas.
    Theme,
    /// Stage of maturity of an initiative.
    Stage,
    /// Nesta standards of evidence, levels 1-5 (codes are the numbers as text).
    EvidenceLevel,
    /// Organisation types.
    OrgType,
    /// Roles of an organisation in the ecosystem.
    EcosystemRole,
    /// Dimensions of an ecosystem (SWOT) item.
    SwotDimension,
    /// Polarity of an ecosystem (SWOT) item.
    SwotPolarity,
    /// Funding sources.
    FundingSource,
    /// Who may see a record.
    AccessLevel,
    /// Where a record is in the validation workflow.
    ValidationStatus,
    /// Licences for descriptive content (SPDX identifiers).
    Licence,
    /// Status of an initiative.
    InitiativeStatus,
    /// Geographic scope (level of action).
    Scope,
    /// Urban, rural or mixed setting.
    UrbanRural,
    /// Kind of innovation.
    InnovationType,
    /// Evaluation methods.
    EvaluationMethod,
    /// Whether an initiative is open to transfer.
    OpenToTransfer,
    /// Scaling strategies.
    ScalingStrategy,
    /// Types of scaling (out, up, deep).
    ScalingType,
    /// Status of a replication case.
    ReplicationStatus,
    /// Types of support tool.
    SupportToolType,
    /// MSI's six elements of the social-innovation process.
    ProcessElement,
    /// Level a support tool works at.
    SupportLevel,
    /// Types of policy instrument.
    PolicyType,
    /// Effect of a policy on social innovation.
    PolicyEffect,
    /// Types of lesson learned.
    LessonType,
    /// Audiences of lessons, priorities and tools.
    Audience,
    /// Confidence in a lesson.
    Confidence,
    /// Functions of a national competence centre (action plans).
    NccFunction,
    /// Status of an action item.
    ActionStatus,
    /// Priority of an ecosystem item.
    Priority,
    /// GDPR lawful basis for a contact record.
    LawfulBasis,
    /// Areas of capacity building (WP4 priorities).
    CapacityArea,
    /// Formats of a mentoring session (WP3 pilots).
    MentoringFormat,
    /// Overall readiness for replication, derived from a readiness assessment.
    Readiness,
}

impl CodeList {
    /// Every code list, in a stable order.
    pub const ALL: &'static [CodeList] = &[
        CodeList::Country,
        CodeList::Nuts,
        CodeList::Language,
        CodeList::Sdg,
        CodeList::EsfObjective,
        CodeList::TargetGroup,
        CodeList::Theme,
        CodeList::Stage,
        CodeList::EvidenceLevel,
        CodeList::OrgType,
        CodeList::EcosystemRole,
        CodeList::SwotDimension,
        CodeList::SwotPolarity,
        CodeList::FundingSource,
        CodeList::AccessLevel,
        CodeList::ValidationStatus,
        CodeList::Licence,
        CodeList::InitiativeStatus,
        CodeList::Scope,
        CodeList::UrbanRural,
        CodeList::InnovationType,
        CodeList::EvaluationMethod,
        CodeList::OpenToTransfer,
        CodeList::ScalingStrategy,
        CodeList::ScalingType,
        CodeList::ReplicationStatus,
        CodeList::SupportToolType,
        CodeList::ProcessElement,
        CodeList::SupportLevel,
        CodeList::PolicyType,
        CodeList::PolicyEffect,
        CodeList::LessonType,
        CodeList::Audience,
        CodeList::Confidence,
        CodeList::NccFunction,
        CodeList::ActionStatus,
        CodeList::Priority,
        CodeList::LawfulBasis,
        CodeList::CapacityArea,
        CodeList::MentoringFormat,
        CodeList::Readiness,
    ];

    /// The list's name as used in the API and in error messages (snake_case).
    pub fn name(self) -> &'static str {
        match self {
            CodeList::Country => "country",
            CodeList::Nuts => "nuts",
            CodeList::Language => "language",
            CodeList::Sdg => "sdg",
            CodeList::EsfObjective => "esf_objective",
            CodeList::TargetGroup => "target_group",
            CodeList::Theme => "theme",
            CodeList::Stage => "stage",
            CodeList::EvidenceLevel => "evidence_level",
            CodeList::OrgType => "org_type",
            CodeList::EcosystemRole => "ecosystem_role",
            CodeList::SwotDimension => "swot_dimension",
            CodeList::SwotPolarity => "swot_polarity",
            CodeList::FundingSource => "funding_source",
            CodeList::AccessLevel => "access_level",
            CodeList::ValidationStatus => "validation_status",
            CodeList::Licence => "licence",
            CodeList::InitiativeStatus => "initiative_status",
            CodeList::Scope => "scope",
            CodeList::UrbanRural => "urban_rural",
            CodeList::InnovationType => "innovation_type",
            CodeList::EvaluationMethod => "evaluation_method",
            CodeList::OpenToTransfer => "open_to_transfer",
            CodeList::ScalingStrategy => "scaling_strategy",
            CodeList::ScalingType => "scaling_type",
            CodeList::ReplicationStatus => "replication_status",
            CodeList::SupportToolType => "support_tool_type",
            CodeList::ProcessElement => "process_element",
            CodeList::SupportLevel => "support_level",
            CodeList::PolicyType => "policy_type",
            CodeList::PolicyEffect => "policy_effect",
            CodeList::LessonType => "lesson_type",
            CodeList::Audience => "audience",
            CodeList::Confidence => "confidence",
            CodeList::NccFunction => "ncc_function",
            CodeList::ActionStatus => "action_status",
            CodeList::Priority => "priority",
            CodeList::LawfulBasis => "lawful_basis",
            CodeList::CapacityArea => "capacity_area",
            CodeList::MentoringFormat => "mentoring_format",
            CodeList::Readiness => "readiness",
        }
    }

    /// Looks a list up by its [`name`](Self::name).
    pub fn from_name(name: &str) -> Option<CodeList> {
        CodeList::ALL.iter().copied().find(|l| l.name() == name)
    }

    /// The entries of the list. NUTS entries carry the region name as label.
    pub fn entries(self) -> &'static [Code] {
        match self {
            CodeList::Country => countries(),
            CodeList::Nuts => nuts_codes(),
            CodeList::Language => LANGUAGES,
            CodeList::Sdg => SDGS,
            CodeList::EsfObjective => ESF_OBJECTIVES,
            CodeList::TargetGroup => TARGET_GROUPS,
            CodeList::Theme => THEMES,
            CodeList::Stage => STAGES,
            CodeList::EvidenceLevel => EVIDENCE_LEVELS,
            CodeList::OrgType => ORG_TYPES,
            CodeList::EcosystemRole => ECOSYSTEM_ROLES,
            CodeList::SwotDimension => SWOT_DIMENSIONS,
            CodeList::SwotPolarity => SWOT_POLARITIES,
            CodeList::FundingSource => FUNDING_SOURCES,
            CodeList::AccessLevel => ACCESS_LEVELS,
            CodeList::ValidationStatus => VALIDATION_STATUSES,
            CodeList::Licence => LICENCES,
            CodeList::InitiativeStatus => INITIATIVE_STATUSES,
            CodeList::Scope => SCOPES,
            CodeList::UrbanRural => URBAN_RURAL,
            CodeList::InnovationType => INNOVATION_TYPES,
            CodeList::EvaluationMethod => EVALUATION_METHODS,
            CodeList::OpenToTransfer => OPEN_TO_TRANSFER,
            CodeList::ScalingStrategy => SCALING_STRATEGIES,
            CodeList::ScalingType => SCALING_TYPES,
            CodeList::ReplicationStatus => REPLICATION_STATUSES,
            CodeList::SupportToolType => SUPPORT_TOOL_TYPES,
            CodeList::ProcessElement => PROCESS_ELEMENTS,
            CodeList::SupportLevel => SUPPORT_LEVELS,
            CodeList::PolicyType => POLICY_TYPES,
            CodeList::PolicyEffect => POLICY_EFFECTS,
            CodeList::LessonType => LESSON_TYPES,
            CodeList::Audience => AUDIENCES,
            CodeList::Confidence => CONFIDENCE,
            CodeList::NccFunction => NCC_FUNCTIONS,
            CodeList::ActionStatus => ACTION_STATUSES,
            CodeList::Priority => PRIORITIES,
            CodeList::LawfulBasis => LAWFUL_BASES,
            CodeList::CapacityArea => CAPACITY_AREAS,
            CodeList::MentoringFormat => MENTORING_FORMATS,
            CodeList::Readiness => READINESS,
        }
    }

    /// Whether `code` is in the list (exact, case-sensitive match).
    pub fn contains(self, code: &str) -> bool {
        self.entries().iter().any(|c| c.code == code)
    }

    /// The label of `code`, if it is in the list.
    pub fn label(self, code: &str) -> Option<&'static str> {
        self.entries()
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.label)
    }
}

/// The languages sicc's staff work in: the UI's, and those code-list labels are translated to.
pub const LABEL_LANGUAGES: &[&str] = &["en", "es", "fr", "sv", "lv"];

/// One row of a label file (`data/labels/<lang>.tsv`).
#[derive(Debug, Clone, Copy)]
struct Translation {
    label: &'static str,
    /// Words staff type for this code, ` | `-separated (search and spreadsheet import).
    terms: &'static str,
}

type Translations = std::collections::HashMap<(&'static str, &'static str), Translation>;

/// The label files, one per language of [`LABEL_LANGUAGES`], in that order. English labels are
/// the built-in ones; `en.tsv` adds search terms only.
const LABEL_FILES: [&str; 5] = [
    include_str!("../data/labels/en.tsv"),
    include_str!("../data/labels/es.tsv"),
    include_str!("../data/labels/fr.tsv"),
    include_str!("../data/labels/sv.tsv"),
    include_str!("../data/labels/lv.tsv"),
];

fn translations(lang: &str) -> Option<&'static Translations> {
    static ALL: OnceLock<Vec<Translations>> = OnceLock::new();
    let i = LABEL_LANGUAGES.iter().position(|l| *l == lang)?;
    ALL.get_or_init(|| {
        LABEL_FILES
            .iter()
            .map(|text| parse_translations(text))
            .collect()
    })
    .get(i)
}

/// The codes a normalised name means in one list: by a label (or the code), by a search term.
#[derive(Debug, Default)]
struct Named {
    labels: Vec<&'static str>,
    terms: Vec<&'static str>,
}

/// Every name of every code, normalised, built once: spreadsheet import asks it for every cell.
fn name_index() -> &'static std::collections::HashMap<(CodeList, String), Named> {
    static INDEX: OnceLock<std::collections::HashMap<(CodeList, String), Named>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: std::collections::HashMap<(CodeList, String), Named> = Default::default();
        let mut add = |list: CodeList, name: &str, code: &'static str, label: bool| {
            let name = normalise(name);
            if name.is_empty() {
                return;
            }
            let entry = index.entry((list, name)).or_default();
            let codes = if label {
                &mut entry.labels
            } else {
                &mut entry.terms
            };
            if !codes.contains(&code) {
                codes.push(code);
            }
        };
        for list in CodeList::ALL {
            for c in list.entries() {
                let mut labels = vec![c.code, c.label];
                let mut terms = Vec::new();
                for lang in LABEL_LANGUAGES {
                    if let Some(t) = translations(lang).and_then(|t| t.get(&(list.name(), c.code)))
                    {
                        labels.push(t.label);
                        terms.extend(t.terms.split(" | "));
                    }
                }
                for l in labels {
                    add(*list, l, c.code, true);
                    // `Konsorcijs` for `Konsorcijs: federācijas dalībnieki`; ranked with the
                    // search terms (`Virgin Islands` heads two labels).
                    if let Some(head) = l.split([':', '(']).next().filter(|h| h.len() < l.len()) {
                        add(*list, head, c.code, false);
                    }
                }
                for t in terms {
                    add(*list, t, c.code, false);
                }
            }
        }
        index
    })
}

/// Lower case, single spaces: how a typed label is compared.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn parse_translations(text: &'static str) -> Translations {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let (list, code) = (cols.next()?, cols.next()?);
            let label = cols.next().unwrap_or_default().trim();
            let terms = cols.next().unwrap_or_default().trim();
            // The fifth column (`review`) is for people: see docs/translation.md.
            Some(((list, code), Translation { label, terms }))
        })
        .collect()
}

impl CodeList {
    /// The label of `code` in `lang` (one of [`LABEL_LANGUAGES`]), falling back to English.
    pub fn label_in(self, code: &str, lang: &str) -> Option<&'static str> {
        let english = self.label(code)?;
        let translated = translations(lang)
            .and_then(|t| t.get(&(self.name(), code)))
            .map(|t| t.label)
            .filter(|l| !l.is_empty());
        Some(translated.unwrap_or(english))
    }

    /// The code a person means by `text` in a spreadsheet cell: the code itself (any case), or
    /// its label or one of its search terms in any of the five languages, or the part of a
    /// label before `:` or `(` (`Konsorcijs` for `Konsorcijs: federācijas dalībnieki`), or a
    /// NUTS region's name (`Latgale` → `LV005`). `Err` names every code it could mean when it
    /// is ambiguous; `Ok(None)` when nothing matches.
    pub fn code_for(self, text: &str) -> Result<Option<&'static str>, Vec<&'static str>> {
        if let Some(c) = self.entries().iter().find(|c| c.code == text.trim()) {
            return Ok(Some(c.code));
        }
        let wanted = normalise(text);
        let Some(names) = name_index().get(&(self, wanted)) else {
            return Ok(None);
        };
        // A label outranks a search term: `nesta` may be a word for every evidence level, but
        // a level's own label names that level only.
        let codes = if names.labels.is_empty() {
            &names.terms
        } else {
            &names.labels
        };
        match codes.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            // A NUTS name is shared by a region and its single sub-region (`Bretagne`: FRH,
            // FRH0), or by a 2021 code and its 2024 successor (`Kurzeme`): the most detailed,
            // newest one, which a filter on the others' codes still finds.
            many if self == CodeList::Nuts => {
                let rank = |c: &str| nuts_region(c).map(|r| (r.level, r.version));
                let best = many.iter().copied().max_by_key(|c| rank(c));
                let ties = many
                    .iter()
                    .filter(|c| rank(c) == best.and_then(rank))
                    .count();
                match best {
                    Some(b) if ties == 1 => Ok(Some(b)),
                    _ => Err(many.to_vec()),
                }
            }
            many => Err(many.to_vec()),
        }
    }

    /// Every text that names `code`, with its language: its labels in the five languages and
    /// the words staff type for it. A query word found in one of them matches the records
    /// holding the code, so that `personas sin hogar` finds every homelessness record whatever
    /// language it is written in.
    pub fn search_texts(self, code: &str) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        if let Some(english) = self.label(code) {
            out.push(("en", english));
        }
        for lang in LABEL_LANGUAGES {
            if let Some(t) = translations(lang).and_then(|t| t.get(&(self.name(), code))) {
                if !t.label.is_empty() {
                    out.push((*lang, t.label));
                }
                out.extend(
                    t.terms
                        .split(" | ")
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| (*lang, s)),
                );
            }
        }
        out
    }
}

/// All embedded NUTS regions.
pub fn nuts_regions() -> &'static [NutsRegion] {
    static REGIONS: OnceLock<Vec<NutsRegion>> = OnceLock::new();
    REGIONS.get_or_init(|| {
        include_str!("../data/nuts.tsv")
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let mut cols = l.split('\t');
                let (code, level, version, name) = (
                    cols.next().unwrap_or_default(),
                    cols.next().unwrap_or_default(),
                    cols.next().unwrap_or_default(),
                    cols.next().unwrap_or_default(),
                );
                NutsRegion {
                    code,
                    level: level.parse().unwrap_or(u8::MAX),
                    version: version.parse().unwrap_or(0),
                    name,
                }
            })
            .collect()
    })
}

/// Looks up one NUTS region.
pub fn nuts_region(code: &str) -> Option<&'static NutsRegion> {
    nuts_regions().iter().find(|r| r.code == code)
}

fn nuts_codes() -> &'static [Code] {
    static CODES: OnceLock<Vec<Code>> = OnceLock::new();
    CODES.get_or_init(|| {
        nuts_regions()
            .iter()
            .map(|r| Code {
                code: r.code,
                label: r.name,
            })
            .collect()
    })
}

fn countries() -> &'static [Code] {
    static CODES: OnceLock<Vec<Code>> = OnceLock::new();
    CODES.get_or_init(|| parse_pairs(include_str!("../data/countries.tsv")))
}

fn parse_pairs(text: &'static str) -> Vec<Code> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (code, label) = l.split_once('\t').unwrap_or((l, l));
            Code { code, label }
        })
        .collect()
}

macro_rules! codes {
    ($name:ident, [$(($code:expr, $label:expr)),* $(,)?]) => {
        const $name: &[Code] = &[$(Code { code: $code, label: $label }),*];
    };
}

codes!(
    LANGUAGES,
    [
        ("bg", "Bulgarian"),
        ("cs", "Czech"),
        ("da", "Danish"),
        ("de", "German"),
        ("el", "Greek"),
        ("en", "English"),
        ("es", "Spanish"),
        ("et", "Estonian"),
        ("fi", "Finnish"),
        ("fr", "French"),
        ("ga", "Irish"),
        ("hr", "Croatian"),
        ("hu", "Hungarian"),
        ("it", "Italian"),
        ("lt", "Lithuanian"),
        ("lv", "Latvian"),
        ("mt", "Maltese"),
        ("nl", "Dutch"),
        ("pl", "Polish"),
        ("pt", "Portuguese"),
        ("ro", "Romanian"),
        ("sk", "Slovak"),
        ("sl", "Slovenian"),
        ("sv", "Swedish"),
        ("ca", "Catalan"),
        ("eu", "Basque"),
        ("gl", "Galician"),
        ("ltg", "Latgalian"),
        ("fit", "Meänkieli"),
        ("se", "Northern Sami"),
        ("sma", "Southern Sami"),
        ("smj", "Lule Sami"),
        ("rom", "Romani"),
        ("yi", "Yiddish"),
        ("ru", "Russian"),
        ("uk", "Ukrainian"),
        ("ar", "Arabic"),
    ]
);

codes!(
    SDGS,
    [
        ("1", "No poverty"),
        ("2", "Zero hunger"),
        ("3", "Good health and well-being"),
        ("4", "Quality education"),
        ("5", "Gender equality"),
        ("6", "Clean water and sanitation"),
        ("7", "Affordable and clean energy"),
        ("8", "Decent work and economic growth"),
        ("9", "Industry, innovation and infrastructure"),
        ("10", "Reduced inequalities"),
        ("11", "Sustainable cities and communities"),
        ("12", "Responsible consumption and production"),
        ("13", "Climate action"),
        ("14", "Life below water"),
        ("15", "Life on land"),
        ("16", "Peace, justice and strong institutions"),
        ("17", "Partnerships for the goals"),
    ]
);

codes!(
    ESF_OBJECTIVES,
    [
        (
            "ESO4.1",
            "(a) Access to quality employment for all, including youth"
        ),
        (
            "ESO4.2",
            "(b) Modernising labour market institutions and services"
        ),
        ("ESO4.3", "(c) Gender-balanced labour market participation"),
        (
            "ESO4.4",
            "(d) Adaptation of workers, enterprises and entrepreneurs to change"
        ),
        ("ESO4.5", "(e) Better education and training systems"),
        (
            "ESO4.6",
            "(f) Equal access to quality education and training"
        ),
        ("ESO4.7", "(g) Upskilling, reskilling and lifelong learning"),
        ("ESO4.8", "(h) Active inclusion"),
        (
            "ESO4.9",
            "(i) Socio-economic integration of third-country nationals"
        ),
        (
            "ESO4.10",
            "(j) Integration of marginalised communities such as Roma"
        ),
        (
            "ESO4.11",
            "(k) Equal access to quality services; modernising social protection"
        ),
        (
            "ESO4.12",
            "(l) Social integration of people at risk of poverty or social exclusion"
        ),
        ("ESO4.13", "(m) Addressing material deprivation"),
    ]
);

codes!(
    TARGET_GROUPS,
    [
        ("unemployed", "Unemployed, including long-term unemployed"),
        ("long_term_unemployed", "Long-term unemployed"),
        ("inactive", "Inactive"),
        ("employed", "Employed, including self-employed"),
        ("children", "Children below 18"),
        ("young_people", "Young people 18-29"),
        ("older_people", "People aged 55 and over / older people"),
        ("low_education", "Education level ISCED 0-2"),
        ("people_with_disabilities", "Participants with disabilities"),
        ("third_country_nationals", "Third-country nationals"),
        (
            "foreign_background",
            "Participants with a foreign background"
        ),
        (
            "minorities_roma",
            "Minorities, including marginalised communities such as Roma"
        ),
        ("homeless", "Homeless or affected by housing exclusion"),
        ("rural_areas", "People from rural areas"),
        ("women", "Women"),
        ("men", "Men"),
        ("non_binary", "Non-binary"),
        ("people_with_dependency", "People with dependency"),
        ("people_with_dementia", "People with dementia"),
        (
            "people_with_mental_intellectual_disabilities",
            "People with mental or intellectual disabilities"
        ),
        ("children_in_care", "Children in or leaving care"),
        ("families_at_risk", "Families with children at risk"),
        ("informal_carers", "Informal carers"),
        ("unaccompanied_minors", "Unaccompanied minors"),
        (
            "women_far_from_labour_market",
            "Women far from the labour market"
        ),
        (
            "people_living_alone",
            "People living alone or experiencing loneliness"
        ),
        (
            "end_of_life_bereaved",
            "People at end of life and the bereaved"
        ),
        ("migrants_refugees", "Migrants and refugees"),
        ("chronically_ill", "People with chronic illness"),
        (
            "professionals_support_orgs",
            "Social-service professionals and support organisations"
        ),
        (
            "public_authorities",
            "Public authorities and municipalities"
        ),
        (
            "social_entrepreneurs",
            "Social entrepreneurs and innovators"
        ),
    ]
);

codes!(
    THEMES,
    [
        ("employment", "Employment & work integration"),
        ("education_skills", "Education, skills & lifelong learning"),
        ("social_inclusion", "Social inclusion & anti-poverty"),
        (
            "social_services_care",
            "Social services, long-term & home care"
        ),
        ("health_wellbeing", "Health & well-being"),
        ("housing_homelessness", "Housing & homelessness"),
        ("migration_integration", "Migrant & refugee integration"),
        ("children_youth", "Children, youth & families"),
        ("ageing", "Older people & ageing"),
        ("disability", "Disability inclusion"),
        ("gender_equality", "Gender equality"),
        ("material_deprivation", "Food & basic material aid"),
        ("civic_participation", "Participation & democracy"),
        ("social_economy", "Social economy & social enterprise"),
        ("impact_finance", "Social finance & outcomes-based funding"),
        (
            "digital_inclusion",
            "Digital inclusion & digital social innovation"
        ),
        ("rural_territorial", "Rural & territorial development"),
        ("environment_climate", "Environment & just transition"),
        ("energy", "Energy poverty & community energy"),
        ("mobility", "Mobility & transport"),
        ("culture", "Culture & arts"),
    ]
);

codes!(
    STAGES,
    [
        ("idea", "Idea"),
        ("prototype_pilot", "Prototype or pilot"),
        ("implemented_local", "Implemented locally"),
        ("sustained", "Sustained (stable funding)"),
        ("scaling", "Scaling"),
        (
            "systemic_change",
            "Systemic change (adopted in policy or law)"
        ),
    ]
);

codes!(
    EVIDENCE_LEVELS,
    [
        ("1", "Describe what you do and why it matters"),
        ("2", "Data showing positive change, without attribution"),
        ("3", "Causality shown with a control or comparison group"),
        ("4", "One or more independent replication evaluations"),
        ("5", "Manuals and systems ensuring consistent replication"),
    ]
);

codes!(
    ORG_TYPES,
    [
        ("public_national", "National public body"),
        ("public_regional", "Regional public body"),
        ("public_local", "Municipality or local public body"),
        ("esf_managing_authority", "ESF+ managing authority"),
        ("esf_intermediate_body", "ESF+ intermediate body"),
        ("public_agency", "Public agency"),
        ("ngo_association", "NGO or association"),
        ("foundation", "Foundation"),
        ("cooperative", "Cooperative"),
        ("social_enterprise", "Social enterprise"),
        ("private_company", "Private company"),
        ("university_research", "University or research organisation"),
        ("network_umbrella", "Network or umbrella organisation"),
        ("funder_public_bank", "Public bank or funder"),
        ("funder_private", "Private funder"),
        (
            "support_org",
            "Support organisation (incubator, accelerator, consultancy)"
        ),
    ]
);

codes!(
    ECOSYSTEM_ROLES,
    [
        ("promoter", "Promoter of initiatives"),
        ("funder", "Funder"),
        ("support_org", "Support organisation"),
        ("policy_maker", "Policy maker"),
        ("researcher", "Researcher"),
        ("intermediary_network", "Intermediary or network"),
        ("user_representative", "User representative"),
    ]
);

codes!(
    SWOT_DIMENSIONS,
    [
        ("policy_regulation", "Policy & regulation"),
        (
            "public_administration_capacity",
            "Public administration capacity"
        ),
        ("funding_finance", "Funding & finance"),
        ("support_infrastructure", "Support infrastructure"),
        (
            "knowledge_research_evaluation",
            "Knowledge, research & evaluation"
        ),
        ("networks_collaboration", "Networks & collaboration"),
        (
            "civil_society_participation",
            "Civil society & participation"
        ),
        ("market_procurement", "Market & public procurement"),
        ("culture_awareness", "Culture & awareness"),
    ]
);

codes!(
    SWOT_POLARITIES,
    [
        ("strength", "Strength"),
        ("weakness", "Weakness"),
        ("opportunity", "Opportunity"),
        ("threat", "Threat"),
        ("enabler", "Enabler"),
        ("barrier", "Barrier"),
    ]
);

codes!(
    FUNDING_SOURCES,
    [
        ("esf_plus_shared", "ESF+ national/regional programme"),
        ("esf_plus_easi", "ESF+ EaSI strand"),
        (
            "esf_social_innovation_plus",
            "ESF+ Social Innovation+ (ECCSI)"
        ),
        ("esf_legacy", "ESF 2014-2020 and earlier"),
        ("erdf", "ERDF"),
        ("interreg", "Interreg"),
        ("horizon_europe", "Horizon Europe / Horizon 2020"),
        (
            "rrf_nextgen",
            "Recovery and Resilience Facility (NextGenerationEU)"
        ),
        ("national_public", "National public funds"),
        ("regional_public", "Regional public funds"),
        ("local_public", "Municipal public funds"),
        ("private_foundation", "Private foundation"),
        ("corporate", "Corporate"),
        ("earned_income", "Earned income"),
        (
            "outcomes_contract_sib",
            "Outcomes contract / social impact bond"
        ),
        ("social_investment", "Social investment"),
        ("donations_crowdfunding", "Donations and crowdfunding"),
    ]
);

codes!(
    ACCESS_LEVELS,
    [
        ("local", "Local: never leaves this node"),
        ("consortium", "Consortium: the federation's members"),
        ("public", "Public"),
    ]
);

codes!(
    VALIDATION_STATUSES,
    [
        ("draft", "Draft"),
        ("submitted", "Submitted for validation"),
        ("validated", "Validated"),
        ("published", "Published"),
        ("archived", "Archived"),
    ]
);

codes!(
    LICENCES,
    [
        ("CC-BY-4.0", "Creative Commons Attribution 4.0"),
        (
            "CC-BY-SA-4.0",
            "Creative Commons Attribution-ShareAlike 4.0"
        ),
        ("CC0-1.0", "Creative Commons Zero 1.0"),
        ("ODbL-1.0", "Open Database License 1.0"),
        ("EUPL-1.2", "European Union Public Licence 1.2"),
        ("proprietary", "All rights reserved"),
        ("none", "No licence (personal or internal data)"),
    ]
);

codes!(
    INITIATIVE_STATUSES,
    [
        ("active", "Active"),
        ("ended", "Ended"),
        ("discontinued", "Discontinued"),
    ]
);

codes!(
    SCOPES,
    [
        ("local", "Local"),
        ("regional", "Regional"),
        ("national", "National"),
        ("transnational", "Transnational"),
    ]
);

codes!(
    URBAN_RURAL,
    [("urban", "Urban"), ("rural", "Rural"), ("mixed", "Mixed")]
);

codes!(
    INNOVATION_TYPES,
    [
        ("service", "Service"),
        ("process", "Process"),
        ("organisational_model", "Organisational model"),
        ("financing_model", "Financing model"),
        ("policy", "Policy"),
        ("digital_tool", "Digital tool"),
        ("governance", "Governance"),
    ]
);

codes!(
    EVALUATION_METHODS,
    [
        ("none", "None"),
        ("self_reported", "Self-reported"),
        ("monitoring_data", "Monitoring data"),
        ("pre_post", "Pre/post comparison"),
        ("quasi_experimental", "Quasi-experimental"),
        ("rct", "Randomised controlled trial"),
        ("cost_benefit_sroi", "Cost-benefit / SROI"),
        ("qualitative_case_study", "Qualitative case study"),
        ("independent_evaluation", "Independent evaluation"),
    ]
);

codes!(
    OPEN_TO_TRANSFER,
    [
        ("yes", "Yes"),
        ("no", "No"),
        ("with_conditions", "With conditions"),
    ]
);

codes!(
    SCALING_STRATEGIES,
    [
        ("organic_growth", "Organic growth"),
        ("branch", "Branches"),
        ("social_franchise", "Social franchise"),
        ("licence", "Licence"),
        ("affiliation_network", "Affiliation network"),
        ("open_source_dissemination", "Open-source dissemination"),
        ("training_of_implementers", "Training of implementers"),
        ("public_adoption", "Public adoption"),
        ("policy_advocacy_law", "Policy advocacy and law"),
        ("cooperation_merger", "Cooperation or merger"),
        ("diversification", "Diversification"),
        ("mutual_learning", "City-to-city mutual learning"),
    ]
);

codes!(
    SCALING_TYPES,
    [
        ("out", "Scaling out"),
        ("up", "Scaling up"),
        ("deep", "Scaling deep"),
    ]
);

codes!(
    REPLICATION_STATUSES,
    [
        ("exploring", "Exploring"),
        ("planned", "Planned"),
        ("piloting", "Piloting"),
        ("operating", "Operating"),
        ("scaled", "Scaled"),
        ("discontinued", "Discontinued"),
    ]
);

codes!(
    SUPPORT_TOOL_TYPES,
    [
        ("training", "Training"),
        ("incubation", "Incubation or acceleration"),
        ("lab", "Social innovation lab"),
        ("funding_scheme", "Funding scheme"),
        ("evaluation_method", "Evaluation method"),
        ("network", "Network"),
        ("guide", "Guide or toolkit"),
        ("consulting", "Consulting or diagnosis"),
        ("platform", "Digital platform"),
    ]
);

codes!(
    PROCESS_ELEMENTS,
    [
        (
            "understand_challenge",
            "Understanding the societal challenge"
        ),
        ("envision_change", "Envisioning societal change"),
        ("mobilise", "Mobilising actors and resources"),
        ("develop_test", "Developing and testing"),
        ("realise_disseminate", "Realising and disseminating"),
        ("create_value", "Creating value"),
    ]
);

codes!(
    SUPPORT_LEVELS,
    [
        ("individual", "Individual / grassroots"),
        ("societal", "Societal"),
        ("system", "System"),
    ]
);

codes!(
    POLICY_TYPES,
    [
        ("law", "Law"),
        ("regulation", "Regulation"),
        ("strategy", "Strategy"),
        ("programme", "Programme"),
        ("label_status", "Label or legal status"),
    ]
);

codes!(
    POLICY_EFFECTS,
    [
        ("enabler", "Enabler"),
        ("barrier", "Barrier"),
        ("mixed", "Mixed"),
    ]
);

codes!(
    LESSON_TYPES,
    [
        ("success_factor", "Success factor"),
        ("pitfall", "Pitfall"),
        ("barrier", "Barrier"),
        ("enabler", "Enabler"),
        ("method_tip", "Method tip"),
        ("policy_implication", "Policy implication"),
    ]
);

codes!(
    AUDIENCES,
    [
        ("managing_authority", "Managing authorities"),
        ("municipality", "Municipalities"),
        ("support_org", "Support organisations"),
        ("innovator", "Innovators"),
        ("ministry", "Ministries"),
        ("funder", "Funders"),
    ]
);

codes!(
    CONFIDENCE,
    [("low", "Low"), ("medium", "Medium"), ("high", "High")]
);

codes!(
    NCC_FUNCTIONS,
    [
        ("strategy_action_plan", "Joint strategy and action plan"),
        ("linking_stakeholders", "Linking stakeholders"),
        ("capacity_building", "Capacity building"),
        ("funding_guidance", "Guidance on ESF+ and other funds"),
        ("transnational_connection", "Transnational connection"),
    ]
);

codes!(
    ACTION_STATUSES,
    [
        ("planned", "Planned"),
        ("in_progress", "In progress"),
        ("done", "Done"),
        ("delayed", "Delayed"),
        ("cancelled", "Cancelled"),
    ]
);

codes!(
    CAPACITY_AREAS,
    [
        (
            "si_understanding",
            "Shared understanding of social innovation"
        ),
        ("funding_access", "Access to funding and finance"),
        ("impact_measurement", "Impact measurement and evidence"),
        ("scaling_replication", "Scaling and replication"),
        ("cross_sector_collaboration", "Cross-sector collaboration"),
        ("social_procurement", "Social procurement and commissioning"),
        ("policy_design", "Policy design and regulation"),
        (
            "entrepreneurial_skills",
            "Entrepreneurial and management skills"
        ),
        ("digital_skills", "Digital skills"),
        ("participation_codesign", "Participation and co-design"),
    ]
);

codes!(
    MENTORING_FORMATS,
    [
        ("site_visit", "Site visit"),
        ("study_visit", "Study visit"),
        ("online_session", "Online session"),
        ("workshop", "Workshop"),
        ("peer_review", "Peer review"),
    ]
);

codes!(
    READINESS,
    [
        ("not_ready", "Not ready"),
        ("conditional", "Ready under conditions"),
        ("ready", "Ready"),
    ]
);

codes!(
    PRIORITIES,
    [("high", "High"), ("medium", "Medium"), ("low", "Low")]
);

codes!(
    LAWFUL_BASES,
    [
        ("consent", "Art. 6(1)(a) consent"),
        ("contract", "Art. 6(1)(b) contract"),
        ("legal_obligation", "Art. 6(1)(c) legal obligation"),
        ("public_task", "Art. 6(1)(e) public task"),
        ("legitimate_interest", "Art. 6(1)(f) legitimate interests"),
    ]
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_is_non_empty_and_has_unique_codes() {
        for list in CodeList::ALL {
            let entries = list.entries();
            assert!(!entries.is_empty(), "{} is empty", list.name());
            let mut codes: Vec<_> = entries.iter().map(|c| c.code).collect();
            codes.sort_unstable();
            let before = codes.len();
            codes.dedup();
            assert_eq!(before, codes.len(), "{} has duplicate codes", list.name());
            assert_eq!(CodeList::from_name(list.name()), Some(*list));
        }
    }

    #[test]
    fn every_code_is_labelled_in_the_five_languages_and_every_label_row_names_a_code() {
        for (lang, text) in LABEL_LANGUAGES.iter().zip(LABEL_FILES) {
            for (list, code) in parse_translations(text).keys() {
                let known = CodeList::from_name(list).is_some_and(|l| l.contains(code));
                assert!(
                    known,
                    "{lang}.tsv labels `{list}` `{code}`, which is no code"
                );
            }
            for list in CodeList::ALL
                .iter()
                .filter(|l| !matches!(l, CodeList::Country | CodeList::Nuts))
            {
                for c in list.entries() {
                    let translated = translations(lang).and_then(|t| t.get(&(list.name(), c.code)));
                    assert!(
                        translated.is_some(),
                        "{lang}.tsv lacks `{}` `{}`",
                        list.name(),
                        c.code
                    );
                    if *lang != "en" {
                        assert!(
                            !translated.unwrap().label.is_empty(),
                            "{lang}: `{}` `{}` has no label",
                            list.name(),
                            c.code
                        );
                    }
                }
            }
        }
        assert_eq!(CodeList::Country.label_in("LV", "lv"), Some("Latvija"));
        assert_eq!(CodeList::Country.label_in("LV", "en"), Some("Latvia"));
        // A language without a label file, or a code without a row, falls back to English.
        assert_eq!(CodeList::Country.label_in("LV", "de"), Some("Latvia"));
        assert_eq!(CodeList::Country.label_in("JP", "lv"), Some("Japan"));
    }

    #[test]
    fn no_label_names_two_codes_of_one_list() {
        // NUTS names repeat across levels and versions by the official list: ranked instead.
        assert_eq!(CodeList::Nuts.code_for("Bretagne"), Ok(Some("FRH0")));
        assert_eq!(CodeList::Nuts.code_for("Kurzeme"), Ok(Some("LV00B")));
        let ambiguous: Vec<_> = name_index()
            .iter()
            .filter(|((list, _), n)| *list != CodeList::Nuts && n.labels.len() > 1)
            .map(|((list, name), n)| format!("{} `{name}`: {:?}", list.name(), n.labels))
            .collect();
        assert!(
            ambiguous.is_empty(),
            "labels naming two codes: {ambiguous:#?}"
        );
        // A search term shared by several codes is refused as such, naming them.
        let shared_term = name_index()
            .iter()
            .find(|(_, n)| n.labels.is_empty() && n.terms.len() > 1);
        if let Some(((list, name), n)) = shared_term {
            assert_eq!(list.code_for(name), Err(n.terms.clone()));
        }
    }

    #[test]
    fn a_label_in_any_language_names_its_code() {
        assert_eq!(CodeList::Nuts.code_for("Latgale"), Ok(Some("LV005")));
        assert_eq!(
            CodeList::AccessLevel.code_for("konsorcijs"),
            Ok(Some("consortium"))
        );
        assert_eq!(
            CodeList::Theme.code_for("housing_homelessness"),
            Ok(Some("housing_homelessness"))
        );
        assert_eq!(CodeList::Country.code_for("Spānija"), Ok(Some("ES")));
        assert_eq!(CodeList::Country.code_for("  spain "), Ok(Some("ES")));
        assert_eq!(
            CodeList::TargetGroup.code_for("bezpajumtnieki"),
            Ok(Some("homeless"))
        );
        assert_eq!(CodeList::Theme.code_for("no such theme"), Ok(None));
    }

    #[test]
    fn the_words_staff_type_name_the_codes_they_mean() {
        let finds = |list: CodeList, code: &str, lang: &str, words: &str| {
            let texts = list.search_texts(code);
            let hit = texts
                .iter()
                .any(|(l, t)| *l == lang && t.to_lowercase().contains(words));
            assert!(
                hit,
                "`{words}` ({lang}) does not name {} {code}: {texts:?}",
                list.name()
            );
        };
        finds(CodeList::TargetGroup, "homeless", "es", "sin hogar");
        finds(CodeList::TargetGroup, "homeless", "lv", "bezpajumtnieki");
        finds(
            CodeList::Theme,
            "social_services_care",
            "es",
            "cuidados comunitarios",
        );
        finds(
            CodeList::TargetGroup,
            "older_people",
            "es",
            "personas mayores",
        );
        finds(
            CodeList::TargetGroup,
            "people_living_alone",
            "es",
            "soledad",
        );
        finds(
            CodeList::TargetGroup,
            "people_with_disabilities",
            "es",
            "discapacidad",
        );
    }

    #[test]
    fn countries_are_the_full_iso_list() {
        assert_eq!(CodeList::Country.entries().len(), 249);
        assert_eq!(CodeList::Country.label("LV"), Some("Latvia"));
        assert!(!CodeList::Country.contains("EL"), "EL is NUTS, not ISO");
    }

    #[test]
    fn nuts_covers_partner_countries_to_level_3() {
        for (country, n3) in [("ES", 59), ("FR", 101), ("SE", 21), ("LV", 6)] {
            let level3 = nuts_regions()
                .iter()
                .filter(|r| {
                    r.code.starts_with(country)
                        && r.level == 3
                        && r.version == 2021
                        && !r.code.ends_with("ZZZ")
                })
                .count();
            assert_eq!(level3, n3, "level-3 regions of {country}");
        }
        let latgale = nuts_region("LV005").expect("Latgale");
        assert_eq!((latgale.level, latgale.name), (3, "Latgale"));
        // Every region's parent (its code minus the last character) exists.
        for r in nuts_regions().iter().filter(|r| r.level > 0) {
            let parent = &r.code[..r.code.len() - 1];
            assert!(nuts_region(parent).is_some(), "parent of {}", r.code);
        }
    }

    #[test]
    fn esf_objectives_run_from_4_1_to_4_13() {
        let codes: Vec<_> = CodeList::EsfObjective
            .entries()
            .iter()
            .map(|c| c.code)
            .collect();
        let expected: Vec<String> = (1..=13).map(|n| format!("ESO4.{n}")).collect();
        assert_eq!(codes, expected);
        assert_eq!(CodeList::Sdg.entries().len(), 17);
    }
}
