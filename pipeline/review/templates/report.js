(function () {
  "use strict";
  // accents and case do not matter when filtering: French names are typed either way
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function items(table) {
    var groups = table.querySelectorAll(":scope > tbody.item");
    if (groups.length) return Array.prototype.slice.call(groups);
    var body = table.tBodies[0];
    return body ? Array.prototype.slice.call(body.rows) : [];
  }
  function cellKey(item, col) {
    var row = item.tagName === "TBODY" ? item.rows[0] : item;
    var cell = row && row.cells[col];
    if (!cell) return "";
    var v = cell.getAttribute("data-sort");
    return v !== null ? v : cell.textContent.trim();
  }
  function sortBy(table, th) {
    var col = th.cellIndex;
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var list = items(table);
    var numeric = list.every(function (it) { var k = cellKey(it, col); return k === "" || !isNaN(Number(k)); });
    list.sort(function (a, b) {
      var x = cellKey(a, col), y = cellKey(b, col), r;
      if (numeric) {
        // empty cells last whichever the direction
        if (x === "" || y === "") return (x === "") - (y === "");
        r = Number(x) - Number(y);
      } else {
        r = x.localeCompare(y, "fr", { sensitivity: "base" });
      }
      return dir === "ascending" ? r : -r;
    });
    var parent = list.length && list[0].parentNode;
    list.forEach(function (it) { parent.appendChild(it); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    Array.prototype.forEach.call(head.cells, function (th) {
      th.setAttribute("tabindex", "0");
      th.addEventListener("click", function () { sortBy(table, th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sortBy(table, th); });
    });
  });
  var box = document.getElementById("filter");
  var shown = document.getElementById("shown");
  var tables = Array.prototype.slice.call(document.querySelectorAll("table.filterable"));
  var texts = new Map();
  tables.forEach(function (t) { items(t).forEach(function (it) { texts.set(it, fold(it.textContent)); }); });
  function applyFilter() {
    var q = fold(box.value.trim());
    var n = 0, total = 0;
    tables.forEach(function (t) {
      items(t).forEach(function (it) {
        var hit = !q || texts.get(it).indexOf(q) >= 0;
        it.classList.toggle("hidden", !hit);
        total += 1;
        if (hit) n += 1;
      });
    });
    shown.textContent = q ? n + " / " + total + " rows" : "";
  }
  if (box) box.addEventListener("input", applyFilter);
  document.documentElement.setAttribute("data-report-ready", "1");
})();
