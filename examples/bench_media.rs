//! Benchmark of the media pipeline (issue 9): a 12-megapixel JPEG (4,000 ×
//! 3,000, a camera-like gradient with noise) through the upload step
//! (`images::clean_master`: checks, decode, orientation, clean master) and
//! the job's step (`images::variants`: display size and thumbnail), on one
//! core (the image crate is built without threads here). Prints the median
//! of five runs in seconds; the target is under 1.5 s.
//!
//! `cargo run --release --example bench_media`

use std::{io::Cursor, time::Instant};

use perseverance::files::images;

fn main() {
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
