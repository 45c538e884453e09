// Search page: turns the plain GET form of search.html into live results with Pagefind's
// JS API. Without JavaScript the form still works as a link target (?q=…) and the page
// says plainly that search needs JavaScript, with links to the sessions and speakers.
// Pagefind's own UI is not used: this file, search-results.js and pagefind.js are all the
// search page loads. The Korean index also holds the forms the build's analysis found in each
// word (plugins/ssc_search/korean.py); search-results.js keeps them out of what is shown.

const MAX_RESULTS = 20;
const TYPING_DELAY_MS = 250; // long enough not to search on every keystroke
const EXCERPT_WORDS = 36; // Pagefind counts the index-only words too (search-results.js)
const SUGGESTIONS = 5;

// Korean particles (josa) and common copula endings, longest first. With no analyser in the
// browser, a query word loses one of these at its end (데이터를 → 데이터) and Pagefind matches
// the rest as the beginning of indexed words. Two syllables must remain ("지도" stays whole);
// a word cut by mistake still finds the longer one.
const PARTICLES = [
  "에서부터", "으로부터", "에게서", "이라는", "이라고", "까지의", "에서의", "으로서", "으로써",
  "에서는", "에서도", "에게는", "으로는", "입니다", "이에요", "이었다",
  "에서", "에게", "한테", "께서", "으로", "부터", "까지", "마저", "조차", "처럼", "보다", "라는",
  "이나", "이랑", "에는", "에도", "와의", "과의", "로서", "로써", "이다", "였다", "이며", "하고",
  "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "만", "로", "나", "랑", "께",
];
const HANGUL = /[\uac00-\ud7a3]/;

const form = document.getElementById("search-form");
if (form) enhance(form);

