// Search for the archive: Pagefind in the browser, queries folded to one Chinese script with the
// same table the index was built with (search/fold.json), results shown in their original text.
// Content is never put into innerHTML: every string from the index becomes a text node.

const form = document.getElementById("search-form");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const root = form.dataset.root;
const MAX_RESULTS = 30;

let foldTable = null;
async function loadFold() {
  if (!foldTable) {
    const response = await fetch(`${root}search/fold.json`);
    const { from, to } = await response.json();
    const a = Array.from(from), b = Array.from(to);
    foldTable = new Map(a.map((ch, i) => [ch, b[i]]));
  }
  return foldTable;
}

function fold(text) {
  let out = "";
  for (const ch of text) out += foldTable.get(ch) ?? ch;
  return out.toLowerCase();
}

// English words lose common endings; Pagefind matches the rest as a prefix.
function stem(word) {
  if (!/^[a-z]+$/.test(word)) return word;
  for (const suffix of ["ies", "ing", "ed", "es", "s"]) {  // communities -> communit-
    if (word.endsWith(suffix) && word.length - suffix.length >= 4) return word.slice(0, -suffix.length);
  }
  return word;
}

function terms(query) {
  return fold(query).split(/\s+/).filter(Boolean);
}

// The folded text with OpenCC's phrase forms put in (`phrases` of the record: [[offset, chars]],
// each as long as what it replaces), so 计划 is found in 計畫 although 畫 folds to 画.
function phrased(folded, phrases) {
  let out = "", cursor = 0;
  for (const [at, chars] of phrases) {
    if (at < cursor || at + chars.length > folded.length) continue;
    out += folded.slice(cursor, at) + chars.toLowerCase();
    cursor = at + chars.length;
  }
  return out + folded.slice(cursor);
}

function appendHighlighted(parent, text, words, phrases = []) {
  // Find every match of a folded term in the folded text, and in its phrase form (both as long as
  // the text, so offsets carry over).
  const folded = fold(text);
  const forms = phrases.length ? [folded, phrased(folded, phrases)] : [folded];
  const ranges = [];
  for (const form of forms) {
    for (const word of words) {
      let at = form.indexOf(word);
      while (at !== -1 && word) {
        ranges.push([at, at + word.length]);
        at = form.indexOf(word, at + word.length);
      }
    }
  }
  ranges.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
  const first = ranges.length ? ranges[0][0] : 0;
  const start = Math.max(0, first - 60);
  const end = Math.min(text.length, start + 220);
  if (start > 0) parent.append("…");
  let cursor = start;
  for (const [from, to] of ranges) {
    if (from < cursor || from >= end) continue;
    parent.append(text.slice(cursor, from));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(from, Math.min(to, end));
    parent.append(mark);
    cursor = Math.min(to, end);
  }
  parent.append(text.slice(cursor, end));
  if (end < text.length) parent.append("…");
}

// "2025-w7" and "2025W07" read as "2025-W07": ISO week labels compare correctly as strings.
function weekLabel(value) {
  const text = (value || "").trim().toUpperCase();
  const match = /^(\d{4})-?W(\d{1,2})$/.exec(text);
  return match ? `${match[1]}-W${match[2].padStart(2, "0")}` : text;
}

function readForm() {
  const data = new FormData(form);
  return {
    q: (data.get("q") || "").trim(),
    kinds: data.getAll("kind"),
    tag: data.get("tag") || "",
    from: weekLabel(data.get("from")),
    to: weekLabel(data.get("to")),
    expertise: data.get("expertise") || "",
    industry: data.get("industry") || "",
  };
}

function fillForm(params) {
  form.elements.q.value = params.get("q") || "";
  for (const box of form.querySelectorAll('input[name="kind"]')) box.checked = params.getAll("kind").includes(box.value);
  for (const name of ["tag", "from", "to", "expertise", "industry"]) form.elements[name].value = params.get(name) || "";
}

function message(template, values) {
  return Object.entries(values).reduce((text, [key, value]) => text.replace(`{${key}}`, value), template);
}

let pagefind = null;
let loading = null;
let latestRun = 0;  // a run that a newer one has overtaken stops writing to the page
let weekLabels = null;

// The archive's weeks between from and to (either may be empty), from the index's own `week`
// filter: a range is clamped to the weeks that exist, and Pagefind does the filtering.
async function weeksBetween(from, to) {
  weekLabels ??= Object.keys((await pagefind.filters()).week || {}).sort();
  return weekLabels.filter((week) => (!from || week >= from) && (!to || week <= to));
}

// A large archive's index comes in shards (pagefind/shards.json lists all but the first);
// Pagefind searches them together and ranks their results as one list.
let sharded = false;
async function loadPagefind() {
  const module = await import(`${root}pagefind/pagefind.js`);
  await module.options({ baseUrl: root });
  const response = await fetch(`${root}pagefind/shards.json`);
  const shards = response.ok ? await response.json() : [];
  for (const folder of shards) await module.mergeIndex(`${root}${folder}`, { baseUrl: root });
  sharded = shards.length > 0;
  return module;
}

