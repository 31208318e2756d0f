// What every page does once loaded: sortable tables, and names for the theme's mode and search buttons.
//
// Tables: every column of a book table (table.mosaic-table, written by book/charts.py) can be sorted by
// its heading, with the mouse or the keyboard (each heading is a button; aria-sort says the order).
// Numbers sort as numbers (1,000 and 12.5% and 40.81× included), dates as dates, the rest as text;
// empty cells stay last. A table too wide for its column scrolls inside its wrapper, which is focusable.
(function () {
  "use strict";

  var NUMBER = /^[−-]?[\d,]*\.?\d+(?:\s*(?:%|×|x|points?|days?|months?|hours?|h|min|minutes?))?$/i;

  function text(cell) {
    // A cell's own value, without the note set under it (the claims table).
    var clone = cell.cloneNode(true);
    [].forEach.call(clone.querySelectorAll(".mosaic-note"), function (n) { n.remove(); });
    return clone.textContent.trim();
  }

  function number(value) {
    return parseFloat(value.replace(/[−]/g, "-").replace(/,/g, ""));
  }

  // How to compare a column's values: as numbers, as dates or as text (natural order: "v2" before "v10").
  function kind(values) {
    var present = values.filter(function (v) { return v !== ""; });
    if (present.length && present.every(function (v) { return NUMBER.test(v); })) { return "number"; }
    if (present.length && present.every(function (v) { return /\d{4}/.test(v) && !isNaN(Date.parse(v)); })) {
      return "date";
    }
    return "text";
  }

  function key(value, how) {
    if (how === "number") { return number(value); }
    if (how === "date") { return Date.parse(value); }
    return value;
  }

  function sortBy(table, column, button) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = [].slice.call(body.rows);
    var values = rows.map(function (r) { return r.cells[column] ? text(r.cells[column]) : ""; });
    var how = kind(values);
    var th = button.closest("th");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var order = rows.map(function (row, i) { return {row: row, value: values[i], i: i}; });
    order.sort(function (a, b) {
      if (a.value === "" || b.value === "") {  // empty cells last, whichever the order
        return (a.value === "") - (b.value === "") || a.i - b.i;
      }
      var x = key(a.value, how), y = key(b.value, how), d;
      if (how === "text") {
        d = x.localeCompare(y, undefined, {numeric: true, sensitivity: "base"});
      } else {
        d = x < y ? -1 : x > y ? 1 : 0;
      }
      return (ascending ? d : -d) || a.i - b.i;
    });
    order.forEach(function (o) { body.appendChild(o.row); });
    [].forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function sortable(table) {
    if (!table.tHead || !table.tHead.rows.length || table.hasAttribute("data-sortable")) { return; }
    table.setAttribute("data-sortable", "");
    [].forEach.call(table.tHead.rows[0].cells, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "mosaic-sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.title = "Sort by this column";
      button.addEventListener("click", function () { sortBy(table, column, button); });
    });
  }

  // The theme's colour-mode button shows one icon, titled Light, Dark or System Settings, but is named only
  // "Color mode": its name says the mode shown too, so what a reader sees is part of what a screen reader says.
  function nameTheModeButton() {
    [].forEach.call(document.querySelectorAll("button.theme-switch-button"), function (button) {
      var mode = document.documentElement.getAttribute("data-mode") || "auto";
      var icon = button.querySelector('[data-mode="' + mode + '"]');
      var shown = icon && icon.getAttribute("title");
      if (shown) {
        button.setAttribute("aria-label", "Color mode: " + shown);
      }
    });
  }

  // The theme's search field is named "Search" but shows "Search" and a keyboard shortcut: named by what it shows.
  function nameTheSearchButton() {
    [].forEach.call(document.querySelectorAll("button.search-button-field"), function (button) {
      var shown = button.textContent.replace(/\s+/g, " ").trim();
      if (shown) {
        button.setAttribute("aria-label", shown);
      }
    });
  }

  function ready() {
    nameTheSearchButton();
    [].forEach.call(document.querySelectorAll("table.mosaic-table"), sortable);
    nameTheModeButton();
    new MutationObserver(nameTheModeButton).observe(document.documentElement,
      {attributes: true, attributeFilter: ["data-mode"]});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
