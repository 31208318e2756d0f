// Edition furniture: copy buttons for citations, the reader's "accessed" date, and on an archived
// version the full versions menu (read from the chapter's versions file, which lists versions
// released after this one too).
(function () {
  "use strict";

  function isoToday() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  function copyText(text, done) {
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "absolute";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      done(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }

  function setUpCopy() {
    document.querySelectorAll("button.mosaic-copy").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        if (!source) { return; }
        copyText(source.textContent, function (ok) {
          button.textContent = ok ? "Copied" : "Select and copy";
          setTimeout(function () { button.textContent = "Copy"; }, 2000);
        });
      });
    });
  }

  function fillAccessed() {
    var today = isoToday();
    document.querySelectorAll(".mosaic-accessed").forEach(function (el) { el.textContent = today; });
  }

  function item(v, base, current) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = new URL(v.href, base).href;
    a.textContent = "Version " + v.version;
    li.appendChild(a);
    li.appendChild(document.createTextNode(" · " + v.date + " · "));
    var s = document.createElement("span");
    s.className = "mosaic-summary";
    s.textContent = v.summary;
    li.appendChild(s);
    if (v.version === current) { li.setAttribute("aria-current", "page"); }
    return li;
  }

  function loadVersions(menu) {
    var src = menu.getAttribute("data-mosaic-src");
    var chapter = menu.getAttribute("data-mosaic-chapter");
    var current = parseInt(menu.getAttribute("data-mosaic-current"), 10);
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () {
      var all = (window.mosaicVersions || {})[chapter];
      if (!all || !all.length) { return; }
      var list = menu.querySelector("ol.mosaic-version-list");
      var base = script.src;
      list.textContent = "";
      all.slice().reverse().forEach(function (v) { list.appendChild(item(v, base, current)); });
      menu.querySelector("summary").textContent = "All versions (" + all.length + ")";
      var newest = all[all.length - 1];
      var note = document.querySelector(".mosaic-banner .mosaic-newer");
      if (note && newest.version > current) {
        note.textContent = " A newer version exists: ";
        var a = document.createElement("a");
        a.href = new URL(newest.href, base).href;
        a.textContent = "version " + newest.version + " (" + newest.date + ")";
        note.appendChild(a);
        note.appendChild(document.createTextNode("."));
      }
    };
    document.head.appendChild(script);
  }

  function start() {
    setUpCopy();
    fillAccessed();
    document.querySelectorAll("details.mosaic-versions[data-mosaic-src]").forEach(loadVersions);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
