"""When a gazetteer match in running text really names a place.

The gazetteer (``search.aliases``, built from GeoNames and ISO 3166) knows 36,000
places and their spellings, and many of them are also ordinary words or names:
"Of" and "Split" are towns, "Nice", "Reading", "Bath", "Mobile" are cities, "Lucas"
is a Brazilian town and "Paris" a given name. ``accept`` decides from the words
around a capitalised match whether to keep it.
"""

from __future__ import annotations

from functools import lru_cache

from newsfacet.search import aliases
from newsfacet.search.aliases import Entry
from newsfacet.search.extract import people

# Words that, just before a name, say it is a place: "in Nice", "near Bath".
LOCATIVES = frozenset("in at from to near outside around across via into towards toward "
                      "between through throughout inside".split())
# Words of a place name that news may write in lower case: "Belgorod oblast".
GENERIC_WORDS = frozenset("oblast region province republic city county state district krai "
                          "kray governorate prefecture territory".split())
# Words that end the names of streets, venues and natural features: "Wall Street",
# "Kestrel Bridge", "Harbour Square", "Lake Geneva" is left to the gazetteer.
FEATURE_WORDS = frozenset("street st road avenue square park bridge stadium airport lane "
                          "boulevard highway river lake mountains mountain valley bay sea "
                          "ocean gulf strait straits harbour harbor peninsula island islands desert "
                          "canal coast heights hills oval arena ground course circuit racecourse "
                          "velodrome speedway raceway".split())
# Words before "Centre"/"Center" that make it a venue, not an organisation:
# "Riverside Tennis Centre", "Convention Center".
VENUE_KINDS = frozenset("tennis sports sport aquatic aquatics convention exhibition shopping trade "
                        "conference leisure equestrian arts congress".split())
# Words that head "<word> of <Name>" names of natural features: "Gulf of Mexico", "Bay of Biscay".
FEATURE_HEADS = frozenset("gulf bay sea strait straits isle isles cape lake sound "
                          "bight mouth".split())
BIG_CITY = 1_000_000
SMALL_TOWN = 100_000
TINY_TOWN = 15_000


DEMONYM_ENDINGS = (("i", ""), ("an", ""), ("n", ""), ("ian", ""), ("ian", "e"), ("ian", "a"),
                   ("ese", ""), ("ese", "a"), ("an", "o"), ("", "y"), ("ean", "ea"), ("ian", "o"))


@lru_cache(maxsize=1)
def _irregular_demonyms() -> frozenset:
    return people.read_word_list(people.DATA_DIR / "demonyms.txt")


@lru_cache(maxsize=4096)
def is_demonym(word: str) -> bool:
    """True for a nationality adjective: "Iraqi", "Ukrainian", "Mexican", "French".

    Regular ones are a country or region name plus an ending (Iraq+i, Ukrain(e)+ian);
    irregular ones come from data/demonyms.txt. Plural forms (Israelis) count too.
    """
    if word in _irregular_demonyms():
        return True
    table = aliases.table()
    for w in (word, word[:-1] if word.endswith("s") else None):
        if not w or len(w) < 4:
            continue
        for ending, restore in DEMONYM_ENDINGS:
            if w.endswith(ending):
                base = w[: len(w) - len(ending)] + restore if ending else w + restore
                if len(base) < 4:
                    continue  # "Alan" is no demonym of "Ala"
                entries = table.lookup(base)
                if entries and entries[0].type == "place" and entries[0].kind in (
                        "country", "continent", "region", "alias"):
                    return True
    return False


def is_feature_word(word: str) -> bool:
    """True for a word that ends street, venue and landscape names ("Street", "Bridge")."""
    return word.lower() in FEATURE_WORDS


def is_venue(before: str, last: str) -> bool:
    """True for the last two words of a venue's name ("Tennis Centre" of "Riverside Tennis Centre")."""
    return last.lower() in ("centre", "center") and before.lower() in VENUE_KINDS


def is_feature_head(word: str) -> bool:
    """True for a word that heads "<word> of <Name>" feature names ("Gulf", "Bay")."""
    return word.lower() in FEATURE_HEADS


def accept(entry: Entry, written: str, *, canonical_spelling: bool, common_word: bool,
           given_name: bool, surname: bool, sentence_start: bool, prev_word: str) -> bool:
    """Keep a capitalised gazetteer match `written` for place `entry`?

    Countries, continents and curated aliases always count. A place whose spelling is
    also a common word or a given name (or a small town spelled like a common surname)
    needs a big city behind it or a locative word
    in front ("in Reading") and must not open a sentence; an alternate spelling of a
    town (not its main name) that is a given name is never enough ("Lucas"). A town
    of fewer than 15,000 people always needs the locative word ("in Velten", not "the
    White House" of Tennessee), and no town under 100,000 is written in capitals
    inside a sentence ("HIV", "BA"). A sea's short name needs "the" or a locative word
    before it ("across the Atlantic").
    """
    if entry.kind == "sea":   # "Atlantic Ocean"; "the Atlantic", not "Pacific Rim" or "Baltic states"
        return " " in written or prev_word.lower() in LOCATIVES or prev_word.lower() == "the"
    if entry.kind == "city" and entry.population < SMALL_TOWN and written.isupper() and not sentence_start:
        return False
    if entry.kind == "city" and entry.population < TINY_TOWN:
        return prev_word.lower() in LOCATIVES and not sentence_start
    if entry.kind in ("continent", "country", "alias") or " " in written:
        return True
    if surname and not (common_word or given_name) and entry.population < SMALL_TOWN:
        given_name = True
    if not (common_word or given_name):
        return True
    if given_name and not canonical_spelling:
        return False
    if entry.population >= BIG_CITY and not (common_word and sentence_start):
        return True  # "Paris", "Shanghai" (a verb too), but not "Reading" or "Nice"
    return prev_word.lower() in LOCATIVES and not sentence_start
