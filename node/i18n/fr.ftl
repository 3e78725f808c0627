### sicc staff UI — French. Machine-assisted translation of en.ftl.
### Translators: keep the message ids and { $variables }; change the text. Remove "review: " from a group heading once its messages are checked.

## review: Mise en page
skip-to-content = Aller au contenu
nav-main = Menu principal
nav-search = Rechercher
nav-new = Nouveautés
nav-catalogs = Catalogues
nav-peers = Partenaires
nav-api = API
nav-create = Nouvelle fiche
nav-import = Importer
log-out = Se déconnecter
language-switch = Langue
live-reload = Recharger
live-entry-arrived = Une entrée partagée est arrivée.
live-entry-changed = Une entrée partagée a été modifiée.
live-entry-removed = Une entrée partagée a été retirée.
live-peer-up = Un nœud partenaire s'est connecté.
live-peer-down = Un nœud partenaire s'est déconnecté.

## review: Page de recherche
search-title = Trouver des pratiques
search-filters = Filtres
search-apply-filters = Appliquer les filtres
search-clear-filters = Effacer les filtres
search-label = Rechercher dans n'importe quelle langue (es, fr, sv, lv, en)
search-placeholder = p. ex. aide à domicile, vivienda, hemtjänst, aprūpe mājās
search-order = Tri :
search-best-match = pertinence
search-newest = plus récentes
search-button = Rechercher
search-no-results = Aucun résultat. Retirez un filtre ou essayez d'autres mots : les libellés des thèmes et des publics cibles sont reconnus dans les cinq langues.
search-download-csv = Télécharger les fiches des filtres cochés (CSV, avec libellés)
records-count = { $count ->
    [one] { $n } fiche
   *[other] { $n } fiches
}
this-node = ce nœud
shared-by = partagée par { $name }
updated-on = mise à jour le { $date }
page-previous = ← Précédent
page-next = Suivant →
nav-pages = Pages
facet-kind = Type de fiche
facet-country = Pays
facet-nuts = Région (NUTS)
facet-theme = Thème
facet-target_group = Public cible
facet-esf_objective = Objectif du FSE+
facet-sdg = Objectif de développement durable
facet-stage = Stade de développement
facet-evidence_level = Niveau de preuve
facet-origin = Détenteur
facet-catalog = Catalogue
facet-language = Langue du texte
facet-open_to_transfer = Ouverture au transfert
facet-validation_status = Statut de validation
facet-swot_dimension = Dimension de l’écosystème
facet-swot_polarity = Force, faiblesse…
facet-initiative_status = Statut de l’initiative
facet-replication_status = Étape de la réplication
facet-action_status = Statut de l’action
facet-scope = Niveau d’action
facet-funding_source = Source de financement
facet-support_tool_type = Type d’outil d’accompagnement
facet-process_element = Élément du processus
facet-ncc_function = Fonction du centre de compétences
facet-more = { $count ->
    [one] { $count } autre valeur
   *[other] { $count } autres valeurs
}

## review: Page d'une fiche
record-shared-by = Partagée par { $name } via le catalogue { $catalog }
record-access = Accès : { $access }
record-status = Statut : { $status }
record-in-language = en { $language }
record-details = Détails
record-links = Liens
record-classification = Classification
record-referenced-by = Fiches qui y renvoient
record-referenced-none = Aucune autre fiche de ce nœud n'y fait référence.
record-no-longer-shared = n'est plus partagée
record-link-shared = partagée par { $name }
record-annotations = Annotations des membres
record-history = Historique
history-when = Date
history-author = Auteur
history-change = Modification
history-who = Qui
history-what = Quoi
history-revision = Révision
history-unknown = inconnu
action-create = créée
action-replace = modifiée
action-import = importée
action-delete = supprimée
action-erase = effacée
record-publish = Publier
record-catalogue = Catalogue
record-publish-button = Publier auprès des partenaires
record-projection-note = Seule la version publique de la fiche est partagée : jamais les notes internes, les personnes de contact ni les noms des fondateurs.
record-local-note = Cette fiche est locale (ou contient des données personnelles) et ne peut pas être partagée.
record-publish-needs-validation = Seules les fiches validées sont publiées auprès des partenaires. Soumettez d'abord cette fiche pour validation.
record-published-in = Publiée dans
record-unpublish = Retirer la publication
record-workflow = Validation
record-submit = Soumettre pour validation
record-validate = Valider
record-return-to-draft = Repasser en brouillon
record-edit = Modifier
record-yes = oui
record-no = non
quarantined-notice = En quarantaine : cette fiche, partagée par { $origin } via le catalogue { $catalog }, n'est pas valide sur ce nœud.
quarantined-why = Motif : { $problem }
quarantined-explained = Elle est conservée telle qu'elle est arrivée et exclue des listes et de la recherche jusqu'à ce qu'elle soit valide, après une mise à jour des listes de codes de ce nœud ou la réception d'une fiche corrigée par son propriétaire. La page Partenaires indique le nombre d'entrées en quarantaine par partenaire.

