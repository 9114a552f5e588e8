//! The poster contest's rule book (issue 9), pure and unit-tested: the
//! scoring grid (criteria with weights and a maximum), a juror's scores
//! checked against it, who may score what and when, what a juror sees of
//! the others' scores, and the ranking per category (weighted mean, number
//! of scores, spread, ties).
//!
//! The pages and tables of the contest build on these rules; a juror's
//! right is « juror of this contest, for these categories » (the contest's
//! own list of jurors, set by the académie's coordination).

/// One criterion of the grid: « Lien avec le thème », weight 3, scored 0 to 5.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Criterion {
    pub label: String,
    /// 1 to 10.
    pub weight: u32,
    /// The highest score (1 to 100); scores run from 0 to it.
    pub max: u32,
}

/// The scoring grid of a contest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    pub criteria: Vec<Criterion>,
}

/// The seeds' grid: link to the theme, message, creativity, quality.
pub const DEFAULT_GRID: &str = "Lien avec le thème ; 3 ; 5\nMessage ; 2 ; 5\nCréativité ; 2 ; 5\nQualité de réalisation ; 1 ; 5";

impl Grid {
    /// Reads a grid typed one criterion a line: « label ; weight ; max ».
    /// Errors name the line, in French.
    pub fn parse(text: &str) -> Result<Grid, String> {
        let mut criteria = Vec::new();
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let parts: Vec<&str> = line.split(';').map(str::trim).collect();
            let [label, weight, max] = parts[..] else {
                return Err(format!(
                    "Ligne {} : écrivez « critère ; coefficient ; note maximale », par exemple « Message ; 2 ; 5 ».",
                    n + 1
                ));
            };
            let weight = weight.parse::<u32>().ok().filter(|w| (1..=10).contains(w));
            let max = max.parse::<u32>().ok().filter(|m| (1..=100).contains(m));
            match (label.is_empty(), weight, max) {
                (false, Some(weight), Some(max)) => criteria.push(Criterion {
                    label: label.to_string(),
                    weight,
                    max,
                }),
                (true, _, _) => return Err(format!("Ligne {} : nommez le critère.", n + 1)),
                (_, None, _) => {
                    return Err(format!(
                        "Ligne {} : le coefficient est un entier de 1 à 10.",
                        n + 1
                    ));
                }
                (_, _, None) => {
                    return Err(format!(
                        "Ligne {} : la note maximale est un entier de 1 à 100.",
                        n + 1
                    ));
                }
            }
        }
        if criteria.is_empty() {
            return Err("La grille compte au moins un critère.".into());
        }
        if criteria.len() > 12 {
            return Err("La grille compte 12 critères au plus.".into());
        }
        Ok(Grid { criteria })
    }

    /// Checks one juror's scores for an entry, one per criterion, in order;
    /// returns the weighted score out of 20.
    pub fn score(&self, scores: &[u32]) -> Result<f64, String> {
        if scores.len() != self.criteria.len() {
            return Err("Notez chacun des critères de la grille.".into());
        }
        for (criterion, score) in self.criteria.iter().zip(scores) {
            if *score > criterion.max {
                return Err(format!(
                    "« {} » se note de 0 à {} : {} est hors de la grille.",
                    criterion.label, criterion.max, score
                ));
            }
        }
        let weights: u32 = self.criteria.iter().map(|c| c.weight).sum();
        let sum: f64 = self
            .criteria
            .iter()
            .zip(scores)
            .map(|(c, s)| f64::from(c.weight) * f64::from(*s) / f64::from(c.max))
            .sum();
        Ok(sum / f64::from(weights) * 20.0)
    }

    /// One juror's scores with the name of each criterion, as a juror reads
    /// them: « Lien avec le thème : 4 / 5 ; Message : 3 / 5 ». A score
    /// beyond the grid's criteria (a grid changed since) is left out; a
    /// criterion not scored reads « — ».
    pub fn named_scores(&self, scores: &[u32]) -> String {
        self.criteria
            .iter()
            .enumerate()
            .map(|(i, c)| match scores.get(i) {
                Some(s) => format!("{} : {s} / {}", c.label, c.max),
                None => format!("{} : — / {}", c.label, c.max),
            })
            .collect::<Vec<_>>()
            .join(" ; ")
    }
}

/// Whether a juror may score an entry of `category` now: a juror of the
/// contest for that category, before the jury closes.
pub fn may_score(
    juror_categories: &[i64],
    category: i64,
    jury_closed: bool,
) -> Result<(), &'static str> {
    if !juror_categories.contains(&category) {
        return Err("Vous n’êtes pas membre du jury de cette catégorie.");
    }
    if jury_closed {
        return Err("Le jury est clos : les notes ne peuvent plus être modifiées.");
    }
    Ok(())
}

/// Whether the person sees every juror's scores: the coordination always,
/// a juror only once the jury is closed (before, their own only).
pub fn sees_all_scores(coordinator: bool, jury_closed: bool) -> bool {
    coordinator || jury_closed
}

