//! Pupils' video testimonies (« capsules vidéos », issue 9): links to videos
//! hosted on PeerTube instances the académie allows. Pure rules, no I/O:
//! nothing is fetched when a link is given; the link is read here, its host
//! compared with the académie's list, and the embed address is built from
//! what was read (never from what was typed).
//!
//! The default list is the Éducation nationale's own PeerTube instances, the
//! « tubes » of apps.education.fr; the académie's coordination may replace
//! it. A video is private until approved, like a photo: the same consent
//! tick and the same review (`domain::media::decide`).

/// The « tubes » of apps.education.fr, allowed when the académie has not
/// set its own list (the instances listed on apps.education.fr, without its
/// test instance).
pub const EDUCATION_TUBES: [&str; 11] = [
    "tube-action-educative.apps.education.fr",
    "tube-arts-lettres-sciences-humaines.apps.education.fr",
    "tube-cycle-2.apps.education.fr",
    "tube-cycle-3.apps.education.fr",
    "tube-education-physique-et-sportive.apps.education.fr",
    "tube-enseignement-professionnel.apps.education.fr",
    "tube-institutionnel.apps.education.fr",
    "tube-langues-vivantes.apps.education.fr",
    "tube-maternelle.apps.education.fr",
    "tube-numerique-educatif.apps.education.fr",
    "tube-sciences-technologies.apps.education.fr",
];

/// The longest link accepted, in characters.
pub const LINK_MAX: usize = 500;
/// The longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// The most hosts an académie lists.
pub const HOSTS_MAX: usize = 50;

/// A video link as read: the instance's host and the video's id (a short
/// id of `/w/<id>` or a UUID of `/videos/watch/<uuid>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VideoLink {
    pub host: String,
    pub video: String,
}

impl VideoLink {
    /// `https://host/videos/embed/<id>`: what the player frame loads.
    pub fn embed_url(&self) -> String {
        format!("https://{}/videos/embed/{}", self.host, self.video)
    }

    /// `https://host/w/<id>`: the video's page on its instance.
    pub fn watch_url(&self) -> String {
        format!("https://{}/w/{}", self.host, self.video)
    }
}

/// The allowed hosts of an académie: its own list (one a line), or the
/// tubes of apps.education.fr when it has none.
pub fn allowed_hosts(setting: Option<&str>) -> Vec<String> {
    match setting.map(str::trim).filter(|s| !s.is_empty()) {
        Some(list) => list
            .lines()
            .map(|l| l.trim().to_ascii_lowercase())
            .filter(|l| !l.is_empty())
            .collect(),
        None => EDUCATION_TUBES.iter().map(|h| h.to_string()).collect(),
    }
}

/// Reads the list typed by the coordination (one host a line, e.g.
/// `tube.ac-lyon.fr`): each a plain DNS name (letters, digits, `-`, `.`,
/// at least one dot), no scheme, no path, no port. The French message names
/// the line.
pub fn parse_hosts(text: &str) -> Result<Vec<String>, String> {
    let mut hosts = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let host = line.trim().to_ascii_lowercase();
        if host.is_empty() {
            continue;
        }
        if !is_host(&host) {
            return Err(format!(
                "Ligne {} : « {} » n’est pas un nom d’hôte : écrivez seulement le nom, par exemple « tube-cycle-3.apps.education.fr » (sans « https:// » ni chemin).",
                n + 1,
                line.trim().chars().take(80).collect::<String>()
            ));
        }
        if !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    if hosts.len() > HOSTS_MAX {
        return Err(format!("La liste compte {HOSTS_MAX} hôtes au plus."));
    }
    Ok(hosts)
}

