// <sesame-login preset="spico" api="/api" lang="fr"></sesame-login>
// <sesame-login config="/portal.json" api="/api"></sesame-login>  (a portal's own configuration)
//
// Defines the custom element and hands it to the WebAssembly widget. No inline script, no eval:
// works under CSP `script-src 'self' 'wasm-unsafe-eval'`. Light DOM: the page's stylesheet
// (sesame-login.css) applies. Events: sesame-login, sesame-logout, sesame-error (bubbling).
//
// First paint: until the WebAssembly is ready, the element shows the preset's identifier and
// password fields as plain HTML (labels generated from core, below), so people can type at
// once; the widget then takes over what was typed, the focus, and a submit pressed meanwhile.

// BEGIN first-paint labels: generated from core's presets by `cargo test -p xtask` (tidy).
const FIRST_PAINT = {"presets":{"entractes":{"accent":"#0b5cad","identifier":{"en":"Identifier","fr":"Identifiant"},"identifierMode":"numeric","name":"Entr'Actes","notice":{"en":"The 5-digit identifier and 6-digit password Entr'Actes sent you.","fr":"Identifiant à 5 chiffres et mot de passe à 6 chiffres reçus d'Entr'Actes."},"passwordMode":"numeric","tagline":{"en":"Your primary care coordination platform","fr":"Votre plateforme de coordination des soins primaires"},"title":{"en":"Log in","fr":"Se connecter"}}},"texts":{"identifier":{"en":"Identifier","fr":"Identifiant"},"loading":{"en":"Loading the login module…","fr":"Chargement du module de connexion…"},"logIn":{"en":"Log in","fr":"Se connecter"},"password":{"en":"Password","fr":"Mot de passe"},"submitQueued":{"en":"Logging in as soon as the login module is ready…","fr":"Connexion dès que le module de connexion sera prêt…"}}};
// END first-paint labels.

// Imported, not `import`ed at the top: a static import would hold this script (and so the
// first paint) until the glue has downloaded.
const glue = import('./sesame_widget.js').then((g) => g.default().then(() => g));
const ready = glue.then((g) => g.mount);

// English on demand: the wasm holds the French texts only; the English ones are fetched once per
// page, when an element starts in English (beside the wasm: the first paint stays meanwhile) or
// when a person presses the language switch (the widget waits for them), and handed to the wasm.
// Always resolves: the widget checks whether English came, and retries on the next request.
const EN_URL = new URL('sesame-en.json', import.meta.url);
let english = null;
const loadEnglish = () => (english ??= Promise.all([
  glue, fetch(EN_URL).then((r) => (r.ok ? r.json() : null)),
]).then(([g, table]) => {
  if (!g.english(table)) english = null;
}, () => { english = null; }));
let instances = 0;

// A portal's own configuration (`config="/portal.json"`): fetched once per URL and parsed by
// the browser; the wasm reads and checks it. What could not be had is said in words instead.
const configs = new Map();
const loadConfig = (el) => {
  const attr = el.getAttribute('config')?.trim();
  if (!attr) return Promise.resolve(null);
  const url = new URL(attr, document.baseURI).href;
  if (!configs.has(url)) {
    configs.set(url, fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then((r) => (r.ok ? r.json().catch(() => `${attr}: not JSON`) : `${attr}: HTTP ${r.status}`),
        () => `${attr}: unreachable`)
      .then((c) => { if (typeof c === 'string') configs.delete(url); return c; }));
  }
  return configs.get(url);
};

const lang = (el) => (el.getAttribute('lang')?.toLowerCase().startsWith('en') ? 'en' : 'fr');

