// The reviewer's workspace: highlights, the annotation popover, the side list, autosave.
// Server data arrives via json_script; every write goes through the REST API (savequeue.js).
// Article text and notes only ever reach the DOM as text nodes (textContent), never as HTML.

import { OffsetMap, rangeFromUtf16, rangeToUtf16 } from "./offsets.js";
import { Highlighter } from "./highlights.js";
import { SaveQueue, api } from "./savequeue.js";
import { Popover } from "./popover.js";

const $ = (id) => document.getElementById(id);
const data = JSON.parse($("workspace-data").textContent);
const articleId = data.article.id;
const text = data.article.text;
const map = new OffsetMap(text);
const container = $("article-text");
const readonly = data.readonly;
const labelName = new Map(data.labels.map((l) => [l.slug, l.name]));
const tagName = Object.fromEntries(data.tags.map((t) => [t.value, t.label]));

const anns = new Map(); // id (number, or "t…" for unsaved new ones) -> annotation
// The page sends offsets only; the quote is the text there (stored spans always match it).
for (const a of data.annotations) {
  const quote = a.orphaned ? a.quote : text.slice(map.toUtf16(a.start), map.toUtf16(a.end));
  anns.set(a.id, { ...a, quote });
}
const hl = new Highlighter(container, text);
let tmpSeq = 0;
let savedSeq = 0;

// ---------- rendering ----------

function visible() {
  return [...anns.values()].filter((a) => !a.deleting)
    .sort((a, b) => a.start - b.start || a.end - b.end || String(a.id).localeCompare(String(b.id)));
}

function spans() {
  // A span whose text changed in a revision is listed, not drawn at offsets that are wrong.
  return visible().filter((a) => !a.orphaned).map((a) => ({
    id: a.id, s: map.toUtf16(a.start), e: map.toUtf16(a.end),
    tag: a.tag, mine: a.mine, pending: !!a.pending, fuzzy: !!a.fuzzy,
  }));
}

function render() {
  hl.render(spans());
  renderList();
  // Spans a revision moved by fuzzy matching (or lost): say so, and where to confirm them.
  const unsure = visible().filter((a) => a.fuzzy || a.orphaned).length;
  const note = $("attention-note");
  if (note) {
    note.hidden = unsure === 0;
    $("attention-count").textContent = String(unsure);
  }
}

// Re-render only the text around the given annotations (before and after a change).
function refresh(...changed) {
  const focused = document.activeElement;
  const focusId = focused && focused.dataset && focused.dataset.starts
    ? focused.dataset.starts.split(" ")[0] : null;
  let from = Infinity;
  let to = -Infinity;
  for (const a of changed) {
    if (!a) continue;
    from = Math.min(from, map.toUtf16(a.start));
    to = Math.max(to, map.toUtf16(a.end));
  }
  if (from <= to) hl.update(spans(), from, to);
  renderList();
  if (focusId && !(focused && focused.isConnected)) {
    const again = markFor(focusId);
    if (again) again.focus({ preventScroll: true });
  }
}

function markFor(id) {
  return container.querySelector(`mark[data-starts~="${CSS.escape(String(id))}"]`);
}

function announceSaved(id) {
  // After the next paint: the figure a reviewer sees, not just the script's own work.
  const seq = ++savedSeq;
  requestAnimationFrame(() => setTimeout(() => {
    window.__lastSaved = { id, seq, at: performance.now() };
  }, 0));
}

function describe(a) {
  const parts = [tagName[a.tag] || a.tag];
  parts.push(a.verdict ? labelName.get(a.verdict) || a.verdict : "no verdict");
  if (a.claimant) parts.push(`claimant: ${a.claimant}`);
  if (!a.mine) parts.push(`by ${a.reviewer}`);
  if (a.pending) parts.push("not saved yet");
  if (a.fuzzy) parts.push("re-placed after a text revision: please check (Needs attention)");
  return parts.join(" · ");
}

const listItems = new Map(); // id -> [li, stamp]