/// An entry's place in its category.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing {
    pub entry: i64,
    /// The mean of the jurors' weighted scores, out of 20 (`None`: no score).
    pub mean: Option<f64>,
    pub count: usize,
    /// Highest minus lowest score, out of 20.
    pub spread: f64,
    /// 1 for the best; entries with the same mean share their rank.
    pub rank: usize,
    /// Whether another entry has the same mean (« ex æquo »).
    pub tied: bool,
}

/// Ranks the entries of one category from each entry's weighted scores
/// (out of 20); entries without score come last, unranked among themselves
/// by id. Means equal to the hundredth are ties.
pub fn rank(entries: &[(i64, Vec<f64>)]) -> Vec<Standing> {
    let round = |x: f64| (x * 100.0).round() / 100.0;
    let mut standings: Vec<Standing> = entries
        .iter()
        .map(|(entry, scores)| {
            let count = scores.len();
            let mean = (count > 0).then(|| round(scores.iter().sum::<f64>() / count as f64));
            let spread = scores.iter().cloned().fold(f64::MIN, f64::max)
                - scores.iter().cloned().fold(f64::MAX, f64::min);
            Standing {
                entry: *entry,
                mean,
                count,
                spread: if count > 0 { round(spread) } else { 0.0 },
                rank: 0,
                tied: false,
            }
        })
        .collect();
    standings.sort_by(|a, b| match (a.mean, b.mean) {
        (Some(x), Some(y)) => y.total_cmp(&x).then(a.entry.cmp(&b.entry)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.entry.cmp(&b.entry),
    });
    for i in 0..standings.len() {
        let same_as_previous = i > 0 && standings[i].mean == standings[i - 1].mean;
        standings[i].rank = if same_as_previous {
            standings[i - 1].rank
        } else {
            i + 1
        };
    }
    for i in 0..standings.len() {
        let mean = standings[i].mean;
        standings[i].tied = mean.is_some()
            && standings
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && other.mean == mean);
    }
    standings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_read_line_by_line_with_its_errors_named() {
        let grid = Grid::parse(DEFAULT_GRID).unwrap();
        assert_eq!(grid.criteria.len(), 4);
        assert_eq!(grid.criteria[0].weight, 3);
        assert!(
            Grid::parse("Message ; 2")
                .unwrap_err()
                .starts_with("Ligne 1")
        );
        assert!(
            Grid::parse("A ; 1 ; 5\nB ; 0 ; 5")
                .unwrap_err()
                .starts_with("Ligne 2")
        );
        assert!(Grid::parse("A ; 1 ; 500").is_err());
        assert!(Grid::parse("\n \n").is_err());
    }

    #[test]
    fn scores_outside_the_grid_are_refused_and_weighted_out_of_20() {
        let grid = Grid::parse("A ; 3 ; 5\nB ; 1 ; 10").unwrap();
        assert_eq!(grid.score(&[5, 10]).unwrap(), 20.0);
        assert_eq!(grid.score(&[0, 0]).unwrap(), 0.0);
        // (3 × 4/5 + 1 × 5/10) / 4 × 20 = 14.5
        assert!((grid.score(&[4, 5]).unwrap() - 14.5).abs() < 1e-9);
        assert!(
            grid.score(&[6, 0])
                .unwrap_err()
                .contains("hors de la grille")
        );
        assert!(grid.score(&[5]).is_err());
    }

    #[test]
    fn jurors_score_their_categories_until_the_jury_closes() {
        assert!(may_score(&[1, 2], 2, false).is_ok());
        assert!(may_score(&[1], 2, false).is_err());
        assert!(may_score(&[2], 2, true).is_err());
        assert!(!sees_all_scores(false, false));
        assert!(sees_all_scores(false, true) && sees_all_scores(true, false));
    }

    #[test]
    fn ranking_uses_the_mean_counts_scores_and_shares_ranks_on_ties() {
        let standings = rank(&[
            (1, vec![12.0, 14.0]),
            (2, vec![16.0, 10.0, 13.0]),
            (3, vec![13.0]),
            (4, vec![]),
            (5, vec![18.0]),
        ]);
        let order: Vec<(i64, usize, bool)> = standings
            .iter()
            .map(|s| (s.entry, s.rank, s.tied))
            .collect();
        assert_eq!(
            order,
            vec![
                (5, 1, false),
                (1, 2, true),
                (2, 2, true),
                (3, 2, true),
                (4, 5, false)
            ]
        );
        let second = &standings[2];
        assert_eq!((second.count, second.spread), (3, 6.0));
        assert_eq!(standings[4].mean, None);
    }

    #[test]
    fn scores_read_with_the_name_of_each_criterion() {
        let grid = Grid::parse("Lien avec le thème ; 3 ; 5\nMessage ; 1 ; 10").unwrap();
        assert_eq!(
            grid.named_scores(&[4, 7]),
            "Lien avec le thème : 4 / 5 ; Message : 7 / 10"
        );
        assert_eq!(
            grid.named_scores(&[4]),
            "Lien avec le thème : 4 / 5 ; Message : — / 10"
        );
    }
}
