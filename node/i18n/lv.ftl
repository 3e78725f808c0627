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
done-subscription-granted = Abonēšana atļauta: īpašnieks tagad sūta kataloga ierakstus.
done-subscription-refused = Īpašnieks abonēšanu atteica: ieraksti netiks saņemti.
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
done-replication-started = Replicēšanas gadījums atvērts šeit kā melnraksts; izcelsmes centrs ir informēts ar federācijas starpniecību.
done-replication-started-untold = Replicēšanas gadījums atvērts šeit kā melnraksts. Izcelsmes centru nevarēja informēt, visbiežāk tāpēc, ka šim mezglam vajadzīgas rakstīšanas tiesības šī centra katalogā (lūdziet centram tās piešķirt); mezgla žurnālā norādīts iemesls.
done-replication-exists = Šai iniciatīvai šajā mezglā jau ir replicēšanas gadījums: lūk, tas.

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

## review: Darba paketes īsumā
nav-overview = Pārskats
nav-replication = Replicēšana
nav-priorities = Prioritātes
nav-action-plan = Rīcības plāni
nav-reports = Atskaites
wp-all-countries = Visas četras valstis
wp-country-switch = Valsts
wp-download = Lejupielādēt
wp-download-csv = CSV
wp-download-xlsx = Excel (XLSX)
wp-nothing-yet = Pagaidām nekas nav reģistrēts.
wp-print-note = Atskaitei finansētājam izdrukājiet šo lapu (drukas versijā nav navigācijas un pogu) vai lejupielādējiet tabulas:
wp-truncated = Šajā lapā ir ieskaitīti tikai pirmie { $n } ieraksti.
overview-title = Ekosistēmas pārskats
overview-intro = Stiprās un vājās puses pa ekosistēmas dimensijām, kur darbojas iniciatīvas un kādas vajadzības tās risina: šī mezgla ieraksti un partneru kopīgotie ieraksti.
overview-swot = SVID matrica
overview-swot-caption = Ekosistēmas elementi pa dimensijām un valstīm. Katrs skaitlis ir saite uz elementiem, ko tas ietver.
overview-swot-dimension = Dimensija
overview-map = Iniciatīvas pa reģioniem
overview-map-title = Iniciatīvas pa NUTS reģioniem
overview-map-desc = Reģionu karte (reģionu skaits: { $regions }): jo tumšāks reģions, jo vairāk iniciatīvu tajā darbojas. Katrs reģions ir saite uz tā iniciatīvām; tabulā zemāk ir tie paši skaitļi.
overview-map-region = { $name }: { $count ->
    [zero] { $count } iniciatīvu
    [one] { $count } iniciatīva
   *[other] { $count } iniciatīvas
}
overview-map-legend = Iniciatīvas
overview-map-none = nav
overview-map-attribution = © EuroGeographics attiecībā uz administratīvajām robežām. Avots: Eurostat GISCO, NUTS 2024, 1:20 miljoni.
overview-map-table = Reģioni ar iniciatīvām
overview-region = Reģions
overview-count = Iniciatīvas
overview-count-items = Elementi
overview-unplaced = { $count ->
    [zero] { $count } iniciatīvās nav norādīts neviens šīs kartes reģions (tikai valsts vai vecākas NUTS versijas kods, piemēram, Latvijas 2021. gada kodi):
    [one] { $count } iniciatīvā nav norādīts neviens šīs kartes reģions (tikai valsts vai vecākas NUTS versijas kods, piemēram, Latvijas 2021. gada kodi):
   *[other] { $count } iniciatīvās nav norādīts neviens šīs kartes reģions (tikai valsts vai vecākas NUTS versijas kods, piemēram, Latvijas 2021. gada kodi):
}
overview-unplaced-row = nav kartē
overview-themes = Iniciatīvas pa tēmām
overview-themes-desc = Iniciatīvu skaits katrā tēmā, sākot ar lielāko. Iniciatīva ar vairākām tēmām tiek ieskaitīta vienreiz katrā no tām.
overview-target-groups = Iniciatīvas pa mērķgrupām
overview-target-groups-desc = Iniciatīvu skaits katrā mērķgrupā, sākot ar lielāko. Iniciatīva ar vairākām mērķgrupām tiek ieskaitīta vienreiz katrā no tām.
replication-title = Replicēšanas gadījumu virzība
replication-intro = Replicēšanas gadījumi no pirmās intereses līdz mērogošanai ar laiku pašreizējā posmā, gatavību un aizvadītajām mentoringa sesijām. Lai sāktu jaunu gadījumu, atveriet partnera iniciatīvu un izvēlieties „Apsvērt replicēšanu”.
replication-days = { $days ->
    [zero] { $days } dienu šajā posmā
    [one] { $days } diena šajā posmā
   *[other] { $days } dienas šajā posmā
}
replication-readiness = Gatavība: { $readiness }
replication-no-assessment = Gatavības novērtējuma vēl nav
replication-sessions = { $count ->
    [zero] { $count } aizvadītu mentoringa sesiju
    [one] { $count } aizvadīta mentoringa sesija
   *[other] { $count } aizvadītas mentoringa sesijas
}
replication-empty-stage = Šajā posmā nav neviena gadījuma.
replication-case-title = Replicēšana: { $title }
consider-title = Apsvērt replicēšanu
consider-intro = Atver šajā mezglā ar šo iniciatīvu saistītu replicēšanas gadījumu kā melnrakstu, ko aizpildīt šeit, un paziņo partnerim { $name }, ka jūs to apsverat.
consider-button = Apsvērt replicēšanu
readiness-title = Gatavība replicēšanai
readiness-rule = Nav gatavs, ja kāds no būtiskajiem kritērijiem (vajadzība mērķa kontekstā, saistības uzņēmusies pārņēmēja organizācija, atbilstība tiesiskajam regulējumam, finansējuma iespējas) novērtēts ar 0 vai vidējais vērtējums ir zem 1,5; gatavs, ja katrs kritērijs novērtēts ar 2 vai vairāk; citos gadījumos — gatavs ar nosacījumiem.
readiness-criterion = Kritērijs
readiness-score = Vērtējums
readiness-note = Pierādījumi
readiness-source = Avots
priorities-title = Kapacitātes stiprināšanas prioritātes
priorities-intro = Četru valstu kapacitātes stiprināšanas prioritātes līdzās cita citai, sagrupētas pa jomām. Jomas, kas kopīgas trim vai vairākām valstīm, ir atzīmētas kopā ar rīkiem un metodēm, kas tās risina.
priorities-area = Joma
priorities-tools = Rīki un metodes, kas to risina
priorities-shared = { $count ->
    [zero] Kopīga { $count } valstīm
    [one] Kopīga { $count } valstij
   *[other] Kopīga { $count } valstīm
}
priorities-no-area = Joma nav norādīta
actions-title = Rīcības plānu izpilde
actions-intro = Nacionālo rīcības plānu pasākumi pa kompetenču centra funkcijām un statusiem, pasākumi, kas kavējas, to rādītāji un vājās puses, kuras vēl nerisina neviens pasākums.
actions-by-function = Rīcības pasākumi pa funkcijām un statusiem
actions-function = Funkcija
actions-no-function = Funkcija nav norādīta
actions-total = Kopā
actions-overdue = Kavējas
actions-none-overdue = Neviens pasākums nekavējas.
actions-overdue-days = { $days ->
    [zero] { $days } dienu pēc plānotā beigu datuma
    [one] { $days } diena pēc plānotā beigu datuma
   *[other] { $days } dienas pēc plānotā beigu datuma
}
actions-kpis = Rādītāji
actions-item = Pasākums
actions-kpi = Rādītājs
actions-actual = Sasniegts
actions-target = Mērķvērtība
actions-progress = Izpilde
actions-unaddressed = Vājās puses, kuras vēl nerisina neviens pasākums
actions-all-addressed = Katrai vājajai pusei un katram šķērslim ir pasākums, kas to risina.
reports-title = Atskaites
reports-intro = Pārskata, replicēšanas gadījumu virzības, prioritāšu un rīcības plānu tabulas ar nosaukumiem jūsu valodā atskaitēm finansētājiem. Jebkuru lapu var izdrukāt bez navigācijas un pogām.
reports-report = Atskaite
reports-esim-note = Eksportā uz European Social Innovation Match ir šī mezgla validētās iniciatīvas ar publisku piekļuves līmeni, SIM gadījumu struktūrā un angļu valodā, kā to prasa SIM (teksts bez angļu valodas versijas paliek savā valodā, kas norādīta kvadrātiekavās); katrs partneris iesniedz savējās. docs/work-packages.md katrai kolonnai norāda atbilstošos laukus.
report-swot = SVID matrica: elementi pa dimensijām, valstīm un polaritātēm
report-regions = Iniciatīvas pa NUTS reģioniem
report-themes = Iniciatīvas pa tēmām
report-target-groups = Iniciatīvas pa mērķgrupām
report-replication = Replicēšanas gadījumi ar posmu, dienām posmā, gatavību un mentoringu
report-priorities = Kapacitātes stiprināšanas prioritātes pa jomām un valstīm
report-actions = Rīcības pasākumi ar statusu, laika grafiku un rādītājiem
report-esim = Validētās iniciatīvas platformai European Social Innovation Match
report-days-in-stage = Dienas posmā
report-readiness = Gatavība
report-sessions-held = Aizvadītās mentoringa sesijas
report-countries-sharing = Valstis
report-days-overdue = Kavējuma dienas
record-partner-notes = Partneru piezīmes
wp-label-count = { $label }: { $count }
wp-percent = { $percent } %
readiness-score-of = { $score } / 3

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
field-status_since = Šajā statusā kopš
field-area = Joma
field-kpi_target = Rādītāja mērķvērtība
field-kpi_actual = Rādītāja sasniegtā vērtība
field-replication_case = Replicēšanas gadījums
field-assessed_on = Novērtēšanas datums
field-assessor_org = Novērtētāja organizācija
field-need_in_target = Vajadzība mērķa kontekstā
field-evidence_of_impact = Ietekmes pierādījumi
field-model_documented = Dokumentēts modelis
field-core_vs_adaptable_defined = Definēti pamatelementi un pielāgojamie elementi
field-originator_capacity = Izcelsmes organizācijas spēja sniegt atbalstu
field-adopter_identified_and_committed = Apzināta un saistības uzņēmusies pārņēmēja organizācija
field-local_demand_stakeholders = Vietējais pieprasījums un atbalsts
field-legal_regulatory_fit = Atbilstība tiesiskajam regulējumam
field-funding_path = Finansējuma iespējas
field-cost_per_unit_known = Zināmas vienības izmaksas
field-language_cultural_adaptation_needs = Valodas un kultūras pielāgošana
field-ip_licence_terms = Licences nosacījumi
field-risks = Riski
field-need_in_target_note = Pierādījumi: { field-need_in_target }
field-need_in_target_source = Avots: { field-need_in_target }
field-evidence_of_impact_note = Pierādījumi: { field-evidence_of_impact }
field-evidence_of_impact_source = Avots: { field-evidence_of_impact }
field-model_documented_note = Pierādījumi: { field-model_documented }
field-model_documented_source = Avots: { field-model_documented }
field-core_vs_adaptable_defined_note = Pierādījumi: { field-core_vs_adaptable_defined }
field-core_vs_adaptable_defined_source = Avots: { field-core_vs_adaptable_defined }
field-originator_capacity_note = Pierādījumi: { field-originator_capacity }
field-originator_capacity_source = Avots: { field-originator_capacity }
field-adopter_identified_and_committed_note = Pierādījumi: { field-adopter_identified_and_committed }
field-adopter_identified_and_committed_source = Avots: { field-adopter_identified_and_committed }
field-local_demand_stakeholders_note = Pierādījumi: { field-local_demand_stakeholders }
field-local_demand_stakeholders_source = Avots: { field-local_demand_stakeholders }
field-legal_regulatory_fit_note = Pierādījumi: { field-legal_regulatory_fit }
field-legal_regulatory_fit_source = Avots: { field-legal_regulatory_fit }
field-funding_path_note = Pierādījumi: { field-funding_path }
field-funding_path_source = Avots: { field-funding_path }
field-cost_per_unit_known_note = Pierādījumi: { field-cost_per_unit_known }
field-cost_per_unit_known_source = Avots: { field-cost_per_unit_known }
field-language_cultural_adaptation_needs_note = Pierādījumi: { field-language_cultural_adaptation_needs }
field-language_cultural_adaptation_needs_source = Avots: { field-language_cultural_adaptation_needs }
field-ip_licence_terms_note = Pierādījumi: { field-ip_licence_terms }
field-ip_licence_terms_source = Avots: { field-ip_licence_terms }
field-risks_note = Pierādījumi: { field-risks }
field-risks_source = Avots: { field-risks }
field-recommended_strategy = Ieteicamā stratēģija
field-date = Datums
field-format = Formāts
field-mentor_org = Mentora organizācija
field-adopter_org = Pārņēmēja organizācija
field-topics = Apspriestās tēmas
field-outcomes = Iznākumi
field-next_steps = Nākamie soļi
field-participant_count = Dalībnieku skaits
field-participants = Dalībnieku vārdi

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
kind-readiness_assessment = Gatavības novērtējums
kind-mentoring_session = Mentoringa sesija
