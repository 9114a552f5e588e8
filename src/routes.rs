//! The application's routes: every feature's router, merged, inside the
//! web layer's middleware. The only place that knows every feature.

use axum::Router;

use crate::web::{self, AppState};

/// The whole application, ready to serve.
pub fn app(state: AppState) -> Router {
    let routes = Router::new()
        .merge(crate::home::router())
        .merge(crate::auth::router())
        .merge(crate::map::router())
        .merge(crate::access::router())
        .merge(crate::editions::router())
        .merge(crate::actions::router())
        .merge(crate::review::router())
        .merge(crate::bilans::router())
        .merge(crate::dashboards::router())
        .merge(crate::meetings::router())
        .merge(crate::public::router(state.clone()))
        .merge(crate::api::router())
        .merge(crate::resources::router())
        .merge(crate::checklist::router())
        .merge(crate::media::router())
        .merge(crate::totem::router())
        .merge(crate::contest::router())
        .merge(crate::videos::router())
        .merge(crate::programmes::router())
        .merge(crate::exports::router())
        .merge(web::kept::router())
        .merge(web::assets::router(&state.config));
    web::layers(routes, state)
}
