// The case register's webhook endpoints (admins): register, pause, test, deliveries,
// and the ticket export. The signing secret is shown once, right after it is made;
// the server never gives it again.

import { api, download } from "./client.js";
import { formatTime, label, t } from "./i18n.js";
import { $, fail, h, notify } from "./ui.js";

const BASE = "/api/v1/webhooks/endpoints";
let eventTypes = [];
let secretShown = null; // {id, secret}: the one moment the secret can be copied
const openDeliveries = new Set(); // endpoints whose deliveries are unfolded

export async function loadWebhooks() {
  const root = $("#webhooks");
  try {
    const data = await api(BASE);
    eventTypes = data.event_types;
    const deliveries = await Promise.all(data.endpoints.map((e) => (openDeliveries.has(e.id)
      ? api(`${BASE}/${e.id}/deliveries?limit=20`).then((d) => d.deliveries) : null)));
    root.replaceChildren(
      secretPanel(),
      h("h3", {}, t("whEndpointsTitle")),
      data.endpoints.length
        ? h("ul", { class: "stack", "aria-label": t("whEndpointsTitle") },
          ...data.endpoints.map((e, i) => endpointItem(e, deliveries[i])))
        : h("p", { class: "muted" }, t("whNoEndpoints")),
      registerForm(),
      exportForm(),
    );
  } catch (err) {
    fail(err);
  }
}

// After a registration or a new secret: the secret to copy, with why it matters.
function secretPanel() {
  if (!secretShown) return "";
  const field = h("input", { id: "wh-secret", readonly: true, value: secretShown.secret, size: 50, "data-focus-key": "wh-secret" });
  return h("div", { class: "panel notice", role: "status" },
    h("p", {}, h("strong", {}, t("whSecretTitle"))),
    h("p", {}, t("whSecretOnce")),
    h("p", { class: "row" }, h("label", { for: "wh-secret" }, t("whSecretLabel")), field,
      h("button", { type: "button", class: "secondary small", onclick: () => copy(field) }, t("whCopy"))),
    h("button", { type: "button", class: "secondary small", onclick: () => { secretShown = null; loadWebhooks(); } }, t("whSecretStored")));
}

async function copy(field) {
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    notify(t("whCopied"));
  } catch {
    notify(t("whCopyByHand"));
  }
}

const eventName = (type) => label("whEvent_", type.replace(".", "_"), "whEventOther");

function endpointItem(endpoint, deliveries) {
  const id = endpoint.id;
  const events = endpoint.events.length ? endpoint.events.map(eventName).join(", ") : t("whAllEvents");
  const paused = endpoint.status === "paused";
  const act = (fn, done) => async () => {
    try {
      await fn();
      if (done) notify(done);
      await loadWebhooks();
    } catch (err) {
      fail(err);
    }
  };
  const buttons = [
    h("button", {
      type: "button", class: "secondary small", "data-focus-key": `wh-pause-${id}`,
      onclick: act(() => api(`${BASE}/${id}`, { method: "PATCH", body: { status: paused || endpoint.status === "disabled" ? "active" : "paused" } })),
    }, paused || endpoint.status === "disabled" ? t("whResume") : t("whPause")),
    h("button", {
      type: "button", class: "secondary small", "data-focus-key": `wh-test-${id}`,
      onclick: act(() => { openDeliveries.add(id); return api(`${BASE}/${id}/test`, { method: "POST" }); }, t("whTestQueued")),
    }, t("whTest")),
    h("button", {
      type: "button", class: "secondary small", "aria-expanded": String(deliveries != null), "data-focus-key": `wh-log-${id}`,
      onclick: () => { if (!openDeliveries.delete(id)) openDeliveries.add(id); loadWebhooks(); },
    }, t("whDeliveries")),
    h("button", {
      type: "button", class: "secondary small",
      onclick: act(async () => {
        if (!window.confirm(t("whRotateConfirm"))) return;
        const made = await api(`${BASE}/${id}/secret`, { method: "POST" });
        secretShown = { id, secret: made.secret };
      }),
    }, t("whRotate")),
    h("button", {
      type: "button", class: "secondary small",
      onclick: act(async () => {
        if (window.confirm(t("whDeleteConfirm", { url: endpoint.url }))) await api(`${BASE}/${id}`, { method: "DELETE" });
      }),
    }, t("whDelete")),
  ];
  return h("li", { class: "panel" },
    h("h4", {}, endpoint.description || endpoint.url),
    h("dl", { class: "meta" },
      h("div", {}, h("dt", {}, t("whUrl")), h("dd", {}, endpoint.url)),
      h("div", {}, h("dt", {}, t("whStatus")), h("dd", { class: endpoint.status === "active" ? "" : "error" },
        label("whStatus_", endpoint.status), endpoint.status_reason ? ` (${endpoint.status_reason})` : "")),
      h("div", {}, h("dt", {}, t("whEvents")), h("dd", {}, events)),
      endpoint.allow_private_network
        ? h("div", {}, h("dt", {}, t("whPrivateNetwork")), h("dd", { class: "error" },
          t("whPrivateAllowedBy", { name: endpoint.private_network_allowed_by || "?", time: formatTime(endpoint.private_network_allowed_at) })))
        : ""),
    h("p", { class: "row" }, ...buttons),
    deliveries ? deliveryTable(deliveries) : "");
}

