//! Who may do what, for every request: authentication (a session cookie, an API token or the
//! local credential, see `accounts.rs`), the role each route needs, the login and account
//! pages, and the admin endpoints for users and tokens.
//!
//! Every path but `/healthz`, `/readyz`, `/login` and the OpenAPI document needs a principal.
//! Without one, a page redirects to the login page and the API answers 401 `unauthenticated`;
//! with too small a role, 403 `forbidden`. A form of a session must carry the session's CSRF
//! token (403 `invalid_csrf`); the guard (`guard.rs`) has already refused other sites.

use super::{ApiError, ApiState, ErrorCode};
use crate::app::accounts::{
    AccountError, Principal, Role, SESSION_LIFETIME, SessionView, TokenView, UserView,
    session_cookie,
};
use axum::Json;
use axum::extract::{ConnectInfo, Form, Path, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use std::net::SocketAddr;

tokio::task_local! {
    /// The principal of the request being answered, for the page layout and forms.
    static CURRENT: Principal;
}

/// The principal of the request being answered (inside [`authenticate`]).
pub fn current() -> Option<Principal> {
    CURRENT.try_with(Clone::clone).ok()
}

/// Whether the request being answered may act with `role` (pages show only the actions the
/// user may take; the middleware enforces them either way).
pub fn may(role: Role) -> bool {
    current().is_some_and(|p| p.role() >= role)
}

/// The hidden CSRF field every form of a session carries.
pub fn csrf_field() -> Markup {
    let token = match current() {
        Some(Principal::User { csrf, .. }) => csrf,
        _ => String::new(),
    };
    html! { input type="hidden" name="csrf" value=(token); }
}

/// Refuses a form of a session that does not carry the session's token. Tokens and the local
/// credential are not sent by browsers on their own: their forms need none.
pub fn check_csrf(principal: &Principal, sent: &str) -> Result<(), ApiError> {
    match principal {
        Principal::User { csrf, .. } if csrf != sent => Err(ApiError::new(
            ErrorCode::InvalidCsrf,
            "this form is out of date or was not sent by this node's pages: reload the page and try again",
        )),
        _ => Ok(()),
    }
}

/// Paths anyone may reach: probes, the login page, the API's description.
fn public(path: &str) -> bool {
    matches!(
        path,
        "/healthz" | "/readyz" | "/login" | "/api/v1/openapi.json"
    )
}

/// The role a request needs. Reading needs `viewer` (admin pages `admin`); editing local
/// records `editor`; publishing, unpublishing and annotating `validator`; everything else
/// that changes something — catalogues, grants, subscriptions, backups, users — `admin`.
pub fn required_role(method: &Method, path: &str) -> Role {
    if path.starts_with("/api/v1/admin/") {
        return Role::Admin;
    }
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        // The forms themselves are an editor's: a viewer would fill them in for nothing.
        let form = path == "/records/new" || path == "/import" || path.ends_with("/edit");
        return if form && path.starts_with('/') && !path.starts_with("/api/") {
            Role::Editor
        } else {
            Role::Viewer
        };
    }
    if path == "/logout" || path.starts_with("/account/") {
        return Role::Viewer;
    }
    // The UI's record forms (`/records/new`, `/records/{id}/edit`, `…/status`) are an
    // editor's too; validating is checked where it is done.
    if path == "/api/v1/records"
        || path.starts_with("/api/v1/records/")
        || path.starts_with("/records/")
        || path == "/import"
        || path.starts_with("/import/")
        // Opens a draft case here; the note to the originating centre is fixed text.
        || path == "/ui/replicate"
    {
        return Role::Editor;
    }
    if path == "/ui/publish"
        || path == "/ui/unpublish"
        || (path.starts_with("/api/v1/catalogs/")
            && ["/publish", "/unpublish", "/annotate"]
                .iter()
                .any(|action| path.ends_with(action)))
    {
        return Role::Validator;
    }
    Role::Admin
}

/// The value of cookie `name`.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
}

