//! The circular note, written in Markdown by the coordination and rendered
//! safely: raw HTML is shown as text, only web and mail links are kept, and
//! images are replaced by their description.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Whether a link target is one we let through (`http`, `https`, `mailto`).
fn safe_url(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

/// One level lower, so the circular's headings sit under the page's `h1`.
fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// Renders Markdown as HTML that is safe to insert in a page.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // For each open link, whether it was kept (so its end is kept too).
    let mut links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        // Raw HTML is shown as typed, never interpreted.
        Event::Html(text) | Event::InlineHtml(text) => Some(Event::Text(text)),
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(demote(level)))),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let keep = safe_url(&dest_url);
            links.push(keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link) => links
            .pop()
            .unwrap_or(false)
            .then_some(Event::End(TagEnd::Link)),
        // An image becomes its description (the alt text events in between).
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        other => Some(other),
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn script_tags_are_shown_not_run() {
        let html = to_safe_html(
            "Avant\n\n<script>alert('x')</script>\n\nAprès <b onclick=\"x()\">gras</b>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        assert!(html.contains("&lt;script&gt;alert("), "{html}");
        assert!(html.contains("&lt;b onclick="), "{html}");
        assert!(html.contains("<p>Avant</p>"), "{html}");
    }

    #[test]
    fn only_web_and_mail_links_are_kept() {
        let html = to_safe_html(
            "[piège](javascript:alert(1)) [data](data:text/html,x) <javascript:alert(2)> \
             [relatif](/ailleurs) [site](https://orientation.ac-creteil.fr/) \
             [écrire](mailto:ce.saio@ac-creteil.fr)",
        );
        assert!(!html.to_lowercase().contains("href=\"javascript"), "{html}");
        assert!(!html.contains("href=\"data:"), "{html}");
        assert_eq!(html.matches("<a ").count(), 2, "{html}");
        assert!(!html.contains("href=\"/ailleurs\""), "{html}");
        assert!(html.contains("piège"), "the text stays: {html}");
        assert!(
            html.contains("<a href=\"https://orientation.ac-creteil.fr/\">site</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"mailto:ce.saio@ac-creteil.fr\">écrire</a>"),
            "{html}"
        );
    }

    #[test]
    fn images_become_their_description() {
        let html = to_safe_html("![Affiche du concours](https://exemple.fr/a.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("Affiche du concours"), "{html}");
    }

    #[test]
    fn ordinary_markdown_renders() {
        let html = to_safe_html(
            "# Note\n\nLa semaine a pour thème *le projet* et **l'engagement**.\n\n- Mobiliser\n- Valoriser\n\n[Le site](http://orientation.ac-creteil.fr)",
        );
        assert!(html.contains("<h2>Note</h2>"), "{html}");
        assert!(html.contains("<em>le projet</em>"), "{html}");
        assert!(
            html.contains("<strong>l'engagement</strong>")
                || html.contains("<strong>l&#39;engagement</strong>"),
            "{html}"
        );
        assert!(
            html.contains("<ul>\n<li>Mobiliser</li>\n<li>Valoriser</li>\n</ul>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"http://orientation.ac-creteil.fr\">Le site</a>"),
            "{html}"
        );
    }
}
