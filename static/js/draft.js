// Keeps what is typed in a <textarea data-draft="key"> in this browser until the form is sent,
// so a reload or a dropped connection loses nothing; also counts characters.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-draft]").forEach(function (box) {
    var key = "draft:" + box.dataset.draft;
    var counter = box.dataset.counter && document.getElementById(box.dataset.counter);
    try {
      if (!box.value && localStorage.getItem(key)) box.value = localStorage.getItem(key);
    } catch (e) { /* storage may be off: the draft is simply not kept */ }
    function update() {
      if (counter) counter.textContent = String(box.value.length);
      try { localStorage.setItem(key, box.value); } catch (e) { /* ignore */ }
    }
    box.addEventListener("input", update);
    update();
    if (box.form) {
      box.form.addEventListener("submit", function () {
        try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
      });
    }
  });
})();