## review: Messages après une action
done-published = Fiche publiée : les partenaires abonnés au catalogue la reçoivent dès maintenant.
done-unpublished = Publication retirée : les partenaires supprimeront la fiche lors de leur prochaine synchronisation.
done-subscribed = Abonnement demandé : les entrées arriveront dès que le propriétaire l'aura accordé.
done-subscription-granted = Abonnement accordé : le propriétaire envoie dès maintenant les entrées du catalogue.
done-subscription-refused = Abonnement refusé par le propriétaire : aucune entrée n'arrivera.
done-unsubscribed = Désabonnement effectué : les entrées du catalogue ont été supprimées de ce nœud.
done-granted = Accès accordé.
done-refused = Accès retiré ou demande refusée.
done-session-ended = La session a été fermée.
done-submitted = Fiche soumise pour validation.
done-validated = Fiche validée : elle peut désormais être publiée.
done-draft = Fiche repassée en brouillon.
done-saved = Modifications enregistrées.
done-created = Fiche créée.
done-password-changed = Mot de passe modifié.
done-deleted = Fiche supprimée.
done-replication-started = Cas de réplication ouvert ici sous forme de brouillon ; le centre d’origine en a été informé via la fédération.
done-replication-started-untold = Cas de réplication ouvert ici sous forme de brouillon. Le centre d’origine n’a pas pu en être informé, le plus souvent parce que ce nœud a besoin du droit d’écriture dans le catalogue de ce centre (demandez au centre de vous l’accorder) ; le journal du nœud en donne la raison.
done-replication-exists = Cette initiative a déjà un cas de réplication sur ce nœud : le voici.

## review: Page Catalogues
catalogs-title = Catalogues
catalogs-catalogue = Catalogue
catalogs-owner = Propriétaire
catalogs-role = Rôle
catalogs-entries = Entrées
catalogs-action = Action
catalogs-unsubscribe = Se désabonner
catalogs-subscribe = S'abonner
catalogs-requests = Demandes d'abonnement aux catalogues de ce nœud
catalogs-none = Aucune.
catalogs-member = Membre
catalogs-status = Statut
catalogs-grant = Accorder
catalogs-refuse = Refuser
relation-owner = propriétaire
relation-subscriber = abonné
relation-requested = demandé
relation-offered = proposé
relation-member = membre
subscription-pending = en attente du propriétaire
subscription-granted = accordée
subscription-refused = refusée

## review: Page Partenaires
peers-title = Partenaires
peers-member = Membre
peers-country = Pays
peers-connected = Connecté
peers-last-sync = Dernière synchronisation
peers-behind = Documents en attente
peers-quarantined = En quarantaine
peers-never = jamais
peers-quarantined-title = Entrées en quarantaine
peers-quarantined-explained = Entrées partagées par des partenaires mais non valides sur ce nœud (code inconnu, schéma plus récent). Elles sont conservées et exclues des listes et de la recherche jusqu'à ce qu'elles soient valides.
peers-rejected = Modifications rejetées

## review: Nouveautés
new-title = Nouveautés
new-since = Depuis votre dernière visite ({ $date }).
new-first-visit = Votre première visite : tout le contenu de ce nœud.
new-theme = Thème
new-country = Pays
new-any = tous
new-narrow = Affiner
new-shared = Partagées par les partenaires ({ $n })
new-local = Sur ce nœud ({ $n })

