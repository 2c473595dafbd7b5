/* The zoom viewer: OpenSeadragon on the page's IIIF info.json (deep zoom with 256-px tiles),
   the page's own buttons, tooltips in the interface language (from data-tip-* attributes: the
   Content-Security-Policy allows no inline script) and a loading indicator. */
(function () {
  "use strict";
  var TIPS = {
    tipZoomIn: "Tooltips.ZoomIn", tipZoomOut: "Tooltips.ZoomOut", tipHome: "Tooltips.Home",
    tipFullPage: "Tooltips.FullPage", tipNext: "Tooltips.NextPage",
    tipPrevious: "Tooltips.PreviousPage", tipOpenFailed: "Errors.OpenFailed"
  };

  function translate(OSD, data) {
    Object.keys(TIPS).forEach(function (key) {
      if (data[key]) { OSD.setString(TIPS[key], data[key]); }
    });
  }

  function showLoading(indicator, loading) {
    if (indicator) { indicator.hidden = !loading; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("zoom-viewer");
    var indicator = document.getElementById("zoom-loading");
    var OSD = window.OpenSeadragon;
    if (!element || typeof OSD !== "function") { return; }
    translate(OSD, element.dataset);
    element.classList.add("active");
    showLoading(indicator, true);
    var viewer = OSD({
      element: element,
      tileSources: element.dataset.info,
      showNavigationControl: true,
      zoomInButton: "zoom-in",
      zoomOutButton: "zoom-out",
      homeButton: "zoom-home",
      fullPageButton: "zoom-full",
      showNavigator: true,
      navigatorPosition: "BOTTOM_RIGHT",
      visibilityRatio: 0.8,
      maxZoomPixelRatio: 2,
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
      crossOriginPolicy: false,
      loadTilesWithAjax: false
    });
    viewer.addHandler("open", function () {
      var image = viewer.world.getItemAt(0);
      if (!image) { return; }
      image.addHandler("fully-loaded-change", function (event) {
        showLoading(indicator, !event.fullyLoaded);
      });
    });
    viewer.addHandler("open-failed", function () {
      if (indicator) {
        indicator.textContent = indicator.dataset.failed || "";
        indicator.classList.add("failed");  // no spinner: nothing more is coming
        indicator.hidden = false;
      }
    });
    window.ttdnViewer = viewer;  // for the browser tests and the console
    element.setAttribute("aria-label", element.dataset.label || "");
  });
})();
