// The QR login's phone, simulated (demo only): enrol with a pasted enrolment payload, read a
// pasted login payload's request, pick the digits, type the PIN, approve or decline.
// The key is a WebCrypto ECDSA P-256 key kept in localStorage as a JWK: fine for a demo, not
// how a real app keeps a key. The signed bytes are core's qr::to_be_signed:
// context ‖ SHA-256(session key) ‖ SHA-256(challenge) ‖ SHA-256(origin) ‖ SHA-256(portal).

const STORE = "sesame-phone";
const API = "/api";
const APPROVE = "sesame-qr-approve-v1\0";
const DECLINE = "sesame-qr-decline-v1\0";

const $ = (id) => document.getElementById(id);
const enc = new TextEncoder();

function say(text) {
  $("message").textContent = text;
}

function b64url(bytes) {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function load() {
  try {
    return JSON.parse(localStorage.getItem(STORE) || "null");
  } catch {
    return null;
  }
}

// What went wrong, said to the person with what to do (French, then English), by the portal's
// error code; the code itself last, for whoever debugs.
const TROUBLE = {
  network: "Le portail ne répond pas. Vérifiez la connexion, puis réessayez. "
    + "(The portal does not answer. Check the connection, then try again.)",
  not_authenticated: "Vous n'êtes pas connecté au portail dans ce navigateur. Connectez-vous "
    + "par mot de passe dans un autre onglet, puis redemandez un code. (You are not logged in "
    + "to the portal in this browser. Log in with a password in another tab, then ask again.)",
  method_not_available: "Ce portail ne propose pas la connexion par QR code. (This portal "
    + "does not offer QR code login.)",
  qr_enrolment_invalid: "Ce code d'enregistrement n'est pas valable (expiré ou déjà utilisé). "
    + "Demandez-en un nouveau. (This enrolment code is not valid: expired or already used. "
    + "Ask for a new one.)",
  qr_pin_weak: "Ce code PIN est trop facile à deviner (suite, répétition ou date). Choisissez "
    + "4 chiffres sans logique apparente. (This PIN is too easy to guess: choose 4 digits with "
    + "no obvious pattern.)",
  invalid_request: "Ce texte n'est pas un QR code Sésame. Copiez tout le texte du QR code, "
    + "puis collez-le à nouveau. (This is not a Sésame QR code: copy its whole text and paste "
    + "it again.)",
  qr_unknown: "Ce QR code est inconnu du portail. Affichez un nouveau QR code sur "
    + "l'ordinateur et collez-le. (This QR code is unknown: show a new one on the computer and "
    + "paste it.)",
  qr_expired: "Ce QR code a expiré. Affichez-en un nouveau sur l'ordinateur, collez-le et "
    + "validez sans attendre. (This QR code has expired: show a new one, paste it and approve "
    + "without waiting.)",
  qr_declined: "Cette connexion a déjà été refusée. Si c'était bien vous, affichez un nouveau "
    + "QR code. (This login was already declined: if it was you, show a new QR code.)",
  qr_already_used: "Ce QR code a déjà servi. Pour vous connecter à nouveau, affichez-en un "
    + "nouveau. (This QR code was already used: show a new one.)",
  qr_pin_wrong: "Code PIN incorrect. Vérifiez-le et réessayez : après 5 erreurs, ce téléphone "
    + "sera bloqué. (Wrong PIN. Check it and try again: after 5 mistakes this phone is locked.)",
  qr_pin_locked: "Trop de codes PIN incorrects : ce téléphone est bloqué. Connectez-vous "
    + "autrement, puis enregistrez-le à nouveau. (Too many wrong PINs: this phone is locked. "
    + "Log in another way, then enrol it again.)",
  qr_digits_wrong: "Ces chiffres ne sont pas ceux affichés à côté du QR code : par sécurité, la "
    + "connexion est annulée. Affichez un nouveau QR code. (These are not the digits shown: for "
    + "your safety the login is cancelled. Show a new QR code.)",
  qr_device_unknown: "Ce téléphone n'est pas enregistré pour ce portail. Enregistrez-le "
    + "d'abord (étape 1). (This phone is not enrolled for this portal: enrol it first, step 1.)",
  qr_signature_invalid: "Le portail ne reconnaît pas ce téléphone, ou la demande vient d'un "
    + "autre site. Enregistrez à nouveau ce téléphone (étape 1). (The portal does not recognise "
    + "this phone, or the request came from another site: enrol this phone again, step 1.)",
  rate_limited: "Trop d'essais. Patientez une minute, puis réessayez. (Too many tries: wait a "
    + "minute, then try again.)",
};

class Trouble extends Error {
  constructor(code, fallback) {
    super(TROUBLE[code] || `${fallback} (${code})`);
    this.code = code;
  }
}

// What to say of a failure: its own words, then the code.
function told(err) {
  return err instanceof Trouble && TROUBLE[err.code]
    ? `${err.message} [${err.code}]`
    : err.message;
}

async function post(path, body) {
  let answer;
  try {
    answer = await fetch(API + path, {
      method: "POST",
      headers: { "content-type": "application/json", "x-sesame-csrf": "1" },
      body: body === undefined ? "" : JSON.stringify(body),
    });
  } catch {
    throw new Trouble("network", "");
  }
  const text = await answer.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null; // a proxy's error page, say
  }
  if (!answer.ok) {
    const code = json && json.code ? json.code : `HTTP ${answer.status}`;
    throw new Trouble(code, json && json.message ? json.message : "Réessayez. (Try again.)");
  }
  return json;
}

