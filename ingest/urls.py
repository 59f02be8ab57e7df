"""One spelling per page: URLs made canonical before they are queued, fetched and stored.

Portals link one article under many spellings: http and https, with and without a trailing
slash, `…/index.htm`, tracking parameters from social networks, an AMP copy on `amp.<host>`
or under `…/amp/`, percent-escapes in upper or lower case, and Vietnamese slugs (WordPress)
whose tone marks are precomposed in one link and combining in the next. Each of those would
otherwise be fetched again and stored as another document.

`canonical_url` is a pure function of the URL and a `UrlRules` (per source): the scheme and
host a source prefers, and its trailing-slash policy."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from posixpath import splitext
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a click came from (web analytics, Facebook, Google and
# Microsoft ads, Mailchimp, Zalo shares); any of them makes a new URL for the same page.
TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|"
                      r"zarsrc|gidzl|fb_action_ids|fb_action_types|fb_source|fb_ref|amp)$", re.IGNORECASE)
HOST_ALIASES = ("amp.", "www.", "m.")  # copies of a site under another name of the same host
DEFAULT_PORTS = {"http": "80", "https": "443"}
INDEX_FILES = {"index.htm", "index.html", "index.php", "default.htm", "default.html"}
UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
PATH_SAFE = "/:@!$&'()*+,;=\x00"  # characters a path keeps as they are; \x00 marks a kept escape
QUERY_SAFE = "/:@!$'()*,;"
SLASH_POLICIES = ("add", "strip", "keep")
AMP_PATH = re.compile(r"(?<=.)/amp/?$")


@dataclass
class UrlRules:
    """How one source spells its URLs: `schemes` maps each of its hosts to the scheme used for
    it (http and https variants become that one); `trailing_slash` is "add" (the default: an
    extensionless path ends in "/"), "strip" or "keep"."""
    hosts: list[str] = field(default_factory=list)
    schemes: dict[str, str] = field(default_factory=dict)
    trailing_slash: str = "add"


def canonical_url(url: str, rules: UrlRules | None = None) -> str:
    """The URL with one spelling per page (see the module docstring); other schemes unchanged."""
    rules = rules or UrlRules()
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url
    host = canonical_host(parts.netloc, scheme, rules.hosts)
    scheme = rules.schemes.get(host, scheme)
    path = AMP_PATH.sub("/", parts.path or "/")  # the AMP copy of a WordPress post: /slug/amp/
    path = _path(normalise_escapes(path, PATH_SAFE), rules.trailing_slash)
    return urlunsplit((scheme, host, path, _query(parts.query), ""))


def canonical_host(netloc: str, scheme: str, hosts: list[str]) -> str:
    """Lower case, no default port, and amp./www./m. copies mapped to the source's own host."""
    host = netloc.lower().rstrip(".")
    name, _, port = host.rpartition(":") if ":" in host and not host.endswith("]") else (host, "", "")
    if port and port == DEFAULT_PORTS.get(scheme):
        host = name
    if not hosts or host in hosts:
        return host
    for alias in HOST_ALIASES:
        if host.startswith(alias) and host[len(alias):] in hosts:
            return host[len(alias):]
    return "www." + host if "www." + host in hosts else host


def normalise_escapes(text: str, safe: str) -> str:
    """Percent-escapes decoded and written again in one form: UTF-8, upper-case hex, Unicode NFC
    (so "xã" precomposed and "xa" + combining tilde are one slug); an escaped reserved
    character ("%2F", "%26") stays escaped, since decoding it would change the URL's meaning."""
    def keep_reserved(match: re.Match) -> str:
        char = chr(int(match.group(1), 16))
        return match.group(0) if char in UNRESERVED or ord(char) > 0x7F else "\x00" + match.group(1).upper()

    marked = ESCAPE.sub(keep_reserved, text)
    decoded = unicodedata.normalize("NFC", unquote(marked, errors="surrogateescape"))
    return quote(decoded, safe=safe, errors="surrogateescape").replace("\x00", "%")


def _path(path: str, trailing_slash: str) -> str:
    head, _, last = path.rpartition("/")
    if last.lower() in INDEX_FILES:  # /bai-viet-123/index.htm is /bai-viet-123/
        return head + "/"
    if path == "/" or trailing_slash == "keep" or splitext(last)[1]:  # a file name keeps its form
        return path
    if trailing_slash == "add":
        return path if not last else path + "/"
    return path.rstrip("/") or "/"


def _query(query: str) -> str:
    """Tracking parameters dropped, the rest sorted by name (their order says nothing)."""
    if not query:
        return ""
    pairs = [(unicodedata.normalize("NFC", k), unicodedata.normalize("NFC", v))
             for k, v in parse_qsl(query, keep_blank_values=True, errors="surrogateescape") if not TRACKING.match(k)]
    pairs.sort(key=lambda kv: kv[0])
    return urlencode(pairs, quote_via=quote, safe=QUERY_SAFE, errors="surrogateescape")


def without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