## review: Modification
edit-title-new = Nouvelle fiche
edit-title-edit = Modifier : { $title }
edit-choose-kind = Que souhaitez-vous enregistrer ?
edit-kind = Type de fiche
edit-continue = Continuer
edit-save = Enregistrer
edit-cancel = Annuler
edit-required = obligatoire
edit-problems = La fiche n'a pas été enregistrée : { $count ->
    [one] un problème est signalé
   *[other] { $count } problèmes sont signalés
} ci-dessous.
edit-none = (aucun)
edit-id-hint = Lettres minuscules a-z, chiffres et - _ . (p. ex. lv-home-care) ; si le champ reste vide, le nœud en crée un.
edit-links-hint = Identifiants de fiches de ce nœud ou partagées avec lui, un par ligne.
edit-lines-hint = Un par ligne.
edit-codes-hint = Maintenez la touche Ctrl (⌘ sur Mac) enfoncée pour en choisir plusieurs.
edit-conflict-title = Quelqu'un d'autre a enregistré cette fiche avant vous
edit-conflict-explained = Pendant votre modification, la révision { $theirs } a été enregistrée (votre modification partait de la révision { $yours }). Vos modifications n'ont pas été enregistrées. Les valeurs actuellement enregistrées figurent ci-dessous ; votre texte est conservé dans le formulaire pour que vous puissiez le copier.
edit-conflict-reload = Ouvrir la version actuelle
edit-conflict-stored = Version enregistrée
edit-conflict-yours = Votre version
edit-delete = Supprimer
edit-delete-blocked = Elle ne peut pas être supprimée tant que d'autres fiches y font référence :
edit-deleted = Fiche supprimée.

## review: Import
import-title = Importer un tableur
import-explained = Déposez un fichier CSV ou XLSX avec une fiche par ligne et une ligne d’en-têtes. Vous choisissez ensuite le champ de chaque colonne ; les codes peuvent être écrits sous forme de libellés dans l’une des cinq langues (Latgale, konsorcijs, personas mayores). Rien n’est enregistré avant que vous ayez vu tous les problèmes de toutes les lignes.
import-file = Fichier (CSV ou XLSX)
import-upload = Lire le fichier
import-columns = Colonnes
import-column = Colonne du fichier
import-example = Première valeur
import-field = Champ
import-ignore = (ignorer cette colonne)
import-preview = Vérifier toutes les lignes
import-summary = { $rows ->
    [one] { $rows } ligne
   *[other] { $rows } lignes
}: { $ready } prêtes à importer, { $problems } avec des problèmes.
import-line = Ligne
import-record = Fiche
import-problems = Problèmes
import-ok = prête
import-replaces = remplace la fiche enregistrée sous cet identifiant (les champs absents de la feuille sont vidés)
import-commit = { $ready ->
    [one] Importer la ligne sans problème
   *[other] Importer les { $ready } lignes sans problème
}
import-done = { $imported ->
    [one] { $imported } fiche importée
   *[other] { $imported } fiches importées
}, { $refused ->
    [one] { $refused } ligne non importée
   *[other] { $refused } lignes non importées
}.
import-another = Importer un autre fichier
import-unreadable = Le fichier n’est pas un tableau CSV ou XLSX lisible : { $why }
import-empty = Le fichier n’a pas de ligne d’en-têtes.
import-too-many-rows = Le fichier compte { $rows } lignes ; une importation en prend au plus { $max } : scindez-le.
import-too-many-columns = Le fichier compte { $columns } colonnes ; une fiche en a au plus { $max }.
import-no-code = `{ $value }` n’est ni un code ni un libellé de { $list }, dans aucune des cinq langues
import-ambiguous = `{ $value }` peut désigner plusieurs codes ({ $codes }) : écrivez le code
import-not-a-number = `{ $value }` n’est pas un nombre entier
import-not-yes-no = `{ $value }` n’est ni oui ni non


