//! Tokens signed by an OpenID Connect provider (the ID token, and
//! ProConnect's signed userinfo): the signature of the JWS compact form is
//! checked against the provider's published keys (JWKS) with the algorithm
//! pinned by configuration (a token naming another algorithm, `none`
//! included, is refused before any key is looked at), then the ID token's
//! claims: issuer, audience, expiry, issue time and nonce (OpenID Connect
//! Core 1.0, § 3.1.3.7).
//!
//! Pure: the keys and the clock come from the caller. Claims decode into
//! typed fields, so a claim of the wrong JSON type (an `exp` written as a
//! string) makes the token malformed rather than unchecked.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use ring::signature::{self, UnparsedPublicKey};
use serde::{Deserialize, de::DeserializeOwned};

/// How far the provider's clock may be from ours, in seconds.
pub const LEEWAY_SECONDS: i64 = 60;

/// The one signature algorithm accepted from the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigningAlg {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (ProConnect's default).
    Rs256,
    /// ECDSA P-256 with SHA-256.
    Es256,
}

impl SigningAlg {
    /// `RS256` or `ES256` (JOSE names, upper case).
    pub fn parse(text: &str) -> Option<SigningAlg> {
        match text {
            "RS256" => Some(SigningAlg::Rs256),
            "ES256" => Some(SigningAlg::Es256),
            _ => None,
        }
    }

    /// The JOSE name.
    pub fn name(self) -> &'static str {
        match self {
            SigningAlg::Rs256 => "RS256",
            SigningAlg::Es256 => "ES256",
        }
    }
}

/// One public key of the provider's JWKS (RFC 7517), as published.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default, rename = "use")]
    pub usage: Option<String>,
    /// RSA modulus and exponent (base64url).
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
    /// EC curve and point (base64url).
    #[serde(default)]
    pub crv: Option<String>,
    #[serde(default)]
    pub x: Option<String>,
    #[serde(default)]
    pub y: Option<String>,
}

/// The provider's key set, as served at its `jwks_uri`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

/// Why a token was refused (French: the detail goes to the security log).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("jeton mal formé")]
    Malformed,
    #[error("algorithme {found:?} refusé (seul {expected} est accepté)")]
    Algorithm {
        found: String,
        expected: &'static str,
    },
    #[error("clé de signature inconnue")]
    UnknownKey,
    #[error("signature invalide")]
    Signature,
    #[error("émetteur inattendu")]
    Issuer,
    #[error("audience inattendue")]
    Audience,
    #[error("jeton expiré")]
    Expired,
    #[error("jeton émis dans le futur")]
    IssuedInFuture,
    #[error("nonce absent ou différent de celui de cette connexion")]
    Nonce,
    #[error("sujet différent de celui du jeton d'identité")]
    Subject,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

fn decode_part(part: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| TokenError::Malformed)
}

/// Checks the signature of a JWS compact token (`header.payload.signature`)
/// with `alg` and one of `keys` (the one its `kid` names, else every key of
/// the right type), and returns its payload decoded into `T`.
///
/// Errors: [`TokenError::Algorithm`] when the header names another
/// algorithm (`none` included), [`TokenError::UnknownKey`] when no key fits
/// (the caller may fetch the keys again: the provider rotated them),
/// [`TokenError::Signature`], [`TokenError::Malformed`].
pub fn verify<T: DeserializeOwned>(
    token: &str,
    alg: SigningAlg,
    keys: &[Jwk],
) -> Result<T, TokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let head: Header =
        serde_json::from_slice(&decode_part(header)?).map_err(|_| TokenError::Malformed)?;
    if head.alg != alg.name() {
        return Err(TokenError::Algorithm {
            found: head.alg,
            expected: alg.name(),
        });
    }
    let signature = decode_part(sig)?;
    let message = &token.as_bytes()[..header.len() + 1 + payload.len()];
    let candidates: Vec<&Jwk> = keys
        .iter()
        .filter(|k| fits(k, alg))
        .filter(|k| head.kid.is_none() || k.kid == head.kid)
        .collect();
    if candidates.is_empty() {
        return Err(TokenError::UnknownKey);
    }
    if !candidates
        .iter()
        .any(|key| checks(key, alg, message, &signature))
    {
        return Err(TokenError::Signature);
    }
    serde_json::from_slice(&decode_part(payload)?).map_err(|_| TokenError::Malformed)
}

/// Whether a key may sign with `alg` (its type, curve, declared use and algorithm).
fn fits(key: &Jwk, alg: SigningAlg) -> bool {
    let kind = match alg {
        SigningAlg::Rs256 => key.kty == "RSA",
        SigningAlg::Es256 => key.kty == "EC" && key.crv.as_deref() == Some("P-256"),
    };
    kind && key.usage.as_deref().is_none_or(|u| u == "sig")
        && key.alg.as_deref().is_none_or(|a| a == alg.name())
}

