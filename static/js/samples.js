// Sample code tabs and copy buttons. Without JavaScript every sample stays visible.
(function () {
  "use strict";

  function initTabs(container) {
    var tablist = container.querySelector("[role=tablist]");
    var tabs = Array.prototype.slice.call(container.querySelectorAll("[role=tab]"));
    if (!tablist || tabs.length === 0) {
      return;
    }
    function select(tab, focus) {
      tabs.forEach(function (other) {
        var selected = other === tab;
        other.setAttribute("aria-selected", selected ? "true" : "false");
        other.tabIndex = selected ? 0 : -1;
        document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
      });
      if (focus) {
        tab.focus();
      }
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () {
        select(tab, false);
      });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
        if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
        if (event.key === "Home") next = tabs[0];
        if (event.key === "End") next = tabs[tabs.length - 1];
        if (next) {
          event.preventDefault();
          select(next, true);
        }
      });
    });
    tablist.hidden = false;
    container.classList.add("tabs-ready");
    select(tabs[0], false);
  }

  function initCopy(button) {
    button.addEventListener("click", function () {
      var code = document.getElementById(button.dataset.copyTarget);
      var label = button.textContent;
      function done(message) {
        button.textContent = message;
        window.setTimeout(function () {
          button.textContent = label;
        }, 1500);
      }
      if (!code || !navigator.clipboard) {
        done("Select the code and copy it");
        return;
      }
      navigator.clipboard.writeText(code.textContent).then(
        function () {
          done("Copied");
        },
        function () {
          done("Copy failed: select the code");
        }
      );
    });
  }

  document.querySelectorAll("[data-tabs]").forEach(initTabs);
  document.querySelectorAll(".copy-button").forEach(initCopy);
})();
