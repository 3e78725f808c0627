### sicc staff UI — Latvian. Machine-assisted translation of en.ftl.
### Translators: keep the message ids and { $variables }; change the text. Remove "review: " from a group heading once its messages are checked.

## review: Lapas izkārtojums
skip-to-content = Pāriet uz saturu
nav-main = Galvenā izvēlne
nav-search = Meklēt
nav-new = Jaunumi
nav-catalogs = Katalogi
nav-peers = Partneri
nav-api = API
nav-create = Jauns ieraksts
nav-import = Importēt
log-out = Iziet
language-switch = Valoda
live-reload = Pārlādēt
live-entry-arrived = Saņemts kopīgots ieraksts.
live-entry-changed = Kopīgots ieraksts ir mainīts.
live-entry-removed = Kopīgots ieraksts ir noņemts.
live-peer-up = Pievienojās partnera mezgls.
live-peer-down = Partnera mezgls atvienojās.

## review: Meklēšanas lapa
search-title = Meklēt prakses
search-filters = Filtri
search-apply-filters = Lietot filtrus
search-clear-filters = Notīrīt filtrus
search-label = Meklēšana jebkurā valodā (es, fr, sv, lv, en)
search-placeholder = piem., aprūpe mājās, vivienda, hemtjänst, home care
search-order = Kārtot:
search-best-match = pēc atbilstības
search-newest = jaunākie vispirms
search-button = Meklēt
search-no-results = Nekas netika atrasts. Noņemiet kādu filtru vai izmēģiniet citus vārdus: tēmu un mērķgrupu nosaukumi tiek atpazīti visās piecās valodās.
search-download-csv = Lejupielādēt atzīmēto filtru ierakstus (CSV ar nosaukumiem)
records-count = { $count ->
    [zero] { $n } ierakstu
    [one] { $n } ieraksts
   *[other] { $n } ieraksti
}
this-node = šis mezgls
shared-by = kopīgoja { $name }
updated-on = atjaunināts { $date }
page-previous = ← Iepriekšējā
page-next = Nākamā →
nav-pages = Lapas
facet-kind = Ieraksta veids
facet-country = Valsts
facet-nuts = Reģions (NUTS)
facet-theme = Tēma
facet-target_group = Mērķgrupa
facet-esf_objective = ESF+ mērķis
facet-sdg = Ilgtspējīgas attīstības mērķis
facet-stage = Attīstības posms
facet-evidence_level = Pierādījumu līmenis
facet-origin = Glabātājs
facet-catalog = Katalogs
facet-language = Teksta valoda
facet-open_to_transfer = Pieejams pārņemšanai
facet-validation_status = Validācijas statuss
facet-swot_dimension = Ekosistēmas dimensija
facet-swot_polarity = Stiprā puse, vājā puse…
facet-initiative_status = Iniciatīvas statuss
facet-replication_status = Replicēšanas posms
facet-action_status = Darbības statuss
facet-scope = Darbības līmenis
facet-funding_source = Finansējuma avots
facet-support_tool_type = Atbalsta rīka veids
facet-process_element = Procesa elements
facet-ncc_function = Kompetenču centra funkcija
facet-more = { $count ->
    [zero] vēl { $count } vērtību
    [one] vēl { $count } vērtība
   *[other] vēl { $count } vērtības
}

