// <sesame-login preset="spico" api="/api" lang="fr"></sesame-login>
//
// Defines the custom element and hands it to the WebAssembly widget. No inline script, no eval:
// works under CSP `script-src 'self' 'wasm-unsafe-eval'`. Light DOM: the page's stylesheet
// (sesame-login.css) applies. Events: sesame-login, sesame-logout, sesame-error (bubbling).
import init, { mount } from './sesame_widget.js';

const ready = init();

class SesameLogin extends HTMLElement {
  static get observedAttributes() {
    return ['preset', 'api', 'lang'];
  }

  connectedCallback() {
    this.#schedule();
  }

  attributeChangedCallback(_name, oldValue, newValue) {
    if (oldValue !== newValue && this.isConnected) this.#schedule();
  }

  disconnectedCallback() {
    this.#unmount();
  }

  // Several attributes set in a row give one re-render.
  #pending = false;
  #handle = null;

  #schedule() {
    if (this.#pending) return;
    this.#pending = true;
    ready.then(() => {
      this.#pending = false;
      if (!this.isConnected) return;
      this.#unmount();
      this.#handle = mount(this);
    }, (error) => {
      // The WebAssembly could not load (old browser, blocked file): say so in the page.
      this.#pending = false;
      const message = this.getAttribute('lang')?.startsWith('en')
        ? 'The login module could not load. Reload the page; if it happens again, contact support.'
        : "Le module de connexion n'a pas pu se charger. Rechargez la page ; si cela recommence, contactez l'assistance.";
      const alert = document.createElement('p');
      alert.setAttribute('role', 'alert');
      alert.className = 'sesame-error';
      alert.textContent = message;
      this.replaceChildren(alert);
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
