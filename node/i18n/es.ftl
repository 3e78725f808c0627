### sicc staff UI — Spanish. Machine-assisted translation of en.ftl.
### Translators: keep the message ids and { $variables }; change the text. Remove "review: " from a group heading once its messages are checked.

## review: Estructura de la página
skip-to-content = Ir al contenido
nav-main = Menú principal
nav-search = Buscar
nav-new = Novedades
nav-catalogs = Catálogos
nav-peers = Socios
nav-api = API
nav-create = Nuevo registro
nav-import = Importar
log-out = Cerrar sesión
language-switch = Idioma
live-reload = Recargar
live-entry-arrived = Ha llegado una entrada compartida.
live-entry-changed = Ha cambiado una entrada compartida.
live-entry-removed = Se ha retirado una entrada compartida.
live-peer-up = Se ha conectado un nodo asociado.
live-peer-down = Se ha desconectado un nodo asociado.

## review: Página de búsqueda
search-title = Buscar prácticas
search-filters = Filtros
search-apply-filters = Aplicar filtros
search-clear-filters = Borrar filtros
search-label = Buscar en cualquier idioma (es, fr, sv, lv, en)
search-placeholder = p. ej., vivienda, aprūpe mājās, hemtjänst, home care
search-order = Orden:
search-best-match = más pertinentes
search-newest = más recientes
search-button = Buscar
search-no-results = No hay resultados. Quite algún filtro o pruebe con otras palabras: las etiquetas de los temas y de los grupos destinatarios se reconocen en los cinco idiomas.
search-download-csv = Descargar los registros de los filtros marcados (CSV, con etiquetas)
records-count = { $count ->
    [one] { $n } registro
   *[other] { $n } registros
}
this-node = este nodo
shared-by = compartido por { $name }
updated-on = actualizado el { $date }
page-previous = ← Anterior
page-next = Siguiente →
nav-pages = Páginas
facet-kind = Tipo de registro
facet-country = País
facet-nuts = Región (NUTS)
facet-theme = Tema
facet-target_group = Grupo destinatario
facet-esf_objective = Objetivo del FSE+
facet-sdg = Objetivo de Desarrollo Sostenible
facet-stage = Fase de desarrollo
facet-evidence_level = Nivel de evidencia
facet-origin = Mantenido por
facet-catalog = Catálogo
facet-language = Idioma del texto
facet-open_to_transfer = Disponible para transferencia
facet-validation_status = Estado de validación
facet-swot_dimension = Dimensión del ecosistema
facet-swot_polarity = Fortaleza, debilidad…
facet-initiative_status = Estado de la iniciativa
facet-replication_status = Etapa de la replicación
facet-action_status = Estado de la acción
facet-scope = Nivel de actuación
facet-funding_source = Fuente de financiación
facet-support_tool_type = Tipo de herramienta de apoyo
facet-process_element = Elemento del proceso
facet-ncc_function = Función del centro de competencias
facet-more = { $count ->
    [one] { $count } valor más
   *[other] { $count } valores más
}

## review: Página de un registro
record-shared-by = Compartido por { $name } a través del catálogo { $catalog }
record-access = Acceso: { $access }
record-status = Estado: { $status }
record-in-language = en { $language }
record-details = Detalles
record-links = Vínculos
record-classification = Clasificación
record-referenced-by = Referenciado por
record-referenced-none = Ningún otro registro de este nodo hace referencia a él.
record-no-longer-shared = ya no se comparte
record-link-shared = compartido por { $name }
record-annotations = Anotaciones de los miembros
record-history = Historial
history-when = Fecha
history-author = Autoría
history-change = Cambio
history-who = Quién
history-what = Qué
history-revision = Revisión
history-unknown = desconocido
action-create = creado
action-replace = editado
action-import = importado
action-delete = eliminado
action-erase = borrado
record-publish = Publicar
record-catalogue = Catálogo
record-publish-button = Publicar para los socios
record-projection-note = Solo se comparte la versión pública del registro: nunca las notas internas, las personas de contacto ni los nombres de los fundadores.
record-local-note = Este registro es local (o contiene datos personales) y no se puede compartir.
record-publish-needs-validation = Solo se publican para los socios los registros validados. Envíe primero este registro a validación.
record-published-in = Publicado en
record-unpublish = Retirar la publicación
record-workflow = Validación
record-submit = Enviar a validación
record-validate = Validar
record-return-to-draft = Devolver a borrador
record-edit = Editar
record-yes = sí
record-no = no
quarantined-notice = En cuarentena: este registro, compartido por { $origin } a través del catálogo { $catalog }, no supera la validación en este nodo.
quarantined-why = Motivo: { $problem }
quarantined-explained = Se conserva tal como llegó y queda fuera de las listas y de la búsqueda hasta que supere la validación, ya sea tras una actualización de las listas de códigos de este nodo o tras recibir de su propietario una versión corregida. La página de socios muestra el número de entradas en cuarentena de cada socio.