## review: Problems of a record
problem-required = ce champ obligatoire manque
problem-integer = doit être un nombre entier
problem-one-language = doit comporter au moins une langue
problem-one-code = doit comporter au moins un code
problem-self-link = une fiche ne peut pas se lier à elle-même
problem-empty = ne doit pas être vide
problem-title-original = le titre doit être donné dans la langue d’origine ({ $language })
problem-unknown-code = `{ $value }` ne figure pas dans la liste de codes
problem-link-missing = renvoie à `{ $id }`, qui n’existe pas ici
problem-link-kind = renvoie à `{ $id }`, une fiche d’un autre type ({ $kind })
problem-too-long = compte { $n } caractères ; la limite est { $max }
problem-url = `{ $value }` n’est pas une adresse web (http ou https)
problem-email = `{ $value }` n’est pas une adresse électronique
problem-date = `{ $value }` n’est pas une date (AAAA-MM-JJ)
problem-twice = `{ $value }` figure deux fois
problem-before = ne doit pas précéder { $field }
problem-region = la région { $region } n’est pas dans les pays de la fiche
problem-range = { $n } est hors de { $min }–{ $max }
## review: Erreurs
error-title = Une erreur s'est produite
error-back = Retour à la recherche
error-code = Code d'erreur : { $code }

## review: Connexion et compte
login-title = Connexion
login-name = Nom d'utilisateur
login-password = Mot de passe
login-button = Se connecter
login-accounts-note = Les comptes sont créés par l'administrateur du nœud
account-title = Mon compte
account-signed-in = Session ouverte en tant que { $name }.
account-sessions = Sessions
account-opened = Ouverture
account-ends = Expiration
account-browser = Navigateur
account-end = Fermer
account-this-session = cette session
account-change-password = Modifier le mot de passe
account-current-password = Mot de passe actuel
account-new-password = Nouveau mot de passe (au moins { $n } caractères)
account-password-note = La modification du mot de passe ferme toutes les sessions, y compris celle-ci.
account-language = Langue de l'interface
account-language-browser = La langue du navigateur
account-save-language = Enregistrer

