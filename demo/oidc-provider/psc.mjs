// The Pro Santé Connect flavour: PSC's scopes and claims (`scope_all`, `SubjectNameID`,
// `SubjectRefPro`…), its two ways in — e-CPS (the phone application: pick on the phone the
// number the browser shows) and the CPS card (simulated: a list of cards) — and the e-CPS
// "phone": JSON endpoints plus a small HTML page standing in for the application.

import * as crypto from 'node:crypto';

import { page, h, errorText, cancelForm, clientLine } from './pages.mjs';
import { readForm, readJson, sendHtml, sendJson, seeOther } from './http.mjs';

const BRAND = 'Pro Santé Connect (démonstration locale)';

/** PSC's `sub` is `f:<a fixed UUID>:<national id>`: stable for each identity. */
const SUB_PREFIX = 'f:2b6e1c0a-7d3f-4c58-9e21-5a4b8f0d6c13:';

/** How long an e-CPS request waits for the phone. */
const ECPS_TTL_MS = 5 * 60 * 1000;

/**
 * `SubjectRefPro` as PSC's userinfo has it: one "exercice" (the profession) with its
 * activities (the places of work). Fields PSC sends empty in its test accounts stay empty.
 */
function subjectRefPro(person) {
  return {
    codeCivilite: '',
    exercices: [{
      codeProfession: person.profession,
      codeCategorieProfessionnelle: 'C', // civil
      codeCiviliteDexercice: '',
      nomDexercice: person.family_name,
      prenomDexercice: person.given_name,
      codeTypeSavoirFaire: '',
      codeSavoirFaire: '',
      activities: person.activities.map((activity) => ({
        // The identities file names no mode of practice: a hospital is salaried (S), the
        // rest liberal (L).
        codeModeExercice: activity.name.startsWith('Centre hospitalier') ? 'S' : 'L',
        codeSecteurDActivite: '',
        codeSectionPharmacien: '',
        codeRole: '',
        numeroSiretSite: '',
        numeroSirenSite: '',
        numeroFinessSite: '',
        numeroFinessetablissementJuridique: '',
        identifiantTechniqueDeLaStructure: activity.id,
        raisonSocialeSite: activity.name,
        enseigneCommercialeSite: '',
      })),
    }],
  };
}

