// Reports page: show "From"/"To" only for a custom range, turn the Table and Chart
// sections into tabs, and draw the Plotly charts from the report's per-day data
// (passed with json_script). Without JavaScript both sections show and the table works.
// Chart titles, axis titles, trace names and Plotly's own toolbar and notices are
// translated: gettext from the scripts' catalogue (portal/jsi18n.py).
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

  // A title too long for its chart (a phone, a long translation) goes on two lines,
  // broken at the space nearest its middle: Plotly does not wrap titles.
  function fitTitle(text, chartId) {
    var room = document.getElementById(chartId).clientWidth - 80; // the plot's margins
    if (text.length * 9 <= room) return text; // about 9 px a character at the title's size
    var middle = Math.floor(text.length / 2);
    var before = text.lastIndexOf(" ", middle);
    var after = text.indexOf(" ", middle);
    var at = before === -1 || (after !== -1 && after - middle < middle - before) ? after : before;
    return at === -1 ? text : text.slice(0, at) + "<br>" + text.slice(at + 1);
  }

  function layout(chartId, title, yTitle, data, extra) {
    // One bar or point per local day, placed at noon so it sits in the middle of its
    // day; ticks at noon too, at most about ten of them.
    var days = Math.round((Date.parse(data.date_to) - Date.parse(data.date_from)) / DAY_MS) + 1;
    var text = fitTitle(title, chartId);
    var extraLine = text === title ? 0 : 24;
    var base = {
      // Title on the left, below the row of Plotly's toolbar (top right): never under it.
      title: { text: text, x: 0, xref: "paper", xanchor: "left", y: 1, yref: "container", yanchor: "top", pad: { t: 36 } },
      height: 320 + extraLine,
      margin: { l: 60, r: 20, t: 80 + extraLine, b: 50 },
      barmode: "stack",
      legend: { orientation: "h", y: -0.2 },
      xaxis: {
        type: "date",
        range: [data.date_from + " 00:00", addDays(data.date_to, 1) + " 00:00"],
        tick0: data.date_from + " 12:00",
        dtick: DAY_MS * Math.max(1, Math.ceil(days / 10)),
        tickformat: "%Y-%m-%d",
        // Hover labels as numbers too (Plotly would name the month in English).
        hoverformat: "%Y-%m-%d",
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

  // Plotly's own words (toolbar buttons, notices) in the page's language: a Plotly
  // locale of the portal's for the page's language, its dictionary from the scripts'
  // catalogue. Plotly shows any word missing here in English. Not named "en" or "fr":
  // the format given here is partial, and Plotly would then lose the rest of its own
  // English format (month names...) and fail to draw.
  function plotlyLocale() {
    var name = "portal_" + (document.documentElement.lang || "en");
    // Plotly's English words (its dictionary's keys) and the page's.
    var dictionary = {
      Autoscale: gettext("Autoscale"),
      "Box Select": gettext("Box Select"),
      "Double-click on legend to isolate one trace": gettext(
        "Double-click on legend to isolate one trace"
      ),
      "Double-click to zoom back out": gettext("Double-click to zoom back out"),
      "Download plot": gettext("Download plot"),
      "Download plot as a PNG": gettext("Download plot as a PNG"),
      "Image download succeeded": gettext("Image download succeeded"),
      "Lasso Select": gettext("Lasso Select"),
      Pan: gettext("Pan"),
      "Preparing image - this may take a few seconds": gettext(
        "Preparing image - this may take a few seconds"
      ),
      "Reset axes": gettext("Reset axes"),
      "Sorry, there was a problem downloading your image!": gettext(
        "Sorry, there was a problem downloading your image!"
      ),
      Zoom: gettext("Zoom"),
      "Zoom in": gettext("Zoom in"),
      "Zoom out": gettext("Zoom out"),
    };
    window.Plotly.register({
      moduleType: "locale",
      name: name,
      dictionary: dictionary,
      format: {
        decimal: get_format("DECIMAL_SEPARATOR"),
        thousands: get_format("THOUSAND_SEPARATOR"),
      },
    });
    return name;
  }

  function drawCharts(data) {
    if (!window.Plotly || !data || !data.per_day.length) return;
    var days = data.per_day;
    var x = days.map(function (d) {
      return d.date + " 12:00";
    });
    var config = { responsive: true, displaylogo: false, locale: plotlyLocale() };
    var calls = gettext("Calls");
    var rate = gettext("Success rate (%)");
    window.Plotly.newPlot(
      "chart-calls",
      [
        { type: "bar", name: gettext("Successful"), width: DAY_MS * 0.7, x: x, y: column(days, "successes"), marker: { color: COLORS.success } },
        { type: "bar", name: gettext("Failed"), width: DAY_MS * 0.7, x: x, y: column(days, "failures"), marker: { color: COLORS.failure } },
      ],
      layout("chart-calls", gettext("Calls per day by outcome"), calls, data),
      config
    );
    window.Plotly.newPlot(
      "chart-success",
      [
        {
          type: "scatter",
          mode: "lines+markers",
          name: gettext("Success rate"),
          x: x,
          y: column(days, "success_rate"),
          line: { color: COLORS.success },
        },
      ],
      layout("chart-success", gettext("Success rate per day"), rate, data, {
        yaxis: { title: { text: rate }, range: [0, 105] },
      }),
      config
    );
    var latency = [
      { type: "scatter", mode: "lines+markers", name: gettext("Average"), x: x, y: column(days, "latency_avg_ms"), line: { color: COLORS.avg } },
      { type: "scatter", mode: "lines+markers", name: gettext("Slowest"), x: x, y: column(days, "latency_max_ms"), line: { color: COLORS.max, dash: "dot" } },
    ];
    [["p50", data.p50], ["p95", data.p95]].forEach(function (p) {
      if (p[1] === null) return;
      latency.push({
        type: "scatter",
        mode: "lines",
        name: interpolate(
          // Translators: %(percentile)s is p50 or p95 (the latency percentile).
          gettext("%(percentile)s over the range (≈ %(ms)s ms, within 2 %)"),
          // The page's decimal mark, as in the summary above (12,9 in French).
          { percentile: p[0], ms: String(p[1]).replace(".", get_format("DECIMAL_SEPARATOR")) },
          true
        ),
        x: [data.date_from + " 00:00", addDays(data.date_to, 1) + " 00:00"],
        y: [p[1], p[1]],
        line: { color: "#5b6670", dash: p[0] === "p50" ? "dash" : "dashdot", width: 1 },
      });
    });
    window.Plotly.newPlot(
      "chart-latency",
      latency,
      layout("chart-latency", gettext("Latency per day"), gettext("Milliseconds"), data),
      config
    );
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
    tablist.setAttribute("aria-label", gettext("Report views"));
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