## review: Lots de travail en un coup d’œil
nav-overview = Vue d’ensemble
nav-replication = Réplication
nav-priorities = Priorités
nav-action-plan = Plans d’action
nav-reports = Rapports
wp-all-countries = Les quatre pays
wp-country-switch = Pays
wp-download = Télécharger
wp-download-csv = CSV
wp-download-xlsx = Excel (XLSX)
wp-nothing-yet = Rien n’est encore enregistré.
wp-print-note = Pour le rapport destiné à un financeur, imprimez cette page (la version imprimée omet la navigation et les boutons) ou téléchargez les tableaux :
wp-truncated = Seules les { $n } premières fiches sont comptées sur cette page.
overview-title = Vue d’ensemble de l’écosystème
overview-intro = Forces et faiblesses par dimension de l’écosystème, lieux où les initiatives sont menées et besoins auxquels elles répondent : les fiches de ce nœud et celles que partagent les partenaires.
overview-swot = Matrice SWOT
overview-swot-caption = Éléments de l’écosystème par dimension et par pays. Chaque chiffre renvoie aux éléments qu’il compte.
overview-swot-dimension = Dimension
overview-map = Initiatives par région
overview-map-title = Initiatives par région NUTS
overview-map-desc = Carte de { $regions } régions : plus une région est foncée, plus elle compte d’initiatives. Chaque région renvoie à ses initiatives ; le tableau ci-dessous donne les mêmes chiffres.
overview-map-region = { $name } : { $count ->
    [one] { $count } initiative
   *[other] { $count } initiatives
}
overview-map-legend = Initiatives
overview-map-none = aucune
overview-map-attribution = © EuroGeographics pour les limites administratives. Source : Eurostat GISCO, NUTS 2024, 1:20 millions.
overview-map-table = Régions comptant des initiatives
overview-region = Région
overview-count = Initiatives
overview-count-items = Éléments
overview-unplaced = { $count ->
    [one] { $count } initiative n’indique aucune région de cette carte (seulement un pays, ou un code d’une version antérieure de la NUTS, comme les codes 2021 de la Lettonie) :
   *[other] { $count } initiatives n’indiquent aucune région de cette carte (seulement un pays, ou un code d’une version antérieure de la NUTS, comme les codes 2021 de la Lettonie) :
}
overview-unplaced-row = hors de la carte
overview-themes = Initiatives par thème
overview-themes-desc = Nombre d’initiatives par thème, par ordre décroissant. Une initiative qui relève de plusieurs thèmes est comptée une fois dans chacun.
overview-target-groups = Initiatives par public cible
overview-target-groups-desc = Nombre d’initiatives par public cible, par ordre décroissant. Une initiative qui s’adresse à plusieurs publics cibles est comptée une fois dans chacun.
replication-title = Suivi des réplications
replication-intro = Les cas de réplication, du premier intérêt au changement d’échelle, avec leur durée dans l’étape en cours, leur degré de préparation et les séances de mentorat tenues. Pour en ouvrir un, ouvrez l’initiative d’un partenaire et choisissez « Envisager une réplication ».
replication-days = { $days ->
    [one] { $days } jour à cette étape
   *[other] { $days } jours à cette étape
}
replication-readiness = Degré de préparation : { $readiness }
replication-no-assessment = Pas encore d’évaluation de la préparation
replication-sessions = { $count ->
    [one] { $count } séance de mentorat tenue
   *[other] { $count } séances de mentorat tenues
}
replication-empty-stage = Aucun cas à cette étape.
replication-case-title = Réplication de { $title }
consider-title = Envisager une réplication
consider-intro = Ouvre sur ce nœud un cas de réplication lié à cette initiative, sous forme de brouillon à compléter ici, et informe { $name } que vous l’envisagez.
consider-button = Envisager une réplication
readiness-title = Préparation à la réplication
readiness-rule = Pas prêt lorsqu’un critère essentiel (besoin dans le contexte cible, organisation adoptante engagée, compatibilité juridique, piste de financement) obtient 0 ou que la moyenne est inférieure à 1,5 ; prêt lorsque chaque critère obtient 2 ou plus ; sinon, prêt sous conditions.
readiness-criterion = Critère
readiness-score = Note
readiness-note = Éléments de preuve
readiness-source = Source
priorities-title = Priorités de renforcement des capacités
priorities-intro = Les priorités de renforcement des capacités des quatre pays, côte à côte, par domaine. Les domaines communs à trois pays ou plus sont signalés, avec les outils et méthodes qui y répondent.
priorities-area = Domaine
priorities-tools = Outils et méthodes qui y répondent
priorities-shared = Commun à { $count } pays
priorities-no-area = Aucun domaine indiqué
actions-title = Avancement des plans d’action
actions-intro = Les actions des plans d’action nationaux par fonction du centre de compétences et par statut, celles qui sont en retard, leurs indicateurs et les faiblesses auxquelles aucune action ne répond encore.
actions-by-function = Actions par fonction et par statut
actions-function = Fonction
actions-no-function = Aucune fonction indiquée
actions-total = Total
actions-overdue = En retard
actions-none-overdue = Aucune action n’est en retard.
actions-overdue-days = { $days ->
    [one] { $days } jour de retard sur la fin prévue
   *[other] { $days } jours de retard sur la fin prévue
}
actions-kpis = Indicateurs
actions-item = Action
actions-kpi = Indicateur
actions-actual = Valeur atteinte
actions-target = Cible
actions-progress = Avancement
actions-unaddressed = Faiblesses auxquelles aucune action ne répond encore
actions-all-addressed = Chaque faiblesse et chaque frein ont une action qui y répond.
reports-title = Rapports
reports-intro = Les tableaux de la vue d’ensemble, du suivi des réplications, des priorités et des plans d’action, avec les libellés dans votre langue, pour les rapports destinés aux financeurs. Toutes les pages s’impriment sans la navigation ni les boutons.
reports-report = Rapport
reports-esim-note = L’export European Social Innovation Match contient les initiatives validées de ce nœud dont le niveau d’accès est public, dans la structure de cas de SIM et en anglais comme l’exige SIM (un texte sans version anglaise garde sa langue, indiquée entre crochets) ; chaque partenaire soumet les siennes. docs/work-packages.md indique les champs de chaque colonne.
report-swot = Matrice SWOT : éléments par dimension, pays et polarité
report-regions = Initiatives par région NUTS
report-themes = Initiatives par thème
report-target-groups = Initiatives par public cible
report-replication = Cas de réplication avec étape, jours dans l’étape, degré de préparation et mentorat
report-priorities = Priorités de renforcement des capacités par domaine et par pays
report-actions = Actions avec statut, calendrier et indicateurs
report-esim = Initiatives validées pour European Social Innovation Match
report-days-in-stage = Jours dans l’étape
report-readiness = Degré de préparation
report-sessions-held = Séances de mentorat tenues
report-countries-sharing = Pays
report-days-overdue = Jours de retard
record-partner-notes = Notes des partenaires
wp-label-count = { $label } : { $count }
wp-percent = { $percent } %
readiness-score-of = { $score } / 3

