// What the console keeps in the browser. The session lives only as long as the
// tab (sessionStorage); preferences such as the language stay (localStorage).
// Storage can be blocked: then nothing is kept and the console works anyway.

const PREFIX = "viol3-console.";

export const session = {
  get() { try { return JSON.parse(sessionStorage.getItem(PREFIX + "session")); } catch { return null; } },
  set(v) { try { sessionStorage.setItem(PREFIX + "session", JSON.stringify(v)); } catch { /* not kept */ } },
  clear() { try { sessionStorage.removeItem(PREFIX + "session"); } catch { /* nothing kept */ } },
};

export const prefs = {
  get(k) { try { return localStorage.getItem(PREFIX + k); } catch { return null; } },
  set(k, v) { try { localStorage.setItem(PREFIX + k, v); } catch { /* not kept */ } },
};

// A set of ids kept for the tab's life (dismissed alarms, alarms already announced).
export function tabSet(name, keep = 200) {
  const key = PREFIX + name;
  return {
    get() { try { return new Set(JSON.parse(sessionStorage.getItem(key) || "[]")); } catch { return new Set(); } },
    add(id) {
      const ids = [...this.get(), id].slice(-keep);
      try { sessionStorage.setItem(key, JSON.stringify(ids)); } catch { /* not kept */ }
    },
  };
}

// The console's shared state: who is logged in, what is shown, what was read.
export const state = {
  user: session.get(), // {token, username, name, role, queues}
  view: null,
  queues: [], // every queue: [{id, name, names, open_now, always_open}]
  tickets: [], // the list as filtered now
  counts: {}, // queue id -> {total, byPriority, breached} of the agent's open tickets
  ticket: null, // the open ticket as read from the API
  ticketJson: "",
  revealed: new Map(), // message id -> clear text, for this ticket only
  features: {}, // name -> false when the server does not have it
  polling: false,
  alerts: [], // the alarms shown, oldest first
  alertsAfter: null, // the last alarm id seen; null: none asked for yet
  undo: null, // {ticketId, until, timer} while a resolve can be undone
};

export const sees = (id) => state.user?.role === "admin" || (state.user?.queues || []).includes(id);
export const myQueues = () => state.queues.filter((q) => sees(q.id));