function node(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

class SesameLogin extends HTMLElement {
  static get observedAttributes() {
    return ['preset', 'config', 'api', 'lang'];
  }

  #pending = false;
  #handle = null;
  #queued = false;
  #uid = `sesame-fp${++instances}`;

  connectedCallback() {
    if (!this.#handle) this.#firstPaint();
    this.#schedule();
  }

  attributeChangedCallback(_name, oldValue, newValue) {
    if (oldValue === newValue || !this.isConnected) return;
    if (!this.#handle) this.#firstPaint();
    this.#schedule();
  }

  disconnectedCallback() {
    this.#unmount();
  }

  // The plain form, in the preset's words; what was already typed is kept. A first paint for
  // this very preset and language (served by the page, or drawn here before) is kept as it is.
  #firstPaint() {
    const l = lang(this);
    const t = (text) => text?.[l] ?? '';
    const texts = FIRST_PAINT.texts ?? {};
    // A portal's own configuration has no first-paint labels here: the loading line alone.
    const presetId = this.getAttribute('config')?.trim() ? '' : (this.getAttribute('preset')?.trim() || 'paaco');
    const preset = FIRST_PAINT.presets?.[presetId];
    const served = this.querySelector(':scope > .sesame-first-paint');
    if (served && served.dataset.preset === presetId && served.getAttribute('lang') === l) {
      if (preset) served.style.setProperty('--sesame-accent', preset.accent);
      this.#wire(served, t(texts.submitQueued));
      return;
    }
    const kept = this.#typed();
    const id = this.#uid;
    const status = node('p', { class: 'sesame-first-paint-status', role: 'status' },
      this.#queued ? t(texts.submitQueued) : t(texts.loading));
    // Named like a served one, so the next call for the same preset and language keeps it (at
    // upgrade, each attribute and the connection call this in turn).
    const section = node('section', { class: 'sesame sesame-first-paint', lang: l, 'aria-busy': 'true', 'data-preset': presetId });
    if (preset) {
      section.setAttribute('aria-labelledby', `${id}-portal`);
      section.style.setProperty('--sesame-accent', preset.accent);
      const identifier = node('input', {
        id: `${id}-identifier`, name: 'identifier', type: 'text', autocomplete: 'username',
        spellcheck: 'false', autocapitalize: 'off', inputmode: preset.identifierMode,
        'aria-required': 'true',
      });
      const password = node('input', {
        id: `${id}-password`, name: 'password', type: 'password',
        autocomplete: 'current-password', inputmode: preset.passwordMode,
      });
      identifier.value = kept.identifier;
      password.value = kept.password;
      const form = node('form', { class: 'sesame-form', 'data-form': 'password', method: 'post', novalidate: '', 'aria-labelledby': `${id}-title` },
        node('h3', { id: `${id}-title`, class: 'sesame-form-title' }, t(preset.title)),
        ...(preset.notice ? [node('p', { class: 'sesame-notice' },
          node('span', { class: 'sesame-notice-icon', 'aria-hidden': 'true' }, 'i'), t(preset.notice))] : []),
        node('div', { class: 'sesame-field' },
          node('label', { for: `${id}-identifier` }, t(preset.identifier)), identifier),
        node('div', { class: 'sesame-field' },
          node('label', { for: `${id}-password` }, t(texts.password)),
          node('div', { class: 'sesame-password-row' }, password)),
        status,
        node('button', { type: 'submit', class: 'sesame-primary' }, t(texts.logIn)));
      section.append(
        node('header', { class: 'sesame-header' },
          node('div', { class: 'sesame-brand' },
            node('h2', { id: `${id}-portal`, class: 'sesame-portal' }, preset.name),
            node('p', { class: 'sesame-tagline' }, t(preset.tagline)))),
        form);
    } else {
      section.append(status);
    }
    this.#wire(section, t(texts.submitQueued));
    const focused = kept.focus && section.querySelector(`input[name="${kept.focus}"]`);
    this.replaceChildren(section);
    focused?.focus();
  }

  // A submit pressed before the module is ready is queued: it logs in as soon as it is.
  #wire(section, queuedText) {
    const form = section.querySelector('form');
    if (!form || 'wired' in section.dataset) return;
    section.dataset.wired = '';
    const status = section.querySelector('.sesame-first-paint-status');
    form.querySelector('button[type="submit"]')?.removeAttribute('disabled');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#queued = true;
      if (status) status.textContent = queuedText;
    });
  }

  // What the first paint holds: typed values and the focused field.
  #typed() {
    const value = (name) => this.querySelector(`.sesame-first-paint input[name="${name}"]`)?.value ?? '';
    const active = document.activeElement;
    return {
      identifier: value('identifier'),
      password: value('password'),
      focus: active && this.contains(active) ? active.getAttribute('name') : null,
      submit: this.#queued,
    };
  }

  // Several attributes set in a row give one re-render.
  #schedule() {
    if (this.#pending) return;
    this.#pending = true;
    Promise.all([
      lang(this) === 'en' ? loadEnglish().then(() => ready) : ready, loadConfig(this),
    ]).then(([mount, config]) => {
      this.#pending = false;
      if (!this.isConnected) return;
      const typed = this.#handle ? null : this.#typed();
      this.#queued = false;
      this.#unmount();
      this.replaceChildren();
      this.#handle = mount(this, typed, loadEnglish, config);
    }, (error) => {
      // The WebAssembly could not load (old browser, blocked file): say so in the page.
      this.#pending = false;
      const message = lang(this) === 'en'
        ? 'The login module could not load. Reload the page; if it happens again, contact support.'
        : "Le module de connexion n'a pas pu se charger. Rechargez la page ; si cela recommence, contactez l'assistance.";
      this.replaceChildren(node('p', { role: 'alert', class: 'sesame-error' }, message));
      console.error('sesame-login:', error);
      this.dispatchEvent(new CustomEvent('sesame-error', {
        bubbles: true,
        composed: true,
        detail: { code: 'internal_error', message },
      }));
    });
  }

  #unmount() {
    if (this.#handle) {
      this.#handle.destroy();
      this.#handle.free();
      this.#handle = null;
    }
  }
}

if (!customElements.get('sesame-login')) {
  customElements.define('sesame-login', SesameLogin);
}
