// Draws the book's charts. On a narrow screen a chart's title, subtitle and legends are re-wrapped
// to the screen, so that the plot keeps its width instead of giving it up to long text.
(function () {
  "use strict";

  function wrap(lines, chars) {
    var words = [].concat(lines).join(" ").split(/\s+/), out = [];
    words.forEach(function (word) {
      var last = out.length - 1;
      if (last >= 0 && out[last].length + 1 + word.length <= chars) {
        out[last] += " " + word;
      } else {
        out.push(word);
      }
    });
    return out;
  }

  function narrowLegends(node, width) {
    if (Array.isArray(node)) {
      node.forEach(function (n) { narrowLegends(n, width); });
    } else if (node && typeof node === "object") {
      Object.keys(node).forEach(function (key) {
        var value = node[key];
        if (key === "legend" && value && typeof value === "object") {
          value.columns = 1;
          value.direction = "vertical";
          value.labelLimit = Math.min(value.labelLimit || width, width - 40);
          value.titleLimit = width - 40;
        } else {
          narrowLegends(value, width);
        }
      });
    }
  }

  window.mosaicChart = function (name, options) {
    var el = document.getElementById("vega-" + name);
    var spec = JSON.parse(document.getElementById("spec-" + name).textContent);
    var width = el.clientWidth;
    if (width && width < 600 && spec.title) {
      // The drawing is narrower than its box by the actions button (about 40 px); a bold title
      // character takes about 10 px.
      spec.title.text = wrap(spec.title.text, Math.max(20, Math.floor((width - 40) / 10)));
      spec.title.subtitle = wrap(spec.title.subtitle || [], Math.max(28, Math.floor(width / 8)));
      narrowLegends(spec, width);
    }
    return vegaEmbed(el, spec, options).catch(function (e) { console.error("chart " + name + ": " + e); });
  };
})();

// Sortable tables (table.mosaic-sortable): each heading becomes a button that sorts the rows by its
// column, numbers as numbers and text as text, and says so to screen readers with aria-sort.
(function () {
  "use strict";

  function key(cell) {
    return (cell.getAttribute("data-sort") || cell.textContent || "").trim();
  }

  function number(text) {
    var plain = text.replace(/[,%×]|\s.*$/g, "");
    return plain !== "" && isFinite(Number(plain)) ? Number(plain) : null;
  }

  function sortBy(table, index, heading) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = heading.getAttribute("aria-sort") !== "ascending";
    var keys = rows.map(function (r) { return key(r.cells[index] || r); });
    var numeric = keys.every(function (k) { return k === "" || number(k) !== null; });
    var order = rows.map(function (r, i) { return i; });
    order.sort(function (a, b) {
      var x = keys[a], y = keys[b], c;
      if (x === "" || y === "") {
        c = x === y ? 0 : (x === "" ? 1 : -1);  // empty cells last either way
        return c || a - b;
      }
      c = numeric ? number(x) - number(y) : x.localeCompare(y);
      return (ascending ? c : -c) || a - b;
    });
    order.forEach(function (i) { body.appendChild(rows[i]); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.mosaic-sortable"), function (table) {
      if (!table.tHead || !table.tBodies.length) { return; }
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "mosaic-sort";
        button.textContent = th.textContent;
        button.title = "Sort by " + th.textContent;
        th.textContent = "";
        th.appendChild(button);
        button.addEventListener("click", function () { sortBy(table, index, th); });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
