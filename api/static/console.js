// viol3-assist agent console, served at /console. Plain ES module, no build
// step; everything it loads comes from the API's own origin. Endpoints that a
// server does not have yet (404/405 on the route) hide their panel.

const LANGS = ["sv", "en", "fi"];
const LOCALES = { sv: "sv-SE", en: "en-GB", fi: "fi-FI" };
const POLL_MS = 5000;
const DAYS = 30;
const PREFIX = "viol3-console.";

// The session lives only as long as the tab; the language choice is kept.
const session = {
  get() { try { return JSON.parse(sessionStorage.getItem(PREFIX + "session")); } catch { return null; } },
  set(v) { try { sessionStorage.setItem(PREFIX + "session", JSON.stringify(v)); } catch { /* not kept */ } },
  clear() { try { sessionStorage.removeItem(PREFIX + "session"); } catch { /* nothing kept */ } },
};
const prefs = {
  get(k) { try { return localStorage.getItem(PREFIX + k); } catch { return null; } },
  set(k, v) { try { localStorage.setItem(PREFIX + k, v); } catch { /* not kept */ } },
};

const asLang = (v) => (LANGS.includes(v) ? v : null);
let uiLang = asLang(prefs.get("lang")) || "sv";
let texts = {};

function t(key, params = {}) {
  let s = String(texts[uiLang]?.[key] ?? texts.sv?.[key] ?? key);
  for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, v);
  return s;
}

const state = {
  user: session.get(), // {token, username, name, role, queues}
  view: null,
  queues: [], // every queue: [{id, name, open_now, always_open}]
  queue: prefs.get("queue") || "driver",
  lists: {}, // queue id -> tickets
  ticket: null, // the open ticket as read from the API
  ticketJson: "",
  revealed: new Map(), // message id -> clear text, for this ticket only
  features: {}, // name -> false when the server does not have it
  polling: false,
  alerts: [], // the alarms shown, oldest first
  alertsAfter: null, // the last alarm id seen; null: none asked for yet
};

// ---- small DOM helpers; server text only ever becomes text nodes ----
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (v === true) el.setAttribute(k, "");
    else if (v !== false && v != null) el.setAttribute(k, v);
  }
  el.append(...children.filter((c) => c != null && c !== false));
  return el;
}
const $ = (sel) => document.querySelector(sel);

// Re-rendering a part of the page keeps the keyboard focus where it was.
function replaceKeepingFocus(container, ...children) {
  const key = document.activeElement?.dataset?.focusKey;
  const inside = container.contains(document.activeElement);
  container.replaceChildren(...children);
  if (inside && key) container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
}

function formatTime(iso) {
  if (!iso) return "–";
  return new Intl.DateTimeFormat(LOCALES[uiLang], {
    dateStyle: "short", timeStyle: "short", timeZone: "Europe/Stockholm",
  }).format(new Date(iso));
}

function formatDuration(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const pad = (n) => String(n).padStart(2, "0");
  const clock = `${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  const days = Math.floor(s / 86400);
  return days ? `${t("days", { n: days })} ${clock}` : clock;
}

const percent = (share) => (share == null ? "–"
  : new Intl.NumberFormat(LOCALES[uiLang], { style: "percent", maximumFractionDigits: 1 }).format(share));
const isBreached = (ticket) => ticket.status !== "resolved" && Date.parse(ticket.due_at) < Date.now();
const queueName = (id) => state.queues.find((q) => q.id === id)?.name || id;
// An agent sees the tickets of their own queues; an admin those of every queue.
const sees = (id) => state.user?.role === "admin" || (state.user?.queues || []).includes(id);
const myQueues = () => state.queues.filter((q) => sees(q.id));
const label = (prefix, value) => (texts.sv?.[prefix + value] ? t(prefix + value) : value);

// ---- talking to the API ----
class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    Object.assign(this, { status, code });
  }
}

// A route the server does not have (no error code from our handlers) or a method it lacks.
const isMissing = (err) => err instanceof ApiError && ((err.status === 404 && !err.code) || err.status === 405);

const ERROR_KEYS = {
  already_claimed: "errorAlreadyClaimed",
  not_your_ticket: "errorNotYours",
  invalid_transition: "errorInvalid",
  not_allowed: "errorNotAllowed",
  ticket_not_found: "errorNoTicket",
  not_your_queue: "errorNotYourQueue",
  login_throttled: "errorLoginThrottled",
  account_locked: "errorAccountLocked",
  unknown_queue: "errorUnknownQueue",
};

async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json", "Accept-Language": uiLang };
  if (state.user) headers.Authorization = `Bearer ${state.user.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "network", t("errorNetwork"));
  }
  const data = await res.json().catch(() => ({}));
  if (res.ok) return data;
  if (res.status === 401 && state.user) {
    logout(t("sessionExpired"));
  }
  const key = ERROR_KEYS[data.code];
  // Our own errors (they carry a code) say what is wrong, e.g. a wait after failed
  // logins, a locked account, a queue that is not yours: shown as they are.
  const told = data.code && typeof data.detail === "string" ? data.detail : null;
  const message = key ? t(key) : (told || (res.status === 422 ? t("errorInput") : t("errorGeneric", { status: res.status })));
  throw new ApiError(res.status, data.code || "", message);
}