// The words a result's text must hold: a Chinese term in the words the browser splits it into.
const splitter = typeof Intl.Segmenter === "function" ? new Intl.Segmenter("zh", { granularity: "word" }) : null;
function needles(words) {
  return words.flatMap((word) => /^[\x00-\x7f]+$/.test(word) || !splitter
    ? [word]
    : [...splitter.segment(word)].filter((s) => s.isWordLike).map((s) => s.segment));
}

// Whether a result's text holds every wanted word: in its folded text, or in its phrase forms
// (计划 is the phrase form of 計畫, which folds to 计画).
function holdsEvery(data, wanted) {
  const forms = [data.content.toLowerCase()];
  const phrases = readPhrases(data.meta.phrases);
  if (phrases.length) forms.push(phrased(fold(data.meta.text || ""), phrases));
  return wanted.every((word) => forms.some((form) => form.includes(word)));
}

// Pagefind matches a word an index lacks by the longest word it has that begins it ("on" for
// "onboard"). One index rarely lacks a word its readers look for, but a shard of a large
// archive often does, and its stand-ins would be ranked among the real matches. So with shards
// a result is shown only when its text holds every word of the query, fetched a page of
// results at a time until enough are found (or MAX_BATCHES pages were looked at).
const MAX_BATCHES = 4;
async function firstMatches(results, words) {
  if (!sharded || !words.length) return Promise.all(results.slice(0, MAX_RESULTS).map((result) => result.data()));
  const wanted = needles(words);
  const shown = [];
  const end = Math.min(results.length, MAX_BATCHES * MAX_RESULTS);
  for (let start = 0; start < end && shown.length < MAX_RESULTS; start += MAX_RESULTS) {
    const batch = await Promise.all(results.slice(start, start + MAX_RESULTS).map((result) => result.data()));
    for (const data of batch) if (shown.length < MAX_RESULTS && holdsEvery(data, wanted)) shown.push(data);
  }
  return shown;
}

async function run() {
  const runId = ++latestRun;
  const state = readForm();
  list.replaceChildren();
  if (!state.q && !state.tag && !state.expertise && !state.industry && !state.kinds.length) {
    statusLine.textContent = "";
    return;
  }
  statusLine.textContent = form.dataset.loading;
  await loadFold();
  pagefind = await (loading ??= loadPagefind());  // one load, however many runs start meanwhile
  const filters = {};
  if (state.kinds.length) filters.kind = { any: state.kinds };
  if (state.tag) filters.tag = state.tag;
  if (state.expertise) filters.expertise = state.expertise;
  if (state.industry) filters.industry = state.industry;
  let inRange = true;
  if (state.from || state.to) {
    const weeks = await weeksBetween(state.from, state.to);
    if (runId !== latestRun) return;
    inRange = weeks.length > 0;
    filters.week = { any: weeks };
  }
  const words = terms(state.q);
  const stems = words.map(stem);  // "onboards" also marks the "onboard" of "onboarding"
  const query = stems.length ? stems.join(" ") : null;
  const search = inRange ? await pagefind.search(query, { filters }) : { results: [] };
  if (runId !== latestRun) return;
  // Only the results shown are fetched (one fragment request each).
  const shown = await firstMatches(search.results, stems);
  if (runId !== latestRun) return;
  list.replaceChildren();
  statusLine.textContent = shown.length
    ? message(form.dataset.count, { count: shown.length, query: state.q })
    : message(form.dataset.noResults, { query: state.q });
  for (const data of shown) list.append(card(data, stems));
}

function readPhrases(value) {
  try {
    const phrases = JSON.parse(value || "[]");
    return Array.isArray(phrases)
      ? phrases.filter((p) => Array.isArray(p) && Number.isInteger(p[0]) && typeof p[1] === "string")
      : [];
  } catch {
    return [];
  }
}

function card(data, words) {
  const item = document.createElement("li");
  item.className = `card result kind-${data.meta.kind}`;
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.lang = data.meta.lang || "";
  link.textContent = data.meta.title;
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "meta";
  const kind = document.createElement("span");
  kind.className = "badge";
  kind.textContent = form.dataset[`kind${data.meta.kind[0].toUpperCase()}${data.meta.kind.slice(1)}`] || data.meta.kind;
  meta.append(kind);
  if (data.meta.week) meta.append(` · ${data.meta.week}`);
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  excerpt.lang = data.meta.lang || "";
  appendHighlighted(excerpt, data.meta.text || "", words, readPhrases(data.meta.phrases));
  item.append(heading, meta, excerpt);
  if (data.meta.tags) {
    const tags = document.createElement("ul");
    tags.className = "tags";
    for (const tag of data.meta.tags.split("\u241f")) {
      const li = document.createElement("li");
      li.textContent = tag;
      tags.append(li);
    }
    item.append(tags);
  }
  return item;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const params = new URLSearchParams(new FormData(form));
  for (const [key, value] of [...params]) if (!value) params.delete(key);
  history.replaceState(null, "", `?${params}`);
  run();
});
for (const control of form.querySelectorAll("select, input[type=checkbox]")) {
  control.addEventListener("change", () => form.requestSubmit());
}
fillForm(new URLSearchParams(location.search));
run();
