// Fix an anchor: turn the selection in #article-text into code-point offsets of the article
// text (the server counts Unicode code points; the DOM counts UTF-16 units).
const box = document.getElementById("article-text");
const text = JSON.parse(document.getElementById("article-text-data").textContent);
const codePoints = Array.from(text);
const fields = ["start", "end", "quote"].map((n) => document.getElementById(`fix-${n}`));

function offsetOf(node, offset) {
  const range = document.createRange();
  range.setStart(box, 0);
  range.setEnd(node, offset);
  return Array.from(range.toString()).length;
}

document.addEventListener("selectionchange", () => {
  const sel = document.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
  const range = sel.getRangeAt(0);
  if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return;
  const start = offsetOf(range.startContainer, range.startOffset);
  const end = offsetOf(range.endContainer, range.endOffset);
  if (end <= start) return;
  const [s, e, q] = fields;
  s.value = start;
  e.value = end;
  q.value = codePoints.slice(start, end).join("");
});
