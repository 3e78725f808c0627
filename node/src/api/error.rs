//! The one mapping from errors to HTTP status and stable error codes.
//!
//! Body: `{"error": {"code": "invalid_record", "message": "...", "field": "title.lv", "details": [...]}}`.
//! Codes are stable: scripts and the CLI branch on them.

use crate::storage::StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sicc_protocol::record::{FieldError, ValidationError};

#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
            details: Vec::new(),
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn invalid(e: ValidationError) -> ApiError {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_record",
            message: e.to_string(),
            field: Some(e.field().to_owned()),
            details: e.errors,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let message = e.to_string();
        match e {
            StoreError::Invalid(v) => ApiError::invalid(v),
            StoreError::NotFound(_) => ApiError::new(StatusCode::NOT_FOUND, "not_found", message),
            StoreError::AlreadyExists(_) => {
                ApiError::new(StatusCode::CONFLICT, "already_exists", message).with_field("id")
            }
            StoreError::KindChange { .. } => {
                ApiError::new(StatusCode::CONFLICT, "kind_change", message).with_field("kind")
            }
            StoreError::RevisionMismatch { .. } => ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "revision_mismatch",
                message,
            ),
            StoreError::Referenced { .. } => {
                ApiError::new(StatusCode::CONFLICT, "referenced", message)
            }
            StoreError::BatchTooLarge(_) => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
            }
            StoreError::Poisoned | StoreError::Stopped => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_unavailable",
                message,
            ),
            StoreError::NewerSchema { .. }
            | StoreError::Corrupt { .. }
            | StoreError::Rocks(_)
            | StoreError::Locked(_) => {
                tracing::error!(error = %message, "storage error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "storage_error", message)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        (status, Json(serde_json::json!({ "error": self }))).into_response()
    }
}

impl From<crate::sync::engine::SyncError> for ApiError {
    fn from(e: crate::sync::engine::SyncError) -> ApiError {
        use crate::sync::engine::SyncError as E;
        use crate::sync::replica::ReplicaError as R;
        let message = e.to_string();
        match e {
            E::UnknownCatalog(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "unknown_catalog", message)
            }
            E::CatalogExists(_) => ApiError::new(StatusCode::CONFLICT, "catalog_exists", message),
            E::Invalid(_) | E::Catalog(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", message)
            }
            E::NotOwner(_) => ApiError::new(StatusCode::FORBIDDEN, "not_owner", message),
            E::NotMember(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "not_member", message)
            }
            E::Replica(R::NotAllowed(..)) => {
                ApiError::new(StatusCode::FORBIDDEN, "not_allowed", message)
            }
            E::Replica(R::Erased(_)) => ApiError::new(StatusCode::GONE, "erased", message),
            E::Replica(R::NoSuchDocument(_)) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
            }
            E::Replica(R::Document(crate::sync::document::DocumentError::NotShareable(_))) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "not_shareable", message)
            }
            E::Replica(R::Document(_)) => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
            }
            E::TooManyCatalogs => ApiError::new(StatusCode::CONFLICT, "limit_reached", message),
            E::Store(s) => ApiError::from(s),
            E::Stopped => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message),
        }
    }
}

impl From<crate::search::SearchError> for ApiError {
    fn from(e: crate::search::SearchError) -> ApiError {
        use crate::search::SearchError as E;
        let message = e.to_string();
        match e {
            E::BadRequest(_) => ApiError::bad_request("invalid_search", message),
            E::Stopped => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message),
            E::Index(_) | E::Io { .. } => {
                tracing::error!(error = %message, "search failed");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "search_error", message)
            }
        }
    }
}

impl From<crate::backup::BackupError> for ApiError {
    fn from(e: crate::backup::BackupError) -> ApiError {
        use crate::backup::BackupError as E;
        let message = e.to_string();
        match e {
            E::Target(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_backup_target",
                message,
            )
            .with_field("path"),
            E::Store(s) => ApiError::from(s),
            E::NotABackup(_) | E::NewerFormat { .. } | E::Occupied(_) | E::Io { .. } => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "backup_failed", message)
            }
        }
    }
}
