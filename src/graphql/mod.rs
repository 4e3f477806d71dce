//! GraphQL.

pub fn sdl() -> String {
    String::new()
}
