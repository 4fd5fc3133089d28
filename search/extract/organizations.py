"""Cues that a capitalised name is an organisation.

An organisation is a capitalised run that ends in (or starts with, before "of") a
word organisations are named with: "Russian Volunteer Corps", "Ministry of Defence",
"Brindle City FC", "Acme Inc". A known place made of the same words wins
("Mexico City"). An unknown all-capitals word of 2-6 letters in
running text ("NATO", "HUR", "OPEC") is taken for an organisation too.
"""

from __future__ import annotations

import re

# Words that end (or head) organisation names. Lists of facts, no names of organisations.
ORG_WORDS = frozenset("""
ministry corps council bank inc inc. corp corp. corporation ltd ltd. plc llc co co. company
party union agency forces force federation committee club united fc afc sc group
association institute university college school commission department office
service services court parliament assembly congress senate organization organisation
fund foundation airlines airways times post news press television tv radio
army navy police directorate bureau authority board exchange network brigade regiment
battalion legion front movement alliance coalition church society trust holdings
industries motors systems technologies laboratories labs rovers athletic wanderers hotspur
albion academy cabinet government administration embassy consulate secretariat tribunal
guard guards mission institution treasury pentagon city rangers thistle celtic observatory centre center hospital journal gazette
herald tribune magazine telegraph reuters agency enterprises partners capital securities utd bros
insurance petroleum oil energy airlines railways railway pharmaceuticals league
newsroom desk
""".split())
# Heads that start a name before "of": "Ministry of Defence", "University of Oxford".
ORG_HEADS = frozenset("""
ministry department university college bank council court office committee commission
institute house chamber church federation union league association board bureau
centre center agency school academy
""".split())
# Lower-case words before a name that make it an organisation: "first division team
# Atletico Vigo", "the newspaper Kommersant".
ORG_CUES = frozenset("""
team club side company firm group bank carrier airline newspaper daily weekly agency party
broadcaster insurer retailer maker manufacturer automaker carmaker brewer miner producer
operator conglomerate
""".split())
NOT_ACRONYMS = frozenset("""
I A AM PM OK TV CEO CFO GMT BST UTC AD BC II III IV VI VII VIII IX XI XII XX
PS RIP FAQ ID DNA RNA PR VIP DIY HIV AIDS USD EUR GBP RPG MP MPS OF THE AND
GDP GNP CPI PMI EDT EST PST CST CET BST ERA RBI NB PC PS UFO SUV
CD CDS DVD DVDS LCD GPS USB SMS ATM ATMS IPO IPOS PIN IQ HD VAT MBA PHD
DJ DJS GB MB KB TB XP QC MEP MEPS DS PSP AC DC JP GPRS AI VHS MMS PDA PDAS OBE MBE CBE
""".split())
ACRONYM = re.compile(r"^(?:[A-Z]\.){2,}$|^[A-Z][A-Z&]{1,5}$")


# Organisation words that alone, after "the", name one institution of the country
# ("the Treasury", "the Army"); "the Agency" or "the City" names none.
INSTITUTIONS = frozenset("treasury pentagon army navy parliament senate congress cabinet police".split())


def is_institution(word: str) -> bool:
    """True for a word that after "the" names one institution ("Treasury", "Army")."""
    return word.lower() in INSTITUTIONS


def is_org_word(word: str) -> bool:
    """True for a word organisation names end with ("Corps", "Ministry", "FC")."""
    return word.lower() in ORG_WORDS


ABBREVIATIONS = frozenset("corp inc co ltd bros cos plc".split())


def is_org_cue(word: str) -> bool:
    """True for a lower-case word that introduces an organisation's name ("team", "firm")."""
    return word in ORG_CUES


def is_abbreviation(word: str) -> bool:
    """True for an abbreviated organisation word written with a dot ("Corp.", "Inc.")."""
    return word.lower() in ABBREVIATIONS


def is_org_head(word: str) -> bool:
    """True for a word that heads "<word> of <Name>" organisation names."""
    return word.lower() in ORG_HEADS


def is_acronym(word: str) -> bool:
    """True for an all-capitals abbreviation that can name an organisation."""
    return bool(ACRONYM.match(word)) and word.replace(".", "") not in NOT_ACRONYMS
