"""Korean morphological analysis for the search index (Kiwi, `kiwipiepy`).

Pagefind splits text on spaces only, so a Korean word is indexed as the whole eojeol:
"빅데이터를" is found by "빅데이터" (Pagefind matches prefixes) but never by "데이터", and
"시민 참여" never by "시민참여". Before a Korean page is indexed, each eojeol of its text is
followed by its analysed forms, as extra words that only the index sees (the page on disk is
not changed): its nouns, the parts of its compound nouns (빅데이터 → 빅, 데이터; 스마트도시정책관
→ 스마트, 도시, 정책관, 스마트도시, 도시정책관), the dictionary form of its verbs and adjectives
(열렸다 → 열리다), and two nouns written apart joined (시민 참여 → 시민참여).

Each added word starts with a private-use mark that Pagefind drops from the indexed word
(it keeps only word characters) but keeps in the stored text: the search page removes those
words from titles and excerpts and moves their highlight onto the word they were made from.
`AFTER` marks a word that belongs to the word before it, `BEFORE` one that belongs to the
word after it (used when an eojeol ends a text node and its next piece follows in the markup).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

AFTER = "\ue000"
"""Starts an index-only word that belongs to the word before it."""
BEFORE = "\ue001"
"""Starts an index-only word that belongs to the word after it."""

NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XR"})
"""Morphemes indexed as they are: nouns, proper nouns, Latin and Hanja words, roots."""
PREDICATE_TAGS = frozenset({"VV", "VA"})
"""Verb and adjective stems: indexed in their dictionary form (stem + 다)."""
COMPOUND_TAGS = frozenset({"NNG", "NNP"})
MIN_COMPOUND = 4
"""A noun of this many syllables or more is looked at as a possible compound (the first part of a
shorter one is found anyway: Pagefind matches the beginning of words)."""
CANDIDATES = 4
"""How many of Kiwi's analyses of a noun are read for a split into nouns."""
MARGIN = 8.0
"""How much less likely (Kiwi's log score) than the best reading a split may be. Wide enough for
빅데이터 (4.2), 스마트시티 (6.7), 스마트도시정책관 (4.8); narrow enough to keep loanwords and names
whole: 와이파이 (9.9), 헬싱키 (18.9), 로스앤젤레스 (24.1)."""

