// 排序题: drag steps into order, or move them with ↑/↓; the rank <select>s stay the source of truth,
// so the form also works without this script (choose a number for each step).
(function () {
  "use strict";
  function renumber(list) {
    Array.prototype.forEach.call(list.querySelectorAll(".step"), function (li, i) {
      li.querySelector("select.rank").value = String(i + 1);
    });
  }
  function init(list) {
    var dragged = null;
    list.classList.add("js");
    list.addEventListener("click", function (e) {
      var btn = e.target.closest("button[data-move]");
      if (!btn) return;
      var li = btn.closest(".step");
      if (btn.dataset.move === "-1" && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
      if (btn.dataset.move === "1" && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
      renumber(list);
      btn.focus();
    });
    list.addEventListener("change", function (e) {
      // A number picked by hand: move the step to that place.
      var sel = e.target.closest("select.rank");
      if (!sel) return;
      var li = sel.closest(".step");
      var items = Array.prototype.slice.call(list.querySelectorAll(".step"));
      var target = items[Number(sel.value) - 1];
      if (target && target !== li) {
        list.insertBefore(li, items.indexOf(li) < items.indexOf(target) ? target.nextElementSibling : target);
      }
      renumber(list);
      sel.focus();
    });
    list.addEventListener("dragstart", function (e) {
      dragged = e.target.closest(".step");
      if (dragged) dragged.classList.add("dragging");
    });
    list.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("dragging");
      dragged = null;
      renumber(list);
    });
    list.addEventListener("dragover", function (e) {
      if (!dragged) return;
      e.preventDefault();
      var over = e.target.closest(".step");
      if (!over || over === dragged) return;
      var box = over.getBoundingClientRect();
      list.insertBefore(dragged, e.clientY > box.top + box.height / 2 ? over.nextElementSibling : over);
    });
  }
  document.querySelectorAll("[data-sortable]").forEach(init);
})();
