// threadarc serve: reloads the page when the archive has been rebuilt.
// Only `threadarc serve` adds this script to the pages it serves; the files on disk never
// load it. It asks the server for the build generation every second and reloads the page
// when the generation differs from the one the page was served with.
(function () {
  "use strict";
  var script = document.currentScript;
  var seen = script ? script.getAttribute("data-generation") : null;
  function poll() {
    fetch("/__threadarc/reload", { cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (generation) {
        if (generation && seen && generation !== seen) {
          location.reload();
          return;
        }
        if (generation) {
          seen = generation;
        }
        setTimeout(poll, 1000);
      }, function () {
        // The server is gone or restarting: keep asking, more slowly.
        setTimeout(poll, 2000);
      });
  }
  setTimeout(poll, 1000);
})();