## review: Noms des champs des fiches (un par champ du schéma)
field-id = Identifiant
field-kind = Type de fiche
field-revision = Révision
field-created_at = Création
field-updated_at = Mise à jour
field-access_level = Accès
field-validation_status = Statut de validation
field-licence = Licence
field-original_lang = Langue d'origine
field-sources = Sources
field-internal_notes = Notes internes
field-name = Nom
field-acronym = Sigle
field-country = Pays
field-nuts = Régions (NUTS)
field-city = Ville
field-website = Site web
field-org_type = Type d'organisation
field-legal_form = Forme juridique
field-social_enterprise_status = Statut d'entreprise sociale
field-ecosystem_roles = Rôles dans l'écosystème
field-themes = Thèmes
field-description = Description
field-founded_year = Année de création
field-functional_contact = Adresse électronique fonctionnelle
field-title = Titre
field-status = Statut
field-start_year = Année de début
field-end_year = Année de fin
field-countries = Pays
field-scope = Échelle d'action
field-urban_rural = Urbain ou rural
field-lead_org = Organisation cheffe de file
field-partner_orgs = Organisations partenaires
field-contact_person = Personne de contact
field-founder_names = Fondateurs
field-summary = Résumé
field-problem = Problème
field-solution = Solution
field-activities = Activités
field-target_groups = Publics cibles
field-beneficiaries_reached = Bénéficiaires touchés
field-esf_objectives = Objectifs du FSE+
field-sdgs = Objectifs de développement durable
field-innovation_type = Type d'innovation
field-stage = Stade de développement
field-evidence_level = Niveau de preuve
field-evaluation_methods = Méthodes d'évaluation
field-results = Résultats
field-funding_sources = Sources de financement
field-business_model = Modèle économique
field-cost_per_unit = Coût unitaire
field-open_to_transfer = Ouverture au transfert
field-transferability = Transférabilité
field-resources_needed = Ressources nécessaires
field-core_elements = Éléments essentiels
field-adaptable_elements = Éléments adaptables
field-difficulties = Difficultés
field-policy_links = Politiques liées
field-mapped_in = Cartographie d'origine
field-policy_type = Type de politique
field-date_adopted = Date d'adoption
field-in_force_from = En vigueur depuis le
field-in_force = En vigueur
field-effect_on_si = Effet sur l'innovation sociale
field-related_initiatives = Initiatives liées
field-funder_org = Organisme financeur
field-funding_source = Source de financement
field-programme = Programme
field-open_from = Ouverture des candidatures
field-open_until = Clôture des candidatures
field-budget_eur = Budget (EUR)
field-grant_min_eur = Subvention minimale (EUR)
field-grant_max_eur = Subvention maximale (EUR)
field-eligibility = Éligibilité
field-provider_org = Organisation prestataire
field-tool_type = Type d'outil
field-process_elements = Éléments du processus
field-levels = Niveaux
field-audiences = Publics
field-cost = Coût
field-statement = Énoncé
field-dimension = Dimension
field-polarity = Polarité
field-evidence = Éléments de preuve
field-assessment = Évaluation
field-year = Année
field-priority = Priorité
field-lesson_type = Type d'enseignement
field-about = Concerne
field-context = Contexte
field-recommendation = Recommandation
field-confidence = Degré de confiance
field-origin_initiative = Initiative répliquée
field-origin_country = Pays d'origine
field-origin_nuts = Régions d'origine (NUTS)
field-target_country = Pays cible
field-target_nuts = Régions cibles (NUTS)
field-target_place = Lieu cible
field-originator_org = Organisation d'origine
field-adopter_orgs = Organisations adoptantes
field-scaling_type = Type de changement d'échelle
field-strategy = Stratégie
field-rationale = Justification
field-context_differences = Différences de contexte
field-lessons = Enseignements
field-audience = Public
field-need = Besoin
field-priority_rank = Rang de priorité
field-related_tools = Outils liés
field-objective = Objectif
field-ncc_function = Fonction du centre de compétences
field-responsible_org = Organisation responsable
field-start_date = Date de début
field-end_date = Date de fin
field-kpi = Indicateur clé de performance
field-addresses = Répond à
field-role_title = Fonction
field-organisation = Organisation
field-email = Courriel
field-phone = Téléphone
field-languages = Langues
field-lawful_basis = Base légale
field-source_of_data = Source des données
field-review_due = Date de réexamen
field-status_since = Dans ce statut depuis le
field-area = Domaine
field-kpi_target = Valeur cible de l’indicateur
field-kpi_actual = Valeur atteinte de l’indicateur
field-replication_case = Cas de réplication
field-assessed_on = Date de l’évaluation
field-assessor_org = Organisation évaluatrice
field-need_in_target = Besoin dans le contexte cible
field-evidence_of_impact = Preuves d’impact
field-model_documented = Modèle documenté
field-core_vs_adaptable_defined = Éléments essentiels et adaptables définis
field-originator_capacity = Capacité d’accompagnement de l’organisation d’origine
field-adopter_identified_and_committed = Organisation adoptante identifiée et engagée
field-local_demand_stakeholders = Demande et soutien locaux
field-legal_regulatory_fit = Compatibilité juridique et réglementaire
field-funding_path = Piste de financement
field-cost_per_unit_known = Coût unitaire connu
field-language_cultural_adaptation_needs = Adaptation linguistique et culturelle
field-ip_licence_terms = Conditions de licence
field-risks = Risques
field-need_in_target_note = Éléments de preuve: { field-need_in_target }
field-need_in_target_source = Source: { field-need_in_target }
field-evidence_of_impact_note = Éléments de preuve: { field-evidence_of_impact }
field-evidence_of_impact_source = Source: { field-evidence_of_impact }
field-model_documented_note = Éléments de preuve: { field-model_documented }
field-model_documented_source = Source: { field-model_documented }
field-core_vs_adaptable_defined_note = Éléments de preuve: { field-core_vs_adaptable_defined }
field-core_vs_adaptable_defined_source = Source: { field-core_vs_adaptable_defined }
field-originator_capacity_note = Éléments de preuve: { field-originator_capacity }
field-originator_capacity_source = Source: { field-originator_capacity }
field-adopter_identified_and_committed_note = Éléments de preuve: { field-adopter_identified_and_committed }
field-adopter_identified_and_committed_source = Source: { field-adopter_identified_and_committed }
field-local_demand_stakeholders_note = Éléments de preuve: { field-local_demand_stakeholders }
field-local_demand_stakeholders_source = Source: { field-local_demand_stakeholders }
field-legal_regulatory_fit_note = Éléments de preuve: { field-legal_regulatory_fit }
field-legal_regulatory_fit_source = Source: { field-legal_regulatory_fit }
field-funding_path_note = Éléments de preuve: { field-funding_path }
field-funding_path_source = Source: { field-funding_path }
field-cost_per_unit_known_note = Éléments de preuve: { field-cost_per_unit_known }
field-cost_per_unit_known_source = Source: { field-cost_per_unit_known }
field-language_cultural_adaptation_needs_note = Éléments de preuve: { field-language_cultural_adaptation_needs }
field-language_cultural_adaptation_needs_source = Source: { field-language_cultural_adaptation_needs }
field-ip_licence_terms_note = Éléments de preuve: { field-ip_licence_terms }
field-ip_licence_terms_source = Source: { field-ip_licence_terms }
field-risks_note = Éléments de preuve: { field-risks }
field-risks_source = Source: { field-risks }
field-recommended_strategy = Stratégie recommandée
field-date = Date
field-format = Format
field-mentor_org = Organisation mentor
field-adopter_org = Organisation adoptante
field-topics = Sujets abordés
field-outcomes = Résultats obtenus
field-next_steps = Prochaines étapes
field-participant_count = Nombre de participants
field-participants = Noms des participants

## review: Types de fiche
kind-organisation = Organisation
kind-initiative = Initiative
kind-policy_instrument = Instrument de politique publique
kind-funding_instrument = Instrument de financement
kind-support_tool = Outil d'accompagnement
kind-ecosystem_item = Élément de l'écosystème (SWOT)
kind-lesson = Enseignement tiré
kind-replication_case = Cas de réplication
kind-capacity_priority = Priorité de renforcement des capacités
kind-action_item = Action
kind-person = Personne
kind-readiness_assessment = Évaluation de la préparation
kind-mentoring_session = Séance de mentorat
