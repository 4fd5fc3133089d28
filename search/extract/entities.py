"""Places, people and organisations named in an article, each with its canonical name.

``find_mentions(text)`` is the entry point. The method is rule-based (no statistical
model is available offline) and measured by ``scripts/eval_ner.py`` on CoNLL-2003:

1. The text is cut into lines and words; one regex (``CANDIDATE``) yields only the
   words the rules read (capitalised words, numbers, the word after a name and the
   named lower-case words just before one). Lines in capitals (headlines, datelines)
   only keep names also found in the body, countries and big cities.
2. Runs of capitalised words ("Ministry of Defence", "Joana Ferreira da Costa") are
   read left to right: a name spelled by the abbreviation in brackets after it is an
   organisation ("Securities and Exchange Commission (SEC)"), an organisation word
   ending the run wins, then a street or venue word, then a known multi-word
   spelling, then a person (after a title, or a given name followed by a surname),
   then a team in a results-table row, then a single known spelling (places
   filtered by ``places.accept``), then an unknown abbreviation as an organisation.
   Known spellings (gazetteer places and ``data/aliases.tsv``) are looked up in one
   dict for the word spans of each run, up to five words plus one lower-case word
   ("Belgorod oblast"); a match counts when capitalised as the spelling is. (An
   Aho-Corasick pass over the whole text was tried first and measured slower: with
   100,000 spellings, thousands of short ones match inside ordinary words.)
3. A lone word equal to the surname of a person named in full in the same article is
   that person ("Soria" after "Carla Soria"), even where the gazetteer knows a place;
   one named as a team once ("Essex 312") is that team throughout; a one-word
   person ("sergeant Selby") takes the full name ("Ruth Selby"). Names the article
   treats as companies ("shares in Crumbo Dunkers", "companies such as Kotka") are
   organisations throughout, unless a country or a town of 100,000+; a company named
   in full lends its first word as a short name ("Keystone").
4. Sports copy (an article naming a sport or the words of results, ``SPORTS_CONTEXT``)
   reads places differently: a club named after a town ("Atletico Vigo", "Denver Night
   Hawks", "Germany I"), a county or state side without "in"/"at" before it, a town
   before a score or as the visitors on a fixtures line ("VISITORS AT HOSTS": the hosts
   are the place) are organisations, and number tables are results only there.
5. Everywhere: a run ending in an event word ("Fed Trophy", "Marshall Plan") names
   nothing; a compass word before a known place is part of it ("Greater Lyon");
   "Gulf of X", "<sport> Centre" and "the Gulf" are places.
"""

from __future__ import annotations

import re
from functools import lru_cache

from newsfacet.search import aliases
from newsfacet.search.extract import organizations, people, places
from newsfacet.search.model import Mention

WORD = re.compile(r"(?:[A-Z]\.){2,}|\w+(?:['’]\w+)*")
LINE = re.compile(r"[^\n]+")
ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))
ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
NON_WORD = re.compile(r"\W")
CONTRACTION = re.compile(r"['’][a-z]{1,2}$")
UNICODE_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\r\f\v]")
SENTENCE_OPENERS = set('.!?:;"“”‘«»(—–|*#•[')
CONNECTORS = frozenset("of de da dos das del della der den van von la le du al el bin ibn "
                       "the for and".split())
# Connectors that belong inside a person's name ("Joana Ferreira da Costa").
NAME_PARTICLES = frozenset("de da dos das del della der den van von la le du al el bin ibn".split())
# A line of a results table or standings: names and numbers only, a number last
# ("Deal 31 Hornets 33", "Corvin Heath 5 3 1 1 9 4 10").
TABLE_ROW = re.compile(r" *(?:[A-Z][\w'’.&-]*|of|'s|\d+)(?: +(?:[A-Z][\w'’.&-]*|of|'s|\d+))*"
                       r" +\d+ *")
