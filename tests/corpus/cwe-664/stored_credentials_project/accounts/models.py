"""Accounts and their second-factor devices. The TOTP seed is kept encrypted (django-cryptography);
the legacy account table keeps its password hash in a plain CharField, as Django's own user does."""
from django.db import models
from django_cryptography.fields import encrypt


class Device(models.Model):
    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)
    name = models.CharField(max_length=64)
    totp_seed = encrypt(models.CharField(max_length=64))
    confirmed = models.BooleanField(default=False)


class LegacyAccount(models.Model):
    username = models.CharField(max_length=150, unique=True)
    password = models.CharField(max_length=128)
