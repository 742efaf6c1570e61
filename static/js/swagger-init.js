// Starts Swagger UI on the reference page (no inline script: CSP is script-src 'self').
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: node.dataset.specUrl,
    domNode: node,
    deepLinking: true,
    tryItOutEnabled: false,
    // The portal works offline: never ask the public validator service.
    validatorUrl: null,
  });
})();