fn checks(key: &Jwk, alg: SigningAlg, message: &[u8], sig: &[u8]) -> bool {
    let part = |p: &Option<String>| p.as_deref().and_then(|v| URL_SAFE_NO_PAD.decode(v).ok());
    match alg {
        SigningAlg::Rs256 => {
            let (Some(n), Some(e)) = (part(&key.n), part(&key.e)) else {
                return false;
            };
            signature::RsaPublicKeyComponents { n: &n, e: &e }
                .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, sig)
                .is_ok()
        }
        SigningAlg::Es256 => {
            let (Some(x), Some(y)) = (part(&key.x), part(&key.y)) else {
                return false;
            };
            if x.len() != 32 || y.len() != 32 {
                return false;
            }
            let mut point = Vec::with_capacity(65);
            point.push(4);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &point)
                .verify(message, sig)
                .is_ok()
        }
    }
}

/// An `aud` claim: one audience or several.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains(&self, client_id: &str) -> bool {
        match self {
            Audience::One(a) => a == client_id,
            Audience::Many(all) => all.iter().any(|a| a == client_id),
        }
    }

    fn is_many(&self) -> bool {
        matches!(self, Audience::Many(all) if all.len() > 1)
    }
}

/// The claims of an ID token that we check or use. Times are Unix seconds (UTC).
#[derive(Clone, Debug, Deserialize)]
pub struct IdClaims {
    pub iss: String,
    pub sub: String,
    pub aud: Audience,
    pub exp: i64,
    pub iat: i64,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub azp: Option<String>,
    /// Some providers put the address in the ID token; ProConnect gives it
    /// through userinfo.
    #[serde(default)]
    pub email: Option<String>,
}

/// What an ID token must say: who issued it, for whom, for which sign-in.
#[derive(Clone, Copy, Debug)]
pub struct Expected<'a> {
    /// The provider's issuer, exactly as its discovery document says.
    pub issuer: &'a str,
    /// Our client id: the audience.
    pub client_id: &'a str,
    /// The nonce sent with this sign-in (never reused: it is deleted with
    /// its sign-in when the callback comes back).
    pub nonce: &'a str,
    /// Now, in Unix seconds (UTC).
    pub now: i64,
}

