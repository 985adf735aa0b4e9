"""Generates a PII corpus with known answers, so that the project's PII detector can be
measured (and compared with Microsoft Presidio, see pii_bench.py) on texts where every
piece of PII and its place are known beforehand.

Each text is a realistic snippet (mail, chat line, terminal output, config file, form)
holding 0-3 values made by Faker in one of several locales; about a third are hard
negatives: no PII, only look-alikes (dates, prices, versions, ISBNs, SHAs, UUIDs, plain
URLs, @mentions, 16-digit numbers failing Luhn...). One JSON line per text:

    {"id", "locale", "text", "names": [account name], "spans": [{"kind", "start", "end"}]}

start/end are Python str (code point) indices. Kinds: email, phone, card, iban, ip,
url_credentials (the whole URL), secret, name (only the contributor's own names[0]).

With --images DIR it also renders screenshot-like PNGs with ImageMagick in a monospace
font, so the pixel box of every character is known, and writes DIR/images.jsonl:

    {"id", "image", "text", "spans", "pixels": [{"kind", "x", "y", "w", "h"}], "width", "height"}

The same --seed and the same Faker version give the same corpus. Run with the venv from
scripts/prepare-pii-bench:

    "$(scripts/prepare-pii-bench)" tests/bench/pii_corpus.py --count 2000 --out corpus.jsonl
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys

from faker import Faker

LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL"]
KINDS = ["email", "phone", "card", "iban", "ip", "url_credentials", "secret", "name"]
CARD_TYPES = ["visa", "visa13", "visa19", "mastercard", "amex", "discover", "jcb15", "jcb16", "diners", "maestro"]
ALNUM = string.ascii_letters + string.digits
HANDLES = ["ops-bot", "dev42", "nightowl", "build", "qa_team", "helpdesk", "infra"]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"  # Debian fonts-dejavu-core
POINTSIZE = 28
MARGIN = 20


def luhn_ok(digits):
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def iban_ok(iban):
    s = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


def phone(f, locale):
    """Faker's phone_number as it comes, except German and Dutch numbers whose digits after
    the trunk 0 start with another 0 (Faker's '0####' formats make e.g. '00008063608',
    '(009) 4358769', '+49(0)0260 78843'): no such number exists, so those are drawn again."""
    while True:
        p = f.phone_number()
        if locale not in ("de_DE", "nl_NL"):
            return p
        d = re.sub(r"\D", "", p)
        if p.startswith("+"):  # +49 or +31, maybe (0)
            d = d[2:][1:] if "(0)" in p else d[2:]
        else:
            d = d[1:]
        if not d.startswith("0"):
            return p


def group(s, sizes):
    out, i = [], 0
    for n in sizes:
        out.append(s[i:i + n])
        i += n
    return [g for g in out + [s[i:]] if g]


def card(f, r):
    n = f.credit_card_number(r.choice(CARD_TYPES))
    assert luhn_ok(n)
    sizes = {14: [4, 6], 15: [4, 6], 16: [4, 4, 4], 19: [4, 4, 4, 4]}.get(len(n))
    style = r.choice(["plain", "space", "space", "dash"])
    if style == "plain" or not sizes:
        return n
    return (" " if style == "space" else "-").join(group(n, sizes))


def iban(f, r):
    v = f.iban()
    assert iban_ok(v), v
    return " ".join(group(v, [4] * 9)) if r.random() < 0.4 else v


def url_credentials(f, r):
    host = r.choice([f.domain_name(), f"db.{f.domain_word()}.internal", f"git.{f.domain_name()}"])
    if r.random() < 0.5:
        scheme = r.choice(["postgres", "mysql", "https", "ftp", "redis", "amqp", "mongodb"])
        password = f.password(length=r.randint(8, 16), special_chars=False)
        path = r.choice(["/app", "/prod", "/", "/repo.git", "/0", "/vhost"])
        return f"{scheme}://{f.user_name()}:{password}@{host}{path}"
    param = r.choice(["token", "access_token", "api_key"])
    value = "".join(r.choice(ALNUM) for _ in range(r.randint(24, 40)))
    extra = r.choice(["", "&page=2", "&format=json"])
    return f"https://{host}/{r.choice(['api/v1/export', 'hooks/deploy', 'download'])}?{param}={value}{extra}"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def secret(r):
    """A well-formed secret and the key it is usually stored under."""
    kind = r.choice(["aws", "github", "slack", "stripe", "jwt", "pem"])
    rnd = lambda n, alphabet=ALNUM: "".join(r.choice(alphabet) for _ in range(n))
    if kind == "aws":
        return "AKIA" + rnd(16, string.ascii_uppercase + "234567"), "AWS_ACCESS_KEY_ID"
    if kind == "github":
        return "ghp_" + rnd(36), "GITHUB_TOKEN"
    if kind == "slack":
        return f"xoxb-{rnd(r.randint(10, 12), string.digits)}-{rnd(r.randint(10, 13), string.digits)}-{rnd(24)}", "SLACK_BOT_TOKEN"
    if kind == "stripe":
        return "sk_live_" + rnd(24), "STRIPE_SECRET_KEY"
    if kind == "jwt":
        header = b64url(b'{"alg":"HS256","typ":"JWT"}')
        claims = {"sub": str(r.randint(1000, 999999)), "iat": r.randint(1_600_000_000, 1_800_000_000), "scope": "read write"}
        payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
        sig = hmac.new(r.randbytes(32), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{b64url(sig)}", "Authorization: Bearer"
    der = bytes.fromhex("308204a40201000282010100") + r.randbytes(r.randint(1150, 1180))
    body = base64.b64encode(der).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----", "PRIVATE_KEY"


def pii_value(kind, f, r, locale, name):
    """(value, key it would be stored under) for one kind."""
    if kind == "secret":
        return secret(r)
    value = {
        "email": lambda: r.choice([f.email, f.free_email, f.company_email])(),
        "phone": lambda: phone(f, locale),
        "card": lambda: card(f, r),
        "iban": lambda: iban(f, r),
        "ip": lambda: r.choice([f.ipv4, f.ipv4_public, f.ipv6])(),
        "url_credentials": lambda: url_credentials(f, r),
        "name": lambda: name,
    }[kind]()
    return value, r.choice(KEYS[kind])


KEYS = {
    "email": ["email", "contact_email", "reply_to", "notify"],
    "phone": ["phone", "tel", "mobile", "fax"],
    "card": ["card_number", "cc", "pan", "payment_card"],
    "iban": ["iban", "payout_account", "bank_account"],
    "ip": ["host", "bind_address", "remote_addr", "upstream"],
    "url_credentials": ["DATABASE_URL", "remote", "webhook_url", "BROKER_URL"],
    "name": ["name", "author", "full_name", "owner"],
}
PROSE = {
    "email": ["you can reach me at {}", "please write to {}", "my address is {}", "cc {} on the thread", "send the invoice to {}"],
    "phone": ["call me on {}", "my number is {}", "phone: {}", "reach the desk at {}", "text me at {}"],
    "card": ["I paid with card {}", "the card number is {}", "charge it to {}", "the card {} was declined"],
    "iban": ["please transfer to {}", "our IBAN is {}", "refund to account {}"],
    "ip": ["the server is at {}", "the login from {} was blocked", "ping {} times out"],
    "url_credentials": ["clone it with {}", "the webhook is {}", "open {} to download the export"],
    "secret": ["the key is {}", "use the token {}", "here is the token: {}"],
    "name": ["this is {} speaking", "{} here", "thanks, {}"],
}


def when(r):
    """A moment between 2015 and 2025 drawn from r: Faker's date_time() and friends end at
    the current time, which would change the corpus from one run to the next."""
    return datetime.datetime(2015, 1, 1) + datetime.timedelta(seconds=r.randrange(11 * 365 * 86400))


def distractor(f, r):
    """A look-alike that is not PII: (key, value, prose with {})."""
    d = when(r).date()
    digits = "".join(r.choice(string.digits) for _ in range(15))
    digits += next(c for c in "0123456789" if not luhn_ok(digits + c))
    options = [
        ("date", d.isoformat(), "on {}"),
        ("due", d.strftime(r.choice(["%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y"])), "due {}"),
        ("time", when(r).strftime(r.choice(["%H:%M", "%H:%M:%S"])), "at {}"),
        ("timestamp", when(r).isoformat() + "Z", "since {}"),
        ("total", r.choice(["€{:,.2f}", "${:,.2f}", "{:.2f} EUR", "£{:.2f}"]).format(r.uniform(1, 5000)), "total {}"),
        ("order", f"#{r.randint(100000, 9999999)}", "order {}"),
        ("invoice", f"INV-{d.year}-{r.randint(1, 99999):05d}", "invoice {}"),
        ("version", f"{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 20)}", "version {}"),
        ("isbn", r.choice([f.isbn13, f.isbn10])(), "ISBN {}"),
        ("postcode", f.postcode(), "postcode {}"),
        ("commit", r.choice([f.sha1(), f.sha1()[:7]]), "commit {}"),
        ("request_id", f.uuid4(), "request id {}"),
        ("homepage", f.url() + r.choice(["", "docs/", "pricing?page=2", "blog/2024/01/release"]), "see {}"),
        ("mention", "@" + r.choice(HANDLES + [f.user_name()]), "ping {}"),
        ("tracking", r.choice([digits, " ".join(group(digits, [4, 4, 4, 4]))]), "tracking number {}"),
        ("port", str(r.choice([22, 443, 5432, 8080, 6379])), "port {}"),
    ]
    return r.choice(options)


def compose(pieces):
    """Joins str and (kind, value) pieces into (text, spans)."""
    text, spans = "", []
    for p in pieces:
        if isinstance(p, tuple):
            spans.append({"kind": p[0], "start": len(text), "end": len(text) + len(p[1])})
            p = p[1]
        text += p
    return text, spans


def prose(template, item):
    before, after = template.split("{}")
    return [before, item, after]


def sentence(items, r):
    """Prose pieces for (kind, value, key) and distractor items, as one or two sentences."""
    out = []
    for i, it in enumerate(items):
        if len(it) == 3 and it[0] in KINDS:
            parts = prose(r.choice(PROSE[it[0]]), (it[0], it[1]))
        else:
            parts = prose(it[2], it[1])
        out += ([r.choice([", ", "; ", " and "])] if i else []) + parts
    if out and isinstance(out[0], str) and out[0]:
        out[0] = out[0][0].upper() + out[0][1:]
    return out + ["."]


def kv(items, sep, quote=""):
    out = []
    for it in items:
        if it[0] in KINDS:
            key = it[2]
            value = it[1]
            if key == "Authorization: Bearer":
                out += [f"{key} ", (it[0], value), "\n"]
                continue
            out += [f"{key}{sep}{quote}", (it[0], value), f"{quote}\n"]
        else:
            out += [f"{it[0]}{sep}{quote}{it[1]}{quote}\n"]
    return out


def frame(items, r, f, name_in_text):
    """One of five snippet kinds around the items."""
    r.shuffle(items)
    style = r.choice(["mail", "chat", "terminal", "config", "form"])
    if style == "mail":
        subject = r.choice(["Re: your order", "Invoice question", "Access to the staging box", "Quick follow-up", "Payment details"])
        body = [i for i in items if i[0] != "name"]
        sign = [("name", name_in_text)] if name_in_text else [r.choice(["The support team", "Ops", "Accounts"])]
        greeting = r.choice(["Hi team,", "Hello,", "Dear support,", "Good morning,"])
        return [f"Subject: {subject}\n\n{greeting}\n\n", *(sentence(body, r) if body else ["See below."]),
                "\n\n", r.choice(["Best regards,", "Cheers,", "Thanks,"]), "\n", *sign, "\n"]
    if style == "chat":
        return [f"[{when(r):%H:%M}] <{r.choice(HANDLES)}> ", *(sentence(items, r) if items else ["ok"])]
    if style == "terminal":
        if r.random() < 0.5:
            return [f"$ env | grep -i {r.choice(['app', 'key', 'url', 'mail'])}\n", *kv(items, "=")]
        out = [f"$ tail -n {len(items) + 1} /var/log/app.log\n"]
        for it in items:
            out += [f"{when(r)} {r.choice(['INFO', 'WARN', 'DEBUG'])} "] + sentence([it], r) + ["\n"]
        return out + [f"{when(r)} INFO worker {r.randint(1, 9)} idle\n"]
    if style == "config":
        sep, quote, head = r.choice([(" = ", '"', "[app]\n"), (": ", "", "app:\n"), ("=", "", "")])
        return [f"# {r.choice(['billing', 'deploy', 'notifier', 'sync'])} settings\n{head}", *kv(items, sep, quote)]
    out = [r.choice(["Contact form\n", "Registration\n", "Support ticket\n"])]
    for it in items:
        label = it[0].replace("_", " ").capitalize()
        label = {"Url credentials": "Callback URL", "Secret": "API key", "Ip": "IP address"}.get(label, label)
        out += [f"{label}: ", (it[0], it[1]) if it[0] in KINDS else it[1], "\n"]
    return out


def record(i, seed, r, fakers):
    locale = r.choice(LOCALES)
    f = fakers[locale]
    name = f"{f.first_name()} {f.last_name()}"
    kinds = [] if r.random() < 1 / 3 else r.sample(KINDS, r.choice([1, 1, 2, 2, 3]))
    items = []
    for k in kinds:
        value, key = pii_value(k, f, r, locale, name)
        items.append((k, value, key))
    n_distract = r.randint(1, 3) if not kinds else r.choice([0, 0, 1, 2])
    distractors = [distractor(f, r) for _ in range(n_distract)]
    pieces = frame(items + distractors, r, f, name if "name" in kinds else None)
    if "name" in kinds and not any(isinstance(p, tuple) and p[0] == "name" for p in pieces):
        raise AssertionError("name not placed")
    text, spans = compose(pieces)
    return {"id": f"pii-{seed}-{i:05d}", "locale": locale, "text": text, "names": [name], "spans": spans}


# --- screenshots ---------------------------------------------------------------------

def convert():
    tool = shutil.which("convert")
    if not tool:
        sys.exit("ImageMagick's convert is missing: apt-get update && apt-get install -y imagemagick fonts-dejavu-core")
    return tool


def font_metrics():
    """Advance width and line height in pixels, measured once: label: widths of 10 and 110
    'M's differ by 100 advances; a label's height is the line pitch."""
    def size(s):
        out = subprocess.run([convert(), "-font", FONT, "-pointsize", str(POINTSIZE), f"label:{s}", "-format", "%w %h", "info:"],
                             check=True, capture_output=True, text=True).stdout.split()
        return int(out[0]), int(out[1])
    (w10, h), (w110, _) = size("M" * 10), size("M" * 110)
    assert (w110 - w10) % 100 == 0, "advance is not a whole pixel"
    return (w110 - w10) // 100, h


