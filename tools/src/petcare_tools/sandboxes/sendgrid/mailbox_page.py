"""`GET /sandbox/`: the mailbox, every mail the SendGrid sandbox accepted, and one mail's page.

A mail's HTML is shown in a sandboxed iframe, so a mail's scripts and styles stay inside it.
Mails sharing a delivery id are flagged: a delivery sent twice is a bug the page makes visible.
"""

from __future__ import annotations

from collections import Counter
from html import escape

from .mailbox import StoredMail

STYLE = """<style>body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}th{background:#eee}
.duplicate{background:#fff3cd}iframe{width:100%;height:60vh;border:1px solid #ccc}
pre{white-space:pre-wrap}</style>"""


def _head(title: str) -> str:
    return f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>{STYLE}</head>"


def render_mailbox(mails: list[StoredMail]) -> str:
    times_sent = Counter(m.delivery_id for m in mails if m.delivery_id)
    rows = []
    for mail in reversed(mails):
        view = mail.view()
        duplicate = mail.delivery_id is not None and times_sent[mail.delivery_id] > 1
        link = f'<a href="view/{escape(mail.message_id)}">{escape(view["subject"] or "(no subject)")}</a>'
        delivery = escape(mail.delivery_id or "") + (" (sent more than once)" if duplicate else "")
        cells = [
            escape(view["received_at"][11:19]),
            escape(view["from"].get("email", "")),
            escape(", ".join(view["to"])),
            link,
            delivery,
        ]
        row_class = "duplicate" if duplicate else ""
        rows.append(f'<tr class="{row_class}">' + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    header = "".join(f"<th>{name}</th>" for name in ("received", "from", "to", "subject", "delivery id"))
    return (
        _head("SendGrid sandbox: mailbox")
        + f"<body><h1>SendGrid sandbox: mailbox ({len(mails)})</h1>"
        + f"<table><tr>{header}</tr>{''.join(rows)}</table></body></html>"
    )


def render_mail(mail: StoredMail) -> str:
    view = mail.view()
    facts = {
        "From": view["from"].get("email", ""),
        "To": ", ".join(view["to"]),
        "Cc": ", ".join(view["cc"]),
        "Bcc": ", ".join(view["bcc"]),
        "Reply-To": (view["reply_to"] or {}).get("email", ""),
        "Subject": view["subject"] or "",
        "Delivery id": view["delivery_id"] or "",
        "Custom args": str(view["custom_args"]) if view["custom_args"] else "",
        "Categories": ", ".join(view["categories"]),
        "X-Message-Id": mail.message_id,
    }
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts.items() if v)
    text = f"<h2>Text</h2><pre>{escape(view['text'])}</pre>" if view["text"] else ""
    html = f'<h2>HTML</h2><iframe sandbox srcdoc="{escape(view["html"])}"></iframe>' if view["html"] else ""
    return (
        _head(facts["Subject"])
        + f"<body><p><a href='../'>← mailbox</a></p><table>{rows}</table>{text}{html}</body></html>"
    )