## review: Avisos tras una acción
done-published = Publicado: los socios suscritos al catálogo lo reciben desde ahora.
done-unpublished = Publicación retirada: los socios lo eliminarán en su próxima sincronización.
done-subscribed = Suscripción solicitada: las entradas llegarán cuando el propietario la autorice.
done-subscription-granted = Suscripción autorizada: el propietario está enviando ahora las entradas del catálogo.
done-subscription-refused = El propietario ha rechazado la suscripción: no llegará ninguna entrada.
done-unsubscribed = Suscripción cancelada: las entradas del catálogo se han eliminado de este nodo.
done-granted = Acceso concedido.
done-refused = Acceso retirado o solicitud rechazada.
done-session-ended = Se ha cerrado la sesión.
done-submitted = Enviado a validación.
done-validated = Validado: ya se puede publicar.
done-draft = Devuelto a borrador.
done-saved = Guardado.
done-created = Creado.
done-password-changed = Se ha cambiado la contraseña.
done-deleted = Eliminado.
done-replication-started = Caso de replicación abierto aquí como borrador; se ha informado al centro de origen a través de la federación.
done-replication-started-untold = Caso de replicación abierto aquí como borrador. No se ha podido informar al centro de origen, casi siempre porque este nodo necesita permiso de escritura en el catálogo de ese centro (pida al centro que se lo conceda); el registro del nodo indica el motivo.
done-replication-exists = Esta iniciativa ya tiene un caso de replicación en este nodo: aquí está.

## review: Página de catálogos
catalogs-title = Catálogos
catalogs-catalogue = Catálogo
catalogs-owner = Propietario
catalogs-role = Función
catalogs-entries = Entradas
catalogs-action = Acción
catalogs-unsubscribe = Cancelar la suscripción
catalogs-subscribe = Suscribirse
catalogs-requests = Solicitudes de suscripción a los catálogos de este nodo
catalogs-none = Ninguna.
catalogs-member = Miembro
catalogs-status = Estado
catalogs-grant = Conceder
catalogs-refuse = Rechazar
relation-owner = propietario
relation-subscriber = suscriptor
relation-requested = solicitado
relation-offered = ofrecido
relation-member = miembro
subscription-pending = pendiente del propietario
subscription-granted = concedida
subscription-refused = rechazada

## review: Página de socios
peers-title = Socios
peers-member = Miembro
peers-country = País
peers-connected = Conectado
peers-last-sync = Última sincronización
peers-behind = Documentos pendientes
peers-quarantined = En cuarentena
peers-never = nunca
peers-quarantined-title = Entradas en cuarentena
peers-quarantined-explained = Entradas compartidas por los socios que no son válidas en este nodo (un código desconocido, un esquema más reciente). Se conservan y quedan fuera de las listas y de la búsqueda hasta que superen la validación.
peers-rejected = Cambios rechazados

## review: Novedades
new-title = Novedades
new-since = Desde su última visita ({ $date }).
new-first-visit = Su primera visita: todo el contenido de este nodo.
new-theme = Tema
new-country = País
new-any = todos
new-narrow = Acotar
new-shared = Compartidos por los socios ({ $n })
new-local = En este nodo ({ $n })

