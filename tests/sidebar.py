"""Read the results page's facet sidebar as a user sees it: for each facet its values (checked
or not, excluded or not, with their article counts and exclude links), its "no value" line, its
"N more", its any/all switch and the form's hidden parameters; and the "Values:" switch."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Sidebar(HTMLParser):
    def __init__(self):
        super().__init__()
        self.facets: dict[str, dict] = {}
        self.hidden: list[tuple[str, str]] = []   # the form's own hidden parameters
        self._facet = None
        self._item = None
        self._text = None     # (kind, buffer) being collected
        self._in_form = False
        self._in_more = False   # inside a facet's "N more"
        self.rank = {"current": None, "links": {}}   # the "Values:" switch
        self._rank_href = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "form" and "facet-form" in classes:
            self._in_form = True
            self.action = a.get("action")
        elif tag == "fieldset" and "facet" in classes:
            self._facet = self.facets[a["data-facet"]] = {
                "values": [], "missing": None, "more": None, "match": None, "unit": None}
        elif tag == "li" and "facet-item" in classes and self._facet is not None:
            self._item = {"value": None, "count": None, "checked": False, "excluded": False,
                          "title": None,
                          "exclude_href": None, "text": "", "behind_more": self._in_more}
            self._facet["values"].append(self._item)
        elif tag == "input" and self._in_form:
            if self._item is not None and "facet-check" in classes:
                self._item.update(value=a["value"], checked="checked" in a, name=a["name"])
            elif self._item is not None and a.get("type") == "hidden":
                self._item.update(value=a["value"], excluded=True, name=a["name"])
            elif a.get("type") == "radio" and "checked" in a and self._facet is not None:
                self._facet["match"] = a["value"]
            elif a.get("type") == "hidden" and self._facet is None:
                self.hidden.append((a["name"], a["value"]))
        elif tag == "a" and "facet-exclude" in classes and self._item is not None:
            self._item["exclude_href"] = a["href"]
        elif tag == "span" and "count" in classes and self._item is not None:
            self._text = ("count", [])
        elif tag == "p" and "facet-missing" in classes:
            self._text = ("missing", [])
        elif tag == "details" and "facet-more" in classes:
            self._in_more = True
        elif tag == "summary" and self._facet is not None:
            self._text = ("more", [])
        elif tag == "span" and "facet-unit" in classes:
            self._text = ("unit", [])
        elif "facet-rank-option" in classes:
            self._rank_href = a.get("href")
            self._text = ("rank", [])
        elif tag == "label" and "facet-value" in classes and self._item is not None:
            self._item["title"] = a.get("title")

    def handle_data(self, data):
        if self._text is not None:
            self._text[1].append(data)
        if self._item is not None:
            self._item["text"] += data

    def handle_endtag(self, tag):
        if self._text is not None:
            kind, parts = self._text
            closes = {"count": "span", "missing": "p", "more": "summary", "unit": "span",
                      "rank": "a" if self._rank_href else "span"}[kind]
            if tag == closes:
                text = " ".join("".join(parts).split())
                if kind == "count":
                    self._item["count"] = int(text.replace(",", ""))
                elif kind == "missing":
                    self._facet["missing"] = text
                elif kind == "more":
                    self._facet["more"] = int(re.match(r"[\d,]+", text).group().replace(",", ""))
                elif kind == "unit":
                    self._facet["unit"] = text
                elif kind == "rank" and self._rank_href:
                    self.rank["links"][text] = self._rank_href
                elif kind == "rank":
                    self.rank["current"] = text
                self._text = None
        if tag == "li":
            self._item = None
            self._text = None
        elif tag == "details":
            self._in_more = False
        elif tag == "fieldset":
            self._facet = None
        elif tag == "form":
            self._in_form = False


def sidebar(html: str) -> _Sidebar:
    """The sidebar of a results page: ``.facets[name]`` (values, missing, more, match, unit; each value's ``text`` is all it says, screen-reader
    words included; ``title`` its tooltip; ``behind_more`` when it is in the "N more" part),
    ``.hidden`` (the parameters the form keeps), ``.action`` and ``.rank`` (the "Values:"
    switch: the ``current`` order's label and the ``links`` to the others, by label)."""
    parser = _Sidebar()
    parser.feed(html)
    for facet in parser.facets.values():
        for item in facet["values"]:
            item["text"] = " ".join(item["text"].split())
    return parser
