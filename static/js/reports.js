// Reports page: show "From"/"To" only for a custom range, turn the Table and Chart
// sections into tabs, and draw the Plotly charts from the report's per-day data
// (passed with json_script). Without JavaScript both sections show and the table works.
(function () {
  "use strict";

  function setUpCustomDates() {
    var range = document.getElementById("id_range");
    var dates = document.querySelector("[data-custom-dates]");
    if (!range || !dates) return;
    var hasErrors = dates.querySelector(".errorlist") !== null;
    function update() {
      dates.hidden = range.value !== "custom" && !hasErrors;
    }
    range.addEventListener("change", function () {
      hasErrors = false;
      update();
    });
    // A retired key made calls only while it was in use: choosing one snaps the range
    // to that period (a "Last 7 days" of it would be empty).
    var key = document.getElementById("id_key");
    var periodsNode = document.getElementById("report-key-periods");
    var periods = periodsNode ? JSON.parse(periodsNode.textContent) : {};
    var from = document.getElementById("id_date_from");
    var to = document.getElementById("id_date_to");
    if (key && from && to) {
      key.addEventListener("change", function () {
        var period = periods[key.value];
        if (!period) return;
        range.value = "custom";
        from.value = period.from;
        to.value = period.to;
        update();
      });
    }
    update();
  }

  function readChartData() {
    var node = document.getElementById("report-chart-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  var COLORS = { success: "#00843d", failure: "#c62828", avg: "#1e40af", max: "#b26a00" };

  var DAY_MS = 86400000;

  function addDays(isoDate, days) {
    var d = new Date(isoDate + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  function layout(title, yTitle, data, extra) {
    // One bar or point per local day, placed at noon so it sits in the middle of its
    // day; ticks at noon too, at most about ten of them.
    var days = Math.round((Date.parse(data.date_to) - Date.parse(data.date_from)) / DAY_MS) + 1;
    var base = {
      // Title on the left, below the row of Plotly's toolbar (top right): never under it.
      title: { text: title, x: 0, xref: "paper", xanchor: "left", y: 1, yref: "container", yanchor: "top", pad: { t: 36 } },
      height: 320,
      margin: { l: 60, r: 20, t: 80, b: 50 },
      barmode: "stack",
      legend: { orientation: "h", y: -0.2 },
      xaxis: {
        type: "date",
        range: [data.date_from + " 00:00", addDays(data.date_to, 1) + " 00:00"],
        tick0: data.date_from + " 12:00",
        dtick: DAY_MS * Math.max(1, Math.ceil(days / 10)),
        tickformat: "%Y-%m-%d",
      },
      yaxis: { title: { text: yTitle }, rangemode: "tozero" },
    };
    return Object.assign(base, extra || {});
  }

  function column(days, name) {
    return days.map(function (d) {
      return d[name];
    });
  }

  function drawCharts(data) {
    if (!window.Plotly || !data || !data.per_day.length) return;
    var days = data.per_day;
    var x = days.map(function (d) {
      return d.date + " 12:00";
    });
    var config = { responsive: true, displaylogo: false };
    window.Plotly.newPlot(
      "chart-calls",
      [
        { type: "bar", name: "Successful", width: DAY_MS * 0.7, x: x, y: column(days, "successes"), marker: { color: COLORS.success } },
        { type: "bar", name: "Failed", width: DAY_MS * 0.7, x: x, y: column(days, "failures"), marker: { color: COLORS.failure } },
      ],
      layout("Calls per day by outcome", "Calls", data),
      config
    );
    window.Plotly.newPlot(
      "chart-success",
      [
        {
          type: "scatter",
          mode: "lines+markers",
          name: "Success rate",
          x: x,
          y: column(days, "success_rate"),
          line: { color: COLORS.success },
        },
      ],
      layout("Success rate per day", "Success rate (%)", data, {
        yaxis: { title: { text: "Success rate (%)" }, range: [0, 105] },
      }),
      config
    );
    var latency = [
      { type: "scatter", mode: "lines+markers", name: "Average", x: x, y: column(days, "latency_avg_ms"), line: { color: COLORS.avg } },
      { type: "scatter", mode: "lines+markers", name: "Slowest", x: x, y: column(days, "latency_max_ms"), line: { color: COLORS.max, dash: "dot" } },
    ];
    [["p50", data.p50], ["p95", data.p95]].forEach(function (p) {
      if (p[1] === null) return;
      latency.push({
        type: "scatter",
        mode: "lines",
        name: p[0] + " over the range (\u2248 " + p[1] + " ms, within 2 %)",
        x: [data.date_from + " 00:00", addDays(data.date_to, 1) + " 00:00"],
        y: [p[1], p[1]],
        line: { color: "#5b6670", dash: p[0] === "p50" ? "dash" : "dashdot", width: 1 },
      });
    });
    window.Plotly.newPlot("chart-latency", latency, layout("Latency per day", "Milliseconds", data), config);
  }

  // Plotly (1.2 MB) is fetched only when a report with calls shows its charts.
  function withPlotly(then) {
    var holder = document.querySelector("[data-plotly-src]");
    if (window.Plotly) return then();
    if (!holder) return;
    var script = document.createElement("script");
    script.src = holder.dataset.plotlySrc;
    script.addEventListener("load", then);
    document.head.appendChild(script);
  }

  function setUpTabs() {
    var root = document.querySelector("[data-report-views]");
    if (!root) return;
    var tablist = root.querySelector("[data-tablist]");
    var tabs = Array.prototype.slice.call(tablist.querySelectorAll("[data-tab]"));
    var data = readChartData();
    var drawn = false;
    tablist.setAttribute("role", "tablist");
    tablist.setAttribute("aria-label", "Report views");
    tablist.hidden = false;
    tabs.forEach(function (tab) {
      var panel = document.getElementById(tab.dataset.tab);
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
    });

    function select(chosen) {
      tabs.forEach(function (tab) {
        var on = tab === chosen;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        document.getElementById(tab.dataset.tab).hidden = !on;
      });
      if (chosen.dataset.tab === "panel-chart" && !drawn) {
        // Plotly sizes a chart from its container, so draw once the panel is visible.
        drawn = true;
        withPlotly(function () {
          drawCharts(data);
        });
      }
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "#" + chosen.id.replace("tab-", ""));
      }
    }

    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () {
        select(tab);
      });
      tab.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (!step) return;
        var next = tabs[(index + step + tabs.length) % tabs.length];
        next.focus();
        select(next);
      });
    });
    select(window.location.hash === "#chart" ? tabs[1] : tabs[0]);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpCustomDates();
    setUpTabs();
  });
})();
