// Kanban board: HTML5 drag and drop between columns, and keyboard moves (Alt+←/→ on a
// focused card, or the card's "move to" select). Every move is one htmx POST that returns
// the re-rendered board; focus then goes back to the moved card.
(() => {
  const post = (dealId, values) => {
    const board = document.getElementById("board");
    const url = board.dataset.moveUrl.replace("/0/", `/${dealId}/`);
    htmx.ajax("POST", url, { target: "#board", swap: "outerHTML", values: { ...values, from: "board" } });
  };
  const resetSelect = (dealId) => {
    const select = document.querySelector(`#deal-card-${dealId} [data-move-select]`);
    if (select) select.value = [...select.options].find((o) => o.defaultSelected)?.value ?? select.value;
  };
  // Winning closes the deal today: ask first. Losing needs a reason: ask for it in a dialog.
  const move = (dealId, stageId) => {
    const board = document.getElementById("board");
    if (!board || !window.htmx) return;
    const column = board.querySelector(`.board-col[data-stage="${stageId}"]`);
    const kind = column ? column.dataset.kind : "open";
    if (kind === "won" && !window.confirm(board.dataset.confirmWon)) { resetSelect(dealId); return; }
    if (kind === "lost") {
      const dialog = document.getElementById("lost-dialog");
      const form = document.getElementById("lost-dialog-form");
      form.reset();
      form.onsubmit = (event) => {
        event.preventDefault();
        dialog.close();
        post(dealId, { stage: stageId, lost_reason: form.lost_reason.value, reason: form.reason.value });
      };
      dialog.querySelector("[data-dialog-cancel]").onclick = () => { dialog.close(); resetSelect(dealId); };
      dialog.oncancel = () => resetSelect(dealId);
      dialog.showModal();
      form.lost_reason.focus();
      return;
    }
    post(dealId, { stage: stageId });
  };
  document.addEventListener("change", (event) => {
    const select = event.target.closest && event.target.closest("[data-move-select]");
    const card = select && select.closest("[data-deal]");
    if (card) move(card.dataset.deal, select.value);
  });
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest("[data-deal]");
    if (!card) return;
    event.dataTransfer.setData("text/plain", card.dataset.deal);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("dragging");
  });
  document.addEventListener("dragend", (event) => {
    const card = event.target.closest && event.target.closest("[data-deal]");
    if (card) card.classList.remove("dragging");
    document.querySelectorAll(".board-col.drop").forEach((c) => c.classList.remove("drop"));
  });
  document.addEventListener("dragover", (event) => {
    const column = event.target.closest && event.target.closest(".board-col[data-stage]");
    if (!column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("drop");
  });
  document.addEventListener("dragleave", (event) => {
    const column = event.target.closest && event.target.closest(".board-col[data-stage]");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop");
  });
  document.addEventListener("drop", (event) => {
    const column = event.target.closest && event.target.closest(".board-col[data-stage]");
    if (!column) return;
    event.preventDefault();
    column.classList.remove("drop");
    const dealId = event.dataTransfer.getData("text/plain");
    const card = document.querySelector(`[data-deal="${dealId}"]`);
    if (dealId && !(card && column.contains(card))) move(dealId, column.dataset.stage);
  });
  document.addEventListener("keydown", (event) => {
    if (!event.altKey || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    const card = event.target.closest && event.target.closest("[data-deal]");
    if (!card) return;
    const select = card.querySelector("[data-move-select]");
    const next = select.selectedIndex + (event.key === "ArrowRight" ? 1 : -1);
    if (next < 0 || next >= select.options.length) return;
    event.preventDefault();
    move(card.dataset.deal, select.options[next].value);
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    const board = document.getElementById("board");
    if (!board || !board.dataset.moved) return;
    const card = document.getElementById(`deal-card-${board.dataset.moved}`);
    if (card) card.focus();
    else { const heading = board.querySelector(".board-col h2"); if (heading) heading.focus(); }
  });
})();
// Pickers ("who is this deal with?"): a search result button fills the picker's hidden
// id and its search box; typing again after a pick clears the id, so a half-typed name
// is never saved as the person picked before.
document.addEventListener("click", (event) => {
  const pick = event.target.closest && event.target.closest("[data-pick-person]");
  if (!pick) return;
  const target = pick.dataset.target;
  const id = document.getElementById(`${target}-id`);
  const input = document.getElementById(`${target}-search`);
  if (id) id.value = pick.dataset.pickPerson;
  if (input) { input.value = pick.dataset.name; input.focus(); }
  const list = document.getElementById(`${target}-options`);
  if (list) list.innerHTML = "";
});
document.addEventListener("input", (event) => {
  const target = event.target.dataset && event.target.dataset.clears;
  const id = target && document.getElementById(target);
  if (id) id.value = "";
});