## review: Edición
edit-title-new = Nuevo registro
edit-title-edit = Editar: { $title }
edit-choose-kind = ¿Qué desea registrar?
edit-kind = Tipo de registro
edit-continue = Continuar
edit-save = Guardar
edit-cancel = Cancelar
edit-required = obligatorio
edit-problems = No se ha guardado el registro: { $count ->
    [one] hay un problema
   *[other] hay { $count } problemas
} (véase más abajo).
edit-none = (ninguno)
edit-id-hint = Letras minúsculas a-z, cifras y - _ . (p. ej. lv-home-care); si se deja vacío, el nodo crea uno.
edit-links-hint = Identificadores de registros de este nodo o compartidos con él, uno por línea.
edit-lines-hint = Uno por línea.
edit-codes-hint = Mantenga pulsada la tecla Ctrl (⌘ en Mac) para seleccionar varios.
edit-conflict-title = Otra persona ha guardado antes este registro
edit-conflict-explained = Mientras usted editaba, se guardó la revisión { $theirs } (usted partió de la revisión { $yours }). Sus cambios no se han guardado. A continuación figuran los valores almacenados actualmente; su texto se conserva en el formulario para que pueda copiarlo.
edit-conflict-reload = Abrir la versión actual
edit-conflict-stored = Versión almacenada
edit-conflict-yours = Su versión
edit-delete = Eliminar
edit-delete-blocked = No se puede eliminar mientras otros registros hagan referencia a él:
edit-deleted = Eliminado.

## review: Import
import-title = Importar una hoja de cálculo
import-explained = Suba un archivo CSV o XLSX con un registro por fila y una fila de encabezados. Después elija qué campo contiene cada columna; los códigos pueden escribirse como etiquetas en cualquiera de los cinco idiomas (Latgale, konsorcijs, personas mayores). No se guarda nada antes de que haya visto todos los problemas de todas las filas.
import-file = Archivo (CSV o XLSX)
import-upload = Leer el archivo
import-columns = Columnas
import-column = Columna del archivo
import-example = Primer valor
import-field = Campo
import-ignore = (ignorar esta columna)
import-preview = Comprobar todas las filas
import-summary = { $rows ->
    [one] { $rows } fila
   *[other] { $rows } filas
}: { $ready } listas para importar, { $problems } con problemas.
import-line = Línea
import-record = Registro
import-problems = Problemas
import-ok = lista
import-replaces = sustituye al registro guardado con este identificador (los campos que falten en la hoja quedan vacíos)
import-commit = { $ready ->
    [one] Importar la fila sin problemas
   *[other] Importar las { $ready } filas sin problemas
}
import-done = { $imported ->
    [one] { $imported } registro importado
   *[other] { $imported } registros importados
}, { $refused ->
    [one] { $refused } fila no importada
   *[other] { $refused } filas no importadas
}.
import-another = Importar otro archivo
import-unreadable = El archivo no es una tabla CSV o XLSX legible: { $why }
import-empty = El archivo no tiene fila de encabezados.
import-too-many-rows = El archivo tiene { $rows } filas; una importación admite como máximo { $max }: divídalo.
import-too-many-columns = El archivo tiene { $columns } columnas; un registro tiene como máximo { $max }.
import-no-code = `{ $value }` no es un código ni una etiqueta de { $list } en ninguno de los cinco idiomas
import-ambiguous = `{ $value }` puede significar varios códigos ({ $codes }): escriba el código
import-not-a-number = `{ $value }` no es un número entero
import-not-yes-no = `{ $value }` no es sí ni no


## review: Problems of a record
problem-required = falta este campo obligatorio
problem-integer = debe ser un número entero
problem-one-language = debe tener al menos un idioma
problem-one-code = debe tener al menos un código
problem-self-link = un registro no puede enlazarse a sí mismo
problem-empty = no puede estar vacío
problem-title-original = el título debe darse en el idioma original ({ $language })
problem-unknown-code = `{ $value }` no está en la lista de códigos
problem-link-missing = enlaza con `{ $id }`, que no existe aquí
problem-link-kind = enlaza con `{ $id }`, un registro de otro tipo ({ $kind })
problem-too-long = tiene { $n } caracteres; el límite es { $max }
problem-url = `{ $value }` no es una dirección web (http o https)
problem-email = `{ $value }` no es una dirección de correo electrónico
problem-date = `{ $value }` no es una fecha (AAAA-MM-DD)
problem-twice = `{ $value }` aparece dos veces
problem-before = no puede ser anterior a { $field }
problem-region = la región { $region } no está en los países del registro
problem-range = { $n } está fuera de { $min }–{ $max }
## review: Errores
error-title = Se ha producido un error
error-back = Volver a la búsqueda
error-code = Código de error: { $code }

