// Highlights: the article text split into segments at every span boundary, in one pass.
// Each covered segment is one <mark> carrying the ids of all annotations over it, so nested
// and overlapping spans never need nested elements (and never move a character).

const MAX_DEPTH = 3;

// spans: [{id, s, e, tag, mine, pending}] with s/e in UTF-16 units of `text`.
// Returns {firstMark: Map(id -> element), segments: number}.
export function renderHighlights(container, text, spans) {
  const byStart = spans.filter((a) => a.e > a.s).sort((a, b) => a.s - b.s || b.e - a.e);
  const cuts = new Set([0, text.length]);
  for (const a of byStart) { cuts.add(a.s); cuts.add(a.e); }
  const bounds = Array.from(cuts).sort((x, y) => x - y);

  const frag = document.createDocumentFragment();
  const firstMark = new Map();
  let active = [];
  let next = 0; // index into byStart
  let segments = 0;
  for (let i = 0; i < bounds.length - 1; i++) {
    const from = bounds[i];
    const to = bounds[i + 1];
    if (to <= from) continue;
    active = active.filter((a) => a.e > from);
    while (next < byStart.length && byStart[next].s <= from) {
      if (byStart[next].e > from) active.push(byStart[next]);
      next++;
    }
    const chunk = text.slice(from, to);
    if (active.length === 0) {
      frag.appendChild(document.createTextNode(chunk));
      continue;
    }
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
    mark.className = cls;
    mark.dataset.ids = active.map((a) => a.id).join(" ");
    const starting = active.filter((a) => a.s === from);
    if (starting.length) {
      // One tab stop per annotation start: focus shows the tooltip, Enter opens the editor.
      mark.tabIndex = 0;
      mark.dataset.starts = starting.map((a) => a.id).join(" ");
      for (const a of starting) if (!firstMark.has(a.id)) firstMark.set(a.id, mark);
    }
    mark.appendChild(document.createTextNode(chunk));
    frag.appendChild(mark);
    segments++;
  }
  container.replaceChildren(frag);
  return { firstMark, segments };
}
