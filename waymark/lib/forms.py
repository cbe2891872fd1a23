from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Render every form with Waymark's accessible pattern: an error summary at the top that
    links to each field, and hints and errors tied to inputs with aria-describedby."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
