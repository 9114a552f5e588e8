//! Persévérance: the School Perseverance Week of an académie, end to end.
//!
//! See `ARCHITECTURE.md` for the map of this crate.
#![forbid(unsafe_code)]

pub mod access;
pub mod actions;
pub mod api;
pub mod auth;
pub mod bilans;
pub mod checklist;
pub mod cli;
pub mod config;
pub mod contest;
pub mod dashboards;
pub mod db;
pub mod demo;
pub mod domain;
pub mod editions;
pub mod exports;
pub mod files;
pub mod home;
pub mod jobs;
pub mod map;
pub mod media;
pub mod meetings;
pub mod openid;
pub mod programmes;
pub mod public;
pub mod resources;
pub mod review;
pub mod routes;
pub mod search;
pub mod server;
pub mod text;
pub mod totem;
pub mod videos;
pub mod web;
