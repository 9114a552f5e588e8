//! Rate limits on the requests that send mail or do heavy work.
//!
//! Counters live in the database (`rate_limits`), so that every instance of
//! the service counts the same hits. A limit allows at most `max` hits per
//! `window_secs` for one key (an address, a client, a person), over a
//! sliding window: hits are counted in slots of a tenth of the window, and a
//! request is over the limit when the slots of the last window hold more
//! than `max` hits, its own included (refused requests count too, so a
//! flood stays refused while it lasts). Each hit is one upsert (atomic on
//! both engines) and one sum: two instances counting at once may both
//! refuse, never both let through more than the limit. Keys are stored as
//! SHA-256 hashes, never in clear.
//!
//! Sign-in links are limited per address and per client inside their
//! handler, which answers the same page whatever happens (it reveals
//! nothing). The other costly routes are listed in [`ROUTES`] and limited by
//! the [`routes`] middleware, per person (or per client before sign-in),
//! with a French 429 page.

use axum::{
    extract::{FromRequestParts, MatchedPath, Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};

use super::{AppError, AppState, client::Client, security, session::MaybeUser, tokens};
use crate::{db::Conn, db::DbResult, on_conn};

/// At most `max` hits per `window_secs` for one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Names the counter (and the limit, in the security log).
    pub name: &'static str,
    pub max: i64,
    pub window_secs: i64,
}

impl Limit {
    /// « 3 par 15 minutes ».
    pub fn describe(&self) -> String {
        let minutes = self.window_secs / 60;
        let per = match minutes {
            1440 => "jour".to_string(),
            60 => "heure".to_string(),
            m if m % 60 == 0 => format!("{} heures", m / 60),
            m => format!("{m} minutes"),
        };
        format!("{} par {per}", self.max)
    }
}

/// Sign-in links for one address: 3 per 15 minutes, 10 per day.
pub const LINK_PER_ADDRESS: [Limit; 2] = [
    Limit {
        name: "login-link/address/15min",
        max: 3,
        window_secs: 15 * 60,
    },
    Limit {
        name: "login-link/address/day",
        max: 10,
        window_secs: 24 * 3600,
    },
];

/// Sign-in links asked from one client (an IPv4 address or an IPv6 /64):
/// 30 per 10 minutes, enough for a staff room behind one address.
pub const LINK_PER_CLIENT: [Limit; 1] = [Limit {
    name: "login-link/client/10min",
    max: 30,
    window_secs: 10 * 60,
}];

/// Who a route's limit counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Per {
    /// The signed-in person (the client before sign-in).
    Person,
    /// The client's address.
    Client,
}

/// A costly route and its limit.
#[derive(Clone, Copy, Debug)]
pub struct RouteLimit {
    pub method: &'static str,
    /// The route as registered (`MatchedPath`).
    pub route: &'static str,
    pub per: Per,
    pub limit: Limit,
}

/// Every route that sends mail or does heavy work, besides sign-in links.
pub const ROUTES: [RouteLimit; 14] = [
    // Decodes and re-encodes a photo of up to 12 Mo (issue 9).
    RouteLimit {
        method: "POST",
        route: "/editions/{id}/totem",
        per: Per::Person,
        limit: Limit {
            name: "totem-upload/person/10min",
            max: 60,
            window_secs: 600,
        },
    },
    // Mails a district programme, with its PDF, to every recipient ticked.
    RouteLimit {
        method: "POST",
        route: "/editions/{id}/districts/{district}/programme/diffuser",
        per: Per::Person,
        limit: Limit {
            name: "programme-diffusion/person/10min",
            max: 10,
            window_secs: 600,
        },
    },
    // Mails a programme again to an address that failed.
    RouteLimit {
        method: "POST",
        route: "/programmes/destinataires/{id}/renvoyer",
        per: Per::Person,
        limit: Limit {
            name: "programme-resend/person/10min",
            max: 60,
            window_secs: 600,
        },
    },
    // Writes the PDF of a published programme (no account needed).
    RouteLimit {
        method: "GET",
        route: "/a/{slug}/editions/{year}/programmes/{district}/programme.pdf",
        per: Per::Client,
        limit: Limit {
            name: "programme-pdf/client/10min",
            max: 120,
            window_secs: 600,
        },
    },
    // Each decision e-mails the action's owner.
    RouteLimit {
        method: "POST",
        route: "/actions/{id}/transition",
        per: Per::Person,
        limit: Limit {
            name: "action-transition/person/10min",
            max: 120,
            window_secs: 600,
        },
    },
    // Validates a whole selection and e-mails each owner.
    RouteLimit {
        method: "POST",
        route: "/editions/{id}/revue/valider",
        per: Per::Person,
        limit: Limit {
            name: "bulk-validation/person/10min",
            max: 20,
            window_secs: 600,
        },
    },
    // Writes every action of the reach into a file.
    RouteLimit {
        method: "POST",
        route: "/editions/{id}/revue/export",
        per: Per::Person,
        limit: Limit {
            name: "export/person/10min",
            max: 30,
            window_secs: 600,
        },
    },
    // Counts every school and action of the reach.
    RouteLimit {
        method: "GET",
        route: "/editions/{id}/tableau-de-bord",
        per: Per::Person,
        limit: Limit {
            name: "dashboard/person/10min",
            max: 120,
            window_secs: 600,
        },
    },
    // Copies an edition with its questions.
    // The indicators count every action of several editions at each request.
    RouteLimit {
        method: "GET",
        route: "/editions/{id}/indicateurs",
        per: Per::Person,
        limit: Limit {
            name: "indicators/person/10min",
            max: 120,
            window_secs: 600,
        },
    },
    // The spreadsheet of the indicators.
    RouteLimit {
        method: "GET",
        route: "/editions/{id}/indicateurs/export",
        per: Per::Person,
        limit: Limit {
            name: "indicators-export/person/10min",
            max: 30,
            window_secs: 600,
        },
    },
    // Every académie's edition of one year.
    RouteLimit {
        method: "GET",
        route: "/indicateurs/national",
        per: Per::Person,
        limit: Limit {
            name: "national/person/10min",
            max: 60,
            window_secs: 600,
        },
    },
    RouteLimit {
        method: "POST",
        route: "/editions/{id}/cloner",
        per: Per::Person,
        limit: Limit {
            name: "edition-clone/person/10min",
            max: 10,
            window_secs: 600,
        },
    },
    // Starts a sign-in through the OpenID provider: a row and a redirect each.
    RouteLimit {
        method: "POST",
        route: "/connexion/oidc",
        per: Per::Client,
        limit: Limit {
            name: "oidc-sign-in/client/10min",
            max: 30,
            window_secs: 600,
        },
    },
    // Searches the académie's schools by name, commune or UAI.
    RouteLimit {
        method: "GET",
        route: "/a/{slug}/etablissements",
        per: Per::Client,
        limit: Limit {
            name: "school-search/client/10min",
            max: 600,
            window_secs: 600,
        },
    },
];

