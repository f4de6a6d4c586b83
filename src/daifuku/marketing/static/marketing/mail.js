// Mail template editor: choosing the customer the preview is rendered as, and the preview's
// width (desktop 600 px / phone 375 px). The preview itself is htmx (marketing/mail views).
(function () {
  "use strict";
  function width() {
    var checked = document.querySelector("input[name=preview-width]:checked");
    return checked ? checked.value : "600";
  }
  function applyWidth() {
    var frame = document.getElementById("preview-frame");
    if (frame) frame.style.width = width() + "px";
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "preview-width") applyWidth();
  });
  document.addEventListener("click", function (event) {
    var pick = event.target.closest && event.target.closest("[data-preview-person]");
    if (!pick) return;
    var id = document.getElementById("preview-person-id");
    var input = document.getElementById("preview-search");
    if (id) id.value = pick.dataset.previewPerson;
    if (input) { input.value = pick.dataset.name; input.focus(); }
    var list = document.getElementById("preview-people");
    if (list) list.innerHTML = "";
    document.body.dispatchEvent(new CustomEvent("preview-person"));
  });
  // after the settle too: htmx settles a swapped element of the same id to the attributes
  // it came with (the partial's 600 px), after afterSwap ran
  document.addEventListener("htmx:afterSwap", applyWidth);
  document.addEventListener("htmx:afterSettle", applyWidth);
  document.addEventListener("DOMContentLoaded", applyWidth);
})();
