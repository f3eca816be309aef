"""Steps a reviewer takes, as real browser input."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from annotations.models import Annotation


def login(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def open_article(page: Any, live_server: Any, article: Any) -> None:
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.wait_for_function("window.__workspaceReady > 0")


# Client rectangles of the first and last character of the n-th occurrence of `phrase` in the
# article's text (located in UTF-16, as the DOM counts).
_RECTS = """([phrase, nth]) => {
  const box = document.getElementById('article-text');
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  const nodes = []; let all = '';
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    nodes.push([n, all.length]); all += n.data;
  }
  let at = -1;
  for (let i = 0; i <= nth; i++) at = all.indexOf(phrase, at + 1);
  if (at < 0) throw new Error('phrase not in text: ' + phrase);
  const pos = (u) => { for (const [n, s] of nodes) if (u < s + n.data.length) return [n, u - s]; };
  const rect = (u, len) => { const [n, o] = pos(u); const r = document.createRange();
    r.setStart(n, o); r.setEnd(n, o + len);
    const rs = r.getClientRects(); return rs[rs.length - 1]; };
  const last = /[\\udc00-\\udfff]/.test(phrase[phrase.length - 1]) ? 2 : 1;
  const first = phrase.codePointAt(0) > 0xffff ? 2 : 1;
  const a = rect(at, first); const b = rect(at + phrase.length - last, last);
  return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
}"""


def select_with_mouse(page: Any, phrase: str, nth: int = 0) -> None:
    """Drag over `phrase` with real mouse events (down, moves, up)."""
    r = page.evaluate(_RECTS, [phrase, nth])
    height = page.viewport_size["height"]
    if r["y1"] < 80 or r["y2"] > height - 40:
        # Scroll the phrase into view so the coordinates are on screen.
        page.evaluate("(dy) => window.scrollBy(0, dy)", r["y1"] - height / 3)
        r = page.evaluate(_RECTS, [phrase, nth])
    page.mouse.move(r["x1"], r["y1"])
    page.mouse.down()
    page.mouse.move((r["x1"] + r["x2"]) / 2, (r["y1"] + r["y2"]) / 2, steps=4)
    page.mouse.move(r["x2"], r["y2"], steps=4)
    page.mouse.up()
    page.wait_for_selector("#popover:not([hidden])")


def saved_count(page: Any) -> int:
    return page.evaluate("(window.__lastSaved || {seq: 0}).seq")


def wait_saved(page: Any, before: int) -> None:
    page.wait_for_function(f"(window.__lastSaved || {{seq: 0}}).seq > {before}")
    page.wait_for_selector("#save-state[data-state=saved]")


def highlight_text(page: Any, annotation_id: int) -> str:
    """The text of every highlight segment carrying this annotation, in order."""
    return page.evaluate(
        """(id) => [...document.querySelectorAll('#article-text mark.hl')]
             .filter(m => m.dataset.ids.split(' ').includes(String(id)))
             .map(m => m.textContent).join('')""",
        annotation_id,
    )


def only_annotation(username: str) -> Annotation:
    user = get_user_model().objects.get(username=username)
    return Annotation.objects.get(reviewer=user, deleted_at__isnull=True)
