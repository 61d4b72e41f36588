"use strict";
// viol3-assist chat widget. A host page adds
//   <script src="https://<api-host>/widget.js" data-lang="sv" defer></script>
// and gets a launcher button and a chat panel. Plain ES2020, no build step;
// everything it loads comes from the origin this script was loaded from: its
// styles (shared/base.css, widget.css), texts (i18n.json) and the helpers it
// shares with the agent console (shared/dom.js, shared/linkify.js), which this
// classic script imports as modules across origins (the API answers CORS).
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
  // Operating messages (incidents) are fetched when the panel opens, and this often
  // while it is open.
  const INCIDENTS_MS = 60000;
  // On a screen this narrow the panel is full-screen (widget.css), so it is modal.
  const FULL_SCREEN = window.matchMedia("(max-width: 480px)");

  // Keys live in the host page's storage (so per origin), and carry the widget's
  // prefix: the sender id and its conversation token, the language picked, and
  // whether a person has the case. The messages themselves stay on the server,
  // which gives them back to the token's holder after a reload (loadHistory).
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
    unread = 0;
    saveHandoff();
  }
  const refusedAsStranger = (res, data) => res?.status === 403 && data?.code === "conversation_token";

  // Whether a person has the case, the last message shown and how many replies are
  // unread survive a reload.
  const saved = (() => {
    try { return JSON.parse(store.get("handoff")) || {}; } catch { return {}; }
  })();
  let handedOff = saved.active === true;
  let lastSeenId = Number.isInteger(saved.after) ? saved.after : 0;
  let unread = Number.isInteger(saved.unread) ? saved.unread : 0;
  const saveHandoff = () =>
    store.set("handoff", JSON.stringify({ active: handedOff, after: lastSeenId, unread }));

  let texts = {};
  const t = (key, n) => String(texts[uiLang]?.[key] ?? texts.sv?.[key] ?? "").replace("{n}", n);

  // From shared/dom.js and shared/linkify.js, imported in start().
  let h, svgIcon, linkified, paragraphs;
  const icon = (path, paint) => svgIcon(path, `icon ${paint}`);

  // ---- the DOM, inside a shadow root so the host's CSS cannot reach it ----
  const host = document.createElement("viol3-chat");
  const root = host.attachShadow({ mode: "open" });
  const CHAT_ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  const NEW_ICON = "M12 5v14M5 12h14";
  const CLOSE_ICON = "M6 6l12 12M18 6L6 18";
  const ui = {};

  function build() {
    // The count is seen; screen readers hear it as words ("2 olästa svar").
    ui.badgeCount = h("span", { "aria-hidden": "true" });
    ui.badgeText = h("span", { class: "sr-only" });
    ui.badge = h("span", { class: "badge", hidden: true }, ui.badgeCount, ui.badgeText);
    ui.launcher = h("button",
      { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "panel" },
      icon(CHAT_ICON, "fill"), h("span", { "data-i18n": "launcher" }), ui.badge);
    // Says that a reply came while the panel (and so its log) is closed.
    ui.announce = h("p", { class: "sr-only", role: "status" });
    ui.select = h("select", { id: "lang" });
    ui.restart = h("button", {
      type: "button", class: "tool restart",
      "data-i18n-attr": "aria-label:newConversation;title:newConversation",
    }, icon(NEW_ICON, "stroke"));
    ui.close = h("button", {
      type: "button", class: "tool close", "data-i18n-attr": "aria-label:close;title:close",
    }, icon(CLOSE_ICON, "stroke"));
    // Operating messages about incidents, above the conversation (fetchIncidents).
    ui.banner = h("div", { class: "incidents", role: "status", hidden: true });
    ui.log = h("div", {
      class: "log", role: "log", "aria-live": "polite", tabindex: "0",
      "data-i18n-attr": "aria-label:logLabel",
    });
    // No maxlength: it would cut a long paste silently. The counter warns, and the
    // server's refusal says what to do, with the text still in the box.
    ui.input = h("textarea", {
      id: "input", rows: "2", "aria-describedby": "hint counter",
      "data-i18n-attr": "placeholder:placeholder",
    });
    ui.send = h("button", { type: "submit", class: "send", "data-i18n": "send" });
    // A gentle word when Skicka is pressed with nothing written; a live region, so
    // it is heard too, and always in the DOM so that it is heard the first time.
    ui.hint = h("p", { id: "hint", class: "hint", role: "status" });
    ui.counter = h("p", { id: "counter", class: "counter", hidden: true });
    ui.form = h("form", { class: "composer" },
      h("label", { for: "input", class: "sr-only", "data-i18n": "inputLabel" }),
      ui.input, ui.send, ui.hint, ui.counter);
    ui.panel = h("section",
      { id: "panel", class: "panel", role: "dialog", "aria-labelledby": "title", hidden: true },
      h("header", { class: "top" },
        h("h2", { id: "title", "data-i18n": "title" }),
        h("label", { for: "lang", class: "sr-only", "data-i18n": "languageLabel" }),
        ui.select, ui.restart, ui.close),
      ui.banner, ui.log, ui.form);
  }

  const isOpen = () => !ui.panel.hidden;

  let hintKey = null;
  function applyTexts() {
    ui.panel.lang = uiLang;
    ui.launcher.lang = uiLang;
    ui.select.value = uiLang;
    for (const el of root.querySelectorAll("[data-i18n]")) {
      el.textContent = t(el.dataset.i18n);
      el.lang = uiLang;
    }
    for (const el of root.querySelectorAll("[data-i18n-attr]")) {
      for (const pair of el.dataset.i18nAttr.split(";")) {
        const [attr, key] = pair.split(":");
        el.setAttribute(attr, t(key));
      }
    }
    if (hintKey) ui.hint.textContent = t(hintKey);
    updateCounter();
    updateBadge();
  }

  function updateCounter() {
    const left = MAX_LEN - ui.input.value.length;
    ui.counter.hidden = left > COUNTER_FROM;
    ui.counter.textContent = left < 0 ? t("charsOver", -left) : t("charsLeft", left);
  }

  // A live region speaks when its text changes: emptied first, the same words
  // twice in a row are heard twice.
  function speak(el, text, stillWanted = () => true) {
    el.textContent = "";
    setTimeout(() => { if (stillWanted()) el.textContent = text; }, 100);
  }

  function showHint(key) {
    hintKey = key;
    speak(ui.hint, t(key), () => hintKey === key);
  }

  function clearHint() {
    hintKey = null;
    ui.hint.textContent = "";
  }

  // ---- unread replies while the panel is closed ----
  function updateBadge() {
    ui.badge.hidden = unread === 0;
    ui.badgeCount.textContent = String(unread);
    ui.badgeText.textContent = unread === 1 ? t("unreadOne") : t("unreadMany", unread);
  }

  function noteUnread() {
    unread += 1;
    updateBadge();
    speak(ui.announce, t("newReply"));
  }

  // ---- the conversation ----
  const SPEAKER = { user: "you", bot: "assistant", agent: "agent", notice: "notice" };

  // Screen readers hear who is speaking; sighted users see it from the side and
  // colour, and an agent's reply names its agent (or their role) for everyone.
  function speaker(who, agentName) {
    const role = h("span", { "data-i18n": SPEAKER[who], lang: uiLang }, t(SPEAKER[who]));
    if (who !== "agent") return [h("span", { class: "sr-only" }, role, ": ")];
    const name = agentName ? [h("span", { class: "name" }, agentName), ", "] : [];
    return [h("span", { class: "who" }, ...name, role), h("span", { class: "sr-only" }, ": ")];
  }

  // Text from the server is never parsed as HTML: only text nodes, links,
  // paragraphs and lists built by shared/linkify.js. What the user typed keeps
  // its own line breaks; answers show their paragraphs and lists.
  function addBubble(who, text, lang, { extraClass, agentName } = {}) {
    const div = h("div", { class: `msg ${who}${extraClass ? " " + extraClass : ""}`, lang });
    const body = h("div", { class: "text" }, who === "user" ? linkified(text) : paragraphs(text));
    div.append(...speaker(who, agentName), body);
    ui.log.append(div);
    ui.log.scrollTop = ui.log.scrollHeight;
    return { div, body };
  }

  // The welcome line is UI text, so it follows later language switches.
  function addWelcome() {
    addBubble("bot", t("welcome")).body.dataset.i18n = "welcome";
  }

  // A message stored on the server (history, or a person's reply while polling).
  function showStored(m) {
    // "system": the gateway's own answer (the assistant is down, the case waits).
    const who = m.author === "system" ? "bot" : SPEAKER[m.author] ? m.author : "notice";
    const agentName = typeof m.agent_name === "string" ? m.agent_name : null;
    const { div } = addBubble(who, m.text, asLang(m.language), { agentName });
    // The feedback question's 1-5 (only while it is open; typing the number works too).
    if (Array.isArray(m.buttons) && m.buttons.length) addChoices(div, m.buttons);
    lastSeenId = Math.max(lastSeenId, m.id);
  }
  const isStored = (m) => Number.isInteger(m?.id) && typeof m.text === "string" && m.text !== "";

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
    if (isOpen()) fetchIncidents();
  }

  // After a reload or a return to the page, the conversation comes back from the
  // server, for the token's holder only, while it is open (the server decides:
  // see GET /api/v1/chat/messages?history=true). A closed one, or one the server
  // does not know as this browser's, gives way to a new conversation.
  async function loadHistory() {
    if (!convToken) return;
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), 10000);
    let res = null, data = null;
    try {
      const q = new URLSearchParams({ sender: SENDER, channel: "web", history: "true" });
      res = await fetch(`${API}/api/v1/chat/messages?${q}`,
        { headers: tokenHeader(), signal: ctrl.signal });
      data = await res.json().catch(() => null);
    } catch { /* offline: what is stored stays, the next poll tries again */ }
    clearTimeout(timer);
    const messages = Array.isArray(data?.messages) ? data.messages : null;
    if (refusedAsStranger(res, data) || (res?.ok && messages && !messages.length)) {
      startOver();
    } else if (res?.ok && messages) {
      messages.filter(isStored).forEach(showStored);
    }
    saveHandoff();
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
        if (!isStored(m) || m.id <= lastSeenId) continue;
        showStored(m);
        if (!isOpen()) noteUnread();
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

  // ---- operating messages (GET /api/v1/incidents, public) ----
  // A banner per active incident, in the user's language; one the user closed stays
  // closed until the incident is updated (its version changes). A resolved incident
  // is no longer listed, so its banner goes.
  const dismissed = () => new Set(String(store.get("incidents-dismissed") || "").split(" ").filter(Boolean));
  let incidentsTimer = null, shownIncidents = [];
  async function fetchIncidents() {
    clearTimeout(incidentsTimer);
    incidentsTimer = null;
    try {
      const res = await fetch(`${API}/api/v1/incidents?lang=${uiLang}`, { headers: { Accept: "application/json" } });
      const data = res.ok ? await res.json() : null;
      if (Array.isArray(data?.incidents)) {
        shownIncidents = data.incidents.filter((i) => Number.isInteger(i?.id) && typeof i.title === "string");
        showIncidents();
      }
    } catch { /* offline: the banners stay as they were */ }
    if (isOpen() && !document.hidden) incidentsTimer = setTimeout(fetchIncidents, INCIDENTS_MS);
  }

  function showIncidents() {
    const closed = dismissed();
    const banners = shownIncidents.filter((i) => !closed.has(`${i.id}:${i.version}`)).map((i) => {
      const dismiss = () => {
        store.set("incidents-dismissed", [...closed, `${i.id}:${i.version}`].slice(-50).join(" "));
        showIncidents();
        ui.input.focus();
      };
      const lang = asLang(i.language) || uiLang;
      return h("div", { class: "incident", lang },
        h("p", { class: "incident-title" }, h("strong", {}, i.title)),
        h("div", { class: "text" }, paragraphs(String(i.text || ""))),
        h("button", {
          type: "button", class: "tool incident-close", lang: uiLang,
          "aria-label": t("dismissIncident"), title: t("dismissIncident"), onclick: dismiss,
        }, icon(CLOSE_ICON, "stroke")));
    });
    ui.banner.replaceChildren(...banners);
    ui.banner.hidden = !banners.length;
  }

  // ---- sending ----
  let busy = false;
  let restored = Promise.resolve(); // loadHistory(), from start()

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
    if (busy) return;
    if (!text.trim()) {
      if (typed) showHint("emptyHint");
      return;
    }
    clearHint();
    busy = true;
    ui.send.disabled = true;
    if (typed) { ui.input.value = ""; updateCounter(); }
    await restored; // the earlier messages first, and the conversation they belong to
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
      addBubble("bot", error.text, error.lang, { extraClass: "error" });
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

  // "Ny konversation": this browser forgets the conversation (the server keeps it
  // for the case) and starts a new one.
  function newConversation() {
    if (busy) return;
    startOver();
    schedulePoll();
    ui.log.replaceChildren();
    addWelcome();
    applyTexts();
    ui.input.value = "";
    clearHint();
    updateCounter();
    ui.input.focus();
  }

  // ---- opening and closing ----
  // Full-screen, the panel is a modal dialog: Tab and Shift+Tab go round inside it.
  function setModal() {
    if (FULL_SCREEN.matches && isOpen()) ui.panel.setAttribute("aria-modal", "true");
    else ui.panel.removeAttribute("aria-modal");
  }

  const FOCUSABLE = "a[href], button:not([disabled]), select, textarea, [tabindex]:not([tabindex='-1'])";
  function keepFocusInside(e) {
    if (!FULL_SCREEN.matches || !isOpen()) return;
    const items = [...ui.panel.querySelectorAll(FOCUSABLE)].filter((el) => el.getClientRects().length);
    if (!items.length) return;
    const first = items[0], last = items[items.length - 1];
    const current = root.activeElement;
    const outside = !ui.panel.contains(current);
    if (e.shiftKey && (outside || current === first)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (outside || current === last)) {
      e.preventDefault();
      first.focus();
    }
  }

  function open() {
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    unread = 0;
    updateBadge();
    saveHandoff();
    ui.announce.textContent = "";
    setModal();
    ui.input.focus();
    schedulePoll(0); // a reply may have come while the panel was closed
    fetchIncidents();
  }

  function close() {
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    setModal();
    ui.launcher.focus();
    schedulePoll();
  }

  function wire() {
    ui.launcher.addEventListener("click", () => (isOpen() ? close() : open()));
    ui.close.addEventListener("click", close);
    ui.restart.addEventListener("click", newConversation);
    // Escape anywhere in the widget (the launcher too) closes the open panel.
    root.addEventListener("keydown", (e) => {
      if (e.defaultPrevented) return;
      if (e.key === "Escape" && isOpen()) {
        e.preventDefault();
        close();
      } else if (e.key === "Tab") {
        keepFocusInside(e);
      }
    });
    FULL_SCREEN.addEventListener("change", setModal);
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
    ui.input.addEventListener("input", () => {
      updateCounter();
      if (ui.input.value.trim()) clearHint();
    });
    ui.select.addEventListener("change", () => {
      uiLang = explicitLang = ui.select.value;
      store.set("lang", uiLang);
      applyTexts();
      if (isOpen()) fetchIncidents(); // the operating messages in the new language
    });
    document.addEventListener("visibilitychange",
      () => schedulePoll(document.hidden ? undefined : 0));
    document.addEventListener("visibilitychange", () => { if (!document.hidden && isOpen()) fetchIncidents(); });
  }

  // The stylesheets come from the API's origin (the shared base first, then the
  // widget's own); nothing shows until they have loaded (or failed), so the
  // launcher never flashes unstyled.
  function loadStyles() {
    return Promise.all(["shared/base.css", "widget.css"].map((file) => new Promise((resolve) => {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = `${API}/static/${file}`;
      link.addEventListener("load", resolve);
      link.addEventListener("error", resolve);
      root.append(link);
    })));
  }

  async function loadTexts() {
    const res = await fetch(`${API}/static/i18n.json`);
    if (!res.ok) throw new Error(`i18n.json: HTTP ${res.status}`);
    return res.json();
  }

  // The helpers the widget shares with the agent console, as ES modules from the
  // API's origin (a classic script may import modules; across origins with CORS).
  async function loadModules() {
    const [dom, links] = await Promise.all([
      import(new URL("/static/shared/dom.js", API).href),
      import(new URL("/static/shared/linkify.js", API).href),
    ]);
    ({ h, svgIcon } = dom);
    ({ linkified, paragraphs } = links);
  }

  async function start() {
    // A stylesheet in a shadow root loads only once the host is in the document;
    // the host is empty (invisible) until the texts are there too.
    document.body.append(host);
    try {
      [texts] = await Promise.all([loadTexts(), loadStyles(), loadModules()]);
    } catch (err) {
      // Without its texts the chat has no labels, and its server is unreachable anyway.
      console.warn("viol3 chat widget not started:", err);
      host.remove();
      return;
    }
    build();
    for (const lang of LANGS) {
      ui.select.append(h("option", { value: lang, lang }, texts[lang]?.languageName || lang));
    }
    root.append(h("div", { class: "root" }, ui.launcher, ui.announce, ui.panel));
    addWelcome();
    applyTexts();
    wire(); // the panel opens at once; a message typed meanwhile waits for the history
    restored = loadHistory();
    await restored;
    updateBadge();
    schedulePoll();
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
})();
