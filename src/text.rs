//! Text folding for search and name matching: case, diacritics and unspaced scripts.
//!
//! Latin-script text folds to lower-case ASCII words ("Việt Nam" → `viet`, `nam`). Scripts
//! written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese) cannot be
//! split into words by whitespace, so they are indexed as single characters and character pairs:
//! "中国交建" gives 中, 国, 交, 建, 中国, 国交, 交建, and any name holding those pairs matches.

/// One searchable unit of a name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Token {
    /// A folded Latin-script (or other spaced-script) word; queries may match it by prefix.
    Word(String),
    /// One or two characters of an unspaced script; matched exactly.
    Gram(String),
}

impl Token {
    pub fn text(&self) -> &str {
        match self {
            Token::Word(t) | Token::Gram(t) => t,
        }
    }
}

/// How a query token is looked up in the search index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Only an indexed token equal to it matches.
    Whole,
    /// Any indexed token that starts with it matches.
    Prefix,
}

/// The one rule by which `search` and every filter's `text` look up the tokens of a query:
/// the last word may be the start of a word ("sura" finds Suramadu), as a person typing has
/// not finished it, unless it is a single letter, which as a prefix matches nearly everything;
/// every other word, and every character of an unspaced script, must match whole.
pub fn lookup(query: &[Token], i: usize) -> Lookup {
    match &query[i] {
        Token::Word(word) if i + 1 == query.len() && word.len() > 1 => Lookup::Prefix,
        _ => Lookup::Whole,
    }
}

/// Whether a character belongs to a script written without spaces between words.
fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0E7F     // Thai
        | 0x0E80..=0x0EFF   // Lao
        | 0x1000..=0x109F   // Myanmar
        | 0x1780..=0x17FF   // Khmer
        | 0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0x20000..=0x2FA1F // CJK extensions B onwards
    )
}

/// Folds text for comparison: lower case, no diacritics, unspaced scripts kept as they are.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unspaced(c) {
            out.push(c);
        } else if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            // deunicode maps "ệ" to "e" and "đ" to "d"; symbols it cannot map become spaces.
            match deunicode::deunicode_char(c) {
                Some(ascii) => out.extend(ascii.chars().map(|a| a.to_ascii_lowercase())),
                None => out.push(' '),
            }
        }
    }
    out
}

/// Splits text into the tokens that the search index stores and queries look up.
pub fn tokens(text: &str) -> Vec<Token> {
    let folded = fold(text);
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    let flush_word = |word: &mut String, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(word)));
        }
    };
    let flush_run = |run: &mut Vec<char>, tokens: &mut Vec<Token>| {
        for (i, c) in run.iter().enumerate() {
            tokens.push(Token::Gram(c.to_string()));
            if let Some(next) = run.get(i + 1) {
                tokens.push(Token::Gram(format!("{c}{next}")));
            }
        }
        run.clear();
    };
    for c in folded.chars() {
        if is_unspaced(c) {
            flush_word(&mut word, &mut tokens);
            run.push(c);
        } else if c.is_ascii_alphanumeric() {
            flush_run(&mut run, &mut tokens);
            word.push(c);
        } else {
            flush_word(&mut word, &mut tokens);
            flush_run(&mut run, &mut tokens);
        }
    }
    flush_word(&mut word, &mut tokens);
    flush_run(&mut run, &mut tokens);
    tokens
}

/// The tokens a query needs to match: words, and the character pairs of unspaced runs (single
/// characters only where a run is one character long, since pairs already imply them).
pub fn query_tokens(text: &str) -> Vec<Token> {
    let all = tokens(text);
    let has_pair = |t: &Token| matches!(t, Token::Gram(g) if g.chars().count() == 2);
    let mut wanted: Vec<Token> = Vec::new();
    for (i, token) in all.iter().enumerate() {
        let keep = match token {
            Token::Word(_) => true,
            Token::Gram(g) if g.chars().count() == 2 => true,
            // A lone character is wanted only when no pair contains it.
            Token::Gram(_) => {
                !(all.get(i + 1).is_some_and(has_pair) || i > 0 && has_pair(&all[i - 1]))
            }
        };
        if keep && !wanted.contains(token) {
            wanted.push(token.clone());
        }
    }
    wanted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokens(text).iter().map(|t| t.text().to_owned()).collect()
    }

    #[test]
    fn only_a_last_word_of_two_letters_or_more_is_looked_up_as_a_prefix() {
        let lookups = |text: &str| {
            let query = query_tokens(text);
            (0..query.len())
                .map(|i| lookup(&query, i))
                .collect::<Vec<_>>()
        };
        assert_eq!(lookups("china comm"), [Lookup::Whole, Lookup::Prefix]);
        assert_eq!(lookups("sura"), [Lookup::Prefix]);
        assert_eq!(lookups("a b"), [Lookup::Whole, Lookup::Whole]);
        assert_eq!(lookups("中国"), [Lookup::Whole]);
        assert_eq!(lookups("zte 中兴"), [Lookup::Whole, Lookup::Whole]);
    }

    #[test]
    fn folds_case_and_diacritics() {
        assert_eq!(words("Việt Nam"), ["viet", "nam"]);
        assert_eq!(
            words("Surabaya–Madura Bridge"),
            ["surabaya", "madura", "bridge"]
        );
        assert_eq!(fold("Đà Nẵng"), "da nang");
    }

    #[test]
    fn splits_unspaced_scripts_into_characters_and_pairs() {
        assert_eq!(words("中交建"), ["中", "中交", "交", "交建", "建"]);
        assert_eq!(words("ZTE 中兴"), ["zte", "中", "中兴", "兴"]);
    }

    #[test]
    fn queries_keep_pairs_and_lone_characters() {
        let q: Vec<String> = query_tokens("中国交建")
            .iter()
            .map(|t| t.text().to_owned())
            .collect();
        assert_eq!(q, ["中国", "国交", "交建"]);
        let q: Vec<String> = query_tokens("唐")
            .iter()
            .map(|t| t.text().to_owned())
            .collect();
        assert_eq!(q, ["唐"]);
    }
}
