//! The token limit: counting a document's lexical tokens before anything parses it, so a huge
//! document costs one pass over its text and no parse.

use async_graphql::ServerResult;

use super::{limit_error, Limits};

/// Refuses a document with more tokens than the limit, before anything parses it.
pub fn check_tokens(query: &str, limits: &Limits) -> ServerResult<()> {
    let max_tokens = limits.max_tokens;
    match count_tokens(query, max_tokens) {
        Some(found) => Err(limit_error(
            format!("the document has more than {max_tokens} tokens, over the token limit"),
            None,
            "maxTokens",
            max_tokens,
            Some(found),
        )),
        None => Ok(()),
    }
}

/// Counts the GraphQL tokens of `text` (punctuators, names, numbers and strings; whitespace,
/// commas and comments are ignored), stopping early: `Some(count)` once the count passes `max`,
/// `None` if it never does. Text that is not GraphQL is left for the parser to refuse.
fn count_tokens(text: &str, max: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut count = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => i += 3,
            b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => {
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'+' | b'-')
                {
                    i += 1;
                }
            }
            // Punctuators, and any other character (the parser will name it): one token each.
            _ => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
        count += 1;
        if count > max {
            return Some(count);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_counted_as_the_spec_defines_them() {
        assert_eq!(count_tokens("{ a }", 2), Some(3));
        assert_eq!(count_tokens("{ a }", 3), None);
        // Commas, comments and whitespace are not tokens; a string is one, whatever it holds.
        assert_eq!(count_tokens("# { { {\n{ a, b }", 3), Some(4));
        assert_eq!(count_tokens(r#"{ a(s: "x { } y \" z") }"#, 8), None);
        assert_eq!(count_tokens(r#"{ a(s: """ { " } """) }"#, 8), None);
        assert_eq!(count_tokens(r#"{ a(s: """ { " } """) }"#, 7), Some(8));
        assert_eq!(count_tokens("{ ...F }", 3), Some(4));
        assert_eq!(count_tokens("{ a(n: -1.5e3) }", 8), None);
        assert_eq!(count_tokens("{ a(n: -1.5e3) }", 7), Some(8));
    }
}
