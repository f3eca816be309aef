// Offsets: the server counts Unicode code points of the article text, the DOM counts UTF-16
// code units. Everything that crosses the boundary goes through an OffsetMap.

function isHigh(c) { return c >= 0xd800 && c <= 0xdbff; }
function isLow(c) { return c >= 0xdc00 && c <= 0xdfff; }

export class OffsetMap {
  constructor(text) {
    this.text = text;
    this.u16Length = text.length;
    let cps = 0;
    let pairs = false;
    for (let i = 0; i < text.length; i++) {
      if (isHigh(text.charCodeAt(i)) && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) {
        pairs = true;
        i++;
      }
      cps++;
    }
    this.cpLength = cps;
    this.identity = !pairs; // pure BMP text: both units agree, no tables needed
    if (!this.identity) {
      // u16ToCp[i] = code points before UTF-16 index i; cpToU16[k] = UTF-16 index of code point k.
      this.u16ToCp = new Int32Array(text.length + 1);
      this.cpToU16 = new Int32Array(cps + 1);
      let k = 0;
      for (let i = 0; i < text.length; i++) {
        this.u16ToCp[i] = k;
        this.cpToU16[k] = i;
        if (isHigh(text.charCodeAt(i)) && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) {
          this.u16ToCp[i + 1] = k; // the middle of a pair belongs to the character it is in
          i++;
        }
        k++;
      }
      this.u16ToCp[text.length] = k;
      this.cpToU16[k] = text.length;
    }
  }

  toCodePoint(u16) {
    const i = Math.max(0, Math.min(this.u16Length, u16));
    return this.identity ? i : this.u16ToCp[i];
  }

  toUtf16(cp) {
    const k = Math.max(0, Math.min(this.cpLength, cp));
    return this.identity ? k : this.cpToU16[k];
  }

  // Never leave a UTF-16 index inside a surrogate pair: start rounds down, end rounds up.
  snapStart(u16) { return this.toUtf16(this.toCodePoint(u16)); }
  snapEnd(u16) {
    const cp = this.toCodePoint(u16);
    const back = this.toUtf16(cp);
    return back < u16 ? this.toUtf16(cp + 1) : back;
  }
}

const EDGE_SPACE = /\s/u;

// UTF-16 [start, end) inside `container` for a DOM range, clamped to the container and trimmed
// of white space at both edges (a double-click or a drag often takes a trailing space).
export function rangeToUtf16(container, range, map) {
  const whole = document.createRange();
  whole.selectNodeContents(container);
  let r = range;
  if (r.compareBoundaryPoints(Range.START_TO_START, whole) < 0) {
    r = r.cloneRange();
    r.setStart(whole.startContainer, whole.startOffset);
  }
  if (r.compareBoundaryPoints(Range.END_TO_END, whole) > 0) {
    r = r.cloneRange();
    r.setEnd(whole.endContainer, whole.endOffset);
  }
  const before = document.createRange();
  before.setStart(container, 0);
  before.setEnd(r.startContainer, r.startOffset);
  let start = before.toString().length;
  let end = start + r.toString().length;
  const text = map.text;
  while (start < end && EDGE_SPACE.test(text[start])) start++;
  while (end > start && EDGE_SPACE.test(text[end - 1])) end--;
  start = map.snapStart(start);
  end = map.snapEnd(end);
  if (end <= start) return null;
  return { start, end };
}

// A DOM position (node, offset) for a UTF-16 index inside `container`.
export function positionAt(container, u16) {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  let seen = 0;
  let node = walker.nextNode();
  let last = null;
  while (node) {
    const len = node.data.length;
    if (u16 <= seen + len) return { node, offset: u16 - seen };
    seen += len;
    last = node;
    node = walker.nextNode();
  }
  return last ? { node: last, offset: last.data.length } : { node: container, offset: 0 };
}

export function rangeFromUtf16(container, start, end) {
  const a = positionAt(container, start);
  const b = positionAt(container, end);
  const range = document.createRange();
  range.setStart(a.node, a.offset);
  range.setEnd(b.node, b.offset);
  return range;
}
