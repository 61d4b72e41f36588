// Page helpers of the console, on top of the helpers it shares with the widget.

import { h } from "../shared/dom.js";
import { t } from "./i18n.js";

export { h };
export const $ = (sel) => document.querySelector(sel);

// Re-rendering a part of the page keeps the keyboard focus where it was.
export function replaceKeepingFocus(container, ...children) {
  const key = document.activeElement?.dataset?.focusKey;
  const inside = container.contains(document.activeElement);
  container.replaceChildren(...children);
  if (inside && key) container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
}

// The status line at the top of the page (announced politely); an optional
// button in it (such as "Undo") is given as {label, onclick}.
export function notify(text, kind = "info", action = null) {
  const el = $("#notice");
  el.hidden = !text;
  el.className = `notice ${kind}`;
  el.replaceChildren(text || "");
  if (text && action) {
    el.append(" ", h("button", { type: "button", class: "secondary small", onclick: action.onclick, "data-focus-key": "notice-action" }, action.label));
  }
}
export const fail = (err) => notify(err.message || t("errorGeneric", { status: "?" }), "error");
// A 401 has already sent the agent back to the login form with its own message.
export const quietFail = (err) => { if (err.status !== 401) fail(err); };
