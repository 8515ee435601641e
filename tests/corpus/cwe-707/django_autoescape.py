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


# Template(...).render(Context({...})): what the template shows unescaped is the sink (issue 20).
from django.http import HttpResponse
from django.template import Context, Template
from django.utils.safestring import mark_safe

BANNER = Template("{% autoescape off %}<div class='banner'>{{ message }}</div>{% endautoescape %}")


def banner(request):
    page = Template("{% autoescape off %}<div>{{ message }}</div>{% endautoescape %}<p>{{ user }}</p>")
    # ruleid: taint-xss
    html = page.render(Context({"message": request.GET["msg"], "user": "x"}))
    return HttpResponse(html)


def greeting(request):
    page = Template("<p>Hello {{ name|safe }}</p>")
    # ruleid: taint-xss
    return HttpResponse(page.render(Context({"name": request.GET["name"]})))


def greeting_escaped(request):
    page = Template("<p>Hello {{ name }}</p>")
    # ok: taint-xss
    return HttpResponse(page.render(Context({"name": request.GET["name"]})))


def greeting_other_value_unescaped(request):
    page = Template("{% autoescape off %}{{ motd }}{% endautoescape %}<p>Hello {{ name }}</p>")
    # ok: taint-xss
    return HttpResponse(page.render(Context({"motd": "<b>Welcome</b>", "name": request.GET["name"]})))


def greeting_marked_safe(request):
    # The value is marked safe before the template sees it: reported where it is marked.
    # ruleid: taint-xss
    context = Context({"name": mark_safe(request.GET["name"])})
    # ok: taint-xss
    return HttpResponse(Template("<p>Hello {{ name }}</p>").render(context))
