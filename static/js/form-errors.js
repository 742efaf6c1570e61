// After a form comes back with errors, move the focus to the first field in error (or
// to the form's error summary), so that a keyboard or screen-reader user lands on what
// to fix instead of the top of the page. Loaded on every page by base.html.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (document.activeElement && document.activeElement !== document.body) return;
    var target =
      document.querySelector("main form [aria-invalid='true']") ||
      document.querySelector("main form .form-errors, main form .errorlist");
    if (!target) return;
    if (!target.matches("input, select, textarea, button")) target.setAttribute("tabindex", "-1");
    target.focus();
  });
})();
