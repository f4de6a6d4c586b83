// Handover list: the header checkbox selects every customer on the page.
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-check-all]");
  if (!all) return;
  const table = all.closest("table");
  table.querySelectorAll('input[name="customer"]').forEach((box) => { box.checked = all.checked; });
});
