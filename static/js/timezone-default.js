// The developer's time zone, from the browser, the first time: base.html loads this
// script only while the profile has no zone. It posts the IANA name the browser uses
// (Intl API) once; the server validates it and stores it only if still unset.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch || !window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) {
    return;
  }
  var body = new URLSearchParams();
  body.set("time_zone", zone);
  fetch(script.dataset.url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": script.dataset.csrf, Accept: "application/json" },
    body: body,
  }).catch(function () {
    // Nothing to do: dates stay in UTC and the next page tries again.
  });
})();