/// Who sends the request: `Authorization: Bearer` (an API token or the local credential),
/// else the session cookie. A wrong bearer token is not replaced by a cookie.
async fn principal_of(
    state: &ApiState,
    headers: &HeaderMap,
) -> Result<Option<Principal>, ApiError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let Some(token) = auth.to_str().ok().and_then(|a| a.strip_prefix("Bearer ")) else {
            return Ok(None);
        };
        return Ok(state.accounts.bearer(token.trim()).await?);
    }
    let name = session_cookie(&state.app.node().node_id.to_string());
    match cookie(headers, &name) {
        Some(token) => Ok(state.accounts.session(&token).await?),
        None => Ok(None),
    }
}

/// The middleware: authenticates, checks the role, and runs the handler with the principal
/// (as a request extension, and for the page layout).
pub async fn authenticate(
    State(state): State<ApiState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if public(&path) {
        return next.run(request).await;
    }
    let principal = match principal_of(&state, request.headers()).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let Some(principal) = principal else {
        let page = !path.starts_with("/api/") && path != "/metrics";
        if page && request.method() == Method::GET {
            let here = request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_owned();
            let q = serde_urlencoded::to_string([("next", here)]).unwrap_or_default();
            return Redirect::to(&format!("/login?{q}")).into_response();
        }
        return (
            [(header::WWW_AUTHENTICATE, "Bearer realm=\"sicc\"")],
            ApiError::new(
                ErrorCode::Unauthenticated,
                "log in, or send `Authorization: Bearer <token>` (sicc token create)",
            ),
        )
            .into_response();
    };
    let needed = required_role(request.method(), &path);
    if principal.role() < needed {
        return ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "{} may not do this: it needs the {needed} role",
                principal.label()
            ),
        )
        .into_response();
    }
    request.extensions_mut().insert(principal.clone());
    // The account's language, unless the switch chose one in this browser.
    let account_lang = match &principal {
        Principal::User { lang: Some(l), .. }
            if cookie(request.headers(), super::ui::LANG_COOKIE).is_none() =>
        {
            crate::i18n::Lang::parse(l)
        }
        _ => None,
    };
    let run = CURRENT.scope(principal, next.run(request));
    match account_lang {
        Some(lang) => crate::i18n::scope(lang, run).await,
        None => run.await,
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> ApiError {
        let message = e.to_string();
        match e {
            AccountError::InvalidName(_) => {
                ApiError::new(ErrorCode::InvalidAccount, message).with_field("name")
            }
            AccountError::WeakPassword => {
                ApiError::new(ErrorCode::InvalidAccount, message).with_field("password")
            }
            AccountError::InvalidRole(_) => {
                ApiError::new(ErrorCode::InvalidAccount, message).with_field("role")
            }
            AccountError::UserExists(_) | AccountError::TokenExists(_) => {
                ApiError::new(ErrorCode::AccountExists, message).with_field("name")
            }
            AccountError::NoUser(_) | AccountError::NoToken(_) => {
                ApiError::new(ErrorCode::NotFound, message)
            }
            AccountError::BadCredentials => ApiError::new(ErrorCode::BadCredentials, message),
            AccountError::Throttled => ApiError::new(ErrorCode::Throttled, message),
            AccountError::LastAdmin(_) => ApiError::new(ErrorCode::LastAdmin, message),
            AccountError::Hash(_) => {
                tracing::error!(error = %message, "password hashing failed");
                ApiError::new(ErrorCode::Internal, message)
            }
            AccountError::Store(s) => s.into(),
        }
    }
}

// ---------------------------------------------------------------------------- pages