/** Fill "{name}" placeholders of a translated message. */
function fill(template, values) {
  return (template || "").replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/** A Korean query word without the particle at its end (see PARTICLES). */
function stripParticle(word) {
  if (!HANGUL.test(word)) return word;
  for (const particle of PARTICLES) {
    if (word.endsWith(particle) && word.length - particle.length >= 2) {
      return word.slice(0, -particle.length);
    }
  }
  return word;
}

/** The query as it is sent to the index: in Korean, each word without its particle. */
function normaliseQuery(query, lang) {
  const words = query.normalize("NFC").trim().split(/\s+/).filter(Boolean);
  return (lang === "ko" ? words.map(stripParticle) : words).join(" ");
}

function enhance(form) {
  const input = form.elements.namedItem("q");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const fallback = document.getElementById("search-nojs");
  const help = document.getElementById("search-help");
  const suggestions = document.getElementById("search-suggestions");
  const text = form.dataset; // translated messages and the bundle's address, from the template
  const lang = document.documentElement.lang.split("-")[0];
  let bundle = null;
  let terms = null;
  let module = null;
  let latest = 0; // answers to older queries are dropped: typing outruns the index
  let timer = 0;

  if (fallback) fallback.hidden = true;

  function load() {
    // Loaded on first use so that a visitor who never searches downloads nothing more.
    bundle ??= import(text.bundle)
      .then(async (pagefind) => {
        // A fixed tag instead of Pagefind's time of day: the entry file keeps one address,
        // which a web archive can answer (plugins/ssc_search/indexing.py, ENTRY_TAG).
        // The site's root from the bundle's address, not from where pagefind.js finds itself:
        // in a web archive's replay that is the replay's own address, and results' links
        // would be made from it.
        const baseUrl = new URL("../", new URL(text.bundle, document.baseURI)).pathname;
        await pagefind.options({ metaCacheTag: text.indexTag, excerptLength: EXCERPT_WORDS, baseUrl });
        await pagefind.init();
        return pagefind;
      })
      .catch((error) => {
        bundle = null; // let the next query try again
        throw error;
      });
    return bundle;
  }

  // What shows results (search-results.js) and the index's word list come with the first
  // search, not with the page.
  function helpers() {
    module ??= import(new URL("search-results.js", import.meta.url));
    return module;
  }

  function loadTerms() {
    terms ??= Promise.all([
      helpers(),
      fetch(text.terms).then((reply) => (reply.ok ? reply.json() : [])).catch(() => []),
    ]).then(([found, words]) => ({ ...found, words }));
    return terms;
  }

  async function find(query) {
    const pagefind = await load();
    const search = await pagefind.search(normaliseQuery(query, lang));
    const found = await Promise.all(search.results.slice(0, MAX_RESULTS).map((r) => r.data()));
    return { total: search.results.length, found };
  }

  /** Links that run the search for each suggested word. */
  function showSuggestions(words) {
    suggestions.replaceChildren();
    if (!words.length) return;
    const intro = document.createElement("span");
    intro.textContent = text.msgSuggest + " ";
    suggestions.append(intro);
    words.forEach((word, i) => {
      if (i) suggestions.append(document.createTextNode(", "));
      const link = document.createElement("a");
      link.href = `?q=${encodeURIComponent(word)}`;
      link.textContent = word;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        input.value = word;
        run(word);
      });
      suggestions.append(link);
    });
  }

  async function run(raw) {
    const query = raw.trim();
    const id = ++latest;
    const address = query ? `?q=${encodeURIComponent(query)}` : window.location.pathname;
    window.history.replaceState(null, "", address); // the result page can be bookmarked and shared
    if (help) help.hidden = true;
    suggestions.replaceChildren();
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      delete list.dataset.query;
      return;
    }
    status.textContent = fill(text.msgSearching, { query });
    let answer;
    let shownFor = query;
    let alternatives = [];
    try {
      answer = await find(query);
      const words = normaliseQuery(query, lang).toLowerCase().split(" ");
      // Pagefind, finding no word that starts with a query word, tries shorter and shorter
      // beginnings of it, so a typo still "finds" pages: 데이타 those with 데, "consert" those
      // with "co-host". A query word the index does not know is therefore checked against the
      // index's words as well.
      let unsure = answer.total === 0;
      if (!unsure) {
        const { isKnown, words: known } = await loadTerms();
        unsure = words.some((word) => !isKnown(word, known));
      }
      if (unsure) {
        // The words of the index nearest to each query word, as a portal's "did you mean";
        // with a candidate that finds something, its results are shown at once.
        const { isKnown, nearest, words: known } = await loadTerms();
        const options = words.map((word) => (isKnown(word, known) ? [word] : nearest(word, known)));
        if (words.length === 1) alternatives = options[0].slice(0, SUGGESTIONS);
        else if (options.every((o) => o.length)) alternatives = [options.map((o) => o[0]).join(" ")];
        if (alternatives.length) {
          const retry = await find(alternatives[0]);
          if (retry.total) {
            answer = retry;
            shownFor = alternatives[0];
          }
        }
      }
    } catch (error) {
      if (id === latest) {
        list.replaceChildren();
        status.textContent = fill(text.msgError, { query });
        if (help) help.hidden = false;
        list.dataset.query = query;
      }
      console.error(error);
      return;
    }
    let renderResult;
    try {
      ({ renderResult } = await helpers());
    } catch (error) {
      module = null;
      if (id === latest) {
        status.textContent = fill(text.msgError, { query });
        if (help) help.hidden = false;
        list.dataset.query = query;
      }
      return;
    }
    if (id !== latest) return;
    list.replaceChildren(...answer.found.map((data) => renderResult(data, text)));
    const { total } = answer;
    if (shownFor !== query) {
      status.textContent = fill(text.msgInstead, { query, shown: shownFor, count: total });
      showSuggestions(alternatives.filter((word) => word !== shownFor));
    } else {
      const message = total === 0 ? text.msgNone : total === 1 ? text.msgOne : text.msgMany;
      status.textContent = fill(message, { query, count: total });
      showSuggestions(alternatives);
    }
    if (total === 0 && help) help.hidden = false;
    list.dataset.query = query; // this query is answered (tests and the benchmark wait for it)
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
