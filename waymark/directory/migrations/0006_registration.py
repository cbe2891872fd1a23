"""Add your organisation: the kind of organisation a registration asks to create."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_change_requests")]

    operations = [
        migrations.AddField(
            model_name="organisationregistration",
            name="kind",
            field=models.CharField(
                choices=[
                    ("voluntary_group", "Voluntary group"),
                    ("charity", "Charity"),
                    ("faith_group", "Faith group"),
                    ("community_association", "Community association"),
                    ("national_charity", "National charity"),
                    ("legal_practice", "Legal practice"),
                    ("health", "Health"),
                    ("local_authority", "Local authority"),
                    ("accommodation_provider", "Accommodation provider"),
                    ("other", "Other"),
                ],
                default="charity",
                max_length=30,
                verbose_name="kind of organisation",
            ),
        ),
    ]
