// The console's texts (console-i18n.json: sv, en, fi) and formatting in the
// chosen language. Names that come as ids from the server (queues, topics,
// statuses, events) are turned into words here, never shown raw.

import { prefs, state } from "./store.js";

export const LANGS = ["sv", "en", "fi"];
const LOCALES = { sv: "sv-SE", en: "en-GB", fi: "fi-FI" };
export const asLang = (v) => (LANGS.includes(v) ? v : null);

let texts = {};
export let uiLang = asLang(prefs.get("lang")) || "sv";

export function setLang(lang) {
  uiLang = lang;
  prefs.set("lang", lang);
}

// The main texts, then one file per part of the console (console/texts/*.json),
// merged per language; a part that does not load leaves its keys to show as keys.
const TEXT_FILES = [
  "/static/console-i18n.json",
  ...["incidents", "feedback", "webhooks", "privacy", "replies"].map((part) => `/static/console/texts/${part}.json`),
];

export async function loadTexts() {
  const parts = await Promise.all(TEXT_FILES.map(async (file) => {
    try {
      const res = await fetch(file);
      return res.ok ? await res.json() : {};
    } catch {
      return {};
    }
  }));
  texts = {};
  for (const part of parts) {
    for (const [lang, entries] of Object.entries(part)) texts[lang] = { ...texts[lang], ...entries };
  }
}

export function t(key, params = {}) {
  let s = String(texts[uiLang]?.[key] ?? texts.sv?.[key] ?? key);
  for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, v);
  return s;
}

export const has = (key) => texts.sv?.[key] != null;
// A word for a server value (status_open, channel_email, event_claimed …); an
// unknown value is shown as a neutral word, never as the id itself.
export const label = (prefix, value, fallback = "unknownValue") => (has(prefix + value) ? t(prefix + value) : t(fallback));

// A text the server gives in every language ({sv, en, fi}), or a plain string.
export const inLang = (value) => (value && typeof value === "object" ? value[uiLang] ?? value.sv ?? "" : String(value ?? ""));

// A queue's short name (the overview, the list) and its full name (elsewhere).
export const queueShort = (id) => (has(`queueShort_${id}`) ? t(`queueShort_${id}`) : queueName(id));
export const queueName = (id) => {
  const q = state.queues.find((x) => x.id === id);
  return q ? inLang(q.names) || q.name : t("unknownQueue");
};

export function formatTime(iso) {
  if (!iso) return "–";
  return new Intl.DateTimeFormat(LOCALES[uiLang], {
    dateStyle: "short", timeStyle: "short", timeZone: "Europe/Stockholm",
  }).format(new Date(iso));
}

export function formatDuration(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const pad = (n) => String(n).padStart(2, "0");
  const clock = `${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  const days = Math.floor(s / 86400);
  return days ? `${t("days", { n: days })} ${clock}` : clock;
}

export const percent = (share) => (share == null ? "–"
  : new Intl.NumberFormat(LOCALES[uiLang], { style: "percent", maximumFractionDigits: 1 }).format(share));

// Every element marked in the page gets its text in the chosen language.
export function applyPageTexts() {
  document.documentElement.lang = uiLang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      el.setAttribute(attr, t(key));
    }
  }
}
