// viol3-assist agent console, served at /console. Plain ES modules, no build
// step; everything it loads comes from the API's own origin. Endpoints that a
// server does not have yet (404/405 on the route) hide their panel.
//
//   store.js   what is kept in the browser, and the shared state
//   i18n.js    texts in sv, en and fi; names for the server's ids; formatting
//   client.js  the API client
//   ui.js      page helpers (on ../shared/dom.js, shared with the widget)
//   queues.js  overview, search and filters, the ticket list
//   ticket.js  one ticket
//   insights.js unanswered questions, drafts, dashboard
//   alerts.js  alarms, and the P1 alert (title, sound, desktop notification)
//   shortcuts.js keyboard shortcuts and their help overlay

import { pollAlerts, renderAlerts, alertSettings, forgetAlerts, updateTitle } from "./alerts.js";
import { api, isMissing, whenUnauthorised } from "./client.js";
import { applyPageTexts, loadTexts, setLang, t, uiLang } from "./i18n.js";
import { loadIncidentDashboard, loadIncidents } from "./incidents.js";
import { DAYS, loadDashboard, loadDrafts, loadUnanswered } from "./insights.js";
import { loadPrivacy } from "./privacy.js";
import { loadReplies } from "./replies.js";
import { loadWebhooks } from "./webhooks.js";
import { refreshQueues, rememberFilters, renderQueues, tick } from "./queues.js";
import { onKey } from "./shortcuts.js";
import { myQueues, session, state } from "./store.js";
import { openTicket, rebuildTicketView, refreshTicket } from "./ticket.js";
import { $, fail, notify, quietFail } from "./ui.js";

const POLL_MS = 5000;

function applyTexts() {
  applyPageTexts();
  $("#lang").value = uiLang;
  if (state.user) $("#who").textContent = t("loggedInAs", { name: state.user.name });
  $("#alert-settings").replaceChildren(alertSettings());
  renderAlerts();
  updateTitle();
}

// Everything on the page is drawn again in the new language, the open view
// included; what the agent was writing stays.
async function changeLanguage(lang) {
  setLang(lang);
  applyTexts();
  if (!state.user) return;
  const current = await loadQueueNames().catch((err) => { quietFail(err); return true; });
  if (!current) return; // a later change of language redraws the page
  state.overviewKey = "";
  if (state.view === "ticket") rebuildTicketView();
  else if (state.view === "queues") renderQueues(true);
  else route();
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
  forgetAlerts();
  $("#who").hidden = $("#logout").hidden = $("#nav").hidden = $("#alert-settings").hidden = true;
  show("login");
  notify(message || "", "info");
}

async function start(focus = false) {
  $("#who").hidden = $("#logout").hidden = $("#nav").hidden = $("#alert-settings").hidden = false;
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
    incidents: "/api/v1/incidents?all=true",
    replies: "/api/v1/saved-replies",
    webhooks: "/api/v1/webhooks/endpoints",
    privacy: "/api/v1/retention/policy",
  };
  // Views for admins only: an agent's probe is refused (403), and the link stays hidden.
  const ADMIN_ONLY = ["drafts", "webhooks", "privacy"];
  await Promise.all(Object.entries(probes).map(async ([name, path]) => {
    try {
      await api(path);
      state.features[name] = true;
    } catch (err) {
      state.features[name] = !isMissing(err) && err.status !== 0;
    }
  }));
  const link = (name) => document.querySelector(`[data-nav="${name}"]`);
  for (const name of ["unanswered", "dashboard", "incidents", "replies"]) link(name).hidden = !state.features[name];
  for (const name of ADMIN_ONLY) link(name).hidden = !(state.features[name] && state.user?.role === "admin");
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

// #/queues?filters, #/ticket/12, #/unanswered, #/dashboard, #/drafts. The old
// #/queues/<id> still opens that queue's list.
function route(focus = false) {
  if (!state.user) return show("login", focus);
  const [path] = location.hash.replace(/^#\/?/, "").split("?");
  const [view, arg] = path.split("/");
  if (view === "ticket" && /^\d+$/.test(arg || "")) {
    show("ticket");
    return openTicket(Number(arg), focus);
  }
  const views = {
    unanswered: loadUnanswered,
    dashboard: () => Promise.all([loadDashboard(), loadIncidentDashboard()]),
    drafts: loadDrafts,
    incidents: loadIncidents,
    replies: loadReplies,
    webhooks: loadWebhooks,
    privacy: loadPrivacy,
  };
  if (view in views && state.features[view] !== false) {
    show(view, focus);
    return views[view]();
  }
  if (view === "queues" && arg && myQueues().some((q) => q.id === arg)) {
    location.replace(`#/queues?queue=${arg}`);
    return undefined;
  }
  show("queues", focus);
  rememberFilters();
  state.overviewKey = "";
  return refreshQueues().catch(quietFail);
}

async function loadQueueNames() {
  const lang = uiLang;
  const data = await api(`/api/v1/queues?lang=${lang}`);
  // A quick switch of language can answer out of order: only the last choice counts.
  if (lang !== uiLang) return false;
  state.queues = data.queues;
  return true;
}

// An admin may have changed the agent's queues since the login.
async function loadMe() {
  try {
    const me = await api("/api/v1/agents/me");
    if (!state.user) return;
    state.user = { ...state.user, id: me.id, role: me.role, queues: me.queues || [] };
    session.set(state.user);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
}

// ---- polling: the list every 5 s while the tab is visible; the open ticket too ----
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
  // The login form is on the page from the start: it works only once the script has
  // it (its button stays disabled until then), so a quick submit can never fall
  // through to the browser's own (which would put the password in the address).
  $("#login-form").addEventListener("submit", login);
  $("#login-form").querySelector('[type="submit"]').disabled = false;
  await loadTexts();
  whenUnauthorised(() => logout(t("sessionExpired")));
  applyTexts();
  $("#lang").addEventListener("change", (e) => changeLanguage(e.target.value));
  $("#logout").addEventListener("click", signOut);
  $("#help-open").addEventListener("click", () => import("./shortcuts.js").then((m) => m.openHelp()));
  window.addEventListener("hashchange", () => {
    notify(state.nextNotice || "", state.nextKind || (state.nextNotice ? "error" : "info"));
    state.nextNotice = state.nextKind = null;
    // A change of filters keeps the focus where the agent is working.
    const refiltered = state.view === "queues" && /^#\/queues(\?|$)/.test(location.hash);
    route(!refiltered);
  });
  document.addEventListener("keydown", onKey);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });
  setInterval(poll, POLL_MS);
  setInterval(tick, 1000);
  if (state.user) await start();
  else show("login");
}

init();