def image_lines(f, r, locale):
    """2-3 blocks of screen lines, each line a list of pieces; no leading spaces, no '%'."""
    def block():
        kind = r.choice(["mail", "checkout", "terminal", "bank"])
        if kind == "mail":
            return [["From: ", ("email", f.email())], ["To: ", ("email", r.choice([f.free_email, f.company_email])())],
                    [f"Date: {when(r):%a, %d %b %Y %H:%M}"],
                    [f"Subject: Order #{r.randint(100000, 9999999)} shipped"]] + \
                   ([["Call ", ("phone", phone(f, locale)), " if anything is wrong."]] if r.random() < 0.5 else [])
        if kind == "checkout":
            return [["Checkout"], ["Card number: ", ("card", card(f, r))], [f"Expiry: {r.randint(1, 12):02d}/{r.randint(26, 31)}  CVC: ***"],
                    ["Receipt to: ", ("email", f.email())], [f"Total: EUR {r.uniform(5, 900):.2f}"]]
        if kind == "terminal":
            return [[f"$ ssh deploy@{f.domain_word()}-{r.randint(1, 9)}"], ["Connection from ", ("ip", r.choice([f.ipv4_public, f.ipv6])()), " port 22"],
                    ["$ grep -h 4821937 orders.csv"], ["4821937,", ("card", card(f, r)), f",{r.uniform(5, 900):.2f}"]]
        return [[f"Payee: {r.choice(['ACME Ltd', 'Northwind GmbH', 'Globex SARL'])}"], ["IBAN: ", ("iban", iban(f, r))],
                [f"Reference: INV-2024-{r.randint(1, 99999):05d}"]]
    return [line for _ in range(r.randint(1, 2)) for line in block()]