# An abbreviation in brackets after a name, up to three more words before it:
# "Conseil Technique de l'Aviation (CTA)", "Securities and Exchange Commission ( SEC )".
DEFINED_ACRONYM = re.compile(r"((?: [\w'’-]+){0,3}) \( ?((?:[A-Z]\.?){2,8}) ?\)")
# What news says of companies: "shares in Crumbo Dunkers", "Crumbo Dunkers shares fell",
# "an analyst at Acme Securities", "companies such as Kotka, Vostra and Zelmo".
COMPANY_NAME = r"[A-Z][\w&'’.-]*(?: [A-Z][\w&'’.-]*){0,3}"
# Each with the strings one of which a text needs for the pattern to match (a quick test).
COMPANY_CUES = (
    (("hares ", "holders ", "take ", "akeover "),
     re.compile(rf"\b(?:[Ss]hares|[Ss]take|[Ss]hareholders|[Tt]akeover) (?:in|of) ({COMPANY_NAME})")),
    ((" shares ", " stock ", " share price "),
     re.compile(rf"({COMPANY_NAME})(?:['’]s)? (?:shares|stock|share price) (?:rose|fell|jumped|slipped|"
                r"dropped|climbed|gained|lost|closed|ended|were|have|had|hit|sank|soared|surged|"
                r"slumped|tumbled|plunged|rallied|edged|eased|are)\b")),
    (("analyst", "economist", "strategist", "trader", "dealer", "broker", "fund manager", "spokes"),
     re.compile(r"\b(?:analysts?|economists?|strategists?|traders?|dealers?|brokers?|fund managers?|"
                rf"spokes(?:man|woman|person)) (?:at|with) ({COMPANY_NAME})")),
    ((" such as ", " including ", " like "),
     re.compile(r"\b(?i:companies|firms|makers|manufacturers|brands|banks|carriers|airlines|"
                r"retailers|rivals|operators) (?:such as|including|like) "
                rf"({COMPANY_NAME}(?:(?:,| and|, and) {COMPANY_NAME})*)")),
)
LIST_SEPARATOR = re.compile(r",? and |, ")
SCORE_WORDS = frozenset("beat beats defeated drew v vs".split())
CALENDAR = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april
may june july august september october november december
tue tues thu thur thurs fri feb apr jun jul aug sep sept oct nov dec
""".split())
# Words that make an article sports copy, where city names also name clubs and number
# tables are results: a headline's sport ("SOCCER - ...") or the words of results.
# Looked for as parts of the lower-cased text (a few plain substring tests are far
# cheaper than one regular expression over every article).
SPORTS_CONTEXT = ("soccer", "football", "cricket", "rugby", "tennis", " golf", "baseball", "basketball",
                  "hockey", "athletics", " cycling", "motor racing", "formula one", " boxing", "skiing",
                  "bobsleigh", "volleyball", "handball", "innings", "wicket", "halftime", "half-time",
                  "scorers", "standings", "goalkeeper", "midfielder", "first division", "second division",
                  "premier league", "seeded", "quarter-final", "semi-final")
# A line of a fixtures list in capitals: "VISITORS AT HOSTS".
SCHEDULE_LINE = re.compile(r" *[A-Z][A-Z .'’&-]+ AT (?P<host>[A-Z][A-Z .'’&-]+?) *")
# Qualifiers that make a bigger or smaller place of a known one: "Greater Lyon",
# "Greater London", "Southeast Asia", "Northern Ireland".
COMPASS = frozenset("north south east west northern southern eastern western central upper lower "
                    "greater northeast northwest southeast southwest north-east north-west "
                    "south-east south-west northeastern northwestern southeastern southwestern "
                    "far middle inner outer".split())
# Abbreviated first words of place names, written with a full stop.
PLACE_ABBREVIATIONS = frozenset("St Ste Mt Ft Pt".split())
# The numbered crews and teams of one country ("Germany I", "Switzerland II").
CREW_NUMBERS = frozenset("I II III IV".split())
CAPS_LINE_MIN_POPULATION = 100_000
MID_CITY = 100_000
MAX_NAME_WORDS = 8
MAX_KNOWN_WORDS = 5


class Token:
    """One word: where it is, what it says, and what the text around it tells."""

    __slots__ = ("start", "end", "word", "cap", "sentence_start")

    def __init__(self, start: int, end: int, word: str, cap: bool, sentence_start: bool):
        self.start, self.end, self.word = start, end, word
        self.cap = cap                        # starts with a capital letter
        self.sentence_start = sentence_start  # first word of a line or after . ! ? : " ( ...


@lru_cache(maxsize=1)
def _common_words() -> frozenset:
    return people.read_word_list(people.DATA_DIR / "common_words.txt")


def is_common_word(word: str) -> bool:
    """True for an ordinary English word ("Reading", "Nice", "The")."""
    return word.lower() in _common_words()


@lru_cache(maxsize=1)
def _spelling_starts() -> frozenset:
    """Every known spelling cut before each non-word character ("cote d'ivoire" gives
    "cote", "cote d", "cote d'ivoire"): a word no spelling starts with needs no lookup."""
    keys = aliases.table().by_key
    starts = set(keys)
    for key in keys:
        starts.update(key[:m.start()] for m in NON_WORD.finditer(key))
    return frozenset(starts)


def _lower_same_length(text: str) -> str:
    """text.lower(), keeping every offset (a few letters grow when lower-cased)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _tokens(text: str, start: int, end: int, every_kept: bool = False) -> list[Token]:
    """The words of text[start:end] that the rules look at, possessive 's cut off.

    Those are capitalised words, numbers, the word right after a capitalised one
    ("Belgorod oblast") and the lower-case words a rule names (connectors, titles,
    locatives ...) where a name follows within two characters ("in Nice", "the
    Treasury"): rules read no other word, and check offsets when they need two words
    side by side. `every_kept` keeps the named lower-case words wherever they are
    (capitals lines are read word by word). Words are cut as ``WORD`` cuts them.
    """
    out = []
    append = out.append
    follower_start = -1
    for m in (CANDIDATE_ALL if every_kept else CANDIDATE).finditer(text, start, end):
        s, e = m.span()
        if s == follower_start:
            continue  # read already, as the word after a name
        word = m.group()
        if word[-1] in "sS" and len(word) > 2 and word[-2] in "'’":
            e -= 2
            word = word[:-2]
        if word[0].isupper():
            k = s - 1
            while k >= start and text[k] == " ":
                k -= 1
            append(Token(s, e, word, True, k < start or text[k] in SENTENCE_OPENERS))
            if e + 1 < end and e == m.end() and text[e + 1] in _PLAIN_START and not (
                    text[e].isalnum() or text[e] == "_"):
                # the lower-case word right after a name may end it ("Belgorod oblast")
                follower_start = e + 1
                follower = WORD.match(text, follower_start, end)
                word, e = follower.group(), follower.end()
                if word[-1] in "sS" and len(word) > 2 and word[-2] in "'’":
                    e -= 2
                    word = word[:-2]
                append(Token(follower_start, e, word, False, False))
        elif word in _KEPT_LOWER or word[0].isdigit() or (out and out[-1].cap and s == out[-1].end + 1):
            append(Token(s, e, word, False, False))  # only capitalised words open sentences here
    return out


