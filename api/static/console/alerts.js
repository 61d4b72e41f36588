// Alarms on the tickets of the agent's queues (a breach, a new priority 1).
// Each stays on the page until dismissed; a dismissed one stays away for the
// tab's life. Only new alerts are added, so a screen reader announces each once
// (role="alert"). A new P1 also changes the tab's title, plays a short sound if
// the agent turned it on (off by default) and, with the browser's permission,
// shows a desktop notification.

import { api, isMissing } from "./client.js";
import { formatTime, queueName, t } from "./i18n.js";
import { prefs, state, tabSet } from "./store.js";
import { $, h, replaceKeepingFocus } from "./ui.js";

const dismissed = tabSet("dismissed");
const announced = tabSet("announced");
const P1 = "priority1";

export async function pollAlerts() {
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
  $("#alerts").dataset.asked = "yes"; // the first answer has come (tests wait for it)
  const gone = dismissed.get();
  const fresh = (data.alerts || []).filter((a) => !gone.has(a.id) && !state.alerts.some((x) => x.id === a.id));
  state.alerts.push(...fresh);
  $("#alerts").append(...fresh.map(alertBox));
  const before = announced.get();
  const newP1 = fresh.filter((a) => a.kind === P1 && !before.has(a.id));
  for (const a of newP1) announced.add(a.id);
  if (newP1.length) announce(newP1);
  updateTitle();
}

// All of them again (a change of language); otherwise only new ones are added.
export function renderAlerts() {
  replaceKeepingFocus($("#alerts"), ...state.alerts.map(alertBox));
  updateTitle();
}

export function forgetAlerts() {
  state.alerts = [];
  state.alertsAfter = null;
  $("#alerts").replaceChildren();
  updateTitle();
}

const alertText = (a) => t(`alert_${a.kind}`, {
  id: a.ticket_id, queue: queueName(a.queue), p: a.priority, due: formatTime(a.due_at),
});

function alertBox(a) {
  return h("div", { class: `alert ${a.kind}`, role: "alert", "data-alert": a.id },
    h("p", {}, alertText(a)),
    h("a", { href: `#/ticket/${a.ticket_id}`, "data-focus-key": `alert-open-${a.id}` },
      t("alertOpen", { id: a.ticket_id })),
    h("button", {
      type: "button", class: "secondary small", "data-focus-key": `alert-dismiss-${a.id}`,
      "aria-label": t("alertDismissNamed", { id: a.ticket_id }), onclick: () => dismissAlert(a.id),
    }, t("alertDismiss")));
}

function dismissAlert(id) {
  dismissed.add(id);
  state.alerts = state.alerts.filter((a) => a.id !== id);
  $(`#alerts [data-alert="${id}"]`)?.remove();
  updateTitle();
  // The button had the focus: it goes to the next alarm, or back to the page.
  const next = $("#alerts .alert button");
  (next || $("#main")).focus();
}

// "(2) P1 – VIOL 3 – handläggarkonsol" while P1 alarms wait on the page.
export function updateTitle() {
  const waiting = state.alerts.filter((a) => a.kind === P1).length;
  document.title = waiting ? `(${waiting}) ${t("titleP1")} – ${t("appTitle")}` : t("appTitle");
}

function announce(alerts) {
  if (prefs.get("sound") === "on") beep();
  if (prefs.get("desktop") === "on" && "Notification" in window && Notification.permission === "granted") {
    for (const a of alerts) {
      const shown = new Notification(t("titleP1"), { body: alertText(a), tag: `viol3-${a.id}` });
      shown.onclick = () => {
        window.focus();
        location.hash = `#/ticket/${a.ticket_id}`;
        shown.close();
      };
    }
  }
}

// A short two-tone chime made in the page, so no sound file is needed.
let audio = null;
function beep() {
  try {
    audio = audio || new AudioContext();
    const now = audio.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = freq;
      gain.gain.setValueAtTime(0.15, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.001, now + i * 0.18 + 0.16);
      tone.connect(gain).connect(audio.destination);
      tone.start(now + i * 0.18);
      tone.stop(now + i * 0.18 + 0.17);
    }
  } catch { /* no sound here: the title and the alert still tell */ }
}

// The agent's settings for new P1s: the sound, and desktop notifications.
export function alertSettings() {
  const sound = h("input", { id: "p1-sound", type: "checkbox", checked: prefs.get("sound") === "on" });
  sound.addEventListener("change", () => {
    prefs.set("sound", sound.checked ? "on" : "off");
    if (sound.checked) beep(); // a sample, and browsers only allow sound after a click
  });
  const canNotify = "Notification" in window;
  const desktop = h("input", { id: "p1-desktop", type: "checkbox", checked: canNotify && prefs.get("desktop") === "on" && Notification.permission === "granted", disabled: !canNotify });
  const status = h("span", { class: "muted small", id: "p1-desktop-status", "aria-live": "polite" });
  desktop.addEventListener("change", async () => {
    if (!desktop.checked) { prefs.set("desktop", "off"); status.textContent = ""; return; }
    const answer = Notification.permission === "granted" ? "granted" : await Notification.requestPermission();
    desktop.checked = answer === "granted";
    prefs.set("desktop", desktop.checked ? "on" : "off");
    status.textContent = desktop.checked ? "" : t("desktopRefused");
  });
  return h("fieldset", { class: "alert-settings" },
    h("legend", {}, t("p1Settings")),
    h("span", { class: "check" }, sound, h("label", { for: "p1-sound" }, t("p1Sound"))),
    h("span", { class: "check" }, desktop, h("label", { for: "p1-desktop" }, t("p1Desktop"))),
    status);
}
