// Incidents (driftsmeddelanden): publish, update and resolve (admins); link the
// tickets they cause from the proposals, one click per ticket or a whole list at
// once, and unlink (agents); tickets per incident on the dashboard.

import { api } from "./client.js";
import { LANGS, formatTime, percent, queueName, t, uiLang } from "./i18n.js";
import { state } from "./store.js";
import { $, h, notify, quietFail, replaceKeepingFocus } from "./ui.js";

const isAdmin = () => state.user?.role === "admin";
const base = (id) => `/api/v1/incidents/${encodeURIComponent(id)}`;
const langName = (lang) => t(`language_${lang}`);

// ---- the view ----
export async function loadIncidents() {
  try {
    const data = await api(`/api/v1/incidents?all=true&lang=${uiLang}`);
    const incidents = data.incidents || [];
    const cards = await Promise.all(incidents.map((i) => card(i, i.status === "active")));
    replaceKeepingFocus($("#incidents"),
      isAdmin() ? publishForm() : null,
      h("h3", { id: "inc-list-title" }, t("incListTitle")),
      incidents.length ? h("div", { class: "incidents" }, ...cards) : h("p", { class: "muted" }, t("incNone")));
  } catch (err) {
    quietFail(err);
  }
}

async function card(incident, active) {
  const [detail, proposals] = active
    ? await Promise.all([api(`${base(incident.id)}?lang=${uiLang}`), api(`${base(incident.id)}/proposals`)])
    : [null, null];
  const id = `inc-${incident.id}`;
  return h("article", { class: "panel incident", "aria-labelledby": `${id}-title`, "data-incident": incident.id },
    h("h4", { id: `${id}-title`, lang: incident.language }, incident.title),
    h("p", { class: "muted" },
      `${t(`incStatus_${incident.status}`)} · ${t("incStarts")}: ${formatTime(incident.starts_at)} · `,
      `${t("incExpectedEnd")}: ${formatTime(incident.expected_end)} · ${t("incVersion", { n: incident.version })}`),
    h("p", { lang: incident.language, class: "pre" }, incident.text),
    h("p", {}, h("strong", {}, `${t("incAreas")}: `), incident.areas.map(areaName).join(", ")),
    incident.internal_note ? h("p", {}, h("strong", {}, `${t("incNote")}: `), incident.internal_note) : null,
    incident.missing_languages?.length ? missingWarning(incident.missing_languages) : null,
    incident.resolution ? h("p", {}, h("strong", {}, `${t("incResolution")}: `), incident.resolution[uiLang] || Object.values(incident.resolution)[0]) : null,
    h("p", {}, t("incCounts", incident.tickets)),
    history(incident),
    active && isAdmin() ? adminActions(incident) : null,
    active ? proposalTable(incident, proposals.proposals || []) : null,
    detail ? linkedTable(incident, detail.links || []) : null);
}

const areaName = (area) => (state.queues.some((q) => q.id === area) ? queueName(area) : area);

function history(incident) {
  const rows = (incident.history || []).map((u) => h("li", {},
    `${formatTime(u.created_at)} · ${t(`incKind_${u.kind}`)} (${t("incVersion", { n: u.version })})`));
  return h("details", {}, h("summary", {}, t("incHistory")), h("ol", { class: "events" }, ...rows));
}

// ---- a warning for languages with no text of their own ----
function missingWarning(missing) {
  return h("p", { class: "notice error incident-warning" }, t("incMissing", { langs: missing.map(langName).join(", ") }));
}

// A live region, so the warning is heard as the form changes.
function warningSlot() {
  return h("div", { class: "incident-warning-slot", "aria-live": "polite" });
}

function showMissing(slot, missing) {
  slot.replaceChildren(...(missing.length ? [missingWarning(missing)] : []));
}

// ---- publishing ----
function wordingFields(prefix, current = {}) {
  return LANGS.map((lang) => h("fieldset", { class: "stack", lang },
    h("legend", {}, langName(lang)),
    h("label", { for: `${prefix}-title-${lang}` }, t("incTitleLabel")),
    h("input", { id: `${prefix}-title-${lang}`, name: `title-${lang}`, maxlength: "200", value: current.title?.[lang] || "" }),
    h("label", { for: `${prefix}-text-${lang}` }, t("incTextLabel")),
    h("textarea", { id: `${prefix}-text-${lang}`, name: `text-${lang}`, rows: "3", maxlength: "2000" }, current.text?.[lang] || "")));
}

function wordingsOf(form) {
  const value = (name) => form.elements.namedItem(name)?.value.trim() || "";
  const texts = {};
  for (const lang of LANGS) {
    const title = value(`title-${lang}`), text = value(`text-${lang}`);
    if (title || text) texts[lang] = { title, text };
  }
  return texts;
}

