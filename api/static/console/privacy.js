// Retention and erasure (admins): the periods in force, the last runs, erasure requests.
// An erasure cannot be undone, so the form asks once more, naming what will happen,
// before it sends anything.

import { api } from "./client.js";
import { formatTime, label, t } from "./i18n.js";
import { $, fail, h, notify } from "./ui.js";

const BASE = "/api/v1/retention";
let pending = null; // {kind, value}: an erasure waiting for its confirmation

export async function loadPrivacy() {
  const root = $("#privacy");
  try {
    const [policy, runs, erasures] = await Promise.all([
      api(`${BASE}/policy`), api(`${BASE}/runs?limit=10`), api(`${BASE}/erasures?limit=20`),
    ]);
    root.replaceChildren(
      policySection(policy),
      runsSection(runs.runs),
      erasureForm(),
      erasuresSection(erasures.erasures),
    );
  } catch (err) {
    fail(err);
  }
}

const days = (n) => (n === 0 ? t("prKeptForever") : t("prDays", { n }));
const kindName = (kind) => label("prKind_", kind, "prKindOther");

function table(caption, head, rows) {
  return h("table", { class: "data" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...head.map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, ...rows));
}

function policySection(policy) {
  return h("section", { "aria-labelledby": "pr-policy" },
    h("h3", { id: "pr-policy" }, t("prPolicyTitle")),
    table(t("prPolicyCaption", { hours: policy.every_hours, batch: policy.batch_size }),
      ["prKind", "prKept", "prSetting"],
      policy.periods.map((p) => h("tr", {},
        h("th", { scope: "row" }, label("prPeriod_", p.kind, "prKindOther")),
        h("td", {}, days(p.days)),
        h("td", {}, h("code", {}, p.setting))))));
}

function countsText(counts) {
  const done = Object.entries(counts).filter(([, n]) => n > 0);
  return done.length ? done.map(([kind, n]) => `${kindName(kind)}: ${n}`).join(", ") : t("prNothing");
}

function runsSection(runs) {
  const button = h("button", { type: "button", id: "pr-run-now" }, t("prRunNow"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const run = await api(`${BASE}/runs`, { method: "POST" });
      notify(t("prRunDone", { counts: countsText(run.counts) }));
      await loadPrivacy();
    } catch (err) {
      button.disabled = false;
      fail(err);
    }
  });
  return h("section", { "aria-labelledby": "pr-runs" },
    h("h3", { id: "pr-runs" }, t("prRunsTitle")),
    h("p", {}, button),
    runs.length
      ? table(t("prRunsCaption"), ["prStarted", "prTrigger", "prStatus", "prCounts"],
        runs.map((r) => h("tr", {},
          h("td", {}, formatTime(r.started_at)),
          h("td", {}, r.requested_by ? t("prByAdmin", { name: r.requested_by }) : t("prScheduled")),
          h("td", {}, label("prStatus_", r.status), r.error ? ` (${r.error})` : ""),
          h("td", {}, countsText(r.counts)))))
      : h("p", { class: "muted" }, t("prNoRuns")));
}

function erasureForm() {
  const kind = h("select", { id: "pr-kind", name: "kind" },
    ...["phone", "email", "conversation"].map((k) => h("option", { value: k, selected: pending?.kind === k }, t(`prBy_${k}`))));
  const value = h("input", { id: "pr-value", name: "value", required: true, autocomplete: "off", value: pending?.value ?? "", size: 30 });
  const form = h("form", { class: "panel", "aria-labelledby": "pr-erase" },
    h("h3", { id: "pr-erase" }, t("prEraseTitle")),
    h("p", {}, t("prEraseHelp")),
    h("p", { class: "row" }, h("label", { for: "pr-kind" }, t("prEraseBy")), kind),
    h("p", { class: "row" }, h("label", { for: "pr-value" }, t("prEraseValue")), value),
    pending ? confirmation() : h("button", { type: "submit" }, t("prEraseNext")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    pending = { kind: kind.value, value: value.value.trim() };
    if (pending.value) loadPrivacy().then(() => $("#pr-confirm")?.focus());
  });
  return form;
}

function confirmation() {
  const yes = h("button", { type: "button", id: "pr-confirm" }, t("prEraseConfirm"));
  const no = h("button", { type: "button", class: "secondary" }, t("prEraseCancel"));
  yes.addEventListener("click", () => erase(yes));
  no.addEventListener("click", () => { pending = null; loadPrivacy(); });
  return h("div", { role: "alert" },
    h("p", {}, h("strong", {}, t("prEraseWarning", { what: t(`prBy_${pending.kind}`) }))),
    h("p", { class: "row" }, yes, no));
}

async function erase(button) {
  const body = pending.kind === "conversation"
    ? { conversation_id: Number(pending.value) }
    : { [pending.kind]: pending.value };
  button.disabled = true;
  try {
    const record = await api(`${BASE}/erasures`, { method: "POST", body });
    pending = null;
    notify(t("prErased", { counts: countsText(record.counts) }));
    await loadPrivacy();
  } catch (err) {
    button.disabled = false;
    fail(err);
  }
}

function erasuresSection(records) {
  return h("section", { "aria-labelledby": "pr-records" },
    h("h3", { id: "pr-records" }, t("prRecordsTitle")),
    records.length
      ? table(t("prRecordsCaption"), ["prWhen", "prWho", "prBy", "prCounts"],
        records.map((r) => h("tr", {},
          h("td", {}, formatTime(r.requested_at)),
          h("td", {}, r.requested_by),
          h("td", {}, t(`prBy_${r.identifier_kind}`)),
          h("td", {}, countsText(r.counts)))))
      : h("p", { class: "muted" }, t("prNoRecords")));
}
