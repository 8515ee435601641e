"""Django template filters registered is_safe=True (issue 20): what they add must be escaped."""
from django import template
from django.template.defaultfilters import stringfilter
from django.utils.html import conditional_escape

register = template.Library()


@register.filter(is_safe=True)
@stringfilter
def with_suffix(value, arg):
    # ruleid: django-safe-filter-argument
    return f"{value} {arg}"


@register.filter(is_safe=True)
@stringfilter
def with_suffix_escaped(value, arg):
    # ok: django-safe-filter-argument
    return f"{value} {conditional_escape(arg)}"


@register.filter(is_safe=True)
def without_argument_text(value, arg):
    # The argument only chooses what to remove: nothing of it is added.
    # ok: django-safe-filter-argument
    return value.replace(arg, "")


@register.filter(is_safe=False)
def not_marked_safe(value, arg):
    # ok: django-safe-filter-argument
    return value + arg


@register.filter(is_safe=True)
def formatted(value, arg):
    # The argument is a format specifier written in the template (Django's stringformat).
    # ok: django-safe-filter-argument
    return ("%" + str(arg)) % value
