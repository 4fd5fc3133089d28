"""The query syntax, as the ``/help`` page shows it: each construction with examples.

Every example is a link to its search and says what it finds; ``tests/test_help.py`` follows
each link on the sample corpus (``corpus/``), so the page cannot promise what the parser
does not do. The examples use the sample corpus's words (strikes on Belgorod).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from newsfacet.search.settings import SETTINGS



@dataclass(frozen=True)
class Example:
    """One example search: the query, what it finds, and any other parameter it needs."""

    q: str
    says: str
    params: dict = field(default_factory=dict)


#: (heading, explanation, examples), in the order of the page.
SECTIONS = [
    ("Words", "Every plain word must be in the article (in its title or text). Other forms of "
              "a word count as the same word: drone finds drones. Very common words (the, of, "
              "to, is …) are left out of plain searches.",
     [Example("belgorod drone", "articles with both words")]),
    ("Phrases", f"Words in double quotes must stand next to each other, in that order; ~N after "
                f"the closing quote lets them be up to N words apart (at most {SETTINGS.max_slop}). A "
                "phrase keeps the very common words, and a query of very common words only is "
                "searched as a phrase.",
     [Example('"drone attack"', "drone right before attack"),
      Example('"drone attack"~3', "drone, then attack at most three words later"),
      Example('"is not"', "a phrase of very common words")]),
    ("Either, both, not", "OR between words: any of them. AND is what plain words do already. "
                          "NOT word, or -word, leaves out the articles that have it. Brackets "
                          "group. Operators are written in capitals: a lower-case or is a word.",
     [Example("drone OR missile", "articles with either word"),
      Example("kiev AND moscow", "articles with both words"),
      Example("belgorod -kharkiv", "Belgorod, but not the articles that name Kharkiv"),
      Example("belgorod NOT kharkiv", "the same, with NOT"),
      Example("(drone OR rocket) belgorod", "drone or rocket, and belgorod")]),
    ("Fields", "field:value searches one field. title: and text: take words or a phrase; the "
               "others take a whole value, in quotes when it has spaces (case does not matter). "
               "A value no article has matches nothing, and the page says so with the closest "
               "values.",
     [Example("title:belgorod", "belgorod in the headline"),
      Example('text:"military sites"', "the phrase in the article's text"),
      Example('outlet:"Global Research"', "articles published by that outlet"),
      Example("source_outlet:InfoBrics", "articles first published by that outlet"),
      Example("place:Kharkiv", "articles that name the place (any of its spellings)"),
      Example('person:"Vladimir Putin"', "articles that name the person"),
      Example("org:NATO", "articles that name the organisation"),
      Example('author:"Lucas Leiroz"', "articles by that author")]),
    ("Wildcards", f"* stands for any letters, ? for one letter; at least {SETTINGS.min_prefix_chars} "
                  "letters must come before the first wildcard.",
     [Example("retal*", "retaliate, retaliation, retaliates …"),
      Example("kh?rkiv", "kharkiv, and any other letter in the third place")]),
    ("Misspellings", f"~ after a word also finds the words one letter away (a letter added, "
                     f"dropped, changed, or two swapped); ~2 up to {SETTINGS.max_fuzzy_distance}.",
     [Example("civilans~", "civilians, though misspelt"),
      Example("strikes~2", "words up to two letters away from strikes")]),
    ("Dates", "date: limits the publication date to a year, a month or a day, or to a range "
              "(either end may be left open with *).",
     [Example("date:2023-05", "published in May 2023"),
      Example("belgorod date:[2023-01 TO 2023-12]", "belgorod, published in 2023")]),
    ("Spellings of names", "A name also finds its other spellings (Kharkov: Kharkiv, Charkiw; "
                           "names spelt in several ways in the collection). The results page "
                           "says which spellings were searched; variants=off searches only "
                           "the spelling typed.",
     [Example("kharkov", "Kharkov, Kharkiv, Charkiw …"),
      Example("kharkov", "only Kharkov as written", {"variants": "off"})]),
    ("Ranking", "With a query, results are ranked by relevance (BM25F, as Whoosh ranks them); "
                "word^N counts a word N times as much (at most 100).",
     [Example("belgorod^3 OR kharkiv", "both, Belgorod first")]),
]
LIMITS = (f"A query may have at most {SETTINGS.max_terms} terms and {SETTINGS.max_query_chars} characters. A query that cannot "
          "be read says what is wrong and offers one that can run.")
