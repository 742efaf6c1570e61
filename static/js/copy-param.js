// Copy buttons of the parameters tables (apis/api_detail.html): each button copies the
// name in its data-copy attribute. The buttons are `hidden` in the HTML and shown here,
// so a reader without JavaScript (or without a clipboard) never sees a dead button.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button.copy-param[data-copy]");
  if (!buttons.length || !navigator.clipboard || !window.isSecureContext) {
    return;
  }
  // Messages in the page's language: gettext from the scripts' catalogue (portal/jsi18n.py).
  var failedLabel = gettext("Could not copy: select the name and copy it.");
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  function copied(button) {
    button.setAttribute("data-copied", "true");
    // Translators: %s is the parameter name just copied (input_Amount).
    status.textContent = interpolate(gettext("Copied %s"), [button.getAttribute("data-copy")]);
    window.setTimeout(function () { button.removeAttribute("data-copied"); }, 1500);
  }

  buttons.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(
        function () { copied(button); },
        function () { status.textContent = failedLabel; }
      );
    });
  });
})();