// ---- notices ----
function notify(text, kind = "info") {
  const el = $("#notice");
  el.hidden = !text;
  el.className = `notice ${kind}`;
  el.textContent = text || "";
}
const fail = (err) => notify(err.message || t("errorGeneric", { status: "?" }), "error");
// A 401 has already sent the agent back to the login form with its own message.
const quietFail = (err) => { if (err.status !== 401) fail(err); };

// ---- texts ----
function applyTexts() {
  document.documentElement.lang = uiLang;
  document.title = t("appTitle");
  $("#lang").value = uiLang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-attr]")) {
    const [attr, key] = el.dataset.i18nAttr.split(":");
    el.setAttribute(attr, t(key));
  }
  if (state.user) $("#who").textContent = t("loggedInAs", { name: state.user.name });
  renderAlerts(true);
}

async function changeLanguage(lang) {
  uiLang = lang;
  prefs.set("lang", lang);
  applyTexts();
  if (!state.user) return;
  const current = await loadQueueNames().catch((err) => { quietFail(err); return true; });
  if (!current) return;  // a later change of language redraws the page
  state.overviewKey = "";
  if (state.view === "ticket" && state.ticket) {
    // Rebuilt in the new language; what the agent was writing stays.
    const draft = part.reply?.elements.namedItem("text").value || "";
    buildTicketView(state.ticket.id);
    part.reply.elements.namedItem("text").value = draft;
    state.ticketJson = "";
  }
  route();
}

// ---- login and session ----
async function login(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const username = form.elements.namedItem("username").value.trim();
  $("#login-error").textContent = "";
  try {
    const res = await api("/api/v1/agents/login", {
      method: "POST", body: { username, password: form.elements.namedItem("password").value },
    });
    state.user = { token: res.token, username, name: res.display_name, role: res.role, queues: res.queues || [] };
    session.set(state.user);
    form.reset();
    await start(true);
  } catch (err) {
    $("#login-error").textContent = err.status === 401 ? t("loginFailed") : err.message;
  }
}

// Ends the session on the server too (the token stops working), then here.
async function signOut() {
  try {
    await api("/api/v1/agents/logout", { method: "POST" });
  } catch { /* gone already, or the server is away: forget it here all the same */ }
  logout(t("loggedOut"));
}

function logout(message) {
  state.user = null;
  session.clear();
  state.ticket = null;
  state.alerts = [];
  state.alertsAfter = null;
  $("#alerts").replaceChildren();
  $("#who").hidden = $("#logout").hidden = $("#nav").hidden = true;
  show("login");
  notify(message || "", "info");
}

async function start(focus = false) {
  $("#who").hidden = $("#logout").hidden = $("#nav").hidden = false;
  applyTexts();
  try {
    await Promise.all([loadQueueNames(), loadMe()]);
  } catch (err) {
    if (!state.user) return;
    fail(err);
  }
  probeFeatures(); // in the background: the queues come first
  route(focus);
  pollAlerts().catch(quietFail);
}

// Optional parts of the server: a panel is shown only when its endpoint answers.
async function probeFeatures() {
  const probes = {
    unanswered: `/api/v1/insights/unanswered?days=${DAYS}`,
    dashboard: `/api/v1/insights/dashboard?days=${DAYS}`,
    drafts: "/api/v1/knowledge/drafts?status=proposed",
  };
  await Promise.all(Object.entries(probes).map(async ([name, path]) => {
    try {
      await api(path);
      state.features[name] = true;
    } catch (err) {
      state.features[name] = !isMissing(err) && err.status !== 0;
    }
  }));
  const link = (name) => document.querySelector(`[data-nav="${name}"]`);
  link("unanswered").hidden = !state.features.unanswered;
  link("dashboard").hidden = !state.features.dashboard;
  link("drafts").hidden = !(state.features.drafts && state.user?.role === "admin");
  if (state.view === "ticket" && state.ticket?.transcript) renderTicket(state.ticket, true);
}