function listItem(a) {
  const li = document.createElement("li");
  const btn = document.createElement("button");
  btn.type = "button";
  btn.className = `ann-item tag-${a.tag}${a.mine ? "" : " other"}${a.pending ? " pending" : ""}`;
  btn.dataset.id = a.id;
  const head = document.createElement("span");
  head.className = "ann-head";
  const chip = document.createElement("span");
  chip.className = `tagchip tag-${a.tag}`;
  chip.textContent = tagName[a.tag] || a.tag;
  const verdict = document.createElement("span");
  verdict.className = "verdict";
  verdict.textContent = a.verdict ? labelName.get(a.verdict) || a.verdict : "no verdict";
  head.append(chip, verdict);
  if (!a.mine) {
    const who = document.createElement("span");
    who.className = "who-chip";
    who.textContent = a.reviewer;
    head.append(who);
  }
  if (a.pending) {
    const p = document.createElement("span");
    p.className = "pending-chip";
    p.textContent = "unsaved";
    head.append(p);
  }
  if (a.fuzzy) {
    const f = document.createElement("span");
    f.className = "fuzzy-chip";
    f.textContent = "re-placed after revision — check";
    head.append(f);
  }
  if (a.orphaned) {
    const o = document.createElement("span");
    o.className = "pending-chip";
    o.textContent = "text changed — not found";
    head.append(o);
  }
  const quote = document.createElement("span");
  quote.className = "ann-quote";
  quote.textContent = a.quote.length > 160 ? `${a.quote.slice(0, 160)}…` : a.quote;
  btn.append(head, quote);
  if (a.claimant) {
    const c = document.createElement("span");
    c.className = "ann-claimant";
    c.textContent = `— ${a.claimant}`;
    btn.append(c);
  }
  li.append(btn);
  return li;
}

// Keyed update: only changed items are rebuilt and only misplaced ones moved.
function renderList() {
  const list = $("ann-list");
  const items = visible();
  // Drop items that are gone first, so that the walk below only moves what really moved.
  const keep = new Set(items.map((a) => a.id));
  for (const [id, entry] of listItems) {
    if (!keep.has(id)) { entry[0].remove(); listItems.delete(id); }
  }
  let cursor = list.firstChild;
  for (const a of items) {
    const stamp = [a.tag, a.verdict, a.mine, a.pending, a.quote, a.claimant, a.reviewer].join("\u0001");
    let entry = listItems.get(a.id);
    if (!entry || entry[1] !== stamp) {
      const li = listItem(a);
      if (entry) entry[0].replaceWith(li);
      if (entry && cursor === entry[0]) cursor = li;
      entry = [li, stamp];
      listItems.set(a.id, entry);
    }
    if (entry[0] !== cursor) list.insertBefore(entry[0], cursor);
    else cursor = cursor.nextSibling;
  }
  while (cursor) { const n = cursor.nextSibling; cursor.remove(); cursor = n; }
  $("ann-count").textContent = String(items.length);
  $("ann-heading").textContent = items.every((a) => a.mine) ? "My annotations" : "Annotations";
  $("ann-empty").hidden = items.length > 0;
  const sc = $("submit-count");
  if (sc) sc.textContent = String(items.filter((a) => a.mine).length);
}

function reveal(id) {
  const mark = markFor(id);
  if (!mark) return;
  mark.scrollIntoView({ block: "center", behavior: "instant" });
  mark.focus({ preventScroll: true });
  mark.classList.add("flash");
  setTimeout(() => mark.classList.remove("flash"), 1200);
}

$("ann-list").addEventListener("click", (e) => {
  const btn = e.target.closest("button.ann-item");
  if (btn) reveal(/^\d+$/.test(btn.dataset.id) ? Number(btn.dataset.id) : btn.dataset.id);
});

// ---------- tooltip ----------

const tooltip = $("tooltip");

