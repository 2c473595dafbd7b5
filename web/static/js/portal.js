/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  function autosubmit() {
    // Changing the sort order re-runs the search at once.
    document.querySelectorAll("select.autosubmit").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.form) { select.form.submit(); }
      });
    });
  }

  function autocomplete() {
    // Completions come from /api/suggest, which only ever offers what this visitor may see.
    var box = document.querySelector("input[data-suggest]");
    var list = document.getElementById("q-suggestions");
    if (!box || !list || !window.fetch) { return; }
    var timer = null;
    var asked = "";
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var text = box.value.trim();
        if (text.length < 2 || text === asked) { return; }
        asked = text;
        fetch(box.dataset.suggest + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { terms: [], titles: [] }; })
          .then(function (found) {
            if (asked !== text) { return; }
            list.replaceChildren();
            found.terms.concat(found.titles.map(function (t) { return t.title; }))
              .forEach(function (value) {
                var option = document.createElement("option");
                option.value = value;  // set as a property: text, never markup
                list.appendChild(option);
              });
          })
          .catch(function () { /* no completions is fine */ });
      }, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    autosubmit();
    autocomplete();
  });
})();
