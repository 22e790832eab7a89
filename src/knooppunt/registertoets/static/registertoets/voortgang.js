// Progress of a job on the page without reloading it: every two seconds the page is fetched
// again and its progress block replaced; once the job is done, the whole content. Without
// JavaScript the "Nu verversen" link does the same by hand.
(function () {
  "use strict";
  var block = document.querySelector("[data-voortgang]");
  if (!block || !window.fetch || !window.DOMParser) {
    return;
  }
  var container = block.closest("[data-voortgang-inhoud]") || document.body;
  function poll() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var next = fresh.querySelector("[data-voortgang]");
        if (next) {
          block.replaceWith(next);
          block = next;
          window.setTimeout(poll, 2000);
          return;
        }
        var content = fresh.querySelector("[data-voortgang-inhoud]");
        if (content) {
          container.replaceWith(content);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