// ---- views and routing ----
function show(view, focus = false) {
  state.view = view;
  for (const section of document.querySelectorAll("[data-view]")) {
    section.hidden = section.dataset.view !== view;
  }
  for (const a of document.querySelectorAll("[data-nav]")) {
    if (a.dataset.nav === (view === "ticket" ? "queues" : view)) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (focus) document.querySelector(`[data-view="${view}"] h2`)?.focus();
}

function route(focus = false) {
  if (!state.user) return show("login", focus);
  const [view, arg] = location.hash.replace(/^#\/?/, "").split("/");
  if (view === "ticket" && /^\d+$/.test(arg || "")) return openTicket(Number(arg), focus);
  if (["unanswered", "dashboard", "drafts"].includes(view) && state.features[view] !== false) {
    show(view, focus);
    return { unanswered: loadUnanswered, dashboard: loadDashboard, drafts: loadDrafts }[view]();
  }
  if (arg && myQueues().some((q) => q.id === arg)) {
    state.queue = arg;
    prefs.set("queue", arg);
  }
  show("queues", focus);
  state.overviewKey = "";
  return refreshQueues().catch(quietFail);
}

// ---- queues ----
async function loadQueueNames() {
  const lang = uiLang;
  const data = await api(`/api/v1/queues?lang=${lang}`);
  // A quick switch of language can answer out of order: only the last choice counts.
  if (lang !== uiLang) return false;
  state.queues = data.queues;
  if (!sees(state.queue)) state.queue = myQueues()[0]?.id;
  return true;
}

// An admin may have changed the agent's queues since the login.
async function loadMe() {
  try {
    const me = await api("/api/v1/agents/me");
    if (!state.user) return;
    state.user = { ...state.user, role: me.role, queues: me.queues || [] };
    session.set(state.user);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
}

async function refreshQueues() {
  const mine = myQueues();
  const lists = await Promise.all(mine.map((q) =>
    api(`/api/v1/tickets?queue=${encodeURIComponent(q.id)}`).then((d) => d.tickets)));
  state.lists = {};
  mine.forEach((q, i) => { state.lists[q.id] = lists[i]; });
  $("#updated").textContent = t("updatedAt", { time: formatTime(new Date().toISOString()) });
  renderQueues();
}

function renderQueues() {
  // Only redraw when something changed (breaches included), so the focus stays put.
  const key = JSON.stringify([state.queue, uiLang, state.lists, myQueues().map((q) => q.name),
    Object.values(state.lists).flat().filter(isBreached).map((x) => x.id)]);
  if (key === state.overviewKey) return;
  state.overviewKey = key;
  replaceKeepingFocus($("#overview"), overviewTable());
  $("#queue-title").textContent = state.queue ? t("ticketsIn", { queue: queueName(state.queue) }) : "";
  replaceKeepingFocus($("#ticket-list"), ticketTable(state.lists[state.queue] || []));
  tick();
}

function overviewTable() {
  const priorities = [1, 2, 3, 4, 5];
  const head = h("tr", {},
    h("th", { scope: "col" }, t("queue")),
    ...priorities.map((p) => h("th", { scope: "col", class: "num" }, t("priorityShort", { p }))),
    h("th", { scope: "col", class: "num" }, t("total")),
    h("th", { scope: "col", class: "num" }, t("breachedCount")),
    h("th", { scope: "col" }, t("openingState")));
  const rows = myQueues().map((q) => {
    const list = state.lists[q.id] || [];
    const breached = list.filter(isBreached).length;
    const current = q.id === state.queue;
    return h("tr", { class: current ? "current" : null },
      h("th", { scope: "row" }, h("a", {
        href: `#/queues/${q.id}`, "data-focus-key": `queue-${q.id}`,
        "aria-current": current ? "true" : null,
      }, q.name)),
      ...priorities.map((p) => h("td", { class: "num" }, String(list.filter((x) => x.priority === p).length))),
      h("td", { class: "num" }, String(list.length)),
      h("td", { class: breached ? "num breached" : "num" }, breached ? `⚠ ${breached}` : "0"),
      h("td", {}, q.always_open ? t("alwaysOpen") : q.open_now ? t("openNow") : t("closedNow")));
  });
  return h("table", { class: "overview" },
    h("caption", {}, t("overviewCaption")), h("thead", {}, head), h("tbody", {}, ...rows));
}

function ticketTable(tickets) {
  if (!tickets.length) return h("p", { class: "muted" }, t("noTickets"));
  const head = h("tr", {}, ...["ticket", "priority", "description", "status", "channelLanguage", "created", "sla"]
    .map((k) => h("th", { scope: "col" }, t(k))));
  const rows = tickets.map((x) => h("tr", { class: isBreached(x) ? "breached-row" : null, "data-ticket": x.id },
    h("td", {}, h("a", { href: `#/ticket/${x.id}`, "data-focus-key": `ticket-${x.id}` }, t("ticketNumber", { id: x.id }))),
    h("td", {}, h("span", { class: `prio p${x.priority}` }, t("priorityShort", { p: x.priority }))),
    h("td", { class: "desc" }, ...(x.subject ? [h("strong", {}, x.subject), " "] : []), x.description),
    h("td", {}, label("status_", x.status)),
    h("td", {}, `${label("channel_", x.channel)} · ${x.language}`),
    h("td", {}, formatTime(x.created_at)),
    h("td", {}, slaCell(x))));
  return h("table", { class: "tickets" },
    h("caption", { class: "sr-only" }, t("ticketsIn", { queue: queueName(state.queue) })),
    h("thead", {}, head), h("tbody", {}, ...rows));
}

function slaCell(ticket) {
  if (ticket.status === "resolved") return h("span", { class: "sla" }, t("status_resolved"));
  return h("span", { class: "sla", "data-due": ticket.due_at });
}

// Countdowns run in the page from due_at, once a second; a breach says so in words too.
function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll("[data-due]")) {
    const left = Date.parse(el.dataset.due) - now;
    const breached = left < 0;
    el.textContent = breached ? `⚠ ${t("slaBreached", { time: formatDuration(left) })}` : t("slaLeft", { time: formatDuration(left) });
    el.classList.toggle("breached", breached);
    el.classList.toggle("soon", !breached && left < 3600_000);
    el.closest("tr")?.classList.toggle("breached-row", breached);
  }
}

// ---- one ticket ----
async function openTicket(id, focus) {
  if (state.ticket?.id !== id) {
    state.ticket = { id };
    state.ticketJson = "";
    state.revealed = new Map();
    buildTicketView(id);
  }
  show("ticket");
  await refreshTicket();
  if (focus) $("#ticket-title").focus();
}

async function refreshTicket() {
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

const part = {}; // the ticket view's parts, built once per ticket

function buildTicketView(id) {
  $("#ticket-title").textContent = t("ticketNumber", { id });
  part.hasSuggestions = false;
  part.meta = h("dl", { class: "meta" });
  part.actions = h("div", { class: "actions" });
  part.transcript = h("ol", { class: "transcript", "aria-labelledby": "conv-title" });
  part.reasons = h("ul", { class: "reasons" });
  part.order = h("section", { class: "panel", "aria-labelledby": "order-title", hidden: true },
    h("h3", { id: "order-title" }, t("orderTitle")), h("dl", { class: "meta order" }));
  part.events = h("ol", { class: "events" });
  part.files = h("section", { class: "panel", "aria-labelledby": "files-title", hidden: true },
    h("h3", { id: "files-title" }, t("filesTitle")), h("ul", { class: "files" }));
  part.reply = textForm("reply", "replyLabel", "sendReply", (text) => act("reply", { text }, "replySent"));
  part.note = textForm("note", "noteLabel", "addNote", (text) => act("notes", { text }, "noteAdded"));
  part.suggestions = h("section", { class: "panel", "aria-labelledby": "sugg-title", hidden: true },
    h("h3", { id: "sugg-title" }, t("suggestionsTitle")), h("div", { class: "sugg-list" }));
  part.transfer = transferForm();
  part.priority = priorityForm();
  part.draft = draftForm();
  part.draftBox = h("section", { class: "panel", "aria-labelledby": "draft-title", hidden: true },
    h("h3", { id: "draft-title" }, t("draftTitle")), h("p", { class: "muted" }, t("draftHelp")), part.draft);
  $("#ticket-body").replaceChildren(
    part.meta, part.order, part.files, part.actions,
    h("div", { class: "columns" },
      h("div", { class: "conversation" },
        h("h3", { id: "conv-title" }, t("conversation")), part.transcript,
        h("h3", {}, t("triageReasons")), part.reasons,
        h("h3", {}, t("events")), part.events),
      h("div", { class: "work" },
        h("section", { class: "panel", "aria-labelledby": "reply-title" },
          h("h3", { id: "reply-title" }, t("replyTitle")), part.reply),
        part.suggestions,
        h("section", { class: "panel", "aria-labelledby": "note-title" },
          h("h3", { id: "note-title" }, t("noteTitle")), part.note),
        h("section", { class: "panel", "aria-labelledby": "transfer-title" },
          h("h3", { id: "transfer-title" }, t("transferTitle")), part.transfer),
        h("section", { class: "panel", "aria-labelledby": "prio-title" },
          h("h3", { id: "prio-title" }, t("priorityTitle")), part.priority),
        part.draftBox)));
  loadSuggestions(id);
  loadFiles(id);
}

// The files the user sent. A download needs the agent's token, which a plain link
// cannot carry: the file is fetched, then saved under its name.
async function loadFiles(id) {
  let data;
  try {
    data = await api(`/api/v1/tickets/${id}/attachments`);
  } catch {
    return; // the ticket view says what went wrong; the files can wait
  }
  if (state.ticket?.id !== undefined && state.ticket.id !== id) return;
  const files = data.attachments || [];
  part.files.hidden = files.length === 0;
  part.files.querySelector("ul").replaceChildren(...files.map((f) =>
    h("li", {}, h("button", { type: "button", class: "link", onclick: () => saveFile(id, f) },
      t("downloadFile", { name: f.filename })), ` (${f.content_type}, ${Math.ceil(f.size / 1024)} kB)`)));
}

async function saveFile(id, file) {
  const res = await fetch(`/api/v1/tickets/${id}/attachments/${file.id}`, {
    headers: { Authorization: `Bearer ${state.user.token}` },
  }).catch(() => null);
  if (!res?.ok) return notify(t("errorNetwork"), "error");
  const url = URL.createObjectURL(await res.blob());
  const a = h("a", { href: url, download: file.filename });
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

function textForm(name, labelKey, buttonKey, submit) {
  const id = `${name}-text`;
  const area = h("textarea", { id, name: "text", rows: name === "reply" ? "5" : "3", required: true });
  const form = h("form", { class: "stack" },
    h("label", { for: id }, t(labelKey)), area, h("button", { type: "submit" }, t(buttonKey)));
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
    ...state.queues.map((q) => h("option", { value: q.id }, q.name)));
  const form = h("form", { class: "stack" },
    h("label", { for: "transfer-queue" }, t("transferTo")), select, h("button", { type: "submit" }, t("transfer")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const queue = select.value;
    if (await act("transfer", { queue }, "transferred") && !sees(queue)) {
      // Moved out of this agent's queues: no longer theirs to see, so back to the list.
      state.nextNotice = t("transferred");
      state.nextKind = "info";
      location.hash = "#/queues";
    }
  });
  return form;
}

function priorityForm() {
  const select = h("select", { id: "prio-value", name: "priority" },
    ...[1, 2, 3, 4, 5].map((p) => h("option", { value: String(p) }, t(`priority_${p}`))));
  const reason = h("input", { id: "prio-reason", name: "reason", required: true });
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

async function act(action, body, doneKey) {
  const id = state.ticket.id;
  try {
    const data = await api(`/api/v1/tickets/${id}/${action}`, { method: "POST", body });
    notify(t(doneKey));
    renderTicket(data, true);
    refreshQueues().catch(() => {});
    return true;
  } catch (err) {
    quietFail(err);
    if (err.status === 409 || err.status === 403) refreshTicket();
    return false;
  }
}

function claimedBy(ticket) {
  if (ticket.status !== "claimed") return null;
  const claim = [...ticket.events].reverse().find((e) => e.action === "claimed");
  return claim?.actor || null;
}

function renderTicket(data, force = false) {
  const json = JSON.stringify(data);
  if (!force && json === state.ticketJson) return;
  state.ticketJson = json;
  state.ticket = data;
  const owner = claimedBy(data);
  const mine = owner === state.user.username;
  $("#back").href = `#/queues/${data.queue}`;
  $("#back").textContent = t("backToQueueNamed", { queue: queueName(data.queue) });

  const row = (k, ...v) => [h("div", {}, h("dt", {}, t(k)), h("dd", {}, ...v))];
  part.meta.replaceChildren(
    ...row("queue", queueName(data.queue)),
    ...row("priority", h("span", { class: `prio p${data.priority}` }, t(`priority_${data.priority}`))),
    ...row("status", owner ? t("claimedBy", { name: mine ? t("you") : owner }) : label("status_", data.status)),
    ...row("sla", data.status === "resolved" ? t("status_resolved") : h("span", { class: "sla", "data-due": data.due_at }),
      ` (${formatTime(data.due_at)})`),
    ...row("language", t(`language_${data.language}`)),
    ...row("channel", label("channel_", data.channel)),
    ...(data.subject ? row("subject", data.subject) : []),
    ...row("contact", data.contact || "–"),
    ...row("created", formatTime(data.created_at)),
    ...row("billable", data.billable ? t("yes") : t("no")));

  const button = (key, onclick, cls) => h("button", { type: "button", class: cls, onclick, "data-focus-key": key }, t(key));
  const buttons = [];
  if (data.status === "open") buttons.push(button("claim", () => act("claim", undefined, "claimed")));
  if (data.status === "claimed" && (mine || state.user.role === "admin")) {
    buttons.push(button("resolve", () => act("resolve", undefined, "resolved")));
    buttons.push(button("release", () => act("release", undefined, "released"), "secondary"));
  }
  if (data.status === "resolved") buttons.push(button("reopen", () => act("reopen", undefined, "reopened")));
  replaceKeepingFocus(part.actions, ...buttons);

  replaceKeepingFocus(part.transcript, ...withDecisions(data.transcript));
  renderOrder(data.order);
  part.reasons.replaceChildren(...(data.triage_reasons || []).map((r) =>
    h("li", {}, typeof r === "string" ? r : JSON.stringify(r))));
  part.events.replaceChildren(...data.events.map(eventLine));

  const resolved = data.status === "resolved";
  part.reply.closest("section").hidden = resolved;
  part.suggestions.hidden = resolved || !part.hasSuggestions;
  part.note.closest("section").hidden = false;
  part.draftBox.hidden = !resolved || !state.features.drafts;
  if (resolved) fillDraft(data);
  part.transfer.querySelector("select").value = data.queue;
  part.priority.querySelector("select").value = String(data.priority);
  tick();
}

const AUTHOR = { user: "author_user", bot: "author_bot", agent: "author_agent", notice: "author_notice", system: "author_system" };

// An order (a user, a permission, an actor): what the agent needs to carry it
// out, and what the user has not given yet.
function renderOrder(order) {
  part.order.hidden = !order;
  if (!order) return;
  part.order.querySelector("h3").textContent = `${t("orderTitle")}: ${t(`order_${order.kind}`)}`;
  const fields = [...Object.keys(order.fields), ...order.missing];
  part.order.querySelector("dl").replaceChildren(...fields.map((f) =>
    h("div", {}, h("dt", {}, t(`orderField_${f}`)),
      h("dd", {}, order.fields[f] ?? h("em", { class: "missing" }, t("orderMissing"))))));
}

// The decision the assistant took on a user's message is shown with its reply.
function withDecisions(lines) {
  let decided = null;
  return lines.map((m) => {
    if (m.author === "user") {
      decided = m.decision ? m : null;
      return transcriptLine(m, null);
    }
    const shown = m.author === "bot" ? decided : null;
    if (shown) decided = null;
    return transcriptLine(m, shown);
  });
}

function decisionDetails(decided) {
  return h("details", { class: "decision" },
    h("summary", {}, `${t("decision")}: ${t(`decision_${decided.decision}`)}`),
    h("ul", { class: "reasons" }, ...(decided.reasons || []).map((r) => h("li", {}, r))));
}

function transcriptLine(m, decided = null) {
  const revealed = m.id != null && state.revealed.has(m.id);
  const text = h("p", { class: "text", lang: m.language, tabindex: revealed ? "-1" : null,
    "data-focus-key": revealed ? `text-${m.id}` : null }, revealed ? state.revealed.get(m.id) : m.text);
  const line = h("li", { class: `line ${m.author}` },
    h("p", { class: "who" },
      h("strong", {}, t(AUTHOR[m.author] || "author_system")),
      ` · ${m.language} · ${formatTime(m.created_at)}`),
    text,
    decided ? decisionDetails(decided) : null);
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

function eventLine(e) {
  const detail = e.detail || {};
  const parts = [];
  if (detail.old != null && detail.new != null) parts.push(`${detail.old} → ${detail.new}`);
  if (detail.reason) parts.push(detail.reason);
  if (detail.text) parts.push(detail.text);
  return h("li", { class: e.action === "note" ? "note" : null },
    h("strong", {}, label("event_", e.action)), ` · ${e.actor} · ${formatTime(e.created_at)}`,
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
    h("h4", {}, s.title || s.topic),
    h("p", {}, s.text),
    h("button", { type: "button", class: "secondary small", onclick: insert, "aria-label": t("insertNamed", { title: s.title || s.topic }) }, t("insert")));
}

// ---- unanswered questions, drafts, dashboard ----
async function loadUnanswered() {
  try {
    const data = await api(`/api/v1/insights/unanswered?days=${DAYS}`);
    const rows = (data.questions || []).map((q) => h("tr", {},
      h("td", { lang: q.language }, q.text), h("td", {}, q.language),
      h("td", { class: "num" }, String(q.count)), h("td", {}, formatTime(q.last_seen))));
    $("#unanswered").replaceChildren(rows.length
      ? h("table", {}, h("thead", {}, h("tr", {}, ...["question", "language", "count", "lastSeen"]
        .map((k) => h("th", { scope: "col" }, t(k))))), h("tbody", {}, ...rows))
      : h("p", { class: "muted" }, t("nothingYet")));
  } catch (err) {
    quietFail(err);
  }
}

async function loadDrafts() {
  try {
    const data = await api("/api/v1/knowledge/drafts?status=proposed");
    const drafts = data.drafts || [];
    $("#drafts").replaceChildren(...(drafts.length ? drafts.map(draftCard) : [h("p", { class: "muted" }, t("nothingYet"))]));
  } catch (err) {
    quietFail(err);
  }
}

function draftCard(d) {
  const decide = async (verdict) => {
    try {
      await api(`/api/v1/knowledge/drafts/${d.id}/${verdict}`, { method: "POST" });
      notify(t(verdict === "approve" ? "draftApproved" : "draftRejected"));
      loadDrafts();
    } catch (err) {
      quietFail(err);
    }
  };
  return h("article", { class: "panel draft", lang: d.language },
    h("h3", {}, d.title),
    h("p", { class: "muted" }, `${t(`language_${d.language}`)} · `,
      d.ticket_id != null ? h("a", { href: `#/ticket/${d.ticket_id}` }, t("ticketNumber", { id: d.ticket_id })) : null),
    h("h4", {}, t("draftQuestion")), h("p", {}, d.question),
    h("h4", {}, t("draftAnswer")), h("p", { class: "pre" }, d.answer),
    state.user.role === "admin" ? h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => decide("approve") }, t("approve")),
      h("button", { type: "button", class: "secondary", onclick: () => decide("reject") }, t("reject"))) : null);
}

async function loadDashboard() {
  try {
    const d = await api(`/api/v1/insights/dashboard?days=${DAYS}`);
    const named = (obj, prefix) => Object.entries(obj || {}).map(([k, v]) => ({ label: label(prefix, k), value: v }));
    const handoffs = (d.handoffs || []).map((x) => ({ label: `${queueName(x.queue)} · ${t("priorityShort", { p: x.priority })}`, value: x.count }));
    const sla = d.sla || {};
    $("#dashboard").replaceChildren(
      h("div", { class: "kpis" },
        kpi(t("selfServiceShare"), percent(d.self_service_share)),
        kpi(t("slaCompliance"), percent(sla.compliance)),
        kpi(t("slaMet"), String(sla.met ?? 0)),
        kpi(t("slaBreachedCount"), String(sla.breached ?? 0)),
        kpi(t("slaOpenBreached"), String(sla.open_breached ?? 0))),
      h("div", { class: "charts" },
        columnChart(t("chartPerDay"), (d.days || []).map((x) => ({ label: x.day, value: x.conversations }))),
        barChart(t("chartChannel"), named(d.by_channel, "channel_")),
        barChart(t("chartLanguage"), named(d.by_language, "language_")),
        barChart(t("chartHandoffs"), handoffs),
        barChart(t("chartTopics"), (d.top_topics || []).map((x) => ({ label: x.topic, value: x.count }))),
        barChart(t("chartUnanswered"), (d.top_unanswered || []).map((x) => ({ label: x.text, value: x.count })))));
  } catch (err) {
    quietFail(err);
  }
}

const kpi = (name, value) => h("div", { class: "kpi" }, h("span", { class: "kpi-value" }, value), h("span", {}, name));

// ---- charts: inline SVG drawn here, each with its numbers as a table ----
const SVG_NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

function chartFigure(title, items, drawing) {
  const total = items.reduce((s, x) => s + x.value, 0);
  drawing.setAttribute("role", "img");
  drawing.setAttribute("aria-label", `${title}: ${items.map((x) => `${x.label} ${x.value}`).join(", ") || t("nothingYet")}`);
  const table = h("table", { class: "data" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("label")), h("th", { scope: "col", class: "num" }, t("count")))),
    h("tbody", {}, ...items.map((x) => h("tr", {}, h("td", {}, x.label), h("td", { class: "num" }, String(x.value))))));
  return h("figure", { class: "chart" },
    h("figcaption", {}, title, h("span", { class: "muted" }, ` (${t("total")}: ${total})`)),
    items.length ? drawing : h("p", { class: "muted" }, t("nothingYet")),
    items.length ? h("details", {}, h("summary", {}, t("showTable")), table) : null);
}

