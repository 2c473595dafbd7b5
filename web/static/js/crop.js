/* Draw an exhibition entry's crop on the whole page: press, drag, release. The crop field
   ("x0,y0,x1,y1" as fractions) follows the drawing and stays editable; typing in it moves the
   rectangle. Without script the field alone works. */
(function () {
  "use strict";

  function clamp(v) { return Math.min(1, Math.max(0, v)); }
  function round(v) { return Math.round(v * 1000) / 1000; }

  function parse(text) {
    var parts = (text || "").split(/[,;]/).map(function (v) { return parseFloat(v); });
    var ok = parts.length === 4 && parts.every(isFinite) && parts[0] < parts[2] && parts[1] < parts[3];
    return ok ? parts : null;
  }

  function show(rect, crop) {
    var c = crop || [0, 0, 0, 0];
    rect.setAttribute("x", c[0]);
    rect.setAttribute("y", c[1]);
    rect.setAttribute("width", c[2] - c[0]);
    rect.setAttribute("height", c[3] - c[1]);
  }

  function setUp(box) {
    var input = document.getElementById(box.dataset.cropFor);
    var rect = box.querySelector("rect");
    if (!input || !rect) { return; }
    var start = null;
    show(rect, parse(input.value));

    function at(event) {
      var r = box.getBoundingClientRect();
      return [clamp((event.clientX - r.left) / r.width), clamp((event.clientY - r.top) / r.height)];
    }
    function crop(a, b) {
      return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])]
        .map(round);
    }
    box.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      start = at(event);
      box.setPointerCapture(event.pointerId);
    });
    box.addEventListener("pointermove", function (event) {
      if (start) { show(rect, crop(start, at(event))); }
    });
    box.addEventListener("pointerup", function (event) {
      if (!start) { return; }
      var c = crop(start, at(event));
      start = null;
      if (c[2] - c[0] < 0.01 || c[3] - c[1] < 0.01) { show(rect, parse(input.value)); return; }
      input.value = c.join(",");
      input.dispatchEvent(new Event("input", { bubbles: true }));
      show(rect, c);
    });
    input.addEventListener("input", function () { show(rect, parse(input.value)); });
    var clear = document.querySelector("[data-crop-clear='" + input.id + "']");
    if (clear) {
      clear.addEventListener("click", function () {
        input.value = "";
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
    }
  }

  document.querySelectorAll(".crop-draw[data-crop-for]").forEach(setUp);
})();
