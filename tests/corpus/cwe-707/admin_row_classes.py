"""CSS classes of an admin change list's cells, marked safe (CWE-79).

Django's admin builds each cell's class from constants and the field names its ModelAdmin lists in
`list_display` (code, not data), then marks the attribute safe. Classes taken from the records
shown (data users edit) are an injection.
"""
import datetime

from django.utils.html import format_html
from django.utils.safestring import mark_safe


def _coerce_field_name(field_name, field_index):
    """A field name, or the name of the callable listed in its place."""
    if callable(field_name):
        if field_name.__name__ == "<lambda>":
            return "lambda" + str(field_index)
        return field_name.__name__
    return field_name


def items_for_result(cl, result):
    for field_index, field_name in enumerate(cl.list_display):
        row_classes = ["field-%s" % _coerce_field_name(field_name, field_index)]
        if field_name == "action_checkbox":
            row_classes = ["action-checkbox"]
        value = getattr(result, field_name) if isinstance(field_name, str) else field_name(result)
        if isinstance(value, (datetime.date, datetime.time)):
            row_classes.append("nowrap")
        # ok: xss-mark-safe
        row_class = mark_safe(' class="%s"' % " ".join(row_classes))
        yield format_html("<td{}>{}</td>", row_class, value)


def items_with_record_classes(cl, result):
    for field_index, field_name in enumerate(cl.list_display):
        row_classes = ["field-%s" % _coerce_field_name(field_name, field_index)]
        row_classes.append(result.css_class)
        # ruleid: xss-mark-safe
        row_class = mark_safe(' class="%s"' % " ".join(row_classes))
        yield format_html("<td{}>{}</td>", row_class, getattr(result, field_name))


def rows_by_status(cl):
    for index, obj in enumerate(cl.result_list):
        classes = ["row-%s" % _coerce_field_name(obj.status, index)]
        # ruleid: xss-mark-safe
        yield mark_safe('<tr class="%s">' % " ".join(classes))
