//! Where a request comes from, as far as the network tells: the client's
//! address, for the security log and for rate limits.
//!
//! Without a reverse proxy the client is the connection's peer. Behind
//! `PERSEVERANCE_TRUSTED_PROXIES` proxies (load balancers), each of which
//! appends the address it received the request from to `X-Forwarded-For`,
//! the client is the entry that many places from the end: anything further
//! left was written by the client itself and is not trusted.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{HeaderMap, request::Parts},
    middleware::Next,
    response::Response,
};

use super::AppState;

/// The client of the current request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Client {
    pub ip: Option<IpAddr>,
}

impl Client {
    /// The address as logged (`inconnue` when the server could not tell).
    pub fn shown(&self) -> String {
        self.ip
            .map_or_else(|| "inconnue".to_string(), |ip| ip.to_string())
    }

    /// The key rate limits count by: the IPv4 address, or the /64 network of
    /// an IPv6 address (one subscriber usually holds a whole /64).
    pub fn limit_key(&self) -> String {
        match self.ip {
            Some(IpAddr::V4(ip)) => ip.to_string(),
            Some(IpAddr::V6(ip)) => {
                let s = ip.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            None => "inconnue".to_string(),
        }
    }

    /// The client of a request that reached us from `peer`.
    pub fn of(headers: &HeaderMap, peer: Option<SocketAddr>, trusted_proxies: usize) -> Client {
        let peer = peer.map(|p| p.ip().to_canonical());
        if trusted_proxies == 0 {
            return Client { ip: peer };
        }
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        let ip = forwarded
            .len()
            .checked_sub(trusted_proxies)
            .and_then(|i| forwarded[i].parse::<IpAddr>().ok())
            .map(|ip| ip.to_canonical());
        Client { ip: ip.or(peer) }
    }
}

/// Works out the client once per request, for every handler and middleware
/// inside.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let client = Client::of(request.headers(), peer, state.config.trusted_proxies);
    request.extensions_mut().insert(client);
    next.run(request).await
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Client>()
            .copied()
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_peer_or_what_the_trusted_proxies_saw() {
        let peer: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "1.1.1.1, 203.0.113.7, 10.0.0.2".parse().unwrap(),
        );
        assert_eq!(Client::of(&headers, Some(peer), 0).shown(), "10.0.0.1");
        assert_eq!(Client::of(&headers, Some(peer), 1).shown(), "10.0.0.2");
        assert_eq!(Client::of(&headers, Some(peer), 2).shown(), "203.0.113.7");
        assert_eq!(Client::of(&headers, Some(peer), 9).shown(), "10.0.0.1");
        assert_eq!(Client::of(&HeaderMap::new(), None, 0).shown(), "inconnue");
        let v6 = Client {
            ip: Some("2001:db8:1:2:3:4:5:6".parse().unwrap()),
        };
        assert_eq!(v6.limit_key(), "2001:db8:1:2::/64");
        let mapped: SocketAddr = "[::ffff:192.0.2.1]:80".parse().unwrap();
        assert_eq!(Client::of(&headers, Some(mapped), 0).shown(), "192.0.2.1");
    }
}
