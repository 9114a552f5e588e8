//! The demo's pictures (issue 9), drawn by our own code with the `image`
//! crate (no binary file in the repository) and stored through the file
//! store and the media pipeline like any upload: Normandie's first poster
//! contest (2023: categories, the seeds' grid, two jurors among the demo
//! accounts, entries with their drawn posters, scores, the jury closed and
//! the laureates published) and the Créteil 2024 totem gallery (approved,
//! described photos). Run by `serve --demo` after the story.

use chrono::NaiveDate;
use image::{ImageFormat, Rgb, RgbImage};

use crate::{
    auth::store as auth_store,
    contest::store::{self as contest_store, Contest, NewEntry},
    db::Db,
    domain::{
        Email, Grant, MediaId, Role, Scope, UserId,
        contest::DEFAULT_GRID,
        media::{Consent, MediaKind, MediaState},
    },
    editions::store as editions_store,
    files::FileStore,
    map::store as map_store,
    media::{pipeline, store as media_store},
    totem::store as totem_store,
};

/// The school kinds of the contest's three categories.
const KINDS: [&str; 3] = ["college", "lycee", "lp"];

/// The demo's jurors of Normandie's contest (staff of a school of Rouen).
pub const JURORS: [&str; 2] = ["jury.normandie@demo.test", "jury2.normandie@demo.test"];

const PALETTE: [[u8; 3]; 6] = [
    [0, 0, 145],
    [225, 0, 15],
    [0, 121, 80],
    [255, 196, 0],
    [106, 106, 244],
    [190, 85, 0],
];

/// A poster: a coloured ground, a rising path of steps and a sun, different
/// for each `n`.
fn poster(n: usize) -> Vec<u8> {
    let ground = PALETTE[n % PALETTE.len()];
    let ink = PALETTE[(n + 2) % PALETTE.len()];
    let (w, h) = (420u32, 594u32);
    let img = RgbImage::from_fn(w, h, |x, y| {
        let step = (x / 60) as i64;
        let top = h as i64 - 120 - step * (30 + (n as i64 % 3) * 12);
        let sun = {
            let (cx, cy) = (320 - (n as i64 % 4) * 40, 110);
            let (dx, dy) = (x as i64 - cx, y as i64 - cy);
            dx * dx + dy * dy < 45 * 45
        };
        if sun {
            Rgb([255, 255, 255])
        } else if (y as i64) > top {
            Rgb(ink)
        } else if y < 40 || y > h - 30 {
            Rgb([245, 245, 254])
        } else {
            Rgb(ground)
        }
    });
    png(img)
}

/// A totem: a pole of stacked, coloured blocks on a grey yard.
fn totem(n: usize) -> Vec<u8> {
    let (w, h) = (640u32, 480u32);
    let img = RgbImage::from_fn(w, h, |x, y| {
        let in_pole = (260..380).contains(&x) && y > 60 && y < 440;
        if in_pole {
            let block = ((y - 60) / 76) as usize;
            Rgb(PALETTE[(block + n) % PALETTE.len()])
        } else if y > 400 {
            Rgb([170, 170, 170])
        } else {
            Rgb([200, 225, 250])
        }
    });
    png(img)
}

fn png(img: RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, ImageFormat::Png)
        .expect("encoding a PNG in memory");
    out.into_inner()
}

/// Stores a drawn picture as an approved, described medium with consent,
/// then makes its variants.
async fn approved_picture(
    db: &Db,
    files: &FileStore,
    new: media_store::NewMedia<'_>,
    bytes: Vec<u8>,
    by: UserId,
) -> anyhow::Result<MediaId> {
    let size = bytes.len() as i64;
    let key = files.put(bytes.into()).await?;
    let id = {
        let mut tx = db.begin().await?;
        let conn = &mut tx.conn();
        let id = media_store::insert(
            conn,
            &media_store::NewMedia {
                master_key: key.as_str(),
                byte_size: size,
                ..new
            },
        )
        .await?;
        media_store::set_state(conn, id, MediaState::Pending, MediaState::Approved, by).await?;
        tx.commit().await?;
        id
    };
    pipeline::process(db, files, id).await?;
    Ok(id)
}

/// Writes the contest and the gallery once (nothing if Normandie's contest
/// exists). Returns the pictures written.
pub async fn pictures(db: &Db, files: &FileStore) -> anyhow::Result<usize> {
    let mut written = 0;
    written += contest(db, files).await?;
    written += gallery(db, files).await?;
    Ok(written)
}

async fn user(db: &Db, email: &str) -> anyhow::Result<UserId> {
    auth_store::user_by_email(&mut db.acquire().await?.conn(), &Email::parse(email)?)
        .await?
        .map(|u| u.id)
        .ok_or_else(|| anyhow::anyhow!("the demo account {email}"))
}