const missingIn = (texts, complete = (x) => x?.title && x?.text) => LANGS.filter((lang) => !complete(texts[lang]));

// A time typed in the browser's local time, as the API wants it (with its zone).
const isoOf = (value) => (value ? new Date(value).toISOString() : null);
function localInput(iso) {
  const d = iso ? new Date(iso) : new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// Submitting with a language missing first shows the warning and asks again.
function confirmMissing(form, slot, missing, button, label) {
  showMissing(slot, missing);
  if (!missing.length || form.dataset.confirmed === "yes") return true;
  form.dataset.confirmed = "yes";
  button.textContent = t("incPublishAnyway");
  slot.querySelector("p")?.setAttribute("tabindex", "-1");
  slot.querySelector("p")?.focus();
  form.addEventListener("input", () => { form.dataset.confirmed = ""; button.textContent = label; }, { once: true });
  return false;
}

function publishForm() {
  const slot = warningSlot();
  const button = h("button", { type: "submit" }, t("incPublish"));
  const areas = h("fieldset", { class: "areas" }, h("legend", {}, t("incAreas")),
    ...state.queues.map((q) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "area", value: q.id }), ` ${queueName(q.id)}`)));
  const form = h("form", { class: "stack panel", id: "incident-publish", "aria-labelledby": "inc-publish-title" },
    h("h3", { id: "inc-publish-title" }, t("incPublishTitle")),
    ...wordingFields("inc-new"),
    slot,
    areas,
    h("label", { for: "inc-new-start" }, t("incStarts")),
    h("input", { id: "inc-new-start", name: "starts_at", type: "datetime-local", value: localInput() }),
    h("label", { for: "inc-new-end" }, t("incExpectedEnd")),
    h("input", { id: "inc-new-end", name: "expected_end", type: "datetime-local" }),
    h("label", { for: "inc-new-note" }, t("incNote")),
    h("textarea", { id: "inc-new-note", name: "internal_note", rows: "2", maxlength: "2000" }),
    h("div", { class: "actions" }, button));
  form.addEventListener("input", () => showMissing(slot, missingIn(wordingsOf(form))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const texts = wordingsOf(form);
    const chosen = [...form.querySelectorAll("input[name=area]:checked")].map((c) => c.value);
    if (!Object.keys(texts).length) return notify(t("incNeedLanguage"), "error");
    if (!chosen.length) return notify(t("incNeedArea"), "error");
    if (!confirmMissing(form, slot, missingIn(texts), button, t("incPublish"))) return undefined;
    const field = (name) => form.elements.namedItem(name).value;
    try {
      await api("/api/v1/incidents", {
        method: "POST",
        body: {
          texts, areas: chosen,
          starts_at: isoOf(field("starts_at")), expected_end: isoOf(field("expected_end")),
          internal_note: field("internal_note").trim() || null,
        },
      });
      notify(t("incPublished"));
      await loadIncidents();
    } catch (err) {
      quietFail(err);
    }
    return undefined;
  });
  return form;
}

// ---- updating and resolving (admins) ----
function adminActions(incident) {
  const box = h("div", { class: "incident-forms" });
  const open = (make) => () => { box.replaceChildren(make(incident, () => box.replaceChildren())); box.querySelector("input, textarea")?.focus(); };
  return h("div", {},
    h("div", { class: "actions" },
      h("button", { type: "button", class: "secondary", onclick: open(updateForm) }, t("incUpdate")),
      h("button", { type: "button", class: "secondary", onclick: open(resolveForm) }, t("incResolve"))),
    box);
}

function updateForm(incident, close) {
  const slot = warningSlot();
  const id = `inc-${incident.id}-upd`;
  const current = { title: {}, text: {} };
  for (const [lang, w] of Object.entries(incident.texts || {})) { current.title[lang] = w.title; current.text[lang] = w.text; }
  const button = h("button", { type: "submit" }, t("incPublishUpdate"));
  const form = h("form", { class: "stack", "aria-label": t("incUpdate") },
    ...wordingFields(id, current), slot,
    h("label", { for: `${id}-end` }, t("incExpectedEnd")),
    h("input", { id: `${id}-end`, name: "expected_end", type: "datetime-local", value: incident.expected_end ? localInput(incident.expected_end) : "" }),
    h("div", { class: "actions" }, button, h("button", { type: "button", class: "secondary", onclick: close }, t("cancel"))));
  showMissing(slot, missingIn(wordingsOf(form)));
  form.addEventListener("input", () => showMissing(slot, missingIn(wordingsOf(form))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const texts = wordingsOf(form);
    if (!Object.keys(texts).length) return notify(t("incNeedLanguage"), "error");
    if (!confirmMissing(form, slot, missingIn(texts), button, t("incPublishUpdate"))) return undefined;
    const end = form.elements.namedItem("expected_end").value;
    await send(`${base(incident.id)}/updates`, { texts, expected_end: isoOf(end) }, t("incUpdated"));
    return undefined;
  });
  return form;
}

