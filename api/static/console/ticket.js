// One ticket: the conversation with the reply box under the latest messages,
// internal notes in the conversation, and only the actions that apply now.

import { api, download, isMissing } from "./client.js";
import { LANGS, formatTime, inLang, label, queueName, t } from "./i18n.js";
import { refreshQueues, rememberPlace, tick } from "./queues.js";
import { addSavedReplies, presenceRegion, watchPresence, watchTyping } from "./replies.js";
import { sees, state } from "./store.js";
import { linkified } from "../shared/linkify.js";
import { $, fail, h, notify, quietFail, replaceKeepingFocus } from "./ui.js";

export const part = {}; // the ticket view's parts, built once per ticket (and per language)

export async function openTicket(id, focus) {
  rememberPlace(id);
  if (state.ticket?.id !== id) {
    state.ticket = { id };
    state.ticketJson = "";
    state.revealed = new Map();
    buildTicketView(id);
  }
  watchPresence(id); // who else has it open; cleared when the agent leaves it
  await refreshTicket();
  // The page starts at the ticket's title, so the conversation and the reply box
  // under it fill the screen; the header and the alarms are a scroll away.
  $("#back").scrollIntoView({ block: "start" });
  if (focus) $("#ticket-title").focus({ preventScroll: true });
}

export async function refreshTicket() {
  const id = state.ticket?.id;
  try {
    const data = await api(`/api/v1/tickets/${id}`);
    if (state.ticket?.id === id) renderTicket(data);
  } catch (err) {
    if (err.status === 404) {
      state.nextNotice = t("errorNoTicket");
      location.hash = "#/queues";
    } else quietFail(err);
  }
}

// Built again in a new language; what the agent was writing stays.
export function rebuildTicketView() {
  if (!state.ticket) return;
  const kept = {};
  for (const name of ["reply", "note"]) kept[name] = part[name]?.elements.namedItem("text").value || "";
  buildTicketView(state.ticket.id);
  for (const [name, value] of Object.entries(kept)) part[name].elements.namedItem("text").value = value;
  if (state.ticket.transcript) renderTicket(state.ticket, true);
}

const panel = (id, titleKey, ...content) => h("section", { class: "panel", "aria-labelledby": id },
  h("h3", { id }, t(titleKey)), ...content);

export function buildTicketView(id) {
  $("#ticket-title").textContent = t("ticketNumber", { id });
  part.hasSuggestions = false;
  part.meta = h("dl", { class: "meta" });
  part.actions = h("div", { class: "actions", role: "group", "aria-label": t("actionsLabel") });
  part.transcript = h("ol", { class: "transcript", "aria-labelledby": "conv-title", tabindex: "0" });
  part.reasons = h("ul", { class: "reasons" });
  part.order = h("section", { class: "panel", "aria-labelledby": "order-title", hidden: true },
    h("h3", { id: "order-title" }, t("orderTitle")), h("dl", { class: "meta order" }));
  part.events = h("ol", { class: "events" });
  part.earlier = h("section", { class: "panel", "aria-labelledby": "earlier-title", hidden: true },
    h("h3", { id: "earlier-title" }, t("earlierTitle")), h("ul", { class: "earlier" }));
  part.files = h("section", { class: "panel", "aria-labelledby": "files-title", hidden: true },
    h("h3", { id: "files-title" }, t("filesTitle")), h("ul", { class: "files" }));
  part.reply = textForm("reply", "replyLabel", "sendReply", (text) => act("reply", { text }, "replySent"));
  part.note = textForm("note", "noteLabel", "addNote", (text) => act("notes", { text }, "noteAdded"));
  addSavedReplies(part.reply, () => state.ticket); // Ctrl+Space, and a button
  for (const form of [part.reply, part.note]) watchTyping(form.querySelector("textarea"));
  part.presence = presenceRegion();
  part.suggestions = h("section", { class: "panel", "aria-labelledby": "sugg-title", hidden: true },
    h("h3", { id: "sugg-title" }, t("suggestionsTitle")), h("div", { class: "sugg-list" }));
  part.transferBox = panel("transfer-title", "transferTitle", part.transfer = transferForm());
  part.priorityBox = panel("prio-title", "priorityTitle", part.priority = priorityForm());
  part.draft = draftForm();
  part.draftBox = h("section", { class: "panel", "aria-labelledby": "draft-heading", hidden: true },
    h("h3", { id: "draft-heading" }, t("draftTitle")), h("p", { class: "muted" }, t("draftHelp")), part.draft);
  part.replyBox = h("section", { class: "reply-box", "aria-labelledby": "reply-title" },
    h("h3", { id: "reply-title", class: "sr-only" }, t("replyTitle")), part.reply);
  part.noteBox = h("details", { class: "note-box" }, h("summary", {}, t("noteTitle")), part.note);
  // The actions under the title; the conversation and the reply box on the left
  // (one screen tall); what the agent looks up on the right.
  $("#ticket-body").replaceChildren(
    part.actions,
    part.presence,
    h("div", { class: "columns" },
      h("div", { class: "conversation" },
        h("h3", { id: "conv-title" }, t("conversation")),
        part.transcript, part.replyBox, part.noteBox),
      h("div", { class: "work" },
        h("section", { class: "panel facts", "aria-labelledby": "facts-title" },
          h("h3", { id: "facts-title", class: "sr-only" }, t("ticketFacts")), part.meta),
        part.suggestions, part.order, part.files, part.earlier,
        panel("reasons-title", "triageReasons", part.reasons),
        part.transferBox, part.priorityBox, part.draftBox,
        h("details", { class: "panel events-box" },
          h("summary", {}, h("h3", { class: "inline" }, t("events"))), part.events))));
  loadSuggestions(id);
  loadFiles(id);
}

