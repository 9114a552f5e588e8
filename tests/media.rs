//! Photos through the media pipeline, on both engines (issue 9): every bad
//! input refused with a French message and nothing stored; EXIF and GPS
//! gone from every stored byte; variants made by the job; private (404)
//! until approved, then served with a fixed type, cache headers and ETag;
//! approval refused without description or consent; withdrawal at once;
//! deletion after the académie's retention period; the totem gallery.

mod common;

use std::{io::Cursor, path::Path};

use common::{Engine, TestApp, body, fixtures::EditionBuilder, html::Page, people::Visitor};
use perseverance::{
    domain::{EditionId, MediaId},
    media::store as media_store,
};
use reqwest::StatusCode;

on_both_engines!(
    bad_uploads_are_refused_with_a_message_and_nothing_is_stored,
    a_photo_is_cleaned_processed_approved_served_withdrawn_and_deleted,
    approval_needs_a_description_and_the_consent_tick,
    a_totem_entry_refused_for_its_text_keeps_its_photo_once,
);

const COORDINATOR: &str = "coordination.academique@demo.test";
const STAFF: &str = "personnel@demo.test";

async fn signed_in(app: &TestApp, email: &str) -> Visitor {
    let visitor = Visitor::new(app);
    visitor.sign_in(app, email).await;
    visitor
}

/// An open edition whose totem call is launched.
async fn totem_edition(app: &TestApp) -> (EditionId, Visitor, Visitor) {
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = signed_in(app, COORDINATOR).await;
    coordinator
        .post_ok(
            &format!("/editions/{edition}/totem/appel"),
            &[(
                "prompt",
                "Envoyez la photo de votre totem des valeurs olympiques.",
            )],
        )
        .await;
    let staff = signed_in(app, STAFF).await;
    (edition, coordinator, staff)
}

fn picture(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

/// A JPEG with an EXIF segment: orientation 6 and a GPS block (« N »,
/// and the marker text `GPSMARK`).
fn with_exif(jpeg: &[u8]) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(&[0, 1, 0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(b"GPSMARK");
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend_from_slice(&tiff);
    let length = (segment.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&segment);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG that says it is 7,000 × 7,000 (49 million pixels) and holds a few
/// bytes: decoding it would take 147 MB.
fn bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        png.extend_from_slice(&typed);
        png.extend_from_slice(&crc32(&typed).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&7000u32.to_be_bytes());
    ihdr.extend_from_slice(&7000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    png
}

/// Every file under `dir`.
fn stored_files(dir: &Path) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                out.extend(stored_files(&entry.path()));
            } else {
                out.push(std::fs::read(entry.path()).unwrap());
            }
        }
    }
    out
}

async fn media_count(app: &TestApp, edition: EditionId) -> usize {
    media_store::media_of_edition(&mut app.db.acquire().await.unwrap().conn(), edition)
        .await
        .unwrap()
        .len()
}

