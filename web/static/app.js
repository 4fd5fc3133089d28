/* newsfacet: small enhancements; every page works without this file. */
(function () {
  "use strict";

  // "/" focuses the search box, unless the user is typing somewhere already.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    var box = document.getElementById("q");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  // Long facets: a box that filters the facet's values as one types.
  document.querySelectorAll(".facet").forEach(function (facet) {
    var input = facet.querySelector(".facet-filter");
    if (!input) return;
    input.hidden = false;
    var more = facet.querySelector(".facet-more");
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      facet.querySelectorAll(".facet-values li").forEach(function (item) {
        var name = item.querySelector(".name").textContent.toLowerCase();
        item.hidden = needle !== "" && name.indexOf(needle) === -1;
      });
      if (more && needle !== "") more.open = true;
    });
  });
})();
