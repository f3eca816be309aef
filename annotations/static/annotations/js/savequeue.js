// Autosave: every write goes into a queue kept in localStorage and is sent in order through
// the REST API. A network error or a 5xx keeps the write and retries with backoff, so a dropped
// connection or a reload loses nothing; a 4xx is the server refusing it, shown and dropped.

const MAX_DELAY_MS = 30000;

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

function csrfToken(fallback) {
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : fallback;
}

export async function api(method, url, body, { csrf, ifMatch } = {}) {
  const headers = { Accept: "application/json", "X-Client": "web", "X-CSRFToken": csrfToken(csrf) };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (ifMatch !== undefined) headers["If-Match"] = `"${ifMatch}"`;
  const res = await fetch(url, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

function retryable(err) {
  if (!(err instanceof ApiError)) return true; // fetch itself failed: offline, reset, timeout
  if (err.status >= 500 || err.status === 429 || err.status === 408) return true;
  // A lapsed session or CSRF cookie: keep the work until the reviewer logs in again.
  const detail = String((err.body && err.body.detail) || "");
  return err.status === 403 && /credentials|CSRF/i.test(detail);
}

export class SaveQueue {
  // hooks: version(id) -> int, created(tmp, ann), updated(ann), deleted(id),
  //        rejected(op, err), state(name, info)
  constructor({ key, csrf, hooks }) {
    this.key = key;
    this.csrf = csrf;
    this.hooks = hooks;
    this.ops = this.load();
    this.running = false;
    this.delay = 1000;
    this.timer = null;
    this.waiters = [];
    window.addEventListener("online", () => this.kick(true));
  }

  load() {
    try { return JSON.parse(localStorage.getItem(this.key) || "[]"); } catch { return []; }
  }

  persist() {
    try {
      if (this.ops.length) localStorage.setItem(this.key, JSON.stringify(this.ops));
      else localStorage.removeItem(this.key);
    } catch { /* storage full or disabled: the queue still works for this page */ }
  }

  push(op) {
    this.ops.push(op);
    this.persist();
    this.kick(true);
  }

  get pending() { return this.ops.length; }

  // Resolves when everything is saved; rejects if a write is stuck retrying.
  flush() {
    if (!this.ops.length) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.kick(true);
    });
  }

  kick(now) {
    if (now && this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (!this.running && !this.timer) this.run();
  }

  async run() {
    this.running = true;
    while (this.ops.length) {
      const op = this.ops[0];
      this.hooks.state("saving", { pending: this.ops.length });
      try {
        await this.send(op);
        this.ops.shift();
        this.persist();
        this.delay = 1000;
      } catch (err) {
        if (retryable(err)) {
          const wait = this.delay;
          this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
          this.hooks.state("retrying", { pending: this.ops.length, wait, err });
          this.running = false;
          this.timer = setTimeout(() => { this.timer = null; this.run(); }, wait);
          for (const w of this.waiters.splice(0)) w.reject(err);
          return;
        }
        this.ops.shift();
        // Writes that depended on a refused new annotation cannot succeed either.
        if (op.op === "create") this.ops = this.ops.filter((o) => o.id !== op.tmp);
        this.persist();
        this.hooks.rejected(op, err);
      }
    }
    this.running = false;
    this.hooks.state("saved", {});
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  async send(op) {
    if (op.op === "create") {
      const ann = await api("POST", "/api/annotations/", op.body, { csrf: this.csrf });
      // Later writes to the same new annotation now go to its real id.
      for (const other of this.ops) if (other.id === op.tmp) other.id = ann.id;
      this.hooks.created(op.tmp, ann);
    } else if (op.op === "update") {
      const ann = await api("PATCH", `/api/annotations/${op.id}/`, op.changes, {
        csrf: this.csrf, ifMatch: this.hooks.version(op.id),
      });
      this.hooks.updated(ann);
    } else if (op.op === "delete") {
      await api("DELETE", `/api/annotations/${op.id}/`, undefined, {
        csrf: this.csrf, ifMatch: this.hooks.version(op.id),
      });
      this.hooks.deleted(op.id);
    }
  }
}
