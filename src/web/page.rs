//! What every page shares: the layout context, form errors, and rendering.

use askama::Template;
use axum::{
    extract::FromRequestParts,
    http::request::Parts,
    response::{Html, IntoResponse, Response},
};

use super::{AppError, AppResult, AppState, csrf::CsrfToken, session::MaybeUser};

/// One step of the breadcrumb; the last one has no link.
#[derive(Clone, Debug)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

/// The layout's context: every page template has a `ctx: PageCtx` field.
#[derive(Clone, Debug)]
pub struct PageCtx {
    /// The `<title>` and, usually, the `h1`.
    pub title: String,
    /// The signed-in person's address, shown in the header.
    pub user_email: Option<String>,
    /// The anti-forgery token every form repeats.
    pub csrf: String,
    /// Whether to show the State brand block (Marianne).
    pub brand: bool,
    /// The académie the page is about, shown under the service name.
    pub academy_name: Option<String>,
    /// Demo mode banner.
    pub demo: bool,
    /// The breadcrumb, after « Accueil ».
    pub crumbs: Vec<Crumb>,
    /// The request path, to mark the current menu entry.
    pub path: String,
    /// What the last form did, when a redirect says so (`?avis=…`).
    pub notice: Option<super::notice::Shown>,
}

impl PageCtx {
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Adds a linked step to the breadcrumb.
    pub fn crumb(mut self, label: impl Into<String>, href: impl Into<String>) -> Self {
        self.crumbs.push(Crumb {
            label: label.into(),
            href: Some(href.into()),
        });
        self
    }

    /// Ends the breadcrumb with the current page (the title).
    pub fn here(mut self) -> Self {
        self.crumbs.push(Crumb {
            label: self.title.clone(),
            href: None,
        });
        self
    }

    pub fn academy(mut self, name: impl Into<String>) -> Self {
        self.academy_name = Some(name.into());
        self
    }

    /// A fresh token for the hidden `once` field of a creating or
    /// state-changing form (see [`super::once`]); each call gives a new one.
    pub fn form_token(&self) -> String {
        super::once::fresh()
    }

    pub fn signed_in(&self) -> bool {
        self.user_email.is_some()
    }

    pub fn is_current(&self, prefix: &str) -> bool {
        if prefix == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(prefix)
        }
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Built at most once per request, and only for a page.
        if let Some(ctx) = parts.extensions.get::<PageCtx>() {
            return Ok(ctx.clone());
        }
        let MaybeUser(user) = MaybeUser::from_request_parts(parts, state).await?;
        let csrf = CsrfToken::from_request_parts(parts, state).await?;
        // The académie's name comes with the grants: no query of its own.
        let academy_name = match user.as_ref().map(|u| u.academies.as_slice()) {
            Some([only]) => Some(only.name.clone()),
            _ => None,
        };
        let ctx = PageCtx {
            title: String::new(),
            user_email: user.map(|u| u.email),
            csrf: csrf.0,
            brand: state.config.state_brand,
            academy_name,
            demo: state.config.demo,
            crumbs: Vec::new(),
            path: parts.uri.path().to_string(),
            notice: super::notice::from_query(parts.uri.query()),
        };
        parts.extensions.insert(ctx.clone());
        Ok(ctx)
    }
}

/// The errors of a submitted form, by field, in the order found.
#[derive(Clone, Debug, Default)]
pub struct FormErrors(Vec<(String, String)>);

impl FormErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_string(), message.into()));
    }

    /// The first message for the field, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn list(&self) -> &[(String, String)] {
        &self.0
    }
}

/// Renders a page template into a response.
pub fn render(page: impl Template) -> AppResult<Response> {
    Ok(Html(page.render()?).into_response())
}

/// Renders a page template with a status (a form sent back with errors: 422).
pub fn render_with(status: axum::http::StatusCode, page: impl Template) -> AppResult<Response> {
    Ok((status, Html(page.render()?)).into_response())
}
