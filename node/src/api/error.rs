//! The one mapping from errors to HTTP status and stable error codes.
//!
//! Body: `{"error": {"code": "invalid_record", "message": "...", "field": "title.lv", "details": [...]}}`.
//! Codes are stable: scripts and the CLI branch on them. [`ErrorCode::ALL`] is the table
//! ARCHITECTURE.md reproduces (a test keeps the two equal).

use crate::app::{AppError, BackupError, SearchError, StoreError, SyncError, SyncErrorKind};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sicc_protocol::record::{FieldError, ValidationError};

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $status:ident, $when:literal;)*) => {
        /// Every error code the API answers with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode { $($variant),* }

        impl ErrorCode {
            /// Every code, in the order of the table.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The stable code.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),* }
            }

            /// The HTTP status it comes with.
            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$status),* }
            }

            /// When it is answered, for the docs.
            pub fn when(self) -> &'static str {
                match self { $(ErrorCode::$variant => $when),* }
            }
        }
    };
}

error_codes! {
    InvalidRecord = "invalid_record", UNPROCESSABLE_ENTITY, "validation failed; `field` names the first problem, `details` lists all";
    InvalidJson = "invalid_json", BAD_REQUEST, "the body is not valid JSON, or not of the expected shape";
    InvalidBody = "invalid_body", BAD_REQUEST, "the body could not be read, or a required member is missing (`field`)";
    BadBody = "bad_body", BAD_REQUEST, "the request body could not be read";
    InvalidQuery = "invalid_query", BAD_REQUEST, "the query string does not parse, or a parameter is unknown (`field`)";
    InvalidFilter = "invalid_filter", BAD_REQUEST, "a record filter is unknown or out of range (`field`)";
    InvalidSearch = "invalid_search", BAD_REQUEST, "a search parameter is unknown or out of range";
    InvalidId = "invalid_id", BAD_REQUEST, "a record, catalogue or node id is malformed (`field`)";
    IdMismatch = "id_mismatch", BAD_REQUEST, "the body's id differs from the URL's";
    InvalidIfMatch = "invalid_if_match", BAD_REQUEST, "`If-Match` is not a revision";
    Unauthenticated = "unauthenticated", UNAUTHORIZED, "no valid session or token: log in, or send `Authorization: Bearer <token>`";
    BadCredentials = "bad_credentials", UNAUTHORIZED, "wrong user name or password, or a disabled account";
    Forbidden = "forbidden", FORBIDDEN, "the user's or token's role does not allow this (viewer < editor < validator < admin)";
    InvalidCsrf = "invalid_csrf", FORBIDDEN, "a form was sent without its session's token";
    Throttled = "throttled", TOO_MANY_REQUESTS, "too many failed logins for the account or from the address; try again later";
    CrossSite = "cross_site", FORBIDDEN, "a change was sent from another site (`Origin`, `Sec-Fetch-Site`)";
    Misdirected = "misdirected", MISDIRECTED_REQUEST, "the `Host` is not localhost, an IP address or one of `api.allowed_hosts`";
    UnsupportedMediaType = "unsupported_media_type", UNSUPPORTED_MEDIA_TYPE, "a POST or PUT under /api/ is not `application/json` (imports: also NDJSON, CSV)";
    NotOwner = "not_owner", FORBIDDEN, "only the catalogue's owner grants and revokes";
    NotAllowed = "not_allowed", FORBIDDEN, "this node may not publish, annotate or erase in that catalogue";
    NotFound = "not_found", NOT_FOUND, "no such record, entry or code list";
    NoRoute = "no_route", NOT_FOUND, "no such endpoint";
    UnknownCatalog = "unknown_catalog", NOT_FOUND, "the catalogue is not known to this node";
    AlreadyExists = "already_exists", CONFLICT, "a record with that id exists (create)";
    KindChange = "kind_change", CONFLICT, "a record cannot change kind";
    Referenced = "referenced", CONFLICT, "other records link to the record being deleted";
    Quarantined = "quarantined", CONFLICT, "a partner's shared record does not validate here (an unknown code, a newer schema); it is kept out of lists and search";
    CatalogExists = "catalog_exists", CONFLICT, "a catalogue of that name exists";
    AccountExists = "account_exists", CONFLICT, "a user or token of that name exists";
    LastAdmin = "last_admin", CONFLICT, "the change would leave the node without an active admin";
    ManifestUnconfirmed = "manifest_unconfirmed", CONFLICT, "restored from a backup: grants and revocations wait until a partner has shown this node its catalogue's latest manifest";
    LimitReached = "limit_reached", CONFLICT, "this node holds the most catalogues it may";
    RevisionMismatch = "revision_mismatch", PRECONDITION_FAILED, "the record changed since it was read (`If-Match`)";
    Erased = "erased", GONE, "the entry was erased from that catalogue; erased entries never come back";
    PayloadTooLarge = "payload_too_large", PAYLOAD_TOO_LARGE, "the body exceeds `api.max_body_bytes` (`max_import_bytes` for imports), or an import holds too many records";
    NotShareable = "not_shareable", UNPROCESSABLE_ENTITY, "a local or personal record cannot be published";
    NotValidated = "not_validated", UNPROCESSABLE_ENTITY, "the web UI publishes only validated records (submit, then validate it first)";
    NotMember = "not_member", UNPROCESSABLE_ENTITY, "the node is not in the federation's roster";
    InvalidRequest = "invalid_request", UNPROCESSABLE_ENTITY, "a catalogue name, title or annotation is invalid";
    InvalidAccount = "invalid_account", UNPROCESSABLE_ENTITY, "a user or token name, role or password is invalid (`field`)";
    InvalidBackupTarget = "invalid_backup_target", UNPROCESSABLE_ENTITY, "the backup name or path is invalid, exists already, lies outside `backup.root` or where another user could redirect it";
    Unavailable = "unavailable", SERVICE_UNAVAILABLE, "the sync engine or the search indexer has stopped";
    StorageUnavailable = "storage_unavailable", SERVICE_UNAVAILABLE, "the store stopped, or refuses writes after a failed sync";
    StorageError = "storage_error", INTERNAL_SERVER_ERROR, "corruption or a RocksDB failure (logged)";
    SearchFailed = "search_error", INTERNAL_SERVER_ERROR, "the index failed (logged)";
    BackupFailed = "backup_failed", INTERNAL_SERVER_ERROR, "the backup could not be written (logged)";
    Internal = "internal", INTERNAL_SERVER_ERROR, "an unexpected failure (logged)";
}

