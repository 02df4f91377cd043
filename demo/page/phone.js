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

async function post(path, body) {
  const answer = await fetch(API + path, {
    method: "POST",
    headers: { "content-type": "application/json", "x-sesame-csrf": "1" },
    body: body === undefined ? "" : JSON.stringify(body),
  });
  const text = await answer.text();
  const json = text ? JSON.parse(text) : null;
  if (!answer.ok) {
    const code = json && json.code ? json.code : String(answer.status);
    throw new Error(`${code} — ${json && json.message ? json.message : ""}`);
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
    $("enrol-payload").value = e.payload;
    say("Code d'enregistrement prêt. (Enrolment code ready.)");
  } catch (err) {
    say(`Pas de code d'enregistrement : connectez-vous d'abord. (${err.message})`);
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
    $("enrol-pin").value = "";
    showDevice();
    say("Téléphone enregistré. (Phone enrolled.)");
  } catch (err) {
    say(`Échec de l'enregistrement. (Enrolment failed: ${err.message})`);
  }
});

let shown = null;

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
    say("");
  } catch (err) {
    say(`Demande illisible. (Cannot read the request: ${err.message})`);
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
    $("login-pin").value = "";
    $("request").hidden = true;
    say("Connexion approuvée. (Login approved.)");
  } catch (err) {
    say(`Refusé par le portail. (Refused: ${err.message})`);
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
    $("request").hidden = true;
    say("Connexion refusée. (Login declined.)");
  } catch (err) {
    say(`Échec du refus. (Decline failed: ${err.message})`);
  }
});

showDevice();
