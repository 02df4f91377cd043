// Sésame's proof of work ("not a robot", ALTCHA protocol), in a Web Worker so the page stays
// responsive. Started by the widget (`captcha.rs`) from this file, which wasm-bindgen serves
// beside its glue (`link_to!`: same origin, no blob:, CSP worker-src 'self'). In: {salt, challenge, max}. Out: {progress: 0..1} now and then, then {number} (or
// {number: null} when no number fits), or {error: "insecure"} without crypto.subtle (a page
// that is not https).
onmessage = async ({ data: { salt, challenge, max } }) => {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return postMessage({ error: 'insecure' });
  const want = challenge.toLowerCase();
  const encoder = new TextEncoder();
  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
  // Hashes in batches: one await per batch, not per number.
  const batch = 500;
  for (let start = 0; start <= max; start += batch) {
    const end = Math.min(max, start + batch - 1);
    const hashes = [];
    for (let n = start; n <= end; n++) hashes.push(subtle.digest('SHA-256', encoder.encode(salt + n)));
    const found = (await Promise.all(hashes)).findIndex((h) => hex(h) === want);
    if (found >= 0) return postMessage({ number: start + found });
    postMessage({ progress: end / max });
  }
  postMessage({ number: null });
};
