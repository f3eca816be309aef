// Adjudication page: show an item in the article text, and fill a new final's offsets from a
// selection. Offsets are Unicode code points of the article text; the DOM counts UTF-16 units.
const box = document.getElementById("article-text");
const text = box ? box.textContent : "";
const cps = Array.from(text);

function cpToUnit(cp) {
  let units = 0;
  for (let i = 0; i < cp && i < cps.length; i++) units += cps[i].length;
  return units;
}

function unitToCp(unit) {
  let units = 0;
  let cp = 0;
  while (cp < cps.length && units < unit) { units += cps[cp].length; cp++; }
  return cp;
}

function quoteOf(start, end) {
  return cps.slice(start, end).join("");
}

// Scroll the text column (its own scroll box) so the highlight is in view. Never the window:
// showing an item happens on focus, i.e. on the press of a control inside the item, and
// moving the page then would put the release somewhere else and swallow the click.
function reveal(mark) {
  const col = box.closest(".adj-text-col");
  if (!col || col.scrollHeight <= col.clientHeight) return;
  const colBox = col.getBoundingClientRect();
  const markBox = mark.getBoundingClientRect();
  col.scrollTop += markBox.top - colBox.top - (col.clientHeight - markBox.height) / 2;
}

let shown = "";
function show(start, end, { explicit = false } = {}) {
  const key = `${start}:${end}`;
  if (key !== shown) {
    shown = key;
    const a = cpToUnit(start);
    const b = cpToUnit(end);
    box.replaceChildren(
      document.createTextNode(text.slice(0, a)),
      Object.assign(document.createElement("mark"), { className: "item-hl", textContent: text.slice(a, b) }),
      document.createTextNode(text.slice(b)),
    );
  }
  const mark = box.querySelector("mark.item-hl");
  if (!mark) return;
  reveal(mark);
  // Asked for with the "show in text" button (a completed click): on a one-column layout the
  // text is above, so bring it into view.
  if (explicit) mark.scrollIntoView({ block: "nearest" });
}

document.querySelectorAll("section.item[data-key]").forEach((item) => {
  const start = Number(item.dataset.start);
  const end = Number(item.dataset.end);
  item.querySelector(".show-item")?.addEventListener("click", () => show(start, end, { explicit: true }));
  item.addEventListener("focusin", () => show(start, end));
});

// Keep each form's quote in step with its offsets.
document.querySelectorAll(".final-fields").forEach((fields) => {
  const s = fields.querySelector(".f-start");
  const e = fields.querySelector(".f-end");
  const q = fields.querySelector(".f-quote");
  const sync = () => {
    const start = Number(s.value);
    const end = Number(e.value);
    q.value = s.value !== "" && e.value !== "" && end > start ? quoteOf(start, end) : "";
  };
  s.addEventListener("input", sync);
  e.addEventListener("input", sync);
});

// A selection inside the article text fills the "write new" form.
const writeNew = document.getElementById("write-new");
function offsetWithin(node, offset) {
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  let units = 0;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n === node) return units + offset;
    units += n.data.length;
  }
  return null;
}
document.addEventListener("selectionchange", () => {
  const sel = document.getSelection();
  if (!writeNew || !sel || sel.isCollapsed || !box.contains(sel.anchorNode)) return;
  const range = sel.getRangeAt(0);
  const a = offsetWithin(range.startContainer, range.startOffset);
  const b = offsetWithin(range.endContainer, range.endOffset);
  if (a === null || b === null || b <= a) return;
  const start = unitToCp(a);
  const end = unitToCp(b);
  writeNew.querySelector(".f-start").value = start;
  writeNew.querySelector(".f-end").value = end;
  writeNew.querySelector(".f-quote").value = quoteOf(start, end);
});

const failed = document.querySelector(".form-error");
const first = failed?.closest("section.item[data-key]") || document.querySelector("section.item[data-key]:not(.resolved)");
if (first && box) show(Number(first.dataset.start), Number(first.dataset.end));
// A save that failed came back with the form filled in: bring it, and its reason, into view.
if (failed) failed.scrollIntoView({ block: "center" });
window.__adjudicateReady = true;
