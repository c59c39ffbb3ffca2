/**
 * The timeline page's style and script, inline in every report. Plain DOM and SVG, no library:
 * a report must open anywhere, offline, years later.
 */
export const TIMELINE_STYLE = `
body{font:13px system-ui,sans-serif;margin:0;color:#222}
header{padding:8px 12px;border-bottom:1px solid #ddd}h1{font-size:16px;margin:0}header p{margin:4px 0}
nav button{margin-right:6px}#window{margin-left:10px;color:#666}
main{padding:8px 12px}svg{width:100%;display:block;border:1px solid #eee;cursor:grab;user-select:none}
.lane-label{font-size:11px;fill:#444}.role-leader{fill:#f2b134}.role-candidate{fill:#f57c5b}.role-follower{fill:#b8d4ee}
.down{fill:#555;opacity:.8}.band{fill:#c33;opacity:.08}.band-label{font-size:10px;fill:#a33}
.op{stroke:#333;stroke-width:.5}.op-OK{fill:#6cbf6c}.op-ErrVersion{fill:#bbb}.op-ErrNoKey{fill:#8fb3e0}.op-ErrMaybe{fill:#f0a04b}.op-open{fill:#e06666;opacity:.6}
.msg{stroke:#4a6fa5;stroke-width:.7;opacity:.6}.msg-dropped{stroke:#c33;stroke-dasharray:2 2}
#violation line{stroke:#d00;stroke-width:2}#violation text{fill:#d00;font-weight:bold;font-size:11px}
#tip{position:fixed;pointer-events:none;background:#fff;border:1px solid #999;padding:3px 6px;font-size:12px;display:none;max-width:480px}
#legend span{display:inline-block;margin-right:12px}#legend i{display:inline-block;width:12px;height:10px;margin-right:4px;vertical-align:middle}
#linearization table{border-collapse:collapse;margin-top:8px}#linearization td,#linearization th{border:1px solid #ccc;padding:2px 6px;text-align:left}
tr.stuck td{background:#fdd;font-weight:bold}tr.linearized td:first-child{font-weight:bold}
tr.folded td{color:#666;font-style:italic;cursor:pointer;background:#f6f6f6}
.op-thin{stroke:none}.op-stuck{stroke:#d00;stroke-width:2.5}.lane-bg{fill:#fff}.clerk-bg{fill:#f7f7f7}
`;

