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

// A doubtful encoding guess is never stored silently: the row says so and links to the form.
function encodingWarning(href, encoding) {
  const span = document.createElement("span");
  span.className = "encoding-doubtful";
  span.append(`· encoding guessed as ${encoding}, doubtful: `,
    link(`${href}#encoding`, "check and choose the encoding"));
  return span;
}

// "Revise article N with this text": the near duplicate becomes a revision of N.
function reviseForm(root, item) {
  const form = document.createElement("form");
  form.method = "post";
  form.className = "inline revise-form";
  form.action = root.dataset.reviseUrl.replace(/\/0\/revise$/, `/${item.id}/revise`);
  const csrf = document.createElement("input");
  csrf.type = "hidden";
  csrf.name = "csrfmiddlewaretoken";
  csrf.value = root.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  const button = document.createElement("button");
  button.type = "submit";
  button.className = "secondary small";
  button.textContent = `Revise article ${item.duplicate_of_id} with this text`;
  form.append(csrf, button);
  return form;
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
          `, similarity ${Number(item.similarity).toFixed(2)}) `, reviseForm(root, item));
      }
      if (item.encoding_doubtful) result.append(" ", encodingWarning(articleUrl(item.article_id), item.encoding));
    } else if (item.status === "revised") {
      result.append("new revision of ", link(articleUrl(item.article_id), `article ${item.article_id}`));
    } else if (item.status === "duplicate") {
      result.append("duplicate of ", link(articleUrl(item.duplicate_of_id), `article ${item.duplicate_of_id}`));
    } else if (item.status === "failed") {
      const span = document.createElement("span");
      span.className = "error";
      span.textContent = `failed: ${item.error}`;
      result.append(span);
    } else {
      result.textContent = (item.status_display || item.status).toLowerCase();
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
  for (const key of ["status_display", "percent", "seen", "total", "imported", "revised", "duplicates", "failed"]) {
    setField(root, key, data[key]);
  }
  // Failed and partly failed jobs are marked (red / striped bar), not left blue.
  for (const el of root.querySelectorAll("[data-status]:not(tr)")) el.dataset.status = data.status;
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
