"""Credentials written to a Telnet session (CWE-319): Telnet has no encryption."""
import getpass
import secrets
# ruleid: deprecated-insecure-api
import telnetlib


def reboot_switch(host):
    password = getpass.getpass("switch password: ")
    tn = telnetlib.Telnet(host, 23, timeout=10)
    tn.read_until(b"Username: ")
    tn.write(b"admin\n")
    tn.read_until(b"Password: ")
    # ruleid: cleartext-credentials-telnet
    tn.write(password.encode("ascii") + b"\n")
    tn.write(b"reload\n")
    tn.close()


def push_token(host):
    token = secrets.token_hex(16)
    with telnetlib.Telnet(host) as session:
        # ruleid: cleartext-credentials-telnet
        session.write(f"set-token {token}\n".encode())


def reboot_local_emulator():
    password = getpass.getpass("emulator password: ")
    tn = telnetlib.Telnet("127.0.0.1", 5554)
    tn.read_until(b"Password: ")
    # ok: cleartext-credentials-telnet
    tn.write(password.encode("ascii") + b"\n")


def show_version(host):
    tn = telnetlib.Telnet(host)
    tn.read_until(b"> ")
    # ok: cleartext-credentials-telnet
    tn.write(b"show version\n")
    return tn.read_all()


def save_password(path):
    password = getpass.getpass()
    with open(path, "wb") as handle:
        # ok: cleartext-credentials-telnet
        handle.write(password.encode())


def push_token_to_local_agent():
    token = secrets.token_hex(16)
    with telnetlib.Telnet(host="localhost", port=7000) as agent:
        # ok: cleartext-credentials-telnet
        agent.write(token.encode() + b"\n")


# A session kept on the object: `__init__` stores the Telnet client on self, a method writes to it.
class SwitchConsole:
    def __init__(self, host):
        self.tn = telnetlib.Telnet(host, 23, timeout=10)

    def login(self, username):
        password = getpass.getpass("switch password: ")
        self.tn.read_until(b"Password: ")
        # ruleid: cleartext-credentials-telnet
        self.tn.write(password.encode("ascii") + b"\n")

    def run(self, command):
        # ok: cleartext-credentials-telnet
        self.tn.write(command.encode("ascii") + b"\n")


class EmulatorConsole:
    def __init__(self):
        self.tn = telnetlib.Telnet("127.0.0.1", 5554)

    def login(self):
        password = getpass.getpass("emulator password: ")
        # ok: cleartext-credentials-telnet
        self.tn.write(password.encode("ascii") + b"\n")


class LogFile:
    def __init__(self, path):
        self.tn = open(path, "wb")

    def save(self):
        password = getpass.getpass()
        # ok: cleartext-credentials-telnet
        self.tn.write(password.encode())
