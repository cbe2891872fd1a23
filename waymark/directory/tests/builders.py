"""Small builders for directory tests."""

from waymark.directory.models import (
    NEED_LINK_TYPE,
    NEEDS_TAXONOMY_NAME,
    Attribute,
    Organization,
    Service,
    Taxonomy,
    TaxonomyTerm,
    Translation,
)


def make_organization(name="Croal Valley Welcome Project", **fields):
    return Organization.objects.create(name=name, description=f"{name} welcomes people.", **fields)


def make_service(name="Drop-in advice", organization=None, **fields):
    return Service.objects.create(name=name, organization=organization or make_organization(), **fields)


def make_need(slug, name=None, parent=None, **fields):
    taxonomy = Taxonomy.objects.get_or_create(name=NEEDS_TAXONOMY_NAME, defaults={"description": "What people need."})[
        0
    ]
    values = {
        "taxonomy": taxonomy,
        "name": name or slug.replace("-", " ").capitalize(),
        "description": f"About {slug}.",
        "parent": parent,
        **fields,
    }
    # The needs data migration already made most needs: take that term over, as the test
    # describes it and without the data's synonyms and translations.
    term = TaxonomyTerm.objects.filter(slug=slug).first()
    if term is None:
        return TaxonomyTerm.objects.create(slug=slug, **values)
    term.synonyms.all().delete()
    Translation.objects.filter(model_label=term._meta.label_lower, object_id=term.id).delete()
    for field, value in values.items():
        setattr(term, field, value)
    term.save()
    return term


def give_need(service, term):
    return Attribute.objects.create(
        taxonomy_term=term, link_entity=service.hsds_entity, link_id=service.id, link_type=NEED_LINK_TYPE
    )
