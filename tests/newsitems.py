"""Short news items written for the tests: numbered, so that each can be found alone
(``n123q``), with outlets, dates (one in five has none) and a version word that changes."""

from __future__ import annotations

import random
from pathlib import Path

TOWNS = ["Amberley", "Brockton", "Carrow", "Dunmere", "Eastholm", "Fallowby", "Grisham"]
SUBJECTS = ["the river bridge", "a school roof", "the night bus", "the market square",
            "a water main", "the library hours", "the harbour wall"]
OUTLETS = ["Valley Voice", "Coast Courier", "Hill Herald", None]


def article(n: int, town: str, version: str = "first") -> str:
    """A short news item of our own, numbered so that each one can be found alone."""
    rnd = random.Random(n)
    subject = rnd.choice(SUBJECTS)
    outlet = OUTLETS[n % len(OUTLETS)]
    lines = [f"Title: {town} council debates {subject}"]
    if n % 5:   # one in five has no date at all
        lines.append(f"Date: 2020-{1 + n % 12:02d}-{1 + n % 28:02d}")
    if outlet:
        lines.append(f"Source: {outlet}")
    lines += ["", f"Item n{n}q: councillors in {town} argued about {subject} on a "
                  f"{rnd.choice(['wet', 'quiet', 'long'])} evening ({version} version).",
              f"Residents asked for a decision before the {rnd.choice(['summer', 'winter'])}."]
    return "\n".join(lines) + "\n"


def write(folder: Path, numbers, town: str, version: str = "first") -> None:
    """One .txt file per numbered item in ``folder`` (item-00042.txt), replacing any there."""
    for n in numbers:
        (folder / f"item-{n:05d}.txt").write_text(article(n, town, version), encoding="utf-8")
