//! What every request passes before a handler sees it, so that a web page open in a staff
//! member's browser cannot drive the node:
//!
//! - **Host**: only `localhost`, IP addresses and the names in `api.allowed_hosts` (421
//!   `misdirected`). A page whose DNS name was rebound to the node's address sends its own name.
//! - **Cross-site writes**: a mutating request (anything but GET, HEAD, OPTIONS) whose `Origin`
//!   is another site or `null`, or whose `Sec-Fetch-Site` is `cross-site` or `same-site`, is
//!   refused (403 `cross_site`).
//! - **Content-Type**: a POST, PUT or PATCH under `/api/` must say `application/json` (imports also
//!   `application/x-ndjson` or `text/csv`), else 415 `unsupported_media_type`. Browsers send
//!   the three "simple" types (`text/plain`, forms) cross-site without asking; these are refused.
//! - **Headers** on every answer: no framing (`frame-ancestors 'none'`, `X-Frame-Options`), a
//!   Content-Security-Policy allowing only the node's own resources and its one inline script
//!   (by hash), no MIME sniffing, no referrer to other sites.

use super::{ApiError, ErrorCode};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The guard's configuration, shared by every request.
#[derive(Debug, Clone)]
pub struct Guard {
    allowed_hosts: Arc<Vec<String>>,
    csp: HeaderValue,
}

impl Guard {
    /// `allowed_hosts`: names (lower case, no port) besides localhost and IP addresses.
    /// `inline_scripts`: the exact text of every inline script the pages carry.
    pub fn new(allowed_hosts: Vec<String>, inline_scripts: &[&str]) -> Guard {
        use base64::Engine as _;
        use sha2::Digest as _;
        let hashes: String = inline_scripts
            .iter()
            .map(|s| {
                let digest = sha2::Sha256::digest(s.as_bytes());
                format!(
                    " 'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                )
            })
            .collect();
        let csp = format!(
            "default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        Guard {
            allowed_hosts: Arc::new(allowed_hosts),
            csp: HeaderValue::from_str(&csp).expect("a CSP of ASCII text"),
        }
    }

    fn host_allowed(&self, host: &str) -> bool {
        let name = host_name(host).to_ascii_lowercase();
        name == "localhost"
            || name.parse::<std::net::IpAddr>().is_ok()
            || self.allowed_hosts.contains(&name)
    }
}

/// The host part of a `Host` header (`name:port`, `[v6]:port`, `name`).
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Whether a request with these headers comes from another site (its `Origin` names another
/// host than the one it was sent to, or is `null`, or the browser says it is cross-site).
pub fn from_another_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    if origin == "null" {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
    !origin_host.eq_ignore_ascii_case(host)
}

fn mutating(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The media types a mutating API request may carry.
fn content_type_ok(path: &str, headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let media = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    media == "application/json"
        || (path.ends_with("/records/import")
            && (media == "application/x-ndjson" || media == "text/csv"))
}

/// The middleware: checks, then the security headers on whatever is answered.
pub async fn guard(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let refusal = if host.is_some_and(|h| !guard.host_allowed(h)) {
        Some(ApiError::new(
            ErrorCode::Misdirected,
            format!(
                "this node does not answer to the name `{}`; add it to api.allowed_hosts",
                host.map(host_name).unwrap_or_default()
            ),
        ))
    } else if mutating(request.method()) && from_another_site(headers) {
        Some(ApiError::new(
            ErrorCode::CrossSite,
            "changes are accepted only from this node's own pages, the CLI or scripts, not from another site",
        ))
    } else if matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH
    ) && request.uri().path().starts_with("/api/")
        && !content_type_ok(request.uri().path(), headers)
    {
        Some(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "send the body as application/json (imports: application/json, application/x-ndjson or text/csv)",
        ))
    } else {
        None
    };
    let mut response = match refusal {
        Some(e) => e.into_response(),
        None => next.run(request).await,
    };
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, guard.csp.clone());
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn hosts_are_localhost_ip_addresses_or_configured_names() {
        let g = Guard::new(vec!["sicc.lv.example".into()], &[]);
        for ok in [
            "localhost:7300",
            "127.0.0.1:7300",
            "[::1]:7300",
            "10.0.0.2",
            "SICC.lv.example:443",
        ] {
            assert!(g.host_allowed(ok), "{ok}");
        }
        for refused in [
            "attacker.example:7300",
            "localhost.attacker.example",
            "sicc",
        ] {
            assert!(!g.host_allowed(refused), "{refused}");
        }
    }

    #[test]
    fn another_site_is_told_by_origin_or_fetch_metadata() {
        let host = ("host", "127.0.0.1:7300");
        assert!(!from_another_site(&headers(&[host])));
        assert!(!from_another_site(&headers(&[
            host,
            ("origin", "http://127.0.0.1:7300")
        ])));
        assert!(from_another_site(&headers(&[
            host,
            ("origin", "http://evil.example")
        ])));
        assert!(from_another_site(&headers(&[host, ("origin", "null")])));
        assert!(from_another_site(&headers(&[
            host,
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(from_another_site(&headers(&[
            host,
            ("sec-fetch-site", "same-site")
        ])));
        assert!(!from_another_site(&headers(&[
            host,
            ("sec-fetch-site", "same-origin")
        ])));
    }

    #[test]
    fn mutating_api_requests_must_say_json() {
        let json = headers(&[("content-type", "application/json; charset=utf-8")]);
        let plain = headers(&[("content-type", "text/plain")]);
        let csv = headers(&[("content-type", "text/csv")]);
        assert!(content_type_ok("/api/v1/records", &json));
        assert!(!content_type_ok("/api/v1/records", &plain));
        assert!(!content_type_ok("/api/v1/records", &HeaderMap::new()));
        assert!(!content_type_ok("/api/v1/records", &csv));
        assert!(content_type_ok("/api/v1/records/import", &csv));
    }
}
