"""Normalising text for search, so that what people type finds what was written.

Names and service descriptions in Waymark are written in many scripts, by many hands, on
many keyboards: the same Persian word may be typed with an Arabic or a Persian yeh, with or
without a zero-width non-joiner; a French name with or without its accents. Both the stored
``search_text`` column and the query go through ``normalise_search_text``, so they meet in
the middle. It has no dependencies and gives the same result on every database.
"""

import re
import unicodedata
from functools import lru_cache

# Every apostrophe-like character people type, folded to one before anything else (the
# acute accent ´ must be caught before decomposition turns it into a space and a mark).
_APOSTROPHES = str.maketrans(dict.fromkeys("'\u2018\u2019\u201b\u02bc\u0060\u00b4\u2032\uff07", "'"))
# In Ukrainian the apostrophe is part of a word's spelling (п'ять, сім'я), and many people
# leave it out, so inside a Cyrillic word it is dropped; elsewhere it separates words
# (l'école, O'Brien).
_APOSTROPHE_IN_CYRILLIC_WORD = re.compile(r"(?<=[\u0400-\u052f])'(?=[\u0400-\u052f])")

# Letters replaced by their canonical form. Hamza and madda have already been split off by
# decomposition (أ → ا + ٔ), and are dropped as marks.
_CANONICAL_LETTERS = {
    "\u064a": "\u06cc",  # ي Arabic yeh → ی Persian yeh
    "\u0649": "\u06cc",  # ى alef maksura → ی
    "\u0643": "\u06a9",  # ك Arabic kaf → ک keheh
    "\u06aa": "\u06a9",  # ڪ swash kaf → ک
    "\u0671": "\u0627",  # ٱ alef wasla → ا
    "\u0672": "\u0627",  # ٲ alef with wavy hamza above → ا
    "\u0673": "\u0627",  # ٳ alef with wavy hamza below → ا
    # Latin letters with a stroke or ligature have no decomposition to strip.
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "ħ": "h",
    "ı": "i",
    "þ": "th",
    "æ": "ae",
    "œ": "oe",
}

# Persian ۀ (heh with yeh above) decomposes to Kurdish ە and a hamza mark; in Persian it is
# the letter ه with an ezafe sign, so it must meet خانه, not the Kurdish vowel letter.
_HEH_WITH_HAMZA = ("\u06d5\u0654", "\u0647")
_TATWEEL = "\u0640"
_ZERO_WIDTH_SPACE = "\u200b"


def _is_arabic_mark(code_point: int) -> bool:
    """Harakat, Quranic annotation marks and small signs: all dropped."""
    return (
        0x0610 <= code_point <= 0x061A  # small signs above letters (honorifics, etc.)
        or 0x064B <= code_point <= 0x065F  # harakat, shadda, sukun, hamza and madda marks
        or code_point == 0x0670  # superscript alef
        or 0x06D6 <= code_point <= 0x06ED  # Quranic annotation signs
        or 0x08D3 <= code_point <= 0x08FF  # extended Arabic marks
    )


# What happens to a character on its way into the normalised text.
_KEEP, _MARK, _DROP, _SPACE = range(4)


@lru_cache(maxsize=8192)
def _fold(char: str) -> tuple[int, str, bool]:
    """(what to do, the replacement, whether the result is Latin) for one character."""
    if char in _CANONICAL_LETTERS:
        replacement = _CANONICAL_LETTERS[char]
        return _KEEP, replacement, replacement.isascii()
    if char == _TATWEEL or _is_arabic_mark(ord(char)):
        return _DROP, "", False
    if char == _ZERO_WIDTH_SPACE:
        return _SPACE, " ", False
    category = unicodedata.category(char)
    if category == "Nd":
        return _KEEP, str(unicodedata.decimal(char)), True
    if category[0] == "M":
        return _MARK, char, False
    if category == "Cf":
        # Zero-width joiners and non-joiners, direction marks, soft hyphens: they change how
        # a word looks, not which word it is.
        return _DROP, "", False
    if category[0] in "ZPS" or category == "Cc":
        return _SPACE, " ", False
    return _KEEP, char, char.isascii() or unicodedata.name(char, "").startswith("LATIN ")


def normalise_search_text(text: str) -> str:
    """The canonical search form of ``text``: what the ``search_text`` column holds.

    Two strings a reader would call "the same words" give the same result. The rules:

    - Case: Unicode case folding (``casefold``), so ß → ss and Ω → ω.
    - Compatibility forms become ordinary ones (NFKC): full-width Latin, ligatures such as
      ﬁ, Arabic presentation forms and lam-alef ligatures.
    - Latin letters lose their diacritics (é → e, ç → c, ł → l, ø → o; æ → ae, œ → oe).
      Marks on other scripts are kept, because there they make different letters or vowels:
      Cyrillic й and ї stay apart from и and і, Indic vowel signs and viramas stay, Ge'ez
      syllables are untouched.
    - Arabic script: the canonical yeh is Persian ی (U+06CC), for ي and ى; the canonical
      kaf is keheh ک (U+06A9), for ك and ڪ; alef with hamza or madda, and alef wasla, become
      bare alef ا (أ إ آ ٱ → ا); hamza on a carrier is dropped (ؤ → و, ئ → ی, and ۀ or هٔ → ه).
      Harakat and other marks (U+0610–U+061A, U+064B–U+065F, U+0670, Quranic U+06D6–U+06ED,
      U+08D3–U+08FF) and tatweel (U+0640) are removed. Letters that are distinct in Pashto,
      Kurdish or Urdu (ې ۍ ێ ے ہ ھ ە …) are kept as they are.
    - Invisible formatting characters are removed: zero-width non-joiner and joiner (so the
      Persian می‌خواهم and میخواهم match), direction marks, soft hyphens. A zero-width
      space separates words.
    - Digits of every script (Arabic-Indic ٠-٩, Persian ۰-۹, Devanagari …) become 0-9.
    - Apostrophes of every shape inside a Cyrillic word are removed (п'ять → пять); elsewhere
      an apostrophe separates words like any punctuation (l'école → l ecole).
    - Punctuation, symbols and whitespace become single spaces; the ends are stripped.
    - The result is in NFC, and normalising it again changes nothing.
    """
    if not text:
        return ""
    text = str(text).translate(_APOSTROPHES)
    text = _APOSTROPHE_IN_CYRILLIC_WORD.sub("", text)
    # Decompose (splitting marks from letters), fold case, and decompose again: case folding
    # can give characters that decompose further, and compatibility forms can give capitals.
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    text = text.replace(*_HEH_WITH_HAMZA)

    output = []
    # Whether the letter a mark would attach to is Latin; None where there is none (at the
    # start or after a space), and then a stray mark is dropped.
    base_is_latin = None
    for char in text:
        action, replacement, is_latin = _fold(char)
        if action == _KEEP:
            output.append(replacement)
            base_is_latin = is_latin
        elif action == _MARK:
            if base_is_latin is False:
                output.append(char)
        elif action == _SPACE:
            output.append(" ")
            base_is_latin = None
    return " ".join(unicodedata.normalize("NFC", "".join(output)).split())


def normalise_words(text: str) -> list[str]:
    """The words of ``text`` in their normalised search form, in order."""
    return normalise_search_text(text).split()
