// Talent directory: filter and sort the cards that are all in the page already (it works
// without JavaScript too, listing everyone by name). The state lives in the URL query.

const form = document.getElementById("directory-filters");
const list = document.getElementById("directory");
const count = document.getElementById("directory-count");
const cards = Array.from(list.children);
const SEPARATOR = "\u241f";

const sorters = {
  name: (a, b) => Number(a.dataset.name) - Number(b.dataset.name),
  awards: (a, b) => Number(b.dataset.awards) - Number(a.dataset.awards) || sorters.name(a, b),
  answers: (a, b) => Number(b.dataset.answers) - Number(a.dataset.answers) || sorters.name(a, b),
  joined: (a, b) => (b.dataset.joined || "").localeCompare(a.dataset.joined || "") || sorters.name(a, b),
};

function apply() {
  const data = new FormData(form);
  let shown = 0;
  for (const card of cards) {
    let match = true;
    for (const facet of ["expertise", "industry", "position", "needs", "role"]) {
      const wanted = data.get(facet);
      if (wanted && !(card.dataset[facet] || "").split(SEPARATOR).includes(wanted)) match = false;
    }
    card.hidden = !match;
    shown += match;
  }
  const sorted = [...cards].sort(sorters[data.get("sort")] || sorters.name);
  list.append(...sorted);
  count.textContent = `${shown} / ${cards.length}`;
  const params = new URLSearchParams();
  for (const [key, value] of data) if (value && !(key === "sort" && value === "name")) params.set(key, value);
  history.replaceState(null, "", params.size ? `?${params}` : location.pathname);
}

const initial = new URLSearchParams(location.search);
for (const control of form.elements) {
  if (control.name && initial.has(control.name)) control.value = initial.get(control.name);
  control.addEventListener("change", apply);
}
form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });
apply();
