//! The resource kit (mallette) of an edition (`DOMAIN.md` step 10, issue 10):
//! the communication kit (posters, invitations, logos as files), the method
//! sheets (fiches méthode: Markdown written in the app, or a PDF) and the
//! reuse sheets (fiches mutualisation: made from a validated action of a
//! past edition). Pure rules: kinds, audiences, and the check that refuses
//! raw HTML in a sheet, naming its line.

use pulldown_cmark::{Event, Options, Parser};

/// The three parts of the kit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKind {
    /// Kit de communication: files.
    Kit,
    /// Fiche méthode: Markdown, or a PDF.
    Method,
    /// Fiche mutualisation: an action of a past edition, to reuse.
    Reuse,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 3] =
        [ResourceKind::Kit, ResourceKind::Method, ResourceKind::Reuse];

    pub fn code(self) -> &'static str {
        match self {
            ResourceKind::Kit => "kit",
            ResourceKind::Method => "method",
            ResourceKind::Reuse => "reuse",
        }
    }

    pub fn parse(code: &str) -> Option<ResourceKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The heading of its part of the kit.
    pub fn label(self) -> &'static str {
        match self {
            ResourceKind::Kit => "Kit de communication",
            ResourceKind::Method => "Fiches méthode",
            ResourceKind::Reuse => "Fiches mutualisation",
        }
    }

    /// One resource of the kind, for forms and messages.
    pub fn singular(self) -> &'static str {
        match self {
            ResourceKind::Kit => "fichier du kit de communication",
            ResourceKind::Method => "fiche méthode",
            ResourceKind::Reuse => "fiche mutualisation",
        }
    }
}

/// Who may read a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Anyone, on the edition's public page too.
    Public,
    /// Signed-in people of the académie only.
    Staff,
}

impl Audience {
    pub fn code(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Staff => "staff",
        }
    }

    pub fn parse(code: &str) -> Option<Audience> {
        match code {
            "public" => Some(Audience::Public),
            "staff" => Some(Audience::Staff),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Staff => "réservé aux personnels connectés",
        }
    }
}

/// The longest sheet, in characters.
pub const SHEET_MAX: usize = 50_000;

/// Refuses a Markdown sheet that holds raw HTML (a `<script>`, a `<div>`…):
/// it would be shown as text, never run, but the author surely meant
/// something else. The message names the first line concerned.
pub fn check_sheet(markdown: &str) -> Result<(), String> {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    for (event, range) in parser.into_offset_iter() {
        if let Event::Html(text) | Event::InlineHtml(text) = &event {
            let line = markdown[..range.start].matches('\n').count() + 1;
            let shown: String = text.trim().chars().take(40).collect();
            return Err(format!(
                "Ligne {line} : le code HTML « {shown} » n’est pas accepté dans une fiche. Écrivez \
                 en Markdown (**gras**, *italique*, listes avec « - », liens [texte](https://…)) \
                 ou retirez ce code."
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back() {
        for kind in ResourceKind::ALL {
            assert_eq!(ResourceKind::parse(kind.code()), Some(kind));
        }
        for audience in [Audience::Public, Audience::Staff] {
            assert_eq!(Audience::parse(audience.code()), Some(audience));
        }
        assert_eq!(ResourceKind::parse("other"), None);
    }

    #[test]
    fn raw_html_is_refused_with_its_line() {
        assert_eq!(
            check_sheet("# Avant la semaine\n\n- Faire le point\n- *Informer*"),
            Ok(())
        );
        let err = check_sheet("# Titre\n\nTexte\n\n<script>alert(1)</script>\n").unwrap_err();
        assert!(
            err.starts_with("Ligne 5 : le code HTML « <script>alert(1)</script> »"),
            "{err}"
        );
        let err = check_sheet("Un <b>gras</b> en ligne").unwrap_err();
        assert!(err.starts_with("Ligne 1 : le code HTML « <b> »"), "{err}");
        // Angle brackets in code are text, not HTML.
        assert_eq!(check_sheet("Écrire `<b>` pour du gras"), Ok(()));
        assert_eq!(check_sheet("3 < 5 et 6 > 2"), Ok(()));
    }
}