function barChart(title, items) {
  const width = 420, rowH = 34, max = Math.max(1, ...items.map((x) => x.value));
  const short = (s) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);
  const drawing = svg("svg", { viewBox: `0 0 ${width} ${Math.max(rowH, items.length * rowH)}`, class: "bars" },
    ...items.flatMap((x, i) => {
      const y = i * rowH, w = Math.max(2, (x.value / max) * (width - 60));
      return [
        svg("text", { x: 0, y: y + 12, class: "bar-label" }, short(String(x.label))),
        svg("rect", { x: 0, y: y + 16, width: w, height: 12, class: "bar" }),
        svg("text", { x: w + 6, y: y + 27, class: "bar-value" }, String(x.value)),
      ];
    }));
  return chartFigure(title, items, drawing);
}

function columnChart(title, items) {
  const width = 600, height = 180, base = 150, max = Math.max(1, ...items.map((x) => x.value));
  const step = width / Math.max(1, items.length), every = Math.ceil(items.length / 6);
  const drawing = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "columns-chart" },
    svg("line", { x1: 0, y1: base, x2: width, y2: base, class: "axis" }),
    svg("text", { x: 2, y: 12, class: "bar-value" }, `max ${max}`),
    ...items.flatMap((x, i) => {
      const hgt = (x.value / max) * (base - 20);
      const shapes = [svg("rect", { x: i * step + step * 0.15, y: base - hgt, width: step * 0.7, height: hgt, class: "bar" },
        svg("title", {}, `${x.label}: ${x.value}`))];
      if (i % every === 0) shapes.push(svg("text", { x: i * step, y: base + 18, class: "bar-label" }, String(x.label).slice(5)));
      return shapes;
    }));
  return chartFigure(title, items, drawing);
}