/** The PSC flavour over the `psc` identities of identities.json. */
export default function psc(identities) {
  const people = identities.map((person) => ({ ...person, sub: SUB_PREFIX + person.rpps }));
  const byRpps = new Map(people.map((p) => [p.rpps, p]));
  const bySub = new Map(people.map((p) => [p.sub, p]));

  /** e-CPS requests by id: { id, interaction, rpps, number, choices, client, status, created }. */
  const requests = new Map();

  function newRequest(interaction, rpps, client) {
    const now = Date.now();
    for (const [id, r] of requests) if (now - r.created > ECPS_TTL_MS) requests.delete(id);
    // Three distinct two-digit numbers; the right one at a random place.
    const choices = new Set();
    while (choices.size < 3) choices.add(crypto.randomInt(10, 100));
    const list = [...choices];
    const request = {
      id: crypto.randomUUID(),
      interaction,
      rpps,
      number: list[crypto.randomInt(0, 3)],
      choices: list,
      client,
      status: 'pending',
      created: now,
    };
    requests.set(request.id, request);
    return request;
  }

  /** The phone's side: 'approved' for the right number, 'refused' otherwise (or declined). */
  function answer(request, { number, decline }) {
    request.status = !decline && Number(number) === request.number ? 'approved' : 'refused';
    console.error(`psc: e-CPS ${request.status === 'approved' ? 'approuvée' : 'refusée'} sur le téléphone (RPPS ${request.rpps})`);
    return request.status;
  }

  function pending(rpps) {
    const now = Date.now();
    return [...requests.values()]
      .filter((r) => r.rpps === rpps && r.status === 'pending' && now - r.created <= ECPS_TTL_MS)
      .at(-1);
  }

  // ---- the browser's pages ----

  function testIdentities() {
    return `<h2>Identités de test</h2>
    <ul>${people.map((p) => `<li>${h(p.given_name)} ${h(p.family_name)} : RPPS ${h(p.rpps)}</li>`).join('')}</ul>`;
  }

  function loginPage({ uid, clientName, error = '', rpps = '' }) {
    const described = error ? 'rpps-aide erreur' : 'rpps-aide';
    return page({
      brand: BRAND,
      title: 'Connexion à Pro Santé Connect',
      body: `${clientLine(clientName)}
    <h2>Avec e-CPS (application sur téléphone)</h2>
    <form method="post" action="/interaction/${h(uid)}/ecps">
      <label for="rpps">Identifiant national (RPPS)</label>
      <p id="rpps-aide">Les 11 chiffres de votre numéro RPPS.</p>
      ${errorText(error)}
      <input type="text" id="rpps" name="rpps" value="${h(rpps)}" inputmode="numeric" autocomplete="username"
        required aria-describedby="${described}"${error ? ' aria-invalid="true"' : ''}>
      <button type="submit">Se connecter avec e-CPS</button>
    </form>
    <h2>Avec la carte CPS</h2>
    <p><a class="button" href="/interaction/${h(uid)}/carte">Se connecter avec la carte CPS</a></p>
    ${testIdentities()}
    ${cancelForm(uid)}`,
    });
  }

  function cardPage({ uid, clientName, error = '' }) {
    return page({
      brand: BRAND,
      title: 'Connexion par carte CPS',
      body: `${clientLine(clientName)}
    <p class="note">Démonstration : avec une vraie carte, le code PIN est demandé par le logiciel de la carte
      (Cryptolib CPS), jamais par cette page.</p>
    ${errorText(error)}
    <form method="post" action="/interaction/${h(uid)}/carte">
      <fieldset>
        <legend>Carte insérée dans le lecteur</legend>
        ${people.map((p) => `<div><input type="radio" name="rpps" id="carte-${h(p.rpps)}" value="${h(p.rpps)}" required>
          <label for="carte-${h(p.rpps)}">Carte CPS de ${h(p.given_name)} ${h(p.family_name)} (RPPS ${h(p.rpps)})</label></div>`).join('\n        ')}
      </fieldset>
      <button type="submit">Se connecter</button>
    </form>
    <p><a href="/interaction/${h(uid)}">Choisir un autre moyen de connexion</a></p>
    ${cancelForm(uid)}`,
    });
  }

  // Polls the request's status every second; once the phone answered, submits "Continuer".
  const POLL = `(function () {
  var form = document.getElementById('continuer');
  var state = document.getElementById('etat');
  var timer = setInterval(function () {
    fetch('/ecps/status/' + encodeURIComponent(form.dataset.demande))
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (!answer || answer.status === 'pending') return;
        clearInterval(timer);
        state.textContent = answer.status === 'approved'
          ? 'Validé sur le téléphone : connexion en cours.' : 'Refusé sur le téléphone.';
        form.submit();
      })
      .catch(function () {});
  }, 1000);
})();`;

  function waitingPage({ uid, request, notice = '' }) {
    return page({
      brand: BRAND,
      title: 'Validez sur votre téléphone',
      body: `<p class="number">Ouvrez l'application e-CPS sur votre téléphone et choisissez le nombre :
      <strong id="nombre">${request.number}</strong></p>
    <p>Démonstration : le téléphone est simulé par la page
      <a href="/ecps/telephone?rpps=${h(request.rpps)}" target="_blank" rel="noopener">e-CPS sur téléphone
      (nouvel onglet)</a>.</p>
    <p id="etat" role="status">${h(notice || 'En attente de votre choix sur le téléphone…')}</p>
    <form method="post" action="/interaction/${h(uid)}/ecps/continuer" id="continuer" data-demande="${h(request.id)}">
      <input type="hidden" name="demande" value="${h(request.id)}">
      <button type="submit">Continuer</button>
    </form>
    ${cancelForm(uid, { label: 'Annuler', demande: request.id })}`,
      script: POLL,
    });
  }

  // ---- the phone stand-in's page ----

  function phonePage({ rpps = '', request, result = '', error = '' }) {
    let body = `<form method="get" action="/ecps/telephone">
      <label for="rpps">Identifiant national (RPPS) de ce téléphone</label>
      ${errorText(error)}
      <input type="text" id="rpps" name="rpps" value="${h(rpps)}" inputmode="numeric" required
        ${error ? 'aria-invalid="true" aria-describedby="erreur"' : ''}>
      <button type="submit">Voir les demandes</button>
    </form>`;
    if (result) {
      body += `<p role="status">${h(result)}</p>`;
    } else if (request) {
      body += `<h2>Demande de connexion</h2>
    <form method="post" action="/ecps/telephone">
      <input type="hidden" name="demande" value="${h(request.id)}">
      <input type="hidden" name="rpps" value="${h(rpps)}">
      <fieldset class="choices">
        <legend>Connexion à « ${h(request.client)} » : choisissez le nombre affiché sur l’écran de connexion</legend>
        ${request.choices.map((n) => `<button type="submit" name="number" value="${n}">${n}</button>`).join('\n        ')}
      </fieldset>
      <button type="submit" name="decline" value="1" class="secondary">Refuser</button>
    </form>`;
    } else if (rpps) {
      body += '<p role="status">Aucune demande de connexion en attente.</p>';
    }
    return page({ brand: BRAND, title: 'Application e-CPS (téléphone simulé)', body });
  }

  // ---- routes ----

  /** The account for `sub`, with PSC's claims (oidc-provider keeps those of the granted scopes). */
  function findAccount(sub) {
    const person = bySub.get(sub);
    if (!person) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          SubjectNameID: person.subject_name_id,
          preferred_username: person.subject_name_id,
          given_name: person.given_name,
          family_name: person.family_name,
          SubjectOrganization: person.activities[0]?.name ?? '',
          SubjectRefPro: subjectRefPro(person),
        };
      },
    };
  }

  /** Routes of this issuer beside oidc-provider's own; true when it answered. */
  async function route(req, res, url, op) {
    const { pathname } = url;

    // The phone's JSON endpoints.
    if (req.method === 'GET' && pathname === '/ecps/pending') {
      const request = pending(url.searchParams.get('rpps') ?? '');
      if (!request) sendJson(res, 404, { error: 'none' });
      else sendJson(res, 200, { uid: request.id, choices: request.choices, client: request.client });
      return true;
    }
    if (req.method === 'POST' && pathname === '/ecps/answer') {
      const body = await readJson(req);
      const request = requests.get(String(body?.uid ?? ''));
      if (!body) sendJson(res, 400, { error: 'invalid_request' });
      else if (!request || request.status !== 'pending') sendJson(res, 404, { error: 'none' });
      else sendJson(res, 200, { result: answer(request, body) });
      return true;
    }
    const status = pathname.match(/^\/ecps\/status\/([\w-]+)$/);
    if (req.method === 'GET' && status) {
      const request = requests.get(status[1]);
      if (!request) sendJson(res, 404, { error: 'none' });
      else sendJson(res, 200, { status: request.status });
      return true;
    }

    // The phone's page.
    if (pathname === '/ecps/telephone' && req.method === 'GET') {
      const rpps = (url.searchParams.get('rpps') ?? '').trim();
      const error = rpps && !byRpps.has(rpps) ? 'Aucun professionnel de santé connu avec cet identifiant.' : '';
      sendHtml(res, 200, phonePage({ rpps, error, request: error ? undefined : pending(rpps) }));
      return true;
    }
    if (pathname === '/ecps/telephone' && req.method === 'POST') {
      const form = await readForm(req);
      const request = requests.get(form.demande ?? '');
      let result = 'Cette demande n’est plus en attente.';
      if (request?.status === 'pending') {
        result = answer(request, { number: form.number, decline: form.decline }) === 'approved'
          ? 'Connexion approuvée. Revenez à l’écran de connexion.'
          : 'Connexion refusée.';
      }
      sendHtml(res, 200, phonePage({ rpps: form.rpps ?? '', result }));
      return true;
    }

    if (req.method === 'GET' && pathname === '/') {
      sendHtml(res, 200, page({
        brand: BRAND,
        title: 'Pro Santé Connect (démonstration locale)',
        body: `<p>Ce serveur local joue le rôle de Pro Santé Connect pour la démonstration de Sésame.</p>
    <p><a href="/ecps/telephone">L’application e-CPS, simulée</a></p>
    <p><a href="/.well-known/openid-configuration">Configuration OpenID Connect</a></p>
    ${testIdentities()}`,
      }));
      return true;
    }

    // The interaction's own pages (`/interaction/<uid>` itself is common to both issuers).
    const m = pathname.match(/^\/interaction\/([\w-]+)\/(ecps|ecps\/attente|ecps\/continuer|carte)$/);
    if (!m) return false;
    const [, uid, step] = m;
    const details = await op.details(req, res, uid);
    const clientName = await op.clientName(details);

    if (step === 'carte' && req.method === 'GET') {
      sendHtml(res, 200, cardPage({ uid, clientName }));
      return true;
    }
    if (step === 'carte' && req.method === 'POST') {
      const person = byRpps.get((await readForm(req)).rpps ?? '');
      if (!person) {
        sendHtml(res, 400, cardPage({ uid, clientName, error: 'Choisissez une carte.' }));
        return true;
      }
      console.error(`psc: connexion par carte CPS (RPPS ${person.rpps})`);
      await op.login(req, res, { accountId: person.sub, acr: 'eidas2', amr: ['sc', 'pin'] });
      return true;
    }
    if (step === 'ecps' && req.method === 'POST') {
      const rpps = ((await readForm(req)).rpps ?? '').trim();
      let error = '';
      if (!/^\d{11}$/.test(rpps)) error = 'L’identifiant national RPPS compte 11 chiffres.';
      else if (!byRpps.has(rpps)) error = `Aucun professionnel de santé n’est connu avec l’identifiant ${rpps}.`;
      if (error) {
        sendHtml(res, 400, loginPage({ uid, clientName, error, rpps }));
        return true;
      }
      const request = newRequest(uid, rpps, clientName);
      console.error(`psc: demande e-CPS envoyée au téléphone (RPPS ${rpps})`);
      seeOther(res, `/interaction/${uid}/ecps/attente?demande=${request.id}`);
      return true;
    }
    if (step === 'ecps/attente' && req.method === 'GET') {
      const request = requests.get(url.searchParams.get('demande') ?? '');
      if (!request || request.interaction !== uid) {
        sendHtml(res, 400, loginPage({ uid, clientName, error: 'Cette demande e-CPS n’existe plus : recommencez.' }));
      } else {
        sendHtml(res, 200, waitingPage({ uid, request }));
      }
      return true;
    }
    if (step === 'ecps/continuer' && req.method === 'POST') {
      const request = requests.get((await readForm(req)).demande ?? '');
      if (!request || request.interaction !== uid || Date.now() - request.created > ECPS_TTL_MS) {
        sendHtml(res, 400, loginPage({ uid, clientName, error: 'Cette demande e-CPS a expiré : recommencez.' }));
      } else if (request.status === 'pending') {
        sendHtml(res, 200, waitingPage({ uid, request, notice: 'Pas encore de réponse du téléphone : choisissez le nombre dans l’application e-CPS.' }));
      } else {
        requests.delete(request.id);
        if (request.status === 'approved') {
          console.error(`psc: connexion e-CPS (RPPS ${request.rpps})`);
          await op.login(req, res, { accountId: SUB_PREFIX + request.rpps, acr: 'eidas1', amr: ['mca'] });
        } else {
          await op.finish(req, res, {
            error: 'access_denied',
            error_description: 'Connexion refusée dans l’application e-CPS',
          });
        }
      }
      return true;
    }
    return false;
  }

  /** An abandoned interaction's e-CPS request (`demande`) stops waiting for the phone. */
  function onAbort(form) {
    const request = requests.get(form.demande ?? '');
    if (request?.status === 'pending') request.status = 'cancelled';
  }

  return {
    key: 'psc',
    brand: BRAND,
    callbackPath: '/api/login/oidc/psc/callback',
    acrValues: ['eidas1', 'eidas2'],
    claims: {
      // acr and amr under `openid`: always in the ID Token, whether or not acr_values was sent.
      openid: ['sub', 'acr', 'amr'],
      scope_all: ['SubjectNameID', 'SubjectRefPro', 'given_name', 'family_name', 'preferred_username', 'SubjectOrganization'],
    },
    // PSC answers userinfo as a signed JWT.
    clientExtra: { userinfo_signed_response_alg: 'RS256' },
    findAccount,
    loginPage,
    route,
    onAbort,
  };
}
