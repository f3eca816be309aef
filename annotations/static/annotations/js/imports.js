// Live progress of import jobs: polls each job's small JSON endpoint until it finishes.
// Rows on the import list show bar + counts; the job page also re-renders its item results.

const POLL_MS = 1000;

function setField(root, name, value) {
  for (const el of root.querySelectorAll(`[data-field="${name}"]`)) {
    if (el.tagName === "PROGRESS") {
      el.value = value;
      el.textContent = `${value}%`;
    } else {
      el.textContent = value;
    }
  }
}

function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  return a;
}

function renderItems(root, items) {
  const body = root.querySelector("[data-items]");
  if (!body) return;
  const articleUrl = (id) => root.dataset.articleUrl.replace("/0/", `/${id}/`);
  const rows = items.map((item, i) => {
    const tr = document.createElement("tr");
    tr.dataset.status = item.status;
    const result = document.createElement("td");
    if (item.status === "imported") {
      result.append("imported: ", link(articleUrl(item.article_id), `article ${item.article_id}`));
      if (item.duplicate_of_id) {
        result.append(" (near duplicate of ",
          link(articleUrl(item.duplicate_of_id), `article ${item.duplicate_of_id}`),
          `, similarity ${Number(item.similarity).toFixed(2)})`);
      }
    } else if (item.status === "duplicate") {
      result.append("duplicate of ", link(articleUrl(item.duplicate_of_id), `article ${item.duplicate_of_id}`));
    } else if (item.status === "failed") {
      const span = document.createElement("span");
      span.className = "error";
      span.textContent = `failed: ${item.error}`;
      result.append(span);
    } else {
      result.textContent = item.status;
    }
    if (item.status !== "failed" && item.error) {
      // What an imported item left out (e.g. spans with an unknown label), as plain text.
      const note = document.createElement("div");
      note.className = "muted";
      note.textContent = item.error;
      result.append(note);
    }
    const n = document.createElement("td");
    n.textContent = String(item_offset(root) + i + 1);
    const name = document.createElement("td");
    name.textContent = item.name;
    tr.append(n, name, result);
    return tr;
  });
  body.replaceChildren(...rows);
}

function item_offset(root) {
  return Number(root.dataset.itemsOffset || 0);
}

async function poll(root) {
  let data;
  try {
    const response = await fetch(root.dataset.progressUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    data = await response.json();
  } catch (err) {
    setTimeout(() => poll(root), POLL_MS * 3); // server restarting: keep trying, more slowly
    return;
  }
  for (const key of ["status_display", "percent", "seen", "total", "imported", "duplicates", "failed"]) {
    setField(root, key, data[key]);
  }
  const warning = root.querySelector('[data-field="no_worker_message"]');
  if (warning) {
    warning.hidden = !data.no_worker_warning;
    warning.textContent = data.no_worker_message;
  }
  renderItems(root, data.items);
  root.dataset.finished = data.finished ? "1" : "0";
  if (!data.finished) setTimeout(() => poll(root), POLL_MS);
}

for (const root of document.querySelectorAll("[data-progress-url]")) {
  if (root.dataset.finished !== "1") poll(root);
}
