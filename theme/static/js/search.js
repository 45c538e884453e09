// Search page: turns the plain GET form of search.html into live results with Pagefind's
// JS API. Without JavaScript the form still works as a link target (?q=…) and the page
// says plainly that search needs JavaScript, with links to the sessions and speakers.
// Pagefind's own UI is not used: this file and pagefind.js are all the search page loads.

const MAX_RESULTS = 20;
const TYPING_DELAY_MS = 250; // long enough not to search on every keystroke

const form = document.getElementById("search-form");
if (form) enhance(form);

/** Fill "{name}" placeholders of a translated message. */
function fill(template, values) {
  return (template || "").replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/**
 * The excerpt as DOM nodes. Pagefind gives escaped text with <mark> around the hits;
 * it is parsed inertly and only text and <mark> are kept, so nothing else can get in.
 */
function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  return Array.from(doc.body.childNodes, (node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      return mark;
    }
    return document.createTextNode(node.textContent);
  });
}

/** One result: its title as a link, the session's day when it has one, the excerpt. */
function renderResult(data) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  item.append(heading);
  if (data.meta.day) {
    const day = document.createElement("p");
    day.className = "search-result-day";
    day.textContent = data.meta.day;
    item.append(day);
  }
  if (data.excerpt) {
    const excerpt = document.createElement("p");
    excerpt.append(...excerptNodes(data.excerpt));
    item.append(excerpt);
  }
  return item;
}

function enhance(form) {
  const input = form.elements.namedItem("q");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const fallback = document.getElementById("search-nojs");
  const text = form.dataset; // translated messages and the bundle's address, from the template
  let bundle = null;
  let latest = 0; // answers to older queries are dropped: typing outruns the index
  let timer = 0;

  if (fallback) fallback.hidden = true;

  function load() {
    // Loaded on first use so that a visitor who never searches downloads nothing more.
    bundle ??= import(text.bundle).catch((error) => {
      bundle = null; // let the next query try again
      throw error;
    });
    return bundle;
  }

  async function run(raw) {
    const query = raw.trim();
    const id = ++latest;
    const address = query ? `?q=${encodeURIComponent(query)}` : window.location.pathname;
    window.history.replaceState(null, "", address); // the result page can be bookmarked and shared
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    status.textContent = fill(text.msgSearching, { query });
    let total;
    let found;
    try {
      const pagefind = await load();
      const search = await pagefind.search(query);
      total = search.results.length;
      found = await Promise.all(search.results.slice(0, MAX_RESULTS).map((r) => r.data()));
    } catch (error) {
      if (id === latest) {
        list.replaceChildren();
        status.textContent = fill(text.msgError, { query });
        if (fallback) fallback.hidden = false;
      }
      console.error(error);
      return;
    }
    if (id !== latest) return;
    list.replaceChildren(...found.map(renderResult));
    const message = total === 0 ? text.msgNone : total === 1 ? text.msgOne : text.msgMany;
    status.textContent = fill(message, { query, count: total });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    run(input.value);
  });
  input.addEventListener("input", (event) => {
    if (event.isComposing) return; // wait until a Hangul syllable is complete
    window.clearTimeout(timer);
    timer = window.setTimeout(() => run(input.value), TYPING_DELAY_MS);
  });
  input.addEventListener("compositionend", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => run(input.value), TYPING_DELAY_MS);
  });

  const initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
}
