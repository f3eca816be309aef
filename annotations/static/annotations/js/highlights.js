// Highlights: the article text split into segments at every span boundary. Each covered
// segment is one <mark> carrying the ids of all annotations over it, so nested and overlapping
// spans never need nested elements (and never move a character).
//
// The text is cut into blocks of a few thousand characters at line breaks, each its own
// layout unit: a change re-renders (and the browser re-lays out) only the blocks it touches,
// and blocks off screen are skipped until scrolled to (content-visibility in the CSS).

const MAX_DEPTH = 3;
const BLOCK = 2000; // UTF-16 units, at least, per block

export class Highlighter {
  constructor(container, text) {
    this.container = container;
    this.text = text;
    this.starts = [0];
    let last = 0;
    for (;;) {
      const nl = text.indexOf("\n", last + BLOCK);
      if (nl === -1 || nl + 1 >= text.length) break;
      this.starts.push(nl + 1);
      last = nl + 1;
    }
    this.blocks = [];
  }

  blockEnd(k) { return k + 1 < this.starts.length ? this.starts[k + 1] : this.text.length; }

  // spans: [{id, s, e, tag, mine, pending, fuzzy}] with s/e in UTF-16 units of the text.
  render(spans) {
    const frag = document.createDocumentFragment();
    this.blocks = this.starts.map((from, k) => {
      const div = document.createElement("div");
      div.className = "tb";
      this.fill(div, from, this.blockEnd(k), spans);
      frag.appendChild(div);
      return div;
    });
    this.container.replaceChildren(frag);
  }

  // Re-render only the blocks that overlap [from, to).
  update(spans, from, to) {
    for (let k = 0; k < this.starts.length; k++) {
      const s = this.starts[k];
      const e = this.blockEnd(k);
      if (e < from || s > to) continue;
      this.fill(this.blocks[k], s, e, spans);
    }
  }

  fill(div, from, to, all) {
    const spans = all.filter((a) => a.e > from && a.s < to && a.e > a.s)
      .sort((a, b) => a.s - b.s || b.e - a.e);
    const cuts = new Set([from, to]);
    for (const a of spans) {
      if (a.s > from) cuts.add(a.s);
      if (a.e < to) cuts.add(a.e);
    }
    const bounds = Array.from(cuts).sort((x, y) => x - y);
    const frag = document.createDocumentFragment();
    let active = [];
    let next = 0;
    for (let i = 0; i < bounds.length - 1; i++) {
      const a0 = bounds[i];
      const a1 = bounds[i + 1];
      active = active.filter((a) => a.e > a0);
      while (next < spans.length && spans[next].s <= a0) {
        if (spans[next].e > a0) active.push(spans[next]);
        next++;
      }
      const chunk = this.text.slice(a0, a1);
      if (active.length === 0) {
        frag.appendChild(document.createTextNode(chunk));
        continue;
      }
      frag.appendChild(segment(active, a0, chunk));
    }
    div.replaceChildren(frag);
  }
}

function segment(active, from, chunk) {
  // Innermost = latest start, then shortest: its tag decides the underline style.
  let inner = active[0];
  let outer = active[0];
  for (const a of active) {
    if (a.s > inner.s || (a.s === inner.s && a.e < inner.e)) inner = a;
    if (a.s < outer.s || (a.s === outer.s && a.e > outer.e)) outer = a;
  }
  const mark = document.createElement("mark");
  let cls = `hl hl-${inner.tag} depth-${Math.min(active.length, MAX_DEPTH)}`;
  if (active.length > 1) cls += ` ov-${outer.tag}`;
  if (!inner.mine) cls += " other";
  if (active.some((a) => a.pending)) cls += " pending";
  if (active.some((a) => a.fuzzy)) cls += " fuzzy";
  mark.className = cls;
  mark.dataset.ids = active.map((a) => a.id).join(" ");
  const starting = active.filter((a) => a.s === from);
  if (starting.length) {
    // One tab stop per annotation start: focus shows the tooltip, Enter opens the editor.
    mark.tabIndex = 0;
    mark.dataset.starts = starting.map((a) => a.id).join(" ");
  }
  mark.appendChild(document.createTextNode(chunk));
  return mark;
}
