"""What the engine understood a search as: the response's ``interpretation``, as plain data.

A journalist quoting a count must be able to say what was searched. The interpretation
gives the parsed query as a tree (the words as the index holds them, the spellings added to
each, what a wildcard or fuzzy term stood for, the field values a ``field:value`` clause
matched, the date clauses), the rewrites the parser made to the text in plain words, the
filters as resolved to index values, and the warnings. Every front end shows the same data:
the API as JSON, the results page as one line (``_interpretation.html``).
"""

from __future__ import annotations

from whoosh import query as wq

from .query import QUERY_FIELDS, TEXT_FIELDS, expansion, typed_form

EXPANDED_SHOWN = 20   # index words listed for one wildcard or fuzzy term (the count says all)
#: Index field -> the name a query uses for it (``places`` -> ``place``).
PUBLIC_NAMES = {index: public for public, index in reversed(QUERY_FIELDS.items())}


def interpretation(parsed, columns, req, filters: dict, warnings: list, budget=None) -> dict:
    """The ``interpretation`` member of a search response.

    ``parsed`` is the request's ``ParsedQuery``, ``filters`` each filter's typed values with
    the index values they matched, ``warnings`` the response's warnings (the same list)."""
    parts = [] if parsed.plain is None else [_node(parsed.plain, parsed, columns, budget)]
    if parts and parts[0].get("op") == "and":   # the date clauses join the query's AND
        parts = parts[0]["children"]
    parts += [{"date": {"from": start.isoformat() if start else None,
                        "to": stop.isoformat() if stop else None}}
              for start, stop in parsed.dates]
    tree = parts[0] if len(parts) == 1 else {"op": "and", "children": parts} if parts else None
    resolved = {name: dict(values) for name, values in filters.items()}
    for name, value in (("from", req.date_from), ("to", req.date_to), ("dated", req.dated)):
        if value:
            resolved[name] = value
    return {"tree": tree, "variants": parsed.variants,
            "normalisations": list(parsed.normalisations), "filters": resolved,
            "warnings": warnings}


def _leaf_key(node):
    """What makes two leaves the same search in different fields (None: not a leaf)."""
    if isinstance(node, wq.Term):
        return ("term", node.text, node.boost)
    if isinstance(node, wq.Phrase):
        return ("phrase", tuple(node.words), node.slop, node.boost)
    if isinstance(node, wq.FuzzyTerm):
        return ("fuzzy", node.text, node.maxdist, node.prefixlength, node.boost)
    if isinstance(node, (wq.Prefix, wq.Wildcard)):
        return (type(node).__name__, node.text, node.boost)
    if isinstance(node, wq.TermRange):
        return ("range", node.start, node.end, node.startexcl, node.endexcl, node.boost)
    return None


def _merge_fields(subqueries) -> list[list]:
    """The subqueries of an OR grouped so that one word searched in title, text and the
    names' spellings (the default) is one group."""
    groups: list[list] = []
    for sub in subqueries:
        key = _leaf_key(sub)
        last = groups[-1] if groups else None
        if (key is not None and last and _leaf_key(last[0]) == key
                and sub.fieldname in TEXT_FIELDS
                and all(q.fieldname in TEXT_FIELDS and q.fieldname != sub.fieldname
                        for q in last)):
            last.append(sub)
        else:
            groups.append([sub])
    return groups


def _node(q, parsed, columns, budget) -> dict:
    if isinstance(q, (wq.And, wq.Or)):
        if isinstance(q, wq.Or):
            children = [_leaf(group, parsed, columns, budget) if len(group) > 1
                        else _node(group[0], parsed, columns, budget)
                        for group in _merge_fields(q.subqueries)]
        else:
            children = [_node(sub, parsed, columns, budget) for sub in q.subqueries]
        node = (children[0] if len(children) == 1
                else {"op": "and" if isinstance(q, wq.And) else "or", "children": children})
        return _boosted(node, q.boost)
    if isinstance(q, wq.Not):
        return {"op": "not", "children": [_node(q.query, parsed, columns, budget)]}
    if isinstance(q, wq.AndNot):
        return {"op": "and", "children": [
            _node(q.a, parsed, columns, budget),
            {"op": "not", "children": [_node(q.b, parsed, columns, budget)]}]}
    if isinstance(q, wq.AndMaybe):
        return {"op": "and_maybe", "children": [_node(q.a, parsed, columns, budget),
                                                _node(q.b, parsed, columns, budget)]}
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return {"nothing": True}
    if isinstance(q, wq.Every):
        return {"everything": True}
    if _leaf_key(q) is not None:
        return _leaf([q], parsed, columns, budget)
    return {"other": str(q)}


def _leaf(group: list, parsed, columns, budget) -> dict:
    """One search of a word, phrase, pattern or value in one field, or in the default fields
    (``"field": "any"``: title, text and the spellings of the names an article mentions)."""
    first = group[0]
    fields = [q.fieldname for q in group]
    field = ("any" if set(fields) == set(TEXT_FIELDS) and len(fields) > 1
             else PUBLIC_NAMES.get(first.fieldname, first.fieldname))
    if isinstance(first, wq.Term) and first.fieldname not in TEXT_FIELDS:
        node = {"field": field, "value": first.text,
                "matches": parsed.resolved.get((first.fieldname, first.text), [first.text])}
    elif isinstance(first, wq.Term):
        node = {"term": first.text, "field": field,
                "variants": [first.text, *parsed.variants.get(first.text, [])]}
    elif isinstance(first, wq.Phrase):
        if first.fieldname not in TEXT_FIELDS:   # a keyword value of several words
            typed = " ".join(first.words)
            node = {"field": field, "value": typed,
                    "matches": parsed.resolved.get((first.fieldname, typed), [typed])}
        else:
            node = {"phrase": list(first.words), "field": field, "slop": int(first.slop)}
    elif isinstance(first, wq.TermRange):
        node = {"range": {"from": first.start, "to": first.end}, "field": field}
    else:
        kind = {wq.FuzzyTerm: "fuzzy", wq.Prefix: "prefix"}.get(type(first), "wildcard")
        node = {kind: first.text, "field": field}
        if kind == "fuzzy":
            node["distance"] = int(first.maxdist)
        words = list(dict.fromkeys(w for q in group for w in expansion(q, columns, budget)))
        node["expanded_to"] = words[:EXPANDED_SHOWN]
        node["expansions"] = len(words)
        node["typed"] = typed_form(first)
    return _boosted(node, first.boost)


def _boosted(node: dict, boost: float) -> dict:
    if boost != 1:
        node["boost"] = boost
    return node
