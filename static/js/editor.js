// The content editor: the checker and the preview follow the text as the author types (debounced,
// checked on the server by the same parser as content/), problems jump to their line, 试答 runs in
// place, and on a phone the text and the preview are two tabs.
(function () {
  "use strict";
  var root = document.querySelector("[data-editor]");
  if (!root) return;
  var form = root.querySelector("form");
  var text = form.querySelector("textarea[name=text]");
  var token = form.querySelector("input[name=csrf_token]").value;
  var status = root.querySelector("[data-status]");
  var problems = root.querySelector("[data-problems]");
  var warnings = root.querySelector("[data-warnings]");
  var clean = root.querySelector("[data-clean]");
  var preview = root.querySelector("[data-preview]");
  var timer = null, seq = 0, dirty = false;

  function item(p, cls) {
    var li = document.createElement("li");
    li.className = cls;
    var b = document.createElement("button");
    b.type = "button"; b.className = "linkish"; b.setAttribute("data-line", p.line);
    b.textContent = "第 " + p.line + " 行";
    li.appendChild(b);
    li.appendChild(document.createTextNode("：" + p.message));
    return li;
  }

  function show(list, items, cls) {
    while (list.firstChild) list.removeChild(list.firstChild);
    items.forEach(function (p) { list.appendChild(item(p, cls)); });
  }

  function check() {
    var mine = ++seq;
    var body = new FormData();
    body.append("csrf_token", token);
    body.append("text", text.value);
    status.textContent = "检查中……";
    fetch(root.getAttribute("data-check-url"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        if (mine !== seq) return;  // a newer check is on its way
        show(problems, data.problems, "bad");
        show(warnings, data.warnings, "warn");
        clean.hidden = data.problems.length + data.warnings.length > 0;
        preview.innerHTML = data.preview;  // rendered by the server from sanitized Markdown
        status.textContent = data.problems.length ? ("有 " + data.problems.length + " 个问题") : "检查通过";
      })
      .catch(function () { if (mine === seq) status.textContent = "暂时无法检查（网络或服务器问题），可以继续编辑，保存时会再检查。"; });
  }

  text.addEventListener("input", function () {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (e) { if (dirty) { e.preventDefault(); e.returnValue = ""; } });

  // A problem's line number puts the cursor on that line.
  root.addEventListener("click", function (e) {
    var line = e.target.getAttribute && e.target.getAttribute("data-line");
    if (!line) return;
    var lines = text.value.split("\n"), at = 0;
    for (var i = 0; i < Number(line) - 1 && i < lines.length; i++) at += lines[i].length + 1;
    showTab("source");
    text.focus();
    text.setSelectionRange(at, at + (lines[Number(line) - 1] || "").length);
    var lineHeight = parseFloat(getComputedStyle(text).lineHeight) || 20;
    text.scrollTop = Math.max(0, (Number(line) - 3) * lineHeight);
  });

  // Phone: the source and the preview as two tabs.
  var tabs = root.querySelector(".editor-tabs");
  function showTab(name) {
    if (tabs.hidden) return;
    Array.prototype.forEach.call(root.querySelectorAll("[data-pane]"), function (p) {
      p.classList.toggle("tab-hidden", p.getAttribute("data-pane") !== name);
    });
    Array.prototype.forEach.call(tabs.querySelectorAll("[data-tab]"), function (b) {
      b.setAttribute("aria-selected", String(b.getAttribute("data-tab") === name));
    });
  }
  var narrow = window.matchMedia("(max-width: 800px)");
  function layout() {
    tabs.hidden = !narrow.matches;
    if (narrow.matches) showTab("source");
    else Array.prototype.forEach.call(root.querySelectorAll("[data-pane]"), function (p) { p.classList.remove("tab-hidden"); });
  }
  tabs.addEventListener("click", function (e) { var t = e.target.getAttribute("data-tab"); if (t) showTab(t); });
  narrow.addEventListener("change", layout);
  layout();

  // 试答 in place, with the editor's current text.
  var tryForm = document.querySelector("[data-try]");
  if (tryForm) {
    tryForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var body = new FormData(tryForm);
      body.append("text", text.value);
      var out = document.querySelector("[data-try-result]");
      out.textContent = "匹配中……";
      fetch(tryForm.action, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, t: t }; }); })
        .then(function (r) { out.innerHTML = r.ok ? r.t : "<p class=\"error\">试答失败：请先让案例通过检查。</p>"; })
        .catch(function () { out.textContent = "暂时无法试答，请稍后再试。"; });
    });
  }
})();
