// A local OpenID Connect provider standing in for Pro Santé Connect (PSC) and for a regional
// SSO ("ESEA"), for Sésame's demo and tests. One process, two issuers, each on its own port,
// both built on oidc-provider (panva's certified implementation); this file only configures
// it and adds the login pages (psc.mjs, esea.mjs).
//
//   node provider.mjs --modules DIR --psc-port P --sso-port S [--host 127.0.0.1] [--redirect-port-any]
//
// DIR is the `node_modules` folder oidc-provider is installed in (`cargo xtask` installs it
// under target/node/). Port 0 picks a free port. Once both issuers listen, ONE line of JSON goes
// to stdout — {"psc":"http://127.0.0.1:P","sso":"http://127.0.0.1:S"} — and the process keeps
// running; logs go to stderr. --redirect-port-any (the tests, whose portal has a random port):
// the client's loopback redirect and post-logout URIs are accepted on any port.
//
// The client `sesame-demo` / `sesame-demo-secret` and the test identities are for
// demonstration only: keys and cookie keys are made anew at each start.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { page, h } from './pages.mjs';
import { readForm, sendHtml } from './http.mjs';
import psc from './psc.mjs';
import esea from './esea.mjs';

// stdout carries the one JSON line; oidc-provider's notices (console.info) go to stderr too.
console.log = console.error;
console.info = console.error;
// oidc-provider warns that its in-memory store loses everything at a restart: that is what a
// stand-in wants, so that one warning is left out.
const warn = console.warn;
console.warn = (...words) => {
  if (!String(words[0]).includes('in-memory adapter')) warn(...words);
};

const USAGE = 'usage: node provider.mjs --modules DIR --psc-port P --sso-port S [--host 127.0.0.1] [--redirect-port-any]';

function fail(message, { usage = true } = {}) {
  console.error(`provider.mjs: ${message}${usage ? `\n${USAGE}` : ''}`);
  process.exit(2);
}

// ---- arguments ----

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      modules: { type: 'string' },
      'psc-port': { type: 'string' },
      'sso-port': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'redirect-port-any': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  fail(err.message);
}

function port(name) {
  const text = args[name];
  if (text === undefined) fail(`--${name} is missing`);
  if (!/^\d+$/.test(text) || Number(text) > 65535) fail(`--${name} must be a port number (0 for a free port), not ${JSON.stringify(text)}`);
  return Number(text);
}

const pscPort = port('psc-port');
const ssoPort = port('sso-port');
if (!args.modules) fail('--modules is missing (the node_modules folder oidc-provider is installed in)');
const packageDir = path.resolve(args.modules, 'oidc-provider');
let packageJson;
try {
  packageJson = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
} catch (err) {
  fail(`oidc-provider is not installed in ${args.modules} (${err.message})`);
}
const { default: Provider, interactionPolicy } = await import(
  pathToFileURL(path.join(packageDir, packageJson.main ?? 'lib/index.js')).href
);

const here = path.dirname(fileURLToPath(import.meta.url));
const identities = JSON.parse(fs.readFileSync(path.join(here, 'identities.json'), 'utf8'));

// ---- the client, as registered with both issuers ----

/** Where the demo portal runs (the client's redirect and post-logout URIs). */
const PORTAL_ORIGINS = ['http://127.0.0.1:8080', 'http://localhost:8080'];
const CLIENT_ID = 'sesame-demo';
/** Demonstration only: a real client secret is never in a repository. */
const CLIENT_SECRET = 'sesame-demo-secret';

function client(flavour) {
  return {
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    client_name: 'Sésame (démonstration)',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: PORTAL_ORIGINS.map((origin) => origin + flavour.callbackPath),
    post_logout_redirect_uris: PORTAL_ORIGINS.map((origin) => `${origin}/`),
    id_token_signed_response_alg: 'RS256',
    require_auth_time: true,
    ...flavour.clientExtra,
  };
}

/** Whether `uri` is `registered` on another port of the same loopback host (http only). */
function sameButPort(uri, registered) {
  let a;
  let b;
  try {
    a = new URL(uri);
    b = new URL(registered);
  } catch {
    return false;
  }
  if (a.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(a.hostname)) return false;
  a.port = '';
  b.port = '';
  return a.href === b.href;
}

/**
 * --redirect-port-any: the client's loopback URIs match on any port (same scheme, host and
 * path), as oidc-provider's recipe for redirect URI wildcards does it — by wrapping the
 * Client's `redirectUriAllowed` and `postLogoutRedirectUriAllowed`. Other hosts never match.
 */