_KEPT_LOWER = frozenset().union(CONNECTORS, SCORE_WORDS, places.LOCATIVES, places.GENERIC_WORDS,
                                people.TITLES, people.TITLE_FILLERS, organizations.ORG_CUES, {"the"})
# First letters of the words CANDIDATE skips unless they are in _KEPT_LOWER.
_PLAIN_START = frozenset("_abcdefghijklmnopqrstuvwxyz")


def _trie_pattern(words) -> str:
    """A regex matching exactly `words`, shared prefixes factored ("t(?:eam|he|o)"):
    the regex engine then rejects most other words at their first letter."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(c) + emit(sub) for c, sub in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body
    return emit(trie)


_KEPT_PATTERN = _trie_pattern(w for w in _KEPT_LOWER if re.fullmatch(r"\w+", w))
# Where WORD would start a word (not after a letter, nor after a letter and an
# apostrophe): a word not starting with [_a-z], or a kept lower-case word.
_CANDIDATE = (r"(?<!\w)(?<!\w['’])(?:(?:[A-Z]\.){{2,}}|[^\W_a-z]\w*(?:['’]\w+)*"
              rf"|{_KEPT_PATTERN}(?:['’][sS])?(?!\w|['’]\w){{}})")
CANDIDATE_ALL = re.compile(_CANDIDATE.format(""))
CANDIDATE = re.compile(_CANDIDATE.format(r"(?=\W{0,2}[^\W_a-z])"))  # a name follows


def _is_caps_line(line: str) -> bool:
    """A headline or dateline in capitals: few of its letters are lower case."""
    raw = line.encode("utf-8")  # letters beyond ASCII do not count
    lower = len(raw) - len(raw.translate(None, ASCII_LOWER))
    upper = len(raw) - len(raw.translate(None, ASCII_UPPER))
    return upper >= 2 and lower <= upper * 0.3


class _Document:
    """The state of one find_mentions call."""

    def __init__(self, text: str):
        self.text = UNICODE_SPACES.sub(" ", text)
        self.low = _lower_same_length(self.text)
        self.table = aliases.table()
        self.starts = _spelling_starts()
        self.registry = people.PersonRegistry()
        self.found: list[tuple[int, int, str, str]] = []   # (start, end, type, name)
        self.lone: list[tuple] = []   # (unknown single capitalised word, named as a team)
        self.in_table = False         # is the line read a row of a results table?
        self.line_has_bracket = False  # has it a "(" (a quick test for DEFINED_ACRONYM)?
        self.acronyms: dict[str, str] = {}  # "CTA" -> "Conseil Technique de l'Aviation"
        self.sports = any(word in self.low for word in SPORTS_CONTEXT)

    # -- helpers over tokens -------------------------------------------------
    def span_text(self, tokens: list[Token], i: int, j: int) -> str:
        return self.text[tokens[i].start:tokens[j - 1].end]

    def known_match(self, tokens: list[Token], i: int, limit: int):
        """Longest known spelling made of tokens[i:k] (k <= limit), capitalised as known.

        One lower-case word after the run may end it: "Belgorod region". Returns
        (k, words as written) or None.
        """
        start = tokens[i].start
        if self.low[start:tokens[i].end] not in self.starts:
            return None
        ends = list(range(min(limit, i + MAX_KNOWN_WORDS), i, -1))
        if limit < len(tokens) and not tokens[limit].cap and \
                self.text[tokens[limit - 1].end:tokens[limit].start] == " ":
            ends.insert(0, limit + 1)
        for k in ends:
            end = tokens[k - 1].end
            for stop in (end + 1, end) if self.text.startswith(".", end) else (end,):
                entries = self.table.by_key.get(self.low[start:stop])   # "Calif." keeps its dot
                if entries:
                    written = self.text[start:stop]
                    if _capitalised_as_known(written, self.table.spellings, entries):
                        return k, written
        return None

    def add(self, tokens: list[Token], i: int, j: int, type_: str, name: str) -> None:
        self.found.append((tokens[i].start, tokens[j - 1].end, type_, name))

    # -- the passes ----------------------------------------------------------
    def run(self) -> list[Mention]:
        caps_lines = []
        for line in LINE.finditer(self.text):
            if _is_caps_line(line.group()):
                host = SCHEDULE_LINE.fullmatch(line.group()) if self.sports else None
                caps_lines.append((_tokens(self.text, line.start(), line.end(), every_kept=True),
                                   line.start() + host.start("host") if host else -1))
            else:
                tokens = _tokens(self.text, line.start(), line.end())
                self.line_has_bracket = "(" in line.group()
                self.in_table = self.sports and line.group().rstrip()[-1:].isdigit() and bool(
                    TABLE_ROW.fullmatch(line.group()))
                for i, j in _runs(self.text, tokens):
                    self.read_run(tokens, i, j)
        self.resolve_lone_words()
        for tokens, host_start in caps_lines:
            self.read_caps_line(tokens, host_start)
        return self.mentions()

    def read_run(self, tokens: list[Token], i: int, j: int) -> None:
        """Name the parts of one run of capitalised words tokens[i:j]."""
        if self.in_table and people.is_title(tokens[i].word) and _score_follows(tokens, j):
            self.add(tokens, i, j, "organization", self.span_text(tokens, i, j))
            return   # a team named with a title word in a results table: "Queen of Hearts 3"
        adjacent = i > 0 and not tokens[i - 1].cap and tokens[i].start == tokens[i - 1].end + 1
        cue = adjacent and people.is_title(tokens[i - 1].word)
        if adjacent and organizations.is_org_cue(tokens[i - 1].word) and not tokens[i].sentence_start:
            end = _stop_at_and(tokens, i, j)
            known = self.known_match(tokens, i, end)
            if not (known and known[0] == end) and not places.is_demonym(tokens[i].word):
                self.add(tokens, i, end, "organization", self.span_text(tokens, i, end))
                i = end  # "team Atletico Vigo"
        j = self.read_defined_acronym(tokens, i, j)
        while i < j:
            tok = tokens[i]
            if people.is_title(tok.word) or (people.is_title_filler(tok.word) and i + 1 < j
                                              and people.is_title(tokens[i + 1].word)):
                cue, i = True, i + 1
                continue
            if tok.word.lower() in CONNECTORS:
                cue, i = False, i + 1
                continue
            if tok.word.lower() in CALENDAR or (
                    tok.sentence_start and is_common_word(tok.word) and not cue
                    and not self.known_match(tokens, i, j)
                    and not (people.is_first_name(tok.word) and i + 1 < j and tokens[i + 1].cap)
                    and not (len(tok.word) == 1 and self.text.startswith(".", tok.end))
                    and not (self.in_table and _score_follows(tokens, j))):
                i += 1
                continue
            i = self.read_name(tokens, i, j, cue)
            cue = False

    def read_defined_acronym(self, tokens: list[Token], i: int, j: int) -> int:
        """An organisation whose abbreviation follows in brackets, its capitals spelling it
        ("Conseil Technique de l'Aviation (CTA)"): add it and return where it starts
        in the run tokens[i:j] (j when there is none)."""
        after = self.line_has_bracket and DEFINED_ACRONYM.match(self.text, tokens[j - 1].end)
        if not after:
            return j
        acronym = after.group(2).replace(".", "")
        end = tokens[j - 1].end + len(after.group(1))
        for k in range(i, j):
            name = self.text[tokens[k].start:end]
            if not tokens[k].cap or people.is_first_name(tokens[k].word) and not any(
                    organizations.is_org_word(t.word) for t in tokens[k:j]):
                continue  # "Derek Paul Hollins (DPH)" is a person
            if "".join(c for c in name if c.isupper()) == acronym and not any(
                    e.type == "place" for e in self.table.lookup(name)):
                self.found.append((tokens[k].start, end, "organization", name))
                self.acronyms.setdefault(acronym, name)
                return k
        return j

    def read_name(self, tokens: list[Token], i: int, j: int, cue: bool) -> int:
        """Name the entity starting at token i (before j); return where the next starts."""
        if j - i >= 2 and people.is_event_word(tokens[j - 1].word) and not _org_end(tokens, i, j):
            return j   # an event's name ("Fed Trophy", "Greater Dayton Open") names no place
        known = self.known_match(tokens, i, j)
        org_end = _org_end(tokens, i, j)
        feature_end = _feature_end(tokens, i, j, venues_first=self.sports)
        if org_end and (not known or org_end > known[0]) and not (
                feature_end and places.is_venue(tokens[feature_end - 2].word, tokens[feature_end - 1].word)):
            written = self.span_text(tokens, i, org_end)
            entries = self.table.lookup(written)
            name = entries[0].name if entries and entries[0].type == "organization" else written
            start, end = tokens[i].start, tokens[org_end - 1].end
            if organizations.is_abbreviation(tokens[org_end - 1].word) and self.text.startswith(".", end):
                end += 1  # "First Kestrel Corp."
            self.found.append((start, end, "organization", name))
            return org_end
        club_end = self.club_end(tokens, i, j, known) if self.sports else None
        if club_end:
            self.add(tokens, i, club_end, "organization", self.span_text(tokens, i, club_end))
            return club_end
        if not known and tokens[i].word.lower() in COMPASS and i + 1 < j:
            inner = self.known_match(tokens, i + 1, j)
            if inner and self.table.lookup(inner[1])[0].type == "place":
                written = self.span_text(tokens, i, inner[0])
                self.add(tokens, i, inner[0], "place", written)
                return inner[0]   # "Greater Lyon", "Greater London"
        if feature_end and (not known or feature_end > known[0]):
            written = self.span_text(tokens, i, feature_end)
            self.add(tokens, i, feature_end, "place", written)
            return feature_end
        if known and known[0] - i >= 2:
            return self.add_known(tokens, i, known[0], known[1], cue)
        if places.is_demonym(tokens[i].word):
            return i + 1  # "Australian Tom Noble": the adjective is no part of the name
        person_end = self.person_end(tokens, i, j, cue) or (
            self.sports and not known and _minute_follows(tokens, j) and j - i <= 3 and j)
        if person_end:
            written = self.span_text(tokens, i, person_end)
            entries = [e for e in self.table.lookup(written) if e.type == "person"]
            name = entries[0].name if entries else written
            self.registry.add([t.word for t in tokens[i:person_end]], name)
            self.add(tokens, i, person_end, "person", name)
            return person_end
        if self.in_table and (j - i >= 2 or not known) and _score_follows(tokens, j):
            self.add(tokens, i, j, "organization", self.span_text(tokens, i, j))
            return j  # a team in a results table: "Corvin Heath 5 3 1 1 9 4 10"
        if j - i == 1 and _after_the(tokens, i) and places.is_feature_head(tokens[i].word):
            self.add(tokens, i, j, "place", tokens[i].word)
            return j  # "the Gulf"
        if known:
            return self.add_known(tokens, i, known[0], known[1], cue)
        if j - i >= 2 and _score_follows(tokens, j) and not any(
                is_common_word(t.word) for t in tokens[i:j]):
            self.add(tokens, i, j, "organization", self.span_text(tokens, i, j))
            return j  # a team in a results line: "Ashdown Brora 2"
        word = tokens[i].word
        if CONTRACTION.search(word):
            return i + 1  # "I'm", "Don't", but not "O'Brien"
        if organizations.is_acronym(word) and not (len(word) != 3 and is_common_word(word)) \
                and not self.text.startswith("-", tokens[i].end):  # "RM-70" is a model
            self.add(tokens, i, i + 1, "organization", word)
        elif organizations.is_institution(word) and _after_the(tokens, i):
            self.add(tokens, i, i + 1, "organization", word)  # "the Treasury", "the Army"
        elif not is_common_word(word) and not _has_digit(word):
            self.lone.append((tokens[i], self.sports and _is_team(tokens, i, i + 1)))
        return i + 1

    def club_end(self, tokens: list[Token], i: int, j: int, known):
        """End of a sports club named after a place, in sports copy: a word that is no
        name of a person before a city of 100,000+ ("Atletico Vigo", "Lokomotiv Lyon"),
        such a city before a plural nickname ("Denver Night Hawks"), or a country and a crew
        number ("Germany I"); None for anything else."""
        end = min(j, i + 3)
        if end - i < 2 or (known and known[0] >= end):
            return None
        if known and known[0] == end - 1 and tokens[end - 1].word in CREW_NUMBERS \
                and self.table.lookup(known[1])[0].kind == "country":
            return end
        nickname = tokens[known[0]:end] if known else []
        if nickname and tokens[end - 1].word.endswith("s") and self._big_place(tokens, i, known[0], MID_CITY) \
                and _club_words(nickname, given_names=not people.is_surname(nickname[-1].word)):
            return end   # "Denver Night Hawks", but not "Denver Chris Evans"
        tail = next((k for k in range(i + 1, end) if self._big_place(tokens, k, end, MID_CITY)
                     and self.known_match(tokens, k, end)[0] == end), None)
        return end if tail is not None and _club_words(tokens[i:tail]) else None

    def person_end(self, tokens: list[Token], i: int, j: int, cue: bool):
        """End of a person's name starting at token i, or None if it is not one."""
        end = i
        while end < min(j, i + MAX_NAME_WORDS) and _name_word(tokens[end].word):
            end += 1
        if i < end < j and (people.is_title(tokens[end].word) or (
                places.is_feature_word(tokens[end].word) and not self.sports)) \
                and _given_and_surname(tokens, end - 1, end) and (end + 1 >= j or not tokens[end + 1].cap):
            end += 1   # "Carl Major", "Jo Lane": a title or street word that is the surname
        for k in range(i + 2, end):
            inner = self.known_match(tokens, k, end)
            if inner and self.table.lookup(inner[1])[0].kind in ("country", "continent"):
                end = k   # "Owen Tasker Australia": a name, then a country
                break
        if end > i and not (people.is_first_name(tokens[i].word) or len(tokens[i].word) == 1) \
                and places.is_demonym(tokens[end - 1].word):
            return None   # "Latin American", but "Kevin English"
        while end > i and (tokens[end - 1].word.lower() in CONNECTORS or (
                len(tokens[end - 1].word) == 1 and not self.text.startswith(".", tokens[end - 1].end))
                or (end - i > 2 and organizations.ACRONYM.match(tokens[end - 1].word))):
            end -= 1  # no trailing "of", lone letter ("Karen J") or acronym ("Clive Harding QC")
        if end == i or any(people.is_event_word(t.word) or _has_digit(t.word) for t in tokens[i:end]):
            return None  # "Davis Cup", "Airbus A320"
        first = tokens[i].word
        if cue:
            plain_word = end - i == 1 and is_common_word(first)  # "General Staff"
            return None if organizations.is_acronym(first) or plain_word else end
        if end - i < 2:
            return None
        second = tokens[i + 1].word
        if len(first) == 1 and self.text[tokens[i].end:tokens[i].end + 1] == ".":
            return end  # an initial: "R. Pellow"
        known_name = people.is_first_name(first) and people.is_surname(second) and not (
            first.lower() in places.LOCATIVES or is_common_word(first) and tokens[i].sentence_start)
        if self._big_place(tokens, i + 1, end, places.BIG_CITY if known_name or not is_common_word(first)
                           else MID_CITY):
            return None  # "In Tokyo", "Lokomotiv Milan"; but "Helen Preston"
        if people.is_first_name(first) and not (is_common_word(first) and is_common_word(second)
                                                 and tokens[i].sentence_start) and (
                known_name or not is_common_word(second)
                or not self._big_place(tokens, i, i + 1, places.BIG_CITY)):
            return end  # "Tom Noble" inside a sentence; not "Rose Bush" opening one, nor "China Coastal"
        if not any(is_common_word(t.word) or organizations.ACRONYM.match(t.word)
                   for t in tokens[i:end]) and end - i <= 3 and (
                       not tokens[i].sentence_start or self._country_in_brackets(tokens, end)) \
                and not self._big_place(tokens, i, i + 1, places.BIG_CITY):
            return end  # "Varnel Oskaro"; not "China Coastal", "Asia-Pacific"
        return None

    def _country_in_brackets(self, tokens: list[Token], end: int) -> bool:
        """Is tokens[end] a country in brackets, as results list a player's: "Kelo Abeta ( Ethiopia )"?"""
        if end >= len(tokens) or self.text[tokens[end - 1].end:tokens[end].start].strip() != "(":
            return False
        k = end
        while k < len(tokens) and tokens[k].cap and k - end < 4:
            k += 1
        if k == end or not self.text[tokens[k - 1].end:].lstrip().startswith(")"):
            return False
        entries = self.table.lookup(self.span_text(tokens, end, k))
        return bool(entries) and entries[0].type == "place" and entries[0].kind in ("country", "alias")

    def _big_place(self, tokens: list[Token], i: int, end: int, population: int) -> bool:
        """Does a country, continent or city of `population`+ start at token i?"""
        known = self.known_match(tokens, i, end)
        if not known:
            return False
        entry = self.table.lookup(known[1])[0]
        return entry.type == "place" and (entry.kind in ("country", "continent", "alias")
                                          or entry.population >= population)

    def add_known(self, tokens, i, end, written, cue) -> int:
        """Add a known spelling tokens[i:end] if its context allows; return next index."""
        entries = self.table.lookup(written)
        entry = entries[0]
        if cue and any(e.type == "person" for e in entries):
            entry = next(e for e in entries if e.type == "person")
        if entry.type == "place":
            tok = tokens[i]
            prev = tokens[i - 1].word if i > 0 and tokens[i - 1].end + 2 >= tok.start else ""
            if end - i == 1 and people.is_event_word(written):
                return end  # "Olympic" champion
            if self.sports and end - i == 1 and written.lower() not in COMPASS \
                    and any(e.kind == "region" for e in entries) and not any(
                    e.kind in ("country", "continent") or e.population >= places.BIG_CITY for e in entries) \
                    and prev.lower() not in places.LOCATIVES and not self.text[max(0, tok.start - 3):tok.start].rstrip().endswith(",") \
                    and not (tok.sentence_start and is_common_word(written)):
                self.add(tokens, i, end, "organization", written)
                return end  # county and state sides: "Essex", "Texas"; not "Omaha, Nebraska"
            ok = not cue and places.accept(
                entry, written, canonical_spelling=written.lower() == entry.name.lower(),
                common_word=is_common_word(written), given_name=people.is_first_name(written),
                surname=people.is_surname(written),
                sentence_start=tok.sentence_start, prev_word=prev)
            if not ok:
                if end - i == 1:
                    self.lone.append((tok, self.sports and _is_team(tokens, i, end)))
                return end
            if entry.kind in ("city", "region") and self.sports and _is_team(tokens, i, end):
                self.add(tokens, i, end, "organization", written)
                return end
        self.found.append((tokens[i].start, tokens[i].start + len(written), entry.type, entry.name))
        if entry.type == "person":
            self.registry.add(written.split(), entry.name)
        return end

    def resolve_lone_words(self) -> None:
        """Single words left over: the surname of someone named in full is that person;
        a word named as a team once ("Essex 312") is that team everywhere in the article."""
        teams = {tok.word for tok, team in self.lone if team}
        short_names = self.company_short_names() if self.lone else {}
        for tok, _ in self.lone:
            name = self.registry.resolve(tok.word)
            if name:
                self.found.append((tok.start, tok.end, "person", name))
            elif tok.word in teams:
                self.found.append((tok.start, tok.end, "organization", tok.word))
            elif tok.word in short_names:
                self.found.append((tok.start, tok.end, "organization", short_names[tok.word]))
        for n, (s, e, type_, name) in enumerate(self.found):
            if type_ == "person" and " " not in name:
                full = self.registry.resolve(name, surname_only=True)
                if full:
                    self.found[n] = (s, e, type_, full)  # "sergeant Selby" is "Ruth Selby"
        self.resolve_companies()
        persons = [f for f in self.found if f[2] == "person"]
        for n, (s, e, type_, _) in enumerate(self.found):
            if type_ == "place" and " " not in self.text[s:e]:
                name = self.registry.resolve(self.text[s:e], surname_only=True)
                if name and not any(p[0] <= s and e <= p[1] for p in persons):
                    self.found[n] = (s, e, "person", name)

    def company_short_names(self) -> dict[str, str]:
        """The one-word short names of the companies named in full in the article:
        "Keystone" for "Keystone Bancorp Inc.", "Pioneer" for "Pioneer Bank"."""
        out: dict[str, str] = {}
        for s, e, type_, name in self.found:
            words = self.text[s:e].rstrip(".").split()
            if type_ == "organization" and 2 <= len(words) <= 3 and words[0][:1].isupper() and len(words[0]) > 2 \
                    and (organizations.is_org_word(words[-1]) or organizations.is_abbreviation(words[-1])) \
                    and not (organizations.is_org_word(words[0]) or organizations.is_org_head(words[0])
                             or places.is_demonym(words[0]) or words[0].lower() in COMPASS):
                out.setdefault(words[0], name)
        return out

    def resolve_companies(self) -> None:
        """Names the article treats as companies ("shares in Crumbo Dunkers") are
        organisations wherever they stand, unless a country or a big town; an
        abbreviation defined in brackets takes the full name."""
        companies = set()
        lines = None
        for needs, cue in COMPANY_CUES:
            if any(need in self.text for need in needs):
                lines = lines or self.text.split("\n")
                for line in lines:   # a cue never spans lines: run it only where its words are
                    if any(need in line for need in needs):
                        for m in cue.finditer(line):
                            names = LIST_SEPARATOR.split(m.group(1))
                            companies.update(names + [n.rstrip(".") for n in names])  # "at Acme Corp."
        for n, (s, e, type_, name) in enumerate(self.found):
            written = self.text[s:e]
            if type_ == "organization" and written in self.acronyms:
                self.found[n] = (s, e, type_, self.acronyms[written])
            elif type_ != "organization" and (written in companies or name in companies):
                entries = self.table.lookup(written)
                if not entries or entries[0].type != "place" or (
                        entries[0].kind == "city" and entries[0].population < places.SMALL_TOWN):
                    self.found[n] = (s, e, "organization", name)
        known = {(s, e) for s, e, _, _ in self.found}
        for tok, _ in self.lone:
            if tok.word in companies and (tok.start, tok.end) not in known:
                self.found.append((tok.start, tok.end, "organization", tok.word))

    def read_caps_line(self, tokens: list[Token], host_start: int = -1) -> None:
        """A line in capitals: keep names the body has, countries and big cities.

        On a fixtures line ("VISITORS AT HOSTS", `host_start` where the hosts begin)
        the visitors are a team and the place after AT is where the game is played.
        """
        seen = {self.low[s:e]: (t, n) for s, e, t, n in self.found}
        i = 0
        while i < len(tokens):
            for k in range(min(len(tokens), i + 5), i, -1):
                written = self.span_text(tokens, i, k)
                entries = self.table.lookup(written)
                if host_start >= 0 and entries and entries[0].type == "place" and not is_common_word(written):
                    at_host = tokens[i].start >= host_start
                    self.add(tokens, i, k, *(("place", entries[0].name) if at_host else ("organization", written)))
                    i = k
                    break
                hit = seen.get(written.lower()) or _caps_line_place(entries, written)
                if hit is None and k == i + 1:
                    name = self.registry.resolve(written)
                    hit = ("person", name) if name else None
                if self.sports and _score_follows(tokens, k) and entries and entries[0].type == "place" \
                        and entries[0].kind in ("city", "region"):
                    hit = ("organization", written)  # a standings table: "PORTLAND 71 58"
                if hit:
                    self.add(tokens, i, k, *hit)
                    i = k
                    break
            else:
                i += 1

    def mentions(self) -> list[Mention]:
        """The found names as Mentions, sorted, overlaps dropped (earlier, longer wins)."""
        out: list[Mention] = []
        last_end = -1
        for s, e, type_, name in sorted(self.found, key=lambda f: (f[0], -f[1])):
            if s >= last_end:
                out.append(Mention(type_, name, self.text[s:e], s, e))
                last_end = e
        return out


