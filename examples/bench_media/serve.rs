//! `bench_media serve`: the gallery, the variants and ten 12-megapixel
//! uploads against the real server (see `main.rs`).

use std::{
    io::Cursor,
    path::PathBuf,
    process::{Command, Stdio},
    time::Instant,
};

use axum::body::Bytes;
use perseverance::{
    auth::{store as auth_store, tokens},
    db::{ConnectOptions, Db},
    domain::Email,
    editions::store as editions_store,
    files::images,
    map::store as map_store,
};

/// Settings of `bench_media serve`, from the environment.
struct ServeSettings {
    bin: PathBuf,
    port: u16,
    seconds: u64,
    warmup: u64,
    connections: usize,
    photos: usize,
    uploads: usize,
    use_wrk: bool,
}

impl ServeSettings {
    fn from_env() -> ServeSettings {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let num = |name: &str, default: u64| {
            var(name)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(default)
        };
        ServeSettings {
            bin: var("BENCH_SERVER_BIN")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("target/release/perseverance")),
            port: num("BENCH_PORT", 18093) as u16,
            seconds: num("BENCH_SECONDS", 10),
            warmup: num("BENCH_WARMUP", 2),
            connections: num("BENCH_CONNECTIONS", 16) as usize,
            photos: num("BENCH_PHOTOS", 500) as usize,
            uploads: num("BENCH_UPLOADS", 10) as usize,
            use_wrk: var("BENCH_WRK").is_none_or(|v| v != "0")
                && Command::new("wrk")
                    .arg("--version")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok(),
        }
    }
}

/// One measured URL.
struct Measure {
    label: &'static str,
    requests_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    bytes: usize,
}

/// The server's peak and current resident memory, in kB (`VmHWM`, `VmRSS`).
fn memory_of(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// A small photo-like JPEG (gradient and noise), `seed` makes each different.
fn small_photo(width: u32, height: u32, seed: u32) -> Vec<u8> {
    noisy_jpeg(width, height, seed, 85)
}

fn noisy_jpeg(width: u32, height: u32, seed: u32, quality: u8) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(12_345);
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let noise = (state >> 24) as u8 / 8;
        image::Rgb([
            ((x * 255 / width) as u8).saturating_add(noise),
            ((y * 255 / height) as u8).saturating_add(noise),
            ((seed * 37) % 200) as u8 + noise,
        ])
    });
    let mut jpeg = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, quality)
        .encode_image(&img)
        .expect("a JPEG");
    jpeg.into_inner()
}

