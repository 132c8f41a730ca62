// 课堂互动, the phone: keep the player's token (localStorage + the server's cookie), poll the room's
// state with ETag (304 while nothing changed), show the question, send one answer, show the result.
// Times come from the server as "in so many ms", so a phone's wrong clock does not matter.
(function () {
  "use strict";
  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode: the cookie remains */ } },
    drop: function (k) { try { localStorage.removeItem(k); } catch (e) { /* nothing kept */ } }
  };
  function codeKey(code) { return "live:code:" + code; }

  // Any join form: send the token this phone kept for that code, so it rejoins as the same player.
  document.querySelectorAll("[data-join]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var code = (form.querySelector("[name=code]") || {}).value || "";
      var kept = store.get(codeKey(code.replace(/\s+/g, "")));
      var field = form.querySelector("[data-token-field]");
      if (kept && field) field.value = kept;
    });
  });

  var root = document.querySelector("[data-play]");
  if (!root) return;
  var code = root.dataset.code;
  var stateUrl = root.dataset.stateUrl, answerUrl = root.dataset.answerUrl;
  var interval = Number(root.dataset.interval) || 1500;
  var token = root.dataset.token || store.get(codeKey(code)) || "";
  if (root.dataset.token) store.set(codeKey(code), root.dataset.token);

  var $ = function (sel) { return root.querySelector(sel); };
  var views = root.querySelectorAll("[data-view]");
  var etag = "", state = null, timer = null, clockTimer = null, failures = 0, stopped = false;
  var opensAt = 0, closesAt = 0, graceMs = 0;
  var sent = {};  // slot → the answer keys this phone sent and the server accepted
  var chosen = [];  // 多选: what is ticked so far

  function show(name) {
    views.forEach(function (v) { v.hidden = v.dataset.view !== name; });
  }
  function text(sel, value) { var el = $(sel); if (el) el.textContent = value; }

  function letters(keys) {
    var q = state && state.question;
    if (!q) return "";
    return q.options.filter(function (o) { return keys.indexOf(o.key) !== -1; })
      .map(function (o) { return o.letter + (q.qtype === "判断" ? " " + o.text : ""); }).join("、");
  }

  function stop(title, message) {
    stopped = true;
    if (timer) clearTimeout(timer);
    text("[data-message-title]", title);
    text("[data-message]", message);
    show("message");
  }

  function schedule(ms) {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(poll, ms * (0.8 + Math.random() * 0.4));
  }

  function poll() {
    var headers = { "X-Player-Token": token, "Accept": "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    // No cookies: the token is in the header, and the server then reads no session at all.
    fetch(stateUrl, { headers: headers, cache: "no-store", credentials: "omit" }).then(function (r) {
      failures = 0;
      $("[data-net]").hidden = true;
      if (r.status === 304) { schedule(interval); return null; }
      if (r.status === 429) { schedule(interval * 3); return null; }
      if (r.status === 403 || r.status === 404) {
        return r.json().then(function (body) {
          store.drop(codeKey(code));
          stop(r.status === 404 ? "课堂不存在" : "无法继续", body.message || "请重新加入。");
        });
      }
      if (!r.ok) throw new Error("HTTP " + r.status);
      etag = r.headers.get("ETag") || "";
      return r.json().then(function (body) { render(body); schedule(interval); });
    }).catch(function () {
      failures += 1;
      $("[data-net]").hidden = false;
      schedule(Math.min(10000, interval * Math.pow(2, Math.min(failures, 3))));
    });
  }

  function tick() {
    if (clockTimer) clearTimeout(clockTimer);
    if (!state || state.phase !== "question") return;
    var now = performance.now();
    var clock = $("[data-clock]");
    var buttons = root.querySelectorAll("[data-options] button, [data-submit-multi]");
    if (now < opensAt) {
      clock.textContent = "准备 " + Math.ceil((opensAt - now) / 1000);
      buttons.forEach(function (b) { b.disabled = true; });
    } else if (now < closesAt + graceMs) {
      clock.textContent = Math.max(0, Math.ceil((closesAt - now) / 1000)) + " 秒";
      buttons.forEach(function (b) { b.disabled = false; });
    } else {
      clock.textContent = "时间到";
      buttons.forEach(function (b) { b.disabled = true; });
      text("[data-q-hint]", "作答时间已到，等老师公布答案。");
      return;
    }
    clockTimer = setTimeout(tick, 200);
  }

  function send(slot, answer, keys) {
    var error = $("[data-answer-error]");
    error.hidden = true;
    root.querySelectorAll("[data-options] button, [data-submit-multi]").forEach(function (b) { b.disabled = true; });
    var attempt = 0;
    function go() {
      attempt += 1;
      fetch(answerUrl, {
        method: "POST", credentials: "omit", cache: "no-store",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-Player-Token": token },
        body: JSON.stringify({ slot: slot, answer: answer })
      }).then(function (r) {
        return r.json().then(function (body) {
          if (r.ok) {
            sent[slot] = body.answer || keys;
            text("[data-sent-answer]", letters(sent[slot]));
            text("[data-sent-text]", body.first ? "等老师公布答案…" : body.message);
            show("sent");
          } else {
            error.textContent = body.message || "没有提交成功，请再试一次。";
            error.hidden = false;
            if (r.status === 400) tick();  // a wrong shape: let the player try again
          }
        });
      }).catch(function () {
        if (attempt < 4) { setTimeout(go, 700 * attempt); return; }  // the server keeps one answer, so resending is safe
        error.textContent = "网络不稳定，答案可能没有送达：请检查网络后再点一次。";
        error.hidden = false;
        tick();
      });
    }
    go();
  }

  function buildOptions(q) {
    var box = $("[data-options]");
    box.textContent = "";
    chosen = [];
    var multi = q.qtype === "多选";
    $("[data-submit-multi]").hidden = !multi;
    text("[data-q-hint]", multi ? "可以选多个，选好后点“提交所选”。" : "点一下即提交，提交后不能更改。");
    q.options.forEach(function (o, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "phone-option opt-" + i;
      b.dataset.key = o.key;
      if (multi) b.setAttribute("aria-pressed", "false");
      var letter = document.createElement("span");
      letter.className = "opt-letter";
      letter.textContent = o.letter;
      var label = document.createElement("span");
      label.textContent = o.text;
      b.appendChild(letter);
      b.appendChild(label);
      b.addEventListener("click", function () {
        if (multi) {
          var at = chosen.indexOf(o.key);
          if (at === -1) chosen.push(o.key); else chosen.splice(at, 1);
          b.setAttribute("aria-pressed", at === -1 ? "true" : "false");
          return;
        }
        send(q.slot, o.key, [o.key]);
      });
      box.appendChild(b);
    });
  }

  $("[data-submit-multi]").addEventListener("click", function () {
    var q = state && state.question;
    if (!q) return;
    if (!chosen.length) {
      var error = $("[data-answer-error]");
      error.textContent = "请至少选一个选项。";
      error.hidden = false;
      return;
    }
    send(q.slot, chosen.slice().sort(), chosen.slice());
  });

  var shownSlot = null;
  function render(s) {
    var previous = state;
    state = s;
    var me = s.me || {};
    text("[data-me]", me.nickname || "");
    text("[data-rule]", s.rule || "");
    if (s.phase === "lobby") {
      text("[data-wait-text]", "等老师开始出题…（共 " + s.total + " 题）");
      show("wait");
    } else if (s.phase === "question") {
      var q = s.question;
      var now = performance.now();
      opensAt = now + (s.clock.opens_in_ms || 0);
      closesAt = now + s.clock.closes_in_ms;
      graceMs = s.clock.grace_ms || 0;
      var mine = sent[q.slot] || (me.answered ? me.answer : null);
      if (mine) {
        sent[q.slot] = mine;
        text("[data-sent-answer]", letters(mine));
        text("[data-sent-text]", "等老师公布答案…");
        show("sent");
        return;
      }
      if (shownSlot !== q.slot || !previous || previous.phase !== "question") {
        text("[data-q-number]", "第 " + q.number + " / " + s.total + " 题 · " + q.qtype);
        $("[data-stem]").innerHTML = q.stem_html;  // content HTML, sanitised when it was loaded
        buildOptions(q);
        $("[data-answer-error]").hidden = true;
        shownSlot = q.slot;
      }
      show("question");
      tick();
    } else if (s.phase === "reveal") {
      var verdict = $("[data-verdict]");
      verdict.className = "phone-verdict";
      if (!me.answered) {
        verdict.textContent = "本题未作答";
        verdict.classList.add("none");
      } else if (me.correct) {
        verdict.textContent = "✓ 答对了  +" + me.points;
        verdict.classList.add("ok");
      } else {
        verdict.textContent = "✗ 答错了";
        verdict.classList.add("bad");
      }
      var right = s.reveal ? letters(s.reveal.right) : "";
      text("[data-result-detail]", (me.answered ? "你的答案：" + letters(me.answer || []) + "。" : "") + "正确答案：" + right + "。");
      text("[data-rank]", me.rank ? "目前第 " + me.rank + " 名（共 " + me.players + " 人）· 总分 " + me.total : "");
      show("result");
    } else if (s.phase === "finished") {
      stopped = true;
      text("[data-final-rank]", me.rank ? "你是第 " + me.rank + " 名（共 " + me.players + " 人），总分 " + me.total + "，答对 " + me.correct_count + " 题。" : "");
      var list = $("[data-final-top]");
      list.textContent = "";
      (s.top || []).forEach(function (t) {
        var li = document.createElement("li");
        li.textContent = "第 " + t.rank + " 名 " + t.nickname + " · " + t.points + " 分";
        list.appendChild(li);
      });
      show("final");
      store.drop(codeKey(code));
    }
  }

  if (!token) { show("join"); return; }
  show("wait");
  poll();
})();
