// bpmnkit report: zoom/pan, finding highlights, tooltips, witness player, heat map.
// No dependencies, no network. Everything taken from the model is inserted as text
// (textContent / createTextNode), never as markup.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var dataEl = document.getElementById("bk-data");
  var DATA = JSON.parse(dataEl ? dataEl.textContent : "{}");
  var diagrams = DATA.diagrams || [];
  var findings = DATA.findings || [];
  var names = DATA.names || {};
  var canvases = Array.prototype.slice.call(document.querySelectorAll(".canvas"));
  var views = [];
  var current = 0;
  var tip = document.getElementById("tip");
  var lodHint = document.getElementById("lod-hint");

  function svgEl(tag, attrs, parent) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  // ---- views: one per diagram, zoom and pan by changing the viewBox --------------------
  canvases.forEach(function (c, i) {
    var svg = c.querySelector("svg");
    if (!svg) return;
    var vb = svg.viewBox.baseVal;
    var home = { x: vb.x, y: vb.y, w: vb.width || 1, h: vb.height || 1 };
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    var root = svg.lastElementChild;
    var ov = svgEl("g", { "class": "bk-ov" }, svg);
    var layers = {
      heat: svgEl("g", { "class": "bk-heat-layer" }, ov),
      marks: svgEl("g", {}, ov),
      witness: svgEl("g", {}, ov),
      sel: svgEl("g", {}, ov)
    };
    // The heat layer sits under the drawing so labels stay readable.
    if (root && root.parentNode === svg) svg.insertBefore(layers.heat, root);
    var elements = new Map();
    svg.querySelectorAll("[data-element-id]").forEach(function (g) {
      elements.set(g.getAttribute("data-element-id"), g);
    });
    views[i] = { svg: svg, canvas: c, home: home, box: Object.assign({}, home), layers: layers, elements: elements, geom: (diagrams[i] || {}).geom || {} };
    setBox(views[i], home);
    installPanZoom(views[i]);
  });

  function setBox(v, b) {
    v.box = b;
    v.svg.setAttribute("viewBox", b.x + " " + b.y + " " + b.w + " " + b.h);
    // Level of detail: labels drawn below ~3.5 px are unreadable and slow to paint.
    var cw = v.canvas.clientWidth || 1000, ch = v.canvas.clientHeight || 700;
    var scale = Math.min(cw / b.w, ch / b.h);
    var lod = scale < 0.3;
    if (v.canvas.classList.contains("lod") !== lod) v.canvas.classList.toggle("lod", lod);
    if (lodHint && v.canvas === canvases[current]) lodHint.hidden = !lod;
  }

  function toSvg(v, cx, cy) {
    var m = v.svg.getScreenCTM();
    if (!m) return { x: 0, y: 0 };
    var p = v.svg.createSVGPoint();
    p.x = cx; p.y = cy;
    return p.matrixTransform(m.inverse());
  }

  function zoomAt(v, factor, cx, cy) {
    var b = v.box;
    var maxW = v.home.w * 8, minW = 40;
    var nw = Math.min(maxW, Math.max(minW, b.w * factor));
    factor = nw / b.w;
    var p = cx === undefined ? { x: b.x + b.w / 2, y: b.y + b.h / 2 } : toSvg(v, cx, cy);
    setBox(v, { x: p.x - (p.x - b.x) * factor, y: p.y - (p.y - b.y) * factor, w: b.w * factor, h: b.h * factor });
  }

  function installPanZoom(v) {
    var drag = null;
    v.canvas.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      zoomAt(v, Math.exp(ev.deltaY * (ev.deltaMode ? 0.05 : 0.0015)), ev.clientX, ev.clientY);
    }, { passive: false });
    v.canvas.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) return;
      drag = { x: ev.clientX, y: ev.clientY, box: Object.assign({}, v.box), moved: false };
      v.canvas.setPointerCapture(ev.pointerId);
    });
    v.canvas.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      var m = v.svg.getScreenCTM();
      if (!m) return;
      var dx = (ev.clientX - drag.x) / m.a, dy = (ev.clientY - drag.y) / m.d;
      if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 3) {
        drag.moved = true;
        v.canvas.classList.add("drag");
        hideTip();
      }
      setBox(v, { x: drag.box.x - dx, y: drag.box.y - dy, w: drag.box.w, h: drag.box.h });
    });
    function end() { drag = null; v.canvas.classList.remove("drag"); }
    v.canvas.addEventListener("pointerup", end);
    v.canvas.addEventListener("pointercancel", end);
  }

  document.querySelectorAll("[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      var v = views[current];
      if (!v) return;
      var z = b.getAttribute("data-zoom");
      if (z === "fit") setBox(v, Object.assign({}, v.home));
      else zoomAt(v, z === "in" ? 1 / 1.3 : 1.3);
    });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.target && /INPUT|TEXTAREA/.test(ev.target.tagName)) return;
    var v = views[current];
    if (!v) return;
    if (ev.key === "+" || ev.key === "=") zoomAt(v, 1 / 1.3);
    else if (ev.key === "-") zoomAt(v, 1.3);
    else if (ev.key === "0") setBox(v, Object.assign({}, v.home));
    else if (witness && ev.key === "ArrowRight") stepTo(witness.step + 1);
    else if (witness && ev.key === "ArrowLeft") stepTo(witness.step - 1);
  });

  function showDiagram(i) {
    if (i === current || !views[i]) return;
    current = i;
    canvases.forEach(function (c, j) { c.hidden = j !== i; });
    setBox(views[i], views[i].box);
    document.querySelectorAll(".tab").forEach(function (t) {
      t.classList.toggle("on", Number(t.getAttribute("data-diagram")) === i);
    });
  }
  document.querySelectorAll(".tab").forEach(function (t) {
    t.addEventListener("click", function () { showDiagram(Number(t.getAttribute("data-diagram"))); });
  });

  // ---- geometry helpers -------------------------------------------------------------
  function diagramOf(id) {
    if (views[current] && views[current].geom[id]) return current;
    for (var i = 0; i < views.length; i++) if (views[i] && views[i].geom[id]) return i;
    return -1;
  }
  function isLine(g) { return Array.isArray(g[0]); }
  function bbox(g) {
    if (!isLine(g)) return { x: g[0], y: g[1], w: g[2], h: g[3] };
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    g.forEach(function (p) { x0 = Math.min(x0, p[0]); y0 = Math.min(y0, p[1]); x1 = Math.max(x1, p[0]); y1 = Math.max(y1, p[1]); });
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  }
  function points(g) { return g.map(function (p) { return p[0] + "," + p[1]; }).join(" "); }
  function outline(g, cls, parent, pad) {
    pad = pad || 6;
    if (isLine(g)) return svgEl("polyline", { points: points(g), "class": cls }, parent);
    return svgEl("rect", { x: g[0] - pad, y: g[1] - pad, width: g[2] + 2 * pad, height: g[3] + 2 * pad, rx: 8, "class": cls }, parent);
  }
  function centerOn(v, g, zoomIn) {
    var b = bbox(g), box = v.box;
    var w = box.w;
    // Close enough to read, never past 1:1.
    var want = Math.max(v.canvas.clientWidth || 700, b.w * 3, b.h * 3 * box.w / box.h);
    if (zoomIn && w > want) w = want;
    var h = w * box.h / box.w;
    var cx = b.x + b.w / 2, cy = b.y + b.h / 2;
    setBox(v, { x: cx - w / 2, y: cy - h / 2, w: w, h: h });
  }

  // Shows the boxes `bs` whole, with a margin, no closer than 1:1.
  function fitTo(v, bs) {
    if (!bs.length) return;
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    bs.forEach(function (b) { x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y); x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h); });
    var pad = 60, cw = v.canvas.clientWidth || 1000, ch = v.canvas.clientHeight || 700;
    var w = Math.max(x1 - x0 + 2 * pad, (y1 - y0 + 2 * pad) * cw / ch, cw);
    var h = w * ch / cw;
    setBox(v, { x: (x0 + x1) / 2 - w / 2, y: (y0 + y1) / 2 - h / 2, w: w, h: h });
  }

  // ---- findings on the diagram: outline + count badge per element -------------------
  var byElement = new Map();
  var SEV_RANK = { error: 3, warning: 2, info: 1 };
  findings.forEach(function (f, i) {
    if (!f.el) return;
    if (!byElement.has(f.el)) byElement.set(f.el, []);
    byElement.get(f.el).push(i);
  });
  views.forEach(function (v) {
    if (!v) return;
    byElement.forEach(function (list, id) {
      var g = v.geom[id];
      if (!g) return;
      var worst = list.reduce(function (a, i) { return SEV_RANK[findings[i].sev] > SEV_RANK[a] ? findings[i].sev : a; }, "info");
      outline(g, "bk-mark " + worst, v.layers.marks, 4);
      var b = bbox(g);
      var bx = isLine(g) ? b.x + b.w / 2 : b.x + b.w, by = isLine(g) ? b.y + b.h / 2 : b.y;
      var badge = svgEl("g", { "class": "bk-badge " + worst, "data-badge-for": id }, v.layers.marks);
      svgEl("circle", { cx: bx, cy: by, r: 9 }, badge);
      var t = svgEl("text", { x: bx, y: by + 4 }, badge);
      t.textContent = String(list.length);
    });
  });

  // ---- selecting a finding ----------------------------------------------------------
  var items = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  function clearSelection() {
    views.forEach(function (v) {
      if (!v) return;
      while (v.layers.sel.firstChild) v.layers.sel.removeChild(v.layers.sel.firstChild);
      v.svg.querySelectorAll(".bk-selected").forEach(function (e) { e.classList.remove("bk-selected"); });
    });
    items.forEach(function (li) { li.classList.remove("active"); });
  }
  function select(i, scroll) {
    var f = findings[i];
    clearSelection();
    document.querySelectorAll('.finding[data-finding="' + i + '"]').forEach(function (li) {
      li.classList.add("active");
      if (scroll) li.scrollIntoView({ block: "nearest" });
    });
    if (!f || !f.el) return;
    var d = diagramOf(f.el);
    if (d < 0) return;
    showDiagram(d);
    var v = views[d];
    outline(v.geom[f.el], "bk-sel", v.layers.sel, 8);
    var g = v.elements.get(f.el);
    if (g) g.classList.add("bk-selected");
    centerOn(v, v.geom[f.el], true);
  }
  items.forEach(function (li) {
    var i = Number(li.getAttribute("data-finding"));
    li.addEventListener("click", function (ev) {
      if (ev.target.closest(".show-witness")) return;
      select(i, false);
    });
    li.addEventListener("keydown", function (ev) { if (ev.key === "Enter") select(i, false); });
  });

  // ---- tooltips: hovering an element lists its findings -----------------------------
  function hideTip() { tip.hidden = true; }
  function showTip(id, ev) {
    var list = byElement.get(id) || [];
    var heat = DATA.heat && DATA.heat.wait[id];
    var title = views[current] && views[current].elements.get(id);
    var name = names[id] || (title && title.querySelector("title") ? title.querySelector("title").textContent : id);
    if (!list.length && !heat) { hideTip(); return; }
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    var b = document.createElement("b");
    b.textContent = name;
    tip.appendChild(b);
    list.forEach(function (i) {
      var row = document.createElement("div");
      row.className = "t-row";
      var dot = document.createElement("span");
      dot.className = "t-sev " + findings[i].sev;
      var txt = document.createElement("span");
      txt.textContent = findings[i].msg + " (" + findings[i].code + ")";
      row.appendChild(dot); row.appendChild(txt);
      tip.appendChild(row);
    });
    if (heat) {
      var h = document.createElement("div");
      h.className = "t-row";
      h.textContent = "Mean waiting time: " + heat[1];
      tip.appendChild(h);
    }
    tip.hidden = false;
    moveTip(ev);
  }
  function moveTip(ev) {
    var x = ev.clientX + 14, y = ev.clientY + 14;
    var r = tip.getBoundingClientRect();
    if (x + r.width > window.innerWidth - 8) x = ev.clientX - r.width - 14;
    if (y + r.height > window.innerHeight - 8) y = ev.clientY - r.height - 14;
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  var hovered = null;
  canvases.forEach(function (c) {
    c.addEventListener("mousemove", function (ev) {
      if (c.classList.contains("drag")) return;
      var g = ev.target.closest ? ev.target.closest("[data-element-id],[data-badge-for]") : null;
      var id = g ? (g.getAttribute("data-element-id") || g.getAttribute("data-badge-for")) : null;
      if (id !== hovered) { hovered = id; if (id) showTip(id, ev); else hideTip(); }
      else if (id && !tip.hidden) moveTip(ev);
    });
    c.addEventListener("mouseleave", function () { hovered = null; hideTip(); });
    c.addEventListener("click", function (ev) {
      var g = ev.target.closest ? ev.target.closest("[data-element-id],[data-badge-for]") : null;
      if (!g) return;
      var id = g.getAttribute("data-element-id") || g.getAttribute("data-badge-for");
      var list = byElement.get(id);
      if (list && list.length) select(list[0], true);
    });
  });

  // ---- witness player ---------------------------------------------------------------
  var witness = null;
  var bar = document.getElementById("witness-bar");
  function clearWitness() {
    views.forEach(function (v) {
      if (!v) return;
      var l = v.layers.witness;
      while (l.firstChild) l.removeChild(l.firstChild);
    });
  }
  function playWitness(i) {
    var f = findings[i];
    if (!f || !f.steps || !f.steps.length) return;
    clearWitness();
    var d = -1;
    for (var s = 0; s < f.steps.length && d < 0; s++) d = diagramOf(f.steps[s].id);
    if (d < 0) return;
    showDiagram(d);
    var v = views[d];
    var parts = [];
    (f.flows || []).forEach(function (pair) {
      var g = v.geom[pair[1]];
      if (g && isLine(g)) parts.push({ el: svgEl("polyline", { points: points(g), "class": "bk-wpath" }, v.layers.witness), step: pair[0] });
    });
    var nodes = f.steps.map(function (st, k) {
      var g = v.geom[st.id];
      if (!g) return null;
      var n = outline(g, "bk-wnode", v.layers.witness, 5);
      var b = bbox(g);
      var lbl = svgEl("g", { "class": "bk-wstep" }, v.layers.witness);
      var cx = b.x - 2, cy = b.y - 2;
      svgEl("circle", { cx: cx, cy: cy, r: 11 }, lbl);
      var t = svgEl("text", { x: cx, y: cy + 4 }, lbl);
      t.textContent = String(k + 1);
      return { node: n, label: lbl, g: g };
    });
    witness = { f: f, v: v, nodes: nodes, parts: parts, step: f.steps.length - 1, all: true };
    document.getElementById("w-title").textContent = f.msg;
    bar.hidden = false;
    stepTo(f.steps.length - 1, true);
  }
  function stepTo(k, all) {
    if (!witness) return;
    var n = witness.f.steps.length;
    k = Math.max(0, Math.min(n - 1, k));
    witness.step = k;
    witness.nodes.forEach(function (x, j) {
      if (!x) return;
      var later = !all && j > k;
      x.node.classList.toggle("later", later);
      x.label.classList.toggle("later", later);
      x.node.classList.toggle("current", !all && j === k);
      x.label.classList.toggle("current", !all && j === k);
    });
    witness.parts.forEach(function (p) { p.el.classList.toggle("later", !all && p.step > k); });
    var st = witness.f.steps[k];
    document.getElementById("w-step").textContent = all
      ? "All " + n + " steps (use ◀ ▶ to walk through)"
      : "Step " + (k + 1) + " of " + n + ": " + (names[st.id] || st.id);
    var x = witness.nodes[k];
    if (!all && x) centerOn(witness.v, x.g, true);
    else if (all) fitTo(witness.v, witness.nodes.filter(Boolean).map(function (n) { return bbox(n.g); }));
  }
  document.getElementById("w-prev").addEventListener("click", function () { if (witness) stepTo(witness.step - 1); });
  document.getElementById("w-next").addEventListener("click", function () {
    if (!witness) return;
    var cur = document.getElementById("w-step").textContent.indexOf("All") === 0 ? -1 : witness.step;
    stepTo(cur + 1);
  });
  document.getElementById("w-all").addEventListener("click", function () { if (witness) stepTo(witness.step, true); });
  document.getElementById("w-close").addEventListener("click", function () { clearWitness(); witness = null; bar.hidden = true; });
  document.querySelectorAll(".show-witness").forEach(function (b) {
    b.addEventListener("click", function (ev) {
      ev.stopPropagation();
      var i = Number(b.getAttribute("data-witness"));
      select(i, false);
      playWitness(i);
    });
  });
  document.querySelectorAll(".unit-finding").forEach(function (u) {
    u.addEventListener("click", function (ev) {
      if (ev.target.closest(".show-witness")) return;
      select(Number(u.getAttribute("data-finding")), true);
    });
  });

  // ---- waiting-time heat map --------------------------------------------------------
  var heatToggle = document.getElementById("heat-toggle");
  var legend = document.getElementById("heat-legend");
  function heatColor(t) {
    // light amber -> orange -> red, more opaque as it gets hotter
    var r = 255 - Math.round(41 * t), g = Math.round(196 - 156 * t), b = Math.round(40 * t);
    return "rgba(" + r + "," + g + "," + b + "," + (0.25 + 0.55 * t).toFixed(2) + ")";
  }
  function drawHeat(on) {
    views.forEach(function (v) {
      if (!v) return;
      var l = v.layers.heat;
      while (l.firstChild) l.removeChild(l.firstChild);
      if (!on || !DATA.heat) return;
      var max = DATA.heat.max || 1;
      Object.keys(DATA.heat.wait).forEach(function (id) {
        var g = v.geom[id];
        if (!g || isLine(g)) return;
        var w = DATA.heat.wait[id];
        var t = Math.max(0, Math.min(1, w[0] / max));
        svgEl("rect", { x: g[0] - 7, y: g[1] - 7, width: g[2] + 14, height: g[3] + 14, rx: 10, fill: heatColor(t), "class": "bk-heat" }, l);
      });
      // Labels go on top of the drawing.
      Object.keys(DATA.heat.wait).forEach(function (id) {
        var g = v.geom[id];
        if (!g || isLine(g)) return;
        var t = svgEl("text", { x: g[0] + g[2] / 2, y: g[1] + g[3] + 19, "class": "bk-heat-label" }, v.layers.marks);
        t.textContent = "wait " + DATA.heat.wait[id][1];
        t.setAttribute("data-heat-label", "1");
      });
    });
    if (!on) views.forEach(function (v) { if (v) v.layers.marks.querySelectorAll("[data-heat-label]").forEach(function (e) { e.remove(); }); });
    if (legend) {
      legend.hidden = !on;
      if (on && DATA.heat) {
        while (legend.firstChild) legend.removeChild(legend.firstChild);
        var t = document.createElement("div"); t.textContent = "Mean waiting time before each activity";
        var gr = document.createElement("span"); gr.className = "grad";
        var ends = document.createElement("div"); ends.className = "ends";
        var a = document.createElement("span"); a.textContent = "0";
        var z = document.createElement("span"); z.textContent = (DATA.heat.wait && Object.keys(DATA.heat.wait).reduce(function (m, k) { return DATA.heat.wait[k][0] === DATA.heat.max ? DATA.heat.wait[k][1] : m; }, "")) || "";
        ends.appendChild(a); ends.appendChild(z);
        legend.appendChild(t); legend.appendChild(gr); legend.appendChild(ends);
      }
    }
  }
  if (heatToggle) heatToggle.addEventListener("change", function () { drawHeat(heatToggle.checked); });
  document.querySelectorAll(".kpi tr[data-el]").forEach(function (tr) {
    tr.addEventListener("click", function () {
      var id = tr.getAttribute("data-el");
      var d = diagramOf(id);
      if (d < 0) return;
      if (heatToggle && !heatToggle.checked) { heatToggle.checked = true; drawHeat(true); }
      showDiagram(d);
      centerOn(views[d], views[d].geom[id], true);
    });
  });

  // Open on the worst witness when the URL asks for it (#witness=N), e.g. from the index.
  var m = /#witness=(\d+)/.exec(location.hash);
  if (m) playWitness(Number(m[1]));
  document.documentElement.setAttribute("data-ready", "1");
})();
