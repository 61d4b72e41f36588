// Saved replies and presence:
//   the #/replies view: the saved replies of the agent's queues; admins add, change
//     and delete them (the placeholders listed as help);
//   the picker in a ticket's reply box (Ctrl+Space or its button): the saved replies
//     of the ticket's queue and language, filtered as you type, inserted at the
//     cursor with their placeholders filled by the server;
//   presence: a heartbeat while a ticket is open (and whether the agent is typing),
//     and who else has it open, told in an aria-live line.
// Kept free of ticket.js (which calls in here), so the two do not import each other.

import { api, isMissing } from "./client.js";
import { LANGS, queueName, t } from "./i18n.js";
import { state } from "./store.js";
import { $, fail, h, notify, quietFail } from "./ui.js";

const PLACEHOLDERS = ["case", "opens", "agent", "queue", "email", "phone"]; // the server's list, as help
const BRACED = /\{([^{}]*)\}/g;
const isAdmin = () => state.user?.role === "admin";
const visibleQueues = () => state.queues.filter((q) => isAdmin() || (state.user?.queues || []).includes(q.id));

// Placeholders the server does not know, so the admin is told before saving.
export function unknownPlaceholders(text, known = PLACEHOLDERS) {
  return [...new Set([...text.matchAll(BRACED)].map((m) => m[1]))].filter((name) => !known.includes(name));
}

// ---- the #/replies view ----

const view = { editing: null, known: PLACEHOLDERS };

export async function loadReplies() {
  const box = $("#replies");
  let data;
  try {
    data = await api("/api/v1/saved-replies");
  } catch (err) {
    quietFail(err);
    return;
  }
  view.known = (data.placeholders || []).map((p) => p.name);
  const replies = data.replies || [];
  box.replaceChildren(
    h("p", { class: "muted" }, t("repliesIntro")),
    isAdmin() ? replyForm() : h("p", { class: "muted" }, t("repliesAdminOnly")),
    replies.length ? h("ul", { class: "saved-replies" }, ...replies.map(replyItem))
      : h("p", { class: "muted" }, t("repliesNone")));
}

function replyItem(r) {
  const actions = isAdmin() ? h("div", { class: "row" },
    h("button", { type: "button", class: "secondary small", "aria-label": t("replyEditNamed", { title: r.title }),
      onclick: () => startEdit(r) }, t("replyEditButton")),
    h("button", { type: "button", class: "secondary small", "aria-label": t("replyDeleteNamed", { title: r.title }),
      onclick: () => removeReply(r) }, t("replyDelete"))) : null;
  return h("li", { class: "saved-reply", "data-reply": r.id },
    h("h3", {}, r.title),
    h("p", { class: "muted small" }, t("pickerFor", { queue: queueName(r.queue), language: t(`language_${r.language}`) })),
    h("p", { class: "text", lang: r.language }, r.text),
    actions);
}

function placeholderHelp() {
  return h("section", { class: "placeholders", "aria-labelledby": "ph-title" },
    h("h4", { id: "ph-title" }, t("placeholdersTitle")),
    h("p", { class: "muted small" }, t("placeholdersHelp")),
    h("dl", { class: "keys" }, ...view.known.map((name) =>
      h("div", {}, h("dt", {}, h("code", {}, `{${name}}`)), h("dd", {}, t(`ph_${name}`))))));
}

