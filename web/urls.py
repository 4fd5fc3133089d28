"""Links between search views: the current query string with one thing changed.

The URL is the whole state of a search, so every control on the results page
(a facet value, a chip's remove button, a sort order, a page, a histogram bar)
is a link built here from the request's parameters. Changing anything but the
page goes back to page 1.
"""

from __future__ import annotations

from urllib.parse import urlencode


class SearchLinks:
    """Builds URLs from one search's parameters, a list of ``(name, value)`` pairs."""

    def __init__(self, params, path: str = "/search"):
        self.params = [(k, str(v)) for k, v in params if v not in (None, "")]
        self.path = path

    def _url(self, params, path: str | None = None) -> str:
        query = urlencode(params)
        return (path or self.path) + ("?" + query if query else "")

    def _without(self, *names: str):
        return [(k, v) for k, v in self.params if k not in names]

    def here(self, path: str | None = None) -> str:
        """This search, on ``path`` (e.g. ``/api/search`` for its JSON twin)."""
        return self._url(self.params, path)

    def values(self, name: str) -> list[str]:
        """The values ``name`` has in this search."""
        return [v for k, v in self.params if k == name]

    def has(self, name: str, value: str) -> bool:
        """True when this search has ``name=value``."""
        return (name, str(value)) in self.params

    def add(self, name: str, value: str) -> str:
        """This search with one more value of ``name`` (a filter), on page 1."""
        params = self._without("page")
        if (name, value) not in params:
            params.append((name, value))
        return self._url(params)

    def remove(self, name: str, value: str | None = None) -> str:
        """This search without ``name=value`` (or without every ``name``), on page 1."""
        params = [(k, v) for k, v in self._without("page")
                  if not (k == name and (value is None or v == value))]
        return self._url(params)

    def toggle(self, name: str, value: str) -> str:
        """Add the filter value when it is off, remove it when it is on."""
        return self.remove(name, value) if self.has(name, value) else self.add(name, value)

    def replace(self, **changes) -> str:
        """This search with single-valued parameters set (``None`` removes one).

        Any change but ``page`` itself goes back to page 1.
        """
        drop = set(changes) | ({"page"} if "page" not in changes else set())
        params = self._without(*drop)
        params += [(k, str(v)) for k, v in changes.items() if v not in (None, "")]
        return self._url(params)

    def page(self, number: int) -> str:
        """This search on page ``number`` (page 1 is left out of the URL)."""
        return self.replace(page=number if number > 1 else None)


def search_url(**params) -> str:
    """The results page of a fresh search, e.g. ``search_url(place="Kharkiv")``."""
    return SearchLinks(params.items()).here()
