//! API errors with stable `extensions.code`s; the only way internal failures reach a client, as
//! a fixed message with the details left in the log.

use async_graphql::{ErrorExtensions, FieldError};

use crate::store::StoreError;

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
    /// The message a client sees.
    pub fn message(&self) -> &str {
        match self {
            ApiError::BadUserInput(m) | ApiError::NotFound(m) | ApiError::LimitExceeded(m) => m,
            ApiError::Internal => "internal error",
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadUserInput(_) => "BAD_USER_INPUT",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::LimitExceeded(_) => "LIMIT_EXCEEDED",
            ApiError::Internal => "INTERNAL",
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
        let code = self.code();
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
