### sicc staff UI — Swedish. Machine-assisted translation of en.ftl.
### Translators: keep the message ids and { $variables }; change the text. Remove "review: " from a group heading once its messages are checked.

## review: Sidlayout
skip-to-content = Hoppa till innehållet
nav-main = Huvudmeny
nav-search = Sök
nav-new = Nyheter
nav-catalogs = Kataloger
nav-peers = Partner
nav-api = API
nav-create = Ny post
nav-import = Importera
log-out = Logga ut
language-switch = Språk
live-reload = Ladda om
live-entry-arrived = En delad post har kommit in.
live-entry-changed = En delad post har ändrats.
live-entry-removed = En delad post har tagits bort.
live-peer-up = En partnernod har anslutit.
live-peer-down = En partnernod har kopplats från.

## review: Söksida
search-title = Hitta arbetssätt
search-filters = Filter
search-apply-filters = Använd filter
search-clear-filters = Rensa filter
search-label = Sök på valfritt språk (es, fr, sv, lv, en)
search-placeholder = t.ex. hemtjänst, aprūpe mājās, vivienda, home care
search-order = Sortering:
search-best-match = bästa träff
search-newest = nyast
search-button = Sök
search-no-results = Inga träffar. Ta bort ett filter eller prova andra ord: etiketterna för teman och målgrupper känns igen på alla fem språken.
search-download-csv = Ladda ner posterna för de valda filtren (CSV, med etiketter)
records-count = { $count ->
    [one] { $n } post
   *[other] { $n } poster
}
this-node = denna nod
shared-by = delad av { $name }
updated-on = uppdaterad { $date }
page-previous = ← Föregående
page-next = Nästa →
nav-pages = Sidor
facet-kind = Typ av post
facet-country = Land
facet-nuts = Region (NUTS)
facet-theme = Tema
facet-target_group = Målgrupp
facet-esf_objective = ESF+-mål
facet-sdg = Globalt mål för hållbar utveckling
facet-stage = Utvecklingsfas
facet-evidence_level = Evidensnivå
facet-origin = Innehas av
facet-catalog = Katalog
facet-language = Textens språk
facet-open_to_transfer = Öppen för överföring
facet-validation_status = Valideringsstatus
facet-swot_dimension = Ekosystemets dimension
facet-swot_polarity = Styrka, svaghet…
facet-initiative_status = Initiativets status
facet-replication_status = Replikeringens skede
facet-action_status = Åtgärdens status
facet-scope = Verksamhetsnivå
facet-funding_source = Finansieringskälla
facet-support_tool_type = Typ av stödverktyg
facet-process_element = Processelement
facet-ncc_function = Kompetenscentrumets funktion
facet-more = { $count ->
    [one] { $count } värde till
   *[other] { $count } värden till
}

## review: Postsida
record-shared-by = Delad av { $name } via katalogen { $catalog }
record-access = Åtkomst: { $access }
record-status = Status: { $status }
record-in-language = på { $language }
record-details = Uppgifter
record-links = Länkar
record-classification = Klassificering
record-referenced-by = Poster som hänvisar hit
record-referenced-none = Ingen annan post på denna nod hänvisar till den.
record-no-longer-shared = delas inte längre
record-link-shared = delad av { $name }
record-annotations = Anteckningar från medlemmar
record-history = Historik
history-when = När
history-author = Författare
history-change = Ändring
history-who = Vem
history-what = Vad
history-revision = Revision
history-unknown = okänd
action-create = skapad
action-replace = ändrad
action-import = importerad
action-delete = raderad
action-erase = utplånad
record-publish = Publicera
record-catalogue = Katalog
record-publish-button = Publicera för partnerna
record-projection-note = Endast postens offentliga version delas: aldrig interna anteckningar, kontaktpersoner eller grundarnas namn.
record-local-note = Den här posten är lokal (eller innehåller personuppgifter) och kan inte delas.
record-publish-needs-validation = Endast validerade poster publiceras för partnerna. Skicka först posten för validering.
record-published-in = Publicerad i
record-unpublish = Avpublicera
record-workflow = Validering
record-submit = Skicka för validering
record-validate = Validera
record-return-to-draft = Återför till utkast
record-edit = Redigera
record-yes = ja
record-no = nej
quarantined-notice = I karantän: den här posten, delad av { $origin } via katalogen { $catalog }, klarar inte valideringen på denna nod.
quarantined-why = Orsak: { $problem }
quarantined-explained = Den sparas som den kom in och hålls utanför listor och sökningar tills den klarar valideringen – efter en uppdatering av nodens kodlistor eller en rättad post från ägaren. Sidan Partner visar antalet poster i karantän per partner.

