#!/usr/bin/env python3
"""Writes strip-accents.txt: for every code point whose canonical decomposition (NFD) differs from
itself, the code points left once non-spacing marks (category Mn) are removed. This is Hugging Face
BertNormalizer's strip_accents step as a table, because .NET cannot normalise strings when it runs
with InvariantGlobalization. Hangul syllables are decomposed by formula in code, not listed here.

Run: python3 strip-accents.py > strip-accents.txt
"""
import sys
import unicodedata

print(f"# Unicode {unicodedata.unidata_version}: code point, then what NFD minus Mn leaves (hex; nothing = removed)")
for cp in range(sys.maxunicode + 1):
    if 0xAC00 <= cp <= 0xD7A3 or 0xD800 <= cp <= 0xDFFF:
        continue
    ch = chr(cp)
    nfd = unicodedata.normalize("NFD", ch)
    if nfd == ch or unicodedata.category(ch) == "Mn":
        continue
    kept = [c for c in nfd if unicodedata.category(c) != "Mn"]
    print(" ".join([f"{cp:X}"] + [f"{ord(c):X}" for c in kept]))
