//! Persisted documents: Automatic Persisted Queries (a client registers a document under its
//! SHA-256 and then sends the hash alone, so a GET fits in a URL that a CDN can cache) and
//! trusted documents (`--trusted-documents`: a manifest of the only documents this server runs).
//! Turns what a request names into the document text before the GraphQL layer sees it; knows
//! nothing of parsing or execution.
//!
//! This is not async-graphql's `ApolloPersistedQueries` extension: we read its source against
//! our pipeline and found it unfit: it hands async-graphql a parsed document with an empty query
//! text, so our parsed-document cache (keyed by text) would answer every hashed request with
//! whichever document was registered first; it parses a registered text before the token
//! limit sees it; its errors carry no `extensions.code`; a second extension wraps every field
//! in one more boxed future; and the HTTP layer needs the text before execution anyway, for the
//! ETag, the GET mutation check and the trusted-documents rule.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use quick_cache::sync::Cache;
use quick_cache::Weighter;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// How much registered document text the server keeps; the least used go first past it.
const REGISTERED_TEXT_BYTES: u64 = 4 * 1024 * 1024;

/// A lowercase hexadecimal SHA-256, as APQ and the manifests write it.
fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn is_sha256_hex(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `extensions.persistedQuery` of a request, as Apollo's protocol defines it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersistedQuery {
    version: serde_json::Value,
    sha256_hash: String,
}

impl PersistedQuery {
    /// Reads `persistedQuery` out of a request's `extensions`; `None` when it has none.
    pub fn from_extensions(extensions: &serde_json::Value) -> Result<Option<Self>, Refusal> {
        let Some(extensions) = extensions.as_object() else {
            return match extensions {
                serde_json::Value::Null => Ok(None),
                _ => Err(Refusal::Malformed("`extensions` must be an object".into())),
            };
        };
        let Some(persisted) = extensions.get("persistedQuery") else {
            return Ok(None);
        };
        let persisted: PersistedQuery = serde_json::from_value(persisted.clone()).map_err(|e| {
            Refusal::Malformed(format!(
                "`extensions.persistedQuery` must be {{ version: 1, sha256Hash: \"…\" }}: {e}"
            ))
        })?;
        if persisted.version != 1 {
            return Err(Refusal::Malformed(format!(
                "persisted queries of version {} are not supported; this server speaks version 1",
                persisted.version
            )));
        }
        if !is_sha256_hex(&persisted.sha256_hash) {
            return Err(Refusal::Malformed(
                "`extensions.persistedQuery.sha256Hash` must be 64 hexadecimal digits".into(),
            ));
        }
        Ok(Some(persisted))
    }
}

/// Why a request's document will not run.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// A hash alone that this server has not been sent with its text (yet).
    #[error("PersistedQueryNotFound")]
    NotFound,
    /// A hash sent with a text it is not the hash of.
    #[error(
        "`extensions.persistedQuery.sha256Hash` is {sent}, but the SHA-256 of the query text is \
         {actual}; hash the exact text sent in `query`"
    )]
    HashMismatch { sent: String, actual: String },
    /// A document outside the trusted-documents manifest.
    #[error(
        "this server runs trusted documents only (--trusted-documents), and the document \
         with SHA-256 {hash} is not among them"
    )]
    NotTrusted { hash: String },
    /// Neither a query nor a persisted-query hash, or a malformed extension.
    #[error("{0}")]
    Malformed(String),
}

/// Why a trusted-documents manifest cannot be used; every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read the trusted documents manifest {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the trusted documents manifest {path} is not JSON: {source}")]
    NotJson {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "the trusted documents manifest {path} is neither an object of SHA-256 hash to document \
         text (GraphQL Codegen's persisted-documents.json) nor an Apollo persisted query \
         manifest (`operations: [{{ id, body }}]`): {problem}"
    )]
    Shape { path: PathBuf, problem: String },
    #[error(
        "the trusted documents manifest {path}: `{key}` is not a SHA-256 hash (64 hexadecimal \
         digits); generate the manifest with the sha256 hash algorithm"
    )]
    NotSha256 { path: PathBuf, key: String },
    #[error(
        "the trusted documents manifest {path}: the document under {key} has the SHA-256 \
         {actual}; the manifest does not match its documents"
    )]
    WrongHash {
        path: PathBuf,
        key: String,
        actual: String,
    },
    #[error("the trusted documents manifest {path} holds no documents, so nothing could run")]
    Empty { path: PathBuf },
}

/// An operation of Apollo's `generate-persisted-query-manifest` output.
#[derive(Deserialize)]
struct ApolloOperation {
    id: String,
    body: String,
}

