"""newsfacet.search.lexicon.NameSpellings: spellings of people's names taken from the collection."""

from newsfacet.search.lexicon import NameSpellings


def test_one_letter_and_accents_make_spellings_of_long_name_words():
    spellings = NameSpellings(["Vasily Nebenzya", "Vasily Nabenzya", "Baltasar Garzón", "Nora Blair",
                               "Ada Clair", "Mira Zelensky"])
    assert spellings.of("Nebenzya") == ["nabenzya"]
    assert spellings.of("garzon") == ["garzón"]           # accent-free twin, any length
    assert spellings.of("Zelenskyy") == ["zelensky"]      # a query word need not be in a name itself
    assert spellings.of("Blair") == []                    # short: one edit would make it Clair
    assert spellings.of("pipeline") == []
