// The catalog's search page: queries Pagefind's index ({{ index }}/) of the issues' article pages and lists
// each result with its issue, date and section. Loaded only by search.html, whose policy allows only this
// file, the index's own script and its WebAssembly.
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const base = new URL(".", document.baseURI);
let pagefind = null;
let asked = 0;

async function engine() {
  if (pagefind === null) {
    pagefind = await import(new URL("{{ index }}/pagefind.js", base).href);
    await pagefind.options({ baseUrl: base.pathname, excerptLength: 24 });
  }
  return pagefind;
}

function result(data) {
  const item = document.createElement("li");
  const title = document.createElement("a");
  title.href = data.url;
  title.textContent = data.meta.title || data.url;
  const heading = document.createElement("h2");
  heading.append(title);
  const about = document.createElement("p");
  about.className = "meta";
  about.textContent = [data.meta.issue, data.meta.date, data.meta.section].filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  excerpt.className = "summary";
  // Pagefind escapes the page's text and marks the words found with <mark>, nothing else.
  excerpt.innerHTML = data.excerpt;
  item.append(about, heading, excerpt);
  return item;
}

async function search(query) {
  const mine = ++asked;
  let found;
  try {
    found = await (await engine()).search(query);
  } catch (error) {
    // Opened from a file rather than a server: browsers load no module or WebAssembly from file://.
    status.textContent = "The search could not load its index: it works when the catalog is served over HTTP. Every issue is listed by year below.";
    return;
  }
  const shown = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
  if (mine !== asked) return;  // a newer query answered first
  list.replaceChildren(...shown.map(result));
  const n = found.results.length;
  status.textContent = query.trim() === "" ? "" : `${n} article${n === 1 ? "" : "s"} found` + (n > 10 ? ", the first 10 shown" : "");
}

form.hidden = false;
document.getElementById("search-note").hidden = true;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  search(input.value);
});
input.addEventListener("input", () => search(input.value));
const asked_first = new URLSearchParams(location.search).get("q");
if (asked_first) {
  input.value = asked_first;
  search(asked_first);
}