async function loadFiles(id) {
  let data;
  try {
    data = await api(`/api/v1/tickets/${id}/attachments`);
  } catch {
    return; // the ticket view says what went wrong; the files can wait
  }
  if (state.ticket?.id !== id) return;
  const files = data.attachments || [];
  part.files.hidden = files.length === 0;
  part.files.querySelector("ul").replaceChildren(...files.map((f) =>
    h("li", {}, h("button", {
      type: "button", class: "link",
      onclick: () => download(`/api/v1/tickets/${id}/attachments/${f.id}`, f.filename).catch(fail),
    }, t("downloadFile", { name: f.filename })), ` (${f.content_type}, ${Math.ceil(f.size / 1024)} kB)`)));
}

function textForm(name, labelKey, buttonKey, submit) {
  const id = `${name}-text`;
  const area = h("textarea", { id, name: "text", rows: name === "reply" ? "4" : "3", required: true });
  const form = h("form", { class: "stack", "data-form": name },
    h("label", { for: id }, t(labelKey)), area,
    h("div", { class: "row" }, h("button", { type: "submit" }, t(buttonKey)),
      h("span", { class: "muted small" }, t("ctrlEnterHint"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!area.value.trim()) return area.focus();
    if (await submit(area.value.trim())) area.value = "";
  });
  // Ctrl+Enter sends, as in most mail programs; Enter alone makes a new line.
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  return form;
}

function transferForm() {
  const select = h("select", { id: "transfer-queue", name: "queue" },
    ...state.queues.map((q) => h("option", { value: q.id }, queueName(q.id))));
  // Checked here rather than by the browser, so the hint is in the console's words.
  const reason = h("input", { id: "transfer-reason", name: "reason", "aria-required": "true", maxlength: "1000" });
  const release = h("input", { id: "transfer-release", name: "release", type: "checkbox" });
  const form = h("form", { class: "stack" },
    h("label", { for: "transfer-queue" }, t("transferTo")), select,
    h("label", { for: "transfer-reason" }, t("transferReason")), reason,
    h("div", { class: "check" }, release, h("label", { for: "transfer-release" }, t("transferRelease"))),
    h("button", { type: "submit" }, t("transfer")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!reason.value.trim()) {
      notify(t("transferNeedsReason"), "error");
      return reason.focus();
    }
    const queue = select.value;
    const body = { queue, reason: reason.value.trim(), release: release.checked };
    if (await act("transfer", body, "transferred")) {
      reason.value = "";
      release.checked = false;
      if (!sees(queue)) {
        // Moved out of this agent's queues: no longer theirs to see, so back to the list.
        state.nextNotice = t("transferred");
        state.nextKind = "info";
        location.hash = "#/queues";
      }
    }
  });
  return form;
}

function priorityForm() {
  const select = h("select", { id: "prio-value", name: "priority" },
    ...[1, 2, 3, 4, 5].map((p) => h("option", { value: String(p) }, t(`priority_${p}`))));
  const reason = h("input", { id: "prio-reason", name: "reason", required: true, maxlength: "1000" });
  const form = h("form", { class: "stack" },
    h("label", { for: "prio-value" }, t("newPriority")), select,
    h("label", { for: "prio-reason" }, t("reason")), reason,
    h("button", { type: "submit" }, t("changePriority")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!reason.value.trim()) return reason.focus();
    if (await act("priority", { priority: Number(select.value), reason: reason.value.trim() }, "priorityChanged")) {
      reason.value = "";
    }
  });
  return form;
}

