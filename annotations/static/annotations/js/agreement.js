// Agreement dashboard: while the corpus report is behind the submissions ("Computing…"), ask
// the server every few seconds and reload once the worker has stored the new report.
const note = document.getElementById("agreement-computing");
const POLL_MS = 3000;
const SLOW_MS = 60000;

async function poll(started) {
  try {
    const response = await fetch(note.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (response.ok) {
      const data = await response.json();
      if (!data.computing || String(data.report_id ?? "") !== note.dataset.report) {
        window.location.reload();
        return;
      }
    }
  } catch {
    // The server is restarting: keep asking.
  }
  if (Date.now() - started > SLOW_MS) note.querySelector(".computing-slow").hidden = false;
  setTimeout(() => poll(started), POLL_MS);
}

if (note) setTimeout(() => poll(Date.now()), POLL_MS);
