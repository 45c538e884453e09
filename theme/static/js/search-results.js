// What search.js needs once a search is made, loaded then (the page itself stays light): the
// results as HTML, and whether a query word is one the index knows (pagefind/terms.<lang>.json,
// written by the build) and which known words are nearest.

// Index-only words (plugins/ssc_search/korean.py) start with one of these marks: AFTER belongs
// to the word before it, BEFORE to the word after it.
const AFTER = "\ue000";
const BEFORE = "\ue001";

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

/** One result: its kind, its title as a link, the session's day when it has one, the excerpt. */
export function renderResult(data, text) {
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
export function nearest(word, terms) {
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
export function isKnown(word, terms) {
  if (word.length < 2) return true;
  return terms.some((term) => term.startsWith(word) || (term.length > 1 && word.startsWith(term)));
}