const TITLES: [&str; 9] = [
    "Un pas après l’autre",
    "Tomber, se relever",
    "Ensemble jusqu’au bout",
    "La montagne des efforts",
    "Je m’accroche",
    "Le chemin compte",
    "Persévérer, c’est grandir",
    "Pas à pas vers demain",
    "Le soleil après l’effort",
];

/// Each demo poster's own statement on the year's theme (« l'engagement »),
/// in the order of [`TITLES`].
const STATEMENTS: [&str; 9] = [
    "Chaque marche de notre escalier est une petite victoire de la classe : on ne monte pas d’un bond, on avance un pas après l’autre.",
    "Nous avons dessiné nos chutes et nos relèvements : s’engager, c’est accepter de tomber et repartir.",
    "Notre affiche montre une cordée : personne n’arrive au sommet seul, on s’engage pour les autres aussi.",
    "La montagne représente nos difficultés de l’année ; chaque couleur est un effort que nous avons fait ensemble.",
    "« Je m’accroche » : la phrase que chacun de nous a écrite sur un post-it quand il avait envie d’abandonner.",
    "Le chemin sinueux rappelle qu’on apprend autant en route qu’à l’arrivée : l’engagement se voit dans le trajet.",
    "Nous avons choisi un arbre qui grandit à chaque saison : persévérer, c’est se donner le temps de grandir.",
    "Les empreintes de pas de toute la classe mènent vers un lever de soleil : demain se construit aujourd’hui.",
    "Le soleil arrive après l’averse : notre affiche dit que l’effort finit toujours par éclairer quelque chose.",
];