// ---- alerts: alarms on the tickets of the agent's queues (a breach, a new priority 1) ----
// Polled with the rest; each stays until dismissed, and a dismissed one stays
// away for the session. Only new alerts are added to the page, so a screen
// reader announces each one once (role="alert").
const dismissedAlerts = {
  get() { try { return new Set(JSON.parse(sessionStorage.getItem(PREFIX + "dismissed") || "[]")); } catch { return new Set(); } },
  add(id) {
    const ids = [...this.get(), id].slice(-200);
    try { sessionStorage.setItem(PREFIX + "dismissed", JSON.stringify(ids)); } catch { /* not kept */ }
  },
};

async function pollAlerts() {
  if (!state.user || state.features.alerts === false) return;
  const after = state.alertsAfter;
  let data;
  try {
    data = await api(after == null ? "/api/v1/alerts" : `/api/v1/alerts?after=${after}`);
  } catch (err) {
    if (isMissing(err)) { state.features.alerts = false; return; }
    throw err;
  }
  if (!state.user || state.alertsAfter !== after) return; // logged out, or answered already
  state.alertsAfter = data.last_id;
  const gone = dismissedAlerts.get();
  const fresh = (data.alerts || []).filter((a) => !gone.has(a.id) && !state.alerts.some((x) => x.id === a.id));
  state.alerts.push(...fresh);
  $("#alerts").append(...fresh.map(alertBox));
}

