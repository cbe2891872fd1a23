"""The base layout, login and error pages are translated into all nine languages besides English.

The translations are machine-drafted; every catalogue must say so in its header until a
community translator has reviewed it.
"""

import ast
import functools
import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase
from django.utils import translation

LANGUAGES = ["ar", "fa", "ps", "ckb", "ti", "am", "ur", "fr", "uk"]
LOCALE = Path(settings.BASE_DIR) / "locale"

# Every string from these files is part of the required set (matched against the `#:`
# references that makemessages writes).
REQUIRED_SOURCES = (
    "templates/base.html",
    "templates/includes/",
    "templates/home.html",
    "templates/403.html",
    "templates/404.html",
    "templates/500.html",
    "templates/account/",  # sign-in, password reset, re-authentication
    "templates/mfa/",  # two-factor authentication
    "templates/forms/",
    "waymark/accounts/adapters.py",
    "waymark/settings.py",
)

# And these, named one by one because their files also hold strings of later pages: the login
# and two-factor forms' labels and errors, allauth's sign-in errors, the organisation switcher's messages.
REQUIRED_MSGIDS = [
    "Sign in",
    "Sign out",
    "Skip to main content",
    "Language",
    "Page not found",
    "You cannot open this page",
    "Sorry, something went wrong",
    "There is a problem",
    "E-mail address",
    "Password",
    "Enter your e-mail address",
    "Enter an e-mail address like name@example.org",
    "Enter your password",
    "The e-mail address or password is not right. Check them and try again.",
    "This account has been switched off. Ask your organisation's admin.",
    "Too many failed attempts to sign in. Wait a few minutes and try again.",
    "Enter the code from your authenticator app",
    "The code is not right. Type the code your app shows now.",
    "Choose one of your organisations.",
    "You are now acting for %(organisation)s.",
    "Arabic",
    "Tigrinya",
]

PLURAL_FORMS = {
    "ar": "nplurals=6;",
    "fa": "nplurals=2; plural=(n > 1);",
    "ps": "nplurals=2; plural=(n != 1);",
    "ckb": "nplurals=2; plural=(n != 1);",
    "ti": "nplurals=2; plural=(n > 1);",
    "am": "nplurals=2; plural=(n > 1);",
    "ur": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=3;",
    "uk": "nplurals=4;",
}

MACHINE_DRAFT_NOTICE = "# Machine-drafted translation: needs review by a community translator before it is relied on."
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
GEEZ = re.compile(r"[\u1200-\u137f]")


@functools.cache
def read_catalogue(language):
    """The entries of locale/<language>/LC_MESSAGES/django.po, header first.

    A deliberately small reader for the files makemessages writes: each entry is a dict
    with "comments" (lines starting with #) and its keywords (msgid, msgstr, msgstr[0] …)
    mapped to their unquoted text.
    """
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        entry = {"comments": []}
        keyword = None
        for line in block.strip("\n").splitlines():
            if line.startswith("#"):
                entry["comments"].append(line)
            elif line.startswith('"'):
                entry[keyword] += ast.literal_eval(line)
            else:
                keyword, quoted = line.split(" ", 1)
                entry[keyword] = ast.literal_eval(quoted)
        # Obsolete entries ("#~ msgid …", kept by makemessages without --no-obsolete) are
        # all comment lines: nothing is served from them.
        if "msgid" in entry:
            entries.append(entry)
    return entries


def references(entry):
    return " ".join(c[2:] for c in entry["comments"] if c.startswith("#:")).split()


def translations(entry):
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def placeholders_kept(entry, msgstr):
    """True if ``msgstr`` has the placeholders of the English it translates.

    A plural entry's forms may each use the plural's extra placeholders (the count, usually),
    which the singular msgid lacks; gettext needs them kept, so any form may name them.
    """
    found = PLACEHOLDER.findall(msgstr)
    if "msgid_plural" not in entry:
        return sorted(found) == sorted(PLACEHOLDER.findall(entry["msgid"]))
    allowed = set(PLACEHOLDER.findall(entry["msgid"])) | set(PLACEHOLDER.findall(entry["msgid_plural"]))
    return set(PLACEHOLDER.findall(entry["msgid"])) <= set(found) <= allowed


def is_fuzzy(entry):
    return any(c.startswith("#,") and "fuzzy" in c for c in entry["comments"])


def required_entries(language):
    return [
        entry
        for entry in read_catalogue(language)[1:]
        if any(ref.startswith(REQUIRED_SOURCES) for ref in references(entry)) or entry["msgid"] in REQUIRED_MSGIDS
    ]


