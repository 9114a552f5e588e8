// A real OpenID provider (npm `oidc-provider`) on 127.0.0.1, configured with
// one client: the service under test. Started by the Rust test harness
// (tests/common/oidc.rs) and by the browser journey; prints
// `listening http://127.0.0.1:PORT` once it answers, and stops when its
// standard input closes.
//
// Settings (environment): OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
// OIDC_REDIRECT_URI, OIDC_POST_LOGOUT_URI, OIDC_PORT (0: any free port).
//
// Like ProConnect, claims other than `sub` come from the userinfo endpoint,
// which answers a signed JWT; the ID token is signed with RS256.
//
// Test controls (never part of a real provider):
// - POST /_test/next-login?email=…&given_name=…&usual_name=… : the next
//   authorization signs this person in without a page (otherwise the
//   interaction page asks for an e-mail address);
// - POST /_test/tamper?mode=… : the next token responses rewrite their ID
//   token: `aud` (another audience), `iss` (another issuer), `expired`,
//   `none` (unsigned, `alg: none`), `badsig` (signature of another key),
//   `replay` (the ID token of the previous login, with its old nonce),
//   `` (none: tokens pass untouched). The rewritten tokens are signed with
//   the provider's own key, so only the tampered claim is wrong;
// - GET /_test/broken/.well-known/openid-configuration : a broken discovery
//   document (the issuer `ISSUER/_test/broken` is a misconfigured provider).

import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const env = (name, fallback) => process.env[name] ?? fallback;
const clientId = env('OIDC_CLIENT_ID', 'perseverance');
const clientSecret = env('OIDC_CLIENT_SECRET', 'secret-de-test-perseverance-0123456789');
const redirectUri = env('OIDC_REDIRECT_URI', 'http://127.0.0.1:8080/connexion/proconnect/retour');
const postLogoutUri = env('OIDC_POST_LOGOUT_URI', 'http://127.0.0.1:8080/');

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'cle-de-test', alg: 'RS256', use: 'sig' };
const { privateKey: otherKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

/** People known to the provider, by account id (the `sub`). */
const accounts = new Map();
let nextLogin = null;
let tamper = '';
let previousIdToken = null;

function accountFor(person) {
  const sub = `agent-${crypto.createHash('sha256').update(person.email).digest('hex').slice(0, 20)}`;
  accounts.set(sub, person);
  return sub;
}

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const unb64 = (part) => JSON.parse(Buffer.from(part, 'base64url').toString());

function sign(header, payload, key = privateKey) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

function rewrite(idToken) {
  const [h, p] = idToken.split('.');
  const header = unb64(h);
  const payload = unb64(p);
  const now = Math.floor(Date.now() / 1000);
  switch (tamper) {
    case 'aud': return sign(header, { ...payload, aud: 'un-autre-service', azp: undefined });
    case 'iss': return sign(header, { ...payload, iss: 'http://127.0.0.1:1/faux' });
    case 'expired': return sign(header, { ...payload, iat: now - 7200, exp: now - 3600 });
    case 'none': return `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`;
    case 'badsig': return sign(header, payload, otherKey);
    case 'replay': return previousIdToken ?? idToken;
    default: return idToken;
  }
}

const server = http.createServer();
server.listen(Number(env('OIDC_PORT', '0')), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [postLogoutUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'RS256',
      userinfo_signed_response_alg: 'RS256',
    }],
    jwks: { keys: [signingJwk] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    claims: {
      openid: ['sub'],
      email: ['email'],
      given_name: ['given_name'],
      usual_name: ['usual_name'],
      uid: ['uid'],
      siret: ['siret'],
      organizational_unit: ['organizational_unit'],
    },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // The provider's own pages would load web fonts from outside: plain pages instead.
        async logoutSource(ctx, form) {
          ctx.body = `<!doctype html><html lang="fr"><head><title>Déconnexion</title></head><body>
<h1>Se déconnecter du fournisseur d’identité de test ?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Se déconnecter</button>
</body></html>`;
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = '<!doctype html><html lang="fr"><head><title>Déconnecté</title></head><body><h1>Vous êtes déconnecté.</h1></body></html>';
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const person = accounts.get(sub);
      if (!person) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: person.email,
            given_name: person.given_name ?? 'Camille',
            usual_name: person.usual_name ?? 'Agent',
            uid: person.uid ?? '42',
            siret: '13002802700015',
            organizational_unit: 'Rectorat',
          };
        },
      };
    },
  });
  provider.proxy = false;

  // The tampering step: rewrites the ID token of the token endpoint's answer.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.status === 200 && ctx.body?.id_token) {
      const issued = ctx.body.id_token;
      ctx.body = { ...ctx.body, id_token: rewrite(issued) };
      previousIdToken = issued;
    }
  });

  const handle = provider.callback();
  server.on('request', async (req, res) => {
    const url = new URL(req.url, issuer);
    try {
      if (req.method === 'POST' && url.pathname === '/_test/next-login') {
        nextLogin = Object.fromEntries(url.searchParams);
        res.writeHead(204).end();
      } else if (req.method === 'POST' && url.pathname === '/_test/tamper') {
        tamper = url.searchParams.get('mode') ?? '';
        res.writeHead(204).end();
      } else if (url.pathname === '/_test/broken/.well-known/openid-configuration') {
        // A discovery document that is not one (for the broken-configuration test).
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"issuer": 42, "jwks_uri":');
      } else if (url.pathname.startsWith('/interaction/')) {
        await interaction(provider, req, res, url);
      } else {
        handle(req, res);
      }
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
    }
  });
  process.stdout.write(`listening ${issuer}\n`);
});

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

/** The provider's sign-in and consent steps. */
async function interaction(provider, req, res, url) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    let person = nextLogin;
    nextLogin = null;
    if (!person && req.method === 'POST') {
      const form = await readForm(req);
      person = { email: form.get('email') ?? '' };
    }
    if (!person) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="fr"><head><title>Fournisseur d’identité de test</title></head><body>
<h1>Fournisseur d’identité de test</h1>
<form method="post" action="${url.pathname}">
<label for="email">Adresse électronique</label> <input id="email" name="email" type="email">
<button type="submit">Se connecter</button></form></body></html>`);
      return;
    }
    const accountId = accountFor(person);
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    return;
  }
  // Consent: every scope and claim asked for is granted.
  const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const missing = details.prompt.details.missingOIDCClaims;
  if (missing) grant.addOIDCClaims(missing);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
