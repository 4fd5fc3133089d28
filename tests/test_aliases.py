"""newsfacet.search.aliases: canonical names and spellings from the shipped data files."""

from pathlib import Path

import pytest

from newsfacet.search import aliases


@pytest.mark.parametrize("spelling, expected", [
    ("Kharkov", ("place", "Kharkiv")),            # GeoNames alternate names
    ("kharkiv", ("place", "Kharkiv")),
    ("Kiev", ("place", "Kyiv")),
    ("Artyomovsk", ("place", "Bakhmut")),         # a former name GeoNames spells several ways
    ("Nikolaev", ("place", "Mykolayiv")),
    ("Zaporozhye", ("place", "Zaporizhzhya")),
    ("Dnipropetrovsk", ("place", "Dnipro")),
    ("Donbass", ("place", "Donbas")),
    ("Belgorod oblast", ("place", "Belgorod Oblast")),
    ("Belgorod region", ("place", "Belgorod Oblast")),
    ("Kursk region", ("place", "Kursk Oblast")),
    ("Burma", ("place", "Myanmar")),              # ISO 3166-3
    ("Michoacan", ("place", "Michoacán")),        # accent-free form
    ("Calif.", ("place", "California")),          # GPO style abbreviation
    ("U.S.", ("place", "United States")),
    ("UN", ("organization", "United Nations")),
])
def test_canonical_folds_variants(spelling, expected):
    assert expected in aliases.canonical(spelling)


def test_canonical_of_unknown_spelling_is_empty():
    assert aliases.canonical("Qwxzzy Blorp") == []


def test_ambiguous_place_spelling_gives_one_place_the_country_first():
    places = [p for p in aliases.canonical("Georgia") if p[0] == "place"]
    assert places == [("place", "Georgia")]
    assert aliases.table().lookup("Georgia")[0].kind == "country"


def test_variants_lists_known_spellings_canonical_first():
    forms = aliases.variants("place", "Kharkiv")
    assert forms[0] == "Kharkiv"
    assert "Kharkov" in forms
    assert aliases.variants("person", "Nobody Known") == []


def test_load_renames_gazetteer_place_and_rejects_bad_rows(tmp_path: Path):
    places = tmp_path / "places.tsv"
    places.write_text("# header\nMykolayiv\tcity\tUA\t470011\tNikolaev|Mikolaiv\n", encoding="utf-8")
    table_file = tmp_path / "aliases.tsv"
    table_file.write_text("place\tMykolaiv\tMykolayiv\nperson\tJane Roe\tRoe\n", encoding="utf-8")
    table = aliases.load(places, table_file)
    assert [e.name for e in table.lookup("nikolaev")] == ["Mykolaiv"]
    assert table.lookup("ROE")[0].type == "person"

    table_file.write_text("person\tJane Roe\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"aliases.tsv:1: expected 3"):
        aliases.load(places, table_file)
    table_file.write_text("animal\tCat\tKitty\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown type 'animal'"):
        aliases.load(places, table_file)
