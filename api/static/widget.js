"use strict";
// viol3-assist chat widget. A host page adds
//   <script src="https://<api-host>/widget.js" data-lang="sv" defer></script>
// and gets a launcher button and a chat panel. Plain ES2020, no build step;
// everything it loads comes from the origin this script was loaded from.
(() => {
  if (window.viol3Widget) return; // the tag twice on a page still gives one chat
  window.viol3Widget = true;

  // currentScript is null for module scripts; the src is the fallback then.
  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  if (!script) return;
  const API = new URL(script.src, location.href).origin;

  const LANGS = ["sv", "en", "fi"];
  const MAX_LEN = 2000; // the server's default VIOL3_MAX_MESSAGE_CHARS; it has the last word
  const COUNTER_FROM = 200; // show the counter only when the limit is near
  const TIMEOUT_MS = 45000; // the gateway waits up to 30 s for Rasa; never wait forever
  // While a person has the case, their replies are fetched: often while the
  // panel is open, rarely while it is closed (the launcher then shows a badge).
  const POLL_OPEN_MS = 3000;
  const POLL_CLOSED_MS = 15000;
  const LINK_RE = /\bhttps?:\/\/[^\s<>"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/gi;

  // Keys live in the host page's storage, so they carry the widget's prefix.
  // localStorage throws when storage is blocked; the chat must work anyway.
  const store = {
    get(k) { try { return localStorage.getItem("viol3-widget." + k); } catch { return null; } },
    set(k, v) { try { localStorage.setItem("viol3-widget." + k, v); } catch { /* not kept */ } },
  };

  // "sv-SE" means sv; "fil" (Filipino) must not pass for fi.
  const asLang = (value) => {
    const lang = String(value || "").trim().toLowerCase().split("-")[0];
    return LANGS.includes(lang) ? lang : null;
  };
  // Only a language the user picked in the panel is sent to the server, so it
  // still detects the language of what they write; the host's choice sets the UI.
  let explicitLang = asLang(store.get("lang"));
  let uiLang = explicitLang || asLang(script.dataset.lang)
    || asLang(document.documentElement.lang) || "sv";

  function senderId() {
    let id = store.get("sender");
    if (!id) {
      // randomUUID only exists in secure contexts (https, localhost).
      const rnd = typeof crypto.randomUUID === "function"
        ? crypto.randomUUID()
        : Array.from(crypto.getRandomValues(new Uint8Array(16)),
          (b) => b.toString(16).padStart(2, "0")).join("");
      id = "web-" + rnd;
      store.set("sender", id);
    }
    return id;
  }
  let SENDER = senderId();
  // The secret of this sender's conversation, from its first answer: every later
  // call shows it, so nobody who learns the sender id can read or write here.
  let convToken = store.get("token");
  const tokenHeader = () => (convToken ? { "X-Conversation-Token": convToken } : {});
  function keepToken(data) {
    if (typeof data?.conversation_token === "string" && data.conversation_token) {
      convToken = data.conversation_token;
      store.set("token", convToken);
    }
  }
  // The server no longer knows this browser's conversation as its own (its token
  // was lost or belongs to another browser): start a new one.
  function startOver() {
    store.set("sender", "");
    store.set("token", "");
    SENDER = senderId();
    convToken = null;
    handedOff = false;
    lastSeenId = 0;
    saveHandoff();
  }
  const refusedAsStranger = (res, data) => res?.status === 403 && data?.code === "conversation_token";

  // Whether a person has the case, and the last of their messages shown, survive a reload.
  const saved = (() => {
    try { return JSON.parse(store.get("handoff")) || {}; } catch { return {}; }
  })();
  let handedOff = saved.active === true;
  let lastSeenId = Number.isInteger(saved.after) ? saved.after : 0;
  const saveHandoff = () =>
    store.set("handoff", JSON.stringify({ active: handedOff, after: lastSeenId }));

  let texts = {};
  const t = (key, n) => String(texts[uiLang]?.[key] ?? texts.sv?.[key] ?? "").replace("{n}", n);

  function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
      else if (v === true) el.setAttribute(k, "");
      else if (v !== false && v != null) el.setAttribute(k, v);
    }
    el.append(...children);
    return el;
  }

  const SVG_NS = "http://www.w3.org/2000/svg";
  function icon(path, paint) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", `icon ${paint}`);
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const p = document.createElementNS(SVG_NS, "path");
    p.setAttribute("d", path);
    svg.append(p);
    return svg;
  }

  // ---- the DOM, inside a shadow root so the host's CSS cannot reach it ----
  const host = document.createElement("viol3-chat");
  const root = host.attachShadow({ mode: "open" });
  const CHAT_ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  const ui = {};
  ui.badge = h("span", { class: "badge", hidden: true },
    h("span", { class: "sr-only", "data-i18n": "newReply" }));
  ui.launcher = h("button",
    { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "panel" },
    icon(CHAT_ICON, "fill"), h("span", { "data-i18n": "launcher" }), ui.badge);
  ui.select = h("select", { id: "lang" });
  ui.close = h("button", { type: "button", class: "close", "data-i18n-attr": "aria-label:close" },
    icon("M6 6l12 12M18 6L6 18", "stroke"));
  ui.log = h("div", {
    class: "log", role: "log", "aria-live": "polite", tabindex: "0",
    "data-i18n-attr": "aria-label:logLabel",
  });
  // No maxlength: it would cut a long paste silently. The counter warns, and the
  // server's refusal says what to do, with the text still in the box.
  ui.input = h("textarea", {
    id: "input", rows: "2", "aria-describedby": "counter",
    "data-i18n-attr": "placeholder:placeholder",
  });
  ui.send = h("button", { type: "submit", class: "send", "data-i18n": "send" });
  ui.counter = h("p", { id: "counter", class: "counter", hidden: true });
  ui.form = h("form", { class: "composer" },
    h("label", { for: "input", class: "sr-only", "data-i18n": "inputLabel" }),
    ui.input, ui.send, ui.counter);
  ui.panel = h("section",
    { id: "panel", class: "panel", role: "dialog", "aria-labelledby": "title", hidden: true },
    h("header", { class: "top" },
      h("h2", { id: "title", "data-i18n": "title" }),
      h("label", { for: "lang", class: "sr-only", "data-i18n": "languageLabel" }),
      ui.select, ui.close),
    ui.log, ui.form);

  const isOpen = () => !ui.panel.hidden;

  function applyTexts() {
    ui.panel.lang = uiLang;
    ui.launcher.lang = uiLang;
    ui.select.value = uiLang;
    for (const el of root.querySelectorAll("[data-i18n]")) {
      el.textContent = t(el.dataset.i18n);
      el.lang = uiLang;
    }
    for (const el of root.querySelectorAll("[data-i18n-attr]")) {
      const [attr, key] = el.dataset.i18nAttr.split(":");
      el.setAttribute(attr, t(key));
    }
    updateCounter();
  }

  function updateCounter() {
    const left = MAX_LEN - ui.input.value.length;
    ui.counter.hidden = left > COUNTER_FROM;
    ui.counter.textContent = left < 0 ? t("charsOver", -left) : t("charsLeft", left);
  }

  // Text from the server is never parsed as HTML: only text nodes and <a> built here.
  function appendLinkified(parent, text) {
    let last = 0;
    for (const m of text.matchAll(LINK_RE)) {
      // Sentence punctuation right after a URL is not part of it.
      const link = m[0].replace(/[.,;:!?)\]}'"»”]+$/, "");
      parent.append(text.slice(last, m.index));
      const a = h("a", {}, link);
      if (/^https?:/i.test(link)) {
        Object.assign(a, { href: link, target: "_blank", rel: "noopener noreferrer" });
      } else {
        a.href = "mailto:" + link;
      }
      parent.append(a);
      last = m.index + link.length;
    }
    parent.append(text.slice(last));
  }

  const SPEAKER = { user: "you", bot: "assistant", agent: "agent", notice: "notice" };

  function addBubble(who, text, lang, extraClass) {
    const div = h("div", { class: `msg ${who}${extraClass ? " " + extraClass : ""}`, lang });
    // Screen readers hear who is speaking; sighted users see it from the side and colour.
    const speaker = h("span", { "data-i18n": SPEAKER[who], lang: uiLang }, t(SPEAKER[who]));
    div.append(h("span", { class: "sr-only" }, speaker, ": "));
    const body = h("span", { class: "text" });
    appendLinkified(body, text);
    div.append(body);
    ui.log.append(div);
    ui.log.scrollTop = ui.log.scrollHeight;
    return { div, body };
  }

  // Suggested answers ("Did you mean ...?"): choosing one sends it as the next message.
  function addChoices(bubble, buttons) {
    const group = h("div", { class: "choices" });
    for (const b of buttons) {
      if (!b || typeof b.title !== "string") continue;
      const payload = typeof b.payload === "string" && b.payload ? b.payload : b.title;
      const choose = () => send(payload, { shown: b.title });
      group.append(h("button", { type: "button", onclick: choose }, b.title));
    }
    bubble.append(group);
  }

  function showTyping() {
    const dots = h("span", { class: "dots", "aria-hidden": "true" },
      h("span"), h("span"), h("span"));
    const div = h("div", { class: "msg bot typing" }, t("typing"), dots);
    ui.log.append(div);
    ui.log.scrollTop = ui.log.scrollHeight;
    return div;
  }

  // The UI follows the language the assistant answered in, unless the user
  // picked one; a language asked for in words ("in English please") becomes
  // the pick, so the next request does not send the old one back.
  function followReplyLanguage(lang, source) {
    if (!LANGS.includes(lang) || lang === uiLang) return;
    if (source === "choice") {
      explicitLang = lang;
      store.set("lang", lang);
    } else if (explicitLang) {
      return;
    }
    uiLang = lang;
    applyTexts();
  }

  // ---- a person's replies, live ----
  let pollTimer = null, polling = false;
  function schedulePoll(delay) {
    clearTimeout(pollTimer);
    pollTimer = null;
    if (!handedOff || document.hidden) return;
    pollTimer = setTimeout(poll, delay ?? (isOpen() ? POLL_OPEN_MS : POLL_CLOSED_MS));
  }

  async function poll() {
    if (polling) return;
    polling = true;
    try {
      const q = new URLSearchParams({ sender: SENDER, channel: "web", after: String(lastSeenId) });
      const res = await fetch(`${API}/api/v1/chat/messages?${q}`, { headers: tokenHeader() });
      const data = await res.json().catch(() => null);
      if (refusedAsStranger(res, data)) startOver();
      for (const m of data?.messages || []) {
        if (!Number.isInteger(m.id) || m.id <= lastSeenId || typeof m.text !== "string") continue;
        lastSeenId = m.id;
        addBubble(m.author === "agent" ? "agent" : "notice", m.text, asLang(m.language));
        if (!isOpen()) ui.badge.hidden = false;
      }
      saveHandoff();
    } catch { /* network down: try again at the next tick */ }
    polling = false;
    schedulePoll();
  }

  function setHandedOff(value) {
    if (value === handedOff) return;
    handedOff = value;
    saveHandoff();
    schedulePoll();
  }

  // ---- sending ----
  let busy = false;

  // The server's own message (already in the user's language) when it gives one.
  function errorText(res, data) {
    const refused = res && res.status >= 400 && res.status < 500;
    if (refused && typeof data?.detail === "string" && data.detail) {
      return { text: data.detail, lang: asLang(data.language) || uiLang };
    }
    return { text: t("errorSend"), lang: uiLang };
  }

  // `typed`: the text came from the input box, which gets it back if sending fails.
  async function send(text, { shown = text, typed = false } = {}) {
    if (busy || !text.trim()) return;
    busy = true;
    ui.send.disabled = true;
    if (typed) { ui.input.value = ""; updateCounter(); }
    const mine = addBubble("user", shown.trim());
    const typing = showTyping();
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
    let res = null, data = null;
    const post = () => fetch(`${API}/api/v1/chat`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...tokenHeader() },
      body: JSON.stringify({
        sender: SENDER, message: text.trim(), channel: "web", language: explicitLang,
      }),
      signal: ctrl.signal,
    });
    try {
      res = await post();
      data = await res.json().catch(() => null);
      if (refusedAsStranger(res, data)) { // the message goes to a new conversation instead
        startOver();
        res = await post();
        data = await res.json().catch(() => null);
      }
      if (res.ok) keepToken(data);
    } catch { /* network down or timed out: res stays null */ }
    clearTimeout(timer);
    typing.remove();
    if (res?.ok && Array.isArray(data?.messages)) {
      showReply(data);
    } else {
      mine.div.remove();
      const error = errorText(res, data);
      addBubble("bot", error.text, error.lang, "error");
      // Nothing typed is lost: the text goes back, before anything typed meanwhile.
      if (typed) ui.input.value = ui.input.value ? text + "\n" + ui.input.value : text;
      updateCounter();
    }
    busy = false;
    ui.send.disabled = false;
  }

  function showReply(data) {
    const lang = asLang(data.language);
    for (const m of data.messages) {
      if (!m || typeof m.text !== "string" || !m.text) continue;
      const { div } = addBubble("bot", m.text, lang);
      if (Array.isArray(m.buttons) && m.buttons.length) addChoices(div, m.buttons);
    }
    followReplyLanguage(lang, data.language_source);
    setHandedOff(Boolean(data.handoff));
  }

  // ---- opening and closing ----
  function open() {
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.badge.hidden = true;
    ui.input.focus();
    schedulePoll(0); // a reply may have come while the panel was closed
  }

  function close() {
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.focus();
    schedulePoll();
  }

  function wire() {
    ui.launcher.addEventListener("click", () => (isOpen() ? close() : open()));
    ui.close.addEventListener("click", close);
    // Escape anywhere in the widget (the launcher too) closes the open panel.
    root.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && isOpen() && !e.defaultPrevented) {
        e.preventDefault();
        close();
      }
    });
    ui.form.addEventListener("submit", (e) => {
      e.preventDefault();
      ui.input.focus(); // focus must not be left on the button while it is disabled
      send(ui.input.value, { typed: true });
    });
    ui.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        send(ui.input.value, { typed: true });
      }
    });
    ui.input.addEventListener("input", updateCounter);
    ui.select.addEventListener("change", () => {
      uiLang = explicitLang = ui.select.value;
      store.set("lang", uiLang);
      applyTexts();
    });
    document.addEventListener("visibilitychange",
      () => schedulePoll(document.hidden ? undefined : 0));
  }

  // The stylesheet comes from the API's origin; nothing shows until it has loaded
  // (or failed), so the launcher never flashes unstyled.
  function loadStyles() {
    return new Promise((resolve) => {
      const link = h("link", { rel: "stylesheet", href: `${API}/static/widget.css` });
      link.addEventListener("load", resolve);
      link.addEventListener("error", resolve);
      root.append(link);
    });
  }

  async function loadTexts() {
    const res = await fetch(`${API}/static/i18n.json`);
    if (!res.ok) throw new Error(`i18n.json: HTTP ${res.status}`);
    return res.json();
  }

  async function start() {
    // A stylesheet in a shadow root loads only once the host is in the document;
    // the host is empty (invisible) until the texts are there too.
    document.body.append(host);
    try {
      [texts] = await Promise.all([loadTexts(), loadStyles()]);
    } catch (err) {
      // Without its texts the chat has no labels, and its server is unreachable anyway.
      console.warn("viol3 chat widget not started:", err);
      host.remove();
      return;
    }
    for (const lang of LANGS) {
      ui.select.append(h("option", { value: lang, lang }, texts[lang]?.languageName || lang));
    }
    root.append(h("div", { class: "root" }, ui.launcher, ui.panel));
    // The welcome line is UI text, so it follows later language switches.
    addBubble("bot", t("welcome")).body.dataset.i18n = "welcome";
    applyTexts();
    wire();
    schedulePoll();
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
})();
