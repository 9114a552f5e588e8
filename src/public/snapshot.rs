//! The published actions of an edition, held in memory (a read model): the
//! agenda without a free text is filtered, ordered and paged from here, with
//! no query but the publication generation's (issue 8, « Speed »: the
//! agenda under 64 clients).
//!
//! A snapshot is the list [`store::page_of`] would read without any filter
//! (every published action of the edition, in the agenda's order), kept
//! with the publication generation it was read at; every change the public
//! side shows bumps the generation in its own transaction
//! (`store::bump_generation`), so a snapshot is never served stale, on any
//! instance. [`AgendaFilter::admits`] is the SQL filter's twin
//! (`store::push_filter`); `tests/publication.rs` checks that both give the
//! same actions in the same order on both engines.

use std::{collections::HashMap, sync::Arc};

use super::{
    cache::Stamped,
    store::{self, AgendaFilter, FacetRow, MAX_PAGE, PublicAction},
};
use crate::{
    db::{Conn, DbResult},
    domain::ids::{AcademyId, ActionId, EditionId},
};

type Snapshot = Arc<Vec<PublicAction>>;

/// The snapshots of the instance (`AppState::agenda_snapshots`).
#[derive(Debug, Default)]
pub struct AgendaSnapshots {
    entries: Stamped<(AcademyId, EditionId), Snapshot>,
}

impl AgendaSnapshots {
    /// The page (1-based) of the agenda and the total, from the edition's
    /// snapshot; `None` when `f` is not for this read model (no edition, a
    /// free text, the catalogue): the caller then asks the database.
    pub async fn page(
        &self,
        conn: &mut Conn<'_>,
        academy: AcademyId,
        f: &AgendaFilter,
        page: i64,
        size: i64,
    ) -> DbResult<Option<(Vec<PublicAction>, i64)>> {
        let Some(edition) = f.edition else {
            return Ok(None);
        };
        if !f.text.is_empty() || f.catalogue || f.before_year.is_some() {
            return Ok(None);
        }
        if f.impossible {
            return Ok(Some((Vec::new(), 0)));
        }
        let actions = self.snapshot(conn, academy, edition).await?;
        let matching: Vec<&PublicAction> = actions.iter().filter(|a| f.admits(a)).collect();
        let start = ((page.clamp(1, MAX_PAGE) - 1) * size) as usize;
        let rows = matching
            .iter()
            .skip(start)
            .take(size.max(0) as usize)
            .map(|a| (*a).clone())
            .collect();
        Ok(Some((rows, matching.len() as i64)))
    }

    /// The edition's snapshot at the current generation (read if needed).
    async fn snapshot(
        &self,
        conn: &mut Conn<'_>,
        academy: AcademyId,
        edition: EditionId,
    ) -> DbResult<Snapshot> {
        let generation = store::generation(conn).await?;
        let key = (academy, edition);
        if let Some(actions) = self.entries.get(&key, generation) {
            return Ok(actions);
        }
        let f = AgendaFilter {
            edition: Some(edition),
            ..AgendaFilter::default()
        };
        let actions = Arc::new(store::page_of(conn, academy, &f, 1, i64::MAX / 2).await?);
        self.entries.put(key, generation, actions.clone());
        Ok(actions)
    }
}

/// Whether `code` is in the stored comma-separated list.
fn holds(list: &str, code: &str) -> bool {
    list.split(',').any(|c| c == code)
}

impl AgendaFilter {
    /// Whether the published action `a` of the filter's edition passes the
    /// filter's places, day and codes: the twin of `store::push_filter`
    /// (which also checks the edition, the publication and the académie).
    pub fn admits(&self, a: &PublicAction) -> bool {
        let is = |want: &Option<String>, got: &Option<String>| {
            want.as_ref().is_none_or(|w| got.as_ref() == Some(w))
        };
        is(&self.department, &a.department_code)
            && self.district.is_none_or(|d| a.district_id == Some(d))
            && is(&self.commune, &a.commune)
            && is(&self.school, &a.uai)
            && self.day.is_none_or(|d| a.starts_on == Some(d))
            && self
                .from
                .is_none_or(|from| a.starts_on.is_none_or(|d| d >= from))
            && self.audience.is_none_or(|c| holds(&a.audiences, c))
            && self.level.is_none_or(|c| holds(&a.levels, c))
            && self.scheme.is_none_or(|c| a.scheme == c)
            && self.showcase.is_none_or(|c| holds(&a.showcase_kinds, c))
    }
}

