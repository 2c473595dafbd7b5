/* The item page's film or recording: "#t=SECONDS" (a chapter, a subtitle page's time) and
   "#page-N" (a search hit's page) open the player at that time. No inline script (CSP). */
(function () {
  "use strict";
  var RETRY_MS = 15000; // the access copy may still be being made (the server says 503)
  var MAX_RETRIES = 40;

  function secondsFor(hash) {
    var t = /^#t=(\d+(?:\.\d+)?)/.exec(hash);
    if (t) { return parseFloat(t[1]); }
    var page = /^#page-(\d+)$/.exec(hash);
    if (page) {
      var article = document.getElementById("page-" + page[1]);
      if (article && article.dataset.start) { return parseFloat(article.dataset.start); }
    }
    return null;
  }

  function seek(player, seconds) {
    function go() { player.currentTime = seconds; }
    if (player.readyState >= 1) { go(); } else {
      player.addEventListener("loadedmetadata", go, { once: true });
    }
  }

  function retryWhenMissing(player) {
    var source = player.querySelector("source");
    var tries = 0;
    if (!source) { return; }
    source.addEventListener("error", function () {
      if (tries++ >= MAX_RETRIES) { return; }
      window.setTimeout(function () { player.load(); }, RETRY_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var player = document.getElementById("media-player");
    if (!player) { return; }
    retryWhenMissing(player);
    function fromHash() {
      var seconds = secondsFor(window.location.hash);
      if (seconds === null) { return; }
      seek(player, seconds);
      if (/^#t=/.test(window.location.hash)) { player.scrollIntoView({ block: "center" }); }
    }
    window.addEventListener("hashchange", fromHash);
    fromHash();
  });
})();
