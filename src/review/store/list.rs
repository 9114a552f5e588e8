//! The review list (one page, or the whole filtered list for the export).

use crate::domain::ids::{ActionId, EditionId, QuestionId};
use chrono::NaiveDate;
use sqlx::{FromRow, QueryBuilder};

use super::{Reach, ReviewFilter, push_beyond_draft, push_reach_terms};
use crate::{
    actions::store::{ACTION_SELECT, Action},
    db::{Conn, DbResult, builder::SqlBuilder},
    domain::action::ActionState,
    on_conn,
};

/// One line of the review list.
#[derive(Clone, Debug, FromRow)]
pub struct ReviewRow {
    pub id: ActionId,
    pub state: ActionState,
    pub title: String,
    pub starts_on: Option<NaiveDate>,
    pub before_week: bool,
    pub audiences: String,
    pub school_name: Option<String>,
    pub uai: Option<String>,
    /// The district of a district action (none for a school's).
    pub district_name: Option<String>,
    /// How many lines the whole filtered list has.
    pub total: i64,
}

/// Pushes the `FROM … WHERE …` of the review list (or of a selection, with
/// `ids`): the edition's actions `a` within the reach, never drafts,
/// filtered; the school filter joins the action's school as `s`.
fn push_list_from(
    q: &mut impl SqlBuilder,
    edition_id: EditionId,
    reach: &Reach,
    filter: &ReviewFilter,
    ids: Option<&[ActionId]>,
) {
    let state = filter.state.filter(|_| ids.is_none());
    let filters = ids.is_none().then_some(filter);
    let school = filters.and_then(|f| f.school.as_deref());
    let text = filters.and_then(|f| f.text.as_deref());
    let audience = filters.and_then(|f| f.audience);
    q.push_sql(" FROM actions a");
    if school.is_some() {
        q.push_sql(" LEFT JOIN schools s ON s.id = a.school_id");
    }
    q.push_sql(" WHERE ");
    push_reach_terms(q, edition_id, reach);
    q.push_sql(" AND ");
    push_beyond_draft(q, "a");
    match ids {
        Some([]) => {
            q.push_sql(" AND 1 = 0");
        }
        Some(ids) => {
            q.push_sql(" AND a.id IN (").bind_list(ids).push_sql(")");
        }
        None => {}
    }
    if let Some(state) = state {
        q.push_sql(" AND a.state = ").bind_text(state.code().into());
    }
    if let Some(school) = school {
        q.push_sql(" AND ");
        push_contains(q, "s.search_folded", school);
    }
    if let Some(audience) = audience {
        q.push_sql(" AND (',' || a.audiences || ',') LIKE ('%,' || ")
            .bind_text(audience.into())
            .push_sql(" || ',%')");
    }
    if let Some(text) = text {
        q.push_sql(" AND ");
        push_contains(q, "a.search_folded", text);
    }
}

/// Pushes the ids of the review list (or of a selection), as a query of `id`.
fn push_list_ids(
    q: &mut impl SqlBuilder,
    edition_id: EditionId,
    reach: &Reach,
    filter: &ReviewFilter,
    ids: Option<&[ActionId]>,
) {
    q.push_sql("SELECT a.id");
    push_list_from(q, edition_id, reach, filter, ids);
}

/// `column LIKE pattern`: `column` is one of our `search_folded` columns
/// (title, summary and description of an action; name, commune and UAI of a
/// school: migration 0019), the pattern the typed text folded the same way
/// ([`super::contains_pattern`]), so accents and case never matter.
fn push_contains(q: &mut impl SqlBuilder, column: &str, text: &str) {
    q.push_sql(column)
        .push_sql(" LIKE ")
        .bind_text(super::contains_pattern(text))
        .push_sql(" ESCAPE '\\'");
}

/// By date (undated last), then by id, in the chosen direction, of the
/// actions `a`: in ascending order, the order of the index
/// `actions_reviewed_by_district` (migration 0007), so a district's page is
/// read off the index without sorting.
fn push_order(q: &mut impl SqlBuilder, filter: &ReviewFilter) {
    q.push_sql(if filter.descending {
        " ORDER BY (a.starts_on IS NULL), a.starts_on DESC, a.id DESC"
    } else {
        " ORDER BY (a.starts_on IS NULL), a.starts_on, a.id"
    });
}

/// One page of the review list, and how many lines the whole list has.
///
/// One query: the page's lines joined to their school (or, for a district
/// action, district), each carrying the count of the whole list (an
/// uncorrelated subquery, computed once, from the index alone).
pub async fn review_page(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    reach: &Reach,
    filter: &ReviewFilter,
    offset: i64,
    limit: i64,
) -> DbResult<(Vec<ReviewRow>, i64)> {
    let rows: Vec<ReviewRow> = on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT a.id, a.state, a.title, a.starts_on, a.before_week, a.audiences, \
             ps.name AS school_name, ps.uai, di.name AS district_name, (SELECT COUNT(*)",
        );
        push_list_from(&mut q, edition_id, reach, filter, None);
        q.push_sql(") AS total FROM (SELECT a.*");
        push_list_from(&mut q, edition_id, reach, filter, None);
        push_order(&mut q, filter);
        q.push_sql(" LIMIT ")
            .bind_i64(limit)
            .push_sql(" OFFSET ")
            .bind_i64(offset);
        q.push_sql(
            ") a LEFT JOIN schools ps ON ps.id = a.school_id \
             LEFT JOIN districts di ON a.school_id IS NULL AND di.id = a.district_id",
        );
        push_order(&mut q, filter);
        q.build_query_as().fetch_all(c).await
    })?;
    if let Some(total) = rows.first().map(|r| r.total) {
        return Ok((rows, total));
    }
    if offset == 0 {
        return Ok((rows, 0));
    }
    // A page past the end: count the list on its own.
    let total: i64 = on_conn!(conn, |c| {
        let mut q = QueryBuilder::new("SELECT COUNT(*)");
        push_list_from(&mut q, edition_id, reach, filter, None);
        q.build_query_scalar().fetch_one(c).await
    })?;
    Ok((rows, total))
}