function draftForm() {
  const field = (name, kind, labelKey) => {
    const id = `draft-${name}`;
    const control = kind === "textarea"
      ? h("textarea", { id, name, rows: "4", required: true })
      : h("input", { id, name, required: true });
    return [h("label", { for: id }, t(labelKey)), control];
  };
  const lang = h("select", { id: "draft-language", name: "language" },
    ...LANGS.map((l) => h("option", { value: l }, t(`language_${l}`))));
  const form = h("form", { class: "stack" },
    h("label", { for: "draft-language" }, t("draftLanguage")), lang,
    ...field("title", "input", "draftTitleLabel"),
    ...field("question", "textarea", "draftQuestion"),
    ...field("answer", "textarea", "draftAnswer"),
    h("button", { type: "submit" }, t("proposeDraft")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = (name) => form.elements.namedItem(name).value.trim();
    const body = {
      ticket_id: state.ticket.id, language: lang.value, title: value("title"),
      question: value("question"), answer: value("answer"),
    };
    try {
      await api("/api/v1/knowledge/drafts", { method: "POST", body });
      notify(t("draftSent"));
      form.reset();
      fillDraft(state.ticket, true);
    } catch (err) {
      if (isMissing(err)) {
        state.features.drafts = false;
        part.draftBox.hidden = true;
      }
      fail(err);
    }
  });
  return form;
}

// A resolved ticket's draft starts from what the user asked and the agent answered.
function fillDraft(ticket, force = false) {
  const field = (name) => part.draft.elements.namedItem(name);
  if (!force && (field("question").value || field("answer").value)) return;
  field("language").value = ticket.language;
  field("question").value = ticket.description || "";
  const answers = (ticket.transcript || []).filter((m) => m.author === "agent");
  field("answer").value = answers.at(-1)?.text || "";
}

export async function act(action, body, doneKey) {
  const id = state.ticket.id;
  try {
    const data = await api(`/api/v1/tickets/${id}/${action}`, { method: "POST", body });
    if (action === "resolve") offerUndo(id);
    else notify(t(doneKey));
    renderTicket(data, true);
    refreshQueues().catch(() => {});
    return true;
  } catch (err) {
    quietFail(err);
    if (err.status === 409 || err.status === 403) refreshTicket();
    return false;
  }
}

// After a resolve the status line offers an undo while the server allows it
// (its "undo_resolve" action); the user is told only once that time has passed.
function offerUndo(id) {
  notify(t("resolvedUndo"), "info", { label: t("undo"), onclick: () => undoResolve(id) });
}

export async function undoResolve(id = state.ticket?.id) {
  try {
    const data = await api(`/api/v1/tickets/${id}/undo-resolve`, { method: "POST" });
    notify(t("resolveUndone"));
    if (state.ticket?.id === id) renderTicket(data, true);
    refreshQueues().catch(() => {});
  } catch (err) {
    quietFail(err);
  }
}

// What the server says applies now; an older server without the list gets the
// same rules worked out here.
// What the agent may do now: the server says (its table of transitions), never the page.
const actionsOf = (data) => new Set(data.actions || []);

function claimedText(data) {
  if (data.status !== "claimed") return label("status_", data.status);
  if (data.assigned_agent_id === state.user.id) return t("claimedBy", { name: t("you") });
  return t("claimedBy", { name: data.assigned_agent_name || t("anotherAgent") });
}

