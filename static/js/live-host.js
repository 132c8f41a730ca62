// 课堂互动, the projector: poll the session's status each second. A new state version reloads the page
// (the server draws each phase); in between, the players joining, the answers counted and the clock
// are updated in place. When the time (plus the stated grace) is up, or everyone has answered, the
// answer is revealed by submitting the page's own reveal form.
(function () {
  "use strict";
  var root = document.querySelector("[data-host]");
  if (!root) return;
  var url = root.dataset.statusUrl;
  var version = Number(root.dataset.version);
  var phase = root.dataset.phase;
  var graceMs = Number(root.dataset.grace) || 0;
  var csrf = root.dataset.csrf;
  var removeUrl = root.dataset.removeUrl;  // ends in /0/remove: the player's id goes there
  var revealForm = document.getElementById("reveal-form");
  var clock = root.querySelector("[data-clock]");
  var opensAt = null, closesAt = null, revealed = false, answered = 0, players = 0;

  function reveal() {
    if (revealed || !revealForm) return;
    revealed = true;
    revealForm.requestSubmit ? revealForm.requestSubmit() : revealForm.submit();
  }

  function names(list) {
    var ul = root.querySelector("[data-names]");
    if (!ul) return;
    ul.textContent = "";
    list.forEach(function (p) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = p.nickname;
      li.appendChild(name);
      var form = document.createElement("form");
      form.method = "post";
      form.className = "inline";
      form.action = removeUrl.replace(/\/0\/remove$/, "/" + p.id + "/remove");
      var token = document.createElement("input");
      token.type = "hidden"; token.name = "csrf_token"; token.value = csrf;
      var button = document.createElement("button");
      button.type = "submit";
      button.className = "remove";
      button.title = "移出 " + p.nickname;
      button.setAttribute("aria-label", "移出 " + p.nickname);
      button.textContent = "×";
      form.appendChild(token);
      form.appendChild(button);
      li.appendChild(form);
      ul.appendChild(li);
    });
  }

  function tick() {
    if (phase !== "question" || closesAt === null) return;
    var now = performance.now();
    if (now < opensAt) {
      clock.textContent = "准备 " + Math.ceil((opensAt - now) / 1000);
      clock.classList.add("ready");
    } else {
      clock.classList.remove("ready");
      var left = Math.max(0, Math.ceil((closesAt - now) / 1000));
      clock.textContent = left;
      clock.classList.toggle("warn", left <= 5);
      if (now >= closesAt + graceMs || (players > 0 && answered >= players)) { reveal(); return; }
    }
    setTimeout(tick, 200);
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (s) {
        if (s.v !== version) { location.reload(); return; }
        players = s.players;
        var count = root.querySelector("[data-count]");
        if (count) count.textContent = s.players;
        var p = root.querySelector("[data-players]");
        if (p) p.textContent = s.players;
        if (phase === "lobby") names(s.names);
        if (phase === "question") {
          answered = s.answered;
          root.querySelector("[data-answered]").textContent = s.answered;
          var first = closesAt === null;
          var now = performance.now();
          opensAt = now + s.opens_in_ms;
          closesAt = now + s.closes_in_ms;
          if (first) tick();
          if (players > 0 && answered >= players && now >= opensAt) reveal();
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  if (phase !== "finished") poll();
})();
