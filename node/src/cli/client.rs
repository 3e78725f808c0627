//! The staff commands' HTTP client for the local daemon.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(
        "no running node found: {path} does not exist (start one with `sicc run`, or pass --api URL)"
    )]
    NoDaemon { path: PathBuf },
    #[error("cannot reach the node at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{message}{}", field.as_ref().map(|f| format!(" (field `{f}`)")).unwrap_or_default())]
    Api {
        status: u16,
        code: String,
        message: String,
        field: Option<String>,
    },
    #[error("unexpected answer from the node: {0}")]
    Protocol(String),
}

/// A client for one node's API.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    /// Sent as `Authorization: Bearer`: an API token, or the node's local credential.
    token: Option<String>,
}

/// Environment variable holding an API token (`sicc token create`), for `--api` to a node on
/// another machine.
pub const TOKEN_ENV: &str = "SICC_TOKEN";

impl Client {
    pub fn new(base: &str, token: Option<String>) -> Client {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(300))
            .build()
            .unwrap_or_default();
        Client {
            base: base.trim_end_matches('/').to_owned(),
            http,
            token,
        }
    }

    /// Finds the API from `--api` or the data directory's `api` file. The credential is
    /// `SICC_TOKEN` if set, else — for the node of the data directory only, never a URL given
    /// with `--api` — the local credential the daemon wrote beside it.
    pub fn from_cli(api: Option<&str>, data_dir: &Path) -> Result<Client, ClientError> {
        let from_env = std::env::var(TOKEN_ENV)
            .ok()
            .filter(|t| !t.trim().is_empty());
        if let Some(api) = api {
            return Ok(Client::new(api, from_env));
        }
        let path = data_dir.join(crate::node::API_FILE);
        match std::fs::read_to_string(&path) {
            Ok(url) => {
                let local =
                    std::fs::read_to_string(data_dir.join(crate::accounts::LOCAL_CREDENTIAL_FILE))
                        .ok()
                        .map(|t| t.trim().to_owned());
                Ok(Client::new(url.trim(), from_env.or(local)))
            }
            Err(_) => Err(ClientError::NoDaemon { path }),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<Option<Value>, ClientError> {
        let req = match &self.token {
            Some(token) => req.bearer_auth(token),
            None => req,
        };
        let resp = req.send().await.map_err(|e| ClientError::Unreachable {
            url: self.base.clone(),
            reason: e.to_string(),
        })?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        // No content (204, or a 201 with an empty body): success without a value.
        if status.as_u16() == 204 || (status.is_success() && bytes.is_empty()) {
            return Ok(None);
        }
        let body: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ClientError::Protocol(format!("HTTP {status}: body is not JSON: {e}")))?;
        if status.is_success() {
            return Ok(Some(body));
        }
        let err = &body["error"];
        Err(ClientError::Api {
            status: status.as_u16(),
            code: err["code"].as_str().unwrap_or("unknown").to_owned(),
            message: err["message"]
                .as_str()
                .unwrap_or("request failed")
                .to_owned(),
            field: err["field"].as_str().map(str::to_owned),
        })
    }

    pub async fn get(&self, path: &str) -> Result<Value, ClientError> {
        self.get_query(path, &[]).await
    }

    pub async fn get_query(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<Value, ClientError> {
        let req = self.http.get(format!("{}{path}", self.base)).query(query);
        Ok(self.send(req).await?.unwrap_or(Value::Null))
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Result<Value, ClientError> {
        let req = self.http.post(format!("{}{path}", self.base)).json(body);
        Ok(self.send(req).await?.unwrap_or(Value::Null))
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Result<Value, ClientError> {
        let req = self.http.put(format!("{}{path}", self.base)).json(body);
        Ok(self.send(req).await?.unwrap_or(Value::Null))
    }

    pub async fn post_ndjson(&self, path: &str, body: Vec<u8>) -> Result<Value, ClientError> {
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-ndjson")
            .body(body);
        Ok(self.send(req).await?.unwrap_or(Value::Null))
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> Result<Value, ClientError> {
        let req = self.http.patch(format!("{}{path}", self.base)).json(body);
        Ok(self.send(req).await?.unwrap_or(Value::Null))
    }

    pub async fn delete(&self, path: &str) -> Result<(), ClientError> {
        self.send(self.http.delete(format!("{}{path}", self.base)))
            .await
            .map(|_| ())
    }
}
