//! The figures of one dashboard, gathered once for the page, the printable
//! report and the spreadsheet: the edition and its previous ones side by
//! side, the districts, the questionnaire, in tables of labelled figures
//! each linked to the actions behind it.

use std::collections::HashMap;

use super::{
    Access, Level, Scope,
    chart::{Bar, BarChart},
    store::{self, Indicator, Totals},
};
use crate::{
    db::Conn,
    domain::{
        bilan::{ATTENDANCE, BilanQuestionKind, SCALE},
        declaration::{AUDIENCES, SHOWCASE_KINDS},
        ids::{DistrictId, EditionId},
    },
    web::AppResult,
};

/// How many previous editions the comparison shows.
pub const PREVIOUS: i64 = 4;

/// A figure and the list of the actions behind it.
#[derive(Clone, Debug)]
pub struct Cell {
    pub value: String,
    pub href: Option<String>,
}

impl Cell {
    fn plain(value: impl ToString) -> Cell {
        Cell {
            value: value.to_string(),
            href: None,
        }
    }
}

/// A line of a table: its label and one cell per column.
#[derive(Clone, Debug)]
pub struct Line {
    pub label: String,
    pub cells: Vec<Cell>,
}

/// A table of figures: caption, column headers, lines.
#[derive(Clone, Debug)]
pub struct Table {
    /// A short name (the spreadsheet's sheet name, 31 characters at most).
    pub sheet: String,
    pub caption: String,
    /// The header of the first column (what the lines are).
    pub corner: String,
    pub head: Vec<String>,
    pub lines: Vec<Line>,
}

/// A scale question and its answers.
pub struct Scale {
    pub label: String,
    pub table: Table,
    pub chart: BarChart,
    /// The mean, « 3,8 », or a dash without answers.
    pub mean: String,
    pub answers: i64,
}

/// Everything a dashboard shows.
pub struct View {
    pub level: Level,
    pub current: Totals,
    /// Open schools in the scope.
    pub schools: i64,
    /// The coverage, « 48 % ».
    pub rate: String,
    /// Editions side by side, oldest first, the current one last.
    pub comparison: Table,
    /// One line per district (académie and department levels).
    pub districts: Option<Table>,
    pub charts: Vec<(BarChart, Table)>,
    pub scales: Vec<Scale>,
}

/// « 48 % », or a dash when there is nothing to divide by.
pub fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        "—".into()
    } else {
        format!("{}\u{a0}%", (part * 100 + whole / 2) / whole)
    }
}

/// The address of the actions behind a figure.
pub fn behind_href(edition: EditionId, scope: &Scope, indicator: &Indicator) -> String {
    format!(
        "/editions/{edition}/indicateurs/actions?niveau={}&indicateur={}",
        scope.value(),
        indicator.value()
    )
}