def render_images(directory, count, seed, fakers):
    os.makedirs(directory, exist_ok=True)
    advance, line_height = font_metrics()
    print(f"font {FONT}, pointsize {POINTSIZE}, advance {advance} px, line height {line_height} px, margin {MARGIN} px", file=sys.stderr)
    r = random.Random(seed + 1)
    records = []
    for i in range(count):
        locale = r.choice(LOCALES)
        lines = image_lines(fakers[locale], r, locale)
        texts = [compose(line) for line in lines]
        width = 2 * MARGIN + advance * max(len(t) for t, _ in texts)
        height = 2 * MARGIN + line_height * len(texts)
        path = os.path.join(directory, f"img-{seed}-{i:04d}.png")
        cmd = [convert(), "-size", f"{width}x{height}", "xc:white", "-font", FONT, "-pointsize", str(POINTSIZE),
               "-fill", "black", "-gravity", "NorthWest"]
        spans, pixels, offset = [], [], 0
        for row, (t, line_spans) in enumerate(texts):
            assert t == t.lstrip() and "%" not in t and "\\" not in t
            y = MARGIN + row * line_height
            cmd += ["-annotate", f"+{MARGIN}+{y}", t]
            for s in line_spans:
                spans.append({"kind": s["kind"], "start": offset + s["start"], "end": offset + s["end"]})
                pixels.append({"kind": s["kind"], "x": MARGIN + advance * s["start"], "y": y,
                               "w": advance * (s["end"] - s["start"]), "h": line_height})
            offset += len(t) + 1
        subprocess.run(cmd + ["-define", "png:exclude-chunks=date,time", path], check=True)  # same bytes every run
        records.append({"id": f"img-{seed}-{i:04d}", "image": path, "text": "\n".join(t for t, _ in texts),
                        "spans": spans, "pixels": pixels, "width": width, "height": height})
    with open(os.path.join(directory, "images.jsonl"), "w", encoding="utf-8") as out:
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=31)
    ap.add_argument("--out", default="-", help="JSONL path, - for stdout")
    ap.add_argument("--images", metavar="DIR", help="also render screenshots into DIR (with DIR/images.jsonl)")
    ap.add_argument("--image-count", type=int, default=50)
    args = ap.parse_args()

    Faker.seed(args.seed)
    fakers = {locale: Faker(locale) for locale in LOCALES}
    r = random.Random(args.seed)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    for i in range(args.count):
        out.write(json.dumps(record(i, args.seed, r, fakers), ensure_ascii=False) + "\n")
    if out is not sys.stdout:
        out.close()
    if args.images:
        Faker.seed(args.seed + 1)
        render_images(args.images, args.image_count, args.seed, fakers)


if __name__ == "__main__":
    main()
