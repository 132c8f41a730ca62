// Study question page: choose, then 核对答案 marks the right options (nothing is recorded).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-selfcheck]"), function (box) {
    var answer = JSON.parse(box.getAttribute("data-answer"));
    var keys = (Array.isArray(answer) ? answer : [answer]).map(String);
    var button = box.querySelector("[data-check]");
    var verdict = box.querySelector("[data-verdict]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var chosen = Array.prototype.map.call(box.querySelectorAll("input:checked"), function (i) { return i.value; });
      verdict.hidden = false;
      if (!chosen.length) {
        verdict.className = "verdict part";
        verdict.textContent = "先选择答案，再核对。";
        return;
      }
      Array.prototype.forEach.call(box.querySelectorAll("label.choice"), function (label) {
        var input = label.querySelector("input");
        label.classList.toggle("is-right", keys.indexOf(input.value) >= 0);
        label.classList.toggle("is-wrong", input.checked && keys.indexOf(input.value) < 0);
      });
      var right = chosen.length === keys.length && chosen.every(function (v) { return keys.indexOf(v) >= 0; });
      verdict.className = "verdict " + (right ? "ok" : "bad");
      verdict.textContent = right ? "答对了。" : "不对，正确答案已用绿色标出。";
      var details = document.getElementById("answer");
      if (details) details.open = true;
    });
  });
})();
