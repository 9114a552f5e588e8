//! Benchmark of the media pipeline (issue 9): a 12-megapixel JPEG (4,000 ×
//! 3,000, a camera-like gradient with noise) through the upload step
//! (`images::clean_master`: checks, decode, orientation, clean master) and
//! the job's step (`images::variants`: display size and thumbnail), on one
//! core (the image crate is built without threads here). Prints the median
//! of five runs in seconds; the target is under 1.5 s.
//!
//! `cargo run --release --example bench_media`
//!
//! `bench_media serve [postgres://…]` (issue 9's other figures; `scripts/bench-media`
//! builds and runs it): a fresh base (SQLite in a temporary folder, or the
//! empty PostgreSQL base given) with the demo académie and `BENCH_PHOTOS`
//! (500) approved totem photos in its current edition; the real server
//! (`BENCH_SERVER_BIN`, by default `target/release/perseverance`) started on
//! 127.0.0.1:`BENCH_PORT` (18093) in its own process; checks that the
//! gallery's thumbnails have width, height, alt and `loading="lazy"` and
//! that an approved variant has a long cache, an ETag and a 304; then
//! measures `/static/app.css`, the gallery and a thumbnail in the same run
//! (`wrk` when on the PATH, else this program's client: `BENCH_SECONDS`
//! (10), `BENCH_WARMUP` (2), `BENCH_CONNECTIONS` (16)): requests/s, p50,
//! p99 and the ratio to the static file (targets ≥ 10 % and ≥ 50 %); then
//! sends `BENCH_UPLOADS` (10) 12-megapixel JPEGs at once and reports the
//! server's peak resident memory (`VmHWM`, reset just before), uploads and
//! their variants included (target < 300 MB). Exit code 1 if a target is
//! missed.

mod serve;

use std::{io::Cursor, time::Instant};

use perseverance::files::images;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().nth(1).as_deref() == Some("serve") {
        return serve::run().await;
    }
    pipeline();
    Ok(())
}

/// The pipeline's own figure: one 12-megapixel JPEG through both steps.
fn pipeline() {
    let (width, height) = (4_000u32, 3_000u32);
    let mut seed = 12_345u32;
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let noise = (seed >> 24) as u8 / 8;
        image::Rgb([
            ((x * 255 / width) as u8).saturating_add(noise),
            ((y * 255 / height) as u8).saturating_add(noise),
            128u8.saturating_add(noise),
        ])
    });
    let mut jpeg = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .unwrap();
    let jpeg = jpeg.into_inner();
    println!(
        "input: {width} × {height} JPEG, {:.1} Mo",
        jpeg.len() as f64 / 1_048_576.0
    );
    let mut runs = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let (_, master) = images::clean_master(&jpeg, &images::LIMITS).unwrap();
        let upload = start.elapsed().as_secs_f64();
        let (display, thumb) = images::variants(&master.jpeg).unwrap();
        let total = start.elapsed().as_secs_f64();
        println!(
            "upload step {upload:.3} s, job step {:.3} s, total {total:.3} s (master {}×{}, display {}×{}, thumbnail {}×{})",
            total - upload,
            master.width,
            master.height,
            display.width,
            display.height,
            thumb.width,
            thumb.height
        );
        runs.push(total);
    }
    runs.sort_by(f64::total_cmp);
    println!("median: {:.3} s (target < 1.5 s)", runs[2]);
}