/// The (hash, document) pairs of either manifest shape that client tooling emits: GraphQL
/// Codegen's client preset (`persistedDocuments` with `hashAlgorithm: 'sha256'`) writes
/// `{ "<sha256>": "<document>" }`; Apollo's writes `{ format, version, operations: [{ id, body }] }`.
fn manifest_entries(manifest: serde_json::Value) -> Result<Vec<(String, String)>, String> {
    let serde_json::Value::Object(mut object) = manifest else {
        return Err("the top level is not an object".into());
    };
    if object.get("format").and_then(|f| f.as_str()) == Some("apollo-persisted-query-manifest") {
        let operations = object.remove("operations").unwrap_or_default();
        let operations: Vec<ApolloOperation> =
            serde_json::from_value(operations).map_err(|e| format!("`operations`: {e}"))?;
        return Ok(operations.into_iter().map(|op| (op.id, op.body)).collect());
    }
    object
        .into_iter()
        .map(|(key, document)| match document {
            serde_json::Value::String(document) => Ok((key, document)),
            _ => Err(format!("the value under `{key}` is not a document string")),
        })
        .collect()
}

/// The only documents a server started with `--trusted-documents` runs, by SHA-256.
#[derive(Debug)]
pub struct TrustedDocuments {
    by_hash: HashMap<String, Arc<str>>,
}

impl TrustedDocuments {
    /// Reads and checks a manifest: every key a SHA-256 that matches its document.
    pub fn load(path: &Path) -> Result<TrustedDocuments, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.to_owned(),
            source,
        })?;
        let manifest = serde_json::from_str(&text).map_err(|source| ManifestError::NotJson {
            path: path.to_owned(),
            source,
        })?;
        let entries = manifest_entries(manifest).map_err(|problem| ManifestError::Shape {
            path: path.to_owned(),
            problem,
        })?;
        let mut by_hash = HashMap::with_capacity(entries.len());
        for (key, document) in entries {
            if !is_sha256_hex(&key) {
                return Err(ManifestError::NotSha256 {
                    path: path.to_owned(),
                    key,
                });
            }
            let actual = sha256_hex(&document);
            if !key.eq_ignore_ascii_case(&actual) {
                return Err(ManifestError::WrongHash {
                    path: path.to_owned(),
                    key,
                    actual,
                });
            }
            by_hash.insert(actual, Arc::from(document));
        }
        if by_hash.is_empty() {
            return Err(ManifestError::Empty {
                path: path.to_owned(),
            });
        }
        Ok(TrustedDocuments { by_hash })
    }

    /// How many documents the manifest trusts.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}

/// Weighs a registered document by its text.
#[derive(Clone)]
struct TextLength;

impl Weighter<String, Arc<str>> for TextLength {
    fn weight(&self, _: &String, text: &Arc<str>) -> u64 {
        text.len() as u64 + 64
    }
}

/// What the server knows of documents by hash: those registered through APQ, or, when set, the
/// trusted manifest (which then replaces registration).
pub struct PersistedDocuments {
    registered: Cache<String, Arc<str>, TextLength>,
    trusted: Option<TrustedDocuments>,
}

impl PersistedDocuments {
    pub fn new(trusted: Option<TrustedDocuments>) -> PersistedDocuments {
        PersistedDocuments {
            registered: Cache::with_weighter(16_384, REGISTERED_TEXT_BYTES, TextLength),
            trusted,
        }
    }

