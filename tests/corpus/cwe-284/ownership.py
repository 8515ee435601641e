"""Objects fetched by a client-chosen id and changed without an ownership check (CWE-639)."""
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin, UserPassesTestMixin
from django.shortcuts import get_object_or_404, redirect
from django.shortcuts import get_object_or_404 as fetch
from django.views import View
from flask import Flask, abort
from flask_login import current_user

from .models import Invoice, Note, db

app = Flask(__name__)


@login_required
def delete_invoice(request, pk):
    invoice = get_object_or_404(Invoice, pk=pk)
    # ruleid: object-access-without-authorisation
    invoice.delete()
    return redirect("invoices")


@login_required
def delete_own_invoice(request, pk):
    invoice = get_object_or_404(Invoice, pk=pk, owner=request.user)
    # ok: object-access-without-authorisation
    invoice.delete()
    return redirect("invoices")


def rename_invoice(request, pk):
    invoice = Invoice.objects.get(pk=pk)
    invoice.title = request.POST["title"]
    # ruleid: object-access-without-authorisation
    invoice.save()
    return redirect("invoices")


@permission_required("billing.change_invoice")
def rename_invoice_as_clerk(request, pk):
    invoice = Invoice.objects.get(pk=pk)
    invoice.title = request.POST["title"]
    # ok: object-access-without-authorisation
    invoice.save()
    return redirect("invoices")


@app.route("/notes/<int:note_id>/delete", methods=["POST"])
def delete_note(note_id):
    note = Note.query.get_or_404(note_id)
    # ruleid: object-access-without-authorisation
    db.session.delete(note)
    db.session.commit()
    return "", 204


@app.route("/mine/notes/<int:note_id>/delete", methods=["POST"])
def delete_my_note(note_id):
    note = Note.query.get_or_404(note_id)
    if note.user_id != current_user.id:
        abort(403)
    # ok: object-access-without-authorisation
    db.session.delete(note)
    db.session.commit()
    return "", 204


def archive_all(request):
    # ok: object-access-without-authorisation
    for invoice in Invoice.objects.filter(archived=False):
        invoice.save()


def delete_aliased(request, post_id):
    post = fetch(Invoice, id=post_id)
    # ruleid: object-access-without-authorisation
    post.delete()
    return redirect("invoices")


class PublishInvoiceView(PermissionRequiredMixin, View):
    permission_required = "billing.change_invoice"

    def post(self, request, pk):
        invoice = get_object_or_404(Invoice, pk=pk)
        invoice.published = True
        # ok: object-access-without-authorisation
        invoice.save()
        return redirect("invoices")


class ArchiveInvoiceView(UserPassesTestMixin, View):
    def test_func(self):
        return self.request.user.is_staff

    def post(self, request, pk):
        invoice = get_object_or_404(Invoice, pk=pk)
        # ok: object-access-without-authorisation
        invoice.delete()
        return redirect("invoices")


class DeleteInvoiceView(LoginRequiredMixin, View):
    def post(self, request, pk):
        invoice = get_object_or_404(Invoice, pk=pk)
        # ruleid: object-access-without-authorisation
        invoice.delete()
        return redirect("invoices")