def _is_team(tokens: list[Token], i: int, end: int) -> bool:
    """A city or region named as a sports team: "Seattle 5 Baltimore 3", "Essex beat Kent"."""
    nxt = tokens[end].word if end < len(tokens) and tokens[end].start == tokens[end - 1].end + 1 else ""
    prev = tokens[i - 1].word if i > 0 and tokens[i - 1].end + 1 == tokens[i].start else ""
    if prev.lower() in places.LOCATIVES:
        return False  # "in Graz 3-2"
    return _score_follows(tokens, end) or nxt.lower() in SCORE_WORDS or prev.lower() in SCORE_WORDS


def _score_follows(tokens: list[Token], end: int) -> bool:
    """Is tokens[end] a number that is no date ("Essex 312-7", not "Nebraska 2003-06-12")?"""
    if end >= len(tokens) or end == 0 or not tokens[end].word.isdigit() or \
            tokens[end].start != tokens[end - 1].end + 1:
        return False
    nxt = tokens[end + 1] if end + 1 < len(tokens) else None
    dated = len(tokens[end].word) == 4 and nxt is not None and nxt.start == tokens[end].end + 1 \
        and nxt.word.isdigit()
    return not dated


MINUTE = re.compile(r"\d{1,3}(?:st|nd|rd|th)")


