"""Cues that a capitalised name is a person, and within-article coreference.

A run of capitalised words is taken for a person when a title precedes it
("President", "Mr", "ambassador"), or when it starts with a known given name
(data/first_names.txt, see scripts/build_names.py for its sources) followed by a
word that is not an ordinary English word. Once "Carla Soria" is found, a lone "Soria"
later (or earlier) in the same article is that person (``PersonRegistry``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from newsfacet.search.lexicon import accent_free

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

# Words before a name that make it a person; matched case-insensitively, never part of the name.
TITLES = frozenset("""
mr mrs ms miss dr sir dame lord lady mister madam president vice-president
minister premier chancellor senator sen rep representative congressman congresswoman
governor gov mayor ambassador envoy secretary judge justice chairman chairwoman
chair chief commander general gen colonel col captain capt lieutenant lt sergeant sgt
major admiral marshal king queen prince princess pope cardinal archbishop bishop
rabbi imam ayatollah sheikh emir sultan professor prof rev reverend father
spokesman spokeswoman spokesperson director coach manager striker midfielder
defender goalkeeper captain batsman bowler skipper champion leader deputy
correspondent reporter journalist analyst economist lawyer attorney prosecutor
official officer commissioner chancellor founder president-elect dictator mp
""".split())
# Words that end names of events and prizes, plans, laws and treaties, not of people:
# "Davis Cup", "Golden Globe", "Marshall Plan".
EVENT_WORDS = frozenset("cup cups olympics olympic games championship championships premiership "
                        "open trophy prize award awards globe festival tournament series "
                        "grand prix final finals derby marathon tour "
                        "plan act treaty accord accords doctrine protocol charter declaration "
                        "war wars globes".split())
# Lower-case words that may sit between such a title and a name ("Foreign Minister X").
TITLE_FILLERS = frozenset("foreign defence defense finance interior prime former acting "
                          "first deputy vice chief state trade economy justice health".split())


@lru_cache(maxsize=1)
def first_names() -> frozenset:
    """Given names, as written (capitalised)."""
    return read_word_list(DATA_DIR / "first_names.txt")


@lru_cache(maxsize=1)
def surnames() -> frozenset:
    """Common surnames, as written (capitalised)."""
    return read_word_list(DATA_DIR / "surnames.txt")


def is_surname(word: str) -> bool:
    """True for a common surname ("Martinez", "Adams")."""
    return word in surnames()


def read_word_list(path: Path) -> frozenset:
    """A word list of search/data: one word a line, '#' lines are comments."""
    return frozenset(w for w in path.read_text(encoding="utf-8").split("\n")
                     if w and not w.startswith("#"))


def is_title(word: str) -> bool:
    """True for "President", "Mr", "ambassador" ... (with or without a final dot)."""
    return word.rstrip(".").lower() in TITLES


def is_event_word(word: str) -> bool:
    """True for a word that ends an event's or prize's name ("Cup", "Olympics")."""
    return word.lower() in EVENT_WORDS


def is_title_filler(word: str) -> bool:
    """True for the words that may stand between a title and the name ("Foreign")."""
    return word.lower() in TITLE_FILLERS


def is_first_name(word: str) -> bool:
    """True for a known given name, written capitalised ("Vasily", "Lucas")."""
    return word in first_names()


class PersonRegistry:
    """The people named in full in one article, so short forms can be resolved."""

    def __init__(self) -> None:
        self._by_surname: dict[str, str] = {}
        self._by_given_name: dict[str, str] = {}

    def add(self, words: list[str], canonical: str) -> None:
        """Register a multi-word name: its last word (and first) then refer to it."""
        if len(words) < 2:
            return
        self._by_surname.setdefault(accent_free(words[-1].lower()), canonical)
        self._by_given_name.setdefault(accent_free(words[0].lower()), canonical)

    def resolve(self, word: str, surname_only: bool = False) -> str | None:
        """The canonical person a lone word refers to in this article, if any
        (accents aside: "Garzon" after "Baltasar Garzón")."""
        key = accent_free(word.lower())
        found = self._by_surname.get(key)
        if found is None and not surname_only:
            found = self._by_given_name.get(key)
        return found
