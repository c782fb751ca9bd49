"""`GET /sandbox/`: the phone log, one HTML page showing what the Twilio sandbox saw and did.

Numbers and where their texts go, every message with its statuses and webhook answers, opt-outs,
A2P registrations with buttons to decide their review, and a form to text a company number.
"""

from __future__ import annotations

from html import escape

from .state import Message, SandboxState

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Twilio sandbox: phone log</title>
<style>body{{font:14px system-ui,sans-serif;margin:1.5em}}
table{{border-collapse:collapse;margin-bottom:1.5em}}th{{background:#eee}}
td,th{{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}}
.inbound{{background:#eef7ee}}.failed,.undelivered{{background:#fbeaea}}code{{font-size:12px}}</style></head>
<body><h1>Twilio sandbox: phone log</h1>
<form id="text"><b>Text a company number</b> from <input name="from" placeholder="+15005550123" required>
to <select name="to">{number_options}</select>
<input name="body" size="50" placeholder="Body (STOP, START, HELP...)">
<button>Send</button> <span id="result"></span></form>
<h2>Numbers</h2><table><tr><th>number</th><th>account</th><th>SmsUrl</th><th>sid</th></tr>{numbers}</table>
<h2>Messages (newest first)</h2><table><tr><th>created</th><th>direction</th><th>from</th><th>to</th>
<th>body</th><th>media</th><th>statuses</th><th>error</th><th>webhooks (answers)</th></tr>{messages}</table>
<h2>Opt-outs</h2><table><tr><th>company number</th><th>phone</th></tr>{opt_outs}</table>
<h2>A2P registrations</h2>
<table><tr><th>kind</th><th>sid</th><th>status</th><th>decide</th></tr>{registrations}</table>
<script>
async function post(url, body) {{
  const headers = {{"Content-Type": "application/json"}};
  const r = await fetch(url, {{method: "POST", headers, body: JSON.stringify(body)}});
  return r.json();
}}
document.getElementById("text").onsubmit = async (e) => {{
  e.preventDefault();
  const f = new FormData(e.target);
  const r = await post("inbound", {{from: f.get("from"), to: f.get("to"), body: f.get("body")}});
  document.getElementById("result").textContent = JSON.stringify(r.webhook || r.detail);
  setTimeout(() => location.reload(), 800);
}};
async function decide(kind, sid, status) {{
  await post(`${{kind}}/${{sid}}/status`, {{status}});
  location.reload();
}}
</script></body></html>"""
DECISIONS = {
    "brand": ("brands", "status", ["IN_REVIEW", "APPROVED", "FAILED"]),
    "campaign": ("campaigns", "campaign_status", ["VERIFIED", "FAILED"]),
    "customer_profile": ("bundles", "status", ["twilio-approved", "twilio-rejected"]),
    "trust_product": ("bundles", "status", ["twilio-approved", "twilio-rejected"]),
}


def render_phone_log(state: SandboxState) -> str:
    with state.lock:
        numbers = sorted(state.numbers.values(), key=lambda n: n.phone_number)
        messages = list(reversed(state.messages.values()))
        opt_outs = sorted(state.opt_outs)
        registrations = [r for r in state.records.values() if r.kind in DECISIONS]
        return PAGE.format(
            number_options="".join(f"<option>{escape(n.phone_number)}</option>" for n in numbers),
            numbers="".join(_row(n.phone_number, n.account_sid, n.sms_url or "", n.sid) for n in numbers),
            messages="".join(_message_row(m) for m in messages),
            opt_outs="".join(_row(company, phone) for company, phone in opt_outs),
            registrations="".join(
                _row(r.kind, r.sid, str(r.fields.get(DECISIONS[r.kind][1])), raw_last=_buttons(r.kind, r.sid))
                for r in registrations
            ),
        )


def _row(*cells: str, raw_last: str = "", css_class: str = "") -> str:
    escaped = "".join(f"<td>{escape(cell)}</td>" for cell in cells)
    last = f"<td>{raw_last}</td>" if raw_last else ""
    return f'<tr class="{css_class}">{escaped}{last}</tr>'


def _message_row(message: Message) -> str:
    statuses = " → ".join(status for status, _ in message.history)
    webhooks = "<br>".join(
        f"<code>{escape(call.event)}</code> {escape(call.url)}: "
        + escape(", ".join(str(a.status_code or a.error) for a in call.attempts) or "pending")
        for call in message.webhooks
    )
    return _row(
        message.date_created.strftime("%H:%M:%S"),
        message.direction,
        message.from_,
        message.to,
        message.body,
        str(len(message.media_urls)),
        statuses,
        "" if message.error_code is None else str(message.error_code),
        raw_last=webhooks or "&nbsp;",
        css_class=f"{message.direction.split('-')[0]} {message.status}",
    )


def _buttons(kind: str, sid: str) -> str:
    path, _, statuses = DECISIONS[kind]
    return " ".join(
        f"<button onclick=\"decide('{path}', '{escape(sid)}', '{status}')\">{status}</button>"
        for status in statuses
    )
