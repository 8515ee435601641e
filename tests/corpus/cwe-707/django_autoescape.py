"""Django template engines with autoescaping off (issue 20)."""
from django.template import Engine

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            # ruleid: django-autoescape-disabled
            "autoescape": False,
            "context_processors": ["django.template.context_processors.request"],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "NAME": "html",
        # ok: django-autoescape-disabled
        "OPTIONS": {"autoescape": True},
    },
]

# ruleid: django-autoescape-disabled
text_engine = Engine(dirs=["templates/email"], autoescape=False)
# ok: django-autoescape-disabled
html_engine = Engine(dirs=["templates/html"])