def _given_and_surname(tokens: list[Token], i: int, k: int) -> bool:
    """Are tokens[i] a given name and tokens[k] a surname ("Jo Lane", "Carl Major")?"""
    return people.is_first_name(tokens[i].word) and people.is_surname(tokens[k].word)


def _after_the(tokens: list[Token], i: int) -> bool:
    """Does "the" stand right before tokens[i] ("the Treasury", "the Gulf")?"""
    return i > 0 and tokens[i - 1].word in ("the", "The") and tokens[i - 1].end + 1 == tokens[i].start


def _club_words(words: list[Token], given_names: bool = False) -> bool:
    """Can these capitalised words name a club beside its town ("Atletico", "Night Hawks")?
    Given names only with `given_names` (the words are no given name and surname)."""
    return len(words) <= 2 and all(
        t.cap and len(t.word) > 2 and t.word.lower() not in COMPASS and t.word.lower() not in CONNECTORS
        and not (people.is_first_name(t.word) and not given_names)
        and not (people.is_title(t.word) or people.is_event_word(t.word)
                 or organizations.is_org_word(t.word) or organizations.is_acronym(t.word)
                 or places.is_feature_word(t.word) or places.is_demonym(t.word))
        for t in words)


def _minute_follows(tokens: list[Token], end: int) -> bool:
    """Is tokens[end] the minute of a goal in a scorers list ("Okafor 46th")?"""
    return end < len(tokens) and tokens[end].start == tokens[end - 1].end + 1 \
        and MINUTE.fullmatch(tokens[end].word) is not None