export function renderTicket(data, force = false) {
  const json = JSON.stringify(data);
  if (!force && json === state.ticketJson) return;
  const grew = (data.transcript?.length || 0) !== (state.ticket?.transcript?.length || 0);
  state.ticketJson = json;
  state.ticket = data;
  const actions = actionsOf(data);
  $("#ticket-title").textContent = data.title ? `${t("ticketNumber", { id: data.id })}: ${data.title}` : t("ticketNumber", { id: data.id });
  $("#back").href = `#/queues?queue=${data.queue}`;
  $("#back").textContent = t("backToQueueNamed", { queue: queueName(data.queue) });

  const row = (k, ...v) => [h("div", {}, h("dt", {}, t(k)), h("dd", {}, ...v))];
  part.meta.replaceChildren(
    ...row("priority", h("span", { class: `prio p${data.priority}` }, t(`priority_${data.priority}`))),
    ...row("status", claimedText(data)),
    ...row("sla", data.status === "resolved" ? t("status_resolved") : h("span", { class: "sla", "data-due": data.due_at }),
      ` (${formatTime(data.due_at)})`),
    ...row("queue", queueName(data.queue)),
    ...row("channelLanguage", `${label("channel_", data.channel)} · ${t(`language_${data.language}`)}`),
    ...(data.subject ? row("subject", data.subject) : []),
    ...row("contact", data.contact || "–"),
    ...row("created", formatTime(data.created_at)),
    ...row("billable", data.billable ? t("yes") : t("no")));

  const button = (key, onclick, cls) => h("button", {
    type: "button", class: cls, onclick, "data-focus-key": key, "data-action": key,
  }, t(key));
  const buttons = [];
  if (actions.has("claim")) buttons.push(button("claim", () => act("claim", undefined, "claimed")));
  if (actions.has("resolve")) buttons.push(button("resolve", () => act("resolve", undefined, "resolved")));
  if (actions.has("undo_resolve")) buttons.push(button("undo", () => undoResolve(data.id)));
  if (actions.has("release")) buttons.push(button("release", () => act("release", undefined, "released"), "secondary"));
  if (actions.has("reopen")) buttons.push(button("reopen", () => act("reopen", undefined, "reopened"), "secondary"));
  replaceKeepingFocus(part.actions, ...buttons);

  replaceKeepingFocus(part.transcript, ...conversationLines(data));
  if (grew) part.transcript.scrollTop = part.transcript.scrollHeight; // the latest message in view
  renderOrder(data.order);
  renderEarlier(data.earlier_tickets || []);
  part.reasons.replaceChildren(...(data.triage_reasons || []).map((r) => h("li", {}, inLang(r))));
  part.events.replaceChildren(...data.events.map(eventLine));

  part.replyBox.hidden = !actions.has("reply");
  part.noteBox.hidden = !actions.has("note");
  part.suggestions.hidden = !actions.has("reply") || !part.hasSuggestions;
  part.transferBox.hidden = !actions.has("transfer");
  part.priorityBox.hidden = !actions.has("priority");
  const resolved = data.status === "resolved";
  part.draftBox.hidden = !resolved || !state.features.drafts;
  if (resolved) fillDraft(data);
  part.transfer.querySelector("select").value = data.queue;
  part.priority.querySelector("select").value = String(data.priority);
  tick();
}

function renderEarlier(tickets) {
  part.earlier.hidden = tickets.length === 0;
  part.earlier.querySelector("ul").replaceChildren(...tickets.map((x) => h("li", {},
    h("a", { href: `#/ticket/${x.id}` }, `#${x.id} `, h("span", { lang: x.language }, x.title || x.subject || "")),
    h("span", { class: "muted" }, ` · ${label("status_", x.status)} · ${formatTime(x.created_at)}`))));
}

const AUTHOR = { user: "author_user", bot: "author_bot", agent: "author_agent", notice: "author_notice", system: "author_system" };

function renderOrder(order) {
  part.order.hidden = !order;
  if (!order) return;
  part.order.querySelector("h3").textContent = `${t("orderTitle")}: ${label("order_", order.kind)}`;
  const fields = [...Object.keys(order.fields), ...order.missing];
  part.order.querySelector("dl").replaceChildren(...fields.map((f) =>
    h("div", {}, h("dt", {}, label("orderField_", f)),
      h("dd", {}, order.fields[f] ?? h("em", { class: "missing" }, t("orderMissing"))))));
}

// The messages and the internal notes, in the order they were written; the
// assistant's decision on a user's message is shown with its reply.
function conversationLines(data) {
  const notes = data.events.filter((e) => e.action === "note").map((e) => ({ note: e, at: Date.parse(e.created_at) }));
  const messages = data.transcript.map((m) => ({ message: m, at: Date.parse(m.created_at) }));
  const all = [...messages, ...notes].sort((a, b) => a.at - b.at);
  let decided = null;
  return all.map((x) => {
    if (x.note) return noteLine(x.note);
    const m = x.message;
    if (m.author === "user") {
      decided = m.decision ? m : null;
      return transcriptLine(m, null);
    }
    const shown = m.author === "bot" ? decided : null;
    if (shown) decided = null;
    return transcriptLine(m, shown);
  });
}