function resolveForm(incident, close) {
  const slot = warningSlot();
  const id = `inc-${incident.id}-res`;
  const button = h("button", { type: "submit" }, t("incResolveAll"));
  const form = h("form", { class: "stack", "aria-label": t("incResolve") },
    h("p", {}, t("incResolveExplained", { n: incident.tickets.open })),
    ...LANGS.map((lang) => [
      h("label", { for: `${id}-${lang}`, lang }, t("incResolutionIn", { lang: langName(lang) })),
      h("textarea", { id: `${id}-${lang}`, name: lang, rows: "3", maxlength: "2000", lang })]).flat(),
    slot,
    h("div", { class: "actions" }, button, h("button", { type: "button", class: "secondary", onclick: close }, t("cancel"))));
  const resolution = () => Object.fromEntries(LANGS.map((l) => [l, form.elements.namedItem(l).value.trim()]).filter(([, v]) => v));
  form.addEventListener("input", () => showMissing(slot, missingIn(resolution(), Boolean)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const given = resolution();
    if (!Object.keys(given).length) return notify(t("incNeedLanguage"), "error");
    if (!confirmMissing(form, slot, missingIn(given, Boolean), button, t("incResolveAll"))) return undefined;
    await send(`${base(incident.id)}/resolve`, { resolution: given }, t("incResolved"));
    return undefined;
  });
  return form;
}

async function send(path, body, done, method = "POST") {
  try {
    await api(path, { method, body });
    notify(done);
    await loadIncidents();
  } catch (err) {
    quietFail(err);
  }
}

// ---- proposals and links (agents) ----
function reasonText(r) {
  if (r.kind === "area") return r.topic ? t("incReasonTopic", { topic: r.topic }) : t("incReasonArea", { queue: queueName(r.queue) });
  if (r.kind === "time") return r.minutes < 0 ? t("incReasonBefore", { n: -r.minutes }) : t("incReasonTime", { n: r.minutes });
  return t("incReasonText", { words: (r.words || []).join(", ") });
}

const ticketLink = (ticket) => h("a", { href: `#/ticket/${ticket.id}` }, t("ticketNumber", { id: ticket.id }));

