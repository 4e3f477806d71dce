//! API errors with stable `extensions.code`s; the only way internal failures reach a client, as
//! a fixed message with the details left in the log.

use async_graphql::{ErrorExtensionValues, ErrorExtensions, FieldError, Pos, ServerError, Value};

use crate::store::StoreError;

/// Every `extensions.code` the API answers; README lists them for clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    BadUserInput,
    NotFound,
    LimitExceeded,
    IntrospectionDisabled,
    Overloaded,
    Timeout,
    Internal,
    /// A persisted query's hash that this server has not been sent with its text (yet).
    PersistedQueryNotFound,
    /// A document outside the trusted documents (`--trusted-documents`).
    DocumentNotTrusted,
}

impl ErrorCode {
    /// Every code, for the documentation and the tests that hold clients' promises.
    pub const ALL: [ErrorCode; 9] = [
        ErrorCode::BadUserInput,
        ErrorCode::NotFound,
        ErrorCode::LimitExceeded,
        ErrorCode::IntrospectionDisabled,
        ErrorCode::Overloaded,
        ErrorCode::Timeout,
        ErrorCode::Internal,
        ErrorCode::PersistedQueryNotFound,
        ErrorCode::DocumentNotTrusted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::LimitExceeded => "LIMIT_EXCEEDED",
            ErrorCode::IntrospectionDisabled => "INTROSPECTION_DISABLED",
            ErrorCode::Overloaded => "OVERLOADED",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            ErrorCode::DocumentNotTrusted => "DOCUMENT_NOT_TRUSTED",
        }
    }

    /// Whether `error` carries this code.
    pub fn is_on(self, error: &ServerError) -> bool {
        error.extensions.as_ref().and_then(|e| e.get("code")) == Some(&Value::from(self.as_str()))
    }
}

/// The one way a coded error is built outside resolvers: its message, its code, and whatever
/// `more` adds to its extensions (a limit's name and value, say).
pub fn coded_error(
    code: ErrorCode,
    message: impl Into<String>,
    pos: Option<Pos>,
    more: impl FnOnce(&mut ErrorExtensionValues),
) -> ServerError {
    let mut error = ServerError::new(message, pos);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code.as_str());
    more(&mut extensions);
    error.extensions = Some(extensions);
    error
}

/// What a client can be told went wrong.
///
/// Deliberately not `Display` (so no `thiserror`): async-graphql converts anything `Display`
/// into an error without a code, and that blanket conversion would win over ours whenever a
/// resolver writes `?`.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// The request asked for something malformed: a bad ID, cursor or argument.
    BadUserInput(String),
    /// The request named something that does not exist.
    NotFound(String),
    /// The request is over one of the server's limits.
    LimitExceeded(String),
    /// Something broke on our side; the details are in the server log only.
    Internal,
}

impl ApiError {
    /// Something broke on our side: logged here, once, inside the request's span, and
    /// answered as a bare `INTERNAL`.
    pub fn internal(what: &str) -> ApiError {
        tracing::error!(what, "internal error while answering a query");
        ApiError::Internal
    }

    /// The message a client sees.
    pub fn message(&self) -> &str {
        match self {
            ApiError::BadUserInput(m) | ApiError::NotFound(m) | ApiError::LimitExceeded(m) => m,
            ApiError::Internal => "internal error",
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::BadUserInput(_) => ErrorCode::BadUserInput,
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::LimitExceeded(_) => ErrorCode::LimitExceeded,
            ApiError::Internal => ErrorCode::Internal,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        tracing::error!(error.cause_chain = ?error, "store failure while answering a query");
        ApiError::Internal
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> FieldError {
        let code = self.code().as_str();
        async_graphql::Error::new(self.message()).extend_with(|_, e| e.set("code", code))
    }
}

impl From<ApiError> for FieldError {
    fn from(error: ApiError) -> FieldError {
        error.extend()
    }
}

/// Resolver results: errors already carry their code.
pub type ApiResult<T> = Result<T, ApiError>;