function idsOf(mark) {
  return mark.dataset.ids.split(" ").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function showTooltip(mark) {
  const lines = idsOf(mark).map((id) => anns.get(id)).filter(Boolean);
  if (!lines.length) return;
  tooltip.replaceChildren(...lines.map((a) => {
    const div = document.createElement("div");
    div.className = `tip tag-${a.tag}`;
    div.textContent = describe(a);
    return div;
  }));
  tooltip.hidden = false;
  mark.setAttribute("aria-describedby", "tooltip");
  const r = mark.getBoundingClientRect();
  const w = tooltip.offsetWidth;
  tooltip.style.left = `${Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + innerWidth - w - 8))}px`;
  tooltip.style.top = `${window.scrollY + r.bottom + 6}px`;
}

function hideTooltip() { tooltip.hidden = true; }

container.addEventListener("mouseover", (e) => {
  const mark = e.target.closest("mark.hl");
  if (mark) showTooltip(mark); else hideTooltip();
});
container.addEventListener("mouseleave", hideTooltip);
container.addEventListener("focusin", (e) => {
  if (e.target.matches("mark.hl")) showTooltip(e.target);
});
container.addEventListener("focusout", hideTooltip);

// ---------- autosave ----------

const saveState = $("save-state");
function setState(name, info) {
  saveState.dataset.state = name;
  if (name === "saving") saveState.textContent = "Saving…";
  else if (name === "saved") saveState.textContent = "All changes saved";
  else if (name === "retrying") {
    const secs = Math.round(info.wait / 1000);
    const why = info.err && info.err.status === 403
      ? "your session ended: log in again in another tab; " : "";
    saveState.textContent = `Not saved — ${why}retrying in ${secs} s (${info.pending} pending)`;
  } else if (name === "error") saveState.textContent = info.message;
}

function merge(id, server) {
  const local = anns.get(id);
  // ops[0] is the write that just succeeded; anything after it is still to be sent.
  const stillPending = queue.ops.slice(1).some((o) => o.id === server.id);
  const base = { ...server, mine: true, pending: stillPending };
  // Later edits still queued stay on screen; the server's version is what If-Match needs.
  return stillPending && local ? { ...local, id: server.id, version: server.version } : base;
}

async function reloadOne(id) {
  const old = anns.get(id);
  let fresh = null;
  try {
    fresh = await api("GET", `/api/annotations/${id}/`, undefined, { csrf: data.csrf });
    if (fresh.deleted) anns.delete(id);
    else anns.set(id, { ...fresh, mine: true, pending: false });
  } catch {
    anns.delete(id);
  }
  refresh(old, fresh);
}

const queue = new SaveQueue({
  key: `factcheck:pending:${data.user}:${articleId}`,
  csrf: data.csrf,
  hooks: {
    version: (id) => (anns.get(id) || {}).version,
    created(tmp, server) {
      const merged = merge(tmp, server);
      const active = document.activeElement;
      const hadFocus = !!(active && active.dataset && active.dataset.starts
        && active.dataset.starts.split(" ").includes(tmp));
      anns.delete(tmp);
      anns.set(server.id, merged);
      refresh(merged);
      if (hadFocus && markFor(server.id)) markFor(server.id).focus({ preventScroll: true });
      const chip = $("my-status");
      if (chip.classList.contains("chip-new")) { // the first span starts the review
        chip.className = "chip chip-in_progress";
        chip.textContent = "In progress";
      }
      announceSaved(server.id);
    },
    updated(server) {
      const old = anns.get(server.id);
      anns.set(server.id, merge(server.id, server));
      refresh(old, server);
      announceSaved(server.id);
    },
    deleted(id) { const old = anns.get(id); anns.delete(id); refresh(old); },
    rejected(op, err) {
      const detail = (err.body && err.body.detail) || err.message;
      if (err.status === 412) {
        setState("error", { message: "Changed elsewhere (another tab?): reloaded it — apply your change again." });
      } else {
        setState("error", { message: `Not saved: ${detail}` });
      }
      if (op.op === "create") {
        const old = anns.get(op.tmp);
        anns.delete(op.tmp);
        refresh(old);
      } else reloadOne(op.id);
    },
    state(name, info) {
      if (name === "saved" && saveState.dataset.state === "error") return; // keep the message
      setState(name, info);
    },
  },
});

// Writes kept from an earlier visit (reload, crash, offline): show them, then send them.
function replayPending() {
  for (const op of [...queue.ops]) {
    if (op.op === "create") {
      const b = op.body;
      // A create whose response was lost may already be stored: do not make a twin.
      const twin = [...anns.values()].find((a) => a.mine && a.start === b.start
        && a.end === b.end && a.tag === b.tag && a.note === (b.note || "")
        && a.claimant === (b.claimant || "").trim());
      if (twin) {
        queue.ops = queue.ops.filter((o) => o !== op);
        for (const o of queue.ops) if (o.id === op.tmp) o.id = twin.id;
        continue;
      }
      anns.set(op.tmp, { ...b, id: op.tmp, mine: true, pending: true, version: 0,
        reviewer: data.user, verdict: b.verdict || null, claimant: b.claimant || "",
        note: b.note || "", evidence_urls: b.evidence_urls || [] });
    } else if (anns.has(op.id)) {
      const a = anns.get(op.id);
      if (op.op === "update") Object.assign(a, op.changes, { pending: true });
      else a.deleting = true;
    }
  }
  queue.persist();
}

// ---------- creating, editing, deleting ----------

function selectionSpan() {
  const sel = window.getSelection();
  if (!sel.rangeCount || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!container.contains(range.commonAncestorContainer) && !range.intersectsNode(container)) {
    return null;
  }
  const u = rangeToUtf16(container, range, map);
  if (!u) return null;
  const start = map.toCodePoint(u.start);
  const end = map.toCodePoint(u.end);
  return { start, end, quote: text.slice(u.start, u.end), u16: u };
}

const popover = new Popover({
  form: $("popover"),
  labelName,
  claimantTypeFor,
  onSave: save,
  onDelete: remove,
  onClose: () => {
    if (window.CSS && CSS.highlights) CSS.highlights.delete("fc-selecting");
    scheduleCaret();
  },
});

// The type last given to this claimant name on this page (the server remembers across articles
// for API clients that leave it out).
function claimantTypeFor(name) {
  if (!name) return "";
  const key = name.toLowerCase();
  const known = [...anns.values()].filter((a) => a.claimant_type
    && (a.claimant || "").trim().toLowerCase() === key);
  return known.length ? known[known.length - 1].claimant_type : ""; // the latest added
}

function openNew() {
  if (readonly) return false;
  const span = selectionSpan();
  if (!span) return false;
  const range = rangeFromUtf16(container, span.u16.start, span.u16.end);
  const rect = range.getBoundingClientRect();
  // Keep the chosen text marked while focus is in the popover (the native selection fades).
  if (window.CSS && CSS.highlights && window.Highlight) {
    CSS.highlights.set("fc-selecting", new Highlight(range));
  }
  hideTooltip();
  popover.open({ mode: "new", span, rect, returnFocus: container });
  if (annotateBtn) annotateBtn.hidden = true;
  return true;
}

function openExisting(id, returnFocus) {
  const a = anns.get(id);
  if (!a) return;
  const mark = markFor(id);
  const rect = mark ? mark.getBoundingClientRect() : container.getBoundingClientRect();
  hideTooltip();
  const editable = !readonly && a.mine;
  popover.open({ mode: editable ? "edit" : "view", ann: a, rect, returnFocus: returnFocus || mark });
}

function save(form) {
  if (form.mode === "new") {
    const tmp = `t${Date.now().toString(36)}${++tmpSeq}`;
    const body = {
      article: articleId, start: form.span.start, end: form.span.end, quote: form.span.quote,
      tag: form.values.tag, verdict: form.values.verdict || null, claimant: form.values.claimant,
      claimant_type: form.values.claimant_type,
      note: form.values.note, evidence_urls: form.values.evidence_urls,
    };
    const local = { ...body, id: tmp, mine: true, pending: true, version: 0, reviewer: data.user };
    anns.set(tmp, local);
    queue.push({ op: "create", tmp, body }); // the request is on its way while we draw
    window.getSelection().removeAllRanges();
    refresh(local);
    const mark = markFor(tmp);
    if (mark) mark.focus({ preventScroll: true });
    return;
  }
  const a = anns.get(form.ann.id);
  if (!a) return;
  const changes = {};
  for (const k of ["tag", "verdict", "claimant", "claimant_type", "note"]) {
    if ((form.values[k] || "") !== (a[k] || "")) changes[k] = form.values[k] || (k === "verdict" ? null : "");
  }
  if (JSON.stringify(form.values.evidence_urls) !== JSON.stringify(a.evidence_urls || [])) {
    changes.evidence_urls = form.values.evidence_urls;
  }
  if (!Object.keys(changes).length) return;
  Object.assign(a, changes, { pending: true });
  queue.push({ op: "update", id: a.id, changes });
  refresh(a);
}

function remove(form) {
  const a = anns.get(form.ann.id);
  if (!a) return;
  a.deleting = true;
  queue.push({ op: "delete", id: a.id });
  refresh(a);
  container.focus({ preventScroll: true });
}

// Mouse: a drag (also across paragraphs, and ending outside the text) opens the popover;
// a click on a highlight opens that annotation.
let dragging = false;
container.addEventListener("mousedown", (e) => { if (e.button === 0) dragging = true; });
document.addEventListener("mouseup", (e) => {
  if (e.button !== 0 || !dragging) return;
  dragging = false;
  setTimeout(() => {
    if (openNew()) return;
    const mark = e.target.closest && e.target.closest("mark.hl");
    if (mark && window.getSelection().isCollapsed) openExisting(pickAnnotation(mark), mark);
  }, 0);
});

function pickAnnotation(mark) {
  const candidates = idsOf(mark).map((id) => anns.get(id)).filter(Boolean);
  candidates.sort((x, y) => Number(y.mine) - Number(x.mine) || (x.end - x.start) - (y.end - y.start));
  return candidates.length ? candidates[0].id : null;
}

// ---------- keyboard selection ----------

const caret = $("kb-caret");

function ensureCaret() {
  const sel = window.getSelection();
  if (sel.rangeCount && container.contains(sel.anchorNode)) return;
  const box = container.getBoundingClientRect();
  const y = Math.max(box.top, 0) + 12;
  const r = document.caretRangeFromPoint ? document.caretRangeFromPoint(box.left + 2, y) : null;
  if (r && container.contains(r.startContainer)) sel.setBaseAndExtent(r.startContainer, r.startOffset, r.startContainer, r.startOffset);
  else {
    const first = rangeFromUtf16(container, 0, 0);
    sel.setBaseAndExtent(first.startContainer, first.startOffset, first.startContainer, first.startOffset);
  }
}

function updateCaret() {
  const sel = window.getSelection();
  const inText = container.contains(document.activeElement);
  if (!inText || !sel.rangeCount || !container.contains(sel.focusNode) || !popover.form.hidden) {
    caret.hidden = true;
    return;
  }
  const r = document.createRange();
  r.setStart(sel.focusNode, sel.focusOffset);
  const rect = r.getClientRects()[0] || r.getBoundingClientRect();
  if (!rect || (!rect.height && !rect.top)) { caret.hidden = true; return; }
  caret.hidden = false;
  caret.style.left = `${window.scrollX + rect.left}px`;
  caret.style.top = `${window.scrollY + rect.top}px`;
  caret.style.height = `${rect.height || 20}px`;
  if (rect.bottom > innerHeight - 40 || rect.top < 60) {
    window.scrollBy({ top: rect.top - innerHeight / 2, behavior: "instant" });
    updateCaret();
  }
}

let caretFrame = 0;
function scheduleCaret() {
  // Reading a caret position forces layout: do it once per frame, never in a save path.
  if (!caretFrame) caretFrame = requestAnimationFrame(() => { caretFrame = 0; updateCaret(); });
}

// Touch screens select without a mouseup we can rely on: offer a button for the selection.
const annotateBtn = $("annotate-btn");
if (annotateBtn) {
  annotateBtn.addEventListener("mousedown", (e) => e.preventDefault()); // keep the selection
  annotateBtn.addEventListener("click", () => { annotateBtn.hidden = true; openNew(); });
}

document.addEventListener("selectionchange", () => {
  if (container.contains(document.activeElement)) scheduleCaret();
  if (annotateBtn) {
    const sel = window.getSelection();
    annotateBtn.hidden = dragging || !popover.form.hidden || sel.isCollapsed || !sel.rangeCount
      || !sel.getRangeAt(0).intersectsNode(container);
  }
});
container.addEventListener("focus", () => { ensureCaret(); scheduleCaret(); });
container.addEventListener("blur", () => { caret.hidden = true; });

const MOVES = { ArrowLeft: ["backward", "character"], ArrowRight: ["forward", "character"],
  ArrowUp: ["backward", "line"], ArrowDown: ["forward", "line"],
  Home: ["backward", "lineboundary"], End: ["forward", "lineboundary"] };

container.addEventListener("keydown", (e) => {
  const onMark = e.target !== container && e.target.matches("mark.hl");
  if (onMark && e.key === "Enter" && window.getSelection().isCollapsed) {
    e.preventDefault();
    const id = e.target.dataset.starts.split(" ").map((s) => (/^\d+$/.test(s) ? Number(s) : s))
      .map((i) => anns.get(i)).filter(Boolean)
      .sort((x, y) => Number(y.mine) - Number(x.mine))[0];
    if (id) openExisting(id.id, e.target);
    return;
  }
  if (MOVES[e.key] && !e.altKey && !e.metaKey) {
    e.preventDefault();
    ensureCaret();
    const [dir, unit] = MOVES[e.key];
    const gran = (e.ctrlKey && unit === "character") ? "word" : unit;
    window.getSelection().modify(e.shiftKey ? "extend" : "move", dir, gran);
    updateCaret();
    return;
  }
  if ((e.key === "Enter" || e.key === "a") && !e.ctrlKey && !e.metaKey && !e.altKey) {
    if (openNew()) e.preventDefault();
  }
  if (e.key === "Escape" && window.getSelection().rangeCount) window.getSelection().collapseToEnd();
});

// ---------- help, submit, global keys ----------

const help = $("help");
$("help-open").addEventListener("click", () => help.showModal());
document.addEventListener("keydown", (e) => {
  const typing = e.target.closest && e.target.closest("input, textarea, select, dialog");
  if (e.key === "?" && !typing && popover.form.hidden) { e.preventDefault(); help.showModal(); }
});

const submitOpen = $("submit-open");
if (submitOpen) {
  const dialog = $("submit-dialog");
  submitOpen.addEventListener("click", () => { $("submit-error").textContent = ""; dialog.showModal(); });
  $("submit-cancel").addEventListener("click", () => dialog.close());
  $("submit-confirm").addEventListener("click", async () => {
    const btn = $("submit-confirm");
    btn.disabled = true;
    $("submit-error").textContent = "";
    try {
      await queue.flush();
      await api("POST", `/api/articles/${articleId}/submit/`, {}, { csrf: data.csrf });
      window.location.reload();
    } catch (err) {
      $("submit-error").textContent = err.status
        ? `Not submitted: ${(err.body && err.body.detail) || err.message}`
        : "Not submitted: some changes are not saved yet (no connection). Try again in a moment.";
      btn.disabled = false;
    }
  });
}

// ---------- start ----------

replayPending();
render();
if (queue.pending) queue.kick(true);
document.documentElement.dataset.workspaceReady = "1";
window.__workspaceReady = performance.now();
