// allauth's WebAuthn script (mfa/js/webauthn.js) reports a failed or cancelled passkey
// step as an "allauth.error" event and otherwise only logs it. Show it on the page, in
// the #passkey-error box (templates/mfa/webauthn/_passkey_error.html), instead.
(function () {
  "use strict";
  // The messages are in the page's language: data attributes of the #passkey-error box,
  // English here only as a fallback.
  function describe(box, exception) {
    var name = exception && exception.name;
    var text = box.dataset;
    if (name === "NotAllowedError") {
      return text.cancelled || "The passkey step was cancelled or timed out. Try again, and confirm on your device.";
    }
    if (name === "InvalidStateError") {
      return text.alreadyRegistered || "This device already holds a passkey for your account.";
    }
    if (name === "SecurityError") {
      return text.insecure || "Passkeys need a secure address (https, or localhost when developing).";
    }
    if (name === "NotSupportedError") {
      return text.unsupported || "This browser or device cannot make or use passkeys.";
    }
    return text.failed || "The passkey step failed. Try again, or use another way to sign in.";
  }
  document.addEventListener("allauth.error", function (event) {
    var tags = (event.detail && event.detail.tags) || [];
    if (tags.indexOf("webauthn") === -1) return;
    var box = document.getElementById("passkey-error");
    if (!box) return;
    event.preventDefault();
    box.textContent = describe(box, event.detail.exception);
    box.hidden = false;
  });
})();
