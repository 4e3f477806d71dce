//! Starting the server.

use crate::config::Settings;

pub fn serve(_settings: Settings) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}
