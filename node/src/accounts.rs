//! Staff accounts, sessions and API tokens: who may use the node, and as what.
//!
//! - **Roles**, each including the ones before it: `viewer` (read), `editor` (create and edit
//!   local records), `validator` (publish, unpublish, annotate), `admin` (catalogues, grants,
//!   backups, users and tokens).
//! - **Users**: a name, a role, an argon2id password hash (PHC string), disabled or not. The
//!   first admin is created explicitly (`sicc user add`); there is no default password.
//! - **Sessions**: a random token in a cookie; only its SHA-256 is stored, with a fixed expiry
//!   ([`SESSION_LIFETIME`]) and a CSRF token that every form of the session carries. A password
//!   change, a disabled account or a logout ends them.
//! - **API tokens** for scripts: random, shown once, stored as SHA-256, revocable, with the time
//!   of last use.
//! - **The local credential**: at each start the daemon writes a new random token to
//!   `DATA_DIR/cli.token`, readable by its own user only; the CLI on the node's machine sends
//!   it, so it keeps working without a password. It is never stored in the database.
//! - **Throttling**: after [`MAX_FAILURES_PER_USER`] failed logins for a name, or
//!   [`MAX_FAILURES_PER_ADDRESS`] from one address, within [`FAILURE_WINDOW`], logins are refused
//!   until the window has passed, even with the right password.
//!
//! State lives in the store's `accounts` column family (written by the store's writer); the
//! login throttle is the only in-memory state, behind one small lock.

use crate::storage::{Store, StoreError};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a session lasts from login (then the user logs in again).
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// Failed logins counted per user name, and per client address, within [`FAILURE_WINDOW`].
pub const MAX_FAILURES_PER_USER: usize = 5;
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The file, in the data directory, holding the local credential.
pub const LOCAL_CREDENTIAL_FILE: &str = "cli.token";
/// Name of the session cookie of the node `node_id`: `__Host-` (Secure, host-only, `Path=/`)
/// and one per node, since browsers share cookies between the ports of one host (the demo's
/// four nodes; another service on `localhost`).
pub fn session_cookie(node_id: &str) -> String {
    let tail = &node_id[node_id.len().saturating_sub(10)..];
    format!("__Host-sicc-{tail}")
}
/// A token's last use is recorded at most this often (a write per request would be wasteful).
const LAST_USE_EVERY: Duration = Duration::from_secs(60);
/// Format version of stored values (first byte).
const VALUE_VERSION: u8 = 1;

/// What a user or token may do; each role includes the ones before it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Editor,
    Validator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Editor, Role::Validator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Validator => "validator",
            Role::Admin => "admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = AccountError;
    fn from_str(s: &str) -> Result<Role, AccountError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| AccountError::InvalidRole(s.to_owned()))
    }
}

/// Who makes a request, once authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A staff member, logged in through a session.
    User {
        name: String,
        role: Role,
        /// SHA-256 (hex) of the session token: identifies the session.
        session: String,
        /// The token the session's forms must carry.
        csrf: String,
        /// The language the user chose for the pages, if any.
        lang: Option<String>,
    },
    /// A script, with an API token.
    Token { name: String, role: Role },
    /// The CLI on the node's own machine, with the local credential.
    Local,
}

impl Principal {
    pub fn role(&self) -> Role {
        match self {
            Principal::User { role, .. } | Principal::Token { role, .. } => *role,
            Principal::Local => Role::Admin,
        }
    }

    /// How the audit trail names it: `alice (editor)`, `token nightly-import (editor)`,
    /// `local cli (admin)`.
    pub fn label(&self) -> String {
        match self {
            Principal::User { name, role, .. } => format!("{name} ({role})"),
            Principal::Token { name, role } => format!("token {name} ({role})"),
            Principal::Local => "local cli (admin)".into(),
        }
    }

