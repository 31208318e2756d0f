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
      // The actions button ("...") takes about 40 px to the right of the drawing.
      spec.title.text = wrap(spec.title.text, Math.max(20, Math.floor((width - 40) / 9.5)));
      spec.title.subtitle = wrap(spec.title.subtitle || [], Math.max(28, Math.floor(width / 7)));
      narrowLegends(spec, width);
    }
    return vegaEmbed(el, spec, options).catch(function (e) { console.error("chart " + name + ": " + e); });
  };
})();