async fn send(
    staff: &Visitor,
    edition: EditionId,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> reqwest::Response {
    let mut all = vec![("text", "Notre totem relie l'effort et l'entraide.")];
    all.extend_from_slice(fields);
    staff
        .post_multipart(
            &format!("/editions/{edition}/totem"),
            &all,
            Some(("photo", file.0, file.1)),
        )
        .await
}

async fn bad_uploads_are_refused_with_a_message_and_nothing_is_stored(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _, staff) = totem_edition(&app).await;
    let files = app.dir.path().join("files");
    let jpeg = picture(64, 48, image::ImageFormat::Jpeg);
    let mut cut = jpeg.clone();
    cut.truncate(jpeg.len() / 2);
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let html = b"<!doctype html><html><script>alert(1)</script></html>".to_vec();
    let cases: [(&str, &[u8], &str); 9] = [
        (
            "anim.gif",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
            "n'est pas une image JPEG, PNG ou WebP",
        ),
        ("totem.jpg", &cut, "illisible ou incomplète"),
        ("bombe.png", &bomb(), "trop de pixels"),
        ("dessin.svg", &svg, "n'est pas une image JPEG, PNG ou WebP"),
        ("page.png", &html, "n'est pas une image JPEG, PNG ou WebP"),
        ("../../etc/totem.jpg", &jpeg, "désigne un dossier"),
        ("totem\t.jpg", &jpeg, "caractères invisibles"),
        ("vide.jpg", b"", "n'est pas une image JPEG, PNG ou WebP"),
        (
            "affiche.pdf",
            b"%PDF-1.7\n%%EOF",
            "un PDF n'est pas accepté ici",
        ),
    ];
    for (name, bytes, message) in cases {
        let response = send(
            &staff,
            edition,
            &[("description", "Le totem")],
            (name, bytes),
        )
        .await;
        let status = response.status();
        let html = body(response).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let page = Page::parse(&html);
        let shown = page.text("#photo-erreur").unwrap_or_default();
        assert!(shown.contains(message), "{name}: {shown}");
        // What was typed is kept.
        assert_eq!(
            page.field("description").as_deref(),
            Some("Le totem"),
            "{name}"
        );
    }
    // Too large: refused on its length, before the body is read.
    let heavy = vec![0u8; 13 * 1024 * 1024];
    let response = send(&staff, edition, &[], ("lourde.jpg", &heavy)).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body(response).await.contains("dépasse 12 Mo"));
    assert!(stored_files(&files).is_empty(), "nothing stored");
    assert_eq!(media_count(&app, edition).await, 0);
}

/// A page as an anonymous browser taking gzip gets it (gzipped), decoded.
async fn gzipped(app: &TestApp, path: &str) -> String {
    use std::io::Read;
    let response = app
        .client
        .get(format!("{}{path}", app.url))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let bytes = response.bytes().await.unwrap();
    let mut html = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut html)
        .unwrap();
    html
}

async fn approve(coordinator: &Visitor, media: MediaId) -> reqwest::Response {
    coordinator
        .post(
            &format!("/medias/{media}/decision"),
            &[("decision", "approve"), ("suite", "/")],
        )
        .await
}

async fn only_media(app: &TestApp, edition: EditionId) -> media_store::Media {
    let all = media_store::media_of_edition(&mut app.db.acquire().await.unwrap().conn(), edition)
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    all.into_iter().next().unwrap()
}