def _has_digit(word: str) -> bool:
    return not word.isalpha() and any(c.isdigit() for c in word)  # letters only: no digit


def _name_word(word: str) -> bool:
    """Can this word be part of a person's name (not a title, organisation word, weekday)?"""
    low = word.lower()
    return not (people.is_title(word) or organizations.is_org_word(word) or low in CALENDAR
                or places.is_feature_word(word)
                or (low in CONNECTORS and low not in NAME_PARTICLES))


def _caps_line_place(entries, written: str):
    """In a capitals line, a country/continent/big city spelling that is no common word."""
    if not entries or is_common_word(written) or people.is_first_name(written.capitalize()):
        return None
    e = entries[0]
    if e.type == "place" and (e.kind in ("country", "continent", "alias")
                              or e.population >= CAPS_LINE_MIN_POPULATION):
        return ("place", e.name)
    return None


def _capitalised_as_known(written: str, spellings: dict, entries) -> bool:
    """Each word capitalised in some known spelling is capitalised in the text too."""
    words = written.split()
    if not words[0][0].isupper():
        return False
    for entry in entries:
        for form in spellings.get((entry.type, entry.name), []):
            if form.lower() == written.lower() and all(
                    w[0].isupper() or not f[0].isupper() or f.lower() in places.GENERIC_WORDS
                    for w, f in zip(words, form.split())):
                return True
    return False


