// Keyboard shortcuts, and the help overlay that lists them ("?"). They act only
// when the agent is not typing in a field, and never with Ctrl, Alt or Meta held
// (those belong to the browser and to assistive technology).

import { t } from "./i18n.js";
import { neighbour } from "./queues.js";
import { state } from "./store.js";
import { act, part } from "./ticket.js";
import { $, h } from "./ui.js";

const KEYS = [
  ["j", "keyNext"],
  ["k", "keyPrevious"],
  ["c", "keyClaim"],
  ["r", "keyReply"],
  ["n", "keyNote"],
  ["e", "keyResolve"],
  ["/", "keySearch"],
  ["?", "keyHelp"],
  ["Esc", "keyLeaveField"],
  [() => t("pickerShortcut"), "keySavedReply"], // in the reply box itself (replies.js)
];

const typing = (el) => el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

function move(step) {
  if (state.view === "ticket" && state.ticket) {
    const next = neighbour(state.ticket.id, step);
    if (next) location.hash = `#/ticket/${next.id}`;
    return;
  }
  if (state.view !== "queues") return;
  const links = [...document.querySelectorAll("#ticket-list a[data-focus-key^='ticket-']")];
  if (!links.length) return;
  const at = links.indexOf(document.activeElement);
  const target = at < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, at + step));
  links[target].focus();
}

function offered(action) {
  return state.view === "ticket" && part.actions?.querySelector(`[data-action="${action}"]`);
}

const HANDLERS = {
  j: () => move(1),
  k: () => move(-1),
  c: () => { if (offered("claim")) act("claim", undefined, "claimed"); },
  e: () => { if (offered("resolve")) act("resolve", undefined, "resolved"); },
  r: () => {
    if (state.view !== "ticket" || part.replyBox?.hidden) return;
    part.reply.querySelector("textarea").focus();
  },
  n: () => {
    if (state.view !== "ticket" || part.noteBox?.hidden) return;
    part.noteBox.open = true;
    part.note.querySelector("textarea").focus();
  },
  "/": () => {
    if (state.view !== "queues") location.hash = "#/queues";
    requestAnimationFrame(() => $("#filter-q")?.focus());
  },
  "?": () => openHelp(),
};

export function onKey(event) {
  if (!state.user || event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) return;
  if ($("#help")?.open) return;
  if (typing(event.target)) {
    // Escape leaves the field (what was written stays), so the keys work again.
    if (event.key === "Escape" && event.target.tagName !== "SELECT") event.target.blur();
    return;
  }
  const handler = HANDLERS[event.key];
  if (!handler) return;
  event.preventDefault();
  handler();
}

export function openHelp() {
  const dialog = $("#help");
  dialog.replaceChildren(
    h("h2", { id: "help-title" }, t("keysTitle")),
    h("dl", { class: "keys" }, ...KEYS.map(([key, text]) => h("div", {}, h("dt", {}, h("kbd", {}, typeof key === "function" ? key() : key)), h("dd", {}, t(text))))),
    h("p", { class: "muted" }, t("keysNote")),
    h("form", { method: "dialog" }, h("button", { type: "submit" }, t("close"))));
  dialog.showModal();
}
