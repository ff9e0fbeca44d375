// Drag-and-drop reordering of the digest editor's items. Without this script the ↑ ↓ buttons do the same.
(function () {
  "use strict";
  var list = document.getElementById("items");
  var form = document.getElementById("order-form");
  if (!list || !form) return;
  var dragged = null;
  var before = "";
  function order() {
    return Array.prototype.map.call(list.querySelectorAll("li.item"), function (li) { return li.dataset.itemId; }).join(",");
  }
  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("li.item");
    before = order();
    if (dragged) { dragged.classList.add("dragging"); event.dataTransfer.effectAllowed = "move"; }
  });
  list.addEventListener("dragover", function (event) {
    var over = event.target.closest("li.item");
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("drop", function (event) { event.preventDefault(); });
  list.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    dragged = null;
    if (order() === before) return;
    form.elements.order.value = order();
    form.submit();
  });
})();
