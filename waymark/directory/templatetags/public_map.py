"""Small pieces of the public map's templates: English text marked as English, distances."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def shown(value):
    """Directory text; English standing in for a translation is marked ``lang="en"`` (screen
    readers read it as English) and left-to-right inside a right-to-left page."""
    if getattr(value, "english", False):
        return format_html('<span lang="en" dir="ltr">{}</span>', value)
    return format_html("{}", value)


@register.filter
def distance(metres):
    """ "350 m", "1.4 km", "12 km"."""
    if metres is None:
        return ""
    if metres < 1000:
        return _("%(metres)s m") % {"metres": int(round(metres, -1)) or 10}
    kilometres = metres / 1000
    places = 1 if kilometres < 10 and kilometres % 1 else 0
    return _("%(kilometres)s km") % {"kilometres": number_format(round(kilometres, places), places)}


@register.filter
def tel(number):
    """A phone number as a tel: address (digits and a leading +)."""
    return "tel:" + "".join(character for character in str(number) if character.isdigit() or character == "+")
