// Search page: turns the plain GET form of search.html into live results with Pagefind's
// JS API. Without JavaScript the form still works as a link target (?q=…) and the page
// says plainly that search needs JavaScript, with links to the sessions and speakers.
// Pagefind's own UI is not used: this file and pagefind.js are all the search page loads.
//
// The Korean index holds, besides each word as written, the forms the build's analysis
// found in it (plugins/ssc_search/korean.py): its nouns, the parts of its compounds, the
// dictionary form of its verbs, two nouns written apart joined. Those index-only words start
// with a private-use mark (AFTER: belongs to the word before, BEFORE: to the word after);
// this file removes them from titles and excerpts and moves their highlight to their word.

const MAX_RESULTS = 20;
const TYPING_DELAY_MS = 250; // long enough not to search on every keystroke
const EXCERPT_WORDS = 36; // Pagefind counts the index-only words too
const SUGGESTIONS = 5;
const AFTER = "\ue000";
const BEFORE = "\ue001";

// Korean particles (josa) and the copula's commonest endings, longest first. There is no
// analyser in the browser, so a query word loses one of these at its end before it is
// looked up: "데이터를" is searched as "데이터", which Pagefind then matches as the
// beginning of every indexed word (데이터, 데이터의, 빅데이터's part 데이터). At least two
// syllables must remain, so that "지도" or "정도" are not cut to one syllable; cutting a
// word that only looks like it ends in a particle costs little, since the shorter form still
// finds the longer one.
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

/** A title or text with the index-only words taken out. */
function clean(text) {
  return (text || "")
    .split(/\s+/)
    .filter((word) => word && word[0] !== AFTER && word[0] !== BEFORE)
    .join(" ");
}

/**
 * The excerpt as DOM nodes. Pagefind gives escaped text with <mark> around the hits;
 * it is parsed inertly and only text and <mark> are kept, so nothing else can get in.
 * An index-only word is dropped and its highlight goes to the word it belongs to.
 */
function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const words = []; // {text, marked}
  for (const node of doc.body.childNodes) {
    const marked = node.nodeName === "MARK";
    for (const text of node.textContent.split(/\s+/)) if (text) words.push({ text, marked });
  }
  const kept = [];
  let pendingMark = false;
  for (const word of words) {
    if (word.text[0] === AFTER) {
      if (word.marked && kept.length) kept[kept.length - 1].marked = true;
    } else if (word.text[0] === BEFORE) {
      pendingMark ||= word.marked;
    } else {
      kept.push({ text: word.text, marked: word.marked || pendingMark });
      pendingMark = false;
    }
  }
  const nodes = [];
  kept.forEach((word, i) => {
    if (i) nodes.push(document.createTextNode(" "));
    if (word.marked) {
      const mark = document.createElement("mark");
      mark.textContent = word.text;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(word.text));
    }
  });
  return nodes;
}

/** Levenshtein distance, on letters; Hangul syllables are first split into their jamo (NFD),
 * so that 데이타 is one letter from 데이터, as a reader would count the typo. */
function distance(a, b) {
  const x = Array.from(a.normalize("NFD"));
  const y = Array.from(b.normalize("NFD"));
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[y.length];
}

/** The index's words nearest to `word` (at most two letters away, one for short words). */
function nearest(word, terms) {
  const target = word.toLowerCase();
  const limit = Array.from(target.normalize("NFD")).length <= 4 ? 1 : 2;
  return terms
    .map((term) => ({ term, d: distance(target, term) }))
    .filter((t) => t.d > 0 && t.d <= limit)
    .sort((a, b) => a.d - b.d || a.term.length - b.term.length || (a.term < b.term ? -1 : 1))
    .map((t) => t.term);
}

/** Whether the index knows `word`: one of its words starts with it, or it starts with one of them
 * (a word with an ending the query did not lose: 참여했고 → 참여). */
function isKnown(word, terms) {
  if (word.length < 2) return true;
  return terms.some((term) => term.startsWith(word) || (term.length > 1 && word.startsWith(term)));
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

  function loadTerms() {
    terms ??= fetch(text.terms)
      .then((reply) => (reply.ok ? reply.json() : []))
      .catch(() => []);
    return terms;
  }

  /** One result: its kind, its title as a link, the session's day when it has one, the excerpt. */
  function renderResult(data) {
    const item = document.createElement("li");
    const kind = data.meta.kind || "page";
    const label = text[`kind${kind[0].toUpperCase()}${kind.slice(1)}`];
    if (label) {
      const badge = document.createElement("p");
      badge.className = `search-result-kind kind-${kind}`;
      badge.textContent = label;
      item.append(badge);
    }
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = clean(data.meta.title) || data.url;
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
      excerpt.className = "search-result-excerpt";
      excerpt.append(...excerptNodes(data.excerpt));
      item.append(excerpt);
    }
    return item;
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
        const known = await loadTerms();
        unsure = words.some((word) => !isKnown(word, known));
      }
      if (unsure) {
        // The words of the index nearest to each query word, as a portal's "did you mean";
        // with a candidate that finds something, its results are shown at once.
        const known = await loadTerms();
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
    if (id !== latest) return;
    list.replaceChildren(...answer.found.map(renderResult));
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
