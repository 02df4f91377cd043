// Sésame's background loader. The listeners are registered at once (an MV3 background is woken
// for them); each event goes to the Rust code (sesame_extension) when it is ready.
import init, { handle_message, handle_command, window_closed } from "./sesame_extension.js";

globalThis.browser ??= globalThis.chrome;
const ready = init({ module_or_path: new URL("sesame_extension_bg.wasm", import.meta.url) });

browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
  ready
    .then(() => handle_message(message, sender))
    .then(sendResponse, () => sendResponse({ action: "sesame:unknown-failure", id: "", code: "unknown_error" }));
  return true;
});
browser.commands.onCommand.addListener((command) => {
  ready.then(() => handle_command(command));
});
browser.windows.onRemoved.addListener((windowId) => {
  ready.then(() => window_closed(windowId));
});
