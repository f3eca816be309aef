// Starts ReDoc on the schema URL given by the page (no inline script: strict CSP).
(() => {
  "use strict";
  const container = document.getElementById("redoc-container");
  window.Redoc.init(container.dataset.schemaUrl, {}, container);
})();