## review: Meddelanden efter en åtgärd
done-published = Publicerad: partner som prenumererar på katalogen tar emot posten nu.
done-unpublished = Avpublicerad: partnerna tar bort posten vid nästa synkronisering.
done-subscribed = Prenumeration begärd: posterna kommer när ägaren har beviljat den.
done-subscription-granted = Prenumerationen är beviljad: ägaren skickar katalogens poster nu.
done-subscription-refused = Ägaren har avslagit prenumerationen: inga poster kommer att tas emot.
done-unsubscribed = Prenumerationen är avslutad: katalogens poster har tagits bort från denna nod.
done-granted = Åtkomst beviljad.
done-refused = Åtkomsten återkallad eller begäran avslagen.
done-session-ended = Sessionen har avslutats.
done-submitted = Skickad för validering.
done-validated = Validerad: posten kan nu publiceras.
done-draft = Återförd till utkast.
done-saved = Sparat.
done-created = Skapad.
done-password-changed = Lösenordet har ändrats.
done-deleted = Borttagen.
done-replication-started = Replikeringsfallet har öppnats här som utkast; ursprungscentret har underrättats via federationen.
done-replication-started-untold = Replikeringsfallet har öppnats här som utkast. Ursprungscentret kunde inte underrättas, oftast för att denna nod behöver skrivbehörighet i centrets katalog (be centret att bevilja den); nodens logg anger orsaken.
done-replication-exists = Det här initiativet har redan ett replikeringsfall på denna nod: här är det.

## review: Katalogsida
catalogs-title = Kataloger
catalogs-catalogue = Katalog
catalogs-owner = Ägare
catalogs-role = Roll
catalogs-entries = Poster
catalogs-action = Åtgärd
catalogs-unsubscribe = Avsluta prenumeration
catalogs-subscribe = Prenumerera
catalogs-requests = Förfrågningar om att prenumerera på denna nods kataloger
catalogs-none = Inga.
catalogs-member = Medlem
catalogs-status = Status
catalogs-grant = Bevilja
catalogs-refuse = Avslå
relation-owner = ägare
relation-subscriber = prenumerant
relation-requested = begärd
relation-offered = erbjuden
relation-member = medlem
subscription-pending = väntar på ägaren
subscription-granted = beviljad
subscription-refused = avslagen

## review: Partnersida
peers-title = Partner
peers-member = Medlem
peers-country = Land
peers-connected = Ansluten
peers-last-sync = Senaste synkronisering
peers-behind = Osynkade dokument
peers-quarantined = I karantän
peers-never = aldrig
peers-quarantined-title = Poster i karantän
peers-quarantined-explained = Poster som partner har delat men som inte är giltiga på denna nod (en okänd kod, ett nyare schema). De sparas och hålls utanför listor och sökningar tills de klarar valideringen.
peers-rejected = Avvisade ändringar

## review: Nyheter
new-title = Nyheter
new-since = Sedan ditt senaste besök ({ $date }).
new-first-visit = Ditt första besök: allt på denna nod.
new-theme = Tema
new-country = Land
new-any = alla
new-narrow = Avgränsa
new-shared = Delat av partner ({ $n })
new-local = På denna nod ({ $n })