// Who did it: the assistant and the system by name of their role, an agent as logged.
const actorName = (e) => ({ bot: t("author_bot"), system: t("author_system") }[e.actor] || e.actor_name || e.actor);

function noteLine(e) {
  return h("li", { class: "line internal" },
    h("p", { class: "who" }, h("strong", {}, t("internalNote")), ` · ${actorName(e)} · ${formatTime(e.created_at)}`),
    h("p", { class: "text" }, e.detail?.text || ""));
}

function transcriptLine(m, decided = null) {
  const revealed = m.id != null && state.revealed.has(m.id);
  const text = h("p", { class: "text", lang: m.language, tabindex: revealed ? "-1" : null,
    "data-focus-key": revealed ? `text-${m.id}` : null }, ...linkified(revealed ? state.revealed.get(m.id) : m.text));
  const line = h("li", { class: `line ${m.author}` },
    h("p", { class: "who" },
      h("strong", {}, t(AUTHOR[m.author] || "author_system")),
      ` · ${t(`language_${m.language}`)} · ${formatTime(m.created_at)}`),
    text,
    decided ? h("p", { class: "decision muted" }, `${t("decision")}: ${label("decision_", decided.decision)}`) : null);
  if (m.masked && m.id != null && state.features.reveal !== false) {
    line.append(revealed
      ? h("p", { class: "muted" }, t("revealedNote"))
      : h("button", {
        type: "button", class: "secondary small", "data-focus-key": `reveal-${m.id}`,
        onclick: () => reveal(m.id),
      }, t("reveal")));
  }
  return line;
}

// Clear text is fetched only on an explicit click; the server writes the audit line.
async function reveal(messageId) {
  try {
    const data = await api(`/api/v1/tickets/${state.ticket.id}/reveal/${messageId}`, { method: "POST" });
    state.revealed.set(messageId, data.text);
    notify(t("revealedNote"));
    renderTicket(state.ticket, true);
    // The button is gone; the keyboard focus goes to the text it revealed.
    part.transcript.querySelector(`[data-focus-key="text-${messageId}"]`)?.focus();
    refreshTicket();
  } catch (err) {
    if (isMissing(err)) {
      state.features.reveal = false;
      renderTicket(state.ticket, true);
    }
    quietFail(err);
  }
}

// An audit line in words: queues and priorities by name, the agent's own reason as written.
function eventLine(e) {
  const d = e.detail || {};
  const parts = [];
  if (e.action === "transferred" && d.old && d.new) parts.push(`${queueName(d.old)} → ${queueName(d.new)}`);
  else if (e.action === "priority_changed" && d.old != null) parts.push(`${t("priorityShort", { p: d.old })} → ${t("priorityShort", { p: d.new })}`);
  else if (e.action === "opened" && d.queue) parts.push(`${queueName(d.queue)} · ${t("priorityShort", { p: d.priority })}`);
  else if (e.action === "alarmed" && d.alarm) parts.push(label("alarm_", d.alarm));
  if (d.released) parts.push(t("transferReleased"));
  if (d.reason && e.action !== "delivery_failed") parts.push(d.reason);
  if (d.text) parts.push(d.text);
  return h("li", { class: e.action === "note" ? "note" : null },
    h("strong", {}, label("event_", e.action, "event_other")), ` · ${actorName(e)} · ${formatTime(e.created_at)}`,
    parts.length ? h("p", {}, parts.join(" – ")) : null);
}

async function loadSuggestions(id) {
  const box = part.suggestions;
  try {
    const data = await api(`/api/v1/tickets/${id}/suggestions?k=3`);
    if (state.ticket?.id !== id) return;
    const list = data.suggestions || [];
    box.querySelector(".sugg-list").replaceChildren(...(list.length ? list.map(suggestion) : [h("p", { class: "muted" }, t("noSuggestions"))]));
    part.hasSuggestions = true;
    box.hidden = state.ticket?.status === "resolved";
  } catch {
    box.hidden = true; // not on this server (yet), or not available: nothing to show
  }
}

function suggestion(s) {
  const insert = () => {
    const area = part.reply.querySelector("textarea");
    area.value = area.value.trim() ? `${area.value.trimEnd()}\n\n${s.text}` : s.text;
    area.focus();
  };
  return h("article", { class: "suggestion" },
    h("h4", {}, s.title || t("suggestion")),
    h("p", {}, s.text),
    h("button", { type: "button", class: "secondary small", onclick: insert, "aria-label": t("insertNamed", { title: s.title || t("suggestion") }) }, t("insert")));
}