## review: Ieraksta lapa
record-shared-by = Kopīgoja { $name } katalogā { $catalog }
record-access = Piekļuve: { $access }
record-status = Statuss: { $status }
record-in-language = valoda: { $language }
record-details = Informācija
record-links = Saites
record-classification = Klasifikācija
record-referenced-by = Uz šo ierakstu atsaucas
record-referenced-none = Neviens cits šī mezgla ieraksts uz to neatsaucas.
record-no-longer-shared = vairs netiek kopīgots
record-link-shared = kopīgoja { $name }
record-annotations = Dalībnieku anotācijas
record-history = Vēsture
history-when = Kad
history-author = Autors
history-change = Izmaiņas
history-who = Kas
history-what = Kas mainīts
history-revision = Versija
history-unknown = nezināms
action-create = izveidots
action-replace = rediģēts
action-import = importēts
action-delete = dzēsts
action-erase = izdzēsts neatgriezeniski
record-publish = Publicēt
record-catalogue = Katalogs
record-publish-button = Publicēt partneriem
record-projection-note = Tiek kopīgota tikai ieraksta publiskā versija: nekad netiek kopīgotas iekšējās piezīmes, kontaktpersonas vai dibinātāju vārdi.
record-local-note = Šis ieraksts ir lokāls (vai satur personas datus), un to nevar kopīgot.
record-publish-needs-validation = Partneriem tiek publicēti tikai validēti ieraksti. Vispirms iesniedziet šo ierakstu validācijai.
record-published-in = Publicēts katalogos
record-unpublish = Atcelt publicēšanu
record-workflow = Validācija
record-submit = Iesniegt validācijai
record-validate = Validēt
record-return-to-draft = Atgriezt melnrakstā
record-edit = Rediģēt
record-yes = jā
record-no = nē
quarantined-notice = Karantīnā: šis ieraksts, ko { $origin } kopīgoja katalogā { $catalog }, šajā mezglā neiztur validāciju.
quarantined-why = Iemesls: { $problem }
quarantined-explained = Ieraksts tiek glabāts tāds, kāds tas saņemts, un netiek rādīts sarakstos un meklēšanas rezultātos, līdz tas iztur validāciju — pēc šī mezgla kodu sarakstu atjaunināšanas vai pēc tam, kad īpašnieks nosūtījis labotu ierakstu. Partneru lapā redzams karantīnā esošo ierakstu skaits katram partnerim.

## review: Paziņojumi pēc darbības
done-published = Publicēts: partneri, kas abonē katalogu, to saņem jau tagad.
done-unpublished = Publicēšana atcelta: partneri ierakstu noņems nākamajā sinhronizācijā.
done-subscribed = Abonēšana pieprasīta: ieraksti tiks saņemti, kad īpašnieks to atļaus.
done-unsubscribed = Abonēšana pārtraukta: kataloga ieraksti ir noņemti no šī mezgla.
done-granted = Piekļuve piešķirta.
done-refused = Piekļuve atsaukta vai pieprasījums noraidīts.
done-session-ended = Sesija ir beigta.
done-submitted = Iesniegts validācijai.
done-validated = Validēts: tagad ierakstu var publicēt.
done-draft = Atgriezts melnrakstā.
done-saved = Saglabāts.
done-created = Izveidots.
done-password-changed = Parole ir nomainīta.
done-deleted = Dzēsts.

## review: Katalogu lapa
catalogs-title = Katalogi
catalogs-catalogue = Katalogs
catalogs-owner = Īpašnieks
catalogs-role = Loma
catalogs-entries = Ieraksti
catalogs-action = Darbība
catalogs-unsubscribe = Pārtraukt abonēšanu
catalogs-subscribe = Abonēt
catalogs-requests = Pieprasījumi abonēt šī mezgla katalogus
catalogs-none = Nav.
catalogs-member = Dalībnieks
catalogs-status = Statuss
catalogs-grant = Piešķirt
catalogs-refuse = Noraidīt
relation-owner = īpašnieks
relation-subscriber = abonents
relation-requested = pieprasīts
relation-offered = piedāvāts
relation-member = dalībnieks
subscription-pending = gaida īpašnieka lēmumu
subscription-granted = piešķirta
subscription-refused = noraidīta

## review: Partneru lapa
peers-title = Partneri
peers-member = Dalībnieks
peers-country = Valsts
peers-connected = Savienots
peers-last-sync = Pēdējā sinhronizācija
peers-behind = Nesinhronizētie dokumenti
peers-quarantined = Karantīnā
peers-never = nekad
peers-quarantined-title = Ieraksti karantīnā
peers-quarantined-explained = Partneru kopīgoti ieraksti, kas šajā mezglā nav derīgi (nezināms kods, jaunāka shēma). Tie tiek glabāti un netiek rādīti sarakstos un meklēšanas rezultātos, līdz iztur validāciju.
peers-rejected = Noraidītās izmaiņas

