/* The segment rule builder: AND / OR groups of conditions, written into the hidden
   #rules-json field as the API's rule tree, with a "rules-changed" event for the live count.
   Native selects, inputs and buttons only, so it works from the keyboard and on a phone;
   every label comes from the page (Japanese), every value is picked by its label. */
(function () {
  "use strict";
  const MAX_DEPTH = 5;
  const LIST_OPS = ["in", "not_in"];
  const NO_VALUE_OPS = ["is_set", "not_set"];

  function start() {
    const root = document.getElementById("builder");
    const hidden = document.getElementById("rules-json");
    if (!root || !hidden) return;
    const fields = JSON.parse(document.getElementById(root.dataset.fields).textContent);
    const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
    const L = (name) => root.dataset["label" + name] || name;
    let tree = parse(hidden.value);

    function parse(text) {
      try {
        return fromJson(JSON.parse(text || "{}"));
      } catch (e) {
        return { mode: "all", items: [] };
      }
    }
    function fromJson(node) {
      if (node && (Array.isArray(node.all) || Array.isArray(node.any))) {
        const mode = Array.isArray(node.all) ? "all" : "any";
        return { mode, items: node[mode].map(fromJson) };
      }
      return {
        field: (node && node.field) || "",
        op: (node && node.op) || "",
        value: node ? node.value : null,
        period_days: node && node.period_days ? node.period_days : null,
      };
    }
    function complete(c) {
      const field = byKey[c.field];
      if (!field || !field.operators.some((o) => o.op === c.op)) return false;
      if (NO_VALUE_OPS.includes(c.op)) return true;
      if (LIST_OPS.includes(c.op)) return Array.isArray(c.value) && c.value.length > 0;
      return c.value !== null && c.value !== "" && c.value !== undefined;
    }
    function toJson(group) {
      const items = [];
      for (const item of group.items) {
        if (item.mode) items.push(toJson(item));
        else if (complete(item)) {
          const out = { field: item.field, op: item.op, value: NO_VALUE_OPS.includes(item.op) ? null : item.value };
          if (item.period_days) out.period_days = item.period_days;
          items.push(out);
        }
      }
      return { [group.mode]: items };
    }
    function changed() {
      hidden.value = JSON.stringify(toJson(tree));
      document.body.dispatchEvent(new CustomEvent("rules-changed"));
    }

    function el(tag, attrs, children) {
      const node = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs || {})) {
        if (k === "text") node.textContent = v;
        else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
        else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
      }
      for (const child of children || []) if (child) node.appendChild(child);
      return node;
    }
    function labelled(id, text, control) {
      return el("div", { class: "builder-cell" }, [el("label", { for: id, text }), control]);
    }

    function render(focusId) {
      root.replaceChildren(renderGroup(tree, null, "g", 1));
      const target = focusId && document.getElementById(focusId);
      if (target) target.focus();
    }

    function renderGroup(group, parent, id, depth) {
      const mode = el("select", {
        id: id + "-mode",
        onchange: (e) => { group.mode = e.target.value; changed(); },
      }, [
        el("option", { value: "all", text: L("All"), selected: group.mode === "all" }),
        el("option", { value: "any", text: L("Any"), selected: group.mode === "any" }),
      ]);
      const list = el("ol", { class: "builder-items" });
      group.items.forEach((item, index) => {
        const childId = id + "-" + index;
        list.appendChild(el("li", {}, [
          item.mode ? renderGroup(item, group, childId, depth + 1) : renderCondition(item, group, childId),
        ]));
      });
      const add = el("button", {
        type: "button", class: "btn", id: id + "-add", text: "+ " + L("Add"),
        onclick: () => {
          group.items.push({ field: "", op: "", value: null, period_days: null });
          render(id + "-" + (group.items.length - 1) + "-field");
        },
      });
      const addGroup = depth < MAX_DEPTH ? el("button", {
        type: "button", class: "btn", id: id + "-addgroup", text: "+ " + L("AddGroup"),
        onclick: () => {
          group.items.push({ mode: group.mode === "all" ? "any" : "all", items: [{ field: "", op: "", value: null, period_days: null }] });
          render(id + "-" + (group.items.length - 1) + "-0-field");
        },
      }) : null;
      const remove = parent ? el("button", {
        type: "button", class: "btn danger", text: L("Remove"), "aria-label": L("Remove") + " " + L("Group"),
        onclick: () => { parent.items.splice(parent.items.indexOf(group), 1); changed(); render(); },
      }) : null;
      return el("fieldset", { class: "builder-group", "data-depth": depth }, [
        el("legend", {}, [el("label", { for: id + "-mode", text: L("Match") + " " }), mode]),
        list,
        el("div", { class: "builder-actions" }, [add, addGroup, remove]),
      ]);
    }

    function renderCondition(c, parent, id) {
      const field = byKey[c.field];
      const fieldSelect = el("select", {
        id: id + "-field",
        onchange: (e) => {
          c.field = e.target.value;
          const f = byKey[c.field];
          c.op = f ? f.operators[0].op : "";
          c.value = null;
          c.period_days = null;
          changed();
          render(id + "-" + (f && f.kind !== "choice" ? "value" : "op"));
        },
      }, [el("option", { value: "", text: L("Choose") })]);
      const groups = {};
      for (const f of fields) {
        if (!groups[f.group]) {
          groups[f.group] = el("optgroup", { label: f.group_label });
          fieldSelect.appendChild(groups[f.group]);
        }
        groups[f.group].appendChild(el("option", { value: f.key, text: f.label, selected: f.key === c.field }));
      }
      const cells = [labelled(id + "-field", L("Field"), fieldSelect)];
      if (field) {
        const opSelect = el("select", {
          id: id + "-op",
          onchange: (e) => {
            const wasList = LIST_OPS.includes(c.op);
            c.op = e.target.value;
            const isList = LIST_OPS.includes(c.op);
            if (NO_VALUE_OPS.includes(c.op)) c.value = null;
            else if (isList && !wasList) c.value = c.value === null || c.value === "" ? [] : [c.value];
            else if (!isList && wasList) c.value = Array.isArray(c.value) && c.value.length ? c.value[0] : null;
            changed();
            render(id + "-op");
          },
        }, field.operators.map((o) => el("option", { value: o.op, text: o.label, selected: o.op === c.op })));
        cells.push(labelled(id + "-op", L("Op"), opSelect));
        if (!NO_VALUE_OPS.includes(c.op)) cells.push(renderValue(c, field, id));
        if (field.period) {
          cells.push(labelled(id + "-period", L("Period"), el("input", {
            id: id + "-period", type: "number", inputmode: "numeric", min: 1, max: 36500,
            value: c.period_days || "", title: field.help,
            oninput: (e) => { c.period_days = e.target.value ? Number(e.target.value) : null; changed(); },
          })));
        }
      }
      cells.push(el("button", {
        type: "button", class: "btn danger builder-remove", text: "× " + L("Remove"), "aria-label": L("Remove") + " " + L("Field"),
        onclick: () => { parent.items.splice(parent.items.indexOf(c), 1); changed(); render(); },
      }));
      return el("div", { class: "builder-condition" }, cells);
    }

    function choiceValue(field, text) {
      const found = field.choices.find((ch) => String(ch.value) === text);
      return found ? found.value : null;
    }

    function renderValue(c, field, id) {
      if (field.kind === "choice" && LIST_OPS.includes(c.op)) {
        // a folding list of checkboxes whose summary names what is chosen, so the choice
        // stays readable however long the list (47 prefectures)
        const summaryText = () => {
          const chosen = field.choices.filter((ch) => (c.value || []).map(String).includes(String(ch.value)));
          return chosen.length ? chosen.map((ch) => ch.label).join("、") : L("Choose");
        };
        const summary = el("summary", { id: id + "-value", text: summaryText() });
        const chosen = new Set((c.value || []).map(String));
        const boxes = field.choices.map((ch) => el("label", { class: "builder-choice" }, [
          el("input", {
            type: "checkbox", value: String(ch.value), checked: chosen.has(String(ch.value)),
            onchange: (e) => {
              const values = new Set((c.value || []).map(String));
              if (e.target.checked) values.add(e.target.value); else values.delete(e.target.value);
              c.value = field.choices.filter((x) => values.has(String(x.value))).map((x) => x.value);
              summary.textContent = summaryText();
              changed();
            },
          }),
          document.createTextNode(" " + ch.label),
        ]));
        const details = el("details", {
          class: "builder-choices", open: !(c.value && c.value.length) || c._open,
          ontoggle: (e) => { c._open = e.target.open; },
        }, [summary, el("div", { class: "builder-choice-grid", role: "group", "aria-label": field.label }, boxes)]);
        return el("div", { class: "builder-cell builder-cell-wide" }, [el("span", { class: "builder-caption", text: L("Value") }), details]);
      }
      if (field.kind === "number" && LIST_OPS.includes(c.op)) {
        // several numbers typed in one box: 「30, 40」
        const listInput = el("input", {
          id: id + "-value", type: "text", inputmode: "numeric",
          value: Array.isArray(c.value) ? c.value.join(", ") : "", title: field.help || null,
          oninput: (e) => {
            c.value = e.target.value.split(/[,、\s]+/).filter((t) => t !== "").map(Number);
            changed();
          },
        });
        const listCell = labelled(id + "-value", L("Value"), listInput);
        if (field.unit) listCell.appendChild(el("span", { class: "builder-unit", text: field.unit }));
        return listCell;
      }
      if (field.kind === "choice" && c.op !== "contains") {
        const select = el("select", {
          id: id + "-value",
          onchange: (e) => { c.value = choiceValue(field, e.target.value); changed(); },
        }, [el("option", { value: "", text: L("Choose") }),
          ...field.choices.map((ch) => el("option", { value: String(ch.value), text: ch.label, selected: String(ch.value) === String(c.value) }))]);
        return labelled(id + "-value", L("Value"), select);
      }
      const number = field.kind === "number";  // (a choice's "contains" takes text)
      const input = el("input", {
        id: id + "-value", type: number ? "number" : "text", inputmode: number ? "numeric" : null,
        min: number && field.minimum !== null ? field.minimum : null,
        max: number && field.maximum !== null ? field.maximum : null,
        value: c.value === null || c.value === undefined ? "" : c.value, title: field.help || null,
        oninput: (e) => {
          const text = e.target.value.trim();
          c.value = text === "" ? null : number ? Number(text) : text;
          changed();
        },
      });
      const cell = labelled(id + "-value", L("Value"), input);
      if (field.unit) cell.appendChild(el("span", { class: "builder-unit", text: field.unit }));
      return cell;
    }

    render();
    hidden.value = JSON.stringify(toJson(tree));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
