// My Profile was one long page; its sections are now tabs with their own URLs. An old link
// or bookmark such as /profile/#two-factor lands on the first tab: send it on to the tab
// that shows that section (each link of the tab bar lists its sections in data-sections).
(function () {
  "use strict";

  var id = decodeURIComponent(window.location.hash.slice(1));
  if (!id || document.getElementById(id)) {
    return;
  }
  var section = id.replace(/-heading$/, "");
  var links = document.querySelectorAll(".profile-tabs a[data-sections]");
  for (var i = 0; i < links.length; i++) {
    if (links[i].dataset.sections.split(" ").indexOf(section) !== -1) {
      window.location.replace(links[i].href + "#" + encodeURIComponent(id));
      return;
    }
  }
})();
