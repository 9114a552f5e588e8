//! The demo's communication kit drawn by our own code (issue 10): an A4
//! poster, an invitation card and the week's logo, as PNG images made with
//! the `image` crate, in the DSFR's blue and red. The letters come from a
//! small 5×7 bitmap font below (capitals, digits, a few signs; accents are
//! dropped, as on a capitalised poster), so nothing third-party is copied.

use image::{ImageFormat, Rgb, RgbImage};

const BLUE: Rgb<u8> = Rgb([0, 0, 145]);
const RED: Rgb<u8> = Rgb([225, 0, 15]);
const WHITE: Rgb<u8> = Rgb([255, 255, 255]);
const LIGHT: Rgb<u8> = Rgb([236, 236, 254]);
const INK: Rgb<u8> = Rgb([22, 22, 22]);

/// One glyph: 7 rows of 5 columns, `#` inked.
fn glyph(c: char) -> [&'static str; 7] {
    match c {
        'A' => [
            " ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #",
        ],
        'B' => [
            "#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### ",
        ],
        'C' => [
            " ####", "#    ", "#    ", "#    ", "#    ", "#    ", " ####",
        ],
        'D' => [
            "#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### ",
        ],
        'E' => [
            "#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####",
        ],
        'F' => [
            "#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    ",
        ],
        'G' => [
            " ####", "#    ", "#    ", "#  ##", "#   #", "#   #", " ### ",
        ],
        'H' => [
            "#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #",
        ],
        'I' => [
            "#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "#####",
        ],
        'J' => [
            "  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  ",
        ],
        'K' => [
            "#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #",
        ],
        'L' => [
            "#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####",
        ],
        'M' => [
            "#   #", "## ##", "# # #", "#   #", "#   #", "#   #", "#   #",
        ],
        'N' => [
            "#   #", "##  #", "# # #", "#  ##", "#   #", "#   #", "#   #",
        ],
        'O' => [
            " ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### ",
        ],
        'P' => [
            "#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    ",
        ],
        'Q' => [
            " ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #",
        ],
        'R' => [
            "#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #",
        ],
        'S' => [
            " ####", "#    ", "#    ", " ### ", "    #", "    #", "#### ",
        ],
        'T' => [
            "#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ",
        ],
        'U' => [
            "#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### ",
        ],
        'V' => [
            "#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  ",
        ],
        'W' => [
            "#   #", "#   #", "#   #", "# # #", "# # #", "## ##", "#   #",
        ],
        'X' => [
            "#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #",
        ],
        'Y' => [
            "#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  ",
        ],
        'Z' => [
            "#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####",
        ],
        '0' => [
            " ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### ",
        ],
        '1' => [
            "  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### ",
        ],
        '2' => [
            " ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####",
        ],
        '3' => [
            "#### ", "    #", "    #", " ### ", "    #", "    #", "#### ",
        ],
        '4' => [
            "   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # ",
        ],
        '5' => [
            "#####", "#    ", "#### ", "    #", "    #", "#   #", " ### ",
        ],
        '6' => [
            " ### ", "#    ", "#    ", "#### ", "#   #", "#   #", " ### ",
        ],
        '7' => [
            "#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   ",
        ],
        '8' => [
            " ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### ",
        ],
        '9' => [
            " ### ", "#   #", "#   #", " ####", "    #", "    #", " ### ",
        ],
        '#' => [
            " # # ", " # # ", "#####", " # # ", "#####", " # # ", " # # ",
        ],
        ',' => [
            "     ", "     ", "     ", "     ", " ##  ", "  #  ", " #   ",
        ],
        '-' => [
            "     ", "     ", "     ", "#####", "     ", "     ", "     ",
        ],
        '.' => [
            "     ", "     ", "     ", "     ", "     ", " ##  ", " ##  ",
        ],
        ':' => [
            "     ", " ##  ", " ##  ", "     ", " ##  ", " ##  ", "     ",
        ],
        '\'' => [
            "  #  ", "  #  ", " #   ", "     ", "     ", "     ", "     ",
        ],
        _ => [
            "     ", "     ", "     ", "     ", "     ", "     ", "     ",
        ],
    }
}

/// Capitals without accents, as the font has them.
fn plain(text: &str) -> String {
    crate::text::fold(text).to_uppercase()
}

/// Width in pixels of `text` at `scale` (6 columns a letter, the last without its gap).
fn width(text: &str, scale: u32) -> u32 {
    (plain(text).chars().count() as u32 * 6).saturating_sub(1) * scale
}

fn rect(img: &mut RgbImage, x: u32, y: u32, w: u32, h: u32, color: Rgb<u8>) {
    for yy in y..(y + h).min(img.height()) {
        for xx in x..(x + w).min(img.width()) {
            img.put_pixel(xx, yy, color);
        }
    }
}

fn disc(img: &mut RgbImage, cx: i64, cy: i64, r: i64, color: Rgb<u8>) {
    for y in (cy - r).max(0)..(cy + r).min(img.height() as i64) {
        for x in (cx - r).max(0)..(cx + r).min(img.width() as i64) {
            if (x - cx).pow(2) + (y - cy).pow(2) <= r * r {
                img.put_pixel(x as u32, y as u32, color);
            }
        }
    }
}