## review: Jaunumi
new-title = Jaunumi
new-since = Kopš jūsu pēdējā apmeklējuma ({ $date }).
new-first-visit = Jūsu pirmais apmeklējums: viss šajā mezglā.
new-theme = Tēma
new-country = Valsts
new-any = visas
new-narrow = Sašaurināt
new-shared = Partneru kopīgotie ({ $n })
new-local = Šajā mezglā ({ $n })

## review: Rediģēšana
edit-title-new = Jauns ieraksts
edit-title-edit = Rediģēt: { $title }
edit-choose-kind = Ko vēlaties reģistrēt?
edit-kind = Ieraksta veids
edit-continue = Turpināt
edit-save = Saglabāt
edit-cancel = Atcelt
edit-required = obligāts
edit-problems = Ieraksts netika saglabāts: { $count ->
    [zero] { $count } problēmu
    [one] { $count } problēma
   *[other] { $count } problēmas
} (sk. zemāk).
edit-none = (nav)
edit-id-hint = Mazie burti a-z, cipari un - _ . (piem., lv-home-care); ja lauks ir tukšs, mezgls to izveido pats.
edit-links-hint = Šī mezgla vai ar to kopīgotu ierakstu identifikatori, katrs savā rindā.
edit-lines-hint = Katrs savā rindā.
edit-codes-hint = Lai izvēlētos vairākus, turiet nospiestu taustiņu Ctrl (Mac datorā — ⌘).
edit-conflict-title = Kāds cits šo ierakstu saglabāja pirms jums
edit-conflict-explained = Kamēr jūs rediģējāt, tika saglabāta versija Nr. { $theirs } (jūs sākāt no versijas Nr. { $yours }). Jūsu izmaiņas netika saglabātas. Zemāk redzamas pašlaik saglabātās vērtības; jūsu teksts ir saglabāts veidlapā, lai jūs to varētu nokopēt.
edit-conflict-reload = Atvērt pašreizējo versiju
edit-conflict-stored = Saglabātā versija
edit-conflict-yours = Jūsu versija
edit-delete = Dzēst
edit-delete-blocked = Ierakstu nevar dzēst, kamēr uz to atsaucas citi ieraksti:
edit-deleted = Dzēsts.

## review: Import
import-title = Importēt izklājlapu
import-explained = Augšupielādējiet CSV vai XLSX failu ar vienu ierakstu katrā rindā un virsrakstu rindu. Pēc tam izvēlieties, kuru lauku satur katra kolonna; kodus var rakstīt kā nosaukumus jebkurā no piecām valodām (Latgale, konsorcijs, personas mayores). Nekas netiek saglabāts, pirms esat redzējis visas visu rindu problēmas.
import-file = Fails (CSV vai XLSX)
import-upload = Nolasīt failu
import-columns = Kolonnas
import-column = Kolonna failā
import-example = Pirmā vērtība
import-field = Lauks
import-ignore = (neņemt vērā šo kolonnu)
import-preview = Pārbaudīt visas rindas
import-summary = Rindas: { $rows }; gatavas importēšanai: { $ready }; ar problēmām: { $problems }.
import-line = Rinda
import-record = Ieraksts
import-problems = Problēmas
import-ok = gatava
import-replaces = aizstāj ar šo identifikatoru saglabāto ierakstu (lauki, kuru lapā nav, tiek iztukšoti)
import-commit = Importēt rindas bez problēmām ({ $ready })
import-done = Importēti ieraksti: { $imported }; neimportētas rindas: { $refused }.
import-another = Importēt citu failu
import-unreadable = Fails nav nolasāma CSV vai XLSX tabula: { $why }
import-empty = Failā nav virsrakstu rindas.
import-too-many-rows = Rindu skaits failā: { $rows }; vienā importā — ne vairāk kā { $max }: sadaliet failu.
import-too-many-columns = Kolonnu skaits failā: { $columns }; ierakstam — ne vairāk kā { $max }.
import-no-code = `{ $value }` nav saraksta „{ $list }” kods vai nosaukums nevienā no piecām valodām
import-ambiguous = `{ $value }` var nozīmēt vairākus kodus ({ $codes }): ierakstiet kodu
import-not-a-number = `{ $value }` nav vesels skaitlis
import-not-yes-no = `{ $value }` nav „jā” vai „nē”