function replyForm() {
  const r = view.editing;
  const select = (id, options, value) => h("select", { id, name: id.replace("reply-", "") },
    ...options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
  const form = h("form", { class: "stack reply-form", "aria-labelledby": "reply-form-title" },
    h("h3", { id: "reply-form-title" }, t(r ? "replyEdit" : "replyNew")),
    h("label", { for: "reply-queue" }, t("replyQueue")),
    select("reply-queue", visibleQueues().map((q) => [q.id, queueName(q.id)]), r?.queue),
    h("label", { for: "reply-language" }, t("replyLanguage")),
    select("reply-language", LANGS.map((l) => [l, t(`language_${l}`)]), r?.language),
    h("label", { for: "reply-title" }, t("replyTitleLabel")),
    h("input", { id: "reply-title", name: "title", maxlength: "120", "aria-required": "true", value: r?.title || "" }),
    h("label", { for: "reply-body" }, t("replyTextLabel")),
    h("textarea", { id: "reply-body", name: "text", rows: "5", maxlength: "3000", "aria-required": "true",
      "aria-describedby": "ph-title" }, r?.text || ""),
    placeholderHelp(),
    h("div", { class: "row" },
      h("button", { type: "submit" }, t("replySave")),
      r ? h("button", { type: "button", class: "secondary", onclick: () => { view.editing = null; loadReplies(); } },
        t("replyCancelEdit")) : null));
  form.addEventListener("submit", (event) => { event.preventDefault(); saveReply(form); });
  return form;
}

async function saveReply(form) {
  const value = (name) => form.elements.namedItem(name).value.trim();
  const body = { queue: value("queue"), language: value("language"), title: value("title"), text: value("text") };
  if (!body.title || !body.text) {
    notify(t("replyNeedsText"), "error");
    return form.elements.namedItem(body.title ? "text" : "title").focus();
  }
  const unknown = unknownPlaceholders(body.text, view.known);
  if (unknown.length) return refuse(form, unknown);
  const editing = view.editing;
  try {
    await api(editing ? `/api/v1/saved-replies/${editing.id}` : "/api/v1/saved-replies",
      { method: editing ? "PUT" : "POST", body });
  } catch (err) {
    if (err.code === "unknown_placeholder") return refuse(form, unknownPlaceholders(body.text, []));
    if (err.code === "saved_reply_title_taken") return notify(t("replyTitleTaken"), "error");
    return fail(err);
  }
  view.editing = null;
  await loadReplies();
  notify(t("replySaved"));
}

function refuse(form, unknown) {
  notify(t("unknownPlaceholders", { names: unknown.map((n) => `{${n}}`).join(", ") }), "error");
  form.elements.namedItem("text").focus();
}

function startEdit(r) {
  view.editing = r;
  loadReplies().then(() => $("#reply-title")?.focus());
}

async function removeReply(r) {
  try {
    await api(`/api/v1/saved-replies/${r.id}`, { method: "DELETE" });
  } catch (err) {
    return fail(err);
  }
  if (view.editing?.id === r.id) view.editing = null;
  await loadReplies();
  notify(t("replyDeleted"));
  $("#replies-title")?.focus();
}

// ---- the picker in the reply box ----

// The button and the shortcut on a reply form; `ticket()` is the ticket as read now.
export function addSavedReplies(form, ticket) {
  const area = form.querySelector("textarea");
  const button = h("button", {
    type: "button", class: "secondary", "aria-keyshortcuts": "Control+Space",
    onclick: () => openPicker(area, ticket()),
  }, `${t("pickerOpen")} (${t("pickerShortcut")})`);
  area.setAttribute("aria-keyshortcuts", "Control+Space");
  area.addEventListener("keydown", (event) => {
    // Ctrl+Space in the box itself: typing, Ctrl+Enter and Esc are untouched.
    if (event.ctrlKey && !event.altKey && !event.metaKey && event.code === "Space") {
      event.preventDefault();
      openPicker(area, ticket());
    }
  });
  if (state.features.replies === false) button.hidden = true;
  form.querySelector(".row")?.append(button);
}

function pickerDialog() {
  let dialog = $("#reply-picker");
  if (!dialog) {
    dialog = h("dialog", { id: "reply-picker", class: "picker", "aria-labelledby": "picker-title" });
    document.body.append(dialog);
  }
  return dialog;
}

async function openPicker(area, ticket) {
  if (!ticket?.queue) return;
  let replies;
  try {
    const query = new URLSearchParams({ queue: ticket.queue, language: ticket.language });
    replies = (await api(`/api/v1/saved-replies?${query}`)).replies || [];
  } catch (err) {
    if (isMissing(err)) state.features.replies = false;
    return quietFail(err);
  }
  const dialog = pickerDialog();
  const filter = h("input", {
    id: "picker-filter", type: "text", role: "combobox", autocomplete: "off",
    "aria-controls": "picker-list", "aria-expanded": "true", "aria-autocomplete": "list",
    "aria-describedby": "picker-hint",
  });
  const list = h("ul", { id: "picker-list", role: "listbox", "aria-label": t("pickerList") });
  const empty = h("p", { class: "muted", "aria-live": "polite" });
  const pick = { shown: [], at: 0 };

  const render = () => {
    const words = filter.value.trim().toLowerCase();
    pick.shown = replies.filter((r) => `${r.title} ${r.text}`.toLowerCase().includes(words));
    pick.at = Math.min(pick.at, Math.max(0, pick.shown.length - 1));
    list.replaceChildren(...pick.shown.map((r, i) => h("li", {
      id: `picker-option-${r.id}`, role: "option", "aria-selected": String(i === pick.at),
      class: i === pick.at ? "active" : null, lang: r.language,
      onmousedown: (event) => event.preventDefault(), // keeps the focus in the filter
      onclick: () => insert(r),
    }, h("strong", {}, r.title), h("span", { class: "muted small" }, r.text))));
    const active = pick.shown[pick.at];
    if (active) filter.setAttribute("aria-activedescendant", `picker-option-${active.id}`);
    else filter.removeAttribute("aria-activedescendant");
    list.querySelector(".active")?.scrollIntoView({ block: "nearest" });
    empty.textContent = replies.length === 0 ? t("pickerNone") : pick.shown.length ? "" : t("pickerNoMatch");
  };
  const insert = async (r) => {
    dialog.close();
    await insertFilled(area, ticket.id, r);
  };
  filter.addEventListener("input", () => { pick.at = 0; render(); });
  filter.addEventListener("keydown", (event) => {
    const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (step) {
      event.preventDefault();
      pick.at = Math.max(0, Math.min(pick.shown.length - 1, pick.at + step));
      render();
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (pick.shown[pick.at]) insert(pick.shown[pick.at]);
    }
  });
  dialog.onclose = () => area.focus(); // Esc (the dialog's own cancel) and after inserting

  dialog.replaceChildren(
    h("h2", { id: "picker-title" }, t("pickerTitle")),
    h("p", { class: "muted small" }, t("pickerFor", { queue: queueName(ticket.queue), language: t(`language_${ticket.language}`) })),
    h("label", { for: "picker-filter" }, t("pickerFilter")), filter,
    h("p", { id: "picker-hint", class: "muted small" }, t("pickerHint")),
    list, empty,
    h("form", { method: "dialog" }, h("button", { type: "submit", class: "secondary" }, t("close"))));
  render();
  dialog.showModal();
  filter.focus();
}

// The reply filled for the ticket, put where the cursor was (replacing a selection).
async function insertFilled(area, ticketId, r) {
  let text;
  try {
    text = (await api(`/api/v1/tickets/${ticketId}/saved-replies/${r.id}/fill`, { method: "POST" })).text;
  } catch (err) {
    return quietFail(err);
  }
  const start = area.selectionStart ?? area.value.length;
  const end = area.selectionEnd ?? start;
  area.setRangeText(text, start, end, "end");
  area.focus();
  area.dispatchEvent(new Event("input", { bubbles: true })); // counts as typing
  notify(t("pickerInserted"));
}

// ---- presence ----

const TICK_MS = 3000; // how often the others are asked for
const IDLE_MS = 4000; // typing ends this long after the last keystroke
const presence = { id: null, typing: false, idle: null, timer: null, lastBeat: 0, every: 6000, shown: "" };

const presenceUrl = (id) => `/api/v1/tickets/${id}/presence`;

// The aria-live line of the ticket view; built with the view, filled by the ticks.
export function presenceRegion() {
  presence.shown = "";
  // Always in the page (empty when nobody else is there): a live region that appears
  // at the moment it changes is not announced by every screen reader.
  return h("p", { id: "presence", class: "presence", "aria-live": "polite" });
}

// The agent has ticket `id` open: heartbeats until they leave it.
export function watchPresence(id) {
  if (presence.id === id) return;
  leavePresence();
  Object.assign(presence, { id, typing: false, lastBeat: 0 });
  presence.timer = setInterval(tickPresence, TICK_MS);
  tickPresence();
}

// The agent left the ticket (another view, another ticket, the tab closed): their
// entry is cleared at once; keepalive lets the request outlive the page.
export function leavePresence() {
  if (presence.id == null) return;
  clearInterval(presence.timer);
  clearTimeout(presence.idle);
  const id = presence.id;
  presence.id = null;
  sendLeave(id);
}

function sendLeave(id) {
  if (!state.user) return; // logged out: the token is gone, and the entry expires
  fetch(presenceUrl(id), {
    method: "DELETE", keepalive: true, headers: { Authorization: `Bearer ${state.user.token}` },
  }).catch(() => {});
}

// Typing in a box of the ticket (reply or note) is told to the others, and its end
// a few seconds after the last keystroke.
export function watchTyping(area) {
  area.addEventListener("input", () => {
    clearTimeout(presence.idle);
    presence.idle = setTimeout(() => setTyping(false), IDLE_MS);
    setTyping(true);
  });
}

function setTyping(typing) {
  if (presence.typing === typing) return;
  presence.typing = typing;
  tickPresence(true);
}

// One presence request at a time, in order: a heartbeat still on its way must not
// arrive after the typing flag that followed it and take it back.
let inOrder = Promise.resolve();

function tickPresence(beat = false) {
  inOrder = inOrder.then(() => beatOnce(beat)).catch(() => {}); // a failure must not stop the rest
  return inOrder;
}

async function beatOnce(beat) {
  const id = presence.id;
  if (id == null || !state.user) return;
  const due = beat || Date.now() - presence.lastBeat >= presence.every;
  let data;
  try {
    data = due
      ? await api(presenceUrl(id), { method: "POST", body: { typing: presence.typing } })
      : await api(presenceUrl(id));
  } catch (err) {
    if (isMissing(err)) leavePresence(); // not on this server: nothing to tell
    return;
  }
  // Left while the heartbeat was on its way: it may have come after the leave.
  if (due && presence.id !== id) return sendLeave(id);
  if (due) presence.lastBeat = Date.now();
  if (data.heartbeat_seconds) presence.every = data.heartbeat_seconds * 1000;
  if (presence.id === id) renderPresence(data.agents || []);
}

function renderPresence(agents) {
  const region = $("#presence");
  if (!region) return;
  const lines = agents.map((a) => t(a.typing ? "presenceTyping" : "presenceOpen", { name: a.display_name }));
  const text = lines.join(" · ");
  if (text === presence.shown) return; // unchanged: nothing announced again
  presence.shown = text;
  region.textContent = text;
}

window.addEventListener("pagehide", leavePresence);
// Back from the browser's page cache: the ticket is open again.
window.addEventListener("pageshow", (event) => {
  if (event.persisted && state.view === "ticket" && state.ticket?.id) watchPresence(state.ticket.id);
});
window.addEventListener("hashchange", () => {
  if (presence.id != null && location.hash.replace(/^#\/?/, "").split("?")[0] !== `ticket/${presence.id}`) leavePresence();
});
