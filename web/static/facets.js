/* newsfacet: the facet sidebar's behaviour. Without this file the sidebar is a GET form with
   an "Apply filters" button; with it, a change applies at once, focus comes back to the same
   control after the page reloads, "N more" and the find box read the whole value list from
   /api/facets/<name> (in the order the page's facet_rank asks for, as the page's own values),
   and on a phone the panel opens from a "Filters" button. */
(function () {
  "use strict";

  var form = document.querySelector(".facet-form");
  if (!form) return;
  var FOCUS_KEY = "newsfacet-facet-focus";
  var PER_PAGE = 100;
  var searchPath = form.getAttribute("action").split("#")[0];
  var apiPath = form.getAttribute("data-api");

  // --- the URL is the state: each change is one edit of the current query string ---------

  function currentPairs() {
    var pairs = [];
    new URLSearchParams(window.location.search).forEach(function (value, name) {
      if (name !== "page") pairs.push([name, value]);
    });
    return pairs;
  }

  function without(pairs, name, value) {
    return pairs.filter(function (p) {
      return !(p[0] === name && (value === undefined || p[1] === value));
    });
  }

  function go(pairs, focus) {
    try {
      window.sessionStorage.setItem(FOCUS_KEY, JSON.stringify(focus));
    } catch (e) { /* storage refused: focus simply starts at the top */ }
    var query = new URLSearchParams(pairs).toString();
    // No "#filters" here: going to a fragment would move focus away from the restored control.
    window.location.assign(searchPath + (query ? "?" + query : ""));
  }

  function excludeHref(facet, value) {
    var pairs = without(currentPairs(), facet.dataset.facet, value);
    pairs.push([facet.dataset.exclude, value]);
    return searchPath + "?" + new URLSearchParams(pairs).toString();
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    var facet = input.closest(".facet");
    if (!facet) return;
    var pairs = currentPairs();
    if (input.classList.contains("facet-check")) {
      pairs = without(without(pairs, input.name, input.value), facet.dataset.exclude, input.value);
      if (input.checked) pairs.push([input.name, input.value]);
      go(pairs, {facet: facet.dataset.facet, value: input.value, control: "check"});
    } else if (input.type === "radio") {
      pairs = without(pairs, input.name);
      if (input.value !== "any") pairs.push([input.name, input.value]);
      go(pairs, {facet: facet.dataset.facet, value: input.value, control: "match"});
    }
  });

  form.addEventListener("click", function (event) {
    var link = event.target.closest(".facet-exclude");
    if (!link) return;
    var facet = link.closest(".facet");
    var item = link.closest(".facet-item");
    try {
      window.sessionStorage.setItem(FOCUS_KEY, JSON.stringify(
        {facet: facet.dataset.facet, value: item.dataset.value, control: "exclude"}));
    } catch (e) { /* as above */ }
  });

  var apply = form.querySelector(".facet-apply");
  if (apply) apply.hidden = true;

  // --- items made from /api/facets/<name>: the same controls as the page's own ------------

  var made = 0;

  function g2Title(g2) {   // as the page's g2_title (_facets.html)
    return "G² " + g2 + ": " + (g2 > 0 ? "more" : g2 === 0 ? "no more" : "less") +
      " common in these results than in the whole collection";
  }

  function makeItem(facet, value) {
    var li = document.createElement("li");
    li.className = "facet-item" + (value.selected ? " is-selected" : "") + (value.excluded ? " is-excluded" : "");
    li.dataset.value = value.value;
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = value.value;
    var count = document.createElement("span");
    count.className = "count";
    count.textContent = value.count.toLocaleString("en");
    var unit = document.createElement("span");
    unit.className = "visually-hidden";
    var link = document.createElement("a");
    link.className = "facet-exclude";
    if (value.excluded) {
      var label = document.createElement("span");
      label.className = "facet-value is-excluded";
      unit.textContent = " articles left out";
      label.append(name, count, unit);
      link.href = searchPath + "?" + new URLSearchParams(
        without(currentPairs(), facet.dataset.exclude, value.value)).toString();
      link.textContent = "include";
      link.title = "Include " + value.value + " again";
      li.append(label, link);
      return li;
    }
    made += 1;
    var box = document.createElement("input");
    box.type = "checkbox";
    box.className = "facet-check";
    box.id = "fv-" + facet.dataset.facet + "-found-" + made;
    box.name = facet.dataset.facet;
    box.value = value.value;
    box.checked = value.selected;
    var text = document.createElement("label");
    text.className = "facet-value" + (value.selected ? " is-selected" : "");
    text.htmlFor = box.id;
    if (value.g2 !== undefined && value.g2 !== null) text.title = g2Title(value.g2);
    unit.textContent = value.count === 1 ? " article" : " articles";
    text.append(name, count, unit);
    link.href = excludeHref(facet, value.value);
    link.textContent = "not";
    link.title = "Leave out articles with " + value.value;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + value.value + ": leave out its articles";
    link.append(hidden);
    li.append(box, text, link);
    return li;
  }

  function fetchValues(facet, extra) {
    var pairs = currentPairs().filter(function (p) { return p[0] !== "per_page"; });
    pairs.push(["per_page", String(PER_PAGE)]);
    Object.keys(extra).forEach(function (k) { pairs.push([k, extra[k]]); });
    var url = apiPath.replace("NAME", encodeURIComponent(facet.dataset.facet)) + "?" +
      new URLSearchParams(pairs).toString();
    return fetch(url, {headers: {Accept: "application/json"}}).then(function (response) {
      if (!response.ok) throw new Error("the value list answered " + response.status);
      return response.json();
    });
  }

  function status(facet, text) {
    var line = facet.querySelector(".facet-status");
    if (!line) {
      line = document.createElement("p");
      line.className = "facet-status";
      line.setAttribute("role", "status");
      facet.append(line);
    }
    line.textContent = text;
  }

  function shownValues(facet) {
    var seen = {};
    facet.querySelectorAll(".facet-values:not(.facet-found) .facet-item").forEach(function (li) {
      seen[li.dataset.value] = true;
    });
    return seen;
  }

  function setUpMore(facet) {
    var details = facet.querySelector(".facet-more");
    var button = facet.querySelector(".facet-load");
    var rest = facet.querySelector(".facet-rest");
    var all = facet.querySelector(".facet-all");
    if (!details || !button || !rest) return;
    if (all) all.hidden = true;
    var page = 0;
    var pages = 1;

    function loadNext() {
      button.disabled = true;
      fetchValues(facet, {page: String(page + 1)}).then(function (data) {
        page = data.page;
        pages = data.pages;
        var seen = shownValues(facet);
        data.values.forEach(function (v) {
          if (!seen[v.value]) rest.append(makeItem(facet, v));
        });
        button.hidden = page >= pages;
        button.disabled = false;
      }).catch(function (error) {
        button.disabled = false;
        status(facet, "The values could not be loaded (" + error.message + ").");
      });
    }
    button.addEventListener("click", loadNext);
    details.addEventListener("toggle", function () {
      if (details.open && page === 0) loadNext();
    });
  }

  function setUpFind(facet) {
    var input = facet.querySelector(".facet-filter");
    if (!input) return;
    input.hidden = false;
    var details = facet.querySelector(".facet-more");
    var timer = null;
    var asked = 0;

    function localFilter(needle) {
      facet.querySelectorAll(".facet-values:not(.facet-found) li").forEach(function (li) {
        var name = li.querySelector(".name").textContent.toLowerCase();
        li.hidden = needle !== "" && name.indexOf(needle) === -1;
      });
      if (details && needle !== "") details.open = true;
    }

    function showFound(data, text) {
      var found = facet.querySelector(".facet-found");
      if (!found) {
        found = document.createElement("ul");
        found.className = "facet-values facet-found";
        input.after(found);
      }
      found.replaceChildren();
      data.values.forEach(function (v) { found.append(makeItem(facet, v)); });
      facet.querySelectorAll(".facet-values:not(.facet-found)").forEach(function (ul) { ul.hidden = true; });
      if (details) details.hidden = true;
      status(facet, data.total === 0 ? "No value matches “" + text + "”."
        : data.total + (data.total === 1 ? " value matches" : " values match") +
          (data.total > data.values.length ? "; the first " + data.values.length + " are listed." : "."));
    }

    function clearFound() {
      var found = facet.querySelector(".facet-found");
      if (found) found.remove();
      facet.querySelectorAll(".facet-values").forEach(function (ul) { ul.hidden = false; });
      if (details) details.hidden = false;
      var line = facet.querySelector(".facet-status");
      if (line) line.remove();
    }

    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();   // finding is not applying
    });
    input.addEventListener("input", function () {
      var text = input.value.trim();
      localFilter(text.toLowerCase());
      window.clearTimeout(timer);
      if (text === "") {
        asked += 1;
        clearFound();
        return;
      }
      timer = window.setTimeout(function () {
        var mine = ++asked;
        fetchValues(facet, {contains: text}).then(function (data) {
          if (mine === asked) showFound(data, text);
        }).catch(function (error) {
          status(facet, "The values could not be searched (" + error.message + ").");
        });
      }, 200);
    });
  }

  form.querySelectorAll(".facet").forEach(function (facet) {
    facet.querySelectorAll(".facet-item").forEach(function (li) {
      var control = li.querySelector(".facet-check, input[type=hidden]");
      if (control) li.dataset.value = control.value;
    });
    if (Number(facet.dataset.more) > 0) {
      setUpMore(facet);
      setUpFind(facet);
    }
  });

  // --- phones: the panel opens from the "Filters" button at the top of the results --------

  var aside = document.getElementById("filters");
  var toggle = aside && aside.querySelector(".filters-toggle");
  var panel = document.getElementById("facet-panel");
  var narrow = window.matchMedia("(max-width: 760px)");

  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    panel.hidden = !open;
  }

  if (toggle && panel) {
    var fromFilters = window.location.hash === "#filters";
    var layout = function () {
      toggle.hidden = !narrow.matches;
      setOpen(!narrow.matches || fromFilters);
    };
    layout();
    narrow.addEventListener("change", layout);
    toggle.addEventListener("click", function () {
      setOpen(panel.hidden);
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest('a[href="#filters"]');
      if (link && narrow.matches) setOpen(true);
    });
  }

  // --- focus back on the control that changed the search ----------------------------------

  var saved = null;
  try {
    saved = JSON.parse(window.sessionStorage.getItem(FOCUS_KEY) || "null");
    window.sessionStorage.removeItem(FOCUS_KEY);
  } catch (e) { saved = null; }
  if (saved) {
    var facet = form.querySelector('.facet[data-facet="' + CSS.escape(saved.facet) + '"]');
    var target = null;
    if (facet) {
      if (saved.control === "match") {
        target = facet.querySelector('.facet-match input[value="' + CSS.escape(saved.value) + '"]');
      } else {
        facet.querySelectorAll(".facet-item").forEach(function (li) {
          if (!target && li.dataset.value === saved.value) {
            target = (saved.control === "exclude" && li.querySelector(".facet-exclude")) ||
              li.querySelector(".facet-check") || li.querySelector(".facet-exclude");
          }
        });
      }
      target = target || facet.querySelector("input:not([type=hidden]), a");
    }
    if (target) {
      if (panel && panel.hidden) setOpen(true);
      target.focus();
    }
  }
})();