## review: Problems of a record
problem-required = trūkst obligātā lauka
problem-integer = jābūt veselam skaitlim
problem-one-language = jābūt vismaz vienai valodai
problem-one-code = jābūt vismaz vienam kodam
problem-self-link = ieraksts nevar saistīties ar sevi
problem-empty = nedrīkst būt tukšs
problem-title-original = nosaukums jānorāda oriģinālvalodā ({ $language })
problem-unknown-code = `{ $value }` nav kodu sarakstā
problem-link-missing = saite uz `{ $id }`, kas šeit nepastāv
problem-link-kind = saite uz `{ $id }`, cita veida ierakstu ({ $kind })
problem-too-long = garums: { $n } rakstzīmes; ierobežojums: { $max }
problem-url = `{ $value }` nav tīmekļa adrese (http vai https)
problem-email = `{ $value }` nav e-pasta adrese
problem-date = `{ $value }` nav datums (GGGG-MM-DD)
problem-twice = `{ $value }` norādīts divreiz
problem-before = nedrīkst būt pirms lauka „{ $field }”
problem-region = reģions { $region } nav ieraksta valstīs
problem-range = { $n } ir ārpus robežām { $min }–{ $max }
## review: Kļūdas
error-title = Radās kļūda
error-back = Atpakaļ uz meklēšanu
error-code = Kļūdas kods: { $code }

## review: Pieteikšanās un konts
login-title = Pieteikšanās
login-name = Lietotājvārds
login-password = Parole
login-button = Pieteikties
login-accounts-note = Kontus izveido mezgla administrators
account-title = Mans konts
account-signed-in = Pašreizējais lietotājs: { $name }.
account-sessions = Sesijas
account-opened = Sākta
account-ends = Beidzas
account-browser = Pārlūkprogramma
account-end = Beigt
account-this-session = šī sesija
account-change-password = Mainīt paroli
account-current-password = Pašreizējā parole
account-new-password = Jaunā parole (rakstzīmju skaits — vismaz { $n })
account-password-note = Mainot paroli, tiek beigtas visas sesijas, arī šī.
account-language = Saskarnes valoda
account-language-browser = Pārlūka valoda
account-save-language = Saglabāt

