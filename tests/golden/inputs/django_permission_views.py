"""Django views guarded by permissions: clean example input for the verdict golden tests.

Written from Django's documentation of django.contrib.auth.decorators
(login_required, permission_required), django.contrib.auth.mixins
(PermissionRequiredMixin) and User.has_perm.
"""
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from .models import Article


@permission_required("articles.change_article", raise_exception=True)
def edit_article(request, pk):
    article = get_object_or_404(Article, pk=pk)
    if request.method == "POST":
        article.title = request.POST.get("title", article.title)
        article.save()
        return redirect("article-detail", pk=article.pk)
    return render(request, "articles/edit.html", {"article": article})


@login_required
def archive_article(request, pk):
    article = get_object_or_404(Article, pk=pk)
    if not request.user.has_perm("articles.archive_article", article):
        raise PermissionDenied
    article.archived = True
    article.save()
    return redirect("article-list")


class PublishArticleView(PermissionRequiredMixin, View):
    permission_required = "articles.publish_article"

    def post(self, request, pk):
        article = get_object_or_404(Article, pk=pk, author=request.user)
        article.published = True
        article.save()
        return redirect("article-detail", pk=article.pk)
