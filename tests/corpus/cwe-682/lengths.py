"""Character counts used as byte lengths (CWE-135)."""
import json
import struct


def send_message(sock, message: str):
    text = f"MSG {message}"
    # ruleid: character-count-as-byte-length
    sock.sendall(struct.pack("!I", len(text)) + text.encode("utf-8"))


def json_response(payload):
    body = json.dumps(payload, ensure_ascii=False)
    # ruleid: character-count-as-byte-length
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    return headers, body.encode("utf-8")


def frame(name: str):
    label = "name:{}".format(name)
    # ruleid: character-count-as-byte-length
    return len(label).to_bytes(2, "big") + label.encode()


def send_message_fixed(sock, message: str):
    data = f"MSG {message}".encode("utf-8")
    # ok: character-count-as-byte-length
    sock.sendall(struct.pack("!I", len(data)) + data)


def json_response_fixed(payload):
    body = json.dumps(payload).encode("utf-8")
    # ok: character-count-as-byte-length
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    return headers, body
