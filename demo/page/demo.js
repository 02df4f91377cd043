// The demo page's behaviour: what a portal page does around <sesame-login>.
// - switch the presented portal (the `preset` attribute);
// - show who is logged in and grey out the services that need strong authentication,
//   from the `sesame-login` / `sesame-logout` events.

const login = document.getElementById('login');
const preset = document.getElementById('preset');
const session = document.getElementById('session');

const strongHint = document.getElementById('strong-hint');
const STRONG_REASON = 'Authentification forte requise';

function choosePreset(id) {
  if (![...preset.options].some((o) => o.value === id)) return;
  preset.value = id;
  // The widget shows this portal's session again, if there is one (a `sesame-login` event).
  session.hidden = true;
  login.setAttribute('preset', id);
  const url = new URL(window.location.href);
  url.searchParams.set('preset', id);
  window.history.replaceState(null, '', url);
}

function showSession(info) {
  document.getElementById('session-who').textContent = info.display_name;
  document.getElementById('session-method').textContent = info.method_label ?? info.method;
  document.getElementById('session-assurance').textContent =
    info.assurance_label ?? info.assurance;
  let greyed = 0;
  for (const tile of session.querySelectorAll('.tile')) {
    const open = tile.dataset.requires !== 'strong' || info.assurance === 'strong';
    tile.querySelector('.tile-reason')?.remove();
    if (open) {
      tile.removeAttribute('aria-disabled');
      tile.removeAttribute('aria-describedby');
    } else {
      greyed += 1;
      tile.setAttribute('aria-disabled', 'true');
      tile.setAttribute('aria-describedby', 'strong-hint');
      const reason = document.createElement('span');
      reason.className = 'tile-reason';
      reason.textContent = STRONG_REASON;
      tile.append(reason);
    }
  }
  strongHint.hidden = greyed === 0;
  session.hidden = false;
}

// A greyed-out tile stays focusable (so its reason can be read) but does not open.
session.addEventListener('click', (event) => {
  const tile = event.target.closest('.tile');
  if (tile?.getAttribute('aria-disabled') === 'true') event.preventDefault();
});

preset.addEventListener('change', () => choosePreset(preset.value));
login.addEventListener('sesame-login', (event) => showSession(event.detail));
login.addEventListener('sesame-logout', () => { session.hidden = true; });

choosePreset(new URLSearchParams(window.location.search).get('preset') ?? preset.value);