/// Fills the demo académie's current edition with `photos` approved totem
/// photos (variants made from a few small generated images, one stored file
/// each), spread over the académie's schools but the demo staff's (whose
/// entry receives the uploads). Returns the gallery's path, a thumbnail's
/// path and the edition.
async fn fill_gallery(
    db: &Db,
    files: &perseverance::files::FileStore,
    photos: usize,
) -> anyhow::Result<(String, String, perseverance::domain::EditionId)> {
    use perseverance::{
        domain::media::{Consent, MediaKind, MediaState},
        media::store::{self as media_store, NewMedia},
        totem::store as totem_store,
    };
    let mut pooled = db.acquire().await?;
    let conn = &mut pooled.conn();
    let academy = map_store::academy_by_slug(conn, "creteil")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo académie"))?;
    let edition = editions_store::editions_of(conn, academy.id)
        .await?
        .into_iter()
        .filter(|e| e.stored_state() != perseverance::domain::edition::EditionState::Draft)
        .max_by_key(|e| e.year)
        .ok_or_else(|| anyhow::anyhow!("a published edition"))?;
    let coordinator =
        auth_store::user_by_email(conn, &Email::parse("coordination.academique@demo.test")?)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the demo coordinator"))?;
    let staff = auth_store::user_by_email(conn, &Email::parse(STAFF)?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo staff"))?;
    let staff_school = auth_store::grants_of(conn, staff.id)
        .await?
        .iter()
        .find_map(|g| g.school_id);
    let mut schools = Vec::new();
    for district in map_store::districts(conn, academy.id).await? {
        for school in map_store::schools_of_district(conn, district.id).await? {
            if Some(school.id) != staff_school {
                schools.push(school.id);
            }
        }
    }
    anyhow::ensure!(!schools.is_empty(), "the demo académie has schools");
    totem_store::set_prompt(
        conn,
        edition.id,
        "Envoyez la photo de votre totem des valeurs de l'année.",
    )
    .await?;
    drop(pooled);

    // A few different small photos, processed once by the real pipeline.
    let mut made = Vec::new();
    for seed in 0..8u32 {
        let original = small_photo(800, 600, seed);
        let (_, master) = images::clean_master(&original, &images::LIMITS)?;
        let (display, thumb) = images::variants(&master.jpeg)?;
        made.push((master, display, thumb));
    }
    let mut tx = db.begin().await?;
    let mut entries = Vec::new();
    for (i, school) in schools.iter().enumerate() {
        let text = format!(
            "Notre totem n° {i} relie le respect, l'effort et l'entraide à la persévérance de chacun."
        );
        entries.push((
            *school,
            totem_store::save_entry(&mut tx.conn(), edition.id, *school, &text, staff.id).await?,
        ));
    }
    let mut thumb_path = String::new();
    for i in 0..photos {
        let (school, entry) = entries[i % entries.len()];
        let (master, display, thumb) = &made[i % made.len()];
        let master_key = files.put(Bytes::from(master.jpeg.clone())).await?;
        let display_key = files.put(Bytes::from(display.jpeg.clone())).await?;
        let thumb_key = files.put(Bytes::from(thumb.jpeg.clone())).await?;
        let description = format!(
            "Photo {i} : un totem de bois peint par les élèves, orné des valeurs de l'année"
        );
        let id = media_store::insert(
            &mut tx.conn(),
            &NewMedia {
                edition_id: edition.id,
                school_id: Some(school),
                uploader_id: staff.id,
                owner_kind: "totem",
                owner_id: entry.0,
                kind: MediaKind::Image,
                file_name: "totem.jpg",
                byte_size: master.jpeg.len() as i64,
                master_key: master_key.as_str(),
                description: &description,
                consent: Some(Consent::Authorisations),
            },
        )
        .await?;
        media_store::set_variants(
            &mut tx.conn(),
            id,
            (display_key.as_str(), display.width, display.height),
            (thumb_key.as_str(), thumb.width, thumb.height),
        )
        .await?;
        media_store::set_state(
            &mut tx.conn(),
            id,
            MediaState::Pending,
            MediaState::Approved,
            coordinator.id,
        )
        .await?;
        if thumb_path.is_empty() {
            thumb_path = format!("/medias/{id}/vignette");
        }
    }
    tx.commit().await?;
    println!(
        "{photos} photos approuvées dans {} participations (édition {}, {} × {} px les vignettes)",
        entries.len().min(photos),
        edition.year,
        made[0].2.width,
        made[0].2.height,
    );
    Ok((
        format!("/a/{}/editions/{}/galerie", academy.slug, edition.year),
        thumb_path,
        edition.id,
    ))
}

/// A session cookie for the demo staff member, written in the database.
async fn staff_session(db: &Db) -> anyhow::Result<String> {
    let mut pooled = db.acquire().await?;
    let conn = &mut pooled.conn();
    let staff = auth_store::user_by_email(conn, &Email::parse(STAFF)?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo staff"))?;
    let token = tokens::random_token();
    auth_store::create_session(
        conn,
        staff.id,
        &tokens::hash(&token),
        chrono::Duration::hours(2),
    )
    .await?;
    Ok(token)
}

const STAFF: &str = "personnel@demo.test";

/// Measures `url` with `wrk` (when on the PATH), else with this program's
/// own client: `connections` connections for `seconds`, after `warmup`.
async fn measure(
    label: &'static str,
    url: &str,
    settings: &ServeSettings,
) -> anyhow::Result<Measure> {
    if settings.use_wrk {
        let run = |secs: u64| {
            Command::new("wrk")
                .args([
                    "--latency",
                    "-t",
                    "2",
                    "-c",
                    &settings.connections.to_string(),
                    "-d",
                    &format!("{secs}s"),
                    "-H",
                    "Accept-Encoding: gzip",
                    url,
                ])
                .output()
        };
        if settings.warmup > 0 {
            run(settings.warmup)?;
        }
        let out = String::from_utf8_lossy(&run(settings.seconds)?.stdout).to_string();
        let after = |prefix: &str| {
            out.lines()
                .map(str::trim)
                .find(|l| l.starts_with(prefix))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        };
        let ms = |v: Option<String>| {
            v.map_or(f64::NAN, |v| {
                if let Some(n) = v.strip_suffix("us") {
                    n.parse::<f64>().unwrap_or(f64::NAN) / 1000.0
                } else if let Some(n) = v.strip_suffix("ms") {
                    n.parse().unwrap_or(f64::NAN)
                } else if let Some(n) = v.strip_suffix('s') {
                    n.parse::<f64>().unwrap_or(f64::NAN) * 1000.0
                } else {
                    f64::NAN
                }
            })
        };
        let non_2xx = out.contains("Non-2xx");
        anyhow::ensure!(!non_2xx, "{label}: des réponses en erreur\n{out}");
        let bytes_total: f64 = out
            .lines()
            .find(|l| l.contains("requests in"))
            .and_then(|l| l.split(',').nth(1))
            .map(|s| parse_size(s.trim().trim_end_matches(" read")))
            .unwrap_or(0.0);
        let count: f64 = out
            .lines()
            .find(|l| l.contains("requests in"))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0.0);
        return Ok(Measure {
            label,
            requests_per_s: after("Requests/sec:")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0),
            p50_ms: ms(after("50%")),
            p99_ms: ms(after("99%")),
            bytes: if count > 0.0 {
                (bytes_total / count) as usize
            } else {
                0
            },
        });
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(settings.connections)
        .build()?;
    let run = |secs: u64| {
        let client = client.clone();
        let url = url.to_string();
        let connections = settings.connections;
        async move {
            let deadline = Instant::now() + std::time::Duration::from_secs(secs);
            let mut tasks = Vec::new();
            for _ in 0..connections {
                let client = client.clone();
                let url = url.clone();
                tasks.push(tokio::spawn(async move {
                    let mut times = Vec::new();
                    let mut bytes = 0usize;
                    while Instant::now() < deadline {
                        let start = Instant::now();
                        let response = client
                            .get(&url)
                            .header("Accept-Encoding", "gzip")
                            .send()
                            .await?;
                        anyhow::ensure!(response.status().is_success(), "{}", response.status());
                        bytes = response.bytes().await?.len();
                        times.push(start.elapsed().as_secs_f64() * 1000.0);
                    }
                    Ok::<_, anyhow::Error>((times, bytes))
                }));
            }
            let mut all = Vec::new();
            let mut bytes = 0;
            for task in tasks {
                let (times, b) = task.await??;
                all.extend(times);
                bytes = b;
            }
            Ok::<_, anyhow::Error>((all, bytes))
        }
    };
    if settings.warmup > 0 {
        run(settings.warmup).await?;
    }
    let (mut times, bytes) = run(settings.seconds).await?;
    times.sort_by(f64::total_cmp);
    let at = |q: f64| {
        times
            .get(((times.len() as f64 * q) as usize).min(times.len().saturating_sub(1)))
            .copied()
            .unwrap_or(f64::NAN)
    };
    Ok(Measure {
        label,
        requests_per_s: times.len() as f64 / settings.seconds as f64,
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        bytes,
    })
}

/// « 12.5MB » (wrk's units) in bytes.
fn parse_size(text: &str) -> f64 {
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (n, unit) = text.split_at(split);
    let n: f64 = n.trim().parse().unwrap_or(0.0);
    n * match unit {
        "KB" => 1024.0,
        "MB" => 1_048_576.0,
        "GB" => 1_073_741_824.0,
        _ => 1.0,
    }
}

/// A hidden field's value in a page.
fn hidden(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker)? + marker.len();
    let end = page[start..].find('"')?;
    Some(page[start..start + end].to_string())
}

