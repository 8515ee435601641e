"""A minimal client for the OpenAI-compatible chat-completions protocol.

Why the stdlib `urllib.request` and not `openai` or `httpx`: one POST with a
JSON body and a bearer token is all the protocol needs, and vLLM, Ollama,
llama.cpp's server and hosted services all speak it; a new runtime
dependency (or an extra users must remember) would buy nothing this module
cannot do in a page, while time-outs, retries, back-off and Retry-After are
ours to define either way.

Safety rules this module keeps:

* only http and https URLs (urllib would also open `file:` and `ftp:`);
* redirects are refused, so the key is never replayed to another host;
* the key goes in an unredirected header and is removed from every error
  message, together with any user:password in the URL (`LLMError` texts end
  up in diagnostics and reports);
* requests to a loopback host bypass proxies from the environment.
"""

from __future__ import annotations

import email.utils
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from secreview.analysis.hosts import is_loopback
from secreview.core.version import __version__
from secreview.llm.settings import KEY_VARIABLES, LLMSettings, api_key

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})


class LLMError(Exception):
    """The endpoint could not give an answer (after retries). The text is safe to show."""


@dataclass(frozen=True)
class Completion:
    """The model's text and what it cost."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        raise urllib.error.HTTPError(req.full_url, code, f"redirected to another URL ({code}); "
                                     "configure the final URL", headers, fp)


def endpoint(url: str) -> str:
    """The chat-completions URL for a base URL (`.../v1`) or a full one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMError(f"the model URL must be http:// or https:// with a host, not {redact_url(url)!r}")
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path += "/chat/completions"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def redact_url(url: str) -> str:
    """The URL without any user:password part."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit((parts.scheme, "***@" + parts.netloc.rsplit("@", 1)[1], parts.path, parts.query, ""))


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class ChatClient:
    """Sends chat-completion requests with the configured time-out and retry policy."""

    def __init__(self, settings: LLMSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.url = endpoint(settings.url)
        self._sleep = sleep
        # JSON mode (`response_format`) helps most servers keep to JSON; a server that rejects
        # it (LM Studio, older llama.cpp) is asked again without it: the prompt asks for JSON anyway.
        self._json_mode = True
        host = urlsplit(self.url).hostname or ""
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if is_loopback(host):
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)

    def _clean(self, text: str) -> str:
        """An error text with the key and URL credentials removed, kept short."""
        key = api_key()
        if key:
            text = text.replace(key, "***")
        text = text.replace(self.settings.url, redact_url(self.settings.url))
        text = " ".join(text.split())
        return text[:300] + ("…" if len(text) > 300 else "")

    def _request(self, messages: Sequence[dict[str, str]]) -> urllib.request.Request:
        payload: dict[str, object] = {"model": self.settings.model, "messages": list(messages), "temperature": 0}
        if self._json_mode:
            payload["response_format"] = {"type": "json_object"}
        body = json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "application/json")
        request.add_header("User-Agent", f"secreview/{__version__}")
        key = api_key()
        if key:
            if not key.isascii() or not key.isprintable():
                raise LLMError(f"the API key in {' or '.join(KEY_VARIABLES)} holds characters an HTTP header "
                               "cannot carry")
            request.add_unredirected_header("Authorization", f"Bearer {key}")
        return request

    def _once(self, messages: Sequence[dict[str, str]]) -> Completion:
        with self._opener.open(self._request(messages), timeout=self.settings.timeout) as response:
            raw = response.read()
        try:
            data = json.loads(raw)
            text = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"the endpoint's reply is not a chat completion ({type(exc).__name__})") from None
        if not isinstance(text, str):
            raise LLMError("the endpoint's reply has no text content")
        usage = data.get("usage") if isinstance(data, dict) else None
        usage = usage if isinstance(usage, dict) else {}
        return Completion(text, _count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens")))

    def complete(self, messages: Sequence[dict[str, str]]) -> Completion:
        """One answer, retrying transient failures; raises LLMError with a safe message."""
        settings = self.settings
        attempts = max(0, settings.retries) + 1
        for attempt in range(attempts):
            wait = min(settings.backoff * (2 ** attempt), settings.max_backoff)
            try:
                return self._once(messages)
            except urllib.error.HTTPError as exc:
                detail = self._error_body(exc)
                reason = f" ({exc.reason})" if isinstance(exc.reason, str) and exc.reason else ""
                problem = f"HTTP {exc.code}{reason} from {redact_url(self.url)}{detail}"
                if exc.code in (400, 422) and self._json_mode and "response_format" in detail:
                    self._json_mode = False
                    return self.complete(messages)
                if exc.code not in RETRY_STATUS:
                    raise LLMError(self._clean(problem)) from None
                told = retry_after(exc.headers.get("Retry-After") if exc.headers else None)
                if told is not None:
                    wait = min(told, settings.max_backoff)
            except TimeoutError:
                problem = f"no answer from {redact_url(self.url)} within {settings.timeout:g} s"
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, TimeoutError):
                    problem = f"no answer from {redact_url(self.url)} within {settings.timeout:g} s"
                else:
                    problem = f"cannot reach {redact_url(self.url)}: {reason}"
            except OSError as exc:  # connection reset, refused, ...
                problem = f"connection to {redact_url(self.url)} failed: {type(exc).__name__}: {exc.strerror or exc}"
            except ValueError as exc:  # http.client's texts may quote headers (and so the key): name only
                problem = f"exchange with {redact_url(self.url)} failed: {type(exc).__name__}"
            if attempt + 1 < attempts:
                self._sleep(wait)
        raise LLMError(self._clean(f"{problem} (after {attempts} attempt{'s' if attempts > 1 else ''})"))

    @staticmethod
    def _error_body(exc: urllib.error.HTTPError) -> str:
        try:
            raw = exc.read(2000) if exc.fp is not None else b""
        except (OSError, ValueError):
            return ""
        text = raw.decode("utf-8", "replace")
        try:  # OpenAI-style {"error": {"message": ...}}
            error = json.loads(text).get("error")
            text = error.get("message", "") if isinstance(error, dict) else str(error or "")
        except (ValueError, AttributeError):
            pass
        return f": {text}" if text.strip() else ""


def _count(value: object) -> int:
    return value if isinstance(value, int) and value >= 0 else 0
