// Draws the book's charts (book/charts.py writes each one's spec and calls mosaicChart).
//  - Titles, subtitles and legends are fitted to the width the chart has: wrapped on a narrow screen, and
//    after drawing, legends that still run past the chart's edge are laid out in fewer columns.
//  - In the theme's dark mode (pydata-sphinx-theme sets data-theme on <html>) the chart's neutral colours
//    are swapped for their dark counterparts (palette.DARK, handed over in the options), and every chart
//    is drawn again when the reader switches mode, its sliders where the reader left them.
//  - A title that follows the sliders (Chart.live_title) also renames the figure for screen readers.
//  - The actions menu gets a name a screen reader can say.
(function () {
  "use strict";

  var charts = {};  // name -> {options, result, width, scheme}
  var TITLE_CHARS = "mosaic_title_chars";  // charts.TITLE_CHARS_PARAM

  function scheme() {
    return document.documentElement.getAttribute("data-theme") === "dark" ? "dark" : "light";
  }

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

  // A Vega expression: `text` (an expression) as lines of at most `chars` characters.
  function wrapExpr(text, chars) {
    return "split(trim(replace(" + text + ", regexp('(.{1," + chars + "})(\\\\s+|$)', 'g'), '$1\\n')), '\\n')";
  }

  // Channels that draw a legend when they encode a field.
  var LEGENDS = ["color", "fill", "stroke", "shape", "size", "opacity", "fillOpacity", "strokeOpacity",
                 "strokeDash", "strokeWidth"];

  // Call fn(legend, own) on every legend of the spec: each encoding's (made explicit, own = true) and the
  // theme's (config.legend, own = false; Vega-Lite takes some properties, such as labelExpr, only on own ones).
  function eachLegend(node, fn) {
    if (Array.isArray(node)) {
      node.forEach(function (n) { eachLegend(n, fn); });
    } else if (node && typeof node === "object") {
      Object.keys(node).forEach(function (key) {
        var value = node[key];
        if (key === "encoding" && value && typeof value === "object") {
          LEGENDS.forEach(function (channel) {
            var def = value[channel];
            if (def && typeof def === "object" && def.field && def.legend !== null) {
              def.legend = def.legend || {};
              fn(def.legend, true);
            }
          });
        } else if (key === "legend" && value && typeof value === "object") {
          fn(value, false);
        } else if (key !== "datasets" && key !== "data") {
          eachLegend(value, fn);
        }
      });
    }
  }

  // Fit the spec's legends to `width`: `narrow` stacks them under the plot in one column, `fewer` takes that
  // many columns off each, `chars` wraps their labels at that many characters instead of cutting them short.
  function fitLegends(spec, width, narrow, fewer, chars) {
    eachLegend(spec, function (legend, own) {
      var columns = narrow ? 1 : legend.columns || 1;
      legend.columns = Math.max(1, columns - fewer);
      if (legend.columns === 1) { legend.direction = "vertical"; }
      if (narrow && legend.orient && legend.orient !== "bottom" && legend.orient !== "top") {
        legend.orient = "bottom";  // a legend beside a chart on a phone would take the plot's width
      }
      legend.titleLimit = width - 40;
      if (chars && own) {
        legend.labelExpr = wrapExpr(legend.labelExpr ? "(" + legend.labelExpr + ")" : "datum.label", chars);
        legend.labelLimit = width;
      } else if (narrow || fewer) {
        legend.labelLimit = Math.min(legend.labelLimit || width, width - 40);
      }
    });
  }

  // Wrap every title below the chart's own (a panel's, an axis's, a legend's) at `chars` characters.
  function wrapTitles(node, chars, top) {
    if (Array.isArray(node)) {
      node.forEach(function (n) { wrapTitles(n, chars, false); });
    } else if (node && typeof node === "object") {
      Object.keys(node).forEach(function (key) {
        var value = node[key];
        if (key === "title" && !top && (typeof value === "string" || Array.isArray(value))) {
          node[key] = wrap(value, chars);
        } else if (key === "title" && !top && value && typeof value.text !== "undefined" &&
                   (typeof value.text === "string" || Array.isArray(value.text))) {
          value.text = wrap(value.text, chars);
        } else if (key !== "datasets" && key !== "data" && key !== "config" && key !== "tooltip" && !(top && key === "title")) {
          wrapTitles(value, chars, false);
        }
      });
    }
  }

  // Scale every fixed plot width of the spec (panels of a concatenated chart) by `factor`.
  function shrinkWidths(node, factor) {
    if (Array.isArray(node)) {
      node.forEach(function (n) { shrinkWidths(n, factor); });
    } else if (node && typeof node === "object") {
      Object.keys(node).forEach(function (key) {
        if (key === "width" && typeof node[key] === "number" && (node.mark || node.layer || node.encoding)) {
          node[key] = Math.floor(node[key] * factor);
        } else if (key !== "datasets" && key !== "data" && key !== "config") {
          shrinkWidths(node[key], factor);
        }
      });
    }
  }

  // The spec with each light-mode colour replaced by its dark counterpart (data rows are left alone).
  function recolour(node, swap) {
    if (Array.isArray(node)) {
      return node.map(function (n) { return recolour(n, swap); });
    }
    if (node && typeof node === "object") {
      var out = {};
      Object.keys(node).forEach(function (key) {
        out[key] = key === "datasets" || key === "values" ? node[key] : recolour(node[key], swap);
      });
      return out;
    }
    if (typeof node === "string" && swap[node.toUpperCase()]) {
      return swap[node.toUpperCase()];
    }
    return node;
  }

  function params(spec) {
    return (spec.params || []).filter(function (p) { return p.bind; }).map(function (p) { return p.name; });
  }

  // Where the drawing runs past its box: the drawing as a whole, its legends, its title.
  function overflow(el) {
    var svg = el.querySelector("svg.marks");
    if (!svg) { return null; }
    var box = el.getBoundingClientRect(), past = {};
    function out(node) {
      var b = node.getBoundingClientRect();
      return b.width > 0 && (b.left < box.left - 1 || b.right > box.right + 1);
    }
    past.drawing = out(svg);
    past.legend = [].some.call(svg.querySelectorAll("g.role-legend"), out);
    // A title wider than the drawing is cut at the drawing's own edge, even inside the box.
    var drawing = svg.getBoundingClientRect();
    past.title = [].some.call(svg.querySelectorAll("g.role-title"), function (node) {
      var b = node.getBoundingClientRect();
      return b.width > 0 && (b.left < drawing.left - 1 || b.right > drawing.right + 1);
    });
    past.cut = [].some.call(svg.querySelectorAll("g.role-legend-label text"), function (t) {
      return t.textContent.indexOf("\u2026") >= 0;  // Vega ends a label it cut short with an ellipsis
    });
    return past;
  }

  function titleText(el) {
    var text = el.querySelector("svg.marks g.role-title-text text");
    if (!text) { return ""; }
    var spans = text.querySelectorAll("tspan");
    return spans.length ? [].map.call(spans, function (s) { return s.textContent; }).join(" ") : text.textContent;
  }

  function named(name, result) {
    var el = document.getElementById("vega-" + name), figure = document.getElementById("chart-" + name);
    var summary = el.querySelector("details > summary");
    if (summary) {
      summary.setAttribute("aria-label", "Save this chart as an image (SVG or PNG)");
    }
    if (figure && figure.hasAttribute("data-live-title")) {
      var relabel = function () {
        var title = titleText(el);
        if (title) { figure.setAttribute("aria-label", title); }
      };
      relabel();
      params(JSON.parse(document.getElementById("spec-" + name).textContent)).forEach(function (p) {
        result.view.addSignalListener(p, function () { window.setTimeout(relabel, 30); });
      });
    }
  }

  function draw(name, attempt, layout) {
    var c = charts[name], el = document.getElementById("vega-" + name);
    var spec = JSON.parse(document.getElementById("spec-" + name).textContent);
    var width = el.clientWidth, mode = scheme();
    layout = layout || {};
    if (width && spec.title) {
      var chars = layout.chars || (width < 600 ? Math.max(20, Math.floor((width - 40) / 10)) : 0);
      // The drawing is narrower than its box by the actions button (about 40 px); a bold title
      // character takes about 10 px.
      if (chars && Array.isArray(spec.title.text)) {
        spec.title.text = wrap(spec.title.text, chars);
      }
      (spec.params || []).forEach(function (p) {
        if (p.name === TITLE_CHARS && chars) { p.value = Math.min(p.value, chars); }
      });
      if (width < 600) {
        spec.title.subtitle = wrap(spec.title.subtitle || [], Math.max(28, Math.floor(width / 8)));
      }
    }
    // On a narrow screen legends stack under the plot in one column, their labels wrapped to fit (a label
    // character takes about 7 px; the symbol and the plot's left axis about 110). A legend that still runs
    // past the edge after drawing loses a column at a time, then wraps its labels shorter; one whose labels
    // were cut short gets them wrapped.
    var labelChars = layout.labelChars || (width < 600 ? Math.max(16, Math.floor((width - 110) / 7)) : 0);
    fitLegends(spec, width, width < 600, layout.legend || 0, labelChars);
    // Titles of panels, axes and legends wrap on a narrow screen; panels drawn at a fixed width narrow to the
    // box they have.
    var inner = layout.inner || (width < 600 ? Math.max(16, Math.floor((width - 60) / 8)) : 0);
    if (inner) { wrapTitles(spec, inner, true); }
    if (layout.shrink) { shrinkWidths(spec, layout.shrink); }
    if (mode === "dark" && c.options.dark) {
      var swap = {};
      Object.keys(c.options.dark).forEach(function (k) { swap[k.toUpperCase()] = c.options.dark[k]; });
      spec = recolour(spec, swap);
    }
    var kept = {};
    if (c.result) {
      params(spec).forEach(function (p) {
        try { kept[p] = c.result.view.signal(p); } catch (e) { /* not a signal of the old view */ }
      });
      c.result.finalize();
      c.result = null;
    }
    var options = {};
    Object.keys(c.options).forEach(function (k) { if (k !== "dark") { options[k] = c.options[k]; } });
    c.width = width;
    c.scheme = mode;
    return vegaEmbed(el, spec, options).then(function (result) {
      c.result = result;
      var restore = Object.keys(kept);
      restore.forEach(function (p) { result.view.signal(p, kept[p]); });
      return (restore.length ? result.view.runAsync() : Promise.resolve()).then(function () {
        named(name, result);
        var past = overflow(el);
        // Lay the chart out again, at most a few times, while its legends or title run past its edge.
        if (past && (attempt || 0) < 4 && (past.legend || past.title || past.drawing || past.cut)) {
          var next = {chars: layout.chars, legend: layout.legend || 0, labelChars: layout.labelChars,
                      shrink: layout.shrink, inner: layout.inner};
          if (past.drawing && !past.legend) {
            if (!inner) {  // first wrap the titles inside the chart, which may be what is wide
              next.inner = Math.max(16, Math.floor((width - 60) / 8));
            } else {
              var drawn = el.querySelector("svg.marks").getBoundingClientRect().width;
              var room = el.getBoundingClientRect().width - 40;  // the actions button sits to the right
              next.shrink = (layout.shrink || 1) * Math.max(0.5, room / drawn);
            }
          }
          var full = Math.max(16, Math.floor((width - 110) / 7));
          if (past.cut && !next.labelChars) { next.labelChars = full; }
          if (past.legend) {
            next.legend += 1;
            if (next.legend > 2) {  // one column already: wrap the labels shorter
              next.labelChars = Math.max(12, Math.floor((layout.labelChars || full) * 0.75));
            }
          }
          if (past.title) {
            next.chars = Math.max(16, Math.floor((layout.chars || Math.floor((width - 40) / 10)) * 0.85));
          }
          return draw(name, (attempt || 0) + 1, next);
        }
        return result;
      });
    }).catch(function (e) { console.error("chart " + name + ": " + e); });
  }

  window.mosaicChart = function (name, options) {
    charts[name] = {options: options || {}, result: null};
    return draw(name);
  };

  // The reader switched between light and dark mode: draw every chart again in the new colours.
  new MutationObserver(function () {
    Object.keys(charts).forEach(function (name) {
      if (charts[name].scheme !== scheme()) { draw(name); }
    });
  }).observe(document.documentElement, {attributes: true, attributeFilter: ["data-theme"]});

  // The page got much narrower or wider (a turned phone, a zoomed page): fit titles and legends again.
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      Object.keys(charts).forEach(function (name) {
        var el = document.getElementById("vega-" + name);
        if (el && Math.abs(el.clientWidth - charts[name].width) > 40) { draw(name); }
      });
    }, 250);
  });
})();
