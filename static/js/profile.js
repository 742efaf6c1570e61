// My Profile: reveal the API key in place and copy keys to the clipboard.
// Without JavaScript the "Reveal API Key" form posts and the page comes back with the key.
// Button labels: gettext from the scripts' catalogue (portal/jsi18n.py).
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain-HTTP origins have no Clipboard API: fall back to a temporary selection.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand("copy");
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject();
  }

  function setupCopyButtons() {
    document.querySelectorAll(".js-copy").forEach(function (button) {
      var target = document.getElementById(button.dataset.copyTarget);
      if (!target) {
        return;
      }
      if (target.dataset.revealed !== "false") {
        button.hidden = false;
      }
      var label = button.textContent;
      button.addEventListener("click", function () {
        var text = "value" in target && target.tagName === "TEXTAREA" ? target.value : target.textContent;
        copyText(text.trim()).then(
          function () { button.textContent = gettext("Copied"); },
          function () { button.textContent = gettext("Select and copy by hand"); }
        );
        window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  }

  function setupReveal() {
    var form = document.getElementById("reveal-form");
    var value = document.getElementById("api-key-value");
    if (!form || !value) {
      return;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Accept": "application/json",
          "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value
        }
      })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          value.textContent = data.api_key;
          value.dataset.revealed = "true";
          form.hidden = true;
          var copy = document.querySelector('.js-copy[data-copy-target="api-key-value"]');
          if (copy) { copy.hidden = false; }
        })
        .catch(function () { form.submit(); });
    });
  }

  setupCopyButtons();
  setupReveal();
})();
