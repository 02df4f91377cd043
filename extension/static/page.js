// Loader of the extension's pages (popup, options, confirmation): the page's name is its
// <body data-page>; the page itself is Rust (sesame_extension::pages).
import init, { start_page } from "./sesame_extension.js";

globalThis.browser ??= globalThis.chrome;
init({ module_or_path: new URL("sesame_extension_bg.wasm", import.meta.url) }).then(() =>
  start_page(document.body.dataset.page),
);