/// The edition's one medium once its variants are made (by the service's
/// worker, woken by the upload, or here).
async fn processed(app: &TestApp, edition: EditionId) -> media_store::Media {
    for _ in 0..100 {
        perseverance::jobs::run_all_due(&app.db, &app.running.state.config)
            .await
            .unwrap();
        let media = only_media(app, edition).await;
        if media.processed_at.is_some() {
            return media;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the variants were never made");
}

async fn a_photo_is_cleaned_processed_approved_served_withdrawn_and_deleted(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, coordinator, staff) = totem_edition(&app).await;
    let files = app.dir.path().join("files");
    let original = with_exif(&picture(60, 20, image::ImageFormat::Jpeg));
    let response = send(
        &staff,
        edition,
        &[
            ("description", "Un totem en bois peint aux cinq anneaux"),
            ("consent", "none_identifiable"),
        ],
        ("Totem du collège.jpg", &original),
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
    let media = processed(&app, edition).await;
    // Master, display size and thumbnail; no metadata in any stored byte.
    let stored = stored_files(&files);
    assert_eq!(stored.len(), 3);
    for bytes in &stored {
        assert!(bytes.starts_with(&[0xFF, 0xD8]));
        assert!(!bytes.windows(4).any(|w| w == b"Exif"));
        assert!(!bytes.windows(7).any(|w| w == b"GPSMARK"));
        assert!(!bytes.windows(2).any(|w| w == [0xFF, 0xE1]), "no APP1");
    }
    // Turned upright: 60 × 20 with orientation 6 is 20 × 60.
    assert_eq!(
        (media.display_width, media.display_height),
        (Some(20), Some(60))
    );
    let thumb = format!("/medias/{}/vignette", media.id);
    // Private before approval: 404 to the public and to another school.
    assert_eq!(app.get(&thumb).await.status(), StatusCode::NOT_FOUND);
    let dsden = signed_in(&app, "dsden93@demo.test").await;
    assert_eq!(dsden.get(&thumb).await.status(), StatusCode::NOT_FOUND);
    let response = staff.get(&thumb).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let academy = perseverance::editions::store::edition_by_id(
        &mut app.db.acquire().await.unwrap().conn(),
        edition,
    )
    .await
    .unwrap()
    .unwrap()
    .academy_id;
    let slug = perseverance::map::store::academy_by_id(
        &mut app.db.acquire().await.unwrap().conn(),
        academy,
    )
    .await
    .unwrap()
    .unwrap()
    .slug;
    let gallery = format!("/a/{slug}/editions/2040/galerie");
    assert!(!body(app.get(&gallery).await).await.contains("/vignette"));
    // Anonymous browsers taking gzip get it from the render cache: cached
    // now, and never served once a decision changed what it shows.
    assert!(!gzipped(&app, &gallery).await.contains("/vignette"));
    assert!(!gzipped(&app, &gallery).await.contains("/vignette"));
    // Staff may not approve; the coordination may.
    assert_eq!(
        approve(&staff, media.id).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        approve(&coordinator, media.id).await.status(),
        StatusCode::SEE_OTHER
    );
    let response = app.get(&thumb).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert_eq!(response.headers()["cache-control"], "public, max-age=86400");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let served = response.bytes().await.unwrap();
    assert!(!served.windows(4).any(|w| w == b"Exif"));
    let again = app
        .client
        .get(format!("{}{thumb}", app.url))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // The gallery: thumbnail with its size, lazy, its description as alt
    // (the cached page too, rendered again after the approval).
    assert!(gzipped(&app, &gallery).await.contains(thumb.as_str()));
    let html = body(app.get(&gallery).await).await;
    let page = Page::parse(&html);
    assert_eq!(
        page.attr("img[loading=lazy]", "src").as_deref(),
        Some(thumb.as_str())
    );
    assert_eq!(
        page.attr("img[loading=lazy]", "alt").as_deref(),
        Some("Un totem en bois peint aux cinq anneaux")
    );
    assert_eq!(
        page.attr("img[loading=lazy]", "width").as_deref(),
        Some(media.thumb_width.unwrap().to_string().as_str())
    );
    assert!(
        html.contains("Notre totem relie l&#39;effort")
            || html.contains("Notre totem relie l'effort")
            || html.contains("Notre totem relie l&#x27;effort")
    );
    // Filtered by another department: nothing.
    let filtered = body(app.get(&format!("{gallery}?departement=999999")).await).await;
    assert!(!filtered.contains("/vignette"));
    // The public edition page links the gallery.
    let public = body(app.get(&format!("/a/{slug}/editions/2040")).await).await;
    assert!(public.contains(&gallery));
    // Withdrawn by the school: gone at once.
    let response = staff
        .post(
            &format!("/medias/{}/decision", media.id),
            &[("decision", "withdraw")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get(&thumb).await.status(), StatusCode::NOT_FOUND);
    assert!(!body(app.get(&gallery).await).await.contains("/vignette"));
    assert!(!gzipped(&app, &gallery).await.contains("/vignette"));
    // Deleted with its variants once the retention period has passed.
    let now = chrono::Utc::now();
    let files_store = perseverance::files::FileStore::local(&files).unwrap();
    assert_eq!(
        perseverance::media::pipeline::purge_expired(&app.db, &files_store, now)
            .await
            .unwrap(),
        0
    );
    coordinator
        .post_ok(
            &format!("/editions/{edition}/medias/conservation"),
            &[("days", "2")],
        )
        .await;
    let later = now + chrono::Duration::days(3);
    assert_eq!(
        perseverance::media::pipeline::purge_expired(&app.db, &files_store, later)
            .await
            .unwrap(),
        1
    );
    assert!(stored_files(&files).is_empty());
    assert_eq!(media_count(&app, edition).await, 0);
}

async fn approval_needs_a_description_and_the_consent_tick(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, coordinator, staff) = totem_edition(&app).await;
    let png = picture(40, 30, image::ImageFormat::Png);
    // No description, no consent: kept, private.
    let response = send(&staff, edition, &[], ("totem.png", &png)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let media = only_media(&app, edition).await;
    let response = approve(&coordinator, media.id).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        body(response)
            .await
            .contains("sans description ne peut pas être publiée")
    );
    // Review page: shows it, waiting, without description.
    let review = coordinator
        .page(&format!("/editions/{edition}/medias"))
        .await;
    assert!(review.contains("Sans description"));
    assert!(review.contains("non cochée"));
    // « Publier » is not offered for what cannot be published.
    assert!(!review.contains(&format!(
        "Publier<span class=\"fr-sr-only\"> l’image {}",
        media.id
    )));
    // A photo with the consent tick but no description is refused when
    // sent: the description cannot be added afterwards.
    let response = send(
        &staff,
        edition,
        &[("consent", "none_identifiable")],
        ("totem3.png", &png),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(response).await.contains("Décrivez la photo"));
    // A described photo without the consent tick stays private too.
    let response = send(
        &staff,
        edition,
        &[("description", "Le totem")],
        ("totem2.webp", &picture(40, 30, image::ImageFormat::WebP)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let all = media_store::media_of_edition(&mut app.db.acquire().await.unwrap().conn(), edition)
        .await
        .unwrap();
    let second = all.iter().find(|m| m.id != media.id).unwrap();
    let response = approve(&coordinator, second.id).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(body(response).await.contains("attestation de droit"));
    // The public does not see it.
    assert_eq!(
        app.get(&format!("/medias/{}/vignette", second.id))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

/// A totem entry refused for its text (empty) keeps its photo: held, stored
/// once, its description and consent kept; the corrected form attaches that
/// same file without asking for it again.
async fn a_totem_entry_refused_for_its_text_keeps_its_photo_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (edition, _, staff) = totem_edition(&app).await;
    let files = app.dir.path().join("files");
    let jpeg = picture(64, 48, image::ImageFormat::Jpeg);
    let path = format!("/editions/{edition}/totem");
    let response = staff
        .post_multipart(
            &path,
            &[
                ("text", "  "),
                ("description", "Le totem dans le hall"),
                ("consent", "authorisations"),
            ],
            Some(("photo", "totem.jpg", &jpeg)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = Page::parse(&body(response).await);
    assert!(page.text("#text-erreur").is_some());
    assert_eq!(
        page.field("description").as_deref(),
        Some("Le totem dans le hall")
    );
    assert_eq!(
        page.attr("#consent-authorisations", "checked").as_deref(),
        Some("")
    );
    assert!(page.text("#photo-recue").unwrap().contains("« totem.jpg »"));
    let held = page.field("photo_held").expect("the photo held");
    assert_eq!(stored_files(&files).len(), 1, "stored once");
    assert_eq!(media_count(&app, edition).await, 0);

    // Corrected without choosing the photo again: attached, not re-stored.
    let location = staff
        .post_multipart_ok(
            &path,
            &[
                ("text", "Notre totem relie l'effort et l'entraide."),
                ("description", "Le totem dans le hall"),
                ("consent", "authorisations"),
                ("photo_held", &held),
            ],
        )
        .await;
    assert!(location.starts_with(&path), "{location}");
    let media = only_media(&app, edition).await;
    assert_eq!(media.description, "Le totem dans le hall");
    assert_eq!(media.file_name, "totem.jpg");
    assert_eq!(media.consent.as_deref(), Some("authorisations"));
    // Once processed: the master and its two variants, nothing else.
    processed(&app, edition).await;
    assert_eq!(stored_files(&files).len(), 3, "not stored a second time");
    // The same page sent again (its held photo already attached): nothing more.
    let page = Page::parse(&body(staff.get(&path).await).await);
    let once = page.field("once").unwrap();
    staff
        .post_multipart_ok(
            &path,
            &[
                ("text", "Notre totem relie l'effort et l'entraide."),
                ("photo_held", &held),
                ("once", &once),
            ],
        )
        .await;
    assert_eq!(media_count(&app, edition).await, 1);
}
