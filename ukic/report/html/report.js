(function () {
  "use strict";
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button.filter"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("article.scenario"));
  var features = Array.prototype.slice.call(document.querySelectorAll("section.feature"));
  var showing = document.getElementById("showing");
  var empty = document.getElementById("empty");
  var known = buttons.map(function (b) { return b.getAttribute("data-filter"); });

  function apply(filter) {
    if (known.indexOf(filter) < 0) { filter = "all"; }
    var shown = 0;
    rows.forEach(function (row) {
      var visible = filter === "all" || row.getAttribute("data-outcome") === filter;
      row.hidden = !visible;
      if (visible) { shown += 1; }
    });
    features.forEach(function (section) {
      section.hidden = section.querySelector("article.scenario:not([hidden])") === null;
    });
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-filter") === filter));
    });
    showing.textContent = "showing " + shown + " of " + rows.length;
    empty.hidden = shown !== 0;
    document.body.setAttribute("data-filter", filter);
  }

  function fromLocation() {
    var pattern = /(?:^|[?#&])outcome=([a-z-]+)/;
    var match = pattern.exec(location.hash) || pattern.exec(location.search);
    return match ? match[1] : "all";
  }

  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      var filter = b.getAttribute("data-filter");
      apply(filter);
      try {
        history.replaceState(null, "", filter === "all" ? location.pathname + location.search
                                                       : "#outcome=" + filter);
      } catch (ignored) {
        // Some browsers refuse history changes on file:// pages; filtering still works.
      }
    });
  });
  window.addEventListener("hashchange", function () { apply(fromLocation()); });
  apply(fromLocation());
})();
