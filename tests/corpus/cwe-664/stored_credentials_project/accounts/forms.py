from django import forms
from rest_framework import serializers


class SignupForm(forms.Form):
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput, min_length=12)
    # What the user wants to be called: a text input, whatever the name says.
    secret_name = forms.CharField(max_length=40, required=False)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