/// Full actions for the export: the selection (`ids`) if any, else the whole
/// filtered list, always within the reach and never drafts.
pub async fn export_actions(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    reach: &Reach,
    filter: &ReviewFilter,
    ids: Option<&[ActionId]>,
) -> DbResult<Vec<Action>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(ACTION_SELECT);
        q.push_sql(" WHERE a.id IN (");
        push_list_ids(&mut q, edition_id, reach, filter, ids);
        q.push_sql(")");
        push_order(&mut q, filter);
        q.build_query_as().fetch_all(c).await
    })
}

/// The ids of [`export_actions`], in the same order (8 bytes per action:
/// the export then reads the actions batch by batch by these ids, one
/// connection at a time).
pub async fn export_ids(
    conn: &mut Conn<'_>,
    edition_id: EditionId,
    reach: &Reach,
    filter: &ReviewFilter,
    ids: Option<&[ActionId]>,
) -> DbResult<Vec<ActionId>> {
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new("SELECT a.id FROM actions a WHERE a.id IN (");
        push_list_ids(&mut q, edition_id, reach, filter, ids);
        q.push_sql(")");
        push_order(&mut q, filter);
        q.build_query_scalar().fetch_all(c).await
    })
}

/// The actions `ids` (a batch of [`export_ids`], already within the reach
/// and the filter), in the list's order: a lookup by primary key, so that
/// each batch costs its own rows, never the whole list again.
pub async fn export_batch(
    conn: &mut Conn<'_>,
    ids: &[ActionId],
    filter: &ReviewFilter,
) -> DbResult<Vec<Action>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(ACTION_SELECT);
        q.push_sql(" WHERE a.id IN (").bind_list(ids).push_sql(")");
        push_order(&mut q, filter);
        q.build_query_as().fetch_all(c).await
    })
}

/// The answers of the actions `ids`: (action, question, value), one row per
/// text answer and one per chosen option (its label), in the options' order.
pub async fn export_batch_answers(
    conn: &mut Conn<'_>,
    ids: &[ActionId],
) -> DbResult<Vec<(ActionId, QuestionId, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    on_conn!(conn, |c| {
        let mut q = QueryBuilder::new(
            "SELECT action_id, question_id, value FROM (\
             SELECT aa.action_id, aa.question_id, aa.value, 0 AS position FROM action_answers aa \
             WHERE aa.action_id IN (",
        );
        q.bind_list(ids);
        q.push_sql(
            ") UNION ALL \
             SELECT ac.action_id, o.question_id, o.label, o.position FROM action_choices ac \
             JOIN question_options o ON o.id = ac.option_id \
             WHERE ac.action_id IN (",
        );
        q.bind_list(ids);
        q.push_sql(")) answers ORDER BY action_id, question_id, position");
        q.build_query_as().fetch_all(c).await
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::builder::SqlText;
    #[allow(unused_imports)]
    use crate::domain::ids::*;

    #[test]
    fn a_plain_district_list_is_one_range_of_places() {
        let reach = Reach::districts(vec![DistrictId(3)]);
        let mut q = SqlText::default();
        push_list_ids(&mut q, EditionId(7), &reach, &ReviewFilter::default(), None);
        assert_eq!(
            q.text,
            "SELECT a.id FROM actions a WHERE a.edition_id = ? \
             AND a.place_district_id IN (?) AND a.state <> 'draft'"
        );
        let filter = ReviewFilter {
            text: Some("forum".into()),
            school: Some("Jaurès".into()),
            ..Default::default()
        };
        let mut q = SqlText::default();
        push_list_ids(&mut q, EditionId(7), &reach, &filter, None);
        assert!(
            q.text
                .contains("FROM actions a LEFT JOIN schools s ON s.id = a.school_id WHERE"),
            "{}",
            q.text
        );
        assert!(
            q.text.contains("a.search_folded LIKE ? ESCAPE"),
            "{}",
            q.text
        );
    }

    #[test]
    fn typed_text_is_always_bound_never_spliced() {
        let filter = ReviewFilter {
            text: Some("'; DROP TABLE actions; --".into()),
            school: Some("x' OR '1'='1".into()),
            ..Default::default()
        };
        let mut q = SqlText::default();
        push_list_ids(
            &mut q,
            EditionId(7),
            &Reach::districts(vec![DistrictId(3)]),
            &filter,
            None,
        );
        assert!(
            !q.text.contains("DROP") && !q.text.contains("'1'"),
            "{}",
            q.text
        );
    }
}
