//! Uploaded files. `images.rs`: the pipeline of uploaded photos (a pure
//! function over bytes: limits before decoding, type by content, upright,
//! re-encoded without metadata, a display size and a thumbnail).

pub mod images;