function allowAnyLoopbackPort(provider) {
  const proto = provider.Client.prototype;
  const { redirectUriAllowed, postLogoutRedirectUriAllowed } = proto;
  proto.redirectUriAllowed = function anyPort(uri) {
    return redirectUriAllowed.call(this, uri) || this.redirectUris.some((r) => sameButPort(uri, r));
  };
  proto.postLogoutRedirectUriAllowed = function anyPort(uri) {
    return postLogoutRedirectUriAllowed.call(this, uri)
      || this.postLogoutRedirectUris.some((r) => sameButPort(uri, r));
  };
}

// ---- oidc-provider's configuration ----

/** An RSA signing key (JWK), new at each start. */
function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };
}

/**
 * The first-party client needs no consent screen: its grant covers the OpenID scopes it asks
 * for (oidc-provider's documented use of `loadExistingGrant` for pre-agreed grants).
 */
async function loadExistingGrant(ctx) {
  const { oidc } = ctx;
  const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
  const grant = (grantId && await oidc.provider.Grant.find(grantId))
    || new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
  if (oidc.client.clientId === CLIENT_ID) {
    grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
    await grant.save();
  }
  return grant;
}

function configuration(flavour) {
  const prefix = flavour.key;
  return {
    clients: [client(flavour)],
    async findAccount(ctx, sub) {
      return flavour.findAccount(sub);
    },
    claims: flavour.claims,
    scopes: ['openid'],
    acrValues: flavour.acrValues,
    responseTypes: ['code'],
    pkce: { required: () => true },
    jwks: { keys: [signingKey()] },
    cookies: {
      // Both issuers and the portal share the host 127.0.0.1 (cookies ignore ports): own names.
      names: {
        session: `${prefix}_session`,
        interaction: `${prefix}_interaction`,
        resume: `${prefix}_interaction_resume`,
      },
      keys: [crypto.randomBytes(32).toString('base64url')],
      // Plain http on loopback: SameSite=None would need Secure, so Lax (top-level navigations).
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => logoutSource(flavour, ctx, form),
        postLogoutSuccessSource: (ctx) => postLogoutSuccessSource(flavour, ctx),
      },
    },
    interactions: {
      policy: interactionPolicy.base(),
      url: (ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    loadExistingGrant,
    renderError: (ctx, out) => renderError(flavour, ctx, out),
    // Only the portal's server talks to the token and userinfo endpoints: no CORS.
    clientBasedCORS: () => false,
    ttl: {
      AccessToken: 10 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: 30 * 60,
      Session: 8 * 60 * 60,
      Grant: 8 * 60 * 60,
    },
  };
}

// ---- pages oidc-provider renders (logout, errors) ----

/**
 * The logout confirmation. With an `id_token_hint` (the portal's "Se déconnecter"), the form
 * submits itself, as PSC does (Keycloak skips the question when the hint is valid).
 */
async function logoutSource(flavour, ctx, form) {
  const auto = Boolean(ctx.oidc.entities.IdTokenHint);
  ctx.body = page({
    brand: flavour.brand,
    title: 'Déconnexion',
    body: `${form}
    <p>Voulez-vous vous déconnecter de ${h(flavour.brand)} ?</p>
    <button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Se déconnecter</button>
    <button type="submit" form="op.logoutForm" class="secondary">Rester connecté</button>`,
    script: auto ? `document.addEventListener('DOMContentLoaded', function () {
  var form = document.getElementById('op.logoutForm');
  var input = document.createElement('input');
  input.type = 'hidden'; input.name = 'logout'; input.value = 'yes';
  form.appendChild(input);
  form.submit();
});` : '',
  });
}

async function postLogoutSuccessSource(flavour, ctx) {
  ctx.body = page({
    brand: flavour.brand,
    title: 'Vous êtes déconnecté',
    body: '<p>Vous pouvez fermer cette page.</p>',
  });
}

async function renderError(flavour, ctx, out) {
  ctx.type = 'html';
  ctx.body = page({
    brand: flavour.brand,
    title: 'La connexion n’a pas abouti',
    // oidc-provider's descriptions are in English.
    body: `<p lang="en">${h(out.error_description || out.error)}</p>
    <p>Code : <code>${h(out.error)}</code></p>`,
  });
}

// ---- the HTTP front: login pages here, the rest to oidc-provider ----

/** The helpers the flavours' routes use on an interaction. */
function interactionTools(provider) {
  return {
    /** The interaction `uid` of this browser (its cookie); throws SessionNotFound otherwise. */
    async details(req, res, uid) {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) throw new Expired();
      return details;
    },
    async clientName(details) {
      const found = await provider.Client.find(details.params.client_id);
      return found?.clientName || details.params.client_id;
    },
    /** Ends the interaction with a login (`remember`: the issuer's session outlives the tab). */
    async login(req, res, { accountId, acr, amr }) {
      await provider.interactionFinished(req, res, { login: { accountId, acr, amr, remember: true } }, { mergeWithLastSubmission: false });
    },
    async finish(req, res, result) {
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    },
  };
}

