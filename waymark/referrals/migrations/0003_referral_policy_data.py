"""The starting policy rows for referrals: the response deadline, bank holidays in England and
Wales, and which services' immigration situations each asylum stage falls under. Administrators
add dated rows in the admin when any of these changes."""

import datetime as dt

from django.db import migrations

POLICY_SOURCE = (
    "Waymark's starting point, agreed with the demo network: five working days to answer a "
    "referral, as in the Bolton hub's partnership agreement. Change it for your network."
)
BANK_HOLIDAY_SOURCE = "GOV.UK bank holidays, https://www.gov.uk/bank-holidays.json (England and Wales)"
MAPPING_SOURCE = "Waymark's reading of the asylum journey (docs/domain.md, 'The journey')."

BANK_HOLIDAYS = {
    2025: [
        ("01-01", "New Year’s Day"),
        ("04-18", "Good Friday"),
        ("04-21", "Easter Monday"),
        ("05-05", "Early May bank holiday"),
        ("05-26", "Spring bank holiday"),
        ("08-25", "Summer bank holiday"),
        ("12-25", "Christmas Day"),
        ("12-26", "Boxing Day"),
    ],
    2026: [
        ("01-01", "New Year’s Day"),
        ("04-03", "Good Friday"),
        ("04-06", "Easter Monday"),
        ("05-04", "Early May bank holiday"),
        ("05-25", "Spring bank holiday"),
        ("08-31", "Summer bank holiday"),
        ("12-25", "Christmas Day"),
        ("12-28", "Boxing Day (substitute day)"),
    ],
    2027: [
        ("01-01", "New Year’s Day"),
        ("03-26", "Good Friday"),
        ("03-29", "Easter Monday"),
        ("05-03", "Early May bank holiday"),
        ("05-31", "Spring bank holiday"),
        ("08-30", "Summer bank holiday"),
        ("12-27", "Christmas Day (substitute day)"),
        ("12-28", "Boxing Day (substitute day)"),
    ],
    2028: [
        ("01-03", "New Year’s Day (substitute day)"),
        ("04-14", "Good Friday"),
        ("04-17", "Easter Monday"),
        ("05-01", "Early May bank holiday"),
        ("05-29", "Spring bank holiday"),
        ("08-28", "Summer bank holiday"),
        ("12-25", "Christmas Day"),
        ("12-26", "Boxing Day"),
    ],
}

# Journey stage → the Service.ImmigrationSituation values a person at that stage falls under.
# "other_status" and "not_known" have none: for them the filter is not applied.
SITUATIONS = {
    "claim_lodged": ["seeking_asylum"],
    "awaiting_decision": ["seeking_asylum"],
    "refused": ["seeking_asylum"],
    "appeal": ["seeking_asylum"],
    "fresh_claim": ["seeking_asylum"],
    "appeal_rights_exhausted": ["refused_are", "nrpf"],
    "granted": ["refugee_hp"],
}

START = dt.date(2025, 1, 1)


def add_policy(apps, schema_editor):
    ReferralPolicy = apps.get_model("referrals", "ReferralPolicy")
    BankHoliday = apps.get_model("referrals", "BankHoliday")
    SituationMapping = apps.get_model("referrals", "SituationMapping")
    ReferralPolicy.objects.get_or_create(
        valid_from=START,
        defaults={
            "response_working_days": 5,
            "reminder_working_days": 1,
            "access_days_after_close": 30,
            "letter_link_days": 14,
            "source": POLICY_SOURCE,
        },
    )
    for year, days in BANK_HOLIDAYS.items():
        for month_day, title in days:
            month, day = (int(part) for part in month_day.split("-"))
            BankHoliday.objects.get_or_create(
                division="england-and-wales",
                date=dt.date(year, month, day),
                defaults={"title": title, "source": BANK_HOLIDAY_SOURCE},
            )
    for stage, situations in SITUATIONS.items():
        for situation in situations:
            SituationMapping.objects.get_or_create(
                stage=stage, situation=situation, valid_from=START, defaults={"source": MAPPING_SOURCE}
            )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_referrals")]

    operations = [migrations.RunPython(add_policy, migrations.RunPython.noop)]
