//! The demo's checklists: the seeds' steps in the 2024 edition and in the
//! current one.

use crate::{
    db::{Conn, DbResult},
    domain::{EditionId, checklist::SEED_STEPS},
};

/// Writes the seeds' steps in `edition`.
pub async fn seed(conn: &mut Conn<'_>, edition: EditionId) -> DbResult<()> {
    for (phase, label, auto) in SEED_STEPS {
        super::store::add_step(conn, edition, phase, label, auto).await?;
    }
    Ok(())
}
