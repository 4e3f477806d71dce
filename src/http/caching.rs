//! HTTP caching of GET answers: the ETag that names an answer, `If-None-Match` against it, and the
//! `Cache-Control` a cacheable answer carries. Answers change only with the dataset, so the ETag
//! hashes its digest and the request alone; nothing of the process goes in, and every replica of
//! a dataset gives the same one.

use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpRequest;
use sha2::{Digest, Sha256};

/// A strong validator over the dataset's digest and the parts of a request that shape its
/// answer (the media type, the document text run, the variables and the operation name): the
/// same parts give the same bytes. The document is the text run, not how it was named, so a
/// persisted query's hash and its full text share an ETag.
pub fn etag(digest: &str, request: [&str; 4]) -> String {
    let mut hasher = Sha256::new();
    for part in std::iter::once(digest).chain(request) {
        // Length-prefixed, so no two different requests run together into the same bytes.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    format!("\"{}\"", &hex::encode(hasher.finalize())[..32])
}

/// Whether the request's `If-None-Match` names `etag` (or `*`).
pub fn matches(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

/// `Cache-Control` of a cacheable GET answer: caches may keep it `max_age` and then revalidate
/// cheaply; with no `stale_while_revalidate` they must revalidate before serving a stale copy.
pub fn cache_control(max_age: Duration, stale_while_revalidate: Duration) -> HeaderValue {
    let mut value = format!("public, max-age={}", max_age.as_secs());
    match stale_while_revalidate.as_secs() {
        0 => value.push_str(", must-revalidate"),
        seconds => value.push_str(&format!(", stale-while-revalidate={seconds}")),
    }
    HeaderValue::from_str(&value).expect("digits, commas and letters make a header value")
}