    /// The user's name, for a session.
    pub fn user(&self) -> Option<&str> {
        match self {
            Principal::User { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// What can go wrong with accounts.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("`{0}` is not a user name: 1-64 letters, digits, `.`, `-` or `_`")]
    InvalidName(String),
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    #[error("`{0}` is not a role: viewer, editor, validator or admin")]
    InvalidRole(String),
    #[error("user `{0}` exists already")]
    UserExists(String),
    #[error("no user `{0}`")]
    NoUser(String),
    #[error("token `{0}` exists already")]
    TokenExists(String),
    #[error("no token `{0}`")]
    NoToken(String),
    #[error("wrong user name or password, or the account is disabled")]
    BadCredentials,
    #[error("too many failed logins for this account or from this address: try again later")]
    Throttled,
    #[error("`{0}` is the last active admin: make another admin first")]
    LastAdmin(String),
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredUser {
    name: String,
    role: Role,
    /// argon2id, PHC string format.
    password: String,
    disabled: bool,
    created_at: String,
    password_changed_at: String,
    /// The language the user chose for the pages (a tag of `i18n::Lang`); absent in accounts
    /// made before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredSession {
    user: String,
    created_at: i64,
    expires_at: i64,
    csrf: String,
    #[serde(default)]
    user_agent: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredToken {
    name: String,
    role: Role,
    created_at: String,
    created_by: String,
    last_used_at: Option<String>,
}

/// A user, as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
    pub password_changed_at: String,
    /// Sessions open now.
    pub sessions: usize,
}

/// A session, as its user sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    /// The first 12 hex digits of the session's hash: enough to name it, useless to use it.
    pub id: String,
    pub created_at: String,
    pub expires_at: String,
    pub user_agent: String,
    /// The session this request came with.
    pub current: bool,
}

/// An API token, as listed (never the token itself).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub created_by: String,
    pub last_used_at: Option<String>,
}

/// Failed logins per user name and per address, within the window.
#[derive(Debug, Default)]
struct Throttle {
    failures: HashMap<String, Vec<Instant>>,
}

impl Throttle {
    fn keys(name: &str, from: Option<IpAddr>) -> Vec<(String, usize)> {
        let mut keys = vec![(format!("user:{name}"), MAX_FAILURES_PER_USER)];
        // Loopback is where the node's own proxy and CLI come from: counted per user only.
        if let Some(ip) = from.filter(|ip| !ip.is_loopback()) {
            keys.push((format!("ip:{ip}"), MAX_FAILURES_PER_ADDRESS));
        }
        keys
    }

    fn blocked(&mut self, name: &str, from: Option<IpAddr>, now: Instant) -> bool {
        Throttle::keys(name, from).into_iter().any(|(key, most)| {
            let list = self.failures.entry(key).or_default();
            list.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
            list.len() >= most
        })
    }

    /// Starts an attempt: refused when blocked, else counted as a failure until it succeeds,
    /// so that guesses sent in parallel are counted before their passwords are checked.
    fn attempt(&mut self, name: &str, from: Option<IpAddr>, now: Instant) -> bool {
        if self.blocked(name, from, now) {
            return false;
        }
        self.failed(name, from, now);
        true
    }

    fn failed(&mut self, name: &str, from: Option<IpAddr>, now: Instant) {
        for (key, _) in Throttle::keys(name, from) {
            self.failures.entry(key).or_default().push(now);
        }
        // Bounded: a flood of names cannot grow it without end.
        if self.failures.len() > 10_000 {
            self.failures
                .retain(|_, list| list.iter().any(|t| now.duration_since(*t) < FAILURE_WINDOW));
        }
    }

    /// An attempt started at `at` succeeded: the name's failures are forgotten, and the
    /// address no longer counts this attempt (an office behind one address logs in all day).
    fn succeeded(&mut self, name: &str, from: Option<IpAddr>, at: Instant) {
        self.failures.remove(&format!("user:{name}"));
        for (key, _) in Throttle::keys(name, from).into_iter().skip(1) {
            if let Some(list) = self.failures.get_mut(&key)
                && let Some(i) = list.iter().rposition(|t| *t == at)
            {
                list.remove(i);
            }
        }
    }
}

/// The accounts service: a cheap handle over the store.
#[derive(Debug, Clone)]
pub struct Accounts {
    store: Store,
    /// SHA-256 of this run's local credential (none when the CLI works on a closed store).
    local: Option<Arc<String>>,
    throttle: Arc<Mutex<Throttle>>,
    /// Password hashes computed at once: each takes 19 MiB and a core's time for tens of
    /// milliseconds, and logins need no credential, so a flood of them must queue here.
    hashing: Arc<tokio::sync::Semaphore>,
}

/// Most password hashes computed at once.
const CONCURRENT_HASHES: usize = 2;

fn now_rfc3339() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// SHA-256, hex: how tokens are keyed (a stolen database yields no usable token).
fn digest(token: &str) -> String {
    sicc_protocol::hex::to_hex(&sha2::Sha256::digest(token.as_bytes()))
}

/// A new random token: `prefix` + 43 characters of base64url (256 bits).
fn new_token(prefix: &str) -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// A random secret for people to type: 20 characters of base64url (120 bits).
pub fn random_secret() -> String {
    new_token("")[..20].to_owned()
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![VALUE_VERSION];
    out.extend(serde_json::to_vec(value).expect("serialises"));
    out
}

fn decode<T: for<'de> Deserialize<'de>>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&VALUE_VERSION, json)) => serde_json::from_slice(json).map_err(|e| e.to_string()),
        _ => Err("unknown format version".to_string()),
    }
    .map_err(|reason| StoreError::Corrupt {
        key: format!("accounts/{key}"),
        reason,
    })
}

