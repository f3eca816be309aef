// API tokens page: copy a new key to the clipboard (it is shown only once).
const key = document.getElementById("new-key");
const button = document.getElementById("copy-key");
const status = document.getElementById("copy-status");

if (key) key.addEventListener("focus", () => key.select());

async function copy() {
  try {
    await navigator.clipboard.writeText(key.value);
  } catch {
    // No clipboard API (an insecure origin, or permission refused): the older way.
    key.focus();
    key.select();
    if (!document.execCommand("copy")) {
      status.textContent = "Could not copy: select the key and press Ctrl+C.";
      return;
    }
  }
  status.textContent = "Copied to the clipboard.";
  button.textContent = "Copied";
}

if (key && button) {
  button.hidden = false;
  button.addEventListener("click", copy);
}
