### sicc staff UI — English (the reference: every other file has exactly these messages).
### Translators: keep the message ids (left of "=") and the { $variables }; change the text.
### A group "## review: …" marks machine-assisted messages awaiting a native speaker's check.

## Layout
skip-to-content = Skip to content
nav-main = Main
nav-search = Search
nav-new = What is new
nav-catalogs = Catalogues
nav-peers = Peers
nav-api = API
nav-create = New record
nav-import = Import
log-out = Log out
language-switch = Language
live-reload = Reload
live-entry-arrived = A shared entry arrived.
live-entry-changed = A shared entry changed.
live-entry-removed = A shared entry was removed.
live-peer-up = A partner node connected.
live-peer-down = A partner node disconnected.

## Search page
search-title = Find practices
search-filters = Filters
search-apply-filters = Apply filters
search-clear-filters = Clear filters
search-label = Search in any language (es, fr, sv, lv, en)
search-placeholder = e.g. aprūpe mājās, vivienda, hemtjänst, home care
search-order = Order:
search-best-match = best match
search-newest = newest
search-button = Search
search-no-results = Nothing matches. Remove a filter or try other words: labels of themes and target groups match in all five languages.
search-download-csv = Download the records of the ticked filters (CSV, with labels)
records-count = { $count ->
    [one] { $n } record
   *[other] { $n } records
}
this-node = this node
shared-by = shared by { $name }
updated-on = updated { $date }
page-previous = ← Previous
page-next = Next →
nav-pages = Pages
facet-kind = Kind of record
facet-country = Country
facet-nuts = Region (NUTS)
facet-theme = Theme
facet-target_group = Target group
facet-esf_objective = ESF+ objective
facet-sdg = Sustainable Development Goal
facet-stage = Stage
facet-evidence_level = Evidence level
facet-origin = Held by
facet-catalog = Catalogue
facet-language = Language of the text
facet-open_to_transfer = Open to transfer
facet-validation_status = Validation status
facet-swot_dimension = Ecosystem dimension
facet-swot_polarity = Strength, weakness…
facet-initiative_status = Status of the initiative
facet-replication_status = Stage of the replication
facet-action_status = Status of the action
facet-scope = Level of action
facet-funding_source = Funding source
facet-support_tool_type = Type of support tool
facet-process_element = Process element
facet-ncc_function = Competence-centre function
facet-more = { $count } more values

## Record page
record-shared-by = Shared by { $name } through the catalogue { $catalog }
record-access = Access: { $access }
record-status = Status: { $status }
record-in-language = in { $language }
record-details = Details
record-links = Links
record-classification = Classification
record-referenced-by = Referenced by
record-referenced-none = No other record on this node refers to it.
record-no-longer-shared = no longer shared
record-link-shared = shared by { $name }
record-annotations = Annotations by members
record-history = History
history-when = When
history-author = Author
history-change = Change
history-who = Who
history-what = What
history-revision = Revision
history-unknown = unknown
action-create = created
action-replace = edited
action-import = imported
action-delete = deleted
action-erase = erased
record-publish = Publish
record-catalogue = Catalogue
record-publish-button = Publish to partners
record-projection-note = Only the record's public projection is shared: never internal notes, contact people or founders' names.
record-local-note = This record is local (or personal data) and cannot be shared.
record-publish-needs-validation = Only validated records are published to partners. Submit this record for validation first.
record-published-in = Published in
record-unpublish = Unpublish
record-workflow = Validation
record-submit = Submit for validation
record-validate = Validate
record-return-to-draft = Return to draft
record-edit = Edit
record-yes = yes
record-no = no
quarantined-notice = Quarantined: this record, shared by { $origin } through the catalogue { $catalog }, does not validate on this node.
quarantined-why = Why: { $problem }
quarantined-explained = It is kept as it arrived, and left out of lists and search until it validates — after an update of this node's code lists, or a corrected record from its owner. The peers page counts quarantined entries per partner.

