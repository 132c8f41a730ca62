// The practice chooser: the knowledge-point list shows only the points of the chosen area.
(function () {
  "use strict";
  var area = document.getElementById("area");
  var topic = document.getElementById("topic");
  if (!area || !topic) return;
  function sync() {
    var chosen = area.value;
    Array.prototype.forEach.call(topic.options, function (opt) {
      var own = opt.getAttribute("data-area");
      var fits = !own || !chosen || own === chosen;
      opt.hidden = !fits;
      opt.disabled = !fits;
    });
    var current = topic.options[topic.selectedIndex];
    if (current && current.disabled) topic.value = "";
  }
  area.addEventListener("change", sync);
  topic.addEventListener("change", function () {
    var own = topic.options[topic.selectedIndex].getAttribute("data-area");
    if (own && !area.value) { area.value = own; sync(); }
  });
  sync();
})();
