// Small behaviours the server-rendered pages need; everything else is htmx.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-toggle-nav]");
  if (toggle) {
    const nav = document.getElementById("nav");
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  const confirmer = event.target.closest("[data-confirm]");
  if (confirmer && !window.confirm(confirmer.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
// Escape closes the search popup; "/" focuses search like most web apps.
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    const popup = document.getElementById("search-popup");
    if (popup) popup.innerHTML = "";
  }
  if (event.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName)) {
    const q = document.getElementById("global-q");
    if (q) { event.preventDefault(); q.focus(); }
  }
});
// Postal code lookup: one town fills empty fields; several towns offer buttons.
function fillAddress(button, overwrite) {
  const set = (id, value) => {
    const field = document.getElementById(id);
    if (field && (overwrite || !field.value)) field.value = value;
  };
  set("id_prefecture", button.dataset.prefecture);
  set("id_city", button.dataset.city);
  set("id_address_line", button.dataset.town);
}
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-fill-address]");
  if (button) fillAddress(button, true);
});
document.addEventListener("htmx:afterSwap", (event) => {
  const one = event.target.querySelector && event.target.querySelector("[data-postal-one] [data-fill-address]");
  if (one) fillAddress(one, false);
});
// Company picker on the person page: a search result button fills the hidden id.
document.addEventListener("click", (event) => {
  const pick = event.target.closest("[data-pick-company]");
  if (!pick) return;
  const id = document.getElementById("company-id");
  const input = document.getElementById("company-search");
  if (id) id.value = pick.dataset.pickCompany;
  if (input) input.value = pick.dataset.name;
  const list = document.getElementById("company-pick");
  if (list) list.innerHTML = "";
});
