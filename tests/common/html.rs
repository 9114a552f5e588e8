//! Assertions on parsed HTML: CSS selectors instead of splitting strings.

use scraper::{Html, Selector};

/// A parsed page.
pub struct Page(Html);

impl Page {
    pub fn parse(html: &str) -> Page {
        Page(Html::parse_document(html))
    }

    /// The text of every element matching `selector`, whitespace collapsed.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("a valid selector");
        self.0
            .select(&selector)
            .map(|e| e.text().collect::<Vec<_>>().join(" "))
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// The text of the first element matching `selector`.
    pub fn text(&self, selector: &str) -> Option<String> {
        self.texts(selector).into_iter().next()
    }

    /// The value of `attribute` on every element matching `selector`.
    pub fn attrs(&self, selector: &str, attribute: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("a valid selector");
        self.0
            .select(&selector)
            .filter_map(|e| e.value().attr(attribute).map(String::from))
            .collect()
    }

    /// The value of `attribute` on the first element matching `selector`.
    pub fn attr(&self, selector: &str, attribute: &str) -> Option<String> {
        self.attrs(selector, attribute).into_iter().next()
    }

    /// The value of the form field `name` (input or textarea).
    pub fn field(&self, name: &str) -> Option<String> {
        self.attr(&format!("input[name=\"{name}\"]"), "value")
            .or_else(|| self.text(&format!("textarea[name=\"{name}\"]")))
    }
}

/// The page's text with askama's HTML escapes of quotes undone (for
/// `contains` checks on a sentence).
pub fn text(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
}