// The session key and challenge of a login payload (sesame-qr://host/api?k=…&c=…).
function loginParts(payload) {
  const query = payload.trim().split("?")[1] || "";
  const params = new URLSearchParams(query);
  return { key: params.get("k") || "", challenge: params.get("c") || "" };
}

async function signed(context, payload, info) {
  const { key, challenge } = loginParts(payload);
  const parts = [enc.encode(context)];
  for (const part of [key, challenge, info.origin, info.portal]) {
    parts.push(new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(part))));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function sign(bytes) {
  const phone = load();
  const key = await crypto.subtle.importKey(
    "jwk", phone.jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, bytes);
  return b64url(sig); // r ‖ s, 64 bytes
}

function showDevice() {
  const phone = load();
  $("device-state").textContent = phone && phone.device
    ? `Enregistré pour ${phone.device.identifier} sur ${phone.device.portal}. `
      + `(Enrolled for ${phone.device.identifier} on ${phone.device.portal}.)`
    : "Ce téléphone n'est pas encore enregistré. (This phone is not enrolled yet.)";
}

$("enrolment-ask").addEventListener("click", async () => {
  try {
    const e = await post("/phone/enrolment");
    $("enrolment-qr").innerHTML = e.svg;
    const svg = $("enrolment-qr").querySelector("svg");
    if (svg) {
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", "QR code d'enregistrement (enrolment QR code)");
    }
    $("enrol-payload").value = e.payload;
    say("Code d'enregistrement prêt. Choisissez un code PIN, puis « Enregistrer ». "
      + "(Enrolment code ready. Choose a PIN, then \"enrol\".)");
  } catch (err) {
    say(`Pas de code d'enregistrement. ${told(err)}`);
  }
});

$("enrol-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const pair = await crypto.subtle.generateKey(
      { name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const raw = await crypto.subtle.exportKey("raw", pair.publicKey);
    const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
    const device = await post("/phone/enrol", {
      payload: $("enrol-payload").value.trim(),
      algorithm: "ES256",
      public_key: b64url(raw),
      pin: $("enrol-pin").value,
    });
    localStorage.setItem(STORE, JSON.stringify({ jwk, device }));
    // The enrolment code is used up: no longer shown.
    $("enrol-pin").value = "";
    $("enrol-payload").value = "";
    $("enrolment-qr").replaceChildren();
    showDevice();
    say("Téléphone enregistré. (Phone enrolled.)");
  } catch (err) {
    say(`Échec de l'enregistrement. ${told(err)}`);
  }
});

let shown = null;

// A request answered: it is gone, and so is its payload; the focus (on the button that is now
// hidden) goes back to the payload field, ready for the next code.
function done() {
  shown = null;
  $("login-pin").value = "";
  $("request").hidden = true;
  $("login-payload").value = "";
  $("login-payload").focus();
}

$("request-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  shown = null;
  $("request").hidden = true;
  try {
    const info = await post("/phone/request", { payload: $("login-payload").value.trim() });
    shown = info;
    $("r-portal").textContent = `${info.portal_name} (${info.portal})`;
    $("r-origin").textContent = info.origin;
    $("r-browser").textContent = `${info.browser} — ${info.system}`;
    $("r-place").textContent = info.place;
    $("r-expires").textContent = `${info.expires_in} s`;
    const digits = $("digits");
    for (const old of digits.querySelectorAll("label")) old.remove();
    info.choices.forEach((choice, i) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "digits";
      input.value = choice;
      input.id = `digits-${i}`;
      label.append(input, ` ${choice}`);
      digits.append(label);
    });
    $("request").hidden = false;
    say("Demande lue : vérifiez le portail et le site, choisissez les chiffres affichés, puis "
      + "approuvez ou refusez. (Request read: check the portal and site, pick the digits shown, "
      + "then approve or decline.)");
  } catch (err) {
    say(`Demande illisible. ${told(err)}`);
  }
});

$("approve").addEventListener("click", async () => {
  const phone = load();
  if (!shown || !phone || !phone.device) {
    say("Enregistrez d'abord ce téléphone. (Enrol this phone first.)");
    return;
  }
  const picked = document.querySelector("input[name=digits]:checked");
  if (!picked) {
    say("Choisissez les chiffres affichés. (Pick the digits shown.)");
    return;
  }
  const payload = $("login-payload").value.trim();
  try {
    await post("/phone/approve", {
      payload,
      device: phone.device.device,
      signature: await sign(await signed(APPROVE, payload, shown)),
      pin: $("login-pin").value,
      digits: picked.value,
    });
    done();
    say("Connexion approuvée. (Login approved.)");
  } catch (err) {
    $("login-pin").value = "";
    say(`Connexion non approuvée. ${told(err)}`);
  }
});

$("decline").addEventListener("click", async () => {
  const phone = load();
  if (!shown || !phone || !phone.device) {
    say("Enregistrez d'abord ce téléphone. (Enrol this phone first.)");
    return;
  }
  const payload = $("login-payload").value.trim();
  try {
    await post("/phone/decline", {
      payload,
      device: phone.device.device,
      signature: await sign(await signed(DECLINE, payload, shown)),
    });
    done();
    say("Connexion refusée. (Login declined.)");
  } catch (err) {
    say(`Échec du refus. ${told(err)}`);
  }
});

showDevice();