_WORD = re.compile(r"\S+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_NOT_WORD = re.compile(r"[^\w]")


def _normal(text: str) -> str:
    """A word as Pagefind indexes it: word characters only, lower case."""
    return _NOT_WORD.sub("", text).lower()


class Analyser:
    """Kiwi, loaded once, with its answers for repeated nouns kept."""

    def __init__(self) -> None:
        from kiwipiepy import Kiwi  # imported here: loading the model takes a second

        # One thread: a pool costs more than it gives on short texts (9 ms a call against 1 ms).
        self.kiwi: Kiwi = Kiwi(num_workers=1)
        self.compound_parts = lru_cache(maxsize=65536)(self._compound_parts)
        # Names, titles and cards repeat from page to page: each text is analysed once.
        self._annotated = lru_cache(maxsize=65536)(self._annotate)

    def _compound_parts(self, noun: str) -> tuple[str, ...]:
        """The nouns a compound is made of, and their runs of two or more; () when it is not one.

        Kiwi's dictionary holds many compounds whole (빅데이터, 기조연설, 스마트시티); among its
        best analyses of the noun alone, the first that reads it as nouns only is taken, each
        part of four syllables or more is split again the same way.
        """
        if len(noun) < MIN_COMPOUND or not _HANGUL.search(noun):
            return ()
        analyses = self.kiwi.analyze(noun, top_n=CANDIDATES)
        best = analyses[0][1] if analyses else 0.0
        for tokens, score in analyses:
            forms = [t.form for t in tokens]
            if (
                len(tokens) < 2
                or score < best - MARGIN
                or "".join(forms) != noun
                or any(t.tag not in COMPOUND_TAGS for t in tokens)
                or sum(len(f) == 1 for f in forms) > 1
            ):
                continue
            parts: list[str] = []
            for form in forms:
                sub = self.compound_parts(form) if len(form) >= MIN_COMPOUND else ()
                parts.extend(sub or (form,))
            runs = [
                "".join(parts[i:j])
                for i in range(len(parts))
                for j in range(i + 2, len(parts) + 1)
                if (i, j) != (0, len(parts))
            ]
            return tuple(dict.fromkeys([*parts, *runs, *forms]))
        return ()

    def terms(self, text: str, vocabulary: set[str] | None = None) -> list[tuple[int, int, list[str]]]:
        """For each eojeol of `text`: its start, its end and the forms the index adds for it.

        Every noun and dictionary form found is also added to `vocabulary`, when given.
        """
        tokens = self.kiwi.tokenize(text)
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        found: list[tuple[int, int, list[str]]] = []
        at = 0
        previous_nouns: str | None = None
        for start, end in spans:
            own: list[str] = []
            nouns_only = True
            first_noun: str | None = None
            while at < len(tokens) and tokens[at].start < end:
                token = tokens[at]
                at += 1
                if token.start < start:
                    continue
                first = token.start == start
                if token.tag in NOUN_TAGS:
                    own.append(token.form)
                    if token.tag in COMPOUND_TAGS:
                        own.extend(self.compound_parts(token.form))
                        if first:
                            first_noun = token.form
                    continue
                nouns_only = False
                if token.tag in PREDICATE_TAGS and len(token.form) >= 1:
                    own.append(token.form + "다")
            surface = _normal(text[start:end])
            if previous_nouns and first_noun and found:
                # 시민 참여 → 시민참여, given to the first word: whatever the joined form finds
                # by its beginning starts with that word.
                joined = previous_nouns + _normal(first_noun)
                found[-1][2].append(joined)
                if vocabulary is not None:
                    vocabulary.add(joined)
            previous_nouns = surface if nouns_only and surface and _HANGUL.search(surface) else None
            seen = {surface}
            kept = []
            if vocabulary is not None:
                vocabulary.update(n for n in map(_normal, own) if len(n) > 1 and _HANGUL.search(n))
            for form in own:
                norm = _normal(form)
                # One syllable alone finds too much to be worth its place in the index.
                if len(norm) > 1 and norm not in seen:
                    seen.add(norm)
                    kept.append(norm)
            found.append((start, end, kept))
        return found

    def annotate(self, text: str, *, tail_joins: bool = False, vocabulary: set[str] | None = None) -> str:
        """`text` with each eojeol followed by its index-only forms (see the module's docstring).

        `tail_joins`: the text's last eojeol runs on into the next piece of markup (no space
        follows), so its forms go before it, marked as belonging to the word after them.
        The nouns and dictionary forms found are added to `vocabulary`, when given.
        """
        if not _HANGUL.search(text):
            return text
        annotated, found = self._annotated(text, tail_joins)
        if vocabulary is not None:
            vocabulary.update(found)
        return annotated

    def _annotate(self, text: str, tail_joins: bool) -> tuple[str, frozenset[str]]:
        pieces: list[str] = []
        last = 0
        vocabulary: set[str] = set()
        analysed = self.terms(text, vocabulary)
        for index, (start, end, forms) in enumerate(analysed):
            if not forms:
                continue
            joined_to_next = tail_joins and index == len(analysed) - 1 and end == len(text)
            if joined_to_next:
                pieces.append(text[last:start])
                pieces.append("".join(f"{BEFORE}{form} " for form in forms))
                pieces.append(text[start:end])
            else:
                pieces.append(text[last:end])
                pieces.append("".join(f" {AFTER}{form}" for form in forms))
            last = end
        pieces.append(text[last:])
        return "".join(pieces), frozenset(vocabulary)


SKIPPED = frozenset({"script", "style", "template", "noscript", "svg"})


def annotate_tree(bodies: list[Any], analyser: Analyser, terms: set[str] | None = None) -> None:
    """Annotate, in place, the text of the `data-pagefind-body` elements of a Korean page
    (lxml elements) with its analysed forms; what Pagefind ignores is left alone.

    The forms found are also added to `terms` (the words the search page may suggest).
    """

    def annotate(text: str | None) -> str | None:
        if not text or not text.strip():
            return text
        return analyser.annotate(text, tail_joins=not text[-1].isspace(), vocabulary=terms)

    def walk(element: Any, inside: bool) -> None:
        if not isinstance(element.tag, str) or element.tag in SKIPPED:
            return
        if element.get("data-pagefind-ignore") is None:
            element.text = annotate(element.text)
            for child in element:
                walk(child, True)
        if inside:
            element.tail = annotate(element.tail)

    for body in bodies:
        walk(body, False)
