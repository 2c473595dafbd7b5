/* Exhibition clips: a film or recording with data-clip-start/-end plays only that range.
   The "#t=start,end" media fragment starts it there and stops it at the end in most browsers;
   this keeps a replay, a seek or a browser without fragments inside the range too.
   No inline script (CSP). */
(function () {
  "use strict";
  var RETRY_MS = 15000; // the access copy may still be being made (the server says 503)
  var MAX_RETRIES = 40;

  function keepInRange(player) {
    var start = parseFloat(player.dataset.clipStart);
    var end = parseFloat(player.dataset.clipEnd);
    if (isNaN(start) || isNaN(end) || end <= start) { return; }
    function toStart() {
      if (player.currentTime < start - 0.25 || player.currentTime >= end) {
        player.currentTime = start;
      }
    }
    if (player.readyState >= 1) { toStart(); } else {
      player.addEventListener("loadedmetadata", toStart, { once: true });
    }
    player.addEventListener("play", function () {
      if (player.currentTime >= end - 0.05 || player.currentTime < start - 0.25) {
        player.currentTime = start; // a replay plays the clip again, not the rest of the film
      }
    });
    player.addEventListener("timeupdate", function () {
      if (player.currentTime >= end) {
        player.pause();
        player.currentTime = end;
      }
    });
    player.addEventListener("seeked", function () {
      if (player.currentTime < start - 0.25) { player.currentTime = start; }
      if (player.currentTime > end) { player.currentTime = end; }
    });
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
    var players = document.querySelectorAll(".exhibit-clip, .entry-clip-player");
    Array.prototype.forEach.call(players, function (player) {
      retryWhenMissing(player);
      keepInRange(player);
    });
  });
})();
