// The console's own behaviour: the evidence viewer (zoom, pan, rotate,
// brightness, by mouse and by keyboard) and single-key shortcuts.
(function () {
  "use strict";
  // Each viewer keeps its own state; one set of window and keyboard
  // listeners serves whichever viewer the page shows now (the next case
  // is swapped into the page, not loaded with it).
  var current = null;
  function viewer(box) {
    var img = box.querySelector("img");
    if (!img || box.dataset.ready) return;
    box.dataset.ready = "1";
    var s = { zoom: 1, rot: 0, light: 1, x: 0, y: 0, drag: null };
    function draw() {
      img.style.transform = "translate(" + s.x + "px," + s.y + "px) scale(" + s.zoom + ") rotate(" + s.rot + "deg)";
      img.style.filter = "brightness(" + s.light + ")";
    }
    var act = {
      "zoom-in": function () { s.zoom = Math.min(8, s.zoom * 1.25); },
      "zoom-out": function () { s.zoom = Math.max(0.25, s.zoom / 1.25); },
      "rotate": function () { s.rot = (s.rot + 90) % 360; },
      "brighter": function () { s.light = Math.min(3, s.light + 0.2); },
      "darker": function () { s.light = Math.max(0.2, s.light - 0.2); },
      "reset": function () { s.zoom = 1; s.rot = 0; s.light = 1; s.x = 0; s.y = 0; }
    };
    box.querySelectorAll("[data-act]").forEach(function (b) {
      b.addEventListener("click", function (e) { e.preventDefault(); act[b.dataset.act](); draw(); });
    });
    box.addEventListener("wheel", function (e) {
      e.preventDefault(); act[e.deltaY < 0 ? "zoom-in" : "zoom-out"](); draw();
    }, { passive: false });
    img.addEventListener("mousedown", function (e) { e.preventDefault(); s.drag = { x: e.clientX - s.x, y: e.clientY - s.y }; });
    current = {
      act: function (name) { act[name](); draw(); },
      move: function (e) { if (s.drag) { s.x = e.clientX - s.drag.x; s.y = e.clientY - s.drag.y; draw(); } },
      drop: function () { s.drag = null; }
    };
    draw();
  }
  function viewerKeys() {
    window.addEventListener("mouseup", function () { if (current) current.drop(); });
    window.addEventListener("mousemove", function (e) { if (current) current.move(e); });
    // Alt+key works while typing in the form beside the viewer.
    var keys = { "=": "zoom-in", "+": "zoom-in", "-": "zoom-out", "r": "rotate", "b": "brighter", "d": "darker", "0": "reset" };
    document.addEventListener("keydown", function (e) {
      if (!e.altKey || !current || !document.querySelector(".viewer")) return;
      var name = keys[e.key.toLowerCase()];
      if (name) { e.preventDefault(); current.act(name); }
    });
  }
  function shortcuts() {
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var el = document.querySelector('[data-key="' + e.key.toLowerCase() + '"]');
      if (el) { e.preventDefault(); el.click(); }
    });
  }
  // A chosen CSV file is read into the text area the form sends.
  function fileToText(input) {
    var target = document.getElementById(input.dataset.fillText);
    if (!target) return;
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () { target.value = reader.result; };
      reader.readAsText(file, "utf-8");
    });
  }
  // What a page, or a part of one swapped in, needs: its viewer, its file
  // fields, and the cursor in its first field (or the first in error).
  function within(root, css) {
    var found = Array.prototype.slice.call(root.querySelectorAll(css));
    if (root.matches && root.matches(css)) found.push(root);
    return found;
  }
  // A check as typed that answers after its form was sent (or replaced by
  // the next case) is old news: it is dropped, not shown on the next case.
  function checkAsTyped(box) {
    box.addEventListener("htmx:beforeOnLoad", function (e) {
      var form = box.closest("form");
      if (!document.body.contains(box) || (form && form.dataset.sending)) e.preventDefault();
    });
  }
  function ready(root) {
    within(root, "[data-check]").forEach(checkAsTyped);
    root.querySelectorAll(".viewer").forEach(viewer);
    root.querySelectorAll("input[data-fill-text]").forEach(fileToText);
    var first = root.querySelector("[data-autofocus]");
    if (first) first.focus();
  }
  function start() {
    viewerKeys();
    shortcuts();
    ready(document);
    document.body.addEventListener("htmx:beforeRequest", function (e) {
      var elt = e.detail && e.detail.elt;
      if (elt && elt.tagName === "FORM") elt.dataset.sending = "1";
    });
    document.body.addEventListener("htmx:load", function (e) {
      if (e.detail && e.detail.elt && e.detail.elt !== document.body) ready(e.detail.elt);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