## review: Redigering
edit-title-new = Ny post
edit-title-edit = Redigera: { $title }
edit-choose-kind = Vad vill du registrera?
edit-kind = Typ av post
edit-continue = Fortsätt
edit-save = Spara
edit-cancel = Avbryt
edit-required = obligatoriskt
edit-problems = Posten sparades inte: { $count ->
    [one] ett problem
   *[other] { $count } problem
} att åtgärda nedan.
edit-none = (ingen)
edit-id-hint = Små bokstäver a-z, siffror och - _ . (t.ex. lv-home-care); lämnas fältet tomt skapar noden en.
edit-links-hint = Identifierare för poster på denna nod eller delade med den, en per rad.
edit-lines-hint = En per rad.
edit-codes-hint = Håll ned Ctrl (⌘ på Mac) för att välja flera.
edit-conflict-title = Någon annan sparade posten före dig
edit-conflict-explained = Medan du redigerade sparades revision { $theirs } (du utgick från revision { $yours }). Dina ändringar har inte sparats. Nedan visas de värden som nu är lagrade; din text finns kvar i formuläret så att du kan kopiera den.
edit-conflict-reload = Öppna den aktuella versionen
edit-conflict-stored = Sparad version
edit-conflict-yours = Din version
edit-delete = Ta bort
edit-delete-blocked = Posten kan inte tas bort så länge andra poster hänvisar till den:
edit-deleted = Borttagen.

## review: Import
import-title = Importera ett kalkylblad
import-explained = Ladda upp en CSV- eller XLSX-fil med en post per rad och en rubrikrad. Därefter väljer du vilket fält varje kolumn innehåller; koder kan skrivas som etiketter på något av de fem språken (Latgale, konsorcijs, personas mayores). Inget sparas innan du har sett alla problem på alla rader.
import-file = Fil (CSV eller XLSX)
import-upload = Läs filen
import-columns = Kolumner
import-column = Kolumn i filen
import-example = Första värde
import-field = Fält
import-ignore = (hoppa över kolumnen)
import-preview = Kontrollera alla rader
import-summary = { $rows ->
    [one] { $rows } rad
   *[other] { $rows } rader
}: { $ready } klara att importera, { $problems } med problem.
import-line = Rad
import-record = Post
import-problems = Problem
import-ok = klar
import-replaces = ersätter posten som är sparad med denna identifierare (fält som saknas i bladet töms)
import-commit = { $ready ->
    [one] Importera raden utan problem
   *[other] Importera de { $ready } raderna utan problem
}
import-done = { $imported ->
    [one] { $imported } post importerad
   *[other] { $imported } poster importerade
}, { $refused ->
    [one] { $refused } rad inte importerad
   *[other] { $refused } rader inte importerade
}.
import-another = Importera en annan fil
import-unreadable = Filen är ingen läsbar CSV- eller XLSX-tabell: { $why }
import-empty = Filen har ingen rubrikrad.
import-too-many-rows = Filen har { $rows } rader; en import tar högst { $max }: dela upp den.
import-too-many-columns = Filen har { $columns } kolumner; en post har högst { $max }.
import-no-code = `{ $value }` är varken en kod eller en etikett för { $list } på något av de fem språken
import-ambiguous = `{ $value }` kan betyda flera koder ({ $codes }): skriv koden
import-not-a-number = `{ $value }` är inte ett heltal
import-not-yes-no = `{ $value }` är varken ja eller nej


## review: Problems of a record
problem-required = obligatoriskt fält saknas
problem-integer = måste vara ett heltal
problem-one-language = måste ha minst ett språk
problem-one-code = måste ha minst en kod
problem-self-link = en post kan inte länka till sig själv
problem-empty = får inte vara tomt
problem-title-original = titeln måste anges på originalspråket ({ $language })
problem-unknown-code = `{ $value }` finns inte i kodlistan
problem-link-missing = länkar till `{ $id }`, som inte finns här
problem-link-kind = länkar till `{ $id }`, en post av annat slag ({ $kind })
problem-too-long = är { $n } tecken långt; gränsen är { $max }
problem-url = `{ $value }` är ingen webbadress (http eller https)
problem-email = `{ $value }` är ingen e-postadress
problem-date = `{ $value }` är inget datum (ÅÅÅÅ-MM-DD)
problem-twice = `{ $value }` finns två gånger
problem-before = får inte vara före { $field }
problem-region = regionen { $region } ligger inte i postens länder
problem-range = { $n } ligger utanför { $min }–{ $max }
## review: Fel
error-title = Något gick fel
error-back = Tillbaka till sökningen
error-code = Felkod: { $code }

