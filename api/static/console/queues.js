// The queue view: a one-line overview of the agent's queues, search and filters
// (kept in the URL), and one row per ticket.

import { api } from "./client.js";
import { formatDuration, formatTime, label, queueName, queueShort, t, uiLang } from "./i18n.js";
import { myQueues, state } from "./store.js";
import { $, h, replaceKeepingFocus } from "./ui.js";

const CHANNELS = ["web", "telegram", "sms", "voice", "email"];
const LANGS = ["sv", "en", "fi"];
// The filters and the URL parameters that keep them: #/queues?queue=driver&mine=1 …
const FILTERS = ["q", "queue", "priority", "channel", "language", "mine", "unclaimed"];

export const isBreached = (ticket) => ticket.status !== "resolved" && Date.parse(ticket.due_at) < Date.now();

// The list's filters: those in the URL of the queue view (the hash after
// "#/queues?"), kept while a ticket is open so its list refreshes alike.
export function rememberFilters() {
  state.listQuery = location.hash.split("?")[1] || "";
}

export function currentFilters() {
  const query = state.view === "queues" ? location.hash.split("?")[1] || "" : state.listQuery || "";
  const params = new URLSearchParams(query);
  const filters = {};
  for (const name of FILTERS) {
    const value = (params.get(name) || "").trim();
    if (value) filters[name] = value;
  }
  return filters;
}

export function filtersHash(filters) {
  const params = new URLSearchParams();
  for (const name of FILTERS) if (filters[name]) params.set(name, filters[name]);
  const query = params.toString();
  return query ? `#/queues?${query}` : "#/queues";
}

function listPath(filters) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (name === "mine" || name === "unclaimed") params.set(name, "true");
    else params.set(name, name === "q" ? value.slice(0, 200) : value);
  }
  const query = params.toString();
  return query ? `/api/v1/tickets?${query}` : "/api/v1/tickets";
}

function countsOf(tickets) {
  const counts = {};
  for (const q of myQueues()) counts[q.id] = { total: 0, p1: 0, breached: 0 };
  for (const x of tickets) {
    const c = counts[x.queue];
    if (!c) continue;
    c.total += 1;
    if (x.priority === 1) c.p1 += 1;
    if (isBreached(x)) c.breached += 1;
  }
  return counts;
}

export async function refreshQueues() {
  const filters = currentFilters();
  const filtered = Object.keys(filters).length > 0;
  const [all, shown] = await Promise.all([
    api("/api/v1/tickets").then((d) => d.tickets),
    filtered ? api(listPath(filters)).then((d) => d.tickets) : null,
  ]);
  state.counts = countsOf(all);
  state.tickets = shown || all;
  $("#updated").textContent = t("updatedAt", { time: formatTime(new Date().toISOString()) });
  renderQueues();
  return all;
}

export function renderQueues(force = false) {
  // Only redraw when something changed (breaches included), so the focus stays put.
  const filters = currentFilters();
  const key = JSON.stringify([uiLang, filters, state.counts, state.tickets, myQueues().map((q) => q.names),
    state.tickets.filter(isBreached).map((x) => x.id)]);
  if (!force && key === state.overviewKey) return;
  state.overviewKey = key;
  replaceKeepingFocus($("#overview"), overviewLine(filters));
  if ($("#filters").dataset.lang !== uiLang) $("#filters").replaceChildren(filterForm());
  fillFilterForm(filters);
  const shown = Object.keys(filters).length;
  $("#queue-title").textContent = shown ? t("ticketsFound", { n: state.tickets.length }) : t("ticketsAll", { n: state.tickets.length });
  replaceKeepingFocus($("#ticket-list"), ticketTable(state.tickets));
  tick();
}

// "Förare 3 · 1 P1 · 1 försenat | Åtkomst 2 | …": each queue a link to its list.
function overviewLine(filters) {
  const items = myQueues().map((q) => {
    const c = state.counts[q.id] || { total: 0, p1: 0, breached: 0 };
    const open = q.always_open ? t("alwaysOpen") : q.open_now ? t("openNow") : t("closedNow");
    const hint = `${queueName(q.id)} · ${open}`;
    const extra = [];
    if (c.p1) extra.push(h("span", { class: "prio p1" }, t("p1Count", { n: c.p1 })));
    if (c.breached) extra.push(h("span", { class: "late" }, `⚠ ${t("lateCount", { n: c.breached })}`));
    return h("li", { class: filters.queue === q.id ? "current" : null },
      h("a", {
        href: filtersHash({ queue: q.id }), "data-focus-key": `queue-${q.id}`,
        "aria-current": filters.queue === q.id ? "true" : null,
        title: hint, "aria-label": `${queueShort(q.id)}: ${t("openTickets", { n: c.total })}`,
      }, `${queueShort(q.id)} `, h("span", { class: "count", "aria-hidden": "true" }, String(c.total))),
      ...extra);
  });
  return h("ul", { class: "overview", "aria-label": t("overviewCaption") }, ...items);
}

function select(name, allKey, options) {
  const id = `filter-${name}`;
  return h("div", { class: "field" },
    h("label", { for: id }, t(`filter_${name}`)),
    h("select", { id, name },
      h("option", { value: "" }, t(allKey)),
      ...options.map(([value, text]) => h("option", { value }, text))));
}

