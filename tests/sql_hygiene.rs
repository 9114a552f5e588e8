//! SQL is never assembled with `format!`: dynamic queries go through
//! `sqlx::QueryBuilder` (`db::builder`) with bound values, fixed ones are
//! string literals or `concat!`. This test reads the sources and fails on any
//! `format!` whose text looks like SQL, outside the engine dialect (which
//! splices our own column names, never input).

use std::path::Path;

const SQL_WORDS: [&str; 8] = [
    "SELECT ", "INSERT ", "UPDATE ", "DELETE ", " WHERE ", " FROM ", " JOIN ", "ORDER BY",
];
const ALLOWED: [&str; 1] = ["src/db/dialect.rs"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text of each `format!(…)` call's first argument, with its line.
fn format_calls(source: &str) -> Vec<(usize, String)> {
    let mut calls = Vec::new();
    let mut rest = source;
    let mut offset = 0;
    while let Some(at) = rest.find("format!(") {
        let start = at + "format!(".len();
        let tail = &rest[start..];
        // Up to the closing parenthesis of the call, or 400 characters.
        let mut depth = 1;
        let mut end = tail.len().min(400);
        for (i, c) in tail.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let line = source[..offset + at].lines().count().max(1);
        calls.push((line, tail[..end.min(tail.len())].to_string()));
        offset += start;
        rest = &rest[start..];
    }
    calls
}

#[test]
fn sql_is_never_assembled_with_format() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut offenders = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if ALLOWED.contains(&relative.as_str()) {
            continue;
        }
        let source = std::fs::read_to_string(&file).unwrap();
        for (line, call) in format_calls(&source) {
            if SQL_WORDS.iter().any(|w| call.contains(w)) {
                offenders.push(format!("{relative}:{line}: format!({call})"));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "SQL built with format! (use QueryBuilder and push_bind, or concat!):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_check_finds_what_it_looks_for() {
    let calls = format_calls("let q = format!(\"SELECT * FROM t WHERE a = '{x}'\");");
    assert_eq!(calls.len(), 1);
    assert!(SQL_WORDS.iter().any(|w| calls[0].1.contains(w)));
}
