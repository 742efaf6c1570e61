// allauth's WebAuthn script (mfa/js/webauthn.js) reports a failed or cancelled passkey
// step as an "allauth.error" event and otherwise only logs it. Show it on the page, in
// the #passkey-error box (templates/mfa/webauthn/_passkey_error.html), instead.
(function () {
  "use strict";
  // The messages are in the page's language: gettext from the scripts' catalogue
  // (portal/jsi18n.py).
  function describe(exception) {
    var name = exception && exception.name;
    if (name === "NotAllowedError") {
      return gettext("The passkey step was cancelled or timed out. Try again, and confirm on your device.");
    }
    if (name === "InvalidStateError") {
      return gettext("This device already holds a passkey for your account.");
    }
    if (name === "SecurityError") {
      return gettext("Passkeys need a secure address (https, or localhost when developing).");
    }
    if (name === "NotSupportedError") {
      return gettext("This browser or device cannot make or use passkeys.");
    }
    return gettext("The passkey step failed. Try again, or use another way to sign in.");
  }
  document.addEventListener("allauth.error", function (event) {
    var tags = (event.detail && event.detail.tags) || [];
    if (tags.indexOf("webauthn") === -1) return;
    var box = document.getElementById("passkey-error");
    if (!box) return;
    event.preventDefault();
    box.textContent = describe(event.detail.exception);
    box.hidden = false;
  });
})();
