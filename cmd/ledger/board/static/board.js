// The board's own script: charts from each .chart's data-chart option,
// and the live misses pushed by the server (htmx's SSE extension inserts
// them; this marks them and refreshes the overview's counts).
(function () {
  "use strict";
  function charts(root) {
    if (!window.echarts) return;
    root.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      el.dataset.drawn = "1";
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(el.dataset.chart));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { charts(document); });
  // A page left for another closes its live stream: the browser's
  // back-forward cache would keep it open, and six open streams to one
  // host stop the next page from loading.
  var source;
  document.body.addEventListener("htmx:sseOpen", function (e) { source = e.detail.source; });
  window.addEventListener("pagehide", function () { if (source) source.close(); });
  window.addEventListener("pageshow", function (e) { if (e.persisted) location.reload(); });
  document.body.addEventListener("htmx:sseMessage", function () {
    var list = document.getElementById("live-misses");
    if (!list) return;
    var none = list.querySelector("li.none");
    if (none) none.remove();
    var first = list.querySelector("li.miss");
    if (first) first.classList.add("fresh");
    var counts = document.getElementById("light-counts");
    if (counts) {
      fetch(location.href, { headers: { "HX-Request": "true" } }).then(function (r) { return r.text(); }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("light-counts");
        if (fresh) counts.replaceWith(fresh);
      });
    }
  });
})();