export const TIMELINE_SCRIPT = `
(function () {
  'use strict';
  var d = JSON.parse(document.getElementById('data').textContent);
  var svg = document.getElementById('timeline'), tip = document.getElementById('tip');
  var NS = 'http://www.w3.org/2000/svg', LABEL = 70, LANE = 22, GAP = 6, MSG_ZOOM = 3e6;
  var rows = d.servers + d.clerks, height = 24 + rows * (LANE + GAP) + 10;
  var view = { from: 0, to: Math.max(1, d.endMicros) };
  svg.setAttribute('height', height);
  function width() { return svg.clientWidth || 1000; }
  function x(t) { return LABEL + (t - view.from) / (view.to - view.from) * (width() - LABEL - 10); }
  function laneY(row) { return 20 + row * (LANE + GAP); }
  function el(name, attrs, parent, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    (parent || svg).appendChild(e);
    return e;
  }
  function hover(e, text) {
    e.addEventListener('mousemove', function (ev) { tip.style.display = 'block'; tip.style.left = ev.clientX + 12 + 'px'; tip.style.top = ev.clientY + 12 + 'px'; tip.textContent = text; });
    e.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  }
  function span(from, to) {
    var a = Math.max(x(from), LABEL), b = Math.min(x(to), width() - 10);
    return b > a ? [a, Math.max(b - a, 1)] : null;
  }
  function secs(t) { return (t / 1e6).toFixed(6) + 's'; }
  function draw() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    document.getElementById('window').textContent = secs(view.from) + ' – ' + secs(view.to);
    for (var cl = 0; cl < d.clerks; cl++) el('rect', { x: LABEL, y: laneY(d.servers + cl), width: width() - LABEL - 10, height: LANE, 'class': 'clerk-bg' });
    var labelEnd = -1;
    d.bands.forEach(function (b) {
      var s = span(b.from, b.to); if (!s) return;
      var r = el('rect', { x: s[0], y: 14, width: s[1], height: height - 18, 'class': 'band fault-band' });
      hover(r, b.text + ' (' + secs(b.from) + ' – ' + secs(b.to) + ')');
      // A label is drawn only where the one before it has ended (about 5.5 px a character),
      // cut to the room it has; the tooltip always has the whole text.
      if (s[0] < labelEnd) return;
      var room = Math.floor((width() - 10 - s[0]) / 5.5), text = b.text.slice(0, Math.min(40, room));
      if (text.length < 3) return;
      el('text', { x: s[0] + 2, y: 11, 'class': 'band-label' }, undefined, text);
      labelEnd = s[0] + 2 + text.length * 5.5 + 6;
    });
    d.roles.forEach(function (r) {
      var s = span(r.from, r.to); if (!s) return;
      var rect = el('rect', { x: s[0], y: laneY(r.node), width: s[1], height: LANE, 'class': 'role role-' + r.role });
      hover(rect, 'server ' + r.node + ': ' + r.role + ' of term ' + r.term + ' (' + secs(r.from) + ' – ' + secs(r.to) + ')');
      if (s[1] > 26) el('text', { x: s[0] + 2, y: laneY(r.node) + 14, 'class': 'lane-label' }, undefined, 't' + r.term);
    });
    d.down.forEach(function (r) {
      var s = span(r.from, r.to); if (!s) return;
      hover(el('rect', { x: s[0], y: laneY(r.node), width: s[1], height: LANE, 'class': 'down' }), 'server ' + r.node + ' down ' + secs(r.from) + ' – ' + secs(r.to));
    });
    var stuckOp = d.linearization ? d.linearization.stuckOp : null;
    d.ops.forEach(function (o, i) {
      var s = span(o.call, o.ret === null ? d.endMicros : o.ret); if (!s) return;
      // Bars a few pixels wide lose their outline: outlines side by side make a dark smear.
      var cls = 'op op-' + o.result + (s[1] < 4 ? ' op-thin' : '') + (i === stuckOp ? ' op-stuck' : '');
      var rect = el('rect', { x: s[0], y: laneY(d.servers + o.client) + 3, width: s[1], height: LANE - 6, 'class': cls });
      hover(rect, 'clerk ' + o.client + ': ' + o.text + ' [' + secs(o.call) + ' – ' + (o.ret === null ? 'open' : secs(o.ret)) + ']');
    });
    if (view.to - view.from <= MSG_ZOOM) {
      d.messages.forEach(function (m) {
        if (m.at < view.from || m.sent > view.to || m.from >= d.servers || m.to >= d.servers) return;
        var line = el('line', { x1: x(m.sent), y1: laneY(m.from) + LANE / 2, x2: x(m.at), y2: laneY(m.to) + LANE / 2, 'class': 'msg' + (m.dropped ? ' msg-dropped' : '') });
        hover(line, m.from + ' → ' + m.to + ': ' + m.text + (m.dropped ? ' (dropped)' : ''));
      });
    }
    if (d.violation) {
      var vg = el('g', { id: 'violation', 'class': 'violation-marker' });
      var vx = x(d.violation.t);
      el('line', { x1: vx, y1: 14, x2: vx, y2: height - 4 }, vg);
      var nearEnd = vx > width() - 180;
      el('text', { x: nearEnd ? vx - 4 : vx + 4, y: height - 6, 'text-anchor': nearEnd ? 'end' : 'start' }, vg,
        d.violation.invariant + ' at event #' + d.violation.event);
      hover(vg, d.violation.invariant + ': ' + d.violation.message + ' — ' + d.violation.text);
    }
    // Lane names last, over a blank margin: nothing drawn in the lanes covers them.
    el('rect', { x: 0, y: 14, width: LABEL - 1, height: height - 14, 'class': 'lane-bg' });
    for (var n = 0; n < d.servers; n++) {
      var g = el('g', { 'class': 'lane server-lane', 'data-node': n });
      el('text', { x: 4, y: laneY(n) + 15, 'class': 'lane-label' }, g, 'server ' + n);
    }
    for (var c = 0; c < d.clerks; c++) {
      var gc = el('g', { 'class': 'lane clerk-lane', 'data-clerk': c });
      el('text', { x: 4, y: laneY(d.servers + c) + 15, 'class': 'lane-label' }, gc, 'clerk ' + c);
    }
    svg.setAttribute('data-from', view.from); svg.setAttribute('data-to', view.to);
  }
  function zoom(factor, around) {
    var span = view.to - view.from, t = around === undefined ? view.from + span / 2 : around;
    var next = Math.max(200, Math.min(d.endMicros, span * factor));
    view.from = Math.max(0, t - (t - view.from) * next / span); view.to = Math.min(d.endMicros, view.from + next);
    draw();
  }
  svg.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    var t = view.from + (ev.offsetX - LABEL) / (width() - LABEL - 10) * (view.to - view.from);
    zoom(ev.deltaY < 0 ? 0.7 : 1 / 0.7, t);
  }, { passive: false });
  var drag = null;
  svg.addEventListener('mousedown', function (ev) { drag = { x: ev.clientX, from: view.from, to: view.to }; });
  window.addEventListener('mouseup', function () { drag = null; });
  window.addEventListener('mousemove', function (ev) {
    if (!drag) return;
    var dt = (ev.clientX - drag.x) / (width() - LABEL - 10) * (drag.to - drag.from);
    var from = Math.max(0, drag.from - dt), len = drag.to - drag.from;
    view.from = Math.min(from, Math.max(0, d.endMicros - len)); view.to = view.from + len; draw();
  });
  document.getElementById('fit').onclick = function () { view.from = 0; view.to = d.endMicros; draw(); };
  document.getElementById('zoom-in').onclick = function () { zoom(0.5); };
  document.getElementById('zoom-out').onclick = function () { zoom(2); };
  document.getElementById('to-violation').onclick = function () {
    var focus = d.linearization && d.linearization.focus;
    if (focus) {
      // A linearizability failure is checked at the end of the run; the bug is where the
      // search got stuck: that operation and the ones on its key that overlap it.
      var pad = Math.max(2000, (focus.to - focus.from) * 0.15);
      view.from = Math.max(0, focus.from - pad); view.to = Math.min(d.endMicros, focus.to + pad);
      draw();
      var row = document.getElementById('stuck-row');
      if (row) row.scrollIntoView({ block: 'center' });
      return;
    }
    if (!d.violation) return;
    view.from = Math.max(0, d.violation.t - 1e6); view.to = Math.min(d.endMicros, d.violation.t + 1e6); draw();
  };
  window.addEventListener('resize', draw);
  var legend = document.getElementById('legend');
  [['role-leader', 'leader'], ['role-candidate', 'candidate'], ['role-follower', 'follower'], ['down', 'down'], ['op-OK', 'OK'],
   ['op-ErrVersion', 'ErrVersion'], ['op-ErrNoKey', 'ErrNoKey'], ['op-ErrMaybe', 'ErrMaybe'], ['op-open', 'open (unknown outcome)']]
    .forEach(function (p) { var s = document.createElement('span'); s.innerHTML = '<i></i>' + p[1]; legend.appendChild(s);
      var probe = el('rect', { 'class': p[0] }); s.firstChild.style.background = getComputedStyle(probe).fill; svg.removeChild(probe); });
  if (d.linearization) {
    var lin = d.linearization, box = document.getElementById('linearization');
    var h = document.createElement('h2'); h.textContent = 'Longest partial linearization of key ' + lin.partition + ' (state after it: ' + lin.state + ')';
    box.appendChild(h);
    var table = document.createElement('table'); table.innerHTML = '<tr><th>order</th><th>clerk</th><th>call</th><th>return</th><th>operation</th></tr>';
    // The table opens at the stuck row: a window around it, the rest folded (a click unfolds).
    var WINDOW = 12, at = lin.stuckRow === null ? 0 : lin.stuckRow;
    var first = Math.max(0, at - WINDOW), last = Math.min(lin.ops.length, at + WINDOW + 1);
    function row(o, i) {
      var tr = document.createElement('tr'); tr.className = (o.order !== null ? 'linearized' : '') + (o.stuck ? ' stuck' : '');
      if (o.stuck) tr.id = 'stuck-row';
      [o.order === null ? (o.stuck ? 'stuck here' : '') : o.order, o.client, secs(o.call), o.ret === null ? 'open' : secs(o.ret), o.text]
        .forEach(function (v) { var td = document.createElement('td'); td.textContent = String(v); tr.appendChild(td); });
      return tr;
    }
    function fold(from, to) {
      if (to <= from) return null;
      var tr = document.createElement('tr'); tr.className = 'folded';
      var td = document.createElement('td'); td.colSpan = 5; td.textContent = '… ' + (to - from) + ' more operations (rows ' + (from + 1) + '–' + to + '): show';
      tr.appendChild(td);
      tr.onclick = function () { for (var i = from; i < to; i++) table.insertBefore(row(lin.ops[i], i), tr); table.removeChild(tr); };
      return tr;
    }
    var before = fold(0, first); if (before) table.appendChild(before);
    for (var i = first; i < last; i++) table.appendChild(row(lin.ops[i], i));
    var afterRows = fold(last, lin.ops.length); if (afterRows) table.appendChild(afterRows);
    box.appendChild(table);
  }
  draw();
})();
`;
