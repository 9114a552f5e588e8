//! The one error type of the web layer, and how each error answers.
//!
//! Policy: a user sees a French message that helps them (what is wrong, what
//! to do); they never see internals. Every 500 is logged once, with its cause
//! chain, here and nowhere else. The response carries an [`ErrorPage`]
//! extension; the `finish` middleware turns it into a full HTML page with
//! the person's header and menu.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The page or object does not exist, or lies outside the person's scope.
    #[error("page introuvable")]
    NotFound,
    /// Not signed in: the middleware sends the person to the login page.
    #[error("connexion requise")]
    Unauthenticated,
    /// Signed in, but this action is not theirs to do; the text says why.
    #[error("{0}")]
    Forbidden(String),
    /// The form's anti-forgery token is missing or stale.
    #[error("jeton de formulaire invalide")]
    Csrf,
    /// A request that no form of ours would send.
    #[error("{0}")]
    BadRequest(String),
    /// A body over the route's size limit (an upload); the text names the limit.
    #[error("{0}")]
    TooLarge(String),
    /// Someone else changed the object first.
    #[error("{0}")]
    Conflict(String),
    /// The object existed and was removed for good (410); the text says what
    /// and when.
    #[error("{0}")]
    Gone(String),
    /// Too many costly requests in a short time (see `web::limits`).
    #[error("trop de demandes")]
    TooManyRequests { retry_after_secs: i64 },
    /// Anything unexpected: logged, shown as a plain 500 page.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<crate::db::DbError> for AppError {
    fn from(err: crate::db::DbError) -> Self {
        AppError::Internal(err.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        AppError::Internal(err.into())
    }
}

/// What the error page shows; read by the `finish` middleware.
#[derive(Clone, Debug)]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
    /// The refusal was about the form's anti-forgery token (the form's
    /// content can then be kept and offered back).
    pub stale_form: bool,
}

impl ErrorPage {
    /// The page of an error status that came without one (a refusal from
    /// the framework rather than from a handler).
    pub fn for_status(status: StatusCode) -> ErrorPage {
        let (title, message) = match status {
            StatusCode::NOT_FOUND => return AppError::NotFound.page(),
            StatusCode::METHOD_NOT_ALLOWED => (
                "Adresse à ouvrir autrement",
                "Cette adresse ne s'ouvre pas de cette façon : revenez à la page précédente et \
                 utilisez ses liens et ses boutons.",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => (
                "Envoi trop volumineux",
                "Ce que vous avez envoyé dépasse la taille permise. Revenez en arrière, \
                 raccourcissez votre texte et recommencez.",
            ),
            s if s.is_client_error() => (
                "Requête incorrecte",
                "La requête envoyée n'a pas pu être lue. Revenez à la page précédente et recommencez.",
            ),
            _ => return AppError::Internal(anyhow::anyhow!("{status}")).page(),
        };
        ErrorPage {
            title,
            message: message.into(),
            stale_form: false,
        }
    }
}

impl AppError {
    pub fn forbidden(reason: impl Into<String>) -> Self {
        AppError::Forbidden(reason.into())
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn page(&self) -> ErrorPage {
        let (title, message) = match self {
            AppError::NotFound => (
                "Page introuvable",
                "La page que vous cherchez n'existe pas, a été déplacée, ou ne vous est pas accessible.".into(),
            ),
            AppError::Unauthenticated => ("Connexion requise", "Connectez-vous pour accéder à cette page.".into()),
            AppError::Forbidden(reason) => ("Action non autorisée", reason.clone()),
            AppError::Csrf => (
                "Formulaire expiré",
                "Ce formulaire a expiré (la page venait d'une session précédente) ou n'a pas été envoyé depuis ce site : rien n'a été enregistré.".into(),
            ),
            AppError::BadRequest(reason) => ("Requête incorrecte", reason.clone()),
            AppError::Conflict(reason) => ("Modification concurrente", reason.clone()),
            AppError::Gone(reason) => ("Contenu retiré", reason.clone()),
            AppError::TooLarge(reason) => ("Envoi trop volumineux", reason.clone()),
            AppError::TooManyRequests { retry_after_secs } => (
                "Trop de demandes",
                format!(
                    "Vous avez fait beaucoup de demandes de ce type en peu de temps. Réessayez dans {} minutes au plus.",
                    (retry_after_secs + 59) / 60
                ),
            ),
            AppError::Internal(_) => (
                "Erreur inattendue",
                "Désolés, le service a rencontré un problème. Réessayez dans quelques instants ; si le problème persiste, contactez l'équipe de la plateforme.".into(),
            ),
        };
        ErrorPage {
            title,
            message,
            stale_form: matches!(self, AppError::Csrf),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(err) = &self {
            tracing::error!(error = %format!("{err:#}"), "internal error");
        }
        let mut response = self.status().into_response();
        if let AppError::TooManyRequests { retry_after_secs } = &self {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(*retry_after_secs),
            );
        }
        response.extensions_mut().insert(self.page());
        response
    }
}

/// The result type of handlers.
pub type AppResult<T> = Result<T, AppError>;
