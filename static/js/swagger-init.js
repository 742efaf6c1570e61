// Starts Swagger UI on the reference page (no inline script: CSP is script-src 'self').
// For a signed-in developer it pre-authorises "Try it out" with a bearer built by the
// portal from the developer's API key (the same endpoint the console uses).
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var status = document.getElementById("reference-auth-status");

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function authorise(ui) {
    var url = node.dataset.bearerUrl;
    if (!url) return;
    fetch(url, { method: "POST", headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (payload) {
          if (!response.ok) throw new Error(payload.error || "HTTP " + response.status);
          return payload.bearer;
        });
      })
      .then(function (bearer) {
        ui.preauthorizeApiKey("bearer", bearer);
        if (status) status.textContent = gettext("Authorised with a bearer built from your API key.");
      })
      .catch(function (error) {
        if (status) {
          status.textContent = interpolate(gettext("Could not build your bearer: %s"), [error.message]);
        }
      });
  }

  var ui = window.SwaggerUIBundle({
    url: node.dataset.specUrl,
    domNode: node,
    // No deep links: Swagger UI puts them as links inside each operation's toggle
    // button (axe-core: nested-interactive).
    deepLinking: false,
    // The portal works offline: never ask the public validator service.
    validatorUrl: null,
    onComplete: function () {
      // Swagger UI's server <select> has no label (axe-core: select-name).
      var servers = document.getElementById("servers");
      if (servers) servers.setAttribute("aria-label", gettext("Server"));
      authorise(ui);
    },
  });
})();
