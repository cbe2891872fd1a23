"""Small builders for directory tests."""

from waymark.directory.models import (
    NEED_LINK_TYPE,
    NEEDS_TAXONOMY_NAME,
    Attribute,
    Organization,
    Service,
    Taxonomy,
    TaxonomyTerm,
)


def make_organization(name="Croal Valley Welcome Project", **fields):
    return Organization.objects.create(name=name, description=f"{name} welcomes people.", **fields)


def make_service(name="Drop-in advice", organization=None, **fields):
    return Service.objects.create(name=name, organization=organization or make_organization(), **fields)


def make_need(slug, name=None, parent=None, **fields):
    taxonomy = Taxonomy.objects.get_or_create(name=NEEDS_TAXONOMY_NAME, defaults={"description": "What people need."})[
        0
    ]
    return TaxonomyTerm.objects.create(
        taxonomy=taxonomy,
        slug=slug,
        name=name or slug.replace("-", " ").capitalize(),
        description=f"About {slug}.",
        parent=parent,
        **fields,
    )


def give_need(service, term):
    return Attribute.objects.create(
        taxonomy_term=term, link_entity=service.hsds_entity, link_id=service.id, link_type=NEED_LINK_TYPE
    )