## review: Ierakstu lauku nosaukumi (pa vienam katram shēmas laukam)
field-id = Identifikators
field-kind = Ieraksta veids
field-revision = Versija
field-created_at = Izveidots
field-updated_at = Atjaunināts
field-access_level = Piekļuve
field-validation_status = Validācijas statuss
field-licence = Licence
field-original_lang = Oriģinālvaloda
field-sources = Avoti
field-internal_notes = Iekšējās piezīmes
field-name = Nosaukums
field-acronym = Saīsinājums
field-country = Valsts
field-nuts = Reģioni (NUTS)
field-city = Pilsēta
field-website = Tīmekļvietne
field-org_type = Organizācijas veids
field-legal_form = Juridiskā forma
field-social_enterprise_status = Sociālā uzņēmuma statuss
field-ecosystem_roles = Lomas ekosistēmā
field-themes = Tēmas
field-description = Apraksts
field-founded_year = Dibināšanas gads
field-functional_contact = Funkcionālā e-pasta adrese
field-title = Nosaukums
field-status = Statuss
field-start_year = Sākuma gads
field-end_year = Beigu gads
field-countries = Valstis
field-scope = Darbības līmenis
field-urban_rural = Pilsēta vai lauki
field-lead_org = Vadošā organizācija
field-partner_orgs = Partnerorganizācijas
field-contact_person = Kontaktpersona
field-founder_names = Dibinātāji
field-summary = Kopsavilkums
field-problem = Problēma
field-solution = Risinājums
field-activities = Aktivitātes
field-target_groups = Mērķgrupas
field-beneficiaries_reached = Sasniegto personu skaits
field-esf_objectives = ESF+ mērķi
field-sdgs = Ilgtspējīgas attīstības mērķi
field-innovation_type = Inovācijas veids
field-stage = Attīstības posms
field-evidence_level = Pierādījumu līmenis
field-evaluation_methods = Izvērtēšanas metodes
field-results = Rezultāti
field-funding_sources = Finansējuma avoti
field-business_model = Biznesa modelis
field-cost_per_unit = Vienības izmaksas
field-open_to_transfer = Pieejams pārņemšanai
field-transferability = Pārņemamība
field-resources_needed = Nepieciešamie resursi
field-core_elements = Pamatelementi
field-adaptable_elements = Pielāgojamie elementi
field-difficulties = Grūtības
field-policy_links = Saistītās politikas
field-mapped_in = Kartēšana
field-policy_type = Politikas veids
field-date_adopted = Pieņemšanas datums
field-in_force_from = Spēkā no
field-in_force = Spēkā
field-effect_on_si = Ietekme uz sociālo inovāciju
field-related_initiatives = Saistītās iniciatīvas
field-funder_org = Finansētājs
field-funding_source = Finansējuma avots
field-programme = Programma
field-open_from = Pieteikšanās sākums
field-open_until = Pieteikšanās beigas
field-budget_eur = Budžets (EUR)
field-grant_min_eur = Mazākais finansējums (EUR)
field-grant_max_eur = Lielākais finansējums (EUR)
field-eligibility = Atbilstības nosacījumi
field-provider_org = Nodrošinātājs
field-tool_type = Rīka veids
field-process_elements = Procesa elementi
field-levels = Līmeņi
field-audiences = Mērķauditorijas
field-cost = Izmaksas
field-statement = Formulējums
field-dimension = Dimensija
field-polarity = Polaritāte
field-evidence = Pierādījumi
field-assessment = Izvērtējums
field-year = Gads
field-priority = Prioritāte
field-lesson_type = Atziņas veids
field-about = Attiecas uz
field-context = Konteksts
field-recommendation = Ieteikums
field-confidence = Ticamība
field-origin_initiative = Replicētā iniciatīva
field-origin_country = Izcelsmes valsts
field-origin_nuts = Izcelsmes reģioni (NUTS)
field-target_country = Mērķa valsts
field-target_nuts = Mērķa reģioni (NUTS)
field-target_place = Mērķa vieta
field-originator_org = Izcelsmes organizācija
field-adopter_orgs = Pārņēmējas organizācijas
field-scaling_type = Mērogošanas veids
field-strategy = Stratēģija
field-rationale = Pamatojums
field-context_differences = Konteksta atšķirības
field-lessons = Gūtās atziņas
field-audience = Mērķauditorija
field-need = Vajadzība
field-priority_rank = Prioritātes vieta
field-related_tools = Saistītie rīki
field-objective = Mērķis
field-ncc_function = Kompetenču centra funkcija
field-responsible_org = Atbildīgā organizācija
field-start_date = Sākuma datums
field-end_date = Beigu datums
field-kpi = Galvenais darbības rādītājs
field-addresses = Risina
field-role_title = Amats
field-organisation = Organizācija
field-email = E-pasts
field-phone = Tālrunis
field-languages = Valodas
field-lawful_basis = Tiesiskais pamats
field-source_of_data = Datu avots
field-review_due = Pārskatīšanas termiņš

## review: Ierakstu veidi
kind-organisation = Organizācija
kind-initiative = Iniciatīva
kind-policy_instrument = Politikas instruments
kind-funding_instrument = Finansēšanas instruments
kind-support_tool = Atbalsta rīks
kind-ecosystem_item = Ekosistēmas elements (SVID)
kind-lesson = Gūtā atziņa
kind-replication_case = Replicēšanas gadījums
kind-capacity_priority = Kapacitātes stiprināšanas prioritāte
kind-action_item = Rīcības pasākums
kind-person = Persona
