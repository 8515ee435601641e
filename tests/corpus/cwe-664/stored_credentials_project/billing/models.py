"""The billing database: merchants keep their payment-provider key encrypted at rest and their
dashboard password hashed; the customer's card token is a provider reference, stored as text."""
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy_utils import EncryptedType, PasswordType
from sqlalchemy_utils.types.encrypted.encrypted_type import AesEngine

from billing.settings import FIELD_KEY

db = SQLAlchemy()


class Merchant(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    contact_email = db.Column(db.String(254))
    provider_key = db.Column(EncryptedType(db.String, FIELD_KEY, AesEngine, "pkcs5"))
    password = db.Column(PasswordType(schemes=["pbkdf2_sha512"]))


class Customer(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    merchant_id = db.Column(db.Integer, db.ForeignKey("merchant.id"))
    email = db.Column(db.String(254))
    # A reference the provider gives out for a stored card: named like a secret, declared as text.
    card_token = db.Column(db.String(64))
