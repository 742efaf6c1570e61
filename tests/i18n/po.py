"""A small reader of gettext .po files: enough to check the portal's catalogues."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

_FIELD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$')


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.msgid, self.msgid_plural)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)


def read(path: Path) -> list[Entry]:
    """The entries of a .po file, the header (msgid "") left out."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, current = Entry(), None
        values: dict[str, str] = {}
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
                continue
            if line.startswith("#,"):
                entry.flags |= {f.strip() for f in line[2:].split(",")}
                continue
            if line.startswith("#"):
                continue
            match = _FIELD.match(line)
            if match:
                current = match.group(1)
                values[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                values[current] += ast.literal_eval(line)
        if "msgid" not in values or not values["msgid"]:
            continue
        entry.msgid = values["msgid"]
        entry.msgid_plural = values.get("msgid_plural", "")
        entry.msgstr = [v for k, v in sorted(values.items()) if k.startswith("msgstr")]
        entries.append(entry)
    return entries
