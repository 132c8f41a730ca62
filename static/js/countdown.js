// Countdown for timed phases: shows m:ss, warns in the last minute, submits its form at zero.
// The server knows the real start time, so a reload shows the true time left.
(function () {
  "use strict";
  document.querySelectorAll("[data-countdown]").forEach(function (clock) {
    var left = Number(clock.dataset.countdown);
    var out = clock.querySelector(".clock-time");
    var form = document.getElementById(clock.dataset.submit);
    var end = Date.now() + left * 1000;
    var done = false;
    function tick() {
      var s = Math.max(0, Math.round((end - Date.now()) / 1000));
      out.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
      clock.classList.toggle("warn", s <= 60);
      if (s === 0 && !done) {
        done = true;
        clock.classList.add("over");
        if (form) {
          if (form.dataset) form.dataset.auto = "1";
          form.requestSubmit ? form.requestSubmit() : form.submit();
        }
        return;
      }
      if (!done) setTimeout(tick, 250);
    }
    tick();
  });
})();
