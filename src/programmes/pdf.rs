//! A programme version as a PDF (A4), written with `pdf-writer` (the
//! low-level writer of the typst project: no font, layout or image
//! machinery, four small dependencies).
//!
//! Text uses the PDF standard fonts Helvetica and Helvetica-Bold with
//! `WinAnsiEncoding`: every reader has them, nothing is embedded (the PDF of
//! a programme weighs a few kilobytes), French accents, « », ’, – and œ are
//! all in the encoding, and the text is extractable. Characters outside it
//! are written as `?`. Lines are wrapped with Helvetica's own advance
//! widths (AFM), so nothing overflows the page.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::domain::programme::{self, Content as Programme};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 50.0;

/// Helvetica's advance widths (thousandths of the font size) for ASCII 32 to 126.
const WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// The WinAnsi (Windows-1252) byte of a character, if it has one.
fn win_ansi(c: char) -> Option<u8> {
    let code = c as u32;
    match code {
        0x20..=0x7e | 0xa0..=0xff => Some(code as u8),
        _ => Some(match c {
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            'Œ' => 0x8c,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            'œ' => 0x9c,
            'Ÿ' => 0x9f,
            '\u{202f}' | '\u{2009}' => 0xa0,
            _ => return None,
        }),
    }
}

/// The text in WinAnsi bytes (`?` for what the encoding lacks).
fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .filter(|c| !c.is_control())
        .map(|c| win_ansi(c).unwrap_or(b'?'))
        .collect()
}

/// The width of one character, in thousandths of the font size: an
/// accented letter is as wide as its letter.
fn width(c: char, bold: bool) -> f32 {
    let base = match c {
        'à' | 'â' | 'ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' => 'i',
        'ô' | 'ö' => 'o',
        'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'À' | 'Â' => 'A',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'Î' | 'Ï' => 'I',
        'Ô' => 'O',
        'Ù' | 'Û' | 'Ü' => 'U',
        'Ç' => 'C',
        '’' | '‘' => '\'',
        '«' | '»' => 'n',
        '–' => 'n',
        'œ' | 'Œ' | '—' | '…' => 'W',
        other => other,
    };
    let w = match base as u32 {
        32..=126 => WIDTHS[base as usize - 32] as f32,
        _ => 556.0,
    };
    if bold { w * 1.08 } else { w }
}

/// Splits `text` into lines no wider than `max` points at `size`.
fn wrap(text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut line_w = 0.0;
        for word in paragraph.split_whitespace() {
            let word_w: f32 = word.chars().map(|c| width(c, bold)).sum::<f32>() * size / 1000.0;
            let space = width(' ', bold) * size / 1000.0;
            if !line.is_empty() && line_w + space + word_w > max {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            if !line.is_empty() {
                line.push(' ');
                line_w += space;
            }
            line.push_str(word);
            line_w += word_w;
        }
        lines.push(line);
    }
    lines
}

/// Lays out text lines page by page.
struct Writer {
    pages: Vec<Content>,
    y: f32,
}

impl Writer {
    fn new() -> Writer {
        let mut w = Writer {
            pages: Vec::new(),
            y: 0.0,
        };
        w.new_page();
        w
    }

    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = PAGE_H - MARGIN;
    }

    /// Writes a wrapped paragraph, then `after` points of space.
    fn paragraph(&mut self, text: &str, size: f32, bold: bool, indent: f32, after: f32) {
        let leading = size * 1.3;
        for line in wrap(text, size, bold, PAGE_W - 2.0 * MARGIN - indent) {
            if self.y - leading < MARGIN {
                self.new_page();
            }
            self.y -= leading;
            let page = self.pages.last_mut().expect("a page");
            page.begin_text();
            page.set_font(Name(if bold { b"F2" } else { b"F1" }), size);
            page.next_line(MARGIN + indent, self.y);
            page.show(Str(&encode(&line)));
            page.end_text();
        }
        self.y -= after;
    }

    /// Starts a new page if fewer than `points` remain (keeps a heading
    /// with its first lines).
    fn keep(&mut self, points: f32) {
        if self.y - points < MARGIN {
            self.new_page();
        }
    }
}

