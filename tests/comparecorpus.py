"""A small collection of our own for the outlet comparison tests: five outlets, each with its
own spelling habits (Kharkov or Kharkiv, Kiev or Kyiv, Zelensky or Zelenskyy), dates over
six months of 2024, some articles undated and some without an outlet. Every fourth article
of two outlets with the same spelling habits is reprinted by the other under a new title,
a few days later, and one outlet publishes every fourth of its own again, updated in title
only (the same text: one story of two copies)."""

from __future__ import annotations

import random
from pathlib import Path

from records import write_jsonl

#: outlet -> (how it writes Kharkiv, Kyiv, Zelenskyy)
OUTLETS = {
    "Dnipro Daily": ("Kharkiv", "Kyiv", "Zelenskyy"),
    "Eastern Wire": ("Kharkov", "Kiev", "Zelensky"),
    "Morning Ledger": ("Kharkiv", "Kiev", "Zelensky"),
    "Harbour Post": ("Kharkov", "Kyiv", "Zelenskyy"),
    "Valley Courier": ("Kharkiv", "Kyiv", "Zelenskyy"),
}
#: outlet -> the outlet that reprints every fourth of its articles
REPRINTS = {"Dnipro Daily": "Valley Courier", "Valley Courier": "Dnipro Daily",
            "Harbour Post": "Harbour Post"}
SUBJECTS = ["a drone struck a depot", "the grain talks resumed", "a power line was repaired",
            "a drone was shot down", "the school year began"]


def record(n: int) -> dict:
    """Article ``n``: an outlet (none for one in nine), a date (none for one in seven)."""
    rnd = random.Random(n)
    names = list(OUTLETS)
    outlet = names[n % len(names)] if n % 9 else None
    kharkiv, kyiv, zelensky = OUTLETS[outlet] if outlet else ("Kharkiv", "Kyiv", "Zelenskyy")
    subject = SUBJECTS[rnd.randrange(len(SUBJECTS))]
    parts = [f"Officials said {subject} near {kharkiv} on Tuesday."]
    if rnd.random() < 0.6:
        parts.append(f"Later, President Volodymyr {zelensky} spoke in {kyiv} about it.")
    if rnd.random() < 0.4:
        parts.append("Trains from Odesa ran late all week.")
    if outlet == "Harbour Post" and n % 2:
        parts.append("A convoy left Lviv at dawn.")
    parts.append(f"Report number {n} ends here.")
    rec = {"title": f"Report {n}: {subject}", "text": " ".join(parts)}
    if outlet:
        rec["source"] = outlet
    if n % 7:
        rec["date"] = f"2024-{1 + n % 6:02d}-{1 + n % 25:02d}"
    return rec


def reprint(n: int) -> dict | None:
    """Article ``n`` as another outlet reprints it (None when it is not reprinted)."""
    rec = record(n)
    if n % 4 or rec.get("source") not in REPRINTS:
        return None
    outlet = REPRINTS[rec["source"]]
    again = "Updated" if outlet == rec["source"] else "Reprinted"
    copy = {**rec, "title": f"{again}: {rec['title']}", "source": outlet}
    if "date" in rec:
        copy["date"] = rec["date"][:-2] + f"{int(rec['date'][-2:]) + 3:02d}"
    return copy


def write(folder: Path, count: int = 90) -> Path:
    """The collection as one JSONL file in ``folder``."""
    path = folder / "reports.jsonl"
    recs = [record(n) for n in range(count)] + [r for r in map(reprint, range(count)) if r]
    return write_jsonl(path, recs)