/// A local path to go back to after logging in (never another site).
pub(super) fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(|c| c.is_control() || c.is_whitespace())
                && !p.to_ascii_lowercase().contains("%09")
                && !p.to_ascii_lowercase().contains("%0a")
                && !p.to_ascii_lowercase().contains("%0d") =>
        {
            p.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

fn login_form(state: &ApiState, next: &str, problem: Option<&str>) -> Html<String> {
    let body = html! {
        h1 { (t!("login-title")) }
        @if let Some(p) = problem {
            p.error role="alert" { (p) }
        }
        form method="post" action="/login" {
            input type="hidden" name="next" value=(next);
            label for="name" { (t!("login-name")) }
            input id="name" name="name" autocomplete="username" required autofocus;
            label for="password" { (t!("login-password")) }
            input id="password" name="password" type="password" autocomplete="current-password" required;
            p { button type="submit" { (t!("login-button")) } }
        }
        p.meta { (t!("login-accounts-note")) " (" code { "sicc user add" } ")." }
    };
    super::ui::page(state, &t!("login-title"), body)
}

/// `GET /login`.
pub async fn login_page(
    State(state): State<ApiState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    let next = local_path(q.next.as_deref());
    if let Ok(Some(_)) = principal_of(&state, &headers).await {
        return Redirect::to(&next).into_response();
    }
    login_form(&state, &next, None).into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    next: Option<String>,
}

/// `POST /login`: opens a session (a Secure, HttpOnly, SameSite=Strict cookie).
pub async fn login(
    State(state): State<ApiState>,
    request_headers: HeaderMap,
    connect: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = local_path(form.next.as_deref());
    let agent = request_headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let forwarded = state
        .behind_proxy
        .then(|| {
            request_headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|ip| ip.trim().parse::<std::net::IpAddr>().ok())
        })
        .flatten();
    let from = forwarded.or(connect.map(|axum::Extension(ConnectInfo(addr))| addr.ip()));
    match state
        .accounts
        .login(form.name.trim(), &form.password, from, agent)
        .await
    {
        Ok(token) => {
            tracing::info!(user = %form.name.trim(), "logged in");
            let cookie = format!(
                "{}={token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={}",
                session_cookie(&state.app.node().node_id.to_string()),
                SESSION_LIFETIME.as_secs()
            );
            ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
        }
        Err(e) => {
            // The name as typed is logged only if it could be one (never a mistyped password).
            let name = form.name.trim();
            let shown = if crate::app::accounts::is_user_name(name) {
                name
            } else {
                "(not a user name)"
            };
            tracing::warn!(user = %shown, error = %e, "login refused");
            let status = match e {
                AccountError::Throttled => StatusCode::TOO_MANY_REQUESTS,
                AccountError::BadCredentials => StatusCode::UNAUTHORIZED,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            (status, login_form(&state, &next, Some(&e.to_string()))).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// The cookie that ends the session in the browser.
fn cleared_cookie(state: &ApiState) -> String {
    format!(
        "{}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0",
        session_cookie(&state.app.node().node_id.to_string())
    )
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<ApiState>,
    axum::Extension(principal): axum::Extension<Principal>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, ApiError> {
    check_csrf(&principal, &form.csrf)?;
    if let Principal::User { session, .. } = &principal {
        state.accounts.end_session(session).await?;
    }
    Ok((
        [(header::SET_COOKIE, cleared_cookie(&state))],
        Redirect::to("/login"),
    )
        .into_response())
}

/// `GET /account`: who one is, one's sessions, a password change.
pub async fn account_page(
    State(state): State<ApiState>,
    axum::Extension(principal): axum::Extension<Principal>,
    Query(flash): Query<super::ui::Flash>,
) -> Result<Html<String>, ApiError> {
    let sessions: Vec<SessionView> = match &principal {
        Principal::User { name, session, .. } => state.accounts.sessions_of(name, session).await?,
        _ => Vec::new(),
    };
    let body = html! {
        h1 { (t!("account-title")) }
        (super::ui::flash_notice(&flash))
        p { (t!("account-signed-in", name = principal.label())) }
        @if principal.user().is_some() {
            h2 { (t!("account-sessions")) }
            table {
                thead { tr { th scope="col" { (t!("account-opened")) } th scope="col" { (t!("account-ends")) } th scope="col" { (t!("account-browser")) } th scope="col" { "" } } }
                tbody {
                    @for s in &sessions {
                        tr {
                            td { (s.created_at) } td { (s.expires_at) } td { (s.user_agent) }
                            td {
                                @if s.current { (t!("account-this-session")) } @else {
                                    form method="post" action="/account/sessions/end" {
                                        (csrf_field())
                                        input type="hidden" name="id" value=(s.id);
                                        button type="submit" { (t!("account-end")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (t!("account-change-password")) }
            form method="post" action="/account/password" {
                (csrf_field())
                label for="current" { (t!("account-current-password")) }
                input id="current" name="current" type="password" autocomplete="current-password" required;
                label for="new" { (t!("account-new-password", n = crate::app::accounts::MIN_PASSWORD_CHARS)) }
                input id="new" name="new" type="password" autocomplete="new-password" required;
                p { button type="submit" { (t!("account-change-password")) } }
            }
            p.meta { (t!("account-password-note")) }
        }
        @if let Principal::User { lang, .. } = &principal {
            h2 { (t!("account-language")) }
            form method="post" action="/account/language" {
                (csrf_field())
                select id="account-lang" name="lang" aria-label=(t!("account-language")) {
                    option value="" { (t!("account-language-browser")) }
                    @for l in crate::i18n::Lang::ALL {
                        option value=(l.tag()) lang=(l.tag()) selected[lang.as_deref() == Some(l.tag())] { (l.endonym()) }
                    }
                }
                " " button type="submit" { (t!("account-save-language")) }
            }
        }
        form method="post" action="/logout" {
            (csrf_field())
            button type="submit" { (t!("log-out")) }
        }
    };
    Ok(super::ui::page(&state, &t!("account-title"), body))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    current: String,
    new: String,
}

/// `POST /account/password`.
pub async fn change_password(
    State(state): State<ApiState>,
    axum::Extension(principal): axum::Extension<Principal>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, ApiError> {
    check_csrf(&principal, &form.csrf)?;
    let Some(name) = principal.user() else {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "only a logged-in user changes a password here",
        ));
    };
    state
        .accounts
        .change_own_password(name, &form.current, &form.new)
        .await?;
    tracing::info!(user = %name, "password changed");
    Ok((
        [(header::SET_COOKIE, cleared_cookie(&state))],
        Redirect::to("/login"),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    csrf: String,
    /// A language tag, or empty for the browser's.
    #[serde(default)]
    lang: String,
}

/// `POST /account/language`: the language of the pages for this account, in every browser;
/// also this browser's switch.
pub async fn set_language(
    State(state): State<ApiState>,
    axum::Extension(principal): axum::Extension<Principal>,
    Form(form): Form<LanguageForm>,
) -> Result<Response, ApiError> {
    check_csrf(&principal, &form.csrf)?;
    let Some(name) = principal.user() else {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "only a logged-in user chooses a language here",
        ));
    };
    let lang = crate::i18n::Lang::parse(&form.lang).filter(|_| !form.lang.is_empty());
    state
        .accounts
        .set_language(name, lang.map(crate::i18n::Lang::tag))
        .await?;
    let cookie = match lang {
        Some(l) => format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            super::ui::LANG_COOKIE,
            l.tag()
        ),
        None => format!(
            "{}=; Path=/; Max-Age=0; SameSite=Lax",
            super::ui::LANG_COOKIE
        ),
    };
    Ok((
        [(header::SET_COOKIE, cookie)],
        super::ui::back("/account", "saved"),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct EndSessionForm {
    #[serde(default)]
    csrf: String,
    id: String,
}

/// `POST /account/sessions/end`: ends another of one's sessions.
pub async fn end_session(
    State(state): State<ApiState>,
    axum::Extension(principal): axum::Extension<Principal>,
    Form(form): Form<EndSessionForm>,
) -> Result<Response, ApiError> {
    check_csrf(&principal, &form.csrf)?;
    if let Some(name) = principal.user() {
        state.accounts.end_session_of(name, &form.id).await?;
    }
    Ok(super::ui::back("/account", "session-ended"))
}

// ---------------------------------------------------------------------------- admin API

/// `POST /api/v1/admin/users`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    pub password: String,
}

/// `PATCH /api/v1/admin/users/{name}`: any of role, disabled, password.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password: Option<String>,
}

/// `POST /api/v1/admin/tokens`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    pub role: Role,
}

/// A token just created: the only time it is shown.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TokenCreated {
    pub name: String,
    pub role: Role,
    pub token: String,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Users {
    pub users: Vec<UserView>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Tokens {
    pub tokens: Vec<TokenView>,
}

fn json_body<T>(
    body: Result<Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, ApiError> {
    body.map(|Json(b)| b)
        .map_err(|e| ApiError::new(ErrorCode::InvalidJson, e.body_text()))
}

/// Lists the node's staff accounts (`sicc user list`).
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "accounts",
    responses((status = 200, description = "every user", body = Users),
              (status = "default", description = "an error", body = super::dto::ErrorBody)))]
pub async fn users(State(state): State<ApiState>) -> Result<Json<Users>, ApiError> {
    Ok(Json(Users {
        users: state.accounts.users().await?,
    }))
}

/// Adds a staff account (`sicc user add`).
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, description = "added"),
              (status = "default", description = "an error", body = super::dto::ErrorBody)))]
pub async fn add_user(
    State(state): State<ApiState>,
    axum::Extension(principal): axum::Extension<Principal>,
    body: Result<Json<NewUser>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let u = json_body(body)?;
    state
        .accounts
        .add_user(&u.name, u.role, &u.password)
        .await?;
    tracing::info!(user = %u.name, role = %u.role, by = %principal.label(), "user added");
    Ok(StatusCode::CREATED)
}

/// Changes a staff account's role, disables or enables it, or sets its password
/// (`sicc user role|disable|enable|passwd`). Disabling or a new password ends its sessions.
#[utoipa::path(patch, path = "/api/v1/admin/users/{name}", tag = "accounts", request_body = UserChange,
    responses((status = 204, description = "changed"),
              (status = "default", description = "an error", body = super::dto::ErrorBody)))]
pub async fn change_user(
    State(state): State<ApiState>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(name): Path<String>,
    body: Result<Json<UserChange>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let change = json_body(body)?;
    // The changes that can be refused (the last admin) come first: a refused request changes
    // nothing it did not name before.
    if let Some(role) = change.role {
        state.accounts.set_role(&name, role).await?;
    }
    if let Some(disabled) = change.disabled {
        state.accounts.set_disabled(&name, disabled).await?;
    }
    if let Some(password) = &change.password {
        state.accounts.set_password(&name, password).await?;
    }
    tracing::info!(user = %name, role = ?change.role, disabled = ?change.disabled,
        password = change.password.is_some(), by = %principal.label(), "user changed");
    Ok(StatusCode::NO_CONTENT)
}

/// Lists API tokens (never the tokens themselves) with their last use (`sicc token list`).
#[utoipa::path(get, path = "/api/v1/admin/tokens", tag = "accounts",
    responses((status = 200, description = "every token", body = Tokens),
              (status = "default", description = "an error", body = super::dto::ErrorBody)))]
pub async fn tokens(State(state): State<ApiState>) -> Result<Json<Tokens>, ApiError> {
    Ok(Json(Tokens {
        tokens: state.accounts.tokens().await?,
    }))
}

/// Creates an API token for a script (`sicc token create`); the answer is the only time the
/// token is shown.
#[utoipa::path(post, path = "/api/v1/admin/tokens", tag = "accounts", request_body = NewToken,
    responses((status = 201, description = "created", body = TokenCreated),
              (status = "default", description = "an error", body = super::dto::ErrorBody)))]
pub async fn create_token(
    State(state): State<ApiState>,
    axum::Extension(principal): axum::Extension<Principal>,
    body: Result<Json<NewToken>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<TokenCreated>), ApiError> {
    let t = json_body(body)?;
    let token = state
        .accounts
        .create_token(&t.name, t.role, &principal.label())
        .await?;
    tracing::info!(token = %t.name, role = %t.role, by = %principal.label(), "API token created");
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            name: t.name,
            role: t.role,
            token,
        }),
    ))
}