def _runs(text: str, tokens: list[Token]):
    """(i, j) index ranges of runs of capitalised words, lower-case connectors inside."""
    n, i = len(tokens), 0
    while i < n:
        start = tokens[i].start
        if not tokens[i].cap or (start > 1 and text[start - 1] == "-" and text[start - 2].islower()):
            i += 1  # not a name, or the end of a word like "neo-Nazi"
            continue
        j = i + 1
        while j < n:
            gap = text[tokens[j - 1].end:tokens[j].start]
            joined = gap in (" ", "-", " & ") or (gap == ". " and len(tokens[j - 1].word) == 1) or (
                gap == ". " and len(tokens[j - 1].word) <= 4 and people.is_title(tokens[j - 1].word)) or (
                gap == ". " and tokens[j - 1].word in PLACE_ABBREVIATIONS)  # "Gen. X", "St. Petersburg"
            if not joined:
                break
            if tokens[j].cap and tokens[j].word.lower() not in CALENDAR:
                j += 1
            elif tokens[j].word.lower() in CONNECTORS and j + 1 < n and tokens[j + 1].cap and \
                    text[tokens[j].end:tokens[j + 1].start] in (" ", "-"):
                j += 2
            else:
                break
        yield i, j
        i = j


def _org_end(tokens: list[Token], i: int, j: int):
    """End of an organisation name starting at token i: its last organisation word
    ("Russian Volunteer Corps"), or the end of "<Head> of <Name>" ("Ministry of Defence")."""
    if people.is_first_name(tokens[i].word) and any(t.word == "of" for t in tokens[i + 2:j]) \
            and not organizations.is_org_word(tokens[i + 1].word):
        return None  # "Helen Marsh of Northgate Trust": a person, then the organisation
    end = None
    for k in range(i + 1, min(j, i + MAX_NAME_WORDS)):
        word = tokens[k].word
        if word == "and" and end == k:
            break  # "Halden Corp and Belmont Bank" are two
        if organizations.is_org_word(word) and tokens[k].cap:
            end = k + 1
    head = end - 1 if end else i
    if (end or organizations.is_org_head(tokens[i].word)) and head + 2 < j \
            and tokens[head + 1].word in ("of", "for") and not organizations.is_abbreviation(tokens[head].word):
        end = _stop_at_and(tokens, head + 2, j)  # "Farmers Bank of Ohio", "Ministry of Defence"
    return end


