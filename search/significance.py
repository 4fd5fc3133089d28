"""How distinctive a value is of a set of articles against the whole collection.

A small result set names few values, each once or twice, so counting alone ties them and
then orders them by how common they are everywhere: the names every article carries come
first and the set's own subjects last. ``distinctiveness`` ranks them instead by Dunning's
log-likelihood ratio G² (Dunning 1993, "Accurate methods for the statistics of surprise and
coincidence"), the measure corpus linguistics uses for keywords of one text against a
reference corpus.

For one value, the articles of the collection fall in a 2 × 2 table: in the set or not ×
naming the value or not. G² = 2 Σ O ln(O / E) over the four cells, O the articles counted
there and E those expected if naming the value had nothing to do with being in the set
(row total × column total / all articles). It is 0 when the value's share of the set is its
share of the rest of the collection and grows with the gap and with the number of articles
behind it, so one mention of a value found nowhere else outweighs one mention of a value
found everywhere. Here it is signed: positive when the value's share of the set is above its
share of the other articles, negative when below (the value is less common in the set than
elsewhere). With one degree of freedom, |G²| above 3.84 is significant at p < 0.05 and
above 10.83 at p < 0.001.

Counts are in articles on both sides (the set's articles naming the value, the collection's
articles naming it), so the table's cells add up.
"""

from __future__ import annotations

import numpy as np


def distinctiveness(named: np.ndarray, everywhere: np.ndarray, matches: int,
                    articles: int) -> np.ndarray:
    """Signed G² of each value (see the module's docstring).

    ``named``: each value's articles in the set; ``everywhere``: its articles in the whole
    collection; ``matches``: the articles in the set; ``articles``: the articles in the
    collection. When the set is the whole collection every value scores 0.
    """
    a = named.astype(np.float64)
    b = everywhere.astype(np.float64) - a            # naming it, not in the set
    c = matches - a                                   # in the set, not naming it
    d = (articles - matches) - b                      # neither
    total = float(articles) or 1.0
    g2 = np.zeros_like(a)
    for observed, row, column in ((a, matches, a + b), (b, articles - matches, a + b),
                                  (c, matches, c + d), (d, articles - matches, c + d)):
        expected = row * column / total
        with np.errstate(divide="ignore", invalid="ignore"):
            g2 += np.where(observed > 0, observed * np.log(observed / expected), 0.0)
    rest = articles - matches
    over = a * rest > b * matches if rest else np.ones_like(a, dtype=bool)
    return np.where(over, 2 * g2, -2 * g2)


def counted_g2(counts: np.ndarray, frequency: np.ndarray, counted: int,
               articles: int) -> np.ndarray:
    """Each value's signed G² as a facet ranks its values: its ``counts`` among the
    ``counted`` articles against its ``frequency`` among all ``articles`` of the collection,
    all in articles; 0 for the values none of the counted articles has (they are not
    listed)."""
    g2 = np.zeros(len(counts), dtype=np.float64)
    named = np.flatnonzero(counts)
    g2[named] = distinctiveness(counts[named], frequency[named], counted, articles)
    return g2
