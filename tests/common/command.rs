//! The built `capgraph` binary, run hermetically: whatever the developer's shell exports, a test
//! sees only the variables it sets itself.

use std::ffi::OsStr;
use std::process::{Command, Output};

/// Removes from `command`'s environment every variable capgraph reads: all `CAPGRAPH_*` (flag
/// twins, and the typo warning's subject) and `RUST_LOG`. Variables the test then sets with
/// `.env(..)` still apply, since a `Command` applies its changes in order.
pub fn hermetic(command: &mut Command) -> &mut Command {
    command.env_remove("RUST_LOG");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CAPGRAPH_") {
            command.env_remove(name);
        }
    }
    command
}

/// The binary under test (`CARGO_BIN_EXE_capgraph`), with a [`hermetic`] environment.
pub fn capgraph() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_capgraph"));
    hermetic(&mut command);
    command
}

/// Runs `capgraph args..` to its end and returns what it printed and how it exited.
pub fn capgraph_output<S: AsRef<OsStr>>(args: &[S]) -> Output {
    capgraph()
        .args(args)
        .output()
        .expect("the capgraph binary runs")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
