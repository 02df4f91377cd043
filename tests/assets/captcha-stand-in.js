// A stand-in for a hosted captcha's browser API, for Sésame's end-to-end tests only: the
// documented shape of reCAPTCHA v2, hCaptcha and Turnstile with explicit render
// (`?onload=<callback>&render=explicit`, `render(container, {sitekey, callback,
// "expired-callback", "error-callback"})`, `reset(id)`), and a checkbox that gives a token
// when ticked. It is not any provider and checks nothing: the provider's own script cannot be
// reached from the test machine. `expire()` and `fail()` are the test's hands on it.
(() => {
  const src = new URL(document.currentScript.src);
  const global = src.searchParams.get("global") || "grecaptcha";
  const boxes = [];
  window[global] = {
    render(container, params) {
      const id = boxes.length;
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.className = "stand-in-captcha";
      box.addEventListener("change", () => {
        if (box.checked) {
          params.callback("stand-in-" + params.sitekey + "-" + Math.random().toString(36).slice(2));
        }
      });
      label.append(box, " Je ne suis pas un robot (service de test)");
      container.append(label);
      boxes.push({ box, params });
      return id;
    },
    reset(id) {
      boxes[id].box.checked = false;
    },
    expire(id = 0) {
      boxes[id].box.checked = false;
      boxes[id].params["expired-callback"]();
    },
    fail(id = 0) {
      boxes[id].params["error-callback"]();
    },
    rendered() {
      return boxes.length;
    },
  };
  const onload = src.searchParams.get("onload");
  if (onload && typeof window[onload] === "function") window[onload]();
})();
