"""The few values people type or read aloud to find a person: card references and phone numbers.

Both are normalised before they are stored or looked up, so that "abcd-efgh" finds the card
printed ABCD EFGH and "07700 900 123" finds the number saved as +447700900123.
"""

import re
import secrets

from waymark.lib.crypto import blind_index

# Letters and digits that cannot be mistaken for one another when read aloud, written by hand
# or typed from a card: no 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V. 20 characters, so 8 of
# them make about 2.6 × 10¹⁰ references: not a secret (the card is shown at the desk), but far
# too many to guess one that belongs to someone.
REFERENCE_ALPHABET = "ACEFHJKMNPRTWXY34679"
REFERENCE_LENGTH = 8
_REFERENCE_TYPED = re.compile(r"[\s\-.]+")


def new_reference():
    """A fresh random card reference, e.g. ``"K7MX3TAC"`` (uniqueness is the caller's check)."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalise_reference(text):
    """The reference ``text`` stands for, as stored, or None if it cannot be one.

    Spaces, hyphens and dots are ignored and lower case is accepted, so "k7mx-3tac" is
    "K7MX3TAC".
    """
    candidate = _REFERENCE_TYPED.sub("", text or "").upper()
    if len(candidate) != REFERENCE_LENGTH or any(char not in REFERENCE_ALPHABET for char in candidate):
        return None
    return candidate


def format_reference(reference):
    """The reference as printed on the card: two groups of four, easy to read aloud."""
    return f"{reference[:4]} {reference[4:]}" if reference else ""


_PHONE_PUNCTUATION = re.compile(r"[\s\-().]+")


def normalise_phone(text):
    """A phone number in international form (``+447700900123``), or None if it is not one.

    UK numbers are written many ways: ``07700 900123``, ``+44 (0)7700 900123``,
    ``0044 7700 900123``, ``447700900123``; all become ``+447700900123``. A number with
    another country's code keeps it (``+33 6 12 34 56 78`` → ``+33612345678``).
    """
    number = _PHONE_PUNCTUATION.sub("", text or "")
    if number.startswith("+"):
        number = number[1:]
    elif number.startswith("00"):
        number = number[2:]
    elif number.startswith("0"):
        number = "44" + number[1:]
    elif not (number.startswith("44") and len(number) == 12):
        return None
    if number.startswith("440"):
        # "+44 (0)7700 …": the trunk zero written after the country code.
        number = "44" + number[3:]
    if not number.isdigit():
        return None
    # UK numbers are 10 digits after the code; E.164 allows at most 15 digits in all.
    if number.startswith("44") and len(number) != 12:
        return None
    if not 8 <= len(number) <= 15:
        return None
    return "+" + number


def phone_index(normalised_phone):
    """The blind index of a normalised phone number ("" for none)."""
    return blind_index(normalised_phone, purpose="phone") if normalised_phone else ""


def date_of_birth_index(date_of_birth):
    """The blind index of a date of birth ("" for none)."""
    return blind_index(date_of_birth.isoformat(), purpose="date_of_birth") if date_of_birth else ""
