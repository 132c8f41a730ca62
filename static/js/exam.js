// 模拟考试: every change is kept in this browser at once (localStorage), then saved to the
// server item by item. If the server or the network is down, nothing is lost: the page says
// so, keeps retrying with a growing pause, and re-sends whatever the server has not confirmed,
// also after a reload or when the candidate comes back to the page later. An item is dropped
// from the browser's copy only when the server has confirmed exactly that answer.
(function () {
  "use strict";
  var form = document.getElementById("paper");
  if (!form) return;
  var url = form.dataset.save;
  var storeKey = "exam:" + url;
  var token = form.querySelector("input[name=csrf_token]").value;
  var state = document.getElementById("save-state");
  var banner = document.getElementById("offline-banner");
  var timers = {};
  var inflight = {};
  var failures = 0;
  var retryTimer = null;

  function readStore() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function writeStore(data) {
    try {
      if (Object.keys(data).length) localStorage.setItem(storeKey, JSON.stringify(data));
      else localStorage.removeItem(storeKey);
    } catch (e) { /* storage off or full: the server copy is all there is */ }
  }
  function sectionAt(index) { return form.querySelector('.exam-item[data-index="' + index + '"]'); }

  function fieldsOf(section) {
    var pairs = [];
    section.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || ((el.type === "radio" || el.type === "checkbox") && !el.checked)) return;
      pairs.push([el.name, el.value]);
    });
    return pairs;
  }
  function remember(section) {  // every keystroke and click: into the browser first
    var data = readStore();
    data[section.dataset.index] = fieldsOf(section);
    writeStore(data);
  }
  function restore(section, pairs) {
    var values = {};
    pairs.forEach(function (p) { (values[p[0]] = values[p[0]] || []).push(p[1]); });
    section.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name) return;
      var mine = values[el.name] || [];
      if (el.type === "radio" || el.type === "checkbox") el.checked = mine.indexOf(el.value) !== -1;
      else if (mine.length) el.value = mine[0];
    });
    var list = section.querySelector("[data-sortable]");
    if (list) {  // 排序: the rank <select>s are the answer; show the steps in that order
      Array.prototype.slice.call(list.querySelectorAll(".step"))
        .sort(function (a, b) { return Number(a.querySelector("select.rank").value) - Number(b.querySelector("select.rank").value); })
        .forEach(function (li) { list.appendChild(li); });
    }
  }

  function offline(on) {
    if (!banner) return;
    banner.hidden = !on;
  }
  function retryLater() {
    if (retryTimer) return;
    var delay = Math.min(30000, 2000 * Math.pow(2, Math.min(failures, 4)));
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, delay);
  }
  function flush() {  // send every item the server has not confirmed
    var data = readStore();
    Object.keys(data).forEach(function (index) {
      var section = sectionAt(index);
      if (section && !inflight[index]) save(section);
    });
  }

  function save(section) {
    var index = section.dataset.index;
    var sent = JSON.stringify(fieldsOf(section));
    var body = new FormData();
    body.append("csrf_token", token);
    body.append("index", index);
    JSON.parse(sent).forEach(function (p) { body.append(p[0], p[1]); });
    inflight[index] = true;
    fetch(url, { method: "POST", body: body, headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        delete inflight[index];
        if (r.ok || r.status === 400) {
          failures = 0;
          offline(false);
          var data = readStore();
          if (JSON.stringify(data[index] || null) === sent) { delete data[index]; writeStore(data); }
          section.querySelector(".saved-flag").textContent = r.ok ? "已保存" : "未答完";
          state.textContent = r.ok ? "已保存第 " + (Number(index) + 1) + " 题" : state.textContent;
          if (Object.keys(readStore()).length) flush();
        } else if (r.status === 409) {
          state.textContent = "考试时间已到，正在交卷……";
          form.dataset.auto = "1";
          form.submit();
        } else {
          throw new Error(String(r.status));  // 503 (database down), 502/504 (proxy), 429 …
        }
      })
      .catch(function () {
        delete inflight[index];
        failures += 1;
        offline(true);
        state.textContent = "暂时无法连接服务器，答案已保存在本机";
        retryLater();
      });
  }

  // 答题卡: which items have an answer on the page, and which the candidate marked for review.
  var markKey = "exam-marks:" + url;
  function marks() {
    try { return JSON.parse(localStorage.getItem(markKey) || "[]"); } catch (e) { return []; }
  }
  function hasAnswer(section) {
    var selects = section.querySelectorAll("select");
    if (selects.length) return Array.prototype.every.call(selects, function (s) { return s.value !== ""; });
    var box = section.querySelector("textarea");
    if (box) return box.value.trim() !== "";
    return !!section.querySelector("input:checked");
  }
  function refreshSheet() {
    var answered = 0;
    var marked = marks();
    form.querySelectorAll(".exam-item").forEach(function (section) {
      var index = section.dataset.index;
      var cell = document.querySelector('[data-sheet="' + index + '"]');
      var done = hasAnswer(section);
      if (done) answered += 1;
      var isMarked = marked.indexOf(index) !== -1;
      if (cell) {
        cell.classList.toggle("answered", done);
        cell.classList.toggle("marked", isMarked);
        cell.setAttribute("aria-label", "第 " + (Number(index) + 1) + " 题，" + (done ? "已答" : "未答") + (isMarked ? "，已标记" : ""));
      }
      var toggle = section.querySelector(".mark-toggle");
      if (toggle) {
        toggle.setAttribute("aria-pressed", isMarked ? "true" : "false");
        toggle.textContent = isMarked ? "取消标记" : "标记此题";
      }
    });
    var count = document.getElementById("sheet-count");
    if (count) count.textContent = String(answered);
    var markedNote = document.getElementById("sheet-marked");
    if (markedNote) markedNote.textContent = marked.length ? "· 标记 " + marked.length : "";
    return answered;
  }
  form.addEventListener("click", function (e) {
    var toggle = e.target.closest(".mark-toggle");
    if (!toggle) return;
    var list = marks();
    var index = toggle.dataset.mark;
    var at = list.indexOf(index);
    if (at === -1) list.push(index); else list.splice(at, 1);
    try { localStorage.setItem(markKey, JSON.stringify(list)); } catch (err) { /* marks are a convenience */ }
    refreshSheet();
  });
  var sheet = document.getElementById("answer-sheet");
  if (sheet) sheet.addEventListener("click", function (e) {
    if (e.target.closest("[data-sheet]") && window.matchMedia("(max-width: 700px)").matches) sheet.open = false;
  });

  function schedule(section, delay) {
    remember(section);
    refreshSheet();
    clearTimeout(timers[section.dataset.index]);
    timers[section.dataset.index] = setTimeout(function () { save(section); }, delay);
  }
  form.addEventListener("change", function (e) {
    var section = e.target.closest(".exam-item");
    if (section) schedule(section, 200);
  });
  function count(box) {  // the character counter under a written answer
    var counter = box.dataset.counter && document.getElementById(box.dataset.counter);
    if (counter) counter.textContent = String(box.value.length);
  }
  form.addEventListener("input", function (e) {
    var section = e.target.closest(".exam-item");
    if (section && e.target.tagName === "TEXTAREA") {
      count(e.target);
      schedule(section, 1500);
    }
  });
  form.addEventListener("click", function (e) {
    var btn = e.target.closest("button[data-move]");
    var section = btn && btn.closest(".exam-item");
    if (section) setTimeout(function () { schedule(section, 400); }, 0);
  });
  form.addEventListener("dragend", function (e) {
    var section = e.target.closest && e.target.closest(".exam-item");
    if (section) schedule(section, 400);
  });
  form.addEventListener("submit", function (e) {
    if (form.dataset.auto === "1") return;
    var btn = e.submitter;
    var unanswered = form.querySelectorAll(".exam-item").length - refreshSheet();
    if (banner && !banner.hidden) {  // handing in now would meet the same outage: keep the page
      e.preventDefault();
      window.alert("服务器暂时不可用，现在交卷会失败。你的答案都保存在本机，服务恢复后会自动同步，届时再交卷。");
      return;
    }
    var question = (unanswered > 0 ? "还有 " + unanswered + " 道题没有作答。" : "") + (btn && btn.dataset.confirm || "确定交卷吗？");
    if (!window.confirm(question)) e.preventDefault();
  });
  window.addEventListener("online", flush);

  // Back on the page (reload, another visit, after an outage): put back what the server lacks.
  var waiting = readStore();
  var restored = 0;
  Object.keys(waiting).forEach(function (index) {
    var section = sectionAt(index);
    if (!section) return;
    if (JSON.stringify(fieldsOf(section)) !== JSON.stringify(waiting[index])) {
      restore(section, waiting[index]);
      restored += 1;
    }
  });
  if (restored) state.textContent = "已从本机恢复 " + restored + " 道未同步的题，正在重新保存";
  form.querySelectorAll("textarea[data-counter]").forEach(count);
  refreshSheet();
  flush();
})();
