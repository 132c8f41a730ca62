// Keeps what is typed in a <textarea data-draft="key"> in this browser, so a reload, a dropped
// connection or a server that is down when the form is sent loses nothing; also counts characters.
// A draft is dropped only when a later page confirms the server stored it: that page carries
// <meta name="draft-saved" content="key">. Sending the form is not enough (the reply may be a 503).
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
  });
  document.querySelectorAll('meta[name="draft-saved"]').forEach(function (meta) {
    try { localStorage.removeItem("draft:" + meta.content); } catch (e) { /* ignore */ }
  });
})();
