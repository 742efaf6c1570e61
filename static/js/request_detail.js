// A call's permalink page: "Copy as curl". Without JavaScript the command stays visible
// in its <pre> to select by hand, and the button stays hidden. Labels: gettext from the
// scripts' catalogue (portal/jsi18n.py).
(function () {
  "use strict";
  var button = document.querySelector("[data-copy-target=call-curl]");
  var source = document.getElementById("call-curl");
  if (!button || !source || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var label = button.textContent;
    navigator.clipboard.writeText(source.textContent).then(
      function () {
        button.textContent = gettext("Copied");
      },
      function () {
        button.textContent = gettext("Copy failed: select the command");
      }
    );
    window.setTimeout(function () {
      button.textContent = label;
    }, 1500);
  });
})();