function proposalTable(incident, proposals) {
  const id = `inc-${incident.id}-prop`;
  const heading = h("h5", { id }, t("incProposals"));
  if (!proposals.length) return h("section", { "aria-labelledby": id }, heading, h("p", { class: "muted" }, t("incNoProposals")));
  const link = (ids) => send(`${base(incident.id)}/links`, { ticket_ids: ids },
    ids.length === 1 ? t("incLinkedOne", { id: ids[0] }) : t("incLinkedMany", { n: ids.length }));
  const rows = proposals.map((p) => h("tr", {},
    h("td", {}, h("input", { type: "checkbox", name: "propose", value: p.ticket.id, "aria-label": t("incChoose", { id: p.ticket.id }) })),
    h("td", {}, ticketLink(p.ticket), " ", h("span", { lang: p.ticket.language }, p.ticket.title)),
    h("td", {}, queueName(p.ticket.queue)),
    h("td", {}, formatTime(p.ticket.created_at)),
    h("td", { class: "num" }, percent(p.score)),
    h("td", {}, p.reasons.map(reasonText).join(" · ")),
    h("td", {}, h("button", { type: "button", class: "secondary small", "aria-label": t("incLinkNamed", { id: p.ticket.id }), onclick: () => link([p.ticket.id]) }, t("incLink")))));
  const table = h("table", { class: "data proposals" },
    h("thead", {}, h("tr", {}, ...["incChooseHead", "incTicket", "queue", "incCreated", "incScore", "incReasons", "actionsLabel"]
      .map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, ...rows));
  const chosen = () => [...table.querySelectorAll("input[name=propose]:checked")].map((c) => Number(c.value));
  return h("section", { "aria-labelledby": id }, heading, h("div", { class: "scroll" }, table),
    h("div", { class: "actions" }, h("button", { type: "button", onclick: () => {
      const ids = chosen();
      if (!ids.length) return notify(t("incChooseFirst"), "error");
      return link(ids);
    } }, t("incLinkSelected"))));
}

function linkedTable(incident, links) {
  const id = `inc-${incident.id}-links`;
  const heading = h("h5", { id }, t("incLinkedTitle"));
  const linked = links.filter((l) => l.linked);
  const unlinked = links.length - linked.length;
  const note = unlinked ? h("p", { class: "muted" }, t("incUnlinkedCount", { n: unlinked })) : null;
  if (!linked.length) return h("section", { "aria-labelledby": id }, heading, h("p", { class: "muted" }, t("incNoLinks")), note);
  const active = incident.status === "active";
  const rows = linked.map((l) => h("tr", {},
    h("td", {}, ticketLink(l.ticket), " ", h("span", { lang: l.ticket.language }, l.ticket.title)),
    h("td", {}, t(`status_${l.ticket.status}`)),
    h("td", {}, queueName(l.ticket.queue)),
    h("td", {}, formatTime(l.linked_at)),
    active ? h("td", {}, h("button", { type: "button", class: "secondary small", "aria-label": t("incUnlinkNamed", { id: l.ticket.id }),
      onclick: () => send(`${base(incident.id)}/links/${l.ticket.id}`, undefined, t("incUnlinked", { id: l.ticket.id }), "DELETE") }, t("incUnlink"))) : null));
  const heads = ["incTicket", "status", "queue", "incLinkedAt", ...(active ? ["actionsLabel"] : [])];
  return h("section", { "aria-labelledby": id }, heading,
    h("div", { class: "scroll" }, h("table", { class: "data linked" },
      h("thead", {}, h("tr", {}, ...heads.map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...rows))), note);
}

// ---- the dashboard: tickets per incident ----
export async function loadIncidentDashboard() {
  const box = $("#dashboard-incidents");
  if (!box || state.features.incidents === false) return;
  try {
    const data = await api(`/api/v1/incidents/dashboard?lang=${uiLang}`);
    const rows = (data.incidents || []).slice(0, 10);
    box.replaceChildren(h("section", { "aria-labelledby": "inc-dash-title", class: "incident-dashboard" },
      h("h3", { id: "inc-dash-title" }, t("incDashTitle")),
      rows.length ? [countTable(rows), countChart(rows)] : h("p", { class: "muted" }, t("incNone"))));
  } catch (err) {
    quietFail(err);
  }
}

function countTable(rows) {
  return h("div", { class: "scroll" }, h("table", { class: "data incident-counts" },
    h("thead", {}, h("tr", {}, ...["incIncident", "status", "incLinked", "incStillOpen", "incResolvedCount"]
      .map((k, i) => h("th", { scope: "col", class: i > 1 ? "num" : null }, t(k))))),
    h("tbody", {}, ...rows.map((r) => h("tr", {},
      h("th", { scope: "row", lang: r.language }, r.title), h("td", {}, t(`incStatus_${r.status}`)),
      ...[r.tickets.linked, r.tickets.open, r.tickets.resolved].map((n) => h("td", { class: "num" }, String(n))))))));
}

// A bar per incident (its linked tickets, the still-open part darker), drawn as
// inline SVG like the other charts, its numbers in a table beside it.
const SVG_NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

function countChart(rows) {
  const width = 420, rowH = 34, max = Math.max(1, ...rows.map((r) => r.tickets.linked));
  const short = (s) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);
  const drawing = svg("svg", { viewBox: `0 0 ${width} ${rows.length * rowH}`, class: "bars", role: "img",
    "aria-label": `${t("incChartTitle")}: ${rows.map((r) => t("incChartItem", { title: r.title, ...r.tickets })).join(", ")}` },
  ...rows.flatMap((r, i) => {
    const y = i * rowH, scale = (n) => (n / max) * (width - 60);
    return [
      svg("text", { x: 0, y: y + 12, class: "bar-label" }, short(r.title)),
      svg("rect", { x: 0, y: y + 16, width: Math.max(2, scale(r.tickets.linked)), height: 12, class: "bar resolved-part" }),
      svg("rect", { x: 0, y: y + 16, width: scale(r.tickets.open), height: 12, class: "bar" }),
      svg("text", { x: Math.max(2, scale(r.tickets.linked)) + 6, y: y + 27, class: "bar-value" }, String(r.tickets.linked)),
    ];
  }));
  const table = h("table", { class: "data" },
    h("thead", {}, h("tr", {}, ...["incIncident", "incLinked", "incStillOpen", "incResolvedCount"].map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, ...rows.map((r) => h("tr", {}, h("td", {}, r.title),
      ...[r.tickets.linked, r.tickets.open, r.tickets.resolved].map((n) => h("td", { class: "num" }, String(n)))))));
  return h("figure", { class: "chart" },
    h("figcaption", {}, t("incChartTitle")),
    h("p", { class: "muted" }, t("incChartNote")),
    drawing,
    h("details", {}, h("summary", {}, t("showTable")), table));
}