function deliveryTable(deliveries) {
  if (!deliveries.length) return h("p", { class: "muted" }, t("whNoDeliveries"));
  const head = ["whColCreated", "whColEvent", "whColTicket", "whColStatus", "whColAttempts", "whColNext", "whColError"];
  return h("div", { class: "scroll" }, h("table", {},
    h("caption", {}, t("whDeliveriesCaption")),
    h("thead", {}, h("tr", {}, ...head.map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, ...deliveries.map((d) => h("tr", {},
      h("td", {}, formatTime(d.created_at)),
      h("td", {}, d.type === "webhook.ping" ? t("whPing") : eventName(d.type)),
      h("td", {}, d.ticket ? h("a", { href: `#/ticket/${d.ticket}` }, `#${d.ticket}`) : "–"),
      h("td", { class: d.status === "failed" ? "error" : "" }, label("whDelivery_", d.status)),
      h("td", { class: "num" }, String(d.attempts)),
      h("td", {}, d.status === "pending" && !d.next_attempt_at ? t("whWaitsForResume") : formatTime(d.next_attempt_at)),
      h("td", {}, d.last_error || ""))))));
}

function registerForm() {
  const checks = eventTypes.map((type) => h("label", { class: "check" },
    h("input", { type: "checkbox", name: "events", value: type }), " ", eventName(type)));
  const warning = h("p", { id: "wh-private-warning", class: "notice error", hidden: true }, t("whPrivateWarning"));
  // Text fields in a .stack (full width); the checkboxes outside it keep their size.
  const form = h("form", { class: "panel", "aria-labelledby": "wh-register-title" },
    h("h3", { id: "wh-register-title" }, t("whRegisterTitle")),
    h("div", { class: "stack" },
      h("label", { for: "wh-url" }, t("whUrl")),
      h("input", { id: "wh-url", name: "url", type: "url", required: true, placeholder: "https://", autocomplete: "off", "aria-describedby": "wh-url-help" }),
      h("p", { id: "wh-url-help", class: "muted" }, t("whUrlHelp")),
      h("label", { for: "wh-description" }, t("whDescription")),
      h("input", { id: "wh-description", name: "description", maxlength: 200 })),
    h("fieldset", {}, h("legend", {}, t("whEventsLegend")), h("p", { class: "muted" }, t("whEventsHelp")),
      h("div", { class: "row" }, ...checks)), // side by side: far enough apart (WCAG 2.5.8)
    // Each in a paragraph of its own, so that the two checkboxes are not too close (WCAG 2.5.8).
    h("p", {}, h("label", { class: "check" }, h("input", { type: "checkbox", name: "allow_http" }), " ", t("whAllowHttp"))),
    h("p", {}, h("label", { class: "check" }, h("input", {
      type: "checkbox", name: "allow_private_network", "aria-describedby": "wh-private-warning",
      onchange: (e) => { warning.hidden = !e.target.checked; },
    }), " ", t("whAllowPrivate"))),
    warning,
    h("p", {}, h("button", { type: "submit" }, t("whRegister"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      const made = await api(BASE, {
        method: "POST",
        body: {
          url: String(data.get("url") || "").trim(),
          description: String(data.get("description") || ""),
          events: data.getAll("events"),
          allow_http: data.has("allow_http"),
          allow_private_network: data.has("allow_private_network"),
        },
      });
      secretShown = { id: made.id, secret: made.secret };
      notify(t("whRegistered"));
      await loadWebhooks();
      $("#wh-secret")?.focus();
    } catch (err) {
      fail(err);
    }
  });
  return form;
}

// The export for the records system, as a file.
function exportForm() {
  const day = (offset) => new Date(Date.now() + offset * 864e5).toISOString().slice(0, 10);
  const form = h("form", { class: "panel", "aria-labelledby": "wh-export-title" },
    h("h3", { id: "wh-export-title" }, t("whExportTitle")),
    h("p", { class: "muted" }, t("whExportHelp")),
    h("p", { class: "row" },
      h("label", { for: "wh-from" }, t("whFrom")), h("input", { id: "wh-from", name: "from", type: "date", required: true, value: day(-30) }),
      h("label", { for: "wh-to" }, t("whTo")), h("input", { id: "wh-to", name: "to", type: "date", required: true, value: day(1) }),
      h("label", { for: "wh-format" }, t("whFormat")),
      h("select", { id: "wh-format", name: "format" }, h("option", { value: "jsonl" }, "JSON Lines"), h("option", { value: "csv" }, "CSV"))),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "include_contact" }), " ", t("whIncludeContact")),
    h("p", {}, h("button", { type: "submit" }, t("whExport"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const params = new URLSearchParams({ from: data.get("from"), to: data.get("to"), format: data.get("format") });
    if (data.has("include_contact")) params.set("include_contact", "true");
    try {
      await download(`/api/v1/exports/tickets?${params}`, `tickets-${data.get("from")}.${data.get("format")}`);
    } catch (err) {
      fail(err);
    }
  });
  return form;
}
