/* Item pages: a spinner on each page image until it has loaded (the first request renders it),
   a hatched box if it fails. The box already has its final size (pages.css): nothing moves. */
(function () {
  "use strict";
  function watch(link) {
    var img = link.querySelector("img");
    if (!img || (img.complete && img.naturalWidth > 0)) { return; }
    link.classList.add("loading");
    img.addEventListener("load", function () { link.classList.remove("loading"); });
    img.addEventListener("error", function () {
      link.classList.remove("loading");
      link.classList.add("failed");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".page-image"), watch);
  });
})();
