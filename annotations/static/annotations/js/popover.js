// The annotation popover: tag (keys 1/2/3), verdict, claimant and its type, note, evidence URLs.
// Enter saves, Shift+Enter is a new line in a text box, Escape cancels.

const TAG_KEYS = { 1: "claim", 2: "denial", 3: "estimate" };
const LAST_TAG = "factcheck:lastTag";

export class Popover {
  constructor({ form, onSave, onDelete, onClose, claimantTypeFor = () => "" }) {
    this.form = form;
    this.claimantTypeFor = claimantTypeFor;
    this.onSave = onSave;
    this.onDelete = onDelete;
    this.onClose = onClose;
    this.el = (id) => form.querySelector(`#${id}`);
    this.state = null;
    form.addEventListener("submit", (e) => { e.preventDefault(); this.save(); });
    form.addEventListener("keydown", (e) => this.keydown(e));
    this.el("pop-cancel").addEventListener("click", () => this.close());
    this.el("pop-delete").addEventListener("click", () => this.remove());
    // A claimant typed again gets the type it had before, shown (never guessed from the name).
    this.el("pop-claimant").addEventListener("input", () => this.rememberType());
    this.el("pop-claimant-type").addEventListener("change", () => {
      this.typeTouched = true;
      this.el("pop-claimant-type-hint").textContent = "";
    });
    document.addEventListener("mousedown", (e) => {
      if (!form.hidden && !form.contains(e.target)) this.close({ restore: false });
    });
  }

  rememberType() {
    if (this.typeTouched) return;
    const known = this.claimantTypeFor(this.el("pop-claimant").value.trim());
    this.el("pop-claimant-type").value = known || "";
    this.el("pop-claimant-type-hint").textContent = known ? "(as marked before for this name)" : "";
  }

  radios() { return [...this.form.querySelectorAll("input[name=tag]")]; }

  setTag(tag) {
    for (const r of this.radios()) r.checked = r.value === tag;
  }

  open({ mode, span, ann, rect, returnFocus }) {
    this.state = { mode, span, ann, returnFocus };
    const f = this.form;
    const src = ann || {};
    this.el("pop-quote").textContent = (span ? span.quote : ann.quote);
    this.setTag(mode === "new" ? localStorage.getItem(LAST_TAG) || "" : src.tag);
    this.el("pop-verdict").value = src.verdict || "";
    this.el("pop-claimant").value = src.claimant || "";
    this.el("pop-claimant-type").value = src.claimant_type || "";
    this.el("pop-claimant-type-hint").textContent = "";
    this.typeTouched = mode !== "new";
    this.el("pop-note").value = src.note || "";
    this.el("pop-evidence").value = (src.evidence_urls || []).join("\n");
    this.el("pop-error").textContent = "";
    const links = this.el("pop-links");
    links.replaceChildren(...(src.evidence_urls || []).filter((u) => /^https?:\/\//i.test(u))
      .map((u) => {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = u; // http(s) only, checked above: never a javascript: URL
        a.textContent = u;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        li.append(a);
        return li;
      }));
    const del = this.el("pop-delete");
    del.hidden = mode !== "edit";
    del.textContent = "Delete";
    delete del.dataset.armed;
    this.el("pop-save").hidden = mode === "view";
    this.el("pop-cancel").firstChild.textContent = mode === "view" ? "Close " : "Cancel ";
    for (const input of f.querySelectorAll("input, select, textarea")) input.disabled = mode === "view";
    f.dataset.mode = mode;
    f.setAttribute("aria-label", mode === "new" ? "New annotation" : mode === "edit" ? "Edit annotation" : "Annotation");
    f.hidden = false;
    this.place(rect);
    const checked = this.radios().find((r) => r.checked) || this.radios()[0];
    (mode === "view" ? this.el("pop-cancel") : checked).focus({ preventScroll: true });
  }

  place(rect) {
    const f = this.form;
    if (window.matchMedia("(max-width: 700px)").matches) {
      f.style.left = ""; f.style.top = ""; // a bottom sheet on narrow screens (CSS)
      return;
    }
    const w = f.offsetWidth;
    const h = f.offsetHeight;
    let left = window.scrollX + rect.left;
    left = Math.max(window.scrollX + 8, Math.min(left, window.scrollX + innerWidth - w - 16));
    let top = window.scrollY + rect.bottom + 8;
    if (rect.bottom + h + 16 > innerHeight && rect.top - h - 8 > 0) top = window.scrollY + rect.top - h - 8;
    f.style.left = `${left}px`;
    f.style.top = `${top}px`;
  }

  close({ restore = true } = {}) {
    if (this.form.hidden) return;
    this.form.hidden = true;
    const back = this.state && this.state.returnFocus;
    this.state = null;
    if (restore && back && back.isConnected) back.focus({ preventScroll: true });
    this.onClose();
  }

  keydown(e) {
    const t = e.target;
    if (e.key === "Tab") {
      // Keep Tab inside the popover while it is open.
      const stops = [...this.form.querySelectorAll("input, select, textarea, button")]
        .filter((el) => !el.disabled && !el.hidden && el.offsetParent !== null
          && !(el.type === "radio" && !el.checked && this.radios().some((r) => r.checked)));
      const first = stops[0];
      const last = stops[stops.length - 1];
      if (!e.shiftKey && t === last) { e.preventDefault(); first.focus(); return; }
      if (e.shiftKey && t === first) { e.preventDefault(); last.focus(); return; }
    }
    const typing = t.matches("input[type=text], textarea");
    if (e.key === "Escape") { e.preventDefault(); this.close(); return; }
    if (this.state && this.state.mode === "view") return;
    if (!typing && TAG_KEYS[e.key] && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      this.setTag(TAG_KEYS[e.key]);
      this.el("pop-verdict").focus();
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !t.matches("button")) {
      e.preventDefault();
      this.save();
    }
  }

  values() {
    const tag = (this.radios().find((r) => r.checked) || {}).value || "";
    const evidence = this.el("pop-evidence").value.split("\n").map((s) => s.trim()).filter(Boolean);
    return {
      tag,
      verdict: this.el("pop-verdict").value || null,
      claimant: this.el("pop-claimant").value.trim(),
      claimant_type: this.el("pop-claimant-type").value,
      note: this.el("pop-note").value,
      evidence_urls: evidence,
    };
  }

  save() {
    if (!this.state || this.state.mode === "view") return;
    const values = this.values();
    const err = this.el("pop-error");
    if (!values.tag) {
      err.textContent = "Choose a tag: 1 claim, 2 denial, 3 estimate.";
      this.radios()[0].focus();
      return;
    }
    const bad = values.evidence_urls.find((u) => !/^https?:\/\/[^\s/]+/i.test(u));
    if (bad) {
      err.textContent = `Not an http(s) URL: ${bad}`;
      this.el("pop-evidence").focus();
      return;
    }
    localStorage.setItem(LAST_TAG, values.tag);
    const { mode, span, ann } = this.state;
    // A new span takes the focus itself (its highlight); do not bounce through the text.
    this.close({ restore: mode !== "new" });
    this.onSave({ mode, span, ann, values });
  }

  remove() {
    const del = this.el("pop-delete");
    if (!del.dataset.armed) {
      del.dataset.armed = "1";
      del.textContent = "Really delete?";
      del.focus();
      return;
    }
    const { ann } = this.state;
    this.close({ restore: false });
    this.onDelete({ ann });
  }
}