/// An error answer.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub code: ErrorCode,
    #[serde(rename = "code")]
    code_str: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FieldError>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            code_str: code.as_str(),
            message: message.into(),
            field: None,
            details: Vec::new(),
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    pub fn status(&self) -> StatusCode {
        self.code.status()
    }

    pub fn invalid(e: ValidationError) -> ApiError {
        ApiError {
            field: Some(e.field().to_owned()),
            message: e.to_string(),
            details: e.errors,
            ..ApiError::new(ErrorCode::InvalidRecord, "")
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let message = e.to_string();
        match e {
            StoreError::Invalid(v) => ApiError::invalid(v),
            StoreError::NotFound(_) => ApiError::new(ErrorCode::NotFound, message),
            StoreError::AlreadyExists(_) => {
                ApiError::new(ErrorCode::AlreadyExists, message).with_field("id")
            }
            StoreError::KindChange { .. } => {
                ApiError::new(ErrorCode::KindChange, message).with_field("kind")
            }
            StoreError::RevisionMismatch { .. } => {
                ApiError::new(ErrorCode::RevisionMismatch, message)
            }
            StoreError::Referenced { .. } => ApiError::new(ErrorCode::Referenced, message),
            StoreError::BatchTooLarge(_) => ApiError::new(ErrorCode::PayloadTooLarge, message),
            StoreError::Poisoned | StoreError::Stopped => {
                ApiError::new(ErrorCode::StorageUnavailable, message)
            }
            StoreError::NewerSchema { .. }
            | StoreError::Corrupt { .. }
            | StoreError::Rocks(_)
            | StoreError::Locked(_) => {
                tracing::error!(error = %message, "storage error");
                ApiError::new(ErrorCode::StorageError, message)
            }
        }
    }
}

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> ApiError {
        let message = e.to_string();
        let code = match e.kind() {
            SyncErrorKind::UnknownCatalog => ErrorCode::UnknownCatalog,
            SyncErrorKind::CatalogExists => ErrorCode::CatalogExists,
            SyncErrorKind::Invalid => ErrorCode::InvalidRequest,
            SyncErrorKind::NotOwner => ErrorCode::NotOwner,
            SyncErrorKind::NotMember => ErrorCode::NotMember,
            SyncErrorKind::ManifestUnconfirmed => ErrorCode::ManifestUnconfirmed,
            SyncErrorKind::NotFound => ErrorCode::NotFound,
            SyncErrorKind::NotAllowed => ErrorCode::NotAllowed,
            SyncErrorKind::Erased => ErrorCode::Erased,
            SyncErrorKind::NotShareable => ErrorCode::NotShareable,
            SyncErrorKind::Internal => {
                tracing::error!(error = %message, "shared document failure");
                ErrorCode::Internal
            }
            SyncErrorKind::TooManyCatalogs => ErrorCode::LimitReached,
            SyncErrorKind::Store => match e {
                SyncError::Store(s) => return ApiError::from(s),
                _ => ErrorCode::Internal,
            },
            SyncErrorKind::Stopped => ErrorCode::Unavailable,
        };
        ApiError::new(code, message)
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> ApiError {
        let message = e.to_string();
        match e {
            SearchError::BadRequest(_) => ApiError::new(ErrorCode::InvalidSearch, message),
            SearchError::Stopped => ApiError::new(ErrorCode::Unavailable, message),
            SearchError::Index(_) | SearchError::Io { .. } => {
                tracing::error!(error = %message, "search failed");
                ApiError::new(ErrorCode::SearchFailed, message)
            }
        }
    }
}

