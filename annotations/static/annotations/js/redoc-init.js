// Loaded before ReDoc's bundle. ReDoc always renders a logo image from cdn.redoc.ly in its
// menu; the docs must not contact third parties (and the Content-Security-Policy would
// refuse it, logging a violation). That one image source is emptied, whichever way it is set,
// so ReDoc's own onError handler removes the image. Nothing else is touched.
(() => {
  "use strict";
  const CDN_LOGO = /^https:\/\/cdn\.redoc\.ly\//;
  const blocked = (el, name, value) =>
    el instanceof HTMLImageElement && String(name).toLowerCase() === "src" && CDN_LOGO.test(String(value));

  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    return setAttribute.call(this, name, blocked(this, name, value) ? "" : value);
  };
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    ...src,
    set(value) {
      src.set.call(this, blocked(this, "src", value) ? "" : value);
    },
  });
})();
