// Unanswered questions, article drafts and the dashboard.

import { api } from "./client.js";
import { LANGS, inLang, label, percent, queueName, t, formatTime } from "./i18n.js";
import { state } from "./store.js";
import { $, h, notify, quietFail } from "./ui.js";

export const DAYS = 30;

export async function loadUnanswered() {
  try {
    const data = await api(`/api/v1/insights/unanswered?days=${DAYS}&limit=100`);
    const admin = state.user.role === "admin";
    const rows = (data.questions || []).map((q) => h("tr", {},
      h("td", { lang: q.language }, q.text), h("td", {}, t(`language_${q.language}`)),
      h("td", { class: "num" }, String(q.count)), h("td", {}, formatTime(q.last_seen)),
      admin && q.id != null ? h("td", {}, h("div", { class: "actions tight" },
        h("button", { type: "button", class: "secondary small", onclick: () => showDraftForm(q),
          "aria-label": t("makeDraftNamed", { text: q.text.slice(0, 60) }) }, t("makeDraft")),
        h("button", { type: "button", class: "secondary small", onclick: () => dismiss(q),
          "aria-label": t("dismissNamed", { text: q.text.slice(0, 60) }) }, t("dismiss")))) : null));
    const head = ["question", "language", "count", "lastSeen", ...(admin ? ["actionsLabel"] : [])];
    $("#unanswered").replaceChildren(rows.length
      ? h("table", {}, h("thead", {}, h("tr", {}, ...head.map((k) => h("th", { scope: "col" }, t(k))))), h("tbody", {}, ...rows))
      : h("p", { class: "muted" }, t("nothingYet")));
  } catch (err) {
    quietFail(err);
  }
}

async function dismiss(q) {
  try {
    await api(`/api/v1/insights/unanswered/${encodeURIComponent(q.id)}/dismiss`, { method: "POST" });
    notify(t("dismissed"));
    await loadUnanswered();
    $("#unanswered-title").focus();
  } catch (err) {
    quietFail(err);
  }
}

// An entry becomes a proposed article: the question as asked, the answer written here.
function showDraftForm(q) {
  const lang = h("select", { id: "uq-language", name: "language" },
    ...LANGS.map((l) => h("option", { value: l, selected: l === q.language }, t(`language_${l}`))));
  const form = h("form", { class: "stack panel draft", "aria-labelledby": "uq-title" },
    h("h3", { id: "uq-title" }, t("makeDraft")),
    h("p", { lang: q.language }, h("strong", {}, `${t("draftQuestion")}: `), q.text),
    h("label", { for: "uq-language" }, t("draftLanguage")), lang,
    h("label", { for: "uq-draft-title" }, t("draftTitleLabel")), h("input", { id: "uq-draft-title", name: "title", required: true, maxlength: "200" }),
    h("label", { for: "uq-answer" }, t("draftAnswer")), h("textarea", { id: "uq-answer", name: "answer", rows: "5", required: true }),
    h("div", { class: "actions" },
      h("button", { type: "submit" }, t("proposeDraft")),
      h("button", { type: "button", class: "secondary", onclick: () => { form.remove(); } }, t("cancel"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = (name) => form.elements.namedItem(name).value.trim();
    try {
      await api(`/api/v1/insights/unanswered/${encodeURIComponent(q.id)}/draft`, {
        method: "POST", body: { language: lang.value, title: value("title"), answer: value("answer") },
      });
      notify(t("draftSent"));
      form.remove();
      await loadUnanswered();
    } catch (err) {
      quietFail(err);
    }
  });
  $("#unanswered-draft").replaceChildren(form);
  form.querySelector("input").focus();
}

export async function loadDrafts() {
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
      d.ticket_id != null ? h("a", { href: `#/ticket/${d.ticket_id}` }, t("ticketNumber", { id: d.ticket_id })) : t("fromUnanswered")),
    h("h4", {}, t("draftQuestion")), h("p", {}, d.question),
    h("h4", {}, t("draftAnswer")), h("p", { class: "pre" }, d.answer),
    state.user.role === "admin" ? h("div", { class: "actions" },
      h("button", { type: "button", onclick: () => decide("approve") }, t("approve")),
      h("button", { type: "button", class: "secondary", onclick: () => decide("reject") }, t("reject"))) : null);
}

const topicTitle = (x) => inLang(x.titles || x.title) || t("unknownTopic");

export async function loadDashboard() {
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
        barChart(t("chartTopics"), (d.top_topics || []).map((x) => ({ label: topicTitle(x), value: x.count }))),
        barChart(t("chartUnanswered"), (d.top_unanswered || []).map((x) => ({ label: x.text, value: x.count }))),
        ...feedbackCharts(d)));
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