/// Counts one hit for `key` against each limit; returns the first limit
/// the key is now over, if any. `factor` multiplies every limit
/// (`PERSEVERANCE_RATE_LIMIT_FACTOR`, 1 unless load testing).
pub async fn hit(
    conn: &mut Conn<'_>,
    limits: &[Limit],
    key: &str,
    factor: i64,
) -> DbResult<Option<Limit>> {
    let now = Utc::now().timestamp();
    let key_hash = tokens::hash(key);
    let mut over = None;
    for limit in limits {
        let slot_secs = (limit.window_secs / 10).max(1);
        let slot = now - now.rem_euclid(slot_secs);
        let expires = DateTime::<Utc>::from_timestamp(slot + limit.window_secs + slot_secs, 0)
            .unwrap_or_else(Utc::now);
        let bucket = format!("{}:{key_hash}", limit.name);
        let sql = "INSERT INTO rate_limits (bucket, window_start, hits, expires_at)
                   VALUES ($1, $2, 1, $3)
                   ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1";
        on_conn!(conn, |c| sqlx::query(sql)
            .bind(&bucket)
            .bind(slot)
            .bind(expires)
            .execute(c)
            .await
            .map(|_| ()))?;
        let sql = "SELECT CAST(COALESCE(SUM(hits), 0) AS BIGINT) FROM rate_limits
                   WHERE bucket = $1 AND window_start > $2";
        let hits: i64 = on_conn!(conn, |c| sqlx::query_scalar(sql)
            .bind(&bucket)
            .bind(now - limit.window_secs)
            .fetch_one(c)
            .await)?;
        if hits > limit.max.saturating_mul(factor) && over.is_none() {
            over = Some(*limit);
        }
    }
    Ok(over)
}

/// Forgets the counters of past windows.
pub async fn purge(conn: &mut Conn<'_>) -> DbResult<()> {
    on_conn!(conn, |c| sqlx::query(
        "DELETE FROM rate_limits WHERE expires_at < $1"
    )
    .bind(Utc::now())
    .execute(c)
    .await
    .map(|_| ()))
}

/// The limit of a route, if it has one.
pub fn route_limit(method: &str, route: &str) -> Option<&'static RouteLimit> {
    ROUTES
        .iter()
        .find(|r| r.method == method && r.route == route)
}

/// Limits the routes of [`ROUTES`]: over its limit, a request gets a French
/// 429 page (with `Retry-After`) and is logged; the handler does not run.
pub async fn routes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let rule = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|m| route_limit(request.method().as_str(), m.as_str()));
    let Some(rule) = rule else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    let client = Client::from_request_parts(&mut parts, &state)
        .await
        .unwrap_or_default();
    let person = match rule.per {
        Per::Person => MaybeUser::from_request_parts(&mut parts, &state)
            .await
            .ok()
            .and_then(|u| u.0)
            .map(|u| u.id),
        Per::Client => None,
    };
    let key = person.map_or_else(
        || format!("client:{}", client.limit_key()),
        |id| format!("user:{id}"),
    );
    let over = match state.db.acquire().await {
        Ok(mut db) => {
            let factor = state.config.rate_limit_factor;
            hit(&mut db.conn(), &[rule.limit], &key, factor).await
        }
        Err(err) => Err(err),
    };
    match over {
        Ok(None) => next.run(Request::from_parts(parts, body)).await,
        Ok(Some(limit)) => {
            let origin = security::Origin::of(&client, &parts.method, parts.uri.path());
            let event = origin.event(
                security::Kind::RateLimited,
                person,
                format!("{} ({})", limit.name, limit.describe()),
            );
            security::record_now(&state.db, &event).await;
            AppError::TooManyRequests {
                retry_after_secs: limit.window_secs,
            }
            .into_response()
        }
        // The limit cannot be read: the request goes on (and the error is
        // logged), rather than refusing everyone while the database hiccups.
        Err(err) => {
            tracing::error!(error = %format!("{err:#}"), "rate limit not counted");
            next.run(Request::from_parts(parts, body)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_in_french() {
        assert_eq!(LINK_PER_ADDRESS[0].describe(), "3 par 15 minutes");
        assert_eq!(LINK_PER_ADDRESS[1].describe(), "10 par jour");
        assert_eq!(LINK_PER_CLIENT[0].describe(), "30 par 10 minutes");
        assert!(route_limit("POST", "/editions/{id}/revue/export").is_some());
        assert!(route_limit("GET", "/editions/{id}/revue/export").is_none());
    }
}
