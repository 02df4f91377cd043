// The regional SSO flavour ("ESEA"): standard scopes (`openid profile email`), an identifier
// and password form. Every test identity's password is `esea-demo` (demonstration only).

import { page, h, errorText, cancelForm, clientLine } from './pages.mjs';
import { readForm, sendHtml } from './http.mjs';

const BRAND = 'ESEA — service sécurisé (démonstration locale)';

/** The one password of the test identities. */
export const PASSWORD = 'esea-demo';

/** The ESEA flavour over the `sso` identities of identities.json. */
export default function esea(identities) {
  const byLogin = new Map(identities.map((p) => [p.login, p]));
  const bySub = new Map(identities.map((p) => [p.sub, p]));

  function loginPage({ uid, clientName, error = '', login = '' }) {
    const invalid = error ? ' aria-invalid="true" aria-describedby="erreur"' : '';
    return page({
      brand: BRAND,
      title: 'Connexion à ESEA',
      body: `${clientLine(clientName)}
    ${errorText(error)}
    <form method="post" action="/interaction/${h(uid)}/login">
      <label for="login">Identifiant</label>
      <input type="text" id="login" name="login" value="${h(login)}" autocomplete="username" required${invalid}>
      <label for="password">Mot de passe</label>
      <input type="password" id="password" name="password" autocomplete="current-password" required${invalid}>
      <button type="submit">Se connecter</button>
    </form>
    <p class="note">Démonstration : ${identities.map((p) => `identifiant <strong>${h(p.login)}</strong>`).join(', ')},
      mot de passe <strong>${h(PASSWORD)}</strong>.</p>
    ${cancelForm(uid)}`,
    });
  }

  function findAccount(sub) {
    const person = bySub.get(sub);
    if (!person) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          given_name: person.given_name,
          family_name: person.family_name,
          email: person.email,
          preferred_username: person.login,
        };
      },
    };
  }

  async function route(req, res, url, op) {
    const m = url.pathname.match(/^\/interaction\/([\w-]+)\/login$/);
    if (!m || req.method !== 'POST') return false;
    const uid = m[1];
    const details = await op.details(req, res, uid);
    const form = await readForm(req);
    const login = (form.login ?? '').trim();
    const person = byLogin.get(login);
    if (!person || form.password !== PASSWORD) {
      const clientName = await op.clientName(details);
      sendHtml(res, 400, loginPage({ uid, clientName, login, error: 'Identifiant ou mot de passe incorrect.' }));
      return true;
    }
    console.error(`sso: connexion de ${person.login}`);
    await op.login(req, res, { accountId: person.sub, acr: 'eidas1', amr: ['pwd'] });
    return true;
  }

  return {
    key: 'sso',
    brand: BRAND,
    callbackPath: '/api/login/oidc/sso/callback',
    acrValues: ['eidas1'],
    claims: {
      openid: ['sub', 'acr', 'amr'],
      profile: ['given_name', 'family_name', 'preferred_username'],
      email: ['email'],
    },
    clientExtra: {},
    findAccount,
    loginPage,
    route,
    onAbort() {},
  };
}