class Expired extends Error {}

function expiredPage(flavour) {
  return page({
    brand: flavour.brand,
    title: 'Demande expirée',
    body: '<p>Cette demande de connexion a expiré ou n’existe pas. Revenez au portail et recommencez.</p>',
  });
}

function frontDoor(flavour, provider) {
  const callback = provider.callback();
  const op = interactionTools(provider);
  return async (req, res) => {
    const url = new URL(req.url, provider.issuer);
    try {
      const m = url.pathname.match(/^\/interaction\/([\w-]+)(\/abort)?$/);
      if (m && req.method === (m[2] ? 'POST' : 'GET')) {
        const uid = m[1];
        const details = await op.details(req, res, uid);
        if (m[2]) {
          // "Annuler et revenir au portail".
          flavour.onAbort(await readForm(req));
          console.error(`${flavour.key}: connexion annulée`);
          await op.finish(req, res, { error: 'access_denied', error_description: 'L’utilisateur a annulé' });
        } else if (details.prompt.name === 'consent') {
          // Only when the portal asks prompt=consent: granted, as loadExistingGrant does.
          const grant = details.grantId
            ? await provider.Grant.find(details.grantId)
            : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
          grant.addOIDCScope(details.params.scope ?? 'openid');
          await op.finish(req, res, { consent: { grantId: await grant.save() } });
        } else {
          sendHtml(res, 200, flavour.loginPage({ uid, clientName: await op.clientName(details) }));
        }
        return;
      }
      if (await flavour.route(req, res, url, op)) return;
    } catch (err) {
      if (err instanceof Expired || err.name === 'SessionNotFound') {
        sendHtml(res, 400, expiredPage(flavour));
      } else {
        console.error(`${flavour.key}: ${req.method} ${url.pathname}: ${err.stack || err}`);
        if (!res.headersSent) sendHtml(res, err.status || 500, page({ brand: flavour.brand, title: 'Erreur', body: '<p>Erreur du serveur de démonstration.</p>' }));
      }
      return;
    }
    callback(req, res);
  };
}

/** Listens on `port` (0: a free one), then mounts the issuer; resolves to its URL. */
function start(flavour, requestedPort) {
  return new Promise((resolve) => {
    let handler;
    const server = http.createServer((req, res) => handler(req, res));
    server.on('error', (err) => {
      if (err.code === 'EADDRINUSE') {
        fail(`${flavour.key}: the port ${args.host}:${requestedPort} is already in use (another provider.mjs, or a demo still running?)`, { usage: false });
      }
      fail(`${flavour.key}: cannot listen on ${args.host}:${requestedPort}: ${err.message}`, { usage: false });
    });
    server.listen(requestedPort, args.host, () => {
      const issuer = `http://${args.host}:${server.address().port}`;
      const provider = new Provider(issuer, configuration(flavour));
      if (args['redirect-port-any']) allowAnyLoopbackPort(provider);
      provider.on('server_error', (ctx, err) => console.error(`${flavour.key}: server_error: ${err.stack || err}`));
      provider.on('authorization.error', (ctx, err) => console.error(`${flavour.key}: authorization refused: ${err.message} ${err.error_description ?? ''}`));
      provider.on('grant.error', (ctx, err) => console.error(`${flavour.key}: token request refused: ${err.message} ${err.error_description ?? ''}`));
      handler = frontDoor(flavour, provider);
      console.error(`${flavour.key}: ${flavour.brand} on ${issuer}`);
      resolve(issuer);
    });
  });
}

const [pscIssuer, ssoIssuer] = await Promise.all([
  start(psc(identities.psc), pscPort),
  start(esea(identities.sso), ssoPort),
]);
process.stdout.write(`${JSON.stringify({ psc: pscIssuer, sso: ssoIssuer })}\n`);

// A terminal's Ctrl-C or the parent's kill: leave quietly.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
