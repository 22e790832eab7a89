// Test peer: a real OpenID Connect provider (panva/oidc-provider) playing an
// eHerkenning broker for Knooppunt's tests. Not for production use: keys,
// cookie secrets and all state live in memory and are lost on exit.
//
// Handshake: stdout carries exactly one line, {"issuer": "http://127.0.0.1:<port>"},
// once the server is listening. Diagnostics go to stderr.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

// oidc-provider prints its notices with console.info (stdout); keep stdout for the handshake.
console.info = (...args) => console.error(...args);

const LOA = [1, 2, 3, 4].map((n) => `urn:etoegang:core:assurance-class:loa${n}`);
const FIELDS = ['kvk', 'vestigingsnummer', 'pseudo_id']; // of a login (queue, form)
// The names this broker gives those claims (BROKER_CLAIM_NAMES renames any of them) and where
// it delivers them (BROKER_CLAIMS_IN: "id_token" and userinfo, or "userinfo" only).
const claimNames = { ...Object.fromEntries(FIELDS.map((f) => [f, f])), ...JSON.parse(process.env.BROKER_CLAIM_NAMES || '{}') };
const EH_CLAIMS = FIELDS.map((f) => claimNames[f]);
const claimsIn = process.env.BROKER_CLAIMS_IN || 'id_token';
if (!['id_token', 'userinfo'].includes(claimsIn)) throw new Error(`BROKER_CLAIMS_IN: ${claimsIn}`);
const clients = JSON.parse(process.env.BROKER_CLIENTS || JSON.stringify([{
  client_id: 'knooppunt',
  client_secret: 'knooppunt-secret',
  redirect_uris: ['http://127.0.0.1:8000/eherkenning/callback/'],
}]));

const queue = []; // logins queued through POST /test/next-login, first in first out
const accounts = new Map(); // sub -> { acr, kvk, vestigingsnummer?, pseudo_id, userinfo_sub? }