## Notices after an action
done-published = Published: partners subscribed to the catalogue receive it now.
done-unpublished = Unpublished: partners remove it on their next sync.
done-subscribed = Subscription requested: entries arrive once the owner grants it.
done-subscription-granted = Subscription granted: the owner is sending the catalogue's entries now.
done-subscription-refused = Subscription refused by the owner: no entries will arrive.
done-unsubscribed = Unsubscribed: the catalogue's entries were removed from this node.
done-granted = Access granted.
done-refused = Access withdrawn or request refused.
done-session-ended = The session was ended.
done-submitted = Submitted for validation.
done-validated = Validated: it may now be published.
done-draft = Returned to draft.
done-saved = Saved.
done-created = Created.
done-password-changed = Password changed.
done-deleted = Deleted.
done-replication-started = Replication case opened here as a draft; the originating centre was told through the federation.
done-replication-started-untold = Replication case opened here as a draft. The originating centre could not be told, most often because this node needs the writer role in its catalogue (ask the centre to grant it); the node's log says why.
done-replication-exists = This initiative already has a replication case on this node: here it is.

## Catalogues page
catalogs-title = Catalogues
catalogs-catalogue = Catalogue
catalogs-owner = Owner
catalogs-role = Role
catalogs-entries = Entries
catalogs-action = Action
catalogs-unsubscribe = Unsubscribe
catalogs-subscribe = Subscribe
catalogs-requests = Requests to subscribe to this node's catalogues
catalogs-none = None.
catalogs-member = Member
catalogs-status = Status
catalogs-grant = Grant
catalogs-refuse = Refuse
relation-owner = owner
relation-subscriber = subscriber
relation-requested = requested
relation-offered = offered
relation-member = member
subscription-pending = waiting for the owner
subscription-granted = granted
subscription-refused = refused

## Peers page
peers-title = Peers
peers-member = Member
peers-country = Country
peers-connected = Connected
peers-last-sync = Last sync
peers-behind = Documents behind
peers-quarantined = Quarantined
peers-never = never
peers-quarantined-title = Quarantined entries
peers-quarantined-explained = Shared by partners but not valid on this node (an unknown code, a newer schema). They are kept, and left out of lists and search until they validate.
peers-rejected = Rejected changes

## What is new
new-title = What is new
new-since = Since your last visit ({ $date }).
new-first-visit = Your first visit: everything on this node.
new-theme = Theme
new-country = Country
new-any = any
new-narrow = Narrow
new-shared = Shared by partners ({ $n })
new-local = On this node ({ $n })

## Editing
edit-title-new = New record
edit-title-edit = Edit: { $title }
edit-choose-kind = What do you want to record?
edit-kind = Kind of record
edit-continue = Continue
edit-save = Save
edit-cancel = Cancel
edit-required = required
edit-problems = The record was not saved: { $count ->
    [one] one problem
   *[other] { $count } problems
} below.
edit-none = (none)
edit-id-hint = Lowercase letters a-z, digits and - _ . (e.g. lv-home-care); left empty, the node makes one.
edit-links-hint = Identifiers of records on this node or shared with it, one per line.
edit-lines-hint = One per line.
edit-codes-hint = Hold Ctrl (⌘ on a Mac) to choose several.
edit-conflict-title = Someone else saved this record first
edit-conflict-explained = While you were editing, revision { $theirs } was saved (you started from revision { $yours }). Your changes were not saved. Below are the values now stored; your text is kept in the form so that you can copy it.
edit-conflict-reload = Open the current version
edit-conflict-stored = Stored now
edit-conflict-yours = Yours
edit-delete = Delete
edit-delete-blocked = It cannot be deleted while other records refer to it:
edit-deleted = Deleted.

