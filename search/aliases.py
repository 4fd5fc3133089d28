"""Known spellings of places, people and organisations, folded to one canonical name.

Two plain data files beside the code feed it:
- ``data/places.tsv``: the gazetteer (GeoNames cities, countries, continents, US
  states; ISO 3166 regions), built by ``scripts/build_places.py``;
- ``data/aliases.tsv``: what the gazetteer cannot give, each group of rows with its
  public source (country abbreviations such as U.S. and UK, regions such as Crimea,
  international organisations and news agencies). A place row whose variant is a
  gazetteer name renames that gazetteer place. Spellings of people's names are not
  listed: search finds them in the collection (``lexicon.NameSpellings``).

Both are read once, lazily, on first use. ``canonical`` and ``variants`` serve search
time ("Kharkov" also finds "Kharkiv"); ``table`` serves the extractors.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
PLACES_FILE = DATA_DIR / "places.tsv"
ALIASES_FILE = DATA_DIR / "aliases.tsv"
TYPES = ("place", "person", "organization")
# Rank of place kinds when one spelling names several places (lower wins first).
KIND_RANK = {"continent": 0, "country": 1, "alias": 2, "sea": 2, "region": 3, "city": 3}
REGION_NOMINAL_POPULATION = 500_000


@dataclass(frozen=True)
class Entry:
    """One named thing: its type, canonical name and, for places, kind and population."""

    type: str
    name: str
    kind: str = ""          # place kind: continent | country | region | sea | city | alias
    population: int = 0

    def rank(self) -> tuple:
        """Sort key: countries before regions and cities, then bigger first."""
        pop = self.population or (REGION_NOMINAL_POPULATION if self.kind == "region" else 0)
        return (KIND_RANK.get(self.kind, 2), -pop)


@dataclass
class AliasTable:
    """Every spelling (lower-cased) with the entries it names, best first."""

    by_key: dict = field(default_factory=dict)      # lower-cased spelling -> [Entry]
    spellings: dict = field(default_factory=dict)   # (type, name) -> [spelling as written]

    def add(self, spelling: str, entry: Entry) -> None:
        """Record that `spelling` names `entry` (idempotent)."""
        entries = self.by_key.setdefault(spelling.lower(), [])
        if entry not in entries:
            entries.append(entry)
        forms = self.spellings.setdefault((entry.type, entry.name), [])
        if spelling not in forms:
            forms.append(spelling)

    def lookup(self, spelling: str) -> list[Entry]:
        """Entries a spelling names, best-ranked first (places: country, then biggest)."""
        return self.by_key.get(spelling.lower(), [])


def _read_rows(path: Path, ncols: int) -> list[list[str]]:
    """Non-comment rows of a TSV file, each checked to have `ncols` columns."""
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != ncols:
            raise ValueError(f"{path}:{lineno}: expected {ncols} tab-separated columns, got {len(cols)}")
        rows.append(cols)
    return rows


def load(places_file: Path = PLACES_FILE, aliases_file: Path = ALIASES_FILE) -> AliasTable:
    """Read the gazetteer and the alias file into one table.

    The table is some 300,000 objects that live as long as the process: the garbage
    collector is paused while they are made, as it would walk them again and again for
    nothing (a third of the reading time; every build worker and server reads them once)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(places_file, aliases_file)
    finally:
        if collecting:
            gc.enable()


def _load(places_file: Path, aliases_file: Path) -> AliasTable:
    """``load``'s work, done while the collector is paused."""
    alias_rows = _read_rows(aliases_file, 3)
    for kind, _, _ in alias_rows:
        if kind not in TYPES:
            raise ValueError(f"{aliases_file}: unknown type {kind!r} (expected one of {TYPES})")
    renames = {variant: canon for kind, canon, variant in alias_rows if kind == "place"}
    table = AliasTable()
    best_place: dict[str, Entry] = {}
    for name, kind, country, population, variants in _read_rows(places_file, 5):
        entry = Entry("place", renames.get(name, name), kind, int(population or 0))
        if entry.name not in best_place or entry.rank() < best_place[entry.name].rank():
            best_place[entry.name] = entry
        for spelling in [name, *filter(None, variants.split("|"))]:
            table.add(spelling, entry)
    for kind, canon, variant in alias_rows:
        entry = best_place.get(canon) if kind == "place" else None
        entry = entry or Entry(kind, canon, "alias" if kind == "place" else "")
        table.add(canon, entry)
        table.add(variant, entry)
    for entries in table.by_key.values():
        entries.sort(key=Entry.rank)
    return table


_table: AliasTable | None = None
_lock = threading.Lock()


def table() -> AliasTable:
    """The shared table, loaded on first use."""
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                _table = load()
    return _table


def canonical(name: str) -> list[tuple[str, str]]:
    """The (type, canonical name) pairs a spelling is known as, case-insensitively.

    canonical("Kharkov") -> [("place", "Kharkiv")]. A place spelling shared by several
    places gives the best-ranked one only (the country, else the biggest).
    """
    out: list[tuple[str, str]] = []
    for entry in table().lookup(" ".join(name.split())):
        pair = (entry.type, entry.name)
        if pair in out or (entry.type == "place" and any(t == "place" for t, _ in out)):
            continue
        out.append(pair)
    return out


def variants(type_: str, canonical_name: str) -> list[str]:
    """The known spellings of a canonical name (the name itself first)."""
    forms = table().spellings.get((type_, canonical_name), [])
    return sorted(set(forms), key=lambda s: (s != canonical_name, s))
