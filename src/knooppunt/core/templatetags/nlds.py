"""Form widgets with the NL Design System's classes (Utrecht component library), so that the
templates render Django's own widgets (ids, names, aria-describedby, aria-invalid) in the
portal's look: `{{ field|nlds }}`."""

from django import template

register = template.Library()

# Widget type (BoundField.widget_type) -> the Utrecht classes of its element.
CLASSES = {
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input utrecht-checkbox--custom",
    "radioselect": "utrecht-radio-button utrecht-radio-button--html-input "
    "utrecht-radio-button--custom",
    "checkboxselectmultiple": "utrecht-checkbox utrecht-checkbox--html-input "
    "utrecht-checkbox--custom",
    "textarea": "utrecht-textarea utrecht-textarea--html-textarea",
    "select": "utrecht-select utrecht-select--html-select",
    "clearablefile": "knooppunt-file-input",
    "file": "knooppunt-file-input",
}
TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"
INVALID = {
    "checkbox": "utrecht-checkbox--invalid",
    "radioselect": "utrecht-radio-button--invalid",
    "textarea": "utrecht-textarea--invalid",
    "select": "utrecht-select--invalid",
}


def classes_for(bound_field) -> str:
    kind = bound_field.widget_type
    if kind == "checkbox" and bound_field.field.widget.attrs.get("role") == "switch":
        return "utrecht-form-toggle__checkbox"
    names = CLASSES.get(kind, TEXTBOX)
    if bound_field.errors:
        names += " " + INVALID.get(kind, "utrecht-textbox--invalid")
    return names


@register.filter
def nlds(bound_field):
    """The field's widget with the Utrecht classes (and its own classes kept)."""
    own = bound_field.field.widget.attrs.get("class", "")
    return bound_field.as_widget(attrs={"class": f"{classes_for(bound_field)} {own}".strip()})


@register.filter
def nlds_choices(bound_field):
    """The subwidgets (radio buttons, checkboxes) of a choice field, with the Utrecht classes."""
    widget = bound_field.field.widget
    widget.attrs["class"] = classes_for(bound_field)
    return bound_field.subwidgets


@register.filter
def widget_kind(bound_field) -> str:
    """How the field is laid out: 'checkbox', 'switch', 'choices' or 'text'."""
    kind = bound_field.widget_type
    if kind == "checkbox":
        return "switch" if bound_field.field.widget.attrs.get("role") == "switch" else "checkbox"
    if kind in ("radioselect", "checkboxselectmultiple"):
        return "choices"
    return "text"
