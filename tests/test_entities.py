"""newsfacet.search.extract.entities.find_mentions on texts written here and on the seed articles."""

from pathlib import Path

import pytest

from newsfacet.search.extract.entities import find_mentions

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def seed(prefix: str) -> str:
    """The text of the seed article whose file name starts with `prefix`."""
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def names(text: str, type_: str) -> set[str]:
    return {m.name for m in find_mentions(text) if m.type == type_}


def assert_well_formed(text: str, mentions) -> None:
    """Offsets are exact, sorted and non-overlapping; types are the three known."""
    last_end = -1
    for m in mentions:
        assert text[m.start:m.end] == m.text
        assert m.start >= last_end
        assert m.type in ("place", "person", "organization")
        last_end = m.end


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_offsets_are_exact(prefix):
    text = seed(prefix)
    mentions = find_mentions(text)
    assert mentions
    assert_well_formed(text, mentions)


def test_kharkov_and_kharkiv_seeds_share_one_place_value():
    kharkov = {m.name for m in find_mentions(seed("000")) if m.text == "Kharkov"}
    kharkiv = {m.name for m in find_mentions(seed("003")) if m.text == "Kharkiv"}
    assert kharkov == kharkiv == {"Kharkiv"}


def test_seed_002_places_include_belgorod_and_bakhmut_from_artyomovsk():
    text = seed("002")
    mentions = find_mentions(text)
    places = {m.name for m in mentions if m.type == "place"}
    assert {"Belgorod", "Bakhmut", "Donbas", "Belgorod Oblast"} <= places
    assert any(m.text == "Artyomovsk" and m.name == "Bakhmut" for m in mentions)
    assert any(m.text == "Donbass" and m.name == "Donbas" for m in mentions)


def test_seed_envoy_is_a_person_in_both_spellings():
    assert "Vasily Nabenzya" in names(seed("004"), "person")
    assert "Vasily Nebenzya" in names(seed("003"), "person")


def test_seed_people_and_organisations_are_found_without_a_table_of_them():
    people = names(seed("004"), "person")
    assert {"Kiril Budanov", "Valery Zaluzhnyi", "Vladimir Putin"} <= people
    orgs = names(seed("002"), "organization")
    assert {"Russian Volunteer Corps", "RDK"} <= orgs    # a corps by its word, an unknown abbreviation


def test_lucas_and_almeida_are_never_places():
    for prefix in ("000", "001", "002"):
        for m in find_mentions(seed(prefix)):
            if m.type == "place":
                assert "Lucas" not in m.text and "Almeida" not in m.text
    text = "You can follow Lucas on X. Almeida wrote it. Lucas said so."
    assert names(text, "place") == set()


def test_non_breaking_space_inside_a_name_still_matches():
    text = "The envoy Vasily\u00a0Nabenzya spoke in Kiev\u00a0on Friday."
    mentions = find_mentions(text)
    assert_well_formed(text, mentions)
    assert [(m.type, m.name, m.text) for m in mentions] == [
        ("person", "Vasily Nabenzya", "Vasily\u00a0Nabenzya"), ("place", "Kyiv", "Kiev")]


def test_renamed_and_respelled_places_fold():
    text = ("Shelling hit Zaporozhye, then Zaporizhzhia and Nikolaev. "
            "Later Artyomovsk and Mykolaiv were calm, as were Kiev, Kyiv and Bakhmut.")
    by_text = {m.text: m.name for m in find_mentions(text)}
    assert by_text["Zaporozhye"] == by_text["Zaporizhzhia"] == "Zaporizhzhya"   # GeoNames' own name
    assert by_text["Nikolaev"] == by_text["Mykolaiv"] == "Mykolayiv"
    assert by_text["Kiev"] == by_text["Kyiv"] == "Kyiv"
    assert by_text["Artyomovsk"] == by_text["Bakhmut"] == "Bakhmut"


def test_common_words_that_are_towns_are_not_places():
    text = ("Of course the Nice guy said. Reading is fun. March came. May I? "
            "Split the bill. Mobile phones were banned. He sailed from Nice to Split.")
    places = [(m.text, m.start) for m in find_mentions(text) if m.type == "place"]
    assert places == [("Nice", text.rindex("Nice")), ("Split", text.rindex("Split"))]


def test_surname_after_full_name_is_the_same_person_even_if_a_town():
    text = "Carla Soria scored 100. Later Soria was out for 12 in Port of Spain."
    mentions = find_mentions(text)
    soria = [m for m in mentions if m.text == "Soria"]
    assert [(m.type, m.name) for m in soria] == [("person", "Carla Soria")]


