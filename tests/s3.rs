//! The file store on a real S3-compatible server (issue 9): PyPI
//! `moto[server]` started by the test on 127.0.0.1 (`/opt/moto/bin/moto_server`,
//! installed by `.ci/run`, or `PERSEVERANCE_TEST_MOTO`). Without it the test
//! says « skipped » and passes. The same story runs on both engines: a photo
//! uploaded through the media pipeline lands in the bucket (clean, no EXIF),
//! its variants are made by the job from the bucket, and it is served.

mod common;

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use common::{Engine, TestApp, body, fixtures::EditionBuilder, people::Visitor};
use perseverance::{config::S3Config, files::FileStore};
use reqwest::StatusCode;

on_both_engines!(photos_go_to_the_bucket_and_come_back);

/// The moto server, stopped on drop.
struct Moto {
    child: Child,
    url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_moto() -> Option<Moto> {
    let program = std::env::var("PERSEVERANCE_TEST_MOTO")
        .unwrap_or_else(|_| "/opt/moto/bin/moto_server".into());
    if !std::path::Path::new(&program).exists() {
        eprintln!(
            "SKIPPED: {program} is missing (python3 -m venv /opt/moto && /opt/moto/bin/pip install 'moto[server]')"
        );
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(&program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server starts");
    let url = format!("http://127.0.0.1:{port}");
    let moto = Moto { child, url };
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(&moto.url).send().await.is_ok() {
            return Some(moto);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("moto_server did not answer on {}", moto.url);
}

fn settings(moto: &Moto, bucket: &str) -> S3Config {
    S3Config {
        bucket: bucket.into(),
        endpoint: moto.url.clone(),
        region: "us-east-1".into(),
        access_key_id: "test".into(),
        secret_access_key: "test-secret".into(),
    }
}

async fn photos_go_to_the_bucket_and_come_back(engine: Engine) {
    let Some(moto) = start_moto().await else {
        return;
    };
    let bucket = format!("perseverance-{}", engine_name(engine));
    let created = reqwest::Client::new()
        .put(format!("{}/{bucket}", moto.url))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success(), "bucket created");
    let s3 = settings(&moto, &bucket);
    // The store itself: put, get, delete.
    let store = FileStore::s3(&s3).unwrap();
    let key = store
        .put(axum::body::Bytes::from_static(b"%PDF-1.7 affiche"))
        .await
        .unwrap();
    assert_eq!(&store.get(&key).await.unwrap()[..], b"%PDF-1.7 affiche");
    store.delete(&key).await.unwrap();
    assert!(store.get(&key).await.is_err());
    // The service on the bucket.
    let app = TestApp::spawn_configured(engine, true, |config| config.s3 = Some(s3.clone())).await;
    let (edition, _) = EditionBuilder::new(2040).insert(&app.db).await;
    let coordinator = Visitor::new(&app);
    coordinator
        .sign_in(&app, "coordination.academique@demo.test")
        .await;
    coordinator
        .post_ok(
            &format!("/editions/{edition}/totem/appel"),
            &[("prompt", "Votre totem.")],
        )
        .await;
    let staff = Visitor::new(&app);
    staff.sign_in(&app, "personnel@demo.test").await;
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        50,
        40,
        image::Rgb([10, 120, 200]),
    ))
    .write_to(&mut jpeg, image::ImageFormat::Jpeg)
    .unwrap();
    let response = staff
        .post_multipart(
            &format!("/editions/{edition}/totem"),
            &[
                ("text", "Notre totem."),
                ("description", "Un totem bleu"),
                ("consent", "authorisations"),
            ],
            Some(("photo", "totem.jpg", &jpeg.into_inner())),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(response).await
    );
    let mut media = None;
    for _ in 0..100 {
        perseverance::jobs::run_all_due(&app.db, &app.running.state.config)
            .await
            .unwrap();
        let all = perseverance::media::store::media_of_edition(
            &mut app.db.acquire().await.unwrap().conn(),
            edition,
        )
        .await
        .unwrap();
        if all[0].processed_at.is_some() {
            media = Some(all[0].clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let media = media.expect("variants made from the bucket");
    assert!(
        !app.dir.path().join("files").exists(),
        "nothing in the local folder"
    );
    // The bucket holds the master and both variants, none with EXIF.
    for key in [
        Some(&media.master_key),
        media.display_key.as_ref(),
        media.thumb_key.as_ref(),
    ] {
        let key = perseverance::files::StoredKey::parse(key.unwrap()).unwrap();
        let bytes = store.get(&key).await.unwrap();
        assert!(bytes.starts_with(&[0xFF, 0xD8]));
        assert!(!bytes.windows(4).any(|w| w == b"Exif"));
    }
    let response = staff.get(&format!("/medias/{}/vignette", media.id)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
}

fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    }
}
