// Click a column header of a table.sortable to sort by it; click again to reverse.
// Cells sort by their data-value (numbers) or their text.  No network, no libraries.
document.querySelectorAll("table.sortable").forEach(function (table) {
  var headers = table.querySelectorAll("thead th");
  headers.forEach(function (th, column) {
    th.addEventListener("click", function () {
      var numeric = th.dataset.type === "number";
      var down = th.getAttribute("aria-sort") !== "descending";
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column], y = b.cells[column];
        var vx = numeric ? parseFloat(x.dataset.value) : x.textContent;
        var vy = numeric ? parseFloat(y.dataset.value) : y.textContent;
        var order = numeric ? vx - vy : vx.localeCompare(vy);
        return down ? -order : order;
      });
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", down ? "descending" : "ascending");
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
