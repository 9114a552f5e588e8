//! French full-text search, done once in the application (issue 8).
//!
//! Both engines index the same tokens in ordinary tables (migration 0011), so
//! the same query returns the same actions in the same order on SQLite and on
//! PostgreSQL; neither engine's own text search is used, and nothing the
//! visitor types reaches SQL as anything but a bound value.
//!
//! - **Analysis** ([`analyse`]): split on anything that is not a letter or a
//!   digit (so « l'école » is « l » + « école »), lower-case, drop French stop
//!   words, stem with the Snowball French stemmer (`rust-stemmers`, on the
//!   accented word, as Snowball expects), fold accents, then drop a final
//!   « ag » (nouns in « -age », which Snowball keeps apart from their verb): « DÉCROCHAGES »,
//!   « décrocher » and « decrochage » all become `decroch`; « eleves » and
//!   « élèves » become `elev`.
//! - **Index** ([`index`]): `search_terms` (one row per stem),
//!   `search_postings` (académie, stem, action, integer weight: 10 per occurrence in the
//!   title, 4 in the summary, 1 elsewhere) and `search_words` (each folded
//!   surface word with its stem, for typing errors). Only public actions are
//!   indexed (validated, not unpublished); [`index`] runs in the caller's
//!   transaction, called by every store function that changes an action's
//!   content, state or publication.
//! - **Typing errors**: a query word of 7 letters or more that the vocabulary
//!   does not hold is expanded to the surface words at Levenshtein distance 1.
//!   Those candidates are read through the indexes on their first three and
//!   last three letters (a single edit in a word of 7 letters leaves one of
//!   the two intact), then measured in Rust. « decrochqge » finds
//!   « décrochage ».
//! - **Ranking**: every query word (with its expansions) must match; the score
//!   is the sum of the integer weights of the matched stems; ties are broken
//!   by the caller's stable order (date, then id). Integers only, so both
//!   engines agree exactly.

use std::collections::{BTreeMap, BTreeSet};

use rust_stemmers::{Algorithm, Stemmer};
use sqlx::FromRow;

use crate::{
    db::{Conn, DbResult, builder::SqlBuilder},
    domain::ids::{AcademyId, ActionId},
    on_conn,
    text::fold,
};

/// The analyser's version: the index is rebuilt at start-up when the stored
/// one differs ([`ensure_index`]).
pub const ANALYSER_VERSION: i64 = 3;

/// Longest word indexed or searched (longer runs of letters are not words).
const MAX_WORD: usize = 40;
/// Most words of a query that are searched (the rest is ignored).
pub const MAX_QUERY_WORDS: usize = 8;
/// Most characters of a query that are read.
pub const MAX_QUERY_CHARS: usize = 300;
/// Shortest word that typing errors are looked for in.
pub const FUZZY_MIN_LEN: usize = 7;

/// French stop words, folded.
const STOP_WORDS: &[&str] = &[
    "a", "afin", "ai", "au", "aux", "avec", "ce", "ces", "cet", "cette", "d", "dans", "de", "des",
    "du", "elle", "elles", "en", "est", "et", "etre", "il", "ils", "j", "je", "l", "la", "le",
    "les", "leur", "leurs", "lui", "m", "ma", "mais", "me", "mes", "n", "ne", "nos", "notre",
    "nous", "on", "ont", "ou", "par", "pas", "pour", "qu", "que", "qui", "s", "sa", "se", "ses",
    "son", "sont", "sur", "t", "ta", "te", "tes", "ton", "tu", "un", "une", "vos", "votre", "vous",
    "y",
];

/// One analysed word: its folded surface form and its folded stem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// « élèves » → `eleves`
    pub word: String,
    /// « élèves » → `elev`
    pub term: String,
}

/// The words of `text` as the index sees them (see the module's doc). Control
/// characters, quotes and operators are separators like any punctuation.
pub fn analyse(text: &str) -> Vec<Token> {
    let stemmer = Stemmer::create(Algorithm::French);
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD)
        .filter_map(|w| {
            let lower = w.to_lowercase();
            let word = fold(&lower);
            if word.chars().count() < 2 || STOP_WORDS.binary_search(&word.as_str()).is_ok() {
                return None;
            }
            let term = derive(fold(&stemmer.stem(&lower)));
            Some(Token { word, term })
        })
        .collect()
}

/// One derivational step after Snowball (which keeps nouns in « -age »
/// apart from their verb): « décrochag » → « decroch », so « décrochage »
/// finds « décrocher ». Only when four letters or more remain.
fn derive(mut stem: String) -> String {
    if stem.ends_with("ag") && stem.chars().count() >= 6 {
        stem.truncate(stem.len() - 2);
    }
    stem
}

