// The claims panel on the annotate page: accept (y), adjust (e) or reject (n) a suggestion.
// Accepting creates the reviewer's own annotation through the API; the page then reloads so
// the workspace shows it like any other annotation.

const panel = document.getElementById("claims-panel");

function csrf() {
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
    body: JSON.stringify(body || {}),
  });
  if (!response.ok) {
    let detail = `Error ${response.status}`;
    try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
    throw new Error(detail);
  }
  return response.json();
}

function showError(item, message) {
  let p = item.querySelector(".sugg-error");
  if (!p) {
    p = document.createElement("p");
    p.className = "pop-error sugg-error";
    p.setAttribute("role", "alert");
    item.appendChild(p);
  }
  p.textContent = message;
}

async function accept(item, changes) {
  try {
    await post(`/api/claims/suggestions/${item.dataset.id}/accept/`, changes || {});
    window.location.reload();
  } catch (err) {
    showError(item, `Not accepted: ${err.message}`);
  }
}

async function reject(item) {
  try {
    await post(`/api/claims/suggestions/${item.dataset.id}/reject/`);
    item.classList.remove("sugg-open");
    item.classList.add("sugg-rejected");
    const actions = item.querySelector(".sugg-actions");
    if (actions) actions.replaceWith(Object.assign(document.createElement("span"), { className: "sugg-state", textContent: "rejected" }));
    const next = item.nextElementSibling;
    if (next) next.focus();
  } catch (err) {
    showError(item, `Not rejected: ${err.message}`);
  }
}

const form = document.getElementById("sugg-adjust-form");
let adjusting = null;

function adjust(item) {
  if (!form) return;
  adjusting = item;
  form.quote.value = item.querySelector(".sugg-quote").textContent;
  form.tag.value = item.dataset.tag;
  form.claimant.value = item.dataset.claimant || "";
  item.after(form);
  form.hidden = false;
  form.quote.focus();
}

if (form) {
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!adjusting) return;
    accept(adjusting, { quote: form.quote.value, tag: form.tag.value, claimant: form.claimant.value });
  });
  document.getElementById("sugg-adjust-cancel").addEventListener("click", () => {
    form.hidden = true;
    if (adjusting) adjusting.focus();
  });
}

function open(item) {
  return item && item.classList.contains("sugg-open");
}

if (panel) {
  panel.addEventListener("click", (e) => {
    const item = e.target.closest(".sugg");
    if (!open(item)) return;
    if (e.target.closest(".sugg-accept")) accept(item);
    else if (e.target.closest(".sugg-reject")) reject(item);
    else if (e.target.closest(".sugg-adjust")) adjust(item);
  });
  panel.addEventListener("keydown", (e) => {
    const item = e.target.closest(".sugg");
    if (!item || e.target !== item || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "ArrowDown" && item.nextElementSibling) { e.preventDefault(); item.nextElementSibling.focus(); return; }
    if (e.key === "ArrowUp" && item.previousElementSibling) { e.preventDefault(); item.previousElementSibling.focus(); return; }
    if (!open(item)) return;
    if (e.key === "y") { e.preventDefault(); e.stopPropagation(); accept(item); }
    else if (e.key === "n") { e.preventDefault(); e.stopPropagation(); reject(item); }
    else if (e.key === "e") { e.preventDefault(); e.stopPropagation(); adjust(item); }
  });
}
