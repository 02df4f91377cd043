// The stand-in's HTML pages, in French: the login pages of both issuers (oidc-provider's
// "interactions"), the e-CPS phone stand-in, the logout and error pages. Plain server-rendered
// forms: every field has its <label>, every page its <h1>, all content sits in landmarks, and
// the one script (the e-CPS waiting page's polling) only saves a click.

/** Escapes text for HTML (element content and quoted attribute values). */
export function h(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; color: #1e1e1e; background: #f6f6f6; line-height: 1.5; }
  header { background: #000091; color: #fff; padding: .75rem 1.5rem; }
  header p { margin: 0; font-weight: 700; }
  main { max-width: 38rem; margin: 1.5rem auto; background: #fff; padding: 1rem 1.5rem 1.5rem; border: 1px solid #ddd; }
  h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.5rem; }
  label { display: block; font-weight: 600; margin-top: .75rem; }
  fieldset label { display: inline; font-weight: 400; margin: 0; }
  fieldset div { margin: .4rem 0; }
  input[type=text], input[type=password] { font: inherit; padding: .4rem; width: 100%; box-sizing: border-box; border: 1px solid #666; }
  button, .button { font: inherit; display: inline-block; margin-top: .75rem; padding: .5rem 1rem; border: 2px solid #000091;
    background: #000091; color: #fff; cursor: pointer; text-decoration: none; }
  button.secondary, .button.secondary { background: #fff; color: #000091; }
  :focus-visible { outline: 3px solid #0a76f6; outline-offset: 2px; }
  .error { color: #b3261e; font-weight: 600; }
  .note { background: #eef; padding: .5rem .75rem; border-left: 4px solid #000091; }
  .number { font-size: 1.25rem; }
  .number strong { font-size: 2.5rem; display: block; text-align: center; letter-spacing: .1em; }
  .choices button { font-size: 1.5rem; min-width: 4.5rem; margin-right: .5rem; }
`;

/**
 * A whole page. `brand` is the issuer's name shown in the header, `title` the page's own title
 * (also its <h1>), `body` the HTML inside <main>, `script` an optional inline script.
 */
export function page({ brand, title, body, script = '' }) {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${h(title)} — ${h(brand)}</title>
  <style>${STYLE}</style>
</head>
<body>
  <header><p>${h(brand)}</p></header>
  <main>
    <h1>${h(title)}</h1>
    ${body}
  </main>
  ${script ? `<script>${script}</script>` : ''}
</body>
</html>`;
}

/** A paragraph announcing an error (empty when there is none). */
export function errorText(message, id = 'erreur') {
  return message ? `<p class="error" id="${h(id)}" role="alert">${h(message)}</p>` : '';
}

/** The "Annuler et revenir au portail" form: ends the interaction with `access_denied`. */
export function cancelForm(uid, { label = 'Annuler et revenir au portail', demande = '' } = {}) {
  return `<form method="post" action="/interaction/${h(uid)}/abort">
      ${demande ? `<input type="hidden" name="demande" value="${h(demande)}">` : ''}
      <button type="submit" class="secondary">${h(label)}</button>
    </form>`;
}

/** "Le service « X » demande votre identification." */
export function clientLine(clientName) {
  return `<p>Le service « ${h(clientName)} » demande votre identification.</p>`;
}
