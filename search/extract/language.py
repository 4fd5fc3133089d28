"""The language of an article's text (ISO 639-1 code), by py3langid's offline model.

Most collections are mostly English, so a text whose opening words are largely
English function words is taken as English without running the model (which
costs about half a millisecond an article).
"""

from __future__ import annotations

import re

SAMPLE_CHARS = 600    # enough text for a confident guess, little enough to stay fast
MIN_LETTERS = 40      # below this a guess is noise
MIN_LETTER_SHARE = 0.6  # prose is mostly letters; tables of figures are not
ENGLISH_SHARE = 0.25  # share of function words above which a text is English
# Languages a guess may name: widely written news languages. Left to itself the model
# also answers "pcm", "zxx" or "vo" for tables of figures and short headlines.
LANGUAGES = ("af ar bg bn ca cs cy da de el en es et fa fi fr ga he hi hr hu hy id is it ja "
             "ka kk ko lt lv mk ms mt nl no pl pt ro ru sk sl sq sr sv sw ta te th tl tr uk ur "
             "vi zh").split()
_WORD = re.compile(r"[^\W\d_]+")
_ENGLISH = frozenset(
    "the of and to in a is that for on it with as was by at from he she they have has had "
    "be are were been his her their this which or an not but said will would its who".split())


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when there is too little text."""
    sample = text[:SAMPLE_CHARS]
    words = _WORD.findall(sample.lower())
    letters = sum(map(len, words))
    if letters < MIN_LETTERS or letters < MIN_LETTER_SHARE * len(sample):
        return None   # too little text, or mostly figures (a table of results)
    if sum(map(_ENGLISH.__contains__, words)) >= ENGLISH_SHARE * len(words):
        return "en"
    return _classify(sample)


_limited = False


def _classify(sample: str) -> str:
    """py3langid's guess among LANGUAGES (the model loads on first use, not at import)."""
    global _limited
    import py3langid
    from py3langid.langid import set_languages

    if not _limited:
        set_languages(LANGUAGES)
        _limited = True
    return py3langid.classify(sample)[0]