/// Gathers the figures of the edition at `level`.
pub async fn gather(conn: &mut Conn<'_>, access: &Access, level: &Level) -> AppResult<View> {
    let edition = &access.edition;
    let scope = level.scope;
    let previous =
        store::previous_editions(conn, edition.academy_id, edition.year, PREVIOUS).await?;
    let mut editions: Vec<(EditionId, i64)> = previous.into_iter().rev().collect();
    editions.push((edition.id, edition.year));
    let ids: Vec<EditionId> = editions.iter().map(|(id, _)| *id).collect();
    let by_edition: HashMap<EditionId, Totals> = store::totals(conn, &ids, &scope, false)
        .await?
        .into_iter()
        .map(|t| (t.edition_id, t))
        .collect();
    let empty = |id: EditionId| Totals {
        edition_id: id,
        audiences: vec![0; AUDIENCES.len()],
        showcases: vec![0; SHOWCASE_KINDS.len()],
        ..Totals::default()
    };
    let all: Vec<Totals> = ids
        .iter()
        .map(|id| by_edition.get(id).cloned().unwrap_or_else(|| empty(*id)))
        .collect();
    let current = all.last().cloned().unwrap_or_else(|| empty(edition.id));
    let school_counts = store::schools(conn, edition.academy_id, &scope).await?;
    let schools: i64 = school_counts.iter().map(|(_, n)| n).sum();

    // The comparison: one column per edition, the same indicators.
    let link = |id: EditionId, indicator: Indicator, value: i64| Cell {
        value: value.to_string(),
        href: Some(behind_href(id, &scope, &indicator)),
    };
    let mut lines = Vec::new();
    let mut add = |label: String, f: &dyn Fn(&Totals) -> Cell| {
        lines.push(Line {
            label,
            cells: all.iter().map(f).collect(),
        });
    };
    add("Actions transmises".into(), &|t| {
        link(t.edition_id, Indicator::Declared, t.declared)
    });
    add("Actions validées".into(), &|t| {
        link(t.edition_id, Indicator::Validated, t.validated)
    });
    add("Bilans transmis".into(), &|t| {
        link(t.edition_id, Indicator::Bilans, t.bilans)
    });
    add("Bilans manquants".into(), &|t| {
        link(t.edition_id, Indicator::Missing, t.missing())
    });
    add("Actions qui ont eu lieu".into(), &|t| {
        link(t.edition_id, Indicator::Held, t.held)
    });
    add("Actions qui n'ont pas eu lieu".into(), &|t| {
        link(t.edition_id, Indicator::NotHeld, t.not_held)
    });
    add("Actions reportées".into(), &|t| {
        link(t.edition_id, Indicator::Postponed, t.postponed)
    });
    // The schools taking part: the actions they sent are what is behind.
    add("Établissements participants".into(), &|t| {
        link(t.edition_id, Indicator::Declared, t.covered)
    });
    add(
        format!("Couverture (sur {schools} établissements ouverts)"),
        &|t| Cell::plain(percent(t.covered, schools)),
    );
    for (i, (field, label)) in ATTENDANCE.iter().enumerate() {
        add(format!("Fréquentation : {label}"), &|t| {
            link(t.edition_id, Indicator::Attended(field), t.attendance[i])
        });
    }
    add("Fréquentation totale".into(), &|t| {
        link(t.edition_id, Indicator::Held, t.attendance_total())
    });
    for (i, (code, label)) in AUDIENCES.iter().enumerate() {
        add(format!("Public visé : {label}"), &|t| {
            link(t.edition_id, Indicator::Audience(code), t.audiences[i])
        });
    }
    for (i, (code, label)) in SHOWCASE_KINDS.iter().enumerate() {
        add(format!("Valorisation : {label}"), &|t| {
            link(t.edition_id, Indicator::Showcase(code), t.showcases[i])
        });
    }
    let comparison = Table {
        sheet: "Comparaison".into(),
        caption: format!(
            "Indicateurs de l'édition {} et des éditions précédentes — {}",
            edition.year, level.label
        ),
        corner: "Indicateur".into(),
        head: editions.iter().map(|(_, year)| year.to_string()).collect(),
        lines,
    };

    let districts = match scope {
        Scope::District(_) => None,
        _ => Some(district_table(conn, access, level, &school_counts).await?),
    };

    let here = |indicator: Indicator, value: i64, label: &str| Bar {
        label: label.into(),
        value,
        href: behind_href(edition.id, &scope, &indicator),
    };
    let mut charts = Vec::new();
    let mut chart = |id: &str, sheet: &str, title: String, bars: Vec<Bar>| {
        let table = Table {
            sheet: sheet.into(),
            caption: title.clone(),
            corner: "Valeur".into(),
            head: vec!["Nombre".into()],
            lines: bars
                .iter()
                .map(|b| Line {
                    label: b.label.clone(),
                    cells: vec![Cell {
                        value: b.value.to_string(),
                        href: Some(b.href.clone()),
                    }],
                })
                .collect(),
        };
        charts.push((BarChart::new(id, &title, bars), table));
    };
    let c = &current;
    chart(
        "actions",
        "Actions",
        format!("Actions de l'édition {} — {}", edition.year, level.label),
        vec![
            here(Indicator::Declared, c.declared, "Transmises"),
            here(Indicator::Validated, c.validated, "Validées"),
            here(Indicator::Bilans, c.bilans, "Bilan transmis"),
            here(Indicator::Held, c.held, "Ont eu lieu"),
            here(Indicator::NotHeld, c.not_held, "N'ont pas eu lieu"),
            here(Indicator::Postponed, c.postponed, "Reportées"),
        ],
    );
    chart(
        "frequentation",
        "Fréquentation",
        format!(
            "Fréquentation par public (bilans transmis) — {}",
            level.label
        ),
        ATTENDANCE
            .iter()
            .enumerate()
            .map(|(i, (f, l))| here(Indicator::Attended(f), c.attendance[i], l))
            .collect(),
    );
    chart(
        "publics",
        "Publics visés",
        format!("Actions transmises par public visé — {}", level.label),
        AUDIENCES
            .iter()
            .enumerate()
            .map(|(i, (code, l))| here(Indicator::Audience(code), c.audiences[i], l))
            .collect(),
    );
    chart(
        "valorisations",
        "Valorisations",
        format!(
            "Actions transmises par forme de valorisation — {}",
            level.label
        ),
        SHOWCASE_KINDS
            .iter()
            .enumerate()
            .map(|(i, (code, l))| here(Indicator::Showcase(code), c.showcases[i], l))
            .collect(),
    );

    let questions = crate::bilans::store::questions(conn, edition.id).await?;
    let counts = store::distributions(conn, edition.id, &scope).await?;
    let mut scales = Vec::new();
    for (n, question) in questions
        .iter()
        .filter(|q| q.kind == BilanQuestionKind::Scale)
        .enumerate()
    {
        let of = |v: u8| {
            counts
                .iter()
                .find(|d| d.question_id == question.id && d.value == v.to_string())
                .map_or(0, |d| d.count)
        };
        let bars: Vec<Bar> = (1..=5u8)
            .map(|v| {
                here(
                    Indicator::Answer(question.id, v),
                    of(v),
                    SCALE[usize::from(v - 1)],
                )
            })
            .collect();
        let answers: i64 = bars.iter().map(|b| b.value).sum();
        let sum: i64 = bars.iter().zip(1..).map(|(b, v)| b.value * v).sum();
        let mean = if answers == 0 {
            "—".into()
        } else {
            format!("{:.1}", sum as f64 / answers as f64).replace('.', ",")
        };
        let table = Table {
            sheet: format!("Question {}", n + 1),
            caption: format!("Réponses à « {} »", question.label),
            corner: "Réponse".into(),
            head: vec!["Bilans".into()],
            lines: bars
                .iter()
                .map(|b| Line {
                    label: b.label.clone(),
                    cells: vec![Cell {
                        value: b.value.to_string(),
                        href: Some(b.href.clone()),
                    }],
                })
                .collect(),
        };
        let chart = BarChart::new(&format!("question-{}", question.id), &table.caption, bars);
        scales.push(Scale {
            label: question.label.clone(),
            table,
            chart,
            mean,
            answers,
        });
    }
    Ok(View {
        level: level.clone(),
        rate: percent(current.covered, schools),
        current,
        schools,
        comparison,
        districts,
        charts,
        scales,
    })
}

