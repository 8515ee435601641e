"""Passwords over cleartext protocols (CWE-319)."""
import ftplib
import imaplib
import smtplib


def upload(password):
    ftp = ftplib.FTP("files.example.com")
    # ruleid: cleartext-protocol-login
    ftp.login("deploy", password)
    return ftp


def upload_tls(password):
    ftp = ftplib.FTP_TLS("files.example.com")
    # ok: cleartext-protocol-login
    ftp.login("deploy", password)
    ftp.prot_p()


def mirror():
    with ftplib.FTP("ftp.example.org") as ftp:
        # ok: cleartext-protocol-login
        ftp.login()
        return ftp.nlst()


def send(password, message):
    with smtplib.SMTP("mail.example.com", 25) as smtp:
        # ruleid: cleartext-protocol-login
        smtp.login("app", password)
        smtp.send_message(message)


def send_starttls(password, message):
    with smtplib.SMTP("mail.example.com", 587) as smtp:
        smtp.starttls()
        # ok: cleartext-protocol-login
        smtp.login("app", password)
        smtp.send_message(message)


def read_mail(password):
    imap = imaplib.IMAP4("imap.example.com")
    # ruleid: cleartext-protocol-login
    imap.login("me", password)
    imap_ssl = imaplib.IMAP4_SSL("imap.example.com")
    # ok: cleartext-protocol-login
    imap_ssl.login("me", password)
