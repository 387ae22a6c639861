// A live count of words under a text box that needs a minimum (data-min-words). Only a hint:
// the server counts again and its rule decides. Words as a reader sees them: a link's address
// and an image are not words, Markdown's marks neither.
(function () {
  "use strict";
  var WORD = /[\p{L}\p{N}_]+(?:['\u2019-][\p{L}\p{N}_]+)*/gu;

  function words(text) {
    var shown = text
      .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/<(https?:[^>]*)>/g, "$1")
      .replace(/[*_~`#>|]+/g, " ");
    var found = shown.match(WORD);
    return found ? found.length : 0;
  }

  function attach(box) {
    if (box.dataset.counted) { return; }
    box.dataset.counted = "yes";
    var note = document.getElementById(box.dataset.countInto);
    if (!note) { return; }
    var needed = parseInt(box.dataset.minWords, 10);
    var show = function () {
      var n = words(box.value);
      note.textContent = note.dataset.template.replace("{n}", n).replace("{min}", needed);
      note.classList.toggle("enough", n >= needed);
    };
    note.hidden = false;
    box.addEventListener("input", show);
    show();
  }

  function attachAll() {
    document.querySelectorAll("textarea[data-min-words]").forEach(attach);
  }
  document.addEventListener("DOMContentLoaded", attachAll);
  document.addEventListener("htmx:afterSettle", attachAll);
})();