    /// The document text a request asks to run, from its `query` and its persisted-query hash.
    ///
    /// A hash with a text registers the text (after checking the hash), unless the server runs
    /// trusted documents only, which it never adds to.
    pub fn resolve(
        &self,
        query: Option<String>,
        persisted: Option<PersistedQuery>,
    ) -> Result<Arc<str>, Refusal> {
        let query = query.filter(|q| !q.is_empty());
        match (query, persisted) {
            (None, None) => Err(Refusal::Malformed("the request has no `query`".into())),
            (None, Some(persisted)) => {
                let hash = persisted.sha256_hash.to_ascii_lowercase();
                match &self.trusted {
                    Some(trusted) => trusted
                        .by_hash
                        .get(&hash)
                        .cloned()
                        .ok_or(Refusal::NotTrusted { hash }),
                    None => self.registered.get(&hash).ok_or(Refusal::NotFound),
                }
            }
            (Some(text), persisted) => {
                let actual = sha256_hex(&text);
                if let Some(persisted) = &persisted {
                    if !persisted.sha256_hash.eq_ignore_ascii_case(&actual) {
                        return Err(Refusal::HashMismatch {
                            sent: persisted.sha256_hash.clone(),
                            actual,
                        });
                    }
                }
                match &self.trusted {
                    Some(trusted) => trusted
                        .by_hash
                        .get(&actual)
                        .cloned()
                        .ok_or(Refusal::NotTrusted { hash: actual }),
                    None => {
                        let text: Arc<str> = Arc::from(text);
                        if persisted.is_some() {
                            self.registered.insert(actual, Arc::clone(&text));
                        }
                        Ok(text)
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "{ dataset { digest } }";

    fn hashed(hash: &str) -> Option<PersistedQuery> {
        let extensions =
            serde_json::json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
        PersistedQuery::from_extensions(&extensions).expect("well formed")
    }

    #[test]
    fn a_hash_is_unknown_until_sent_with_its_text() {
        let documents = PersistedDocuments::new(None);
        let hash = sha256_hex(DOC);
        assert!(matches!(
            documents.resolve(None, hashed(&hash)),
            Err(Refusal::NotFound)
        ));
        let text = documents.resolve(Some(DOC.into()), hashed(&hash)).unwrap();
        assert_eq!(&*text, DOC);
        let again = documents
            .resolve(None, hashed(&hash.to_uppercase()))
            .unwrap();
        assert_eq!(&*again, DOC);
    }

    #[test]
    fn a_text_under_another_hash_is_refused_and_not_registered() {
        let documents = PersistedDocuments::new(None);
        let wrong = sha256_hex("{ __typename }");
        let refusal = documents
            .resolve(Some(DOC.into()), hashed(&wrong))
            .unwrap_err();
        assert!(matches!(refusal, Refusal::HashMismatch { .. }), "{refusal}");
        assert!(matches!(
            documents.resolve(None, hashed(&wrong)),
            Err(Refusal::NotFound)
        ));
    }

    #[test]
    fn malformed_extensions_say_what_is_wrong() {
        for (extensions, expected) in [
            (serde_json::json!([]), "must be an object"),
            (
                serde_json::json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256_hex(DOC) } }),
                "version 2",
            ),
            (
                serde_json::json!({ "persistedQuery": { "version": 1, "sha256Hash": "abc" } }),
                "64 hexadecimal",
            ),
            (
                serde_json::json!({ "persistedQuery": { "version": 1 } }),
                "sha256Hash",
            ),
        ] {
            let error = PersistedQuery::from_extensions(&extensions)
                .unwrap_err()
                .to_string();
            assert!(error.contains(expected), "{extensions}: {error}");
        }
        assert!(PersistedQuery::from_extensions(&serde_json::json!({}))
            .unwrap()
            .is_none());
    }

    #[test]
    fn registered_text_stays_within_its_budget() {
        let documents = PersistedDocuments::new(None);
        let padding = " ".repeat(64 * 1024);
        for i in 0..200 {
            let text = format!("{DOC}{padding}# {i}");
            let hash = sha256_hex(&text);
            documents.resolve(Some(text), hashed(&hash)).unwrap();
        }
        assert!(documents.registered.weight() <= REGISTERED_TEXT_BYTES);
        assert!(documents.registered.len() < 200);
    }

    fn manifest(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("persisted-documents.json");
        std::fs::write(&path, text).expect("written");
        (dir, path)
    }

    #[test]
    fn both_manifest_shapes_load_and_only_their_documents_run() {
        let hash = sha256_hex(DOC);
        let codegen = serde_json::json!({ hash.clone(): DOC }).to_string();
        let apollo = serde_json::json!({
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{ "id": hash, "name": "Digest", "type": "query", "body": DOC }],
        })
        .to_string();
        for text in [codegen, apollo] {
            let (_dir, path) = manifest(&text);
            let trusted = TrustedDocuments::load(&path).expect("a good manifest");
            assert_eq!(trusted.len(), 1);
            let documents = PersistedDocuments::new(Some(trusted));
            assert_eq!(&*documents.resolve(None, hashed(&hash)).unwrap(), DOC);
            assert_eq!(&*documents.resolve(Some(DOC.into()), None).unwrap(), DOC);
            let other = "{ __typename }";
            let refusal = documents.resolve(Some(other.into()), None).unwrap_err();
            assert!(matches!(refusal, Refusal::NotTrusted { .. }), "{refusal}");
            let refusal = documents
                .resolve(Some(other.into()), hashed(&sha256_hex(other)))
                .unwrap_err();
            assert!(
                matches!(refusal, Refusal::NotTrusted { .. }),
                "never registered: {refusal}"
            );
        }
    }

    #[test]
    fn a_bad_manifest_is_refused_naming_the_file_and_the_fault() {
        let hash = sha256_hex(DOC);
        for (text, expected) in [
            ("not json".to_owned(), "is not JSON"),
            ("[]".to_owned(), "top level is not an object"),
            (
                serde_json::json!({ hash.clone(): 7 }).to_string(),
                "is not a document string",
            ),
            (
                serde_json::json!({ "abc": DOC }).to_string(),
                "`abc` is not a SHA-256 hash",
            ),
            (
                serde_json::json!({ sha256_hex("{ __typename }"): DOC }).to_string(),
                "does not match its documents",
            ),
            ("{}".to_owned(), "holds no documents"),
        ] {
            let (_dir, path) = manifest(&text);
            let error = TrustedDocuments::load(&path).unwrap_err().to_string();
            assert!(error.contains(&path.display().to_string()), "{error}");
            assert!(error.contains(expected), "{text}: {error}");
        }
        let missing = Path::new("/nonexistent/persisted-documents.json");
        let error = TrustedDocuments::load(missing).unwrap_err().to_string();
        assert!(
            error.contains("cannot read") && error.contains("/nonexistent/"),
            "{error}"
        );
    }
}
