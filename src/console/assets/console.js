// The console's own behaviour: the evidence viewer (zoom, pan, rotate,
// brightness, by mouse and by keyboard) and single-key shortcuts.
(function () {
  "use strict";
  function viewer(box) {
    var img = box.querySelector("img");
    if (!img) return;
    var s = { zoom: 1, rot: 0, light: 1, x: 0, y: 0 };
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
      "reset": function () { s = { zoom: 1, rot: 0, light: 1, x: 0, y: 0 }; }
    };
    box.querySelectorAll("[data-act]").forEach(function (b) {
      b.addEventListener("click", function (e) { e.preventDefault(); act[b.dataset.act](); draw(); });
    });
    box.addEventListener("wheel", function (e) {
      e.preventDefault(); act[e.deltaY < 0 ? "zoom-in" : "zoom-out"](); draw();
    }, { passive: false });
    var drag = null;
    img.addEventListener("mousedown", function (e) { e.preventDefault(); drag = { x: e.clientX - s.x, y: e.clientY - s.y }; });
    window.addEventListener("mouseup", function () { drag = null; });
    window.addEventListener("mousemove", function (e) { if (drag) { s.x = e.clientX - drag.x; s.y = e.clientY - drag.y; draw(); } });
    // Alt+key works while typing in the form beside the viewer.
    var keys = { "=": "zoom-in", "+": "zoom-in", "-": "zoom-out", "r": "rotate", "b": "brighter", "d": "darker", "0": "reset" };
    document.addEventListener("keydown", function (e) {
      if (!e.altKey) return;
      var name = keys[e.key.toLowerCase()];
      if (name) { e.preventDefault(); act[name](); draw(); }
    });
    draw();
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
  function start() {
    document.querySelectorAll(".viewer").forEach(viewer);
    document.querySelectorAll("input[data-fill-text]").forEach(fileToText);
    shortcuts();
    var first = document.querySelector("[data-autofocus]");
    if (first) first.focus();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
