// Live quality checks for the safety plan editor: as the worker types, the plan's parts are sent
// to the API's check endpoint (with the page's session, nothing saved) and each check's result
// is written, in words, next to the part it concerns; a polite live region announces the count.
const form = document.getElementById("plan-editor");
const summary = document.getElementById("check-summary");
const WAIT_MS = 400;
const ROWS = 6;
const NETWORK = ["name", "relationship", "role", "contact"];
const ACTIONS = ["who", "what", "when", "how_we_will_know", "verified_by"];

function value(name) {
  const field = form.elements.namedItem(name);
  return field ? field.value.trim() : "";
}

function lines(name) {
  return value(name).split("\n").map((line) => line.trim()).filter(Boolean);
}

function rows(prefix, names) {
  const found = [];
  for (let row = 0; row < ROWS; row += 1) {
    const item = {};
    for (const name of names) item[name] = value(`${prefix}-${row}-${name}`);
    if (Object.values(item).some(Boolean)) {
      if (prefix === "network") {
        item.is_parent = form.elements.namedItem(`network-${row}-is_parent`).checked;
      }
      found.push(item);
    }
  }
  return found;
}

// The editor's fields as the API's body (as web.read_parts reads them; rows not yet named are
// left out until they are, so that a half-written row is not refused).
function body() {
  return {
    worries: lines("worries"),
    goals: lines("goals"),
    network: rows("network", NETWORK).filter((member) => member.name),
    actions: rows("actions", ACTIONS).filter((action) => action.who && action.what),
    childs_words: form.elements.namedItem("childs_words").value,
    family_version: form.elements.namedItem("family_version").value,
  };
}

function show(check) {
  const item = document.querySelector(`[data-check="${check.code}"]`);
  if (!item) return;
  const tag = item.querySelector(".govuk-tag");
  const word = check.passed ? "Passed" : check.blocking ? "Failed" : "Warning";
  const colour = check.passed ? "green" : check.blocking ? "red" : "yellow";
  tag.textContent = word;
  tag.className = `govuk-tag govuk-tag--${colour}`;
  item.querySelector(".mach-check-message").textContent = check.message;
}

let timer = null;
let asked = 0;

async function check() {
  const mine = (asked += 1);
  const token = form.elements.namedItem("csrfmiddlewaretoken").value;
  const response = await fetch(form.dataset.checkUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify(body()),
  });
  // A slower answer to an older question must not overwrite a newer one.
  if (!response.ok || mine !== asked) return;
  const result = await response.json();
  result.checks.forEach(show);
  const failing = result.checks.filter((item) => !item.passed).map((item) => item.message);
  summary.textContent =
    `${result.quality_score} of ${result.checks_total} checks pass.` +
    (failing.length ? ` Still to do: ${failing.join(" ")}` : "");
}

form.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(check, WAIT_MS);
});