/// Checks an ID token's claims (OpenID Connect Core 1.0 § 3.1.3.7): issuer,
/// audience (with `azp` when there are several), expiry and issue time
/// within [`LEEWAY_SECONDS`], and the nonce of this very sign-in.
pub fn check_claims(claims: &IdClaims, expected: &Expected<'_>) -> Result<(), TokenError> {
    if claims.iss != expected.issuer {
        return Err(TokenError::Issuer);
    }
    if !claims.aud.contains(expected.client_id)
        || (claims.aud.is_many() && claims.azp.is_none())
        || claims
            .azp
            .as_deref()
            .is_some_and(|azp| azp != expected.client_id)
    {
        return Err(TokenError::Audience);
    }
    if claims.exp + LEEWAY_SECONDS <= expected.now {
        return Err(TokenError::Expired);
    }
    if claims.iat - LEEWAY_SECONDS > expected.now {
        return Err(TokenError::IssuedInFuture);
    }
    if expected.nonce.is_empty() || claims.nonce.as_deref() != Some(expected.nonce) {
        return Err(TokenError::Nonce);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::{
        rand::SystemRandom,
        signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair},
    };
    use serde_json::json;

    fn b64(value: &serde_json::Value) -> String {
        URL_SAFE_NO_PAD.encode(value.to_string())
    }

    struct Signer {
        pair: EcdsaKeyPair,
        rng: SystemRandom,
    }

    impl Signer {
        fn new() -> Signer {
            let rng = SystemRandom::new();
            let pkcs8 =
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
            let pair =
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
                    .unwrap();
            Signer { pair, rng }
        }

        fn jwk(&self, kid: &str) -> Jwk {
            let point = self.pair.public_key().as_ref();
            Jwk {
                kty: "EC".into(),
                kid: Some(kid.into()),
                crv: Some("P-256".into()),
                x: Some(URL_SAFE_NO_PAD.encode(&point[1..33])),
                y: Some(URL_SAFE_NO_PAD.encode(&point[33..65])),
                ..Jwk::default()
            }
        }

        fn sign(&self, header: serde_json::Value, claims: serde_json::Value) -> String {
            let input = format!("{}.{}", b64(&header), b64(&claims));
            let sig = self.pair.sign(&self.rng, input.as_bytes()).unwrap();
            format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.as_ref()))
        }
    }

    fn claims(now: i64) -> serde_json::Value {
        json!({"iss": "https://idp.example", "sub": "abc", "aud": "client", "exp": now + 60,
               "iat": now, "nonce": "n-0123456789abcdef0123456789abcdef"})
    }

    fn expected(now: i64) -> Expected<'static> {
        Expected {
            issuer: "https://idp.example",
            client_id: "client",
            nonce: "n-0123456789abcdef0123456789abcdef",
            now,
        }
    }

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn a_signed_token_with_the_right_claims_passes() {
        let signer = Signer::new();
        let token = signer.sign(json!({"alg": "ES256", "kid": "k1"}), claims(NOW));
        let got: IdClaims = verify(&token, SigningAlg::Es256, &[signer.jwk("k1")]).unwrap();
        assert_eq!(got.sub, "abc");
        check_claims(&got, &expected(NOW)).unwrap();
    }

    #[test]
    fn the_algorithm_is_pinned() {
        let signer = Signer::new();
        let keys = [signer.jwk("k1")];
        let unsigned = format!("{}.{}.", b64(&json!({"alg": "none"})), b64(&claims(NOW)));
        let err = verify::<IdClaims>(&unsigned, SigningAlg::Es256, &keys).unwrap_err();
        assert!(matches!(err, TokenError::Algorithm { ref found, .. } if found == "none"));
        let token = signer.sign(json!({"alg": "ES256"}), claims(NOW));
        let err = verify::<IdClaims>(&token, SigningAlg::Rs256, &keys).unwrap_err();
        assert!(matches!(err, TokenError::Algorithm { .. }));
    }

    #[test]
    fn another_key_or_a_changed_payload_is_refused() {
        let (signer, other) = (Signer::new(), Signer::new());
        let token = other.sign(json!({"alg": "ES256", "kid": "k1"}), claims(NOW));
        let err = verify::<IdClaims>(&token, SigningAlg::Es256, &[signer.jwk("k1")]).unwrap_err();
        assert_eq!(err, TokenError::Signature);
        let err = verify::<IdClaims>(&token, SigningAlg::Es256, &[signer.jwk("k2")]).unwrap_err();
        assert_eq!(err, TokenError::UnknownKey);
        let good = signer.sign(json!({"alg": "ES256"}), claims(NOW));
        let mut parts: Vec<&str> = good.split('.').collect();
        let forged = b64(&json!({"iss": "https://idp.example", "sub": "admin"}));
        parts[1] = &forged;
        let err = verify::<IdClaims>(&parts.join("."), SigningAlg::Es256, &[signer.jwk("k")])
            .unwrap_err();
        assert_eq!(err, TokenError::Signature);
        assert_eq!(
            verify::<IdClaims>("a.b", SigningAlg::Es256, &[]).unwrap_err(),
            TokenError::Malformed
        );
    }

    #[test]
    fn a_claim_of_the_wrong_type_makes_the_token_malformed() {
        let signer = Signer::new();
        let mut bad = claims(NOW);
        bad["exp"] = json!("never");
        let token = signer.sign(json!({"alg": "ES256"}), bad);
        let err = verify::<IdClaims>(&token, SigningAlg::Es256, &[signer.jwk("k")]).unwrap_err();
        assert_eq!(err, TokenError::Malformed);
    }

    fn parsed(value: serde_json::Value) -> IdClaims {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn claims_are_checked_one_by_one() {
        let check = |change: &dyn Fn(&mut serde_json::Value)| {
            let mut c = claims(NOW);
            change(&mut c);
            check_claims(&parsed(c), &expected(NOW))
        };
        assert_eq!(
            check(&|c| c["iss"] = json!("https://evil.example")),
            Err(TokenError::Issuer)
        );
        assert_eq!(
            check(&|c| c["aud"] = json!("other")),
            Err(TokenError::Audience)
        );
        assert_eq!(
            check(&|c| c["aud"] = json!(["other", "client"])),
            Err(TokenError::Audience)
        );
        assert_eq!(
            check(&|c| {
                c["aud"] = json!(["other", "client"]);
                c["azp"] = json!("client");
            }),
            Ok(())
        );
        assert_eq!(
            check(&|c| c["azp"] = json!("other")),
            Err(TokenError::Audience)
        );
        assert_eq!(
            check(&|c| c["exp"] = json!(NOW - 61)),
            Err(TokenError::Expired)
        );
        assert_eq!(check(&|c| c["exp"] = json!(NOW - 30)), Ok(()));
        assert_eq!(
            check(&|c| c["iat"] = json!(NOW + 3600)),
            Err(TokenError::IssuedInFuture)
        );
        assert_eq!(
            check(&|c| c["nonce"] = json!("another")),
            Err(TokenError::Nonce)
        );
        assert_eq!(
            check(&|c| {
                c.as_object_mut().unwrap().remove("nonce");
            }),
            Err(TokenError::Nonce)
        );
    }
}