def test_titles_organisation_words_and_acronyms():
    text = ("President Emmanuel Macron met Foreign Minister Ann Linde at the Ministry of Defence. "
            "The Kharkiv City Council and OPEC issued statements.")
    found = {(m.type, m.text) for m in find_mentions(text)}
    assert ("person", "Emmanuel Macron") in found
    assert ("person", "Ann Linde") in found
    assert ("organization", "Ministry of Defence") in found
    assert ("organization", "Kharkiv City Council") in found
    assert ("organization", "OPEC") in found
    assert not any(t in ("President", "Foreign Minister") for _, t in found)


def test_all_caps_headline_yields_no_junk():
    text = "RUSSIA SAYS TALKS WITH THE WEST ARE OVER AS STRIKES HIT KHARKOV\nTalks ended in Moscow."
    mentions = find_mentions(text)
    assert_well_formed(text, mentions)
    assert {(m.type, m.name) for m in mentions} == {
        ("place", "Russia"), ("place", "Kharkiv"), ("place", "Moscow")}


def test_empty_and_odd_text():
    assert find_mentions("") == []
    assert find_mentions("   \n\t ") == []
    assert find_mentions("no capitals here at all") == []


def test_nationality_adjectives_are_not_names():
    text = "Australian Tom Noble bowled. The Iraqi envoy met Russian troops and a French diplomat."
    found = {(m.type, m.text) for m in find_mentions(text)}
    assert ("person", "Tom Noble") in found
    assert not any(t in ("Australian", "Iraqi", "Russian", "French") for _, t in found)


def test_initials_and_organisation_abbreviations():
    text = "Surrey made 312 ( R. Pellow 80 ). Analysts at First Kestrel Corp. and the Treasury agreed."
    found = {(m.type, m.text) for m in find_mentions(text)}
    assert ("person", "R. Pellow") in found
    assert ("organization", "First Kestrel Corp.") in found
    assert ("organization", "Treasury") in found


def test_city_in_a_results_line_is_a_team_not_a_place():
    text = "BASEBALL - Results: Seattle 5 Baltimore 3. Fans in Seattle cheered."
    mentions = find_mentions(text)
    kinds = [(m.type, m.text) for m in mentions]
    assert kinds == [("organization", "Seattle"), ("organization", "Baltimore"), ("place", "Seattle")]


def test_dateline_number_is_not_a_score():
    text = "OMAHA , Nebraska 2003-06-12\nPlayers met in Omaha."
    assert ("place", "Nebraska") in {(m.type, m.text) for m in find_mentions(text)}


def test_given_name_of_a_person_does_not_turn_a_city_into_a_person():
    text = "Paris Hilton flew in. Later Paris welcomed her, and Hilton smiled."
    found = [(m.type, m.text, m.name) for m in find_mentions(text)]
    assert found == [("person", "Paris Hilton", "Paris Hilton"), ("place", "Paris", "Paris"),
                     ("person", "Hilton", "Paris Hilton")]


def test_word_before_a_name_can_make_it_an_organisation():
    text = "The first division team Atletico Vigo lost. The firm Acme Widgets grew."
    found = {(m.type, m.text) for m in find_mentions(text)}
    assert ("organization", "Atletico Vigo") in found
    assert ("organization", "Acme Widgets") in found


def test_nationality_nouns_are_not_part_of_a_name():
    text = "He faces Dutchman Arnoud Okken and Frenchman Jean Dupont in the final."
    people = names(text, "person")
    assert {"Arnoud Okken", "Jean Dupont"} <= people
    assert not any(p.startswith(("Dutchman", "Frenchman")) for p in people)


def test_country_or_continent_before_a_plain_word_is_no_person():
    text = "It opened an Asia-Pacific office and signed with China Coastal on Monday."
    assert names(text, "person") == set()


def test_lone_surname_after_a_title_takes_the_full_name_wherever_it_is():
    text = ("The former Army sergeant Selby is strict. New coach Ruth Selby said so, "
            "and Mr Selby smiled.")
    selby = [(m.type, m.name) for m in find_mentions(text) if "Selby" in m.text]
    assert selby and set(selby) == {("person", "Ruth Selby")}


def test_given_name_and_surname_win_over_a_mid_sized_town():
    text = "He worked with 400m runners Roger Keen and Helen Preston in the past."
    found = {(m.type, m.text) for m in find_mentions(text)}
    assert ("person", "Helen Preston") in found
    assert not any(t == "place" for t, _ in found)