function check(name) {
  const id = `filter-${name}`;
  return h("div", { class: "field check" },
    h("input", { id, name, type: "checkbox", value: "1" }),
    h("label", { for: id }, t(`filter_${name}`)));
}

function filterForm() {
  const form = h("form", { class: "filters", role: "search", "aria-label": t("filtersLabel") },
    h("div", { class: "field search" },
      h("label", { for: "filter-q" }, t("filter_q")),
      h("input", { id: "filter-q", name: "q", type: "search", maxlength: "200", placeholder: t("searchPlaceholder") })),
    select("queue", "allQueues", myQueues().map((q) => [q.id, queueShort(q.id)])),
    select("priority", "allPriorities", [1, 2, 3, 4, 5].map((p) => [String(p), t(`priority_${p}`)])),
    select("channel", "allChannels", CHANNELS.map((c) => [c, label("channel_", c)])),
    select("language", "allLanguages", LANGS.map((l) => [l, t(`language_${l}`)])),
    check("mine"), check("unclaimed"),
    h("div", { class: "field buttons" },
      h("button", { type: "submit" }, t("search")),
      h("button", { type: "button", class: "secondary", onclick: () => { location.hash = "#/queues"; } }, t("clearFilters"))));
  form.dataset.lang = uiLang;
  const apply = () => {
    const filters = {};
    for (const name of FILTERS) {
      const el = form.elements.namedItem(name);
      const value = el.type === "checkbox" ? (el.checked ? "1" : "") : el.value.trim();
      if (value) filters[name] = value;
    }
    const target = filtersHash(filters);
    if (location.hash !== target) location.hash = target;
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });
  form.addEventListener("change", (event) => { if (event.target.name !== "q") apply(); });
  const wrapper = $("#filters");
  wrapper.dataset.lang = uiLang;
  return form;
}

function fillFilterForm(filters) {
  const form = $("#filters form");
  if (!form) return;
  for (const name of FILTERS) {
    const el = form.elements.namedItem(name);
    if (el.type === "checkbox") el.checked = Boolean(filters[name]);
    else if (document.activeElement !== el) el.value = filters[name] || "";
  }
}

function who(ticket) {
  if (ticket.status === "resolved") return label("status_", "resolved");
  if (ticket.assigned_agent_id == null) return h("span", { class: "muted" }, t("unclaimed"));
  if (ticket.assigned_agent_id === state.user?.id) return t("you_capital");
  return ticket.assigned_agent_name || t("anotherAgent");
}

function ticketTable(tickets) {
  if (!tickets.length) return h("p", { class: "muted" }, t("noTickets"));
  const head = h("tr", {}, ...[["priorityColumn", "col-prio"], ["ticket", "col-title"], ["queue", "col-queue"],
    ["assignee", "col-who"], ["sla", "col-sla"]].map(([k, cls]) => h("th", { scope: "col", class: cls }, t(k))));
  const rows = tickets.map((x) => h("tr", { "data-ticket": x.id, class: isBreached(x) ? "late" : null },
    h("td", { class: "col-prio" }, h("span", { class: `prio p${x.priority}`, title: t(`priority_${x.priority}`) }, t("priorityShort", { p: x.priority }))),
    h("td", { class: "col-title" }, h("a", { href: `#/ticket/${x.id}`, "data-focus-key": `ticket-${x.id}` },
      h("span", { class: "num" }, `#${x.id}`), " ", h("span", { class: "title", lang: x.language }, x.title || x.subject || x.description || "")),
    h("span", { class: "sub" }, `${label("channel_", x.channel)} · ${t(`language_${x.language}`)}`)),
    h("td", { class: "col-queue", title: queueName(x.queue) }, queueShort(x.queue)),
    h("td", { class: "col-who" }, who(x)),
    h("td", { class: "col-sla" }, slaCell(x))));
  return h("table", { class: "tickets" },
    h("caption", { class: "sr-only" }, t("ticketList")),
    h("thead", {}, head), h("tbody", {}, ...rows));
}

export function slaCell(ticket) {
  if (ticket.status === "resolved") return h("span", { class: "sla" }, t("status_resolved"));
  return h("span", { class: "sla", "data-due": ticket.due_at });
}

// Countdowns run in the page from due_at, once a second; a breach says so in words too.
export function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll("[data-due]")) {
    const left = Date.parse(el.dataset.due) - now;
    const breached = left < 0;
    el.textContent = breached ? `⚠ ${t("slaBreached", { time: formatDuration(left) })}` : t("slaLeft", { time: formatDuration(left) });
    el.classList.toggle("breached", breached);
    el.classList.toggle("soon", !breached && left < 3600_000);
  }
}

// The ticket's place in the list as shown, remembered when it is opened: once
// resolved or moved it leaves the list, and "next" is the one in its place.
export function rememberPlace(id) {
  const at = state.tickets.findIndex((x) => x.id === id);
  if (at >= 0) state.listAt = at;
}

// The ticket next to `id` in the list as shown (for the j/k shortcuts).
export function neighbour(id, step) {
  const list = state.tickets;
  if (!list.length) return null;
  const at = list.findIndex((x) => x.id === id);
  if (at >= 0) return list[at + step] || null;
  const was = state.listAt ?? -1;
  return (step > 0 ? list[Math.max(0, was)] : list[was - 1]) || null;
}
