// Talking to the API: the agent's token on every call, errors as ApiError with a
// message in the agent's language.

import { state } from "./store.js";
import { t, uiLang } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    Object.assign(this, { status, code });
  }
}

// A route the server does not have (no error code from our handlers) or a method it lacks.
export const isMissing = (err) => err instanceof ApiError && ((err.status === 404 && !err.code) || err.status === 405);

const ERROR_KEYS = {
  already_claimed: "errorAlreadyClaimed",
  not_your_ticket: "errorNotYours",
  invalid_transition: "errorInvalid",
  not_allowed: "errorNotAllowed",
  ticket_not_found: "errorNoTicket",
  not_your_queue: "errorNotYourQueue",
  login_throttled: "errorLoginThrottled",
  account_locked: "errorAccountLocked",
  unknown_queue: "errorUnknownQueue",
  undo_window_passed: "errorUndoExpired",
};

let onUnauthorised = () => {};
export const whenUnauthorised = (handler) => { onUnauthorised = handler; };

export async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json", "Accept-Language": uiLang };
  if (state.user) headers.Authorization = `Bearer ${state.user.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "network", t("errorNetwork"));
  }
  const data = await res.json().catch(() => ({}));
  if (res.ok) return data;
  if (res.status === 401 && state.user) onUnauthorised();
  const key = ERROR_KEYS[data.code];
  // Our own errors (they carry a code) say what is wrong, e.g. a wait after failed
  // logins, a locked account, a queue that is not yours: shown as they are.
  const told = data.code && typeof data.detail === "string" ? data.detail : null;
  const message = key ? t(key) : (told || (res.status === 422 ? t("errorInput") : t("errorGeneric", { status: res.status })));
  throw new ApiError(res.status, data.code || "", message);
}

// A file the agent may download: fetched with the token (a plain link cannot
// carry it), then saved under its name.
export async function download(path, filename) {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${state.user.token}` } }).catch(() => null);
  if (!res?.ok) throw new ApiError(res?.status || 0, "", t("errorNetwork"));
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}