def test_general_as_an_adjective_makes_no_person():
    text = "He is deputy commander of the Ukrainian General Staff. A member of the General Staff left."
    assert names(text, "person") == set()


def test_teams_in_a_results_table_are_organisations():
    text = "Standings:\nMillbrook Heath 5 3 1 1 9 4 10\nDeal 31 Hornets 33\nFans of Heath cheered Simon Darby."
    found = {(m.type, m.text) for m in find_mentions(text)}
    assert {("organization", "Millbrook Heath"), ("organization", "Deal"),
            ("organization", "Hornets")} <= found
    assert ("person", "Simon Darby") in found


def test_trailing_abbreviation_is_no_part_of_a_person():
    text = "The case was argued by Philippe Sands QC in court."
    assert "Philippe Sands" in names(text, "person")


def test_name_before_its_abbreviation_in_brackets_is_an_organisation():
    text = ("The Conseil Technique de l'Aviation (CTA), the regulator, agreed. "
            "Later the CTA said more. Derek Paul Hollins (DPH) wrote.")
    found = {(m.type, m.text, m.name) for m in find_mentions(text)}
    assert ("organization", "Conseil Technique de l'Aviation",
            "Conseil Technique de l'Aviation") in found
    assert ("organization", "CTA", "Conseil Technique de l'Aviation") in found
    assert ("person", "Derek Paul Hollins", "Derek Paul Hollins") in found


def test_names_the_article_treats_as_companies_are_organisations():
    text = ("Crumbo Dunkers said errors forced the move. Shares in Crumbo Dunkers fell. "
            "Companies such as Kotka, Vostra and Zelmo are ready. London shares rose.")
    found = {(m.type, m.text) for m in find_mentions(text)}
    assert {("organization", "Crumbo Dunkers"), ("organization", "Kotka"),
            ("organization", "Zelmo")} <= found
    assert ("place", "London") in found
    assert not any(t in ("person", "place") and w in ("Crumbo Dunkers", "Kotka") for t, w in found)


def _found(text: str) -> set:
    return {(m.type, m.text, m.name) for m in find_mentions(text)}


def test_gazetteer_knows_former_names_short_region_forms_and_abbreviations():
    found = _found("Trade with Yugoslavia and Burma resumed. Floods hit Guangdong and Michoacan. "
                   "The convention opens in St Louis. The plant in Fresno, Calif., closed.")
    assert ("place", "Burma", "Myanmar") in found                     # ISO 3166-3 successor
    assert any(t == "place" and w == "Yugoslavia" for t, w, _ in found)  # a former country
    assert ("place", "Guangdong", "Guangdong") in found               # ISO: Guangdong Sheng
    assert ("place", "Michoacan", "Michoacán") in found               # accents folded
    assert ("place", "St Louis", "St. Louis") in found
    assert ("place", "Calif.", "California") in found


def test_qualified_places_and_features_are_one_place():
    found = _found("Storms hit East Sussex overnight. Tankers crossed the Gulf of Oman at dawn.")
    assert ("place", "East Sussex", "East Sussex") in found
    assert ("place", "Gulf of Oman", "Gulf of Oman") in found


def test_sports_copy_clubs_fixtures_and_scorers():
    found = _found("SOCCER - LEAGUE ROUND-UP .\nLokomotiv Lyon beat the visitors 3-0 in the first division .\n"
                   "Scorers : Okafor 46th , Lindqvist 80th .\nTEXAS AT SEATTLE\nEssex beat Kent by six wickets .\n")
    assert ("organization", "Lokomotiv Lyon", "Lokomotiv Lyon") in found
    assert {("person", "Okafor", "Okafor"), ("person", "Lindqvist", "Lindqvist")} <= found
    assert ("place", "SEATTLE", "Seattle") in found and ("organization", "TEXAS", "TEXAS") in found
    assert {("organization", "Essex", "Essex"), ("organization", "Kent", "Kent")} <= found


def test_number_tables_outside_sports_keep_their_places():
    found = _found("Grain shipments in tonnes :\nRotterdam 120 130\nHamburg 90 85\n")
    assert found == {("place", "Rotterdam", "Rotterdam"), ("place", "Hamburg", "Hamburg")}