/// The PDF of a programme version: title, edition, version line,
/// introduction, then each section and its entries.
pub fn render(content: &Programme, version: &str, link: &str) -> Vec<u8> {
    let mut w = Writer::new();
    w.paragraph(
        &crate::text::programme_title(&content.district),
        18.0,
        true,
        0.0,
        4.0,
    );
    w.paragraph(&content.edition, 12.0, false, 0.0, 2.0);
    w.paragraph(version, 9.0, false, 0.0, 2.0);
    if !link.is_empty() {
        w.paragraph(&format!("En ligne : {link}"), 9.0, false, 0.0, 10.0);
    }
    if !content.introduction.trim().is_empty() {
        w.paragraph(content.introduction.trim(), 10.5, false, 0.0, 10.0);
    }
    for section in programme::sections(content) {
        w.keep(70.0);
        w.paragraph(&section.heading, 13.0, true, 0.0, 6.0);
        for entry in &section.entries {
            w.keep(40.0);
            let title = if entry.is_event() {
                format!("Événement du district : {}", entry.title())
            } else {
                entry.title().to_string()
            };
            w.paragraph(&title, 11.0, true, 8.0, 1.0);
            let mut when = entry.when();
            let place = entry.place();
            if !place.is_empty() {
                when = format!("{when} — {place}");
            }
            w.paragraph(&when, 9.5, false, 8.0, 1.0);
            if !entry.text().trim().is_empty() {
                w.paragraph(entry.text().trim(), 9.5, false, 8.0, 0.0);
            }
            w.y -= 8.0;
        }
        w.y -= 6.0;
    }

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first_page = 10;
    let count = w.pages.len() as i32;
    let page_ids: Vec<Ref> = (0..count).map(|i| Ref::new(first_page + 2 * i)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(count);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let title = format!(
        "{} — {}",
        crate::text::programme_title(&content.district),
        content.edition
    );
    pdf.document_info(info)
        .title(TextStr(&title))
        .producer(TextStr("Persévérance"));
    for (i, mut page_content) in w.pages.into_iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(first_page + 2 * i as i32 + 1);
        // Page number, bottom right.
        let number = format!("{} / {}", i + 1, count);
        page_content.begin_text();
        page_content.set_font(Name(b"F1"), 8.0);
        page_content.next_line(PAGE_W - MARGIN - 30.0, MARGIN / 2.0);
        page_content.show(Str(&encode(&number)));
        page_content.end_text();
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(content_id);
        page.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        page.finish();
        let data = page_content.finish();
        pdf.stream(content_id, &data);
    }
    pdf.finish()
}

/// The text shown by a PDF written by [`render`] (its `(…) Tj` and `<…> Tj` strings,
/// escapes undone, WinAnsi read as Latin-1 plus the few extra characters),
/// one string per line. For tests and checks: not a general PDF reader.
pub fn text_of(pdf: &[u8]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < pdf.len() {
        if pdf[i] == b'(' {
            let mut bytes = Vec::new();
            i += 1;
            while i < pdf.len() && pdf[i] != b')' {
                if pdf[i] == b'\\' && i + 1 < pdf.len() {
                    i += 1;
                    if pdf[i].is_ascii_digit() {
                        let end = (i + 3).min(pdf.len());
                        let digits = std::str::from_utf8(&pdf[i..end]).unwrap_or("0");
                        bytes.push(u8::from_str_radix(digits, 8).unwrap_or(b'?'));
                        i = end;
                        continue;
                    }
                    bytes.push(match pdf[i] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        other => other,
                    });
                } else {
                    bytes.push(pdf[i]);
                }
                i += 1;
            }
            if pdf[i.min(pdf.len() - 1)..].starts_with(b") Tj") {
                out.extend(bytes.iter().map(|&b| decode(b)));
                out.push('\n');
            }
        } else if pdf[i] == b'<' && pdf.get(i + 1) != Some(&b'<') && (i == 0 || pdf[i - 1] != b'<')
        {
            // A hex string (what pdf-writer writes for non-ASCII bytes).
            let start = i + 1;
            let Some(len) = pdf[start..].iter().position(|&b| b == b'>') else {
                break;
            };
            let hex = &pdf[start..start + len];
            i = start + len;
            if pdf[i..].starts_with(b"> Tj") && hex.iter().all(u8::is_ascii_hexdigit) {
                let digits = std::str::from_utf8(hex).unwrap_or("");
                for pair in digits.as_bytes().chunks(2) {
                    let pair = std::str::from_utf8(pair).unwrap_or("3f");
                    out.push(decode(u8::from_str_radix(pair, 16).unwrap_or(b'?')));
                }
                out.push('\n');
            }
        }
        i += 1;
    }
    out
}

fn decode(byte: u8) -> char {
    match byte {
        0x92 => '’',
        0x96 => '–',
        0x97 => '—',
        0x9c => 'œ',
        0x8c => 'Œ',
        0x85 => '…',
        0x80 => '€',
        other => other as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::programme::{Grouping, Item};

    #[test]
    fn accents_are_win_ansi_and_lines_fit() {
        assert_eq!(
            encode("élève « œuvre » – ’"),
            b"\xe9l\xe8ve \xab \x9cuvre \xbb \x96 \x92"
        );
        let lines = wrap(&"persévérance ".repeat(40), 10.0, false, 200.0);
        assert!(lines.len() > 5);
        for l in &lines {
            let w: f32 = l.chars().map(|c| width(c, false)).sum::<f32>() / 100.0;
            assert!(w <= 200.0, "{l}");
        }
    }

    #[test]
    fn a_pdf_holds_its_titles_in_clear() {
        let content = Programme {
            district: "Bobigny".into(),
            edition: "9e semaine".into(),
            introduction: String::new(),
            grouping: Grouping::Day,
            items: vec![Item {
                action_id: 1,
                title: "Forum des métiers".into(),
                summary: "Rencontres".into(),
                school: "Collège Éluard".into(),
                date: None,
                start_time: String::new(),
                end_time: String::new(),
                place: String::new(),
            }],
            events: Vec::new(),
        };
        let bytes = render(&content, "Version 1", "");
        assert!(bytes.starts_with(b"%PDF-"));
        let text = text_of(&bytes);
        assert!(text.contains("Forum des métiers"), "{text}");
        assert!(text.contains("Collège Éluard"), "{text}");
    }
}
