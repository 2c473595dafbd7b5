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

  function refinePanel() {
    // The filters' <details> is shown open on a desktop by CSS (::details-content); a browser
    // without that selector gets it opened here, on a wide window only (a phone keeps the button).
    var panel = document.querySelector("details.refine");
    if (!panel || !window.CSS || CSS.supports("selector(::details-content)")) { return; }
    if (window.matchMedia("(min-width: 801px)").matches) { panel.open = true; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    autosubmit();
    autocomplete();
    refinePanel();
  });
})();