## review: Inloggning och konto
login-title = Logga in
login-name = Användarnamn
login-password = Lösenord
login-button = Logga in
login-accounts-note = Konton skapas av nodens administratör
account-title = Mitt konto
account-signed-in = Inloggad som { $name }.
account-sessions = Sessioner
account-opened = Öppnad
account-ends = Upphör
account-browser = Webbläsare
account-end = Avsluta
account-this-session = denna session
account-change-password = Byt lösenord
account-current-password = Nuvarande lösenord
account-new-password = Nytt lösenord (minst { $n } tecken)
account-password-note = När lösenordet byts avslutas alla sessioner, även den här.
account-language = Sidornas språk
account-language-browser = Webbläsarens språk
account-save-language = Spara

## review: Arbetspaketen i överblick
nav-overview = Översikt
nav-replication = Replikering
nav-priorities = Prioriteringar
nav-action-plan = Handlingsplaner
nav-reports = Rapporter
wp-all-countries = Alla fyra länderna
wp-country-switch = Land
wp-download = Ladda ner
wp-download-csv = CSV
wp-download-xlsx = Excel (XLSX)
wp-nothing-yet = Inget registrerat ännu.
wp-print-note = För en rapport till en finansiär kan du skriva ut sidan (utskriften utelämnar navigering och knappar) eller ladda ner tabellerna:
wp-truncated = Endast de första { $n } posterna räknas på den här sidan.
overview-title = Översikt över ekosystemet
overview-intro = Styrkor och svagheter per ekosystemdimension, var initiativen bedrivs och vilka behov de svarar mot: denna nods poster och de poster som partnerna delar.
overview-swot = SWOT-matris
overview-swot-caption = Ekosystemfaktorer per dimension och land. Varje siffra länkar till de faktorer den räknar.
overview-swot-dimension = Dimension
overview-map = Initiativ per region
overview-map-title = Initiativ per NUTS-region
overview-map-desc = En karta över { $regions } regioner: ju mörkare en region är, desto fler initiativ bedrivs där. Varje region länkar till sina initiativ; tabellen nedan visar samma siffror.
overview-map-region = { $name }: { $count ->
    [one] { $count } initiativ
   *[other] { $count } initiativ
}
overview-map-legend = Initiativ
overview-map-none = inga
overview-map-attribution = © EuroGeographics för de administrativa gränserna. Källa: Eurostat GISCO, NUTS 2024, 1:20 miljoner.
overview-map-table = Regioner med initiativ
overview-region = Region
overview-count = Initiativ
overview-count-items = Faktorer
overview-unplaced = { $count ->
    [one] Ett initiativ anger ingen region på den här kartan (bara ett land, eller en kod från en äldre NUTS-version, som Lettlands koder från 2021):
   *[other] { $count } initiativ anger ingen region på den här kartan (bara ett land, eller en kod från en äldre NUTS-version, som Lettlands koder från 2021):
}
overview-unplaced-row = inte på kartan
overview-themes = Initiativ per tema
overview-themes-desc = Antalet initiativ per tema, flest först. Ett initiativ med flera teman räknas en gång under vart och ett av dem.
overview-target-groups = Initiativ per målgrupp
overview-target-groups-desc = Antalet initiativ per målgrupp, flest först. Ett initiativ med flera målgrupper räknas en gång under var och en av dem.
replication-title = Replikeringar per skede
replication-intro = Replikeringsfall från första intresse till uppskalning, med tiden i nuvarande skede, beredskapen för replikering och genomförda mentorsträffar. Starta ett nytt genom att öppna en partners initiativ och välja ”Överväg för replikering”.
replication-days = { $days ->
    [one] { $days } dag i detta skede
   *[other] { $days } dagar i detta skede
}
replication-readiness = Beredskap: { $readiness }
replication-no-assessment = Ingen beredskapsbedömning ännu
replication-sessions = { $count ->
    [one] { $count } genomförd mentorsträff
   *[other] { $count } genomförda mentorsträffar
}
replication-empty-stage = Inga fall i detta skede.
replication-case-title = Replikering av { $title }
consider-title = Överväg för replikering
consider-intro = Öppnar ett replikeringsfall på denna nod, länkat till detta initiativ, som ett utkast att fylla i här, och meddelar { $name } att du överväger det.
consider-button = Överväg för replikering
readiness-title = Beredskap för replikering
readiness-rule = Inte redo när ett väsentligt kriterium (behov i målsammanhanget, en engagerad mottagande organisation, rättslig förenlighet, en finansieringsväg) får 0 poäng eller medelvärdet är under 1,5; redo när varje kriterium får minst 2 poäng; annars redo under vissa villkor.
readiness-criterion = Kriterium
readiness-score = Poäng
readiness-note = Underlag
readiness-source = Källa
priorities-title = Prioriteringar för kapacitetsuppbyggnad
priorities-intro = De fyra ländernas prioriteringar för kapacitetsuppbyggnad sida vid sida, per område. Områden som tre eller fler länder delar är markerade, tillsammans med de verktyg och metoder som svarar mot dem.
priorities-area = Område
priorities-tools = Verktyg och metoder som svarar mot området
priorities-shared = { $count ->
    [one] Delas av { $count } land
   *[other] Delas av { $count } länder
}
priorities-no-area = Inget område angivet
actions-title = Handlingsplanernas genomförande
actions-intro = Åtgärderna i de nationella handlingsplanerna per kompetenscentrumets funktion och status, de som är försenade, deras nyckeltal och de svagheter som ingen åtgärd ännu svarar mot.
actions-by-function = Åtgärder per funktion och status
actions-function = Funktion
actions-no-function = Ingen funktion angiven
actions-total = Totalt
actions-overdue = Försenade
actions-none-overdue = Ingen åtgärd är försenad.
actions-overdue-days = { $days ->
    [one] { $days } dag efter planerat slut
   *[other] { $days } dagar efter planerat slut
}
actions-kpis = Nyckeltal
actions-item = Åtgärd
actions-kpi = Nyckeltal
actions-actual = Uppnått
actions-target = Målvärde
actions-progress = Måluppfyllelse
actions-unaddressed = Svagheter som ingen åtgärd ännu svarar mot
actions-all-addressed = Varje svaghet och varje hinder har en åtgärd som svarar mot det.
reports-title = Rapporter
reports-intro = Tabellerna från översikten, replikeringarna per skede, prioriteringarna och handlingsplanerna, med etiketter på ditt språk, för rapporter till finansiärer. Alla sidor skrivs ut utan navigering och knappar.
reports-report = Rapport
reports-esim-note = Exporten till European Social Innovation Match innehåller denna nods egna validerade initiativ med åtkomstnivån offentlig, i SIM:s fallformat och på engelska som SIM kräver (en text utan engelsk version behåller sitt språk, som anges inom hakparentes); varje partner lämnar in sina egna. docs/work-packages.md visar vilka fält varje kolumn hämtas från.
report-swot = SWOT-matris: faktorer per dimension, land och polaritet
report-regions = Initiativ per NUTS-region
report-themes = Initiativ per tema
report-target-groups = Initiativ per målgrupp
report-replication = Replikeringsfall med skede, dagar i skedet, beredskap och mentorskap
report-priorities = Prioriteringar för kapacitetsuppbyggnad per område och land
report-actions = Åtgärder med status, tidsplan och nyckeltal
report-esim = Validerade initiativ för European Social Innovation Match
report-days-in-stage = Dagar i skedet
report-readiness = Beredskap
report-sessions-held = Genomförda mentorsträffar
report-countries-sharing = Länder
report-days-overdue = Dagars försening
record-partner-notes = Anteckningar från partner
wp-label-count = { $label }: { $count }
wp-percent = { $percent } %
readiness-score-of = { $score } / 3