async fn contest(db: &Db, files: &FileStore) -> anyhow::Result<usize> {
    let (edition, schools) = {
        let mut conn = db.acquire().await?;
        let conn = &mut conn.conn();
        let Some(normandie) = map_store::academy_by_slug(conn, "normandie").await? else {
            return Ok(0);
        };
        let Some(edition) = editions_store::edition_of_year(conn, normandie.id, 2023).await? else {
            return Ok(0);
        };
        if contest_store::contest_of(conn, edition.id).await?.is_some() {
            return Ok(0);
        }
        // Three schools of each kind the categories name, Rouen's first.
        let mut districts = map_store::districts(conn, normandie.id).await?;
        districts.sort_by_key(|d| !d.name.contains("Rouen"));
        let mut schools: Vec<Vec<map_store::School>> = vec![Vec::new(); KINDS.len()];
        for district in districts {
            for school in map_store::schools_of_district(conn, district.id).await? {
                if let Some(k) = KINDS.iter().position(|k| *k == school.kind)
                    && schools[k].len() < 4
                {
                    schools[k].push(school);
                }
            }
        }
        (edition, schools)
    };
    let coordination = user(db, "coordination.normandie@demo.test").await?;
    let mut tx = db.begin().await?;
    let conn = &mut tx.conn();
    contest_store::save_contest(
        conn,
        &Contest {
            edition_id: edition.id,
            rules: "Premier concours d’affiches de la DRAIO : une affiche par classe ou groupe, \
                    sur le thème de l’engagement ; aucun nom d’élève."
                .into(),
            categories: "Collège\nLycée\nLycée professionnel".into(),
            grid: DEFAULT_GRID.into(),
            deadline: NaiveDate::from_ymd_opt(2023, 3, 31).expect("a date"),
            entry_mode: "form".into(),
            jury_closed_at: None,
            published_at: None,
        },
    )
    .await?;
    // The jurors: staff of a collège that does not enter (the fourth found).
    let jury_school = schools[0]
        .get(3)
        .ok_or_else(|| anyhow::anyhow!("four collèges in Normandie"))?
        .id;
    let mut jurors = Vec::new();
    for email in JURORS {
        let id = auth_store::ensure_user(conn, &Email::parse(email)?, "").await?;
        auth_store::add_grant(
            conn,
            id,
            Grant::new(Role::Staff, Scope::School(jury_school))?,
            None,
        )
        .await?;
        contest_store::save_juror(conn, edition.id, id, "1 2 3").await?;
        jurors.push(id);
    }
    tx.commit().await?;
    let mut entries = Vec::new();
    for (n, title) in TITLES.iter().enumerate() {
        let kind = n % 3;
        let school = schools[kind]
            .get(n / 3)
            .ok_or_else(|| anyhow::anyhow!("three schools of each kind in Normandie"))?;
        let category = kind as i64 + 1;
        let entry = {
            let mut tx = db.begin().await?;
            let id = contest_store::insert_entry(
                &mut tx.conn(),
                &NewEntry {
                    edition_id: edition.id,
                    school_id: school.id,
                    category,
                    group_name: ["4e B", "2nde 3", "1re CAP"][n % 3],
                    title,
                    statement: STATEMENTS[n],
                    created_by: coordination,
                },
            )
            .await?;
            tx.commit().await?;
            id
        };
        approved_picture(
            db,
            files,
            media_store::NewMedia {
                edition_id: edition.id,
                school_id: Some(school.id),
                uploader_id: coordination,
                owner_kind: "poster",
                owner_id: entry,
                kind: MediaKind::Image,
                file_name: "affiche.png",
                byte_size: 0,
                master_key: "",
                description: &format!(
                    "Affiche « {title} » : un chemin de marches colorées monte vers un soleil blanc."
                ),
                consent: Some(Consent::NoneIdentifiable),
            },
            poster(n),
            coordination,
        )
        .await?;
        entries.push((entry, category, n));
    }
    // Scores (deterministic), the jury closed, three laureates a category.
    let mut tx = db.begin().await?;
    let conn = &mut tx.conn();
    for (entry, _, n) in &entries {
        for (j, juror) in jurors.iter().enumerate() {
            let scores: Vec<u32> = (0..4)
                .map(|c| ((n * 7 + j * 3 + c * 5) % 4 + 2) as u32)
                .collect();
            let text = scores
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(" ");
            contest_store::save_score(conn, *entry, *juror, &text).await?;
        }
    }
    contest_store::close_jury(conn, edition.id).await?;
    // The laureates as « Publier le palmarès » finds them (weighted means, ties).
    let contest = contest_store::contest_of(conn, edition.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo contest"))?;
    let all = contest_store::entries(conn, edition.id).await?;
    let scores = contest_store::scores(conn, edition.id).await?;
    let laureates =
        crate::contest::pages::laureates(&contest, &all, &scores).map_err(anyhow::Error::msg)?;
    contest_store::publish(conn, edition.id, &laureates).await?;
    tx.commit().await?;
    Ok(entries.len())
}

const TOTEM_TEXTS: [&str; 4] = [
    "Chaque bloc de notre totem porte une valeur : le respect, l’effort, l’entraide. Ensemble, ils tiennent debout.",
    "Notre totem a été peint par les délégués : il rappelle que persévérer, c’est se dépasser avec les autres.",
    "Les couleurs de notre totem sont celles des cinq anneaux : l’excellence, l’amitié et le respect, tous les jours.",
    "Notre totem grandit d’un étage à chaque défi relevé par la classe pendant la semaine.",
];

async fn gallery(db: &Db, files: &FileStore) -> anyhow::Result<usize> {
    let (edition, schools) = {
        let mut conn = db.acquire().await?;
        let conn = &mut conn.conn();
        let Some(creteil) = map_store::academy_by_slug(conn, "creteil").await? else {
            return Ok(0);
        };
        let Some(edition) = editions_store::edition_of_year(conn, creteil.id, 2024).await? else {
            return Ok(0);
        };
        if !totem_store::entries_of(conn, edition.id).await?.is_empty() {
            return Ok(0);
        }
        let mut schools = Vec::new();
        for district in map_store::districts(conn, creteil.id).await?.iter().take(4) {
            if let Some(school) = map_store::schools_of_district(conn, district.id)
                .await?
                .into_iter()
                .next()
            {
                schools.push(school);
            }
        }
        (edition, schools)
    };
    let coordination = user(db, "coordination.academique@demo.test").await?;
    {
        let mut tx = db.begin().await?;
        totem_store::set_prompt(
            &mut tx.conn(),
            edition.id,
            "Photographiez le totem de votre établissement et écrivez en quelques lignes ce qui \
             relie les valeurs olympiques à la persévérance.",
        )
        .await?;
        tx.commit().await?;
    }
    let mut written = 0;
    for (n, school) in schools.iter().enumerate() {
        let entry = {
            let mut tx = db.begin().await?;
            let id = totem_store::save_entry(
                &mut tx.conn(),
                edition.id,
                school.id,
                TOTEM_TEXTS[n % TOTEM_TEXTS.len()],
                coordination,
            )
            .await?;
            tx.commit().await?;
            id
        };
        for photo in 0..2 {
            approved_picture(
                db,
                files,
                media_store::NewMedia {
                    edition_id: edition.id,
                    school_id: Some(school.id),
                    uploader_id: coordination,
                    owner_kind: "totem",
                    owner_id: entry.0,
                    kind: MediaKind::Image,
                    file_name: "totem.png",
                    byte_size: 0,
                    master_key: "",
                    description: &format!(
                        "Le totem {} : un mât de blocs colorés dans la cour{}.",
                        crate::text::of_school(&school.name),
                        if photo == 0 { "" } else { ", vu de plus près" }
                    ),
                    consent: Some(Consent::NoneIdentifiable),
                },
                totem(n * 2 + photo),
                coordination,
            )
            .await?;
            written += 1;
        }
    }
    Ok(written)
}
