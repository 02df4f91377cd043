// Sésame's content script: the page bridge's relay, and nothing else (it reads nothing of the
// page). It takes a message only from its own window (not from a frame or another window),
// with an action starting with "sesame:" that is not an answer; it acks at once, so the page
// knows the extension is there, forwards the message to the background, and posts the answer
// back to the page's own origin, never "*". The background judges the request by the URL the
// browser gives it, not by anything in the message (core::bridge, extension::policy).
"use strict";
(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  const PREFIX = "sesame:";
  const ANSWERS = ["-ack", "-success", "-failure"];
  window.addEventListener("message", (event) => {
    if (event.source !== window || event.origin !== window.location.origin) return;
    const data = event.data;
    if (data === null || typeof data !== "object") return;
    const action = data.action;
    if (typeof action !== "string" || !action.startsWith(PREFIX)) return;
    if (ANSWERS.some((suffix) => action.endsWith(suffix))) return;
    const id = typeof data.id === "string" ? data.id : "";
    const reply = (answer) => window.postMessage(answer, event.origin);
    if (!window.isSecureContext) {
      reply({ action: action + "-failure", id, code: "insecure_context" });
      return;
    }
    reply({ action: action + "-ack", id });
    api.runtime.sendMessage(data).then(
      (answer) => reply(answer ?? { action: action + "-failure", id, code: "unknown_error" }),
      () => reply({ action: action + "-failure", id, code: "unknown_error" }),
    );
  });
})();