## Import
import-title = Import a spreadsheet
import-explained = Upload a CSV or XLSX file with one record per row and a header row. Next you choose which field each column holds; codes may be written as labels in any of the five languages (Latgale, konsorcijs, personas mayores). Nothing is stored before you have seen every problem of every row.
import-file = File (CSV or XLSX)
import-upload = Read the file
import-columns = Columns
import-column = Column in the file
import-example = First value
import-field = Field
import-ignore = (ignore this column)
import-preview = Check every row
import-summary = { $rows ->
    [one] { $rows } row
   *[other] { $rows } rows
}: { $ready } ready to import, { $problems } with problems.
import-line = Line
import-record = Record
import-problems = Problems
import-ok = ready
import-replaces = replaces the record stored under this id (fields the sheet lacks are emptied)
import-commit = { $ready ->
    [one] Import the row without problems
   *[other] Import the { $ready } rows without problems
}
import-done = { $imported ->
    [one] { $imported } record imported
   *[other] { $imported } records imported
}, { $refused ->
    [one] { $refused } row not imported
   *[other] { $refused } rows not imported
}.
import-another = Import another file
import-unreadable = The file is not a CSV or XLSX table we can read: { $why }
import-empty = The file has no header row.
import-too-many-rows = The file has { $rows } rows; one import takes at most { $max }: split it.
import-too-many-columns = The file has { $columns } columns; a record has at most { $max }.
import-no-code = `{ $value }` is no code or label of { $list }, in any of the five languages
import-ambiguous = `{ $value }` could mean several codes ({ $codes }): write the code
import-not-a-number = `{ $value }` is not a whole number
import-not-yes-no = `{ $value }` is not yes or no


## Problems of a record (the API says them in English)
problem-required = required field is missing
problem-integer = must be a whole number
problem-one-language = must hold at least one language
problem-one-code = must hold at least one code
problem-self-link = a record cannot link to itself
problem-empty = must not be empty
problem-title-original = the title must be given in the original language ({ $language })
problem-unknown-code = `{ $value }` is not in the code list
problem-link-missing = links to `{ $id }`, which does not exist here
problem-link-kind = links to `{ $id }`, a record of another kind ({ $kind })
problem-too-long = is { $n } characters long; the limit is { $max }
problem-url = `{ $value }` is not a web address (http or https)
problem-email = `{ $value }` is not an e-mail address
problem-date = `{ $value }` is not a date (YYYY-MM-DD)
problem-twice = `{ $value }` is listed twice
problem-before = must not be before { $field }
problem-region = the region { $region } is not in the record's countries
problem-range = { $n } is outside { $min }–{ $max }
## Errors
error-title = Something went wrong
error-back = Back to the search
error-code = Error code: { $code }

## Log in and account
login-title = Log in
login-name = User name
login-password = Password
login-button = Log in
login-accounts-note = Accounts are created by the node's administrator
account-title = Your account
account-signed-in = Signed in as { $name }.
account-sessions = Sessions
account-opened = Opened
account-ends = Ends
account-browser = Browser
account-end = End
account-this-session = this session
account-change-password = Change password
account-current-password = Current password
account-new-password = New password (at least { $n } characters)
account-password-note = Changing the password ends every session, this one included.
account-language = Language of the pages
account-language-browser = The browser's language
account-save-language = Save

