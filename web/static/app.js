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

  // The date form: empty inputs are left out of the URL (an empty value means none anyway).
  document.querySelectorAll(".date-range").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[type=date]").forEach(function (input) {
        if (!input.value) input.disabled = true;
      });
    });
  });

  // The histogram's brush: drag across the chart with the mouse to choose a span of dates;
  // releasing fills the date form with the first and last day of the bars covered and
  // submits it. A press without a drag is a plain click on a bar. Keyboard users have the
  // date inputs and the bar links.
  var MIN_DRAG = 4;   // pixels: less than this is a click
  document.querySelectorAll(".histogram-chart").forEach(function (svg) {
    var form = document.querySelector(".date-range");
    if (!form) return;
    var start = null, brush = null, dragged = false;

    function x(event) { return event.clientX - svg.getBoundingClientRect().left; }

    function draw(from, to) {
      if (!brush) {
        brush = document.createElementNS("http://www.w3.org/2000/svg", "rect");
        brush.setAttribute("class", "brush");
        brush.setAttribute("y", "0");
        brush.setAttribute("height", svg.querySelector(".axis").getAttribute("y1"));
        svg.appendChild(brush);
      }
      brush.setAttribute("x", String(Math.min(from, to)));
      brush.setAttribute("width", String(Math.abs(to - from)));
    }

    function covered(from, to) {
      var left = svg.getBoundingClientRect().left, low = Math.min(from, to), high = Math.max(from, to);
      return Array.prototype.filter.call(svg.querySelectorAll(".bar"), function (bar) {
        var box = bar.querySelector(".bar-hit").getBoundingClientRect();
        return box.right - left >= low && box.left - left <= high;
      });
    }

    svg.addEventListener("mousedown", function (event) {
      if (event.button !== 0) return;
      event.preventDefault();             // no link drag, no text selection
      start = x(event);
      dragged = false;
    });
    document.addEventListener("mousemove", function (event) {
      if (start === null) return;
      var now = x(event);
      if (Math.abs(now - start) >= MIN_DRAG) dragged = true;
      if (dragged) draw(start, now);
    });
    document.addEventListener("mouseup", function (event) {
      if (start === null) return;
      var bars = dragged ? covered(start, x(event)) : [];
      start = null;
      if (!dragged) return;
      if (!bars.length) {
        if (brush) brush.remove();
        brush = null;
        return;
      }
      form.querySelector("[name=from]").value = bars[0].getAttribute("data-first");
      form.querySelector("[name=to]").value = bars[bars.length - 1].getAttribute("data-last");
      form.requestSubmit();
    });
    // A drag that ends on a bar is not also a click on it.
    svg.addEventListener("click", function (event) {
      if (dragged) {
        event.preventDefault();
        dragged = false;
      }
    }, true);
  });
})();
