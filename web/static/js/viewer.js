/* The zoom viewer: OpenSeadragon on one server-rendered page image, with the page's own buttons. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("zoom-viewer");
    if (!element || typeof window.OpenSeadragon !== "function") { return; }
    element.classList.add("active");
    window.OpenSeadragon({
      element: element,
      tileSources: { type: "image", url: element.dataset.src, buildPyramid: true },
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
      loadTilesWithAjax: false
    });
    element.setAttribute("aria-label", element.dataset.label || "");
  });
})();
