// 模拟考试: save each item to the server as soon as it is answered, so a closed tab, a lost
// connection or another device resumes the same attempt. Failed saves are retried; the
// hand-in form carries every answer anyway.
(function () {
  "use strict";
  var form = document.getElementById("paper");
  if (!form) return;
  var url = form.dataset.save;
  var token = form.querySelector("input[name=csrf_token]").value;
  var state = document.getElementById("save-state");
  var timers = {};
  var pending = {};

  function save(section) {
    var index = section.dataset.index;
    var body = new FormData();
    body.append("csrf_token", token);
    body.append("index", index);
    section.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || ((el.type === "radio" || el.type === "checkbox") && !el.checked)) return;
      body.append(el.name, el.value);
    });
    pending[index] = true;
    fetch(url, { method: "POST", body: body, headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (r.ok) {
          delete pending[index];
          section.querySelector(".saved-flag").textContent = "已保存";
          state.textContent = "已保存第 " + (Number(index) + 1) + " 题";
        } else if (r.status === 409) {
          state.textContent = "考试时间已到，正在交卷……";
          form.submit();
        } else if (r.status === 400) {
          delete pending[index];  // not complete yet (e.g. some items of a matching question unset)
          section.querySelector(".saved-flag").textContent = "未答完";
        } else {
          throw new Error(String(r.status));
        }
      })
      .catch(function () {
        state.textContent = "网络不稳定，稍后自动重试保存";
        setTimeout(function () { if (pending[index]) save(section); }, 3000);
      });
  }

  function schedule(section, delay) {
    clearTimeout(timers[section.dataset.index]);
    timers[section.dataset.index] = setTimeout(function () { save(section); }, delay);
  }
  form.addEventListener("change", function (e) {
    var section = e.target.closest(".exam-item");
    if (section) schedule(section, 200);
  });
  form.addEventListener("input", function (e) {
    var section = e.target.closest(".exam-item");
    if (section && e.target.tagName === "TEXTAREA") schedule(section, 1500);
  });
  form.addEventListener("click", function (e) {
    var btn = e.target.closest("button[data-move]");
    var section = btn && btn.closest(".exam-item");
    if (section) schedule(section, 400);
  });
  form.addEventListener("dragend", function (e) {
    var section = e.target.closest && e.target.closest(".exam-item");
    if (section) schedule(section, 400);
  });
  form.addEventListener("submit", function (e) {
    var btn = e.submitter;
    if (btn && btn.dataset.confirm && form.dataset.auto !== "1" && !window.confirm(btn.dataset.confirm)) e.preventDefault();
  });
})();
