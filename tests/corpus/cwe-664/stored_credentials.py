"""Webhook endpoints of an integration service: each partner's signing secret is kept encrypted in
the database (SQLAlchemy-Utils StringEncryptedType) and read back in clear to sign deliveries. It
must not reach the delivery log or an error the partner sees; the endpoint's URL and name may."""
import hashlib
import hmac
import logging
import os

from sqlalchemy import Integer, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy_utils import StringEncryptedType
from sqlalchemy_utils.types.encrypted.encrypted_type import AesEngine

log = logging.getLogger("webhooks")
engine = create_engine(os.environ["DATABASE_URL"])


def _field_key():
    return os.environ["FIELD_KEY"]


class Base(DeclarativeBase):
    pass


class Endpoint(Base):
    __tablename__ = "endpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner: Mapped[str] = mapped_column(String(80))
    url: Mapped[str] = mapped_column(String(500))
    signing_secret: Mapped[str] = mapped_column(StringEncryptedType(String, _field_key, AesEngine, "pkcs5"))


class DeliveryError(Exception):
    """A delivery the partner's server refused."""


def _sign(endpoint, body):
    return hmac.new(endpoint.signing_secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(http, endpoint_id, body):
    with Session(engine) as session:
        endpoint = session.execute(select(Endpoint).where(Endpoint.id == endpoint_id)).scalar_one()
        # ruleid: secret-in-log
        log.info("delivering to %s (%s) signed with %s", endpoint.partner, endpoint.url, endpoint.signing_secret)
        answer = http.post(endpoint.url, data=body, headers={"X-Signature": _sign(endpoint, body)})
        if answer.status_code >= 400:
            # ruleid: secret-in-exception
            raise DeliveryError(f"{endpoint.url} refused a delivery signed with {endpoint.signing_secret}")
        return answer


def deliver_quietly(http, endpoint_id, body):
    with Session(engine) as session:
        endpoint = session.query(Endpoint).filter_by(id=endpoint_id).first()
        # ok: secret-in-log
        log.info("delivering to %s (%s)", endpoint.partner, endpoint.url)
        answer = http.post(endpoint.url, data=body, headers={"X-Signature": _sign(endpoint, body)})
        if answer.status_code >= 400:
            # ok: secret-in-exception
            raise DeliveryError(f"{endpoint.url} refused delivery {endpoint.id} for {endpoint.partner}")
        return answer


def rotate(endpoint: Endpoint, new_secret):
    # ruleid: secret-in-log
    log.warning("rotating the secret of %s from %s", endpoint.partner, endpoint.signing_secret)
    endpoint.signing_secret = new_secret