fn is_host(host: &str) -> bool {
    host.len() <= 253
        && host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

/// The base-58 alphabet of PeerTube's short ids (Flickr's: no `0`, `O`,
/// `I` nor `l`).
const BASE58: &str = "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

/// A PeerTube short id (`/w/<id>`): exactly 22 base-58 characters (PeerTube
/// writes its UUIDs in that form with the `short-uuid` package).
fn is_short_id(id: &str) -> bool {
    id.len() == 22 && id.chars().all(|c| BASE58.contains(c))
}

/// A UUID as PeerTube writes it: 8-4-4-4-12 lowercase hexadecimal digits.
fn is_uuid(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Reads a video link typed by a school against the allowed hosts: https
/// only, the host exactly one of the list (no port, no user, no other
/// sub-domain), the path `/w/<id>` or `/videos/watch/<uuid>` (a query or a
/// fragment, such as `?start=1m`, is dropped). Every refusal is a French
/// message that says what to do.
pub fn parse_link(text: &str, allowed: &[String]) -> Result<VideoLink, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Collez l’adresse de la vidéo (elle commence par « https:// »).".into());
    }
    if text.chars().count() > LINK_MAX {
        return Err(format!(
            "L’adresse est trop longue ({LINK_MAX} caractères au plus) : copiez l’adresse de la page de la vidéo."
        ));
    }
    if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(
            "L’adresse contient des espaces ou des caractères invisibles : copiez-la de nouveau depuis la barre d’adresse."
                .into(),
        );
    }
    let Some(rest) = text
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .map(|_| &text[8..])
    else {
        return Err(
            "L’adresse doit commencer par « https:// » : seules les vidéos d’une plateforme PeerTube autorisée par l’académie sont acceptées."
                .into(),
        );
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = rest[..end].to_ascii_lowercase();
    let path = rest[end..]
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    if !allowed.iter().any(|h| *h == host) {
        return Err(format!(
            "« {} » n’est pas une plateforme vidéo autorisée par l’académie. Déposez la vidéo sur un « tube » d’apps.education.fr (par exemple tube-cycle-3.apps.education.fr) ou une plateforme de la liste de l’académie.",
            host.chars().take(80).collect::<String>()
        ));
    }
    if is_list_path(path) {
        return Err(
            "Cette adresse n’est pas celle d’une vidéo : ouvrez la vidéo sur la plateforme et copiez l’adresse de sa page (« …/w/… » ou « …/videos/watch/… »), pas celle d’une chaîne ou d’une liste de lecture."
                .into(),
        );
    }
    let id = path
        .strip_prefix("/w/")
        .or_else(|| path.strip_prefix("/videos/watch/"));
    match id {
        Some(id) if is_short_id(id) || is_uuid(id) => Ok(VideoLink {
            host,
            video: id.to_ascii_lowercase_if_uuid(),
        }),
        Some(id) => Err(format!(
            "L’identifiant de la vidéo dans cette adresse (« {} ») n’est pas valide : un identifiant PeerTube compte 22 lettres et chiffres (par exemple …/w/kZ7gyYr4pLsGtQ3Ux1aB9c) ou a la forme 9c9de5e8-0a1e-484a-b099-e80766180a6d. Ouvrez la vidéo sur la plateforme et copiez de nouveau l’adresse de sa page, en entier.",
            id.chars().take(60).collect::<String>()
        )),
        None => Err(
            "Cette adresse n’est pas celle d’une vidéo : ouvrez la vidéo sur la plateforme et copiez l’adresse de sa page (« …/w/… » ou « …/videos/watch/… »), pas celle d’une chaîne ou d’une liste de lecture."
                .into(),
        ),
    }
}

/// Whether a path is that of a channel, an account or a playlist rather than
/// of one video: `/c/…`, `/a/…`, `/w/p/…`, `/video-channels/…`,
/// `/videos/watch/playlist/…` (and `/accounts/…`, `/video-playlists/…`).
fn is_list_path(path: &str) -> bool {
    [
        "/c/",
        "/a/",
        "/w/p/",
        "/video-channels/",
        "/videos/watch/playlist/",
        "/accounts/",
        "/video-playlists/",
    ]
    .iter()
    .any(|p| path.starts_with(p) || path == p.trim_end_matches('/'))
}

trait UuidCase {
    fn to_ascii_lowercase_if_uuid(&self) -> String;
}

impl UuidCase for str {
    /// A UUID is case-insensitive (kept lowercase); a short id is not.
    fn to_ascii_lowercase_if_uuid(&self) -> String {
        if is_uuid(self) {
            self.to_ascii_lowercase()
        } else {
            self.to_string()
        }
    }
}

/// The CSP `frame-src` of a page that embeds a player: the allowed hosts,
/// each `https://host` (or `'none'` when there is none).
pub fn frame_src(hosts: &[String]) -> String {
    if hosts.is_empty() {
        "'none'".into()
    } else {
        hosts
            .iter()
            .filter(|h| is_host(h))
            .map(|h| format!("https://{h}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tubes() -> Vec<String> {
        allowed_hosts(None)
    }

    #[test]
    fn both_peertube_forms_on_an_allowed_host_are_read() {
        let link = parse_link(
            "https://tube-cycle-3.apps.education.fr/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
            &tubes(),
        )
        .unwrap();
        assert_eq!(link.host, "tube-cycle-3.apps.education.fr");
        assert_eq!(
            link.embed_url(),
            "https://tube-cycle-3.apps.education.fr/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d"
        );
        let link = parse_link(
            "HTTPS://Tube-Maternelle.apps.education.fr/w/kZ7gyYr4pLsGtQ3Ux1aB9c?start=1m",
            &tubes(),
        )
        .unwrap();
        assert_eq!(link.video, "kZ7gyYr4pLsGtQ3Ux1aB9c");
        assert_eq!(link.host, "tube-maternelle.apps.education.fr");
        let link = parse_link(
            "https://tube-institutionnel.apps.education.fr/videos/watch/9C9DE5E8-0A1E-484A-B099-E80766180A6D/",
            &tubes(),
        )
        .unwrap();
        assert_eq!(link.video, "9c9de5e8-0a1e-484a-b099-e80766180a6d");
    }

    #[test]
    fn other_hosts_schemes_paths_and_junk_are_refused() {
        let id = "/w/kZ7gyYr4pLsGtQ3Ux1aB9c";
        for bad in [
            format!("http://tube-cycle-3.apps.education.fr{id}"),
            format!("https://www.youtube.com{id}"),
            format!("https://evil.tube-cycle-3.apps.education.fr{id}"),
            format!("https://tube-cycle-3.apps.education.fr.evil.fr{id}"),
            format!("https://tube-cycle-3.apps.education.fr:8443{id}"),
            format!("https://user@tube-cycle-3.apps.education.fr{id}"),
            "javascript:alert(1)".to_string(),
            "https://tube-cycle-3.apps.education.fr/w/p/kZ7gyYr4pLsGtQ3Ux1aB9c".to_string(),
            "https://tube-cycle-3.apps.education.fr/c/ma_chaine/videos".to_string(),
            "https://tube-cycle-3.apps.education.fr/w/../../admin".to_string(),
            format!("https://tube-cycle-3.apps.education.fr{id}\u{0}"),
            format!("https://tube-cycle-3.apps.education.fr/w/kZ7gy\tYr4pLsGtQ3Ux1aB9c"),
            format!(
                "https://tube-cycle-3.apps.education.fr/w/{}",
                "a".repeat(2_000)
            ),
            String::new(),
        ] {
            assert!(parse_link(&bad, &tubes()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_bad_video_id_is_named_as_such_and_lists_are_named_as_lists() {
        let host = "https://tube-cycle-3.apps.education.fr";
        for bad in [
            "/w/abc123",
            "/videos/watch/abc123",
            "/w/kZ7gyYr4pLsGtQ3Ux1aB9", // 21 characters
            "/w/kZ7gyYr4pLsGtQ3Ux1aB9cd",
            "/w/0Z7gyYr4pLsGtQ3Ux1aB9c", // 0 is not base 58
            "/w/lZ7gyYr4pLsGtQ3Ux1aB9c", // nor l
            "/w/9c9de5e8-0a1e-484a-b099-e80766180a6",
            "/w/../../admin",
        ] {
            let message = parse_link(&format!("{host}{bad}"), &tubes()).unwrap_err();
            assert!(
                message.contains("L’identifiant de la vidéo")
                    && message.contains("n’est pas valide"),
                "{bad}: {message}"
            );
            assert!(!message.contains("chaîne"), "{bad}: {message}");
        }
        for list in [
            "/c/ma_chaine/videos",
            "/c/ma_chaine",
            "/a/un_compte",
            "/w/p/kZ7gyYr4pLsGtQ3Ux1aB9c",
            "/video-channels/ma_chaine",
            "/videos/watch/playlist/9c9de5e8-0a1e-484a-b099-e80766180a6d",
            "/",
            "",
        ] {
            let message = parse_link(&format!("{host}{list}"), &tubes()).unwrap_err();
            assert!(
                message.contains("chaîne ou d’une liste de lecture"),
                "{list}: {message}"
            );
        }
        assert!(parse_link(&format!("{host}/w/kZ7gyYr4pLsGtQ3Ux1aB9c"), &tubes()).is_ok());
        assert!(
            parse_link(
                &format!("{host}/videos/watch/kZ7gyYr4pLsGtQ3Ux1aB9c"),
                &tubes()
            )
            .is_ok()
        );
    }

    #[test]
    fn the_academys_list_replaces_the_default_and_is_checked() {
        let hosts = parse_hosts("tube.ac-lyon.fr\n\n Tube-Cycle-3.apps.education.fr \n").unwrap();
        assert_eq!(
            hosts,
            vec!["tube.ac-lyon.fr", "tube-cycle-3.apps.education.fr"]
        );
        let allowed = allowed_hosts(Some(&hosts.join("\n")));
        assert!(parse_link("https://tube.ac-lyon.fr/w/kZ7gyYr4pLsGtQ3Ux1aB9c", &allowed).is_ok());
        assert!(
            parse_link(
                "https://tube-maternelle.apps.education.fr/w/kZ7gyYr4pLsGtQ3Ux1aB9c",
                &allowed
            )
            .is_err()
        );
        for bad in [
            "https://tube.ac-lyon.fr",
            "tube.ac-lyon.fr/w",
            "localhost",
            "a b.fr",
        ] {
            assert!(parse_hosts(bad).is_err(), "{bad}");
        }
        assert_eq!(allowed_hosts(Some("  ")).len(), EDUCATION_TUBES.len());
        assert_eq!(
            frame_src(&allowed),
            "https://tube.ac-lyon.fr https://tube-cycle-3.apps.education.fr"
        );
    }
}