/// The weighted stems of an action's texts: `(text, weight per occurrence)`.
pub fn weigh(fields: &[(&str, i64)]) -> (BTreeMap<String, i64>, BTreeMap<String, String>) {
    let mut terms = BTreeMap::new();
    let mut words = BTreeMap::new();
    for (text, weight) in fields {
        for token in analyse(text) {
            *terms.entry(token.term.clone()).or_insert(0) += weight;
            words.entry(token.word).or_insert(token.term);
        }
    }
    (terms, words)
}

/// Levenshtein distance at most 1 (on characters).
pub fn within_one(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        short[prefix..].len() <= 1 || short[prefix + 1..] == long[prefix + 1..]
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

fn head(word: &str) -> String {
    word.chars().take(3).collect()
}

fn tail(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    chars[chars.len().saturating_sub(3)..].iter().collect()
}

#[derive(FromRow)]
struct Source {
    academy_id: i64,
    state: String,
    unpublished: bool,
    title: String,
    summary: String,
    description: String,
    partners: String,
    place: String,
    showcase_other: String,
    school_name: Option<String>,
    commune: Option<String>,
}

/// (Re)indexes one action in the caller's transaction: drops its postings,
/// then, if it is public (validated, not unpublished), writes its stems,
/// words and weights. Called by the store functions that change an action
/// ([`crate::actions::store`]) and by [`crate::public::store`]. Returns
/// whether the action was or is in the index (so the public side changed).
pub async fn index(conn: &mut Conn<'_>, id: ActionId) -> DbResult<bool> {
    let dropped = on_conn!(conn, |c| sqlx::query(
        "DELETE FROM search_postings WHERE action_id = $1"
    )
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    let sql =
        "SELECT e.academy_id, a.state, a.unpublished, a.title, a.summary, a.description, a.partners,
               a.place, a.showcase_other, s.name AS school_name, s.commune
               FROM actions a JOIN editions e ON e.id = a.edition_id
               LEFT JOIN schools s ON s.id = a.school_id WHERE a.id = $1";
    let source: Option<Source> = on_conn!(conn, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await)?;
    let Some(s) = source else {
        return Ok(dropped > 0);
    };
    if s.state != "validated" || s.unpublished {
        return Ok(dropped > 0);
    }
    let school = s.school_name.unwrap_or_default();
    let commune = s.commune.unwrap_or_default();
    let (terms, words) = weigh(&[
        (&s.title, 10),
        (&s.summary, 4),
        (&s.description, 1),
        (&s.partners, 1),
        (&s.place, 1),
        (&s.showcase_other, 1),
        (&school, 1),
        (&commune, 1),
    ]);
    write_postings(conn, s.academy_id, id, &terms, &words).await?;
    Ok(true)
}

async fn write_postings(
    conn: &mut Conn<'_>,
    academy: i64,
    id: ActionId,
    terms: &BTreeMap<String, i64>,
    words: &BTreeMap<String, String>,
) -> DbResult<()> {
    if terms.is_empty() {
        return Ok(());
    }
    let list: Vec<&String> = terms.keys().collect();
    let mut ids: BTreeMap<String, i64> = BTreeMap::new();
    for chunk in list.chunks(400) {
        on_conn!(conn, |c| {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO search_terms (term) ");
            q.push_values(chunk, |mut b, t| {
                b.push_bind(t.to_string());
            });
            q.push(" ON CONFLICT (term) DO NOTHING");
            q.build().execute(&mut *c).await.map(|_| ())
        })?;
        let rows: Vec<(i64, String)> = on_conn!(conn, |c| {
            let mut q =
                sqlx::QueryBuilder::new("SELECT id, term FROM search_terms WHERE term IN (");
            let mut sep = q.separated(", ");
            for t in chunk {
                sep.push_bind(t.to_string());
            }
            q.push(")");
            q.build_query_as().fetch_all(&mut *c).await
        })?;
        ids.extend(rows.into_iter().map(|(id, t)| (t, id)));
    }
    let postings: Vec<(i64, i64)> = terms
        .iter()
        .filter_map(|(t, w)| ids.get(t).map(|id| (*id, *w)))
        .collect();
    for chunk in postings.chunks(400) {
        on_conn!(conn, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO search_postings (academy_id, term_id, action_id, weight) ",
            );
            q.push_values(chunk, |mut b, (term, weight)| {
                b.push_bind(academy)
                    .push_bind(*term)
                    .push_bind(id)
                    .push_bind(*weight);
            });
            q.build().execute(&mut *c).await.map(|_| ())
        })?;
    }
    let words: Vec<(&String, i64)> = words
        .iter()
        .filter_map(|(w, t)| ids.get(t).map(|id| (w, *id)))
        .collect();
    for chunk in words.chunks(300) {
        on_conn!(conn, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO search_words (word, term_id, head, tail, len) ",
            );
            q.push_values(chunk, |mut b, (word, term)| {
                b.push_bind(word.to_string())
                    .push_bind(*term)
                    .push_bind(head(word))
                    .push_bind(tail(word))
                    .push_bind(word.chars().count() as i64);
            });
            q.push(" ON CONFLICT (word) DO NOTHING");
            q.build().execute(&mut *c).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// Rebuilds the whole index when it was built by another analyser (or never):
/// at start-up and after the demo's seeding. Returns how many actions were
/// indexed (0 when the index was current).
pub async fn ensure_index(conn: &mut Conn<'_>) -> DbResult<usize> {
    let stored: Option<i64> = on_conn!(conn, |c| sqlx::query_scalar(
        "SELECT analyser FROM search_meta WHERE id = 1"
    )
    .fetch_optional(c)
    .await)?;
    if stored == Some(ANALYSER_VERSION) {
        return Ok(0);
    }
    rebuild(conn).await
}

/// Drops and rebuilds the whole index (in the caller's transaction).
pub async fn rebuild(conn: &mut Conn<'_>) -> DbResult<usize> {
    for sql in [
        "DELETE FROM search_postings",
        "DELETE FROM search_words",
        "DELETE FROM search_terms",
    ] {
        on_conn!(conn, |c| sqlx::query(sql).execute(c).await.map(|_| ()))?;
    }
    let ids: Vec<ActionId> = on_conn!(conn, |c| sqlx::query_scalar(
        "SELECT id FROM actions WHERE state = 'validated' AND unpublished = FALSE ORDER BY id"
    )
    .fetch_all(c)
    .await)?;
    for id in &ids {
        index(conn, *id).await?;
    }
    on_conn!(conn, |c| sqlx::query(
        "INSERT INTO search_meta (id, analyser) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET analyser = EXCLUDED.analyser"
    )
    .bind(ANALYSER_VERSION)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(ids.len())
}

/// A query resolved against the vocabulary: for each query word, the stems
/// that match it (its own, or its expansions at one typing error).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolved {
    /// One set of stem ids per query word; every set must match.
    pub groups: Vec<BTreeSet<i64>>,
    /// A query word matched nothing at all: the search has no result.
    pub impossible: bool,
}

impl Resolved {
    /// Whether there is nothing to search for (only stop words, or empty).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && !self.impossible
    }
}

#[derive(FromRow)]
struct Candidate {
    word: String,
    term_id: i64,
}

/// Reads the query (at most [`MAX_QUERY_CHARS`] characters and
/// [`MAX_QUERY_WORDS`] words) and finds its stems in the vocabulary.
pub async fn resolve(conn: &mut Conn<'_>, query: &str) -> DbResult<Resolved> {
    let text: String = query.chars().take(MAX_QUERY_CHARS).collect();
    let mut tokens = analyse(&text);
    tokens.dedup_by(|a, b| a.term == b.term);
    let mut resolved = Resolved::default();
    let mut seen = BTreeSet::new();
    for token in tokens.into_iter().take(MAX_QUERY_WORDS) {
        if !seen.insert(token.term.clone()) {
            continue;
        }
        let mut group = BTreeSet::new();
        let exact: Option<i64> = on_conn!(conn, |c| sqlx::query_scalar(
            "SELECT id FROM search_terms WHERE term = $1"
        )
        .bind(&token.term)
        .fetch_optional(c)
        .await)?;
        group.extend(exact);
        let len = token.word.chars().count();
        if len >= FUZZY_MIN_LEN {
            let known: Option<i64> = on_conn!(conn, |c| sqlx::query_scalar(
                "SELECT term_id FROM search_words WHERE word = $1"
            )
            .bind(&token.word)
            .fetch_optional(c)
            .await)?;
            if known.is_none() {
                let candidates: Vec<Candidate> = on_conn!(conn, |c| {
                    sqlx::query_as(
                    "SELECT word, term_id FROM search_words WHERE head = $1 AND len BETWEEN $3 AND $4
                     UNION SELECT word, term_id FROM search_words WHERE tail = $2 AND len BETWEEN $3 AND $4"
                )
                .bind(head(&token.word))
                .bind(tail(&token.word))
                .bind(len as i64 - 1)
                .bind(len as i64 + 1)
                .fetch_all(c)
                .await
                })?;
                group.extend(
                    candidates
                        .into_iter()
                        .filter(|c| within_one(&c.word, &token.word))
                        .map(|c| c.term_id),
                );
            }
        }
        if group.is_empty() {
            resolved.impossible = true;
        }
        resolved.groups.push(group);
    }
    Ok(resolved)
}

/// Pushes a derived table `(action_id, score)` of the actions of `academy`
/// that match every group of `resolved`, for a
/// `JOIN (…) hits ON hits.action_id = a.id`. Reads only that académie's
/// postings (their key begins with the académie, migration 0021). Call only
/// when `resolved` has groups and is possible.
pub fn push_hits<B: SqlBuilder>(q: &mut B, academy: AcademyId, resolved: &Resolved) {
    let all: BTreeSet<i64> = resolved.groups.iter().flatten().copied().collect();
    let all: Vec<i64> = all.into_iter().collect();
    q.push_sql(
        "(SELECT p.action_id, CAST(SUM(p.weight) AS BIGINT) AS score FROM search_postings p \
         WHERE p.academy_id = ",
    );
    q.bind_i64(academy);
    q.push_sql(" AND p.term_id IN (");
    q.bind_list(&all);
    q.push_sql(") GROUP BY p.action_id");
    // Every group matched: one `MAX(CASE …)` per group (no distinct count,
    // no temporary tree); a single group needs no check at all.
    if resolved.groups.len() > 1 {
        for (i, group) in resolved.groups.iter().enumerate() {
            let ids: Vec<i64> = group.iter().copied().collect();
            q.push_sql(if i == 0 { " HAVING " } else { " AND " });
            q.push_sql("MAX(CASE WHEN p.term_id IN (");
            q.bind_list(&ids);
            q.push_sql(") THEN 1 ELSE 0 END) = 1");
        }
    }
    q.push_sql(")");
}

/// The actions of `academy` matching `resolved`, with their score, in no
/// order: [`push_hits`] alone, its rows brought back packed in one
/// (`id score;…`, see `db::dialect::Dialect::string_agg_fn`). Empty when
/// there is nothing to search or no possible match.
pub async fn hit_scores(
    conn: &mut Conn<'_>,
    academy: AcademyId,
    resolved: &Resolved,
) -> DbResult<Vec<(ActionId, i64)>> {
    if resolved.groups.is_empty() || resolved.impossible {
        return Ok(Vec::new());
    }
    let agg = conn.dialect().string_agg_fn();
    let packed: Option<String> = on_conn!(conn, |c| {
        let mut q = sqlx::QueryBuilder::new("SELECT ");
        q.push(agg);
        q.push("(CAST(hits.action_id AS TEXT) || ' ' || CAST(hits.score AS TEXT), ';') FROM ");
        push_hits(&mut q, academy, resolved);
        q.push(" hits");
        q.build_query_scalar().fetch_one(&mut *c).await
    })?;
    Ok(packed
        .unwrap_or_default()
        .split(';')
        .filter_map(|entry| {
            let (id, score) = entry.split_once(' ')?;
            Some((ActionId(id.parse().ok()?), score.parse().ok()?))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        analyse(text).into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn french_forms_meet_on_one_stem() {
        assert_eq!(terms("décrochage"), terms("décrocher"));
        assert_eq!(terms("DÉCROCHAGES"), terms("décrochage"));
        assert_eq!(terms("eleves"), terms("élèves"));
        assert_eq!(terms("Élève"), terms("élèves"));
        assert_eq!(terms("l'école des parents"), terms("ecole parent"));
    }

    #[test]
    fn engine_syntax_is_only_punctuation() {
        assert_eq!(
            terms("\"théâtre\" AND -forum* OR (x)"),
            terms("théâtre and forum or")
        );
        assert!(analyse("\0\u{7}'\"%_\\").is_empty());
        assert!(analyse(&"a".repeat(10_000)).is_empty());
    }

    #[test]
    fn one_edit_apart() {
        assert!(within_one("decrochage", "decrochqge"));
        assert!(within_one("decrochage", "decrochag"));
        assert!(within_one("decrochage", "decrochagee"));
        assert!(within_one("decrochage", "edcrochage") == false);
        assert!(within_one("abc", "abc"));
        assert!(!within_one("decrochage", "decrochqgz"));
    }
}