fn check_name(name: &str) -> Result<(), AccountError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if ok {
        Ok(())
    } else {
        Err(AccountError::InvalidName(name.to_owned()))
    }
}

/// Whether `name` could be a user's name (what logs may show of a failed login).
pub fn is_user_name(name: &str) -> bool {
    check_name(name).is_ok()
}

fn check_password(password: &str) -> Result<(), AccountError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::WeakPassword);
    }
    Ok(())
}

/// argon2id with the crate's defaults (19 MiB, 2 passes), off the async executor, at most
/// [`CONCURRENT_HASHES`] at once.
async fn hash_password(
    hashing: &Arc<tokio::sync::Semaphore>,
    password: String,
) -> Result<String, AccountError> {
    // Held by the hashing thread itself: a cancelled request does not free it early.
    let permit = hashing
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AccountError::Hash(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let salt = SaltString::generate(&mut OsRng);
        argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AccountError::Hash(e.to_string()))
    })
    .await
    .map_err(|e| AccountError::Hash(e.to_string()))?
}

/// Checks `password` against a PHC hash, off the executor. `None`: checks against a dummy
/// hash, so that an unknown name takes as long as a wrong password.
async fn verify_password(
    hashing: &Arc<tokio::sync::Semaphore>,
    password: String,
    hash: Option<String>,
) -> bool {
    let Ok(permit) = hashing.clone().acquire_owned().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// The argon2id hash of a random password nobody knows, for unknown names.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2ljYy1kdW1teS1zYWx0$Zs3DC0p4+Ck0mEnL8pZ6wG3oLg4zIgr1lSxTAc+2Lsw";

impl Accounts {
    /// The service over `store`, without a local credential (the CLI on a closed store).
    pub fn new(store: Store) -> Accounts {
        Accounts {
            store,
            local: None,
            throttle: Arc::default(),
            hashing: Arc::new(tokio::sync::Semaphore::new(CONCURRENT_HASHES)),
        }
    }

    /// The service of a running daemon: writes a new local credential to
    /// `data_dir/cli.token` (0600, replacing the previous run's) and accepts it as the CLI. New
    /// at every start: a credential some process caught while the node was down (by taking
    /// its port while a stale `api` file pointed there) is worthless once it runs again.
    pub fn with_local_credential(store: Store, data_dir: &Path) -> std::io::Result<Accounts> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let path = data_dir.join(LOCAL_CREDENTIAL_FILE);
        let token = new_token("local_");
        // Removed first: a file planted in its place is never written through.
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        file.write_all(token.as_bytes())?;
        file.sync_all()?;
        Ok(Accounts {
            store,
            local: Some(Arc::new(digest(&token))),
            throttle: Arc::default(),
            hashing: Arc::new(tokio::sync::Semaphore::new(CONCURRENT_HASHES)),
        })
    }

    async fn user(&self, name: &str) -> Result<Option<StoredUser>, AccountError> {
        let key = format!("user/{name}");
        match self.store.read_account(key.clone()).await? {
            Some(bytes) => Ok(Some(decode(&key, &bytes)?)),
            None => Ok(None),
        }
    }

    async fn put_user(
        &self,
        user: &StoredUser,
        more: Vec<(String, Option<Vec<u8>>)>,
    ) -> Result<(), AccountError> {
        let mut ops = vec![(format!("user/{}", user.name), Some(encode(user)))];
        ops.extend(more);
        Ok(self.store.write_accounts(ops).await?)
    }

    async fn stored_users(&self) -> Result<Vec<StoredUser>, AccountError> {
        let mut out = Vec::new();
        for (k, v) in self.store.scan_accounts("user/".into()).await? {
            out.push(decode(&format!("user/{k}"), &v)?);
        }
        Ok(out)
    }

    async fn stored_sessions(&self) -> Result<Vec<(String, StoredSession)>, AccountError> {
        let mut out = Vec::new();
        for (k, v) in self.store.scan_accounts("session/".into()).await? {
            let s: StoredSession = decode(&format!("session/{k}"), &v)?;
            out.push((k, s));
        }
        Ok(out)
    }

    /// Deletes of every session of `user` (all when `None`) and of every expired one.
    async fn session_deletes(
        &self,
        user: Option<&str>,
    ) -> Result<Vec<(String, Option<Vec<u8>>)>, AccountError> {
        let now = unix_now();
        Ok(self
            .stored_sessions()
            .await?
            .into_iter()
            .filter(|(_, s)| user.is_none_or(|u| s.user == u) || s.expires_at <= now)
            .map(|(k, _)| (format!("session/{k}"), None))
            .collect())
    }

    /// Whether any account exists.
    pub async fn any_user(&self) -> Result<bool, AccountError> {
        Ok(!self.store.scan_accounts("user/".into()).await?.is_empty())
    }

    /// Adds a user.
    pub async fn add_user(
        &self,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<(), AccountError> {
        check_name(name)?;
        check_password(password)?;
        if self.user(name).await?.is_some() {
            return Err(AccountError::UserExists(name.to_owned()));
        }
        let now = now_rfc3339();
        let user = StoredUser {
            name: name.to_owned(),
            role,
            password: hash_password(&self.hashing, password.to_owned()).await?,
            disabled: false,
            created_at: now.clone(),
            password_changed_at: now,
            lang: None,
        };
        self.put_user(&user, Vec::new()).await
    }

    /// Every user, by name, with the sessions each has open.
    pub async fn users(&self) -> Result<Vec<UserView>, AccountError> {
        let now = unix_now();
        let sessions = self.stored_sessions().await?;
        Ok(self
            .stored_users()
            .await?
            .into_iter()
            .map(|u| UserView {
                sessions: sessions
                    .iter()
                    .filter(|(_, s)| s.user == u.name && s.expires_at > now)
                    .count(),
                name: u.name,
                role: u.role,
                disabled: u.disabled,
                created_at: u.created_at,
                password_changed_at: u.password_changed_at,
            })
            .collect())
    }

    /// Sets a user's password; every session of the user ends.
    pub async fn set_password(&self, name: &str, password: &str) -> Result<(), AccountError> {
        check_password(password)?;
        let mut user = self
            .user(name)
            .await?
            .ok_or_else(|| AccountError::NoUser(name.to_owned()))?;
        user.password = hash_password(&self.hashing, password.to_owned()).await?;
        user.password_changed_at = now_rfc3339();
        let ends = self.session_deletes(Some(name)).await?;
        self.put_user(&user, ends).await
    }

    /// Changes one's own password: the current one must be right. The other sessions end;
    /// the caller opens a new one.
    pub async fn change_own_password(
        &self,
        name: &str,
        current: &str,
        new: &str,
    ) -> Result<(), AccountError> {
        // Guesses of the current password through a stolen session are throttled like logins.
        let now = Instant::now();
        self.begin_attempt(name, None, now)?;
        let user = self.user(name).await?;
        if !verify_password(&self.hashing, current.to_owned(), user.map(|u| u.password)).await {
            return Err(AccountError::BadCredentials);
        }
        self.throttle
            .lock()
            .expect("throttle")
            .succeeded(name, None, now);
        self.set_password(name, new).await
    }

    /// Refuses to leave the node without an active admin.
    async fn keep_an_admin(&self, name: &str) -> Result<(), AccountError> {
        let others = self
            .stored_users()
            .await?
            .into_iter()
            .any(|u| u.name != name && u.role == Role::Admin && !u.disabled);
        if others {
            Ok(())
        } else {
            Err(AccountError::LastAdmin(name.to_owned()))
        }
    }

    /// Sets a user's role; it applies to the user's open sessions at their next request.
    pub async fn set_role(&self, name: &str, role: Role) -> Result<(), AccountError> {
        let mut user = self
            .user(name)
            .await?
            .ok_or_else(|| AccountError::NoUser(name.to_owned()))?;
        if user.role == Role::Admin && role != Role::Admin && !user.disabled {
            self.keep_an_admin(name).await?;
        }
        user.role = role;
        self.put_user(&user, Vec::new()).await
    }

    /// Sets the language a user reads the pages in (`None`: the browser's).
    pub async fn set_language(&self, name: &str, lang: Option<&str>) -> Result<(), AccountError> {
        let mut user = self
            .user(name)
            .await?
            .ok_or_else(|| AccountError::NoUser(name.to_owned()))?;
        user.lang = lang.map(str::to_owned);
        self.put_user(&user, Vec::new()).await
    }

    /// Disables (every session ends, no login) or enables a user.
    pub async fn set_disabled(&self, name: &str, disabled: bool) -> Result<(), AccountError> {
        let mut user = self
            .user(name)
            .await?
            .ok_or_else(|| AccountError::NoUser(name.to_owned()))?;
        if disabled && user.role == Role::Admin && !user.disabled {
            self.keep_an_admin(name).await?;
        }
        user.disabled = disabled;
        let ends = if disabled {
            self.session_deletes(Some(name)).await?
        } else {
            Vec::new()
        };
        self.put_user(&user, ends).await
    }

    /// Counts an attempt to prove a password, or refuses it when the name or address is
    /// throttled.
    fn begin_attempt(
        &self,
        name: &str,
        from: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), AccountError> {
        if self
            .throttle
            .lock()
            .expect("throttle")
            .attempt(name, from, now)
        {
            Ok(())
        } else {
            Err(AccountError::Throttled)
        }
    }

    /// Checks a name and password and opens a session: returns its token (for the cookie).
    pub async fn login(
        &self,
        name: &str,
        password: &str,
        from: Option<IpAddr>,
        user_agent: &str,
    ) -> Result<String, AccountError> {
        let now = Instant::now();
        // Only a name that could exist becomes a throttle key: a flood of long or odd names
        // would otherwise grow the throttle.
        let name = if check_name(name).is_ok() { name } else { "" };
        self.begin_attempt(name, from, now)?;
        let user = if name.is_empty() {
            None
        } else {
            self.user(name).await.ok().flatten()
        };
        let hash = user.as_ref().map(|u| u.password.clone());
        let right = verify_password(&self.hashing, password.to_owned(), hash).await;
        // A failure stays counted (the attempt was counted when it started).
        let Some(user) = user.filter(|u| right && !u.disabled) else {
            return Err(AccountError::BadCredentials);
        };
        self.throttle
            .lock()
            .expect("throttle")
            .succeeded(name, from, now);
        let token = new_token("s_");
        let created = unix_now();
        let session = StoredSession {
            user: user.name.clone(),
            created_at: created,
            expires_at: created + SESSION_LIFETIME.as_secs() as i64,
            csrf: new_token(""),
            user_agent: user_agent.chars().take(200).collect(),
        };
        // Expired sessions go with the new one's write.
        let mut ops: Vec<(String, Option<Vec<u8>>)> = self
            .stored_sessions()
            .await?
            .into_iter()
            .filter(|(_, s)| s.expires_at <= created)
            .map(|(k, _)| (format!("session/{k}"), None))
            .collect();
        ops.push((
            format!("session/{}", digest(&token)),
            Some(encode(&session)),
        ));
        self.store.write_accounts(ops).await?;
        Ok(token)
    }

    /// The user of a session token, if it is open, unexpired and the user still active (with
    /// the user's role as it is now).
    pub async fn session(&self, token: &str) -> Result<Option<Principal>, AccountError> {
        let id = digest(token);
        let key = format!("session/{id}");
        let Some(bytes) = self.store.read_account(key.clone()).await? else {
            return Ok(None);
        };
        let session: StoredSession = decode(&key, &bytes)?;
        if session.expires_at <= unix_now() {
            return Ok(None);
        }
        Ok(match self.user(&session.user).await? {
            Some(user) if !user.disabled => Some(Principal::User {
                name: user.name,
                role: user.role,
                session: id,
                csrf: session.csrf,
                lang: user.lang,
            }),
            _ => None,
        })
    }

    /// Ends every session (a node restored from a backup: sessions of then are not now's).
    pub async fn end_all_sessions(&self) -> Result<(), AccountError> {
        let ends = self.session_deletes(None).await?;
        Ok(self.store.write_accounts(ends).await?)
    }

    /// Ends one session (logout), named by its full hash.
    pub async fn end_session(&self, session: &str) -> Result<(), AccountError> {
        Ok(self
            .store
            .write_accounts(vec![(format!("session/{session}"), None)])
            .await?)
    }

    /// Ends a session of `user` named by the start of its hash ([`SessionView::id`]).
    pub async fn end_session_of(&self, user: &str, id: &str) -> Result<bool, AccountError> {
        if id.len() < 12 {
            return Ok(false);
        }
        let found: Vec<_> = self
            .stored_sessions()
            .await?
            .into_iter()
            .filter(|(k, s)| s.user == user && k.starts_with(id))
            .map(|(k, _)| (format!("session/{k}"), None))
            .collect();
        let any = !found.is_empty();
        self.store.write_accounts(found).await?;
        Ok(any)
    }

    /// The open sessions of `user`; `current` is the hash of the asking session.
    pub async fn sessions_of(
        &self,
        user: &str,
        current: &str,
    ) -> Result<Vec<SessionView>, AccountError> {
        let now = unix_now();
        let at = |t: i64| {
            time::OffsetDateTime::from_unix_timestamp(t)
                .map(rfc3339)
                .unwrap_or_default()
        };
        let mut out: Vec<SessionView> = self
            .stored_sessions()
            .await?
            .into_iter()
            .filter(|(_, s)| s.user == user && s.expires_at > now)
            .map(|(k, s)| SessionView {
                id: k[..12.min(k.len())].to_owned(),
                created_at: at(s.created_at),
                expires_at: at(s.expires_at),
                user_agent: s.user_agent,
                current: k == current,
            })
            .collect();
        out.sort_by(|a, b| b.created_at.cmp(&a.created_at));
        Ok(out)
    }

    /// Creates an API token; returns it (shown once: only its hash is kept).
    pub async fn create_token(
        &self,
        name: &str,
        role: Role,
        created_by: &str,
    ) -> Result<String, AccountError> {
        check_name(name)?;
        if self.tokens().await?.iter().any(|t| t.name == name) {
            return Err(AccountError::TokenExists(name.to_owned()));
        }
        let token = new_token("sicc_");
        let stored = StoredToken {
            name: name.to_owned(),
            role,
            created_at: now_rfc3339(),
            created_by: created_by.to_owned(),
            last_used_at: None,
        };
        self.store
            .write_accounts(vec![(
                format!("token/{}", digest(&token)),
                Some(encode(&stored)),
            )])
            .await?;
        Ok(token)
    }

    /// Every API token, by name.
    pub async fn tokens(&self) -> Result<Vec<TokenView>, AccountError> {
        let mut out = Vec::new();
        for (k, v) in self.store.scan_accounts("token/".into()).await? {
            let t: StoredToken = decode(&format!("token/{k}"), &v)?;
            out.push(TokenView {
                name: t.name,
                role: t.role,
                created_at: t.created_at,
                created_by: t.created_by,
                last_used_at: t.last_used_at,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Revokes an API token by name.
    pub async fn revoke_token(&self, name: &str) -> Result<(), AccountError> {
        let mut found = Vec::new();
        for (k, v) in self.store.scan_accounts("token/".into()).await? {
            let t: StoredToken = decode(&format!("token/{k}"), &v)?;
            if t.name == name {
                found.push((format!("token/{k}"), None));
            }
        }
        if found.is_empty() {
            return Err(AccountError::NoToken(name.to_owned()));
        }
        Ok(self.store.write_accounts(found).await?)
    }

    /// Who a bearer token is: the local credential, or an API token (its last use recorded).
    pub async fn bearer(&self, token: &str) -> Result<Option<Principal>, AccountError> {
        let hash = digest(token);
        if self.local.as_deref().is_some_and(|local| *local == hash) {
            return Ok(Some(Principal::Local));
        }
        let key = format!("token/{hash}");
        let Some(bytes) = self.store.read_account(key.clone()).await? else {
            return Ok(None);
        };
        let mut t: StoredToken = decode(&key, &bytes)?;
        let now = time::OffsetDateTime::now_utc();
        let stale = t
            .last_used_at
            .as_deref()
            .and_then(crate::storage::parse_time)
            .is_none_or(|last| (now - last).unsigned_abs() >= LAST_USE_EVERY);
        let principal = Principal::Token {
            name: t.name.clone(),
            role: t.role,
        };
        if stale {
            // Best effort: a store refusing writes must not refuse the reads a token makes.
            t.last_used_at = Some(rfc3339(now));
            if let Err(e) = self
                .store
                .write_accounts(vec![(key, Some(encode(&t)))])
                .await
            {
                tracing::warn!(token = %t.name, error = %e, "last use of an API token not recorded");
            }
        }
        Ok(Some(principal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_include_the_ones_before_them() {
        assert!(Role::Admin > Role::Validator && Role::Validator > Role::Editor);
        assert!(Role::Editor > Role::Viewer);
        assert_eq!("validator".parse::<Role>().unwrap(), Role::Validator);
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn the_dummy_hash_is_a_valid_argon2id_hash() {
        let parsed = PasswordHash::new(DUMMY_HASH).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
    }

    #[test]
    fn failed_logins_block_the_name_then_the_address_until_the_window_passes() {
        let mut t = Throttle::default();
        let start = Instant::now();
        let far: IpAddr = "198.51.100.7".parse().unwrap();
        for _ in 0..MAX_FAILURES_PER_USER {
            assert!(!t.blocked("alice", Some(far), start));
            t.failed("alice", Some(far), start);
        }
        assert!(t.blocked("alice", Some(far), start), "the name is blocked");
        assert!(!t.blocked("bob", None, start), "another name is not");
        assert!(
            !t.blocked("alice", Some(far), start + FAILURE_WINDOW),
            "until the window passed"
        );
        for n in 0..MAX_FAILURES_PER_ADDRESS {
            t.failed(&format!("user{n}"), Some(far), start);
        }
        assert!(
            t.blocked("carol", Some(far), start),
            "the address is blocked"
        );
        assert!(!t.blocked("carol", None, start));
    }

    #[test]
    fn parallel_guesses_are_counted_before_their_passwords_are_checked() {
        let mut t = Throttle::default();
        let at = Instant::now();
        let office: IpAddr = "198.51.100.9".parse().unwrap();
        // Guesses in flight at once: only the first few get to be checked.
        let started = (0..50)
            .filter(|_| t.attempt("alice", Some(office), at))
            .count();
        assert_eq!(started, MAX_FAILURES_PER_USER);
        // Successful logins from one office address never lock the address.
        let mut t = Throttle::default();
        for n in 0..(MAX_FAILURES_PER_ADDRESS * 2) {
            let name = format!("staff{n}");
            assert!(t.attempt(&name, Some(office), at));
            t.succeeded(&name, Some(office), at);
        }
        assert!(!t.blocked("someone", Some(office), at));
    }

    #[tokio::test]
    async fn users_sessions_and_tokens_through_a_real_store() {
        let dir = tempfile::tempdir().unwrap();
        let (store, writer) = Store::open(dir.path()).unwrap();
        let accounts = Accounts::new(store.clone());
        assert!(!accounts.any_user().await.unwrap());
        assert!(matches!(
            accounts.add_user("alice", Role::Admin, "short").await,
            Err(AccountError::WeakPassword)
        ));
        accounts
            .add_user("alice", Role::Admin, "correct horse battery")
            .await
            .unwrap();
        accounts
            .add_user("bob", Role::Editor, "another long secret")
            .await
            .unwrap();
        assert!(matches!(
            accounts
                .add_user("bob", Role::Viewer, "another long secret")
                .await,
            Err(AccountError::UserExists(_))
        ));
        // The stored form holds an argon2id hash, never the password.
        let raw = store
            .read_account("user/alice".into())
            .await
            .unwrap()
            .unwrap();
        let text = String::from_utf8_lossy(&raw);
        assert!(
            text.contains("$argon2id$") && !text.contains("correct horse"),
            "{text}"
        );

        assert!(matches!(
            accounts.login("alice", "wrong password!", None, "").await,
            Err(AccountError::BadCredentials)
        ));
        let token = accounts
            .login("alice", "correct horse battery", None, "test")
            .await
            .unwrap();
        let p = accounts.session(&token).await.unwrap().unwrap();
        assert_eq!(p.role(), Role::Admin);
        assert_eq!(p.label(), "alice (admin)");
        assert!(accounts.session("s_forged").await.unwrap().is_none());

        // The last admin cannot be disabled or demoted; bob can be promoted, then alice may.
        assert!(matches!(
            accounts.set_disabled("alice", true).await,
            Err(AccountError::LastAdmin(_))
        ));
        accounts.set_role("bob", Role::Admin).await.unwrap();
        accounts.set_role("alice", Role::Viewer).await.unwrap();
        let p = accounts.session(&token).await.unwrap().unwrap();
        assert_eq!(
            p.role(),
            Role::Viewer,
            "a role change applies to open sessions"
        );

        // A password change ends the sessions.
        accounts
            .set_password("alice", "a brand new passphrase")
            .await
            .unwrap();
        assert!(accounts.session(&token).await.unwrap().is_none());
        let token = accounts
            .login("alice", "a brand new passphrase", None, "")
            .await
            .unwrap();
        accounts.set_disabled("alice", true).await.unwrap();
        assert!(accounts.session(&token).await.unwrap().is_none());
        assert!(
            accounts
                .login("alice", "a brand new passphrase", None, "")
                .await
                .is_err()
        );

        // API tokens: shown once, stored hashed, last use recorded, revocable.
        let api = accounts
            .create_token("nightly", Role::Editor, "bob (admin)")
            .await
            .unwrap();
        let raw = store.scan_accounts("token/".into()).await.unwrap();
        assert!(!String::from_utf8_lossy(&raw[0].1).contains(&api));
        let p = accounts.bearer(&api).await.unwrap().unwrap();
        assert_eq!(p.label(), "token nightly (editor)");
        assert!(accounts.tokens().await.unwrap()[0].last_used_at.is_some());
        accounts.revoke_token("nightly").await.unwrap();
        assert!(accounts.bearer(&api).await.unwrap().is_none());
        drop((accounts, store));
        writer.join();
    }
}