/// Revokes an API token (`sicc token revoke`).
#[utoipa::path(delete, path = "/api/v1/admin/tokens/{name}", tag = "accounts",
    responses((status = 204, description = "revoked"),
              (status = "default", description = "an error", body = super::dto::ErrorBody)))]
pub async fn revoke_token(
    State(state): State<ApiState>,
    axum::Extension(principal): axum::Extension<Principal>,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.accounts.revoke_token(&name).await?;
    tracing::info!(token = %name, by = %principal.label(), "API token revoked");
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_route_needs_the_role_the_issue_gives_it() {
        let r = |m: Method, p: &str| required_role(&m, p);
        assert_eq!(r(Method::GET, "/api/v1/records"), Role::Viewer);
        assert_eq!(r(Method::GET, "/metrics"), Role::Viewer);
        assert_eq!(r(Method::POST, "/api/v1/records"), Role::Editor);
        assert_eq!(r(Method::PUT, "/api/v1/records/x"), Role::Editor);
        assert_eq!(r(Method::DELETE, "/api/v1/records/x"), Role::Editor);
        assert_eq!(r(Method::POST, "/api/v1/records/import"), Role::Editor);
        assert_eq!(
            r(Method::POST, "/api/v1/catalogs/o/n/publish"),
            Role::Validator
        );
        assert_eq!(
            r(Method::POST, "/api/v1/catalogs/o/n/unpublish"),
            Role::Validator
        );
        assert_eq!(r(Method::POST, "/ui/publish"), Role::Validator);
        assert_eq!(r(Method::POST, "/ui/unpublish"), Role::Validator);
        assert_eq!(r(Method::POST, "/records/x/status"), Role::Editor);
        assert_eq!(r(Method::POST, "/records/new"), Role::Editor);
        assert_eq!(r(Method::POST, "/import/commit"), Role::Editor);
        assert_eq!(r(Method::GET, "/records/new"), Role::Editor);
        assert_eq!(r(Method::GET, "/records/x/edit"), Role::Editor);
        assert_eq!(r(Method::GET, "/records/x"), Role::Viewer);
        assert_eq!(r(Method::POST, "/ui/replicate"), Role::Editor);
        assert_eq!(r(Method::GET, "/overview"), Role::Viewer);
        assert_eq!(r(Method::GET, "/reports/esim.xlsx"), Role::Viewer);
        assert_eq!(r(Method::POST, "/api/v1/catalogs"), Role::Admin);
        assert_eq!(r(Method::POST, "/api/v1/catalogs/o/n/grant"), Role::Admin);
        assert_eq!(
            r(Method::POST, "/api/v1/catalogs/o/n/subscribe"),
            Role::Admin
        );
        assert_eq!(r(Method::POST, "/ui/catalogs/grant"), Role::Admin);
        assert_eq!(r(Method::POST, "/api/v1/admin/backup"), Role::Admin);
        assert_eq!(r(Method::GET, "/api/v1/admin/users"), Role::Admin);
        assert_eq!(r(Method::POST, "/logout"), Role::Viewer);
        assert_eq!(r(Method::POST, "/account/password"), Role::Viewer);
        assert_eq!(
            r(Method::POST, "/anything/new"),
            Role::Admin,
            "unknown changes: admin"
        );
    }

    #[test]
    fn after_login_only_a_local_path_is_followed() {
        assert_eq!(local_path(Some("/records/x?y=1")), "/records/x?y=1");
        assert_eq!(local_path(Some("//evil.example/")), "/");
        assert_eq!(local_path(Some("https://evil.example/")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(Some("/\t/evil.example")), "/");
        assert_eq!(local_path(Some("/%09/evil.example")), "/");
        assert_eq!(local_path(None), "/");
    }
}
