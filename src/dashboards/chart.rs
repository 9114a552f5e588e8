//! Bar charts drawn on the server as SVG by our own template
//! (`templates/dashboards/chart.html`): lighter than a charting crate for
//! horizontal bars, and accessible — each chart has a title and a
//! description (`<title>`, `<desc>`, `aria-labelledby`), and the page shows
//! the same figures in a table beside it, each linked to its actions. Works
//! without JavaScript and prints.

/// One bar.
#[derive(Clone, Debug)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    /// The list of the actions behind the figure.
    pub href: String,
}

/// A horizontal bar chart.
#[derive(Clone, Debug)]
pub struct BarChart {
    /// Unique on the page (ids of the title and description).
    pub id: String,
    pub title: String,
    pub description: String,
    pub bars: Vec<Bar>,
}

/// The drawing's width, in SVG units.
pub const WIDTH: i64 = 640;
/// The longest bar, in SVG units (room is left for the figure after it).
const BAR_MAX: i64 = 540;
/// The height of one bar's row (its label above, the bar below).
pub const ROW: i64 = 46;

impl BarChart {
    pub fn new(id: &str, title: &str, bars: Vec<Bar>) -> BarChart {
        let description = bars
            .iter()
            .map(|b| format!("{} : {}", b.label, b.value))
            .collect::<Vec<_>>()
            .join(" ; ");
        BarChart {
            id: id.into(),
            title: title.into(),
            description: format!("{description}."),
            bars,
        }
    }

    /// The drawing's height.
    pub fn height(&self) -> i64 {
        ROW * self.bars.len() as i64 + 4
    }

    fn max(&self) -> i64 {
        self.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1)
    }

    /// The length of a bar: proportional to the largest, at least 1 unit
    /// for a figure above zero (so that it shows).
    pub fn length(&self, value: &i64) -> i64 {
        let value = *value;
        if value <= 0 {
            0
        } else {
            (value * BAR_MAX / self.max()).max(1)
        }
    }

    /// The top of row `i`.
    pub fn top(&self, i: &usize) -> i64 {
        ROW * *i as i64
    }

    /// A label short enough for one line of the drawing (the table has it whole).
    pub fn short(&self, label: &str) -> String {
        const MAX: usize = 70;
        if label.chars().count() <= MAX {
            label.to_string()
        } else {
            let cut: String = label.chars().take(MAX - 1).collect();
            format!("{cut}…")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: i64) -> Bar {
        Bar {
            label: label.into(),
            value,
            href: String::new(),
        }
    }

    #[test]
    fn bars_are_proportional_to_the_largest_and_described_in_words() {
        let chart = BarChart::new(
            "c",
            "Publics",
            vec![bar("Élèves", 200), bar("Parents", 1), bar("Autres", 0)],
        );
        assert_eq!(chart.length(&200), BAR_MAX);
        assert_eq!(chart.length(&1), 2);
        assert_eq!(chart.length(&0), 0);
        assert_eq!(
            chart.description,
            "Élèves : 200 ; Parents : 1 ; Autres : 0."
        );
        assert_eq!(chart.height(), 3 * ROW + 4);
        let empty = BarChart::new("e", "Rien", vec![bar("A", 0)]);
        assert_eq!(empty.length(&0), 0);
    }
}