impl From<BackupError> for ApiError {
    fn from(e: BackupError) -> ApiError {
        let message = e.to_string();
        match e {
            BackupError::Target(_)
            | BackupError::UnsafeTarget { .. }
            | BackupError::OutsideRoot { .. }
            | BackupError::Name(_) => {
                ApiError::new(ErrorCode::InvalidBackupTarget, message).with_field("path")
            }
            BackupError::Store(s) => ApiError::from(s),
            BackupError::NotABackup(_)
            | BackupError::NewerFormat { .. }
            | BackupError::Occupied(_)
            | BackupError::Journal { .. }
            | BackupError::Symlink(_)
            | BackupError::Io { .. } => {
                tracing::error!(error = %message, "backup failed");
                ApiError::new(ErrorCode::BackupFailed, message)
            }
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        match e {
            AppError::Store(e) => e.into(),
            AppError::Sync(e) => e.into(),
            AppError::Search(e) => e.into(),
            AppError::Backup(e) => e.into(),
            AppError::NotFound(id) => {
                ApiError::new(ErrorCode::NotFound, format!("record `{id}` does not exist"))
            }
            e @ AppError::Quarantined(_) => ApiError::new(ErrorCode::Quarantined, e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        (status, Json(serde_json::json!({ "error": self }))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    /// ARCHITECTURE.md's error table lists exactly the codes the API answers with, each with
    /// its status, so the table cannot drift from the code.
    #[test]
    fn the_architecture_error_table_lists_every_code_with_its_status() {
        let doc = include_str!("../../../ARCHITECTURE.md");
        let start = doc
            .find("## Errors")
            .expect("ARCHITECTURE.md has an Errors section");
        let table: Vec<(String, u16)> = doc[start..]
            .lines()
            .skip_while(|l| !l.starts_with("| code"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                let code = cells[1].trim_matches('`').to_owned();
                (code, cells[2].parse().expect("a status number"))
            })
            .collect();
        let codes: Vec<(String, u16)> = ErrorCode::ALL
            .iter()
            .map(|c| (c.as_str().to_owned(), c.status().as_u16()))
            .collect();
        assert_eq!(
            table, codes,
            "ARCHITECTURE.md's error table differs from ErrorCode"
        );
    }
}
