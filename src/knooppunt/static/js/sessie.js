/* Warns shortly before the idle timeout of SPEC 5.3 and lets the user stay logged in.
   Pages work without it: the server logs out after the idle time either way. */
(function () {
  "use strict";
  var box = document.getElementById("sessie-waarschuwing");
  if (!box || !window.fetch) { return; }
  var form = box.querySelector("form");
  var warnBefore = parseInt(box.dataset.warnBefore, 10);
  var idleSeconds = parseInt(box.dataset.idleSeconds, 10);
  var warnTimer;
  var endTimer;

  function start(secondsLeft) {
    box.hidden = true;
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(function () {
      box.hidden = false;
      form.querySelector("button").focus();
    }, Math.max(0, secondsLeft - warnBefore) * 1000);
    /* At the deadline the page reloads: the server has logged out and says why. */
    endTimer = setTimeout(function () {
      window.location.reload();
    }, (secondsLeft + 2) * 1000);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: {"X-Requested-With": "fetch"},
      credentials: "same-origin"
    }).then(function (response) {
      if (response.ok) { start(idleSeconds); } else { window.location.reload(); }
    }, function () { window.location.reload(); });
  });

  start(parseInt(box.dataset.secondsLeft, 10));
}());