// `columns` (optional): the table's number columns, each item's `cells` their values,
// instead of the one "count" column; `note`: what the reader must know to read it.
function chartFigure(title, items, drawing, { columns, note, total: showTotal = true } = {}) {
  const total = items.reduce((s, x) => s + x.value, 0);
  drawing.setAttribute("role", "img");
  drawing.setAttribute("aria-label", `${title}: ${items.map((x) => `${x.label} ${x.shown ?? x.value}`).join(", ") || t("nothingYet")}`);
  const heads = columns || [t("count")];
  const cells = (x) => (columns ? x.cells : [String(x.value)]);
  const table = h("table", { class: "data" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("label")), ...heads.map((c) => h("th", { scope: "col", class: "num" }, c)))),
    h("tbody", {}, ...items.map((x) => h("tr", {}, h("td", {}, x.label), ...cells(x).map((c) => h("td", { class: "num" }, c))))));
  return h("figure", { class: "chart" },
    h("figcaption", {}, title, showTotal ? h("span", { class: "muted" }, ` (${t("total")}: ${total})`) : null),
    note ? h("p", { class: "muted" }, note) : null,
    items.length ? drawing : h("p", { class: "muted" }, t("nothingYet")),
    items.length ? h("details", {}, h("summary", {}, t("showTable")), table) : null);
}

// ---- customer feedback and ticket times (api/insights: csat, first_response, ...) ----
const decimal = (n) => (n == null ? "–" : new Intl.NumberFormat(document.documentElement.lang || "sv", { maximumFractionDigits: 1 }).format(n));
const minutes = (n) => t("fbMinutes", { n: decimal(n) });

function feedbackCharts(d) {
  const csat = (d.csat || []).map((x) => ({
    label: `${queueName(x.queue)} · ${t(`fbKind_${x.kind}`)}`, value: x.mean, shown: decimal(x.mean),
    cells: [String(x.count), decimal(x.mean), percent(x.satisfied_share)],
  }));
  const times = (rows) => (rows || []).map((x) => ({
    label: `${queueName(x.queue)} · ${t("priorityShort", { p: x.priority })}`, value: x.median_minutes, shown: minutes(x.median_minutes),
    cells: [String(x.count), minutes(x.median_minutes), minutes(x.mean_minutes)],
  }));
  const timeColumns = [t("count"), t("fbMedian"), t("fbMean")];
  const r = d.reopens || {}, dur = d.durable || {};
  const reopens = r.resolved ? [
    { label: t("fbResolvedTickets"), value: r.resolved, cells: [String(r.resolved), "–"] },
    { label: t("fbReopenedTickets"), value: r.reopened, cells: [String(r.reopened), percent(r.rate)] },
  ] : [];
  const judged = dur.judged || 0;
  const durable = judged || dur.not_yet_judged ? [
    { label: t("fbDurable"), value: dur.durable, cells: [String(dur.durable), percent(dur.share)] },
    { label: t("fbNotDurable", { days: dur.days ?? 7 }), value: judged - dur.durable, cells: [String(judged - dur.durable), judged ? percent(1 - dur.share) : "–"] },
    { label: t("fbNotYetJudged"), value: dur.not_yet_judged, cells: [String(dur.not_yet_judged), "–"] },
  ] : [];
  return [
    barChart(t("fbChartCsat"), csat, { columns: [t("fbAnswers"), t("fbMeanScore"), t("fbSatisfied")], note: t("fbCsatNote"), total: false }),
    barChart(t("fbChartFirstResponse"), times(d.first_response), { columns: timeColumns, note: t("fbWorkingTimeNote"), total: false }),
    barChart(t("fbChartResolution"), times(d.resolution), { columns: timeColumns, note: t("fbWorkingTimeNote"), total: false }),
    barChart(t("fbChartReopens"), reopens, { columns: [t("count"), t("fbShare")], note: t("fbReopenRate", { rate: percent(r.rate) }), total: false }),
    barChart(t("fbChartDurable"), durable, { columns: [t("count"), t("fbShare")], note: t("fbDurableNote", { days: dur.days ?? 7 }), total: false }),
  ];
}

function barChart(title, items, options = {}) {
  const width = 420, rowH = 34, max = Math.max(1, ...items.map((x) => x.value));
  const short = (s) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);
  const drawing = svg("svg", { viewBox: `0 0 ${width} ${Math.max(rowH, items.length * rowH)}`, class: "bars" },
    ...items.flatMap((x, i) => {
      const y = i * rowH, w = Math.max(2, (x.value / max) * (width - 60));
      return [
        svg("text", { x: 0, y: y + 12, class: "bar-label" }, short(String(x.label))),
        svg("rect", { x: 0, y: y + 16, width: w, height: 12, class: "bar" }),
        svg("text", { x: w + 6, y: y + 27, class: "bar-value" }, String(x.shown ?? x.value)),
      ];
    }));
  return chartFigure(title, items, drawing, options);
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