## Work packages at a glance
nav-overview = Overview
nav-replication = Replication
nav-priorities = Priorities
nav-action-plan = Action plans
nav-reports = Reports
wp-all-countries = All four countries
wp-country-switch = Country
wp-download = Download
wp-download-csv = CSV
wp-download-xlsx = Excel (XLSX)
wp-nothing-yet = Nothing recorded yet.
wp-print-note = For a funder's report, print this page (the print layout leaves out navigation and buttons) or download the tables:
wp-truncated = Only the first { $n } records are counted on this page.
overview-title = Ecosystem overview
overview-intro = Strengths and weaknesses by ecosystem dimension, where the initiatives run and what they address: this node's records and those partners share.
overview-swot = SWOT matrix
overview-swot-caption = Ecosystem items by dimension and country. Each figure links to the items it counts.
overview-swot-dimension = Dimension
overview-map = Initiatives by region
overview-map-title = Initiatives per NUTS region
overview-map-desc = A map of { $regions } regions: the darker a region, the more initiatives run there. Each region links to its initiatives; the table below gives the same figures.
overview-map-region = { $name }: { $count ->
    [one] { $count } initiative
   *[other] { $count } initiatives
}
overview-map-legend = Initiatives
overview-map-none = none
overview-map-attribution = © EuroGeographics for the administrative boundaries. Source: Eurostat GISCO, NUTS 2024, 1:20 million.
overview-map-table = Regions with initiatives
overview-region = Region
overview-count = Initiatives
overview-count-items = Items
overview-unplaced = { $count ->
    [one] One initiative names no region of this map (only a country, or a code of an older NUTS version such as Latvia's 2021 codes):
   *[other] { $count } initiatives name no region of this map (only a country, or a code of an older NUTS version such as Latvia's 2021 codes):
}
overview-unplaced-row = not on the map
overview-themes = Initiatives by theme
overview-themes-desc = The number of initiatives per theme, most first. An initiative with several themes counts once in each.
overview-target-groups = Initiatives by target group
overview-target-groups-desc = The number of initiatives per target group, most first. An initiative with several target groups counts once in each.
replication-title = Replication pipeline
replication-intro = Replication cases from first interest to scale, with the time in their stage, their readiness and the mentoring held. To start one, open a partner's initiative and choose "Consider for replication".
replication-days = { $days ->
    [one] { $days } day in this stage
   *[other] { $days } days in this stage
}
replication-readiness = Readiness: { $readiness }
replication-no-assessment = No readiness assessment yet
replication-sessions = { $count ->
    [one] { $count } mentoring session held
   *[other] { $count } mentoring sessions held
}
replication-empty-stage = No case in this stage.
replication-case-title = Replication of { $title }
consider-title = Consider for replication
consider-intro = Opens a replication case on this node, linked to this initiative, as a draft to complete here, and tells { $name } that you are considering it.
consider-button = Consider for replication
readiness-title = Readiness for replication
readiness-rule = Not ready when an essential criterion (need in the target context, a committed adopter, legal fit, a funding path) scores 0 or the mean is below 1.5; ready when every criterion scores 2 or more; otherwise ready under conditions.
readiness-criterion = Criterion
readiness-score = Score
readiness-note = Evidence
readiness-source = Source
priorities-title = Capacity-building priorities
priorities-intro = The four countries' capacity-building priorities side by side, by area. Areas that three or more countries share are marked, with the tools and methods that address them.
priorities-area = Area
priorities-tools = Tools and methods that address it
priorities-shared = Shared by { $count } countries
priorities-no-area = No area given
actions-title = Action-plan progress
actions-intro = The items of the national action plans by competence-centre function and status, those behind schedule, their indicators, and the weaknesses no action addresses yet.
actions-by-function = Action items by function and status
actions-function = Function
actions-no-function = No function given
actions-total = Total
actions-overdue = Behind schedule
actions-none-overdue = No item is behind schedule.
actions-overdue-days = { $days ->
    [one] { $days } day past its planned end
   *[other] { $days } days past its planned end
}
actions-kpis = Indicators
actions-item = Action
actions-kpi = Indicator
actions-actual = Reached
actions-target = Target
actions-progress = Progress
actions-unaddressed = Weaknesses no action addresses yet
actions-all-addressed = Every weakness and barrier has an action that addresses it.
reports-title = Reports
reports-intro = The tables of the overview, the replication pipeline, the priorities and the action plans, with labels in your language, for funders' reports. Any page prints without navigation and buttons.
reports-report = Report
reports-esim-note = The European Social Innovation Match export holds this node's own validated initiatives whose access level is public, in SIM's case layout and in English as SIM requires (a text with no English version keeps its language, named in brackets); each partner submits its own. docs/work-packages.md maps each column to its fields.
report-swot = SWOT matrix: items by dimension, country and polarity
report-regions = Initiatives per NUTS region
report-themes = Initiatives by theme
report-target-groups = Initiatives by target group
report-replication = Replication cases with stage, days in stage, readiness and mentoring
report-priorities = Capacity-building priorities by area and country
report-actions = Action items with status, schedule and indicators
report-esim = Validated initiatives for the European Social Innovation Match
report-days-in-stage = Days in stage
report-readiness = Readiness
report-sessions-held = Mentoring sessions held
report-countries-sharing = Countries
report-days-overdue = Days behind schedule
record-partner-notes = Notes from partners
wp-label-count = { $label }: { $count }
wp-percent = { $percent } %
readiness-score-of = { $score } / 3

## Field names of records (one per field of the schema)
field-id = Identifier
field-kind = Kind of record
field-revision = Revision
field-created_at = Created
field-updated_at = Updated
field-access_level = Access
field-validation_status = Validation status
field-licence = Licence
field-original_lang = Original language
field-sources = Sources
field-internal_notes = Internal notes
field-name = Name
field-acronym = Acronym
field-country = Country
field-nuts = Regions (NUTS)
field-city = City
field-website = Website
field-org_type = Type of organisation
field-legal_form = Legal form
field-social_enterprise_status = Social-enterprise status
field-ecosystem_roles = Ecosystem roles
field-themes = Themes
field-description = Description
field-founded_year = Founded year
field-functional_contact = Functional mailbox
field-title = Title
field-status = Status
field-start_year = Start year
field-end_year = End year
field-countries = Countries
field-scope = Scope
field-urban_rural = Urban or rural
field-lead_org = Lead organisation
field-partner_orgs = Partner organisations
field-founder_names = Founders
field-summary = Summary
field-problem = Problem
field-solution = Solution
field-activities = Activities
field-target_groups = Target groups
field-beneficiaries_reached = Beneficiaries reached
field-esf_objectives = ESF+ objectives
field-sdgs = Sustainable Development Goals
field-innovation_type = Innovation type
field-stage = Stage
field-evidence_level = Evidence level
field-evaluation_methods = Evaluation methods
field-results = Results
field-funding_sources = Funding sources
field-business_model = Business model
field-cost_per_unit = Cost per unit
field-open_to_transfer = Open to transfer
field-transferability = Transferability
field-resources_needed = Resources needed
field-core_elements = Core elements
field-adaptable_elements = Adaptable elements
field-difficulties = Difficulties
field-policy_links = Related policies
field-mapped_in = Mapped in
field-policy_type = Policy type
field-date_adopted = Date adopted
field-in_force_from = In force from
field-in_force = In force
field-effect_on_si = Effect on social innovation
field-related_initiatives = Related initiatives
field-funder_org = Funding organisation
field-funding_source = Funding source
field-programme = Programme
field-open_from = Open from
field-open_until = Open until
field-budget_eur = Budget (EUR)
field-grant_min_eur = Smallest grant (EUR)
field-grant_max_eur = Largest grant (EUR)
field-eligibility = Eligibility
field-provider_org = Provider organisation
field-tool_type = Tool type
field-process_elements = Process elements
field-levels = Levels
field-audiences = Audiences
field-cost = Cost
field-statement = Statement
field-dimension = Dimension
field-polarity = Polarity
field-evidence = Evidence
field-assessment = Assessment
field-year = Year
field-priority = Priority
field-lesson_type = Lesson type
field-about = About
field-context = Context
field-recommendation = Recommendation
field-confidence = Confidence
field-origin_initiative = Initiative replicated
field-origin_country = Origin country
field-origin_nuts = Regions of origin (NUTS)
field-target_country = Target country
field-target_nuts = Target regions (NUTS)
field-target_place = Target place
field-originator_org = Originating organisation
field-adopter_orgs = Adopter organisations
field-scaling_type = Scaling type
field-strategy = Strategy
field-rationale = Rationale
field-context_differences = Differences of context
field-lessons = Lessons
field-audience = Audience
field-need = Need
field-priority_rank = Priority rank
field-related_tools = Related tools
field-objective = Objective
field-ncc_function = Competence-centre function
field-responsible_org = Responsible organisation
field-start_date = Start date
field-end_date = End date
field-kpi = Key performance indicator
field-addresses = Addresses
field-role_title = Role
field-organisation = Organisation
field-email = E-mail
field-phone = Phone
field-languages = Languages
field-lawful_basis = Lawful basis
field-source_of_data = Source of the data
field-review_due = Review due
field-status_since = In this status since
field-area = Area
field-kpi_target = Indicator target
field-kpi_actual = Indicator reached
field-replication_case = Replication case
field-assessed_on = Assessed on
field-assessor_org = Assessed by
field-need_in_target = Need in the target context
field-evidence_of_impact = Evidence of impact
field-model_documented = Model documented
field-core_vs_adaptable_defined = Core and adaptable elements defined
field-originator_capacity = Originator's capacity to support
field-adopter_identified_and_committed = Adopter identified and committed
field-local_demand_stakeholders = Local demand and endorsement
field-legal_regulatory_fit = Legal and regulatory fit
field-funding_path = Funding path
field-cost_per_unit_known = Cost per unit known
field-language_cultural_adaptation_needs = Language and cultural adaptation
field-ip_licence_terms = Licence terms
field-risks = Risks
field-need_in_target_note = Evidence: { field-need_in_target }
field-need_in_target_source = Source: { field-need_in_target }
field-evidence_of_impact_note = Evidence: { field-evidence_of_impact }
field-evidence_of_impact_source = Source: { field-evidence_of_impact }
field-model_documented_note = Evidence: { field-model_documented }
field-model_documented_source = Source: { field-model_documented }
field-core_vs_adaptable_defined_note = Evidence: { field-core_vs_adaptable_defined }
field-core_vs_adaptable_defined_source = Source: { field-core_vs_adaptable_defined }
field-originator_capacity_note = Evidence: { field-originator_capacity }
field-originator_capacity_source = Source: { field-originator_capacity }
field-adopter_identified_and_committed_note = Evidence: { field-adopter_identified_and_committed }
field-adopter_identified_and_committed_source = Source: { field-adopter_identified_and_committed }
field-local_demand_stakeholders_note = Evidence: { field-local_demand_stakeholders }
field-local_demand_stakeholders_source = Source: { field-local_demand_stakeholders }
field-legal_regulatory_fit_note = Evidence: { field-legal_regulatory_fit }
field-legal_regulatory_fit_source = Source: { field-legal_regulatory_fit }
field-funding_path_note = Evidence: { field-funding_path }
field-funding_path_source = Source: { field-funding_path }
field-cost_per_unit_known_note = Evidence: { field-cost_per_unit_known }
field-cost_per_unit_known_source = Source: { field-cost_per_unit_known }
field-language_cultural_adaptation_needs_note = Evidence: { field-language_cultural_adaptation_needs }
field-language_cultural_adaptation_needs_source = Source: { field-language_cultural_adaptation_needs }
field-ip_licence_terms_note = Evidence: { field-ip_licence_terms }
field-ip_licence_terms_source = Source: { field-ip_licence_terms }
field-risks_note = Evidence: { field-risks }
field-risks_source = Source: { field-risks }
field-recommended_strategy = Recommended strategy
field-date = Date
field-format = Format
field-mentor_org = Mentoring organisation
field-adopter_org = Adopting organisation
field-topics = Topics
field-outcomes = Outcomes
field-next_steps = Next steps
field-participant_count = Participants
field-participants = Names of participants
field-contact_person = Contact person

## Kinds of record
kind-organisation = Organisation
kind-initiative = Initiative
kind-policy_instrument = Policy instrument
kind-funding_instrument = Funding instrument
kind-support_tool = Support tool
kind-ecosystem_item = Ecosystem (SWOT) item
kind-lesson = Lesson learned
kind-replication_case = Replication case
kind-capacity_priority = Capacity-building priority
kind-action_item = Action item
kind-person = Person
kind-readiness_assessment = Readiness assessment
kind-mentoring_session = Mentoring session
