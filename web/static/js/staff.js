/* Staff forms never lose what was typed.
 *
 * 1. A form marked data-warn-unsaved asks before the page is left with changes not saved.
 * 2. A form marked data-draft-key keeps what is typed in this browser's localStorage, with the
 *    version of the record it was typed over (data-draft-base). Opened again over the same
 *    version (the session had ended, the form had expired, the tab was closed), the typed
 *    values come back, with a notice; once the record has changed (saved), the draft is dropped.
 */
(function () {
  "use strict";

  function values(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "button") { return; }
      if (el.type === "checkbox" || el.type === "radio") { out[el.name + "=" + el.value] = el.checked; }
      else { out[el.name] = el.value; }
    });
    return out;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function fill(form, saved) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        var key = el.name + "=" + el.value;
        if (key in saved) { el.checked = saved[key]; }
      } else if (el.name in saved) { el.value = saved[el.name]; }
    });
  }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function drafts(form, store) {
    var key = "ttdn-draft:" + form.dataset.draftKey;
    var base = form.dataset.draftBase || "";
    var raw = store.getItem(key);
    var draft = null;
    try { draft = raw ? JSON.parse(raw) : null; } catch (e) { draft = null; }
    if (draft && draft.base === base && !same(draft.values, values(form))) {
      fill(form, draft.values);
      var notice = document.querySelector("[data-draft-notice]");
      if (notice) {
        notice.hidden = false;
        var discard = notice.querySelector("button");
        if (discard) {
          discard.addEventListener("click", function () {
            store.removeItem(key);
            window.location.reload();
          });
        }
      }
    } else if (draft) {
      store.removeItem(key);
    }
    function keep() { store.setItem(key, JSON.stringify({ base: base, values: values(form) })); }
    // Submit too: a post refused because the session ended must find what it carried kept.
    ["input", "change", "submit"].forEach(function (type) { form.addEventListener(type, keep); });
  }

  function warnUnsaved(form) {
    var initial = values(form);
    var submitting = false;
    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || same(initial, values(form))) { return; }
      event.preventDefault();
      event.returnValue = "";
    });
  }

  var store = storage();
  document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
    if (store) { drafts(form, store); }
  });
  document.querySelectorAll("form[data-warn-unsaved]").forEach(warnUnsaved);
})();
