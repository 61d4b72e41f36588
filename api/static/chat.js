"use strict";
// viol3-assist web chat. Plain ES2020, no framework, no build step.
(() => {
  const LANGS = ["sv", "en", "fi"];
  const MAX_LEN = 2000;
  const COUNTER_FROM = 200; // show the counter only when the limit is near
  const TIMEOUT_MS = 30000; // never leave the send button disabled forever
  const FALLBACK_ERROR = "Meddelandet kunde inte skickas. Försök igen.";
  const LINK_RE = /\bhttps?:\/\/[^\s<>"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/gi;

  const $ = (id) => document.getElementById(id);
  const log = $("log"), form = $("form"), input = $("input");
  const sendBtn = $("send"), select = $("lang"), counter = $("counter");

  // localStorage throws when storage is blocked; the chat must work anyway.
  const store = {
    get(k) { try { return localStorage.getItem(k); } catch { return null; } },
    set(k, v) { try { localStorage.setItem(k, v); } catch { /* not persisted */ } },
  };

  const stored = store.get("viol3.lang");
  // Only a language the user picked is sent to the server; otherwise it detects.
  let explicitLang = LANGS.includes(stored) ? stored : null;
  const browserLang = LANGS.find((l) => (navigator.language || "").toLowerCase().startsWith(l));
  let uiLang = explicitLang || browserLang || "sv";
  let texts = {};
  let busy = false;

  function makeSenderId() {
    let id = store.get("viol3.sender");
    if (!id) {
      // randomUUID only exists in secure contexts (https, localhost).
      const rnd = typeof crypto.randomUUID === "function"
        ? crypto.randomUUID()
        : Array.from(crypto.getRandomValues(new Uint8Array(16)),
            (b) => b.toString(16).padStart(2, "0")).join("");
      id = "web-" + rnd;
      store.set("viol3.sender", id);
    }
    return id;
  }
  const SENDER = makeSenderId();

  const t = (key, n) => (texts[uiLang]?.[key] ?? texts.sv?.[key] ?? "").replace("{n}", n);

  function applyTexts() {
    // If i18n.json failed to load, the page still shows the Swedish HTML defaults.
    document.documentElement.lang = texts[uiLang] ? uiLang : "sv";
    select.value = uiLang;
    if (t("title")) document.title = t("title");
    for (const el of document.querySelectorAll("[data-i18n]")) {
      const s = t(el.dataset.i18n);
      if (s) { el.textContent = s; el.lang = uiLang; }
    }
    for (const el of document.querySelectorAll("[data-i18n-attr]")) {
      const [attr, key] = el.dataset.i18nAttr.split(":");
      if (t(key)) el.setAttribute(attr, t(key));
    }
    updateCounter();
  }

  function updateCounter() {
    const left = MAX_LEN - input.value.length;
    counter.hidden = left > COUNTER_FROM;
    counter.textContent = t("charsLeft", left) || String(left);
  }

  // Text from the server is never parsed as HTML: only text nodes and <a> we build.
  function appendLinkified(parent, text) {
    let last = 0;
    for (const m of text.matchAll(LINK_RE)) {
      // Sentence punctuation right after a URL is not part of it.
      const link = m[0].replace(/[.,;:!?)\]}'"»”]+$/, "");
      parent.append(text.slice(last, m.index));
      const a = document.createElement("a");
      a.textContent = link;
      if (/^https?:/i.test(link)) Object.assign(a, { href: link, target: "_blank", rel: "noopener noreferrer" });
      else a.href = "mailto:" + link;
      parent.append(a);
      last = m.index + link.length;
    }
    parent.append(text.slice(last));
  }

  function addBubble(who, text, lang, extraClass) {
    const div = document.createElement("div");
    div.className = `msg ${who}${extraClass ? " " + extraClass : ""}`;
    if (lang) div.lang = lang;
    const speaker = t(who === "user" ? "you" : who === "agent" ? "agent" : "assistant");
    if (speaker) {
      // Screen readers announce who is speaking; sighted users see it from the side.
      const label = document.createElement("span");
      label.className = "sr-only";
      label.lang = uiLang;
      label.textContent = speaker + ": ";
      div.append(label);
    }
    const body = document.createElement("span");
    body.className = "text";
    appendLinkified(body, text);
    div.append(body);
    log.append(div);
    log.scrollTop = log.scrollHeight;
    return { div, body };
  }

  // Suggested answers ("Did you mean ...?"): a click sends the choice as a message.
  function addChoices(bubble, buttons) {
    const group = document.createElement("div");
    group.className = "choices";
    for (const b of buttons) {
      if (!b || typeof b.title !== "string") continue;
      const btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.title;
      btn.addEventListener("click", () => {
        if (busy) return;
        input.value = typeof b.payload === "string" && b.payload ? b.payload : b.title;
        sendMessage();
      });
      group.append(btn);
    }
    bubble.append(group);
  }

  function showTyping() {
    const div = document.createElement("div");
    div.className = "msg bot typing";
    div.lang = uiLang;
    div.append(t("typing") || "…");
    const dots = document.createElement("span");
    dots.className = "dots";
    dots.setAttribute("aria-hidden", "true");
    for (let i = 0; i < 3; i++) dots.append(document.createElement("span"));
    div.append(dots);
    log.append(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  // The page speaks the language the assistant answered in. A language asked
  // for in words ("in English please") becomes the selector's choice, so the
  // next request does not send the old choice back.
  function followReplyLanguage(lang, source) {
    if (!LANGS.includes(lang) || lang === uiLang) return;
    if (source === "choice") {
      explicitLang = lang;
      store.set("viol3.lang", lang);
    } else if (explicitLang) {
      return;
    }
    uiLang = lang;
    applyTexts();
  }

  // While a person has the case, their replies are fetched every few seconds.
  const POLL_MS = 5000;
  let pollTimer = null, lastAgentId = 0;
  function watchForAgent(handedOff) {
    if (handedOff && !pollTimer) pollTimer = setInterval(pollAgent, POLL_MS);
    if (!handedOff && pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  }
  async function pollAgent() {
    try {
      const q = new URLSearchParams({ sender: SENDER, channel: "web", after: String(lastAgentId) });
      const res = await fetch("/api/v1/chat/messages?" + q);
      if (!res.ok) return;
      const data = await res.json();
      for (const m of data.messages || []) {
        lastAgentId = Math.max(lastAgentId, m.id);
        const { div } = addBubble(m.author === "agent" ? "agent" : "bot", m.text, m.language);
        div.classList.add("bot");
      }
    } catch { /* try again at the next tick */ }
  }

  async function sendMessage() {
    const text = input.value;
    if (busy || !text.trim()) return;
    busy = true;
    sendBtn.disabled = true;
    input.value = "";
    updateCounter();
    addBubble("user", text.trim());
    const typing = showTyping();
    let error = null, errorLang = uiLang;
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
    try {
      const res = await fetch("/api/v1/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ sender: SENDER, message: text.trim(), channel: "web", language: explicitLang }),
        signal: ctrl.signal,
      });
      const data = await res.json().catch(() => null);
      if (res.ok && data && Array.isArray(data.messages)) {
        const lang = typeof data.language === "string" && data.language ? data.language : undefined;
        for (const m of data.messages) {
          if (m && typeof m.text === "string" && m.text) {
            const { div } = addBubble("bot", m.text, lang);
            if (Array.isArray(m.buttons) && m.buttons.length) addChoices(div, m.buttons);
          }
        }
        followReplyLanguage(lang, data.language_source);
        watchForAgent(Boolean(data.handoff));
      } else if (res.status === 422 && typeof data?.detail === "string") {
        error = data.detail; // already written in the user's language by the server
        if (typeof data.language === "string" && data.language) errorLang = data.language;
      } else {
        error = t("errorSend");
      }
    } catch {
      error = t("errorSend");
    } finally {
      clearTimeout(timer);
      typing.remove();
    }
    if (error !== null) {
      addBubble("bot", error || FALLBACK_ERROR, errorLang, "error");
      // Put the text back so nothing is lost, keeping anything typed meanwhile.
      input.value = input.value ? text + "\n" + input.value : text;
      updateCounter();
    }
    busy = false;
    sendBtn.disabled = false;
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    input.focus(); // keeps focus usable when the button becomes disabled
    sendMessage();
  });

  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendMessage();
    }
  });

  input.addEventListener("input", updateCounter);

  select.addEventListener("change", () => {
    uiLang = explicitLang = select.value;
    store.set("viol3.lang", uiLang);
    applyTexts();
  });

  async function init() {
    select.value = uiLang;
    try {
      const res = await fetch("/static/i18n.json");
      if (res.ok) texts = await res.json();
    } catch { /* keep the HTML defaults */ }
    applyTexts();
    if (t("welcome")) {
      // The welcome line is UI text, so it follows later language switches.
      addBubble("bot", t("welcome")).body.dataset.i18n = "welcome";
    }
  }

  init();
})();
