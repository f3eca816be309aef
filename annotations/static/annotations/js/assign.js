// Assignment page: "select all on this page" and a seed field only for the random strategy.
const all = document.getElementById("select-all");
const picks = () => [...document.querySelectorAll("#assign-table input.pick")];
all?.addEventListener("change", () => picks().forEach((box) => { box.checked = all.checked; }));
document.getElementById("assign-table")?.addEventListener("change", (event) => {
  if (event.target.classList.contains("pick")) all.checked = picks().every((box) => box.checked);
});
const strategy = document.getElementById("strategy");
const seed = document.getElementById("seed");
const syncSeed = () => { seed.disabled = strategy.value !== "random"; };
strategy?.addEventListener("change", syncSeed);
if (strategy && seed) syncSeed();
