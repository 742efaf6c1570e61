// Sample code tabs, copy buttons and "Fill in my key". Without JavaScript every sample
// stays visible, with the API key placeholder. Messages: gettext / ngettext from the
// scripts' catalogue (portal/jsi18n.py).
(function () {
  "use strict";
  // The chosen language is remembered across pages (and visits) in this browser.
  var LANGUAGE_KEY = "portal.sampleLanguage";

  function storedLanguage() {
    try {
      return window.localStorage.getItem(LANGUAGE_KEY);
    } catch (e) {
      return null; // storage disabled: every page starts on the first language
    }
  }

  function storeLanguage(tab) {
    try {
      window.localStorage.setItem(LANGUAGE_KEY, tab.id.replace(/^tab-/, ""));
    } catch (e) {
      // Nothing to remember it in.
    }
  }

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
        storeLanguage(tab);
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
          storeLanguage(next);
        }
      });
    });
    tablist.hidden = false;
    container.classList.add("tabs-ready");
    var remembered = document.getElementById("tab-" + storedLanguage());
    select(tabs.indexOf(remembered) !== -1 ? remembered : tabs[0], false);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function initFillKey(box) {
    // POST, like My Profile's reveal: the key is in this page's memory, never its HTML.
    var button = box.querySelector("button");
    var status = box.querySelector("[role=status]");
    var placeholder = box.dataset.placeholder;
    box.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      fetch(box.dataset.url, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (payload) {
          if (!payload.api_key) throw new Error(gettext("your account has no active API key"));
          var filled = 0;
          document.querySelectorAll("pre code").forEach(function (code) {
            if (code.textContent.indexOf(placeholder) === -1) return;
            code.textContent = code.textContent.split(placeholder).join(payload.api_key);
            filled += 1;
          });
          status.textContent = interpolate(
            ngettext(
              "Your API key is filled in %s sample.",
              "Your API key is filled in %s samples.",
              filled
            ),
            [filled]
          );
        })
        .catch(function (error) {
          status.textContent = interpolate(gettext("Could not fetch your key: %s"), [error.message]);
          button.disabled = false;
        });
    });
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
        done(gettext("Select the code and copy it"));
        return;
      }
      navigator.clipboard.writeText(code.textContent).then(
        function () {
          done(gettext("Copied"));
        },
        function () {
          done(gettext("Copy failed: select the code"));
        }
      );
    });
  }

  document.querySelectorAll("[data-tabs]").forEach(initTabs);
  document.querySelectorAll(".copy-button").forEach(initCopy);
  document.querySelectorAll("[data-fill-key]").forEach(initFillKey);
})();