## review: Inicio de sesión y cuenta
login-title = Iniciar sesión
login-name = Nombre de usuario
login-password = Contraseña
login-button = Iniciar sesión
login-accounts-note = Las cuentas las crea el administrador del nodo
account-title = Mi cuenta
account-signed-in = Sesión iniciada como { $name }.
account-sessions = Sesiones
account-opened = Inicio
account-ends = Caducidad
account-browser = Navegador
account-end = Cerrar
account-this-session = esta sesión
account-change-password = Cambiar la contraseña
account-current-password = Contraseña actual
account-new-password = Nueva contraseña (al menos { $n } caracteres)
account-password-note = Al cambiar la contraseña se cierran todas las sesiones, incluida esta.
account-language = Idioma de la interfaz
account-language-browser = El idioma del navegador
account-save-language = Guardar

## review: Paquetes de trabajo de un vistazo
nav-overview = Panorama
nav-replication = Replicación
nav-priorities = Prioridades
nav-action-plan = Planes de acción
nav-reports = Informes
wp-all-countries = Los cuatro países
wp-country-switch = País
wp-download = Descargar
wp-download-csv = CSV
wp-download-xlsx = Excel (XLSX)
wp-nothing-yet = Todavía no hay nada registrado.
wp-print-note = Para el informe a un financiador, imprima esta página (la versión impresa omite la navegación y los botones) o descargue las tablas:
wp-truncated = En esta página solo se cuentan los primeros { $n } registros.
overview-title = Panorama del ecosistema
overview-intro = Fortalezas y debilidades por dimensión del ecosistema, dónde se desarrollan las iniciativas y a qué necesidades responden: los registros de este nodo y los que comparten los socios.
overview-swot = Matriz DAFO
overview-swot-caption = Elementos del ecosistema por dimensión y país. Cada cifra enlaza con los elementos que cuenta.
overview-swot-dimension = Dimensión
overview-map = Iniciativas por región
overview-map-title = Iniciativas por región NUTS
overview-map-desc = Mapa de { $regions } regiones: cuanto más oscura es una región, más iniciativas se desarrollan en ella. Cada región enlaza con sus iniciativas; la tabla siguiente recoge las mismas cifras.
overview-map-region = { $name }: { $count ->
    [one] { $count } iniciativa
   *[other] { $count } iniciativas
}
overview-map-legend = Iniciativas
overview-map-none = ninguna
overview-map-attribution = © EuroGeographics para los límites administrativos. Fuente: Eurostat GISCO, NUTS 2024, 1:20 millones.
overview-map-table = Regiones con iniciativas
overview-region = Región
overview-count = Iniciativas
overview-count-items = Elementos
overview-unplaced = { $count ->
    [one] Una iniciativa no indica ninguna región de este mapa (solo un país, o un código de una versión anterior de NUTS, como los códigos de 2021 de Letonia):
   *[other] { $count } iniciativas no indican ninguna región de este mapa (solo un país, o un código de una versión anterior de NUTS, como los códigos de 2021 de Letonia):
}
overview-unplaced-row = fuera del mapa
overview-themes = Iniciativas por tema
overview-themes-desc = Número de iniciativas por tema, de mayor a menor. Una iniciativa con varios temas cuenta una vez en cada uno.
overview-target-groups = Iniciativas por grupo destinatario
overview-target-groups-desc = Número de iniciativas por grupo destinatario, de mayor a menor. Una iniciativa con varios grupos destinatarios cuenta una vez en cada uno.
replication-title = Cartera de replicaciones
replication-intro = Casos de replicación desde el primer interés hasta el escalado, con el tiempo que llevan en su etapa, su grado de preparación y las sesiones de mentoría realizadas. Para iniciar uno, abra una iniciativa de un socio y elija «Considerar para replicación».
replication-days = { $days ->
    [one] { $days } día en esta etapa
   *[other] { $days } días en esta etapa
}
replication-readiness = Grado de preparación: { $readiness }
replication-no-assessment = Aún no hay evaluación de la preparación
replication-sessions = { $count ->
    [one] { $count } sesión de mentoría realizada
   *[other] { $count } sesiones de mentoría realizadas
}
replication-empty-stage = Ningún caso en esta etapa.
replication-case-title = Replicación de { $title }
consider-title = Considerar para replicación
consider-intro = Abre en este nodo un caso de replicación vinculado a esta iniciativa, como borrador para completar aquí, y comunica a { $name } que lo está considerando.
consider-button = Considerar para replicación
readiness-title = Preparación para la replicación
readiness-rule = No preparado si un criterio esencial (necesidad en el contexto de destino, una organización adoptante comprometida, encaje jurídico, una vía de financiación) obtiene 0 puntos o la media es inferior a 1,5; preparado si todos los criterios obtienen 2 puntos o más; en los demás casos, preparado con condiciones.
readiness-criterion = Criterio
readiness-score = Puntuación
readiness-note = Evidencias
readiness-source = Fuente
priorities-title = Prioridades de desarrollo de capacidades
priorities-intro = Las prioridades de desarrollo de capacidades de los cuatro países, una junto a otra, por ámbito. Se señalan los ámbitos que comparten tres o más países, con las herramientas y los métodos que les dan respuesta.
priorities-area = Ámbito
priorities-tools = Herramientas y métodos que le dan respuesta
priorities-shared = { $count ->
    [one] Común a { $count } país
   *[other] Común a { $count } países
}
priorities-no-area = Sin ámbito indicado
actions-title = Avance de los planes de acción
actions-intro = Las acciones de los planes de acción nacionales por función del centro de competencias y por estado, las que van con retraso, sus indicadores y las debilidades a las que aún no responde ninguna acción.
actions-by-function = Acciones por función y estado
actions-function = Función
actions-no-function = Sin función indicada
actions-total = Total
actions-overdue = Con retraso
actions-none-overdue = Ninguna acción va con retraso.
actions-overdue-days = { $days ->
    [one] { $days } día de retraso respecto a la fecha de finalización prevista
   *[other] { $days } días de retraso respecto a la fecha de finalización prevista
}
actions-kpis = Indicadores
actions-item = Acción
actions-kpi = Indicador
actions-actual = Alcanzado
actions-target = Meta
actions-progress = Avance
actions-unaddressed = Debilidades a las que aún no responde ninguna acción
actions-all-addressed = Todas las debilidades y barreras tienen una acción que les da respuesta.
reports-title = Informes
reports-intro = Las tablas del panorama, de la cartera de replicaciones, de las prioridades y de los planes de acción, con las etiquetas en su idioma, para los informes a los financiadores. Todas las páginas se imprimen sin la navegación ni los botones.
reports-report = Informe
reports-esim-note = La exportación para European Social Innovation Match contiene las iniciativas validadas de este nodo cuyo nivel de acceso es público, con la estructura de casos de SIM y en inglés, como exige SIM (un texto sin versión en inglés se mantiene en su idioma, indicado entre corchetes); cada socio presenta las suyas. docs/work-packages.md indica a qué campos corresponde cada columna.
report-swot = Matriz DAFO: elementos por dimensión, país y polaridad
report-regions = Iniciativas por región NUTS
report-themes = Iniciativas por tema
report-target-groups = Iniciativas por grupo destinatario
report-replication = Casos de replicación con etapa, días en la etapa, grado de preparación y mentoría
report-priorities = Prioridades de desarrollo de capacidades por ámbito y país
report-actions = Acciones con estado, calendario e indicadores
report-esim = Iniciativas validadas para European Social Innovation Match
report-days-in-stage = Días en la etapa
report-readiness = Grado de preparación
report-sessions-held = Sesiones de mentoría realizadas
report-countries-sharing = Países
report-days-overdue = Días de retraso
record-partner-notes = Notas de los socios
wp-label-count = { $label }: { $count }
wp-percent = { $percent } %
readiness-score-of = { $score } / 3

