/* Exhibition pages: a zoom viewer per map (started when it scrolls into view), with the
   curator's crop as its opening view; a confirmation before removing an item. */
(function () {
  "use strict";

  function cropOf(element) {
    var parts = (element.dataset.crop || "").split(",").map(Number);
    var ok = parts.length === 4 && parts.every(function (v) { return isFinite(v); });
    return ok ? parts : null;
  }

  // OpenSeadragon gives each button the title of its own (English) strings: give it the
  // page's, which the template wrote in the interface language.
  var TIPS = { "-in": "Tooltips.ZoomIn", "-out": "Tooltips.ZoomOut", "-home": "Tooltips.Home",
               "-full": "Tooltips.FullPage" };

  function translate(id, element) {
    Object.keys(TIPS).forEach(function (suffix) {
      var button = document.getElementById(id + suffix);
      if (button && button.title) { window.OpenSeadragon.setString(TIPS[suffix], button.title); }
    });
    if (element.dataset.failed) {
      window.OpenSeadragon.setString("Errors.OpenFailed", element.dataset.failed);
    }
  }

  function start(element) {
    if (element.dataset.started || typeof window.OpenSeadragon !== "function") { return; }
    element.dataset.started = "1";
    element.classList.add("active");
    var id = element.id;
    translate(id, element);
    var viewer = window.OpenSeadragon({
      element: element,
      tileSources: { type: "image", url: element.dataset.src, buildPyramid: true },
      showNavigationControl: true,
      zoomInButton: id + "-in",
      zoomOutButton: id + "-out",
      homeButton: id + "-home",
      fullPageButton: id + "-full",
      showNavigator: true,
      navigatorPosition: "BOTTOM_RIGHT",
      visibilityRatio: 0.8,
      maxZoomPixelRatio: 2,
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true, scrollToZoom: true },
      loadTilesWithAjax: false
    });
    var crop = cropOf(element);
    if (crop) {
      viewer.addHandler("open", function () {
        var size = viewer.world.getItemAt(0).getContentSize();
        var box = viewer.viewport.imageToViewportRectangle(
          crop[0] * size.x, crop[1] * size.y, (crop[2] - crop[0]) * size.x, (crop[3] - crop[1]) * size.y);
        viewer.viewport.fitBounds(box, true);
      });
    }
    element.setAttribute("aria-label", element.dataset.label || "");
  }

  function viewers() {
    var elements = Array.prototype.slice.call(document.querySelectorAll(".exhibit-zoom[data-src]"));
    if (!elements.length) { return; }
    if (!("IntersectionObserver" in window)) { elements.forEach(start); return; }
    // A page of many maps loads each large image only when the visitor reaches it.
    var observer = new IntersectionObserver(function (seen) {
      seen.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); start(entry.target); }
      });
    }, { rootMargin: "200px" });
    elements.forEach(function (element) { observer.observe(element); });
  }

  function confirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    viewers();
    confirmations();
  });
})();