fn write(img: &mut RgbImage, text: &str, x: u32, y: u32, scale: u32, color: Rgb<u8>) {
    for (i, c) in plain(text).chars().enumerate() {
        for (row, line) in glyph(c).iter().enumerate() {
            for (col, cell) in line.chars().enumerate() {
                if cell == '#' {
                    let px = x + (i as u32 * 6 + col as u32) * scale;
                    rect(img, px, y + row as u32 * scale, scale, scale, color);
                }
            }
        }
    }
}

/// `text` centred on the image's width.
fn centred(img: &mut RgbImage, text: &str, y: u32, scale: u32, color: Rgb<u8>) {
    let x = img.width().saturating_sub(width(text, scale)) / 2;
    write(img, text, x, y, scale, color);
}

fn png(img: &RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png)
        .expect("a PNG encodes in memory");
    out.into_inner()
}

/// The week's poster, A4 portrait (620 × 877 px): the edition's number and
/// year, the theme on up to three lines, the dates, the hashtag.
pub fn poster(number: i64, year: i64, theme: &str, dates: &str) -> Vec<u8> {
    let mut img = RgbImage::from_pixel(620, 877, LIGHT);
    rect(&mut img, 0, 0, 620, 250, BLUE);
    rect(&mut img, 0, 250, 620, 12, RED);
    centred(&mut img, &format!("{number}E SEMAINE DE LA"), 50, 5, WHITE);
    centred(&mut img, "PERSEVERANCE", 110, 8, WHITE);
    centred(&mut img, "SCOLAIRE", 185, 5, WHITE);
    // The steps of a staircase, each a little higher: one more day at school.
    for step in 0..5u32 {
        let h = 50 + step * 38;
        rect(
            &mut img,
            70 + step * 96,
            640 - h,
            86,
            h,
            if step == 4 { RED } else { BLUE },
        );
    }
    // Someone at the top of the last step.
    disc(&mut img, 70 + 4 * 96 + 43, 640 - 202 - 34, 24, RED);
    let mut lines: Vec<String> = Vec::new();
    for word in plain(theme).split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= 20 => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    for (i, line) in lines.iter().take(3).enumerate() {
        centred(&mut img, line, 290 + i as u32 * 40, 4, INK);
    }
    rect(&mut img, 40, 660, 540, 4, BLUE);
    centred(&mut img, dates, 690, 4, BLUE);
    centred(&mut img, &format!("EDITION {year}"), 740, 3, INK);
    centred(&mut img, "#PERSEVERANCESCOLAIRE", 800, 3, RED);
    png(&img)
}

/// The invitation card for parents and partners (800 × 450 px).
pub fn invitation(year: i64, dates: &str) -> Vec<u8> {
    let mut img = RgbImage::from_pixel(800, 450, WHITE);
    rect(&mut img, 0, 0, 24, 450, BLUE);
    rect(&mut img, 24, 0, 8, 450, RED);
    centred(&mut img, "INVITATION", 50, 7, BLUE);
    centred(&mut img, "VENEZ DECOUVRIR CE QUE", 140, 3, INK);
    centred(&mut img, "NOS ELEVES ONT REALISE", 175, 3, INK);
    centred(
        &mut img,
        &format!("SEMAINE DE LA PERSEVERANCE {year}"),
        240,
        3,
        BLUE,
    );
    centred(&mut img, dates, 290, 4, RED);
    rect(&mut img, 120, 350, 560, 3, BLUE);
    centred(&mut img, "EXPOSITION - TEMOIGNAGES - FORUM", 375, 2, INK);
    png(&img)
}

/// The week's logo (400 × 400 px): a staircase in a circle.
pub fn logo() -> Vec<u8> {
    let mut img = RgbImage::from_pixel(400, 400, WHITE);
    disc(&mut img, 200, 200, 190, BLUE);
    disc(&mut img, 200, 200, 170, WHITE);
    for step in 0..4u32 {
        let h = 40 + step * 30;
        rect(
            &mut img,
            95 + step * 55,
            250 - h,
            48,
            h,
            if step == 3 { RED } else { BLUE },
        );
    }
    centred(&mut img, "PERSEVERANCE", 275, 4, BLUE);
    centred(&mut img, "SCOLAIRE", 315, 3, RED);
    png(&img)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_images_are_pngs_the_sniffer_accepts() {
        for (name, bytes) in [
            (
                "affiche.png",
                poster(12, 2027, "Oser, tenir, réussir ensemble", "DU 5 AU 9 AVRIL"),
            ),
            ("invitation.png", invitation(2027, "DU 5 AU 9 AVRIL")),
            ("logo.png", logo()),
        ] {
            assert!(bytes.starts_with(b"\x89PNG"), "{name}");
            assert!(
                crate::files::FileKind::sniff(name, &bytes).is_ok(),
                "{name}"
            );
            let img = image::load_from_memory(&bytes).unwrap();
            assert!(img.width() >= 400);
        }
    }

    #[test]
    fn every_letter_of_the_posters_has_a_glyph() {
        for c in plain("Semaine de la persévérance scolaire #PerseveranceScolaire 0123456789 -.:,")
            .chars()
        {
            assert!(
                c == ' ' || glyph(c).iter().any(|row| row.contains('#')),
                "{c}"
            );
        }
    }
}
