// A real OpenID Connect provider for Antrag's tests: panva's oidc-provider (OpenID
// certified), started by tests/oidc_support.py on loopback ports. It is not a mock: Antrag
// talks to it over HTTP exactly as to Keycloak or ADFS.
//
// Usage: node tests/oidc/provider.mjs <settings.json>
// The settings name the ports, Antrag's redirect URIs and the test accounts. Two providers
// start: the real one (issuer http://127.0.0.1:<port>) and an impostor on <impostorPort>
// that signs with the same keys under its own issuer (for the wrong-issuer tests). When both
// listen, one line of JSON goes to stdout: {"issuer": ..., "impostor": ...}.
//
// The login page is a plain form (login and password); consent is granted at once for the
// registered clients, as a ministry's provider does for its own applications. An account's
// `amr` and `acr` are what the provider asserts about how the person signed in.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

function configuration() {
  return {
    clients: settings.clients,
    jwks: { keys: [signingKey] },
    cookies: { keys: ['antrag-test-provider-cookie-key'] },
    // Authorization code flow with PKCE for every client, confidential ones too.
    pkce: { required: () => true },
    claims: {
      // How the person signed in travels in every ID token, as with Keycloak's acr/amr.
      openid: ['sub', 'amr', 'acr'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    // The e-mail and the groups travel in the ID token, as Keycloak and ADFS send them.
    conformIdTokenClaims: false,
    ttl: { IdToken: settings.idTokenSeconds || 3600, AccessToken: 3600, AuthorizationCode: 60 },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
    },
    async findAccount(ctx, id) {
      const account = settings.accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<h1>error</h1><p id="error">${out.error}</p><p>${out.error_description}</p>`;
    },
  };
}

function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

async function grantConsent(provider, details) {
  const { params, session, prompt } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  return grant.save();
}

async function interaction(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'consent') {
    const grantId = await grantConsent(provider, details);
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (req.method === 'POST') {
    const form = await readForm(req);
    const login = form.get('login');
    const account = settings.accounts[login];
    if (account && form.get('password') === account.password) {
      const result = { login: { accountId: login, amr: account.amr, acr: account.acr } };
      return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    }
  }
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><title>Anmeldung beim Testprovider</title>
<form method="post" action="/interaction/${escape(details.uid)}">
<input name="login"><input name="password" type="password"><button>Anmelden</button></form>`);
  return undefined;
}

function serve(issuer, port) {
  const provider = new Provider(issuer, configuration());
  provider.proxy = false;
  const handle = provider.callback();
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(provider, req, res).catch((error) => {
        res.statusCode = 400;
        res.end(`interaction failed: ${escape(error.message)}`);
      });
      return;
    }
    handle(req, res);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const issuer = `http://127.0.0.1:${settings.port}`;
const impostor = `http://127.0.0.1:${settings.impostorPort}`;
await Promise.all([serve(issuer, settings.port), serve(impostor, settings.impostorPort)]);
process.stdout.write(`${JSON.stringify({ issuer, impostor })}\n`);
