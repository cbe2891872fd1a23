"""Reserved for schema changes by one piece of issue 3's work (see the file name); may stay empty."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_search_index")]

    operations = []