// All of them again (a change of language); otherwise only new ones are added.
function renderAlerts(all = false) {
  if (all) replaceKeepingFocus($("#alerts"), ...state.alerts.map(alertBox));
}

function alertBox(a) {
  const text = t(`alert_${a.kind}`, {
    id: a.ticket_id, queue: queueName(a.queue), p: a.priority, due: formatTime(a.due_at),
  });
  return h("div", { class: `alert ${a.kind}`, role: "alert", "data-alert": a.id },
    h("p", {}, text),
    h("a", { href: `#/ticket/${a.ticket_id}`, "data-focus-key": `alert-open-${a.id}` },
      t("alertOpen", { id: a.ticket_id })),
    h("button", {
      type: "button", class: "secondary small", "data-focus-key": `alert-dismiss-${a.id}`,
      "aria-label": t("alertDismissNamed", { id: a.ticket_id }), onclick: () => dismissAlert(a.id),
    }, t("alertDismiss")));
}

function dismissAlert(id) {
  dismissedAlerts.add(id);
  state.alerts = state.alerts.filter((a) => a.id !== id);
  $(`#alerts [data-alert="${id}"]`)?.remove();
  // The button had the focus: it goes to the next alarm, or back to the page.
  const next = $("#alerts .alert button");
  (next || $("#main")).focus();
}

// ---- polling: the queues every 5 s while the tab is visible; the open ticket too ----
async function poll() {
  if (document.hidden || !state.user || state.polling) return;
  state.polling = true;
  try {
    await pollAlerts();
    if (state.view === "queues") await refreshQueues();
    if (state.view === "ticket" && state.ticket) await refreshTicket();
  } catch (err) {
    if (err.status !== 401) notify(t("errorPoll"), "error");
  } finally {
    state.polling = false;
  }
}

async function init() {
  try {
    const res = await fetch("/static/console-i18n.json");
    texts = await res.json();
  } catch {
    texts = {};
  }
  applyTexts();
  $("#lang").addEventListener("change", (e) => changeLanguage(e.target.value));
  $("#login-form").addEventListener("submit", login);
  $("#logout").addEventListener("click", signOut);
  window.addEventListener("hashchange", () => {
    notify(state.nextNotice || "", state.nextKind || (state.nextNotice ? "error" : "info"));
    state.nextNotice = state.nextKind = null;
    route(true);
  });
  document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });
  setInterval(poll, POLL_MS);
  setInterval(tick, 1000);
  if (state.user) await start();
  else show("login");
}

init();
