"""Service.search_facets: the needs a service is listed under, the languages it speaks and the
map cells of its locations, as search tokens, indexed beside search_text (see waymark/directory/search_index.py). Filled here
for the services already there; ensure_search_index, which runs after every migrate, then
rebuilds the index with the new column."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from waymark.directory.search_index import facet_tokens

    Service = apps.get_model("directory", "Service")
    Attribute = apps.get_model("directory", "Attribute")
    Language = apps.get_model("directory", "Language")
    ServiceAtLocation = apps.get_model("directory", "ServiceAtLocation")
    using = schema_editor.connection.alias
    terms, codes = {}, {}
    rows = Attribute.objects.using(using).filter(link_entity="service").values_list("link_id", "taxonomy_term_id")
    for service_id, term_id in rows.iterator(chunk_size=5000):
        terms.setdefault(service_id, []).append(term_id)
    for service_id, code in Language.objects.using(using).exclude(service=None).values_list("service_id", "code"):
        codes.setdefault(service_id, []).append(code)
    points = {}
    links = ServiceAtLocation.objects.using(using).filter(location__latitude__isnull=False)
    for service_id, latitude, longitude in links.values_list(
        "service_id", "location__latitude", "location__longitude"
    ).iterator(chunk_size=5000):
        points.setdefault(service_id, []).append((latitude, longitude))
    batch = []
    for service in Service.objects.using(using).only("id").iterator(chunk_size=5000):
        service.search_facets = facet_tokens(
            terms.get(service.id, ()), codes.get(service.id, ()), points.get(service.id, ())
        )
        if service.search_facets:
            batch.append(service)
        if len(batch) >= 2000:
            Service.objects.using(using).bulk_update(batch, ["search_facets"])
            batch = []
    Service.objects.using(using).bulk_update(batch, ["search_facets"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_public_input_and_checks")]

    operations = [
        migrations.AddField(
            model_name="service",
            name="search_facets",
            field=models.TextField(blank=True, editable=False, verbose_name="search facets"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