## review: Nombres de los campos de los registros (uno por campo del esquema)
field-id = Identificador
field-kind = Tipo de registro
field-revision = Revisión
field-created_at = Creación
field-updated_at = Actualización
field-access_level = Acceso
field-validation_status = Estado de validación
field-licence = Licencia
field-original_lang = Idioma original
field-sources = Fuentes
field-internal_notes = Notas internas
field-name = Nombre
field-acronym = Siglas
field-country = País
field-nuts = Regiones (NUTS)
field-city = Localidad
field-website = Sitio web
field-org_type = Tipo de organización
field-legal_form = Forma jurídica
field-social_enterprise_status = Condición de empresa social
field-ecosystem_roles = Funciones en el ecosistema
field-themes = Temas
field-description = Descripción
field-founded_year = Año de fundación
field-functional_contact = Buzón funcional
field-title = Título
field-status = Estado
field-start_year = Año de inicio
field-end_year = Año de finalización
field-countries = Países
field-scope = Ámbito de actuación
field-urban_rural = Urbano o rural
field-lead_org = Organización coordinadora
field-partner_orgs = Organizaciones socias
field-contact_person = Persona de contacto
field-founder_names = Fundadores
field-summary = Resumen
field-problem = Problema
field-solution = Solución
field-activities = Actividades
field-target_groups = Grupos destinatarios
field-beneficiaries_reached = Personas beneficiarias alcanzadas
field-esf_objectives = Objetivos del FSE+
field-sdgs = Objetivos de Desarrollo Sostenible
field-innovation_type = Tipo de innovación
field-stage = Fase de desarrollo
field-evidence_level = Nivel de evidencia
field-evaluation_methods = Métodos de evaluación
field-results = Resultados
field-funding_sources = Fuentes de financiación
field-business_model = Modelo de negocio
field-cost_per_unit = Coste unitario
field-open_to_transfer = Disponible para transferencia
field-transferability = Transferibilidad
field-resources_needed = Recursos necesarios
field-core_elements = Elementos esenciales
field-adaptable_elements = Elementos adaptables
field-difficulties = Dificultades
field-policy_links = Políticas relacionadas
field-mapped_in = Mapeo de origen
field-policy_type = Tipo de política
field-date_adopted = Fecha de adopción
field-in_force_from = En vigor desde
field-in_force = En vigor
field-effect_on_si = Efecto en la innovación social
field-related_initiatives = Iniciativas relacionadas
field-funder_org = Organización financiadora
field-funding_source = Fuente de financiación
field-programme = Programa
field-open_from = Apertura de la convocatoria
field-open_until = Cierre de la convocatoria
field-budget_eur = Presupuesto (EUR)
field-grant_min_eur = Subvención mínima (EUR)
field-grant_max_eur = Subvención máxima (EUR)
field-eligibility = Requisitos de admisibilidad
field-provider_org = Organización proveedora
field-tool_type = Tipo de herramienta
field-process_elements = Elementos del proceso
field-levels = Niveles
field-audiences = Públicos destinatarios
field-cost = Coste
field-statement = Enunciado
field-dimension = Dimensión
field-polarity = Polaridad
field-evidence = Evidencias
field-assessment = Evaluación
field-year = Año
field-priority = Prioridad
field-lesson_type = Tipo de lección
field-about = Se refiere a
field-context = Contexto
field-recommendation = Recomendación
field-confidence = Grado de confianza
field-origin_initiative = Iniciativa replicada
field-origin_country = País de origen
field-origin_nuts = Regiones de origen (NUTS)
field-target_country = País de destino
field-target_nuts = Regiones de destino (NUTS)
field-target_place = Lugar de destino
field-originator_org = Organización de origen
field-adopter_orgs = Organizaciones adoptantes
field-scaling_type = Tipo de escalado
field-strategy = Estrategia
field-rationale = Justificación
field-context_differences = Diferencias de contexto
field-lessons = Lecciones aprendidas
field-audience = Público destinatario
field-need = Necesidad
field-priority_rank = Orden de prioridad
field-related_tools = Herramientas relacionadas
field-objective = Objetivo
field-ncc_function = Función del centro de competencias
field-responsible_org = Organización responsable
field-start_date = Fecha de inicio
field-end_date = Fecha de finalización
field-kpi = Indicador clave de rendimiento
field-addresses = Responde a
field-role_title = Cargo
field-organisation = Organización
field-email = Correo electrónico
field-phone = Teléfono
field-languages = Idiomas
field-lawful_basis = Base jurídica
field-source_of_data = Origen de los datos
field-review_due = Fecha de revisión
field-status_since = En este estado desde
field-area = Ámbito
field-kpi_target = Meta del indicador
field-kpi_actual = Valor alcanzado del indicador
field-replication_case = Caso de replicación
field-assessed_on = Fecha de evaluación
field-assessor_org = Organización evaluadora
field-need_in_target = Necesidad en el contexto de destino
field-evidence_of_impact = Evidencias de impacto
field-model_documented = Modelo documentado
field-core_vs_adaptable_defined = Elementos esenciales y adaptables definidos
field-originator_capacity = Capacidad de apoyo de la organización de origen
field-adopter_identified_and_committed = Organización adoptante identificada y comprometida
field-local_demand_stakeholders = Demanda y respaldo locales
field-legal_regulatory_fit = Encaje jurídico y normativo
field-funding_path = Vía de financiación
field-cost_per_unit_known = Coste unitario conocido
field-language_cultural_adaptation_needs = Adaptación lingüística y cultural
field-ip_licence_terms = Condiciones de licencia
field-risks = Riesgos
field-need_in_target_note = Evidencias: { field-need_in_target }
field-need_in_target_source = Fuente: { field-need_in_target }
field-evidence_of_impact_note = Evidencias: { field-evidence_of_impact }
field-evidence_of_impact_source = Fuente: { field-evidence_of_impact }
field-model_documented_note = Evidencias: { field-model_documented }
field-model_documented_source = Fuente: { field-model_documented }
field-core_vs_adaptable_defined_note = Evidencias: { field-core_vs_adaptable_defined }
field-core_vs_adaptable_defined_source = Fuente: { field-core_vs_adaptable_defined }
field-originator_capacity_note = Evidencias: { field-originator_capacity }
field-originator_capacity_source = Fuente: { field-originator_capacity }
field-adopter_identified_and_committed_note = Evidencias: { field-adopter_identified_and_committed }
field-adopter_identified_and_committed_source = Fuente: { field-adopter_identified_and_committed }
field-local_demand_stakeholders_note = Evidencias: { field-local_demand_stakeholders }
field-local_demand_stakeholders_source = Fuente: { field-local_demand_stakeholders }
field-legal_regulatory_fit_note = Evidencias: { field-legal_regulatory_fit }
field-legal_regulatory_fit_source = Fuente: { field-legal_regulatory_fit }
field-funding_path_note = Evidencias: { field-funding_path }
field-funding_path_source = Fuente: { field-funding_path }
field-cost_per_unit_known_note = Evidencias: { field-cost_per_unit_known }
field-cost_per_unit_known_source = Fuente: { field-cost_per_unit_known }
field-language_cultural_adaptation_needs_note = Evidencias: { field-language_cultural_adaptation_needs }
field-language_cultural_adaptation_needs_source = Fuente: { field-language_cultural_adaptation_needs }
field-ip_licence_terms_note = Evidencias: { field-ip_licence_terms }
field-ip_licence_terms_source = Fuente: { field-ip_licence_terms }
field-risks_note = Evidencias: { field-risks }
field-risks_source = Fuente: { field-risks }
field-recommended_strategy = Estrategia recomendada
field-date = Fecha
field-format = Formato
field-mentor_org = Organización mentora
field-adopter_org = Organización adoptante
field-topics = Temas tratados
field-outcomes = Resultados obtenidos
field-next_steps = Próximos pasos
field-participant_count = Número de participantes
field-participants = Nombres de los participantes

## review: Tipos de registro
kind-organisation = Organización
kind-initiative = Iniciativa
kind-policy_instrument = Instrumento de política
kind-funding_instrument = Instrumento de financiación
kind-support_tool = Herramienta de apoyo
kind-ecosystem_item = Elemento del ecosistema (DAFO)
kind-lesson = Lección aprendida
kind-replication_case = Caso de replicación
kind-capacity_priority = Prioridad de desarrollo de capacidades
kind-action_item = Acción
kind-person = Persona
kind-readiness_assessment = Evaluación de la preparación
kind-mentoring_session = Sesión de mentoría