class CatalogueTests(SimpleTestCase):
    def test_it_has_a_catalogue_for_every_language_but_english(self):
        self.assertEqual(
            sorted(code for code, _name in settings.LANGUAGES if code != "en"),
            sorted(LANGUAGES),
        )

    def test_it_marks_every_catalogue_as_machine_drafted(self):
        for language in LANGUAGES:
            with self.subTest(language=language):
                header = read_catalogue(language)[0]
                self.assertEqual(header["msgid"], "")
                self.assertIn(MACHINE_DRAFT_NOTICE, header["comments"])
                self.assertIn("X-Translation-Status: machine-drafted, needs community review\n", header["msgstr"])

    def test_it_names_the_language_its_encoding_and_its_plurals(self):
        for language in LANGUAGES:
            with self.subTest(language=language):
                header = read_catalogue(language)[0]
                self.assertFalse(is_fuzzy(header))
                self.assertIn(f"Language: {language}\n", header["msgstr"])
                self.assertIn("Content-Type: text/plain; charset=UTF-8\n", header["msgstr"])
                self.assertIn(f"Plural-Forms: {PLURAL_FORMS[language]}", header["msgstr"])

    def test_it_finds_the_required_strings_in_the_catalogues(self):
        # Guards the reader: if makemessages stopped finding the base layout, the tests
        # below would pass on an empty list.
        msgids = {entry["msgid"] for entry in required_entries("ar")}
        self.assertTrue(set(REQUIRED_MSGIDS) <= msgids, set(REQUIRED_MSGIDS) - msgids)
        self.assertIn("Welcome to Waymark", msgids)
        self.assertIn("Skip to main content", msgids)

    def test_it_translates_every_required_string_in_every_language(self):
        for language in LANGUAGES:
            untranslated = [
                entry["msgid"]
                for entry in required_entries(language)
                if is_fuzzy(entry) or not all(translations(entry))
            ]
            self.assertEqual(untranslated, [], language)

    def test_it_serves_the_translations_from_the_compiled_catalogues(self):
        # The .mo files are committed; this fails when someone edits a .po file and forgets
        # `manage.py compilemessages`.
        for language in LANGUAGES:
            stale = []
            with translation.override(language):
                for entry in required_entries(language):
                    if "msgid_plural" in entry:
                        served = translation.ngettext(entry["msgid"], entry["msgid_plural"], 1)
                    elif "msgctxt" in entry:
                        served = translation.pgettext(entry["msgctxt"], entry["msgid"])
                    else:
                        served = translation.gettext(entry["msgid"])
                    if served not in translations(entry) or served == entry["msgid"]:
                        stale.append((entry["msgid"], served))
            self.assertEqual(stale, [], language)

    def test_it_keeps_every_placeholder(self):
        for language in LANGUAGES:
            broken = [
                (entry["msgid"], msgstr)
                for entry in read_catalogue(language)[1:]
                for msgstr in filter(None, translations(entry))
                if not placeholders_kept(entry, msgstr)
            ]
            self.assertEqual(broken, [], language)

    def test_it_leaves_nothing_fuzzy(self):
        for language in LANGUAGES:
            fuzzy = [entry["msgid"] for entry in read_catalogue(language)[1:] if is_fuzzy(entry)]
            self.assertEqual(fuzzy, [], language)

    def test_it_never_translates_the_name_waymark(self):
        for language in LANGUAGES:
            renamed = [
                msgstr
                for entry in read_catalogue(language)[1:]
                if "Waymark" in entry["msgid"]
                for msgstr in filter(None, translations(entry))
                if "Waymark" not in msgstr
            ]
            self.assertEqual(renamed, [], language)


class TranslatedLoginPageTests(TestCase):
    def test_it_signs_in_in_arabic_right_to_left(self):
        with translation.override("ar"):
            sign_in = translation.gettext("Sign in")
        self.assertEqual(sign_in, "تسجيل الدخول")
        response = self.client.get("/ar/accounts/login/")
        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(response, sign_in)
        self.assertContains(response, "كلمة المرور")  # "Password", the form's own label
        self.assertNotContains(response, ">Sign in<")

    def test_it_signs_in_in_tigrinya_left_to_right(self):
        with translation.override("ti"):
            sign_in = translation.gettext("Sign in")
        self.assertRegex(sign_in, GEEZ)
        response = self.client.get("/ti/accounts/login/")
        self.assertContains(response, '<html lang="ti" dir="ltr">')
        self.assertContains(response, sign_in)
        self.assertRegex(response.content.decode(), r"<h1>[^<]*[\u1200-\u137f]")
        self.assertNotContains(response, ">Sign in<")

    def test_it_explains_a_wrong_password_in_persian(self):
        response = self.client.post(
            "/fa/accounts/login/", {"login": "nobody@example.org", "password": "not-the-password"}
        )
        self.assertContains(response, '<html lang="fa" dir="rtl">')
        with translation.override("fa"):
            message = translation.gettext("The e-mail address or password is not right. Check them and try again.")
        self.assertContains(response, message)

    def test_it_shows_a_translated_404_page(self):
        response = self.client.get("/uk/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Сторінку не знайдено", status_code=404)
