"""Invoices sent through the mail relay."""
import os
import smtplib


class RelayMailer:
    HOST = "relay.billing.internal"
    USER = "invoices"
    # ruleid: hardcoded-password
    PASSWORD = "m4il-Rel4y-2024"

    def send(self, message):
        with smtplib.SMTP(self.HOST, 587) as server:
            server.starttls()
            server.login(self.USER, self.PASSWORD)
            server.send_message(message)


class EnvironmentMailer:
    HOST = "relay.billing.internal"
    USER = "invoices"
    # ok: hardcoded-password
    PASSWORD = os.environ.get("RELAY_PASSWORD", "")

    def send(self, message):
        with smtplib.SMTP(self.HOST, 587) as server:
            server.starttls()
            server.login(self.USER, self.PASSWORD)
            server.send_message(message)