/// A `multipart/form-data` body: text fields, then one file.
fn multipart_body(fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----bench-media-7d1c2a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\n\
             Content-Type: image/jpeg\r\n\r\n",
            file.0, file.1
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.2);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The server process, stopped when dropped.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn run() -> anyhow::Result<()> {
    let settings = ServeSettings::from_env();
    anyhow::ensure!(
        settings.bin.exists(),
        "{} manque : cargo build --release --bin perseverance (ou BENCH_SERVER_BIN)",
        settings.bin.display()
    );
    let dir = tempfile::tempdir()?;
    let url = std::env::args()
        .nth(2)
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let files_dir = dir.path().join("files");
    std::fs::create_dir_all(&files_dir)?;
    let started = Instant::now();
    let db = Db::connect(&url, &ConnectOptions::default()).await?;
    db.migrate().await?;
    anyhow::ensure!(
        perseverance::demo::seed(&db).await?,
        "la base doit être vide"
    );
    let files = perseverance::files::FileStore::local(&files_dir)?;
    let (gallery, thumb, edition) = fill_gallery(&db, &files, settings.photos).await?;
    let session = staff_session(&db).await?;
    db.close().await;
    println!("base prête en {:.1} s", started.elapsed().as_secs_f64());

    // The real server, in its own process.
    let addr = format!("127.0.0.1:{}", settings.port);
    let base = format!("http://{addr}");
    let check = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    anyhow::ensure!(
        check.get(format!("{base}/healthz")).send().await.is_err(),
        "le port {} répond déjà : choisir un autre BENCH_PORT",
        settings.port
    );
    let child = Command::new(&settings.bin)
        .args(["serve", "--addr", &addr])
        .env("DATABASE_URL", &url)
        .env("PERSEVERANCE_FILES_DIR", &files_dir)
        .env("PERSEVERANCE_OUTBOX_DIR", dir.path().join("outbox"))
        .env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::null())
        .spawn()?;
    let server = Server(child);
    let pid = server.0.id();
    let ready = Instant::now();
    loop {
        if let Ok(r) = check.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                break;
            }
        }
        anyhow::ensure!(
            ready.elapsed().as_secs() < 30,
            "le serveur ne répond pas après 30 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    println!(
        "serveur {} (pid {pid}) prêt ; mémoire au repos {} Mo",
        settings.bin.display(),
        memory_of(pid).1 / 1024
    );

    // What the issue asks of the pages, checked before measuring.
    let page = check.get(format!("{base}{gallery}")).send().await?;
    anyhow::ensure!(page.status().is_success(), "galerie : {}", page.status());
    let page = page.text().await?;
    let thumbs: Vec<&str> = page
        .split("<img ")
        .skip(1)
        .filter(|tag| tag.contains("/vignette"))
        .collect();
    let sized = thumbs
        .iter()
        .filter(|t| {
            let tag = &t[..t.find('>').unwrap_or(t.len())];
            tag.contains("width=\"")
                && tag.contains("height=\"")
                && tag.contains("loading=\"lazy\"")
                && tag.contains("alt=\"")
        })
        .count();
    println!(
        "galerie : {} vignettes, dont {sized} avec width, height, alt et loading=\"lazy\" ; {} ko",
        thumbs.len(),
        page.len() / 1024
    );
    anyhow::ensure!(
        thumbs.len() == settings.photos && sized == thumbs.len(),
        "la galerie doit montrer les {} vignettes avec leur taille, chargées à la demande",
        settings.photos
    );
    let variant = check.get(format!("{base}{thumb}")).send().await?;
    let cache = variant
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let etag = variant
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let revalidated = check
        .get(format!("{base}{thumb}"))
        .header("If-None-Match", &etag)
        .send()
        .await?
        .status();
    println!("variante : Cache-Control « {cache} », ETag {etag}, revalidation {revalidated}");
    anyhow::ensure!(
        cache.contains("public") && cache.contains("max-age") && !etag.is_empty(),
        "une variante approuvée a un cache long et un ETag"
    );
    anyhow::ensure!(revalidated.as_u16() == 304, "If-None-Match : 304");

    // Throughput, in the same run.
    println!(
        "mesures : {} s chacune après {} s d'échauffement, {} connexions ({})",
        settings.seconds,
        settings.warmup,
        settings.connections,
        if settings.use_wrk {
            "wrk"
        } else {
            "client intégré"
        }
    );
    let mut measures = Vec::new();
    for (label, path) in [
        ("/static/app.css (plafond)", "/static/app.css"),
        ("galerie de l'édition", gallery.as_str()),
        ("vignette approuvée", thumb.as_str()),
    ] {
        measures.push(measure(label, &format!("{base}{path}"), &settings).await?);
    }
    let ceiling = measures[0].requests_per_s.max(f64::MIN_POSITIVE);
    println!(
        "| Mesure | req/s | p50 (ms) | p99 (ms) | octets/réponse | rapport au plafond | objectif |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut failed = false;
    for (i, m) in measures.iter().enumerate() {
        let ratio = m.requests_per_s / ceiling;
        let goal = match i {
            1 => Some(0.10),
            2 => Some(0.50),
            _ => None,
        };
        let verdict = match goal {
            Some(g) if ratio >= g => format!("≥ {:.0} % : PASS", g * 100.0),
            Some(g) => {
                failed = true;
                format!("≥ {:.0} % : FAIL", g * 100.0)
            }
            None => "—".into(),
        };
        println!(
            "| {} | {:.0} | {:.2} | {:.2} | {} | {:.1} % | {verdict} |",
            m.label,
            m.requests_per_s,
            m.p50_ms,
            m.p99_ms,
            m.bytes,
            ratio * 100.0
        );
    }

    // Ten 12-megapixel uploads at once, then the server's peak memory
    // (reset first), once their variants are made too.
    let big = noisy_jpeg(4_000, 3_000, 7, 90);
    println!(
        "envois : {} JPEG de 4 000 × 3 000 ({:.1} Mo) en même temps sur /editions/{edition}/totem",
        settings.uploads,
        big.len() as f64 / 1_048_576.0
    );
    let cookie = format!("perseverance_session={session}");
    let mut forms = Vec::new();
    for _ in 0..settings.uploads {
        let response = check
            .get(format!("{base}/editions/{edition}/totem"))
            .header("Cookie", &cookie)
            .send()
            .await?;
        let csrf_cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                c.split(';')
                    .next()
                    .filter(|kv| kv.contains("csrf="))
                    .map(str::to_string)
            });
        let page = response.text().await?;
        let csrf = hidden(&page, "csrf").ok_or_else(|| anyhow::anyhow!("the totem form"))?;
        let once = hidden(&page, "once").unwrap_or_default();
        forms.push((csrf, once, csrf_cookie));
    }
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let before = memory_of(pid);
    let upload_started = Instant::now();
    let mut tasks = Vec::new();
    for (i, (csrf, once, csrf_cookie)) in forms.into_iter().enumerate() {
        let client = check.clone();
        let url = format!("{base}/editions/{edition}/totem");
        let cookie = match csrf_cookie {
            Some(c) => format!("{cookie}; {c}"),
            None => cookie.clone(),
        };
        let big = big.clone();
        tasks.push(tokio::spawn(async move {
            let description = format!("Le totem photographié par la classe {i}");
            let (content_type, body) = multipart_body(
                &[
                    ("csrf", &csrf),
                    ("once", &once),
                    ("text", "Notre totem relie l'effort et l'entraide."),
                    ("description", &description),
                    ("consent", "none_identifiable"),
                ],
                ("photo", "totem.jpg", &big),
            );
            let response = client
                .post(url)
                .header("Cookie", cookie)
                .header("Content-Type", content_type)
                .body(body)
                .send()
                .await?;
            Ok::<_, anyhow::Error>(response.status().as_u16())
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await??);
    }
    let answered = upload_started.elapsed().as_secs_f64();
    let after_uploads = memory_of(pid).0;
    // The variants (the `media.process` jobs of the server's worker).
    let db = Db::connect(&url, &ConnectOptions::default()).await?;
    let waited = Instant::now();
    let mut processed = 0;
    while waited.elapsed().as_secs() < 120 {
        let all =
            perseverance::media::store::media_of_edition(&mut db.acquire().await?.conn(), edition)
                .await?;
        processed = all
            .iter()
            .filter(|m| m.state == perseverance::domain::media::MediaState::Pending)
            .filter(|m| m.processed_at.is_some())
            .count();
        if processed >= statuses.iter().filter(|s| **s == 303).count() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    db.close().await;
    let (peak, now) = memory_of(pid);
    let accepted = statuses.iter().filter(|s| **s == 303).count();
    println!(
        "réponses {statuses:?} en {answered:.1} s ({accepted} acceptées) ; variantes faites pour \
         {processed} en {:.1} s de plus",
        waited.elapsed().as_secs_f64()
    );
    println!(
        "mémoire du serveur : avant {} Mo, pic pendant les envois {} Mo, pic avec les variantes {} Mo, \
         ensuite {} Mo",
        before.1 / 1024,
        after_uploads / 1024,
        peak / 1024,
        now / 1024
    );
    let peak_ok = peak < 300 * 1024;
    println!(
        "pic de mémoire < 300 Mo : {}",
        if peak_ok { "PASS" } else { "FAIL" }
    );
    drop(server);
    anyhow::ensure!(
        accepted == settings.uploads,
        "chaque envoi doit être accepté"
    );
    anyhow::ensure!(!failed && peak_ok, "un objectif manque");
    Ok(())
}