def test_people_spans_surname_title_words_demonyms_and_company_cues():
    found = _found("Prime Minister Carl Major met Ann Bishop. Latin American markets fell. "
                   "Bond prices rose, said Ruth Abbey, an analyst at Harlow Keating.")
    assert {("person", "Carl Major", "Carl Major"), ("person", "Ann Bishop", "Ann Bishop")} <= found
    assert not any("Latin" in w for _, w, _ in found)
    assert ("organization", "Harlow Keating", "Harlow Keating") in found
    assert ("person", "Ruth Abbey", "Ruth Abbey") in found


def test_events_venues_and_short_company_names():
    found = _found("BASEBALL - ROUND-UP .\nThe Denver Night Hawks lost at home. Play resumed at the Riverside Tennis "
                   "Centre after the Fed Trophy draw. Tankers waited in the Gulf.\n")
    assert ("organization", "Denver Night Hawks", "Denver Night Hawks") in found
    assert ("place", "Riverside Tennis Centre", "Riverside Tennis Centre") in found
    assert not any("Fed" in w for _, w, _ in found)           # an event's name, not the Federal Reserve
    assert ("place", "Gulf", "Gulf") in found
    found = _found("Keystone Bancorp Inc. said it would buy a rival. Analysts said Keystone paid too much.")
    assert ("organization", "Keystone", "Keystone Bancorp Inc") in found


def test_sports_region_after_a_comma_is_the_dateline_place():
    found = _found("GOLF - OPEN SCORES .\nOMAHA , Nebraska 2003-06-12\nLeaders after round one "
                   "of the tournament played in Nebraska . Surrey beat Kent by four wickets .\n")
    assert ("place", "Nebraska", "Nebraska") in found
    assert ("organization", "Surrey", "Surrey") in found


def test_plans_and_common_abbreviations_name_no_one():
    found = _found("The Halvorsen Plan was signed. Sales of DVD players and IT services grew, the WHO said.")
    assert not any(w.startswith("Halvorsen") for _, w, _ in found)
    assert not any(w in ("DVD", "IT") for _, w, _ in found)
    assert ("organization", "WHO", "World Health Organization") in found


def test_surnames_that_are_street_words_accents_and_translated_city_names():
    found = _found("Reporting by Piet Verhoef; editing by Jo Lane. Judge Baltasar Garzón opened the case. "
                   "Later Garzon said no. The White House said nothing. They met on Kestrel Road.")
    assert ("person", "Jo Lane", "Jo Lane") in found                     # not a street outside sports copy
    assert ("person", "Garzon", "Baltasar Garzón") in found              # the same person, accents aside
    assert not any(name == "Casablanca" for _, _, name in found)          # a translation is no spelling
    assert ("place", "Kestrel Road", "Kestrel Road") in found
    assert ("place", "Ellis Park", "Ellis Park") in _found("RUGBY - Fans at Ellis Park cheered.")


def test_small_towns_need_a_locative_and_no_town_is_an_abbreviation():
    found = _found("Police in Velten said the road reopened. The White House said nothing about HIV.")
    assert ("place", "Velten", "Velten") in found                  # a town of 5,000-15,000 after "in"
    assert not any(w in ("White House", "HIV") for _, w, _ in found)
    assert not any(w == "Velten" for _, w, _ in _found("Velten said the road reopened."))


def test_generic_words_after_the_and_common_abbreviations_are_no_organisations():
    found = _found("The Agency said the City was calm. The Army moved in. A DJ played the Star Wars theme "
                   "and Nora Veldt MEP watched on TV.")
    assert ("organization", "Army", "Army") in found
    assert not any(w in ("Agency", "City", "DJ", "TV") for _, w, _ in found)
    assert not any("Star Wars" in w for _, w, _ in found)
    assert ("person", "Nora Veldt", "Nora Veldt") in found


def test_seas_by_their_short_names_and_latin_america():
    found = _found("Ships crossed the Atlantic towards the Mediterranean Sea. Growth in Latin America slowed.")
    assert ("place", "Atlantic", "Atlantic Ocean") in found
    assert ("place", "Mediterranean Sea", "Mediterranean Sea") in found
    assert any(t == "place" and w == "Latin America" for t, w, _ in found)
    assert not any(name == "United States" for _, _, name in found)      # "Latin America" is not America
    assert not any(w == "Pacific" for _, w, _ in _found("Pacific Rim leaders met."))


def test_a_locative_opening_a_sentence_is_no_given_name():
    found = _found("In Velten, police said the road was closed. Ed Marris spoke later.")
    assert ("place", "Velten", "Velten") in found
    assert not any(w.startswith("In ") for _, w, _ in found)
    assert ("person", "Ed Marris", "Ed Marris") in found
