//! A render cache of public pages, in each instance's memory, made stale by
//! a generation number kept in the database (`publication_generation`):
//! every change the public side shows bumps it in its own transaction, and
//! an entry rendered at another generation is never served. So several
//! instances stay right without talking to each other: each reads the
//! current generation (one single-row query) before serving from its cache.

use std::{collections::HashMap, sync::Mutex};

use axum::body::Bytes;

/// Most pages kept; beyond, the cache starts over (pages are cheap to
/// render again, and a bounded cache cannot grow with crawlers' queries).
pub const MAX_ENTRIES: usize = 4_096;
/// Largest page kept, in bytes.
pub const MAX_BYTES: usize = 512 * 1024;

/// A rendered page: its generation, content type and body.
#[derive(Clone, Debug)]
pub struct Entry {
    pub generation: i64,
    pub content_type: String,
    pub body: Bytes,
}

/// The cache, shared by the instance's handlers (`AppState::render_cache`).
#[derive(Debug, Default)]
pub struct RenderCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl RenderCache {
    /// The page under `key` if it was rendered at `generation`.
    pub fn get(&self, key: &str, generation: i64) -> Option<Entry> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|e| e.generation == generation)
            .cloned()
    }

    /// Keeps a page (unless too large); forgets everything when full.
    pub fn put(&self, key: String, entry: Entry) {
        if entry.body.len() > MAX_BYTES {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, entry);
    }
}