/// The reuse catalogue's read model: for each académie (and the year its
/// past editions end before), every sheet it may show with its facet
/// values and rank (`store::FacetRow`, score 0), by id, kept with the
/// publication generation it was read at. A search then reads only the
/// postings of its words (`search::hit_scores`, one packed row), and the
/// facets, ranking and page are done in Rust; only the page's 50 rows are
/// read from the actions (issue 8, « Speed »: a catalogue search at 16
/// clients).
#[derive(Debug, Default)]
pub struct CatalogueSnapshots {
    entries: Stamped<(AcademyId, i64), Arc<HashMap<ActionId, FacetRow>>>,
}

impl CatalogueSnapshots {
    /// The sheets matching `f` (a catalogue filter: `catalogue` and
    /// `before_year` set), with their score, in no order; `None` when `f`
    /// filters on what the read model does not hold (department, commune,
    /// school, day): the caller then asks the database
    /// (`store::facet_rows`).
    pub async fn matching(
        &self,
        conn: &mut Conn<'_>,
        academy: AcademyId,
        f: &AgendaFilter,
    ) -> DbResult<Option<Vec<FacetRow>>> {
        let Some(before) = f.before_year else {
            return Ok(None);
        };
        if !f.catalogue
            || f.department.is_some()
            || f.commune.is_some()
            || f.school.is_some()
            || f.day.is_some()
            || f.from.is_some()
        {
            return Ok(None);
        }
        if f.impossible || f.text.impossible {
            return Ok(Some(Vec::new()));
        }
        let sheets = self.snapshot(conn, academy, before).await?;
        let rows: Vec<FacetRow> = if f.text.groups.is_empty() {
            sheets
                .values()
                .filter(|r| f.admits_sheet(r))
                .cloned()
                .collect()
        } else {
            crate::search::hit_scores(conn, academy, &f.text)
                .await?
                .into_iter()
                .filter_map(|(id, score)| {
                    let r = sheets.get(&id).filter(|r| f.admits_sheet(r))?;
                    Some(FacetRow { score, ..r.clone() })
                })
                .collect()
        };
        Ok(Some(rows))
    }

    async fn snapshot(
        &self,
        conn: &mut Conn<'_>,
        academy: AcademyId,
        before: i64,
    ) -> DbResult<Arc<HashMap<ActionId, FacetRow>>> {
        let generation = store::generation(conn).await?;
        let key = (academy, before);
        if let Some(sheets) = self.entries.get(&key, generation) {
            return Ok(sheets);
        }
        let f = AgendaFilter {
            catalogue: true,
            before_year: Some(before),
            ..AgendaFilter::default()
        };
        let sheets: HashMap<ActionId, FacetRow> = store::facet_rows(conn, academy, &f)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let sheets = Arc::new(sheets);
        self.entries.put(key, generation, sheets.clone());
        Ok(sheets)
    }
}

impl AgendaFilter {
    /// Whether a sheet of the catalogue passes the filter's edition,
    /// district and codes (the twin of `store::push_filter` for what a
    /// [`FacetRow`] holds).
    pub fn admits_sheet(&self, r: &FacetRow) -> bool {
        self.edition.is_none_or(|e| r.edition_id == e)
            && self.district.is_none_or(|d| r.district_id == Some(d))
            && self.audience.is_none_or(|c| holds(&r.audiences, c))
            && self.level.is_none_or(|c| holds(&r.levels, c))
            && self.scheme.is_none_or(|c| r.scheme == c)
            && self.showcase.is_none_or(|c| holds(&r.showcase_kinds, c))
    }
}
