// The page works without this file (forms post, searches reload); it adds live search,
// clickable body views kept in step with the point list, code entry, and printing.
"use strict";

function normalize(text) {
  return text.normalize("NFKC").toLowerCase();
}

// Front desk: filter the conditions as the search is typed (titles in every language).
function liveSearch() {
  const input = document.getElementById("q");
  const choices = document.querySelectorAll(".conditions .choice");
  const none = document.getElementById("no-match");
  if (!input || !choices.length) return;
  input.addEventListener("input", () => {
    const query = normalize(input.value.trim());
    let shown = 0;
    for (const choice of choices) {
      const match = !query || choice.dataset.search.includes(query);
      choice.hidden = !match;
      if (match) shown += 1;
    }
    none.hidden = shown > 0;
    none.textContent = none.dataset.template.replace("{q}", input.value.trim());
  });
}

// Print the document shown in a frame (the browser's own print dialog).
function printButtons() {
  for (const button of document.querySelectorAll("button.print")) {
    button.addEventListener("click", () => {
      const frame = document.getElementById(button.dataset.frame);
      if (!frame || !frame.contentWindow) return;
      frame.contentWindow.focus();
      frame.contentWindow.print();
    });
  }
}

// Practitioner: body-view badges and the point checkboxes are one choice, shown twice.
function points() {
  const form = document.getElementById("sheet");
  if (!form) return;
  const boxes = new Map();
  for (const box of form.querySelectorAll("input[name=point]")) boxes.set(box.value, box);
  const spots = form.querySelectorAll(".spot");

  function show() {
    for (const spot of spots) {
      const checked = boxes.get(spot.dataset.code)?.checked || false;
      spot.setAttribute("aria-checked", String(checked));
    }
  }
  function toggle(code) {
    const box = boxes.get(code);
    if (!box) return;
    box.checked = !box.checked;
    show();
  }
  for (const spot of spots) {
    spot.addEventListener("click", () => toggle(spot.dataset.code));
    spot.addEventListener("keydown", (event) => {
      if (event.key === " " || event.key === "Enter") {
        event.preventDefault();
        toggle(spot.dataset.code);
      }
    });
  }
  form.addEventListener("change", show);

  // The condition's usual points get a thick ring.
  const condition = document.getElementById("condition");
  function usual() {
    const codes = new Set((condition.selectedOptions[0]?.dataset.points || "").split(" "));
    for (const spot of spots) spot.classList.toggle("usual", codes.has(spot.dataset.code));
  }
  condition.addEventListener("change", usual);
  usual();

  // Codes typed (with completion; aliases such as LV3 work) tick the same boxes.
  const input = document.getElementById("points");
  const message = document.getElementById("code-message");
  const known = new Map();
  for (const option of document.querySelectorAll("#codes option")) {
    known.set(option.value.toUpperCase(), option.dataset.code);
  }
  function add() {
    const unknown = [];
    for (const typed of input.value.split(/[,\s、，]+/)) {
      if (!typed) continue;
      const code = known.get(typed.toUpperCase());
      if (code && boxes.has(code)) {
        boxes.get(code).checked = true;
      } else {
        unknown.push(typed);
      }
    }
    input.value = unknown.join(", ");
    message.textContent = unknown.length
      ? message.dataset.unknown.replace("{code}", unknown.join(", ")) : "";
    show();
  }
  document.getElementById("add-code").addEventListener("click", add);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();        // Enter adds the code; it does not send the form
      add();
    }
  });
  input.addEventListener("change", () => {
    if (known.has(input.value.trim().toUpperCase())) add();   // picked from the list
  });

  // Emailing needs an address: say so here rather than after a round trip.
  const to = document.getElementById("to");
  const needs = document.getElementById("send-message");
  const preview = document.getElementById("preview");
  let sent = false;
  form.addEventListener("submit", (event) => {
    const email = event.submitter && event.submitter.value === "email";
    needs.hidden = !email || to.value.trim() !== "";
    if (email && !to.value.trim()) {
      event.preventDefault();
      to.focus();
      return;
    }
    sent = !(event.submitter && event.submitter.value === "download");
  });
  // The answer shows below the long form: bring it into view when it arrives.
  preview.addEventListener("load", () => {
    if (!sent) return;
    sent = false;
    preview.closest("section").scrollIntoView({block: "start"});
  });
  show();
}

document.addEventListener("DOMContentLoaded", () => {
  liveSearch();
  printButtons();
  points();
});