/// One line per district of the scope (and one for the schools outside any
/// district): schools, coverage, actions, bilans, attendance.
async fn district_table(
    conn: &mut Conn<'_>,
    access: &Access,
    level: &Level,
    school_counts: &[(Option<DistrictId>, i64)],
) -> AppResult<Table> {
    let edition = &access.edition;
    let by_district = store::totals(conn, &[edition.id], &level.scope, true).await?;
    let mut keys: Vec<(Option<DistrictId>, String)> = access
        .districts
        .iter()
        .filter(|d| match level.scope {
            Scope::Department(id) => d.department_id == id,
            _ => true,
        })
        .map(|d| (Some(d.id), format!("{} ({})", d.name, d.department_code)))
        .collect();
    if school_counts.iter().any(|(d, _)| d.is_none())
        || by_district.iter().any(|t| t.district_id.is_none())
    {
        keys.push((None, "Établissements hors district".into()));
    }
    let lines = keys
        .into_iter()
        .map(|(district, label)| {
            let t = by_district
                .iter()
                .find(|t| t.district_id == district)
                .cloned()
                .unwrap_or_default();
            let schools = school_counts
                .iter()
                .find(|(d, _)| *d == district)
                .map_or(0, |(_, n)| *n);
            let scope = district.map_or(level.scope, Scope::District);
            let link = |indicator: Indicator, value: i64| Cell {
                value: value.to_string(),
                href: district.map(|_| behind_href(edition.id, &scope, &indicator)),
            };
            Line {
                label,
                cells: vec![
                    Cell::plain(schools),
                    link(Indicator::Declared, t.covered),
                    Cell::plain(percent(t.covered, schools)),
                    link(Indicator::Declared, t.declared),
                    link(Indicator::Validated, t.validated),
                    link(Indicator::Held, t.held),
                    link(Indicator::Missing, t.missing()),
                    link(Indicator::Held, t.attendance_total()),
                ],
            }
        })
        .collect();
    Ok(Table {
        sheet: "Districts".into(),
        caption: format!("Couverture et bilans par district — {}", level.label),
        corner: "District".into(),
        head: [
            "Établissements",
            "Participants",
            "Couverture",
            "Actions transmises",
            "Validées",
            "Ont eu lieu",
            "Bilans manquants",
            "Fréquentation",
        ]
        .map(String::from)
        .to_vec(),
        lines,
    })
}