// Listen first (port 0 lets the OS pick a free port), so the issuer can carry the real port.
let handler = (_req, res) => { res.statusCode = 503; res.end(); };
const server = http.createServer((req, res) => handler(req, res));
await new Promise((resolve) => { server.listen(Number(process.env.BROKER_PORT || 0), '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const provider = new Provider(issuer, {
  clients: clients.map((c) => ({ ...c, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' })),
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'], // either works for any client
  jwks: { keys: [{ ...signingKey, kid: `broker-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' }] },
  cookies: { keys: [randomBytes(32).toString('base64url')] }, // never `secure` on plain http
  acrValues: LOA,
  // The eHerkenning claims come with scope openid alone: in the ID token too, unless
  // BROKER_CLAIMS_IN=userinfo (findAccount below).
  conformIdTokenClaims: false,
  claims: { openid: ['sub', 'acr', ...EH_CLAIMS], eherkenning: EH_CLAIMS },
  scopes: ['openid', 'eherkenning'],
  pkce: { required: () => true }, // S256 only (oidc-provider supports no other method)
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, sub) {
    const account = accounts.get(sub);
    if (!account) return undefined;
    // `use` is "id_token" or "userinfo"; the provider sets `sub` itself.
    const claims = async (use) => {
      const delivered = use === 'userinfo' || claimsIn === 'id_token';
      const named = Object.fromEntries(FIELDS.filter((f) => account[f] !== undefined)
        .map((f) => [claimNames[f], account[f]]));
      return { sub, acr: account.acr, ...(delivered ? named : {}) };
    };
    return { accountId: sub, claims };
  },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
  clientBasedCORS: () => false,
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Fout', `<h1>Fout</h1><pre>${esc(JSON.stringify(out, null, 2))}</pre>`);
  },
});

// Validates a login (queued JSON or form fields); returns the login or throws an error message.
function parseLogin(input) {
  const str = (k) => (typeof input[k] === 'string' && input[k].trim() !== '' ? input[k].trim() : undefined);
  const login = { sub: str('sub'), acr: str('acr'), kvk: str('kvk'), pseudo_id: str('pseudo_id') };
  const missing = Object.keys(login).filter((k) => login[k] === undefined);
  if (missing.length) throw new Error(`missing field(s): ${missing.join(', ')}`);
  if (!LOA.includes(login.acr)) throw new Error(`acr must be one of ${LOA.join(', ')}`);
  if (str('vestigingsnummer')) login.vestigingsnummer = str('vestigingsnummer');
  // A faulty broker: its userinfo answer names another subject than the ID token.
  if (str('userinfo_sub')) login.userinfo_sub = str('userinfo_sub');
  return login;
}

// Finish login and consent in one go. The acr is whatever the login chose, even if the
// relying party asked for a higher level: acr_values is voluntary, so the provider does not
// enforce it, and the relying party must check the acr itself.
async function finish(ctx, interaction, { sub, acr, ...claims }) {
  accounts.set(sub, { acr, ...claims });
  const grant = new provider.Grant({ accountId: sub, clientId: interaction.params.client_id });
  grant.addOIDCScope(String(interaction.params.scope || 'openid'));
  grant.addOIDCClaims(['sub', 'acr', ...EH_CLAIMS]);
  const grantId = await grant.save();
  ctx.respond = false; // interactionFinished writes the 303 to the raw response itself
  await provider.interactionFinished(ctx.req, ctx.res, {
    login: { accountId: sub, acr, remember: false }, consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

// Test control routes and the interaction (login) pages, ahead of the provider's own routes.
provider.use(async (ctx, next) => {
  // No single sign-on: the authorization endpoint and its resume step (/auth/<uid>) never see
  // the broker's session cookie, so every authorization request needs (and consumes) a fresh
  // login. Otherwise a second login as another sub in the same cookie jar first makes
  // oidc-provider end the old session through an auto-submitting form.
  if (/^\/auth(\/|$)/.test(ctx.path) && ctx.req.headers.cookie) {
    ctx.req.headers.cookie = ctx.req.headers.cookie.split(/;\s*/)
      .filter((c) => !/^_session(\.sig)?=/.test(c)).join('; ');
  }
  if (ctx.path === '/me') {
    await next();
    const userinfoSub = ctx.body && accounts.get(ctx.body.sub)?.userinfo_sub;
    if (userinfoSub) ctx.body = { ...ctx.body, sub: userinfoSub };
    return;
  }
  if (ctx.path === '/test/next-login' && ctx.method === 'POST') {
    try {
      queue.push(parseLogin(JSON.parse((await readBody(ctx.req)) || 'null') ?? {}));
      ctx.status = 204;
    } catch (err) {
      ctx.status = 400;
      ctx.body = { error: err.message };
    }
    return;
  }
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
  if (!match) return next();
  const interaction = await provider.interactionDetails(ctx.req, ctx.res);
  if (interaction.uid !== match[1]) ctx.throw(400, 'interaction does not match the cookie');
  if (!match[2] && ctx.method === 'GET') {
    if (queue.length) return finish(ctx, interaction, queue.shift());
    ctx.type = 'html';
    ctx.body = loginForm(interaction.uid);
  } else if (match[2] && ctx.method === 'POST') {
    let login;
    try {
      login = parseLogin(Object.fromEntries(new URLSearchParams(await readBody(ctx.req))));
    } catch (err) {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = loginForm(interaction.uid, err.message);
      return;
    }
    await finish(ctx, interaction, login);
  } else {
    ctx.throw(405);
  }
});

function readBody(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > limit) { reject(new Error('body too large')); req.destroy(); }
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>
<body><main>${body}</main></body></html>`;
const field = (name, label, required = true) => `<p><label for="${name}">${label}</label><br>
<input id="${name}" name="${name}" type="text"${required ? ' required' : ''}></p>`;
const loginForm = (uid, error) => page('Inloggen met eHerkenning (testmakelaar)', `
<h1>Inloggen met eHerkenning (testmakelaar)</h1>
${error ? `<p role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
${field('sub', 'Identificatie (sub)')}${field('kvk', 'KvK-nummer')}
${field('vestigingsnummer', 'Vestigingsnummer (optioneel)', false)}${field('pseudo_id', 'Pseudoniem (pseudo_id)')}
<p><label for="acr">Betrouwbaarheidsniveau</label><br><select id="acr" name="acr">
${LOA.map((v) => `<option value="${v}"${v.endsWith('loa3') ? ' selected' : ''}>${v.split(':').pop().toUpperCase()} (${v})</option>`).join('\n')}
</select></p>
<p><button type="submit">Inloggen</button></p></form>`);

handler = provider.callback();
process.stdout.write(`{"issuer": ${JSON.stringify(issuer)}}\n`);

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections(); // don't wait for idle keep-alive connections
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