## review: Fältnamn för poster (ett per fält i schemat)
field-id = Identifierare
field-kind = Typ av post
field-revision = Revision
field-created_at = Skapad
field-updated_at = Uppdaterad
field-access_level = Åtkomst
field-validation_status = Valideringsstatus
field-licence = Licens
field-original_lang = Originalspråk
field-sources = Källor
field-internal_notes = Interna anteckningar
field-name = Namn
field-acronym = Förkortning
field-country = Land
field-nuts = Regioner (NUTS)
field-city = Ort
field-website = Webbplats
field-org_type = Organisationstyp
field-legal_form = Juridisk form
field-social_enterprise_status = Status som socialt företag
field-ecosystem_roles = Roller i ekosystemet
field-themes = Teman
field-description = Beskrivning
field-founded_year = Grundår
field-functional_contact = Funktionsbrevlåda
field-title = Titel
field-status = Status
field-start_year = Startår
field-end_year = Slutår
field-countries = Länder
field-scope = Verksamhetsnivå
field-urban_rural = Stad eller landsbygd
field-lead_org = Ledande organisation
field-partner_orgs = Partnerorganisationer
field-contact_person = Kontaktperson
field-founder_names = Grundare
field-summary = Sammanfattning
field-problem = Problem
field-solution = Lösning
field-activities = Aktiviteter
field-target_groups = Målgrupper
field-beneficiaries_reached = Antal nådda personer
field-esf_objectives = ESF+-mål
field-sdgs = Globala målen för hållbar utveckling
field-innovation_type = Typ av innovation
field-stage = Utvecklingsfas
field-evidence_level = Evidensnivå
field-evaluation_methods = Utvärderingsmetoder
field-results = Resultat
field-funding_sources = Finansieringskällor
field-business_model = Affärsmodell
field-cost_per_unit = Kostnad per enhet
field-open_to_transfer = Öppen för överföring
field-transferability = Överförbarhet
field-resources_needed = Resurser som krävs
field-core_elements = Kärnelement
field-adaptable_elements = Anpassningsbara element
field-difficulties = Svårigheter
field-policy_links = Relaterade styrmedel
field-mapped_in = Kartlagd i
field-policy_type = Typ av styrmedel
field-date_adopted = Beslutsdatum
field-in_force_from = Gäller från
field-in_force = Gällande
field-effect_on_si = Effekt på social innovation
field-related_initiatives = Relaterade initiativ
field-funder_org = Finansierande organisation
field-funding_source = Finansieringskälla
field-programme = Program
field-open_from = Ansökan öppnar
field-open_until = Sista ansökningsdag
field-budget_eur = Budget (EUR)
field-grant_min_eur = Minsta bidrag (EUR)
field-grant_max_eur = Största bidrag (EUR)
field-eligibility = Vem kan söka
field-provider_org = Tillhandahållande organisation
field-tool_type = Typ av verktyg
field-process_elements = Processelement
field-levels = Nivåer
field-audiences = Mottagargrupper
field-cost = Kostnad
field-statement = Påstående
field-dimension = Dimension
field-polarity = Polaritet
field-evidence = Underlag
field-assessment = Bedömning
field-year = År
field-priority = Prioritet
field-lesson_type = Typ av lärdom
field-about = Gäller
field-context = Sammanhang
field-recommendation = Rekommendation
field-confidence = Tillförlitlighet
field-origin_initiative = Initiativ som replikeras
field-origin_country = Ursprungsland
field-origin_nuts = Ursprungsregioner (NUTS)
field-target_country = Målland
field-target_nuts = Målregioner (NUTS)
field-target_place = Målort
field-originator_org = Ursprungsorganisation
field-adopter_orgs = Mottagande organisationer
field-scaling_type = Typ av skalning
field-strategy = Strategi
field-rationale = Motivering
field-context_differences = Skillnader i sammanhang
field-lessons = Lärdomar
field-audience = Mottagargrupp
field-need = Behov
field-priority_rank = Prioritetsordning
field-related_tools = Relaterade verktyg
field-objective = Mål
field-ncc_function = Kompetenscentrumets funktion
field-responsible_org = Ansvarig organisation
field-start_date = Startdatum
field-end_date = Slutdatum
field-kpi = Nyckeltal (KPI)
field-addresses = Svarar mot
field-role_title = Befattning
field-organisation = Organisation
field-email = E-post
field-phone = Telefon
field-languages = Språk
field-lawful_basis = Rättslig grund
field-source_of_data = Uppgifternas källa
field-review_due = Ska ses över senast
field-status_since = I denna status sedan
field-area = Område
field-kpi_target = Målvärde för nyckeltalet
field-kpi_actual = Uppnått värde för nyckeltalet
field-replication_case = Replikeringsfall
field-assessed_on = Bedömningsdatum
field-assessor_org = Bedömande organisation
field-need_in_target = Behov i målsammanhanget
field-evidence_of_impact = Belägg för effekt
field-model_documented = Modellen dokumenterad
field-core_vs_adaptable_defined = Kärnelement och anpassningsbara element definierade
field-originator_capacity = Ursprungsorganisationens förmåga att ge stöd
field-adopter_identified_and_committed = Mottagande organisation identifierad och engagerad
field-local_demand_stakeholders = Lokal efterfrågan och förankring
field-legal_regulatory_fit = Förenlighet med lagar och regler
field-funding_path = Finansieringsväg
field-cost_per_unit_known = Kostnad per enhet känd
field-language_cultural_adaptation_needs = Språklig och kulturell anpassning
field-ip_licence_terms = Licensvillkor
field-risks = Risker
field-need_in_target_note = Underlag: { field-need_in_target }
field-need_in_target_source = Källa: { field-need_in_target }
field-evidence_of_impact_note = Underlag: { field-evidence_of_impact }
field-evidence_of_impact_source = Källa: { field-evidence_of_impact }
field-model_documented_note = Underlag: { field-model_documented }
field-model_documented_source = Källa: { field-model_documented }
field-core_vs_adaptable_defined_note = Underlag: { field-core_vs_adaptable_defined }
field-core_vs_adaptable_defined_source = Källa: { field-core_vs_adaptable_defined }
field-originator_capacity_note = Underlag: { field-originator_capacity }
field-originator_capacity_source = Källa: { field-originator_capacity }
field-adopter_identified_and_committed_note = Underlag: { field-adopter_identified_and_committed }
field-adopter_identified_and_committed_source = Källa: { field-adopter_identified_and_committed }
field-local_demand_stakeholders_note = Underlag: { field-local_demand_stakeholders }
field-local_demand_stakeholders_source = Källa: { field-local_demand_stakeholders }
field-legal_regulatory_fit_note = Underlag: { field-legal_regulatory_fit }
field-legal_regulatory_fit_source = Källa: { field-legal_regulatory_fit }
field-funding_path_note = Underlag: { field-funding_path }
field-funding_path_source = Källa: { field-funding_path }
field-cost_per_unit_known_note = Underlag: { field-cost_per_unit_known }
field-cost_per_unit_known_source = Källa: { field-cost_per_unit_known }
field-language_cultural_adaptation_needs_note = Underlag: { field-language_cultural_adaptation_needs }
field-language_cultural_adaptation_needs_source = Källa: { field-language_cultural_adaptation_needs }
field-ip_licence_terms_note = Underlag: { field-ip_licence_terms }
field-ip_licence_terms_source = Källa: { field-ip_licence_terms }
field-risks_note = Underlag: { field-risks }
field-risks_source = Källa: { field-risks }
field-recommended_strategy = Rekommenderad strategi
field-date = Datum
field-format = Format
field-mentor_org = Mentororganisation
field-adopter_org = Mottagande organisation
field-topics = Ämnen
field-outcomes = Utfall
field-next_steps = Nästa steg
field-participant_count = Antal deltagare
field-participants = Deltagarnas namn

## review: Posttyper
kind-organisation = Organisation
kind-initiative = Initiativ
kind-policy_instrument = Styrmedel
kind-funding_instrument = Finansieringsinstrument
kind-support_tool = Stödverktyg
kind-ecosystem_item = Ekosystemfaktor (SWOT)
kind-lesson = Lärdom
kind-replication_case = Replikeringsfall
kind-capacity_priority = Prioritering för kapacitetsuppbyggnad
kind-action_item = Åtgärd
kind-person = Person
kind-readiness_assessment = Beredskapsbedömning
kind-mentoring_session = Mentorsträff
