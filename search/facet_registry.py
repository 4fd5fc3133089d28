"""The facet registry: every value facet of newsfacet, declared once.

A facet is a multi-valued keyword field of the index that a search can filter on and count.
Its entry here drives the index schema (``schema.py``), the request's filter parameters
(``request.py``: ``place=``, ``-place=``, ``place_match=``), the value columns
(``facets.py``), the query's field names (``place:Kyiv`` in ``query.py``), the hits' fields,
the sidebar and the OpenAPI document. Adding a facet is one line in ``FACETS`` (and the
article field its values come from).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    """One value facet.

    ``name`` is its public name: the URL parameter, the query field (``place:``) and the key of
    the response's ``facets``. ``field`` is the index field, which is also the article record's
    field its values come from. ``mention`` is the type of the mentions in the text that are its
    values (None for metadata such as the outlet). ``fold_names``: spellings of one person's
    name count as one value (see ``facets.person_names_folded``).
    """

    name: str
    field: str
    label: str
    plural: str
    mention: str | None = None
    fold_names: bool = False


#: Every value facet, in the order the sidebar shows them.
FACETS: tuple[Facet, ...] = (
    Facet("outlet", "outlet", "Outlet", "Outlets"),
    Facet("source_outlet", "source_outlet", "Source outlet", "Source outlets"),
    Facet("place", "places", "Place", "Places", mention="place"),
    Facet("person", "people", "Person", "People", mention="person", fold_names=True),
    Facet("org", "organizations", "Organisation", "Organisations", mention="organization"),
    Facet("author", "authors", "Author", "Authors"),
)

BY_NAME: dict[str, Facet] = {f.name: f for f in FACETS}
#: Public facet name -> index field.
FACET_FIELDS: dict[str, str] = {f.name: f.field for f in FACETS}
#: Mention type (place, person, organization) -> the facet whose values those mentions are.
BY_MENTION: dict[str, Facet] = {f.mention: f for f in FACETS if f.mention}
MATCHES = ("any", "all")   # a facet's selected values: any of them (OR) or all of them (AND)


def exclude_param(name: str) -> str:
    """The parameter that leaves out articles with a value: ``-place=Kyiv``."""
    return "-" + name


def match_param(name: str) -> str:
    """The parameter that says how a facet's selected values combine: ``place_match=all``."""
    return name + "_match"