def _feature_end(tokens: list[Token], i: int, j: int, venues_first: bool = False):
    """End of a street, venue or landscape name starting at token i ("Kestrel Road",
    "Gulf of Mexico"). A given name and a surname that is also such a word ("Jo Lane")
    is a person, except with ``venues_first`` (sports copy: "Ellis Park")."""
    if i + 2 < j and tokens[i + 1].word == "of" and places.is_feature_head(tokens[i].word):
        return _stop_at_and(tokens, i + 2, j)
    end = None
    for k in range(i + 1, min(j, i + MAX_KNOWN_WORDS)):
        if tokens[k].word == "and":
            break
        if tokens[k].word in ("Centre", "Center") and places.is_venue(tokens[k - 1].word, tokens[k].word):
            end = k + 1
        elif places.is_feature_word(tokens[k].word) and not (tokens[k].word == "St" and k + 1 < j) and (
                venues_first or k != i + 1 or not _given_and_surname(tokens, i, k)):
            end = k + 1   # "Kestrel Road", "Baker St"; but "Nantes St Clair" is no street
    return end


def _stop_at_and(tokens: list[Token], start: int, j: int) -> int:
    """The end of a run tokens[start:j] up to (not including) an "and" in it."""
    for k in range(start, j):
        if tokens[k].word == "and":
            return k
    return j


def find_mentions(text: str) -> list[Mention]:
    """Every place, person and organisation named in `text`, sorted by start.

    Each Mention has the canonical name, the words as written and character offsets
    into `text` (text[start:end] == mention.text); mentions never overlap.
    """
    if not text:
        return []
    doc = _Document(text)
    found = doc.run()
    for m in found:
        m.text = text[m.start:m.end]
    return found
