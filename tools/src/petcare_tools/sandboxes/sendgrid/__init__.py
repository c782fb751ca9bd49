"""SendGrid sandbox: a local server the real `sendgrid` SDK sends mail to in dev and tests.

Point the SDK at it with `petcare_kit.providers.sendgrid.make_sendgrid_client(key, host)`.
`POST /v3/mail/send` checks the key and the body as SendGrid does and answers 202 with an
`X-Message-Id`; `GET /v3/messages` is the Email Activity API (delivery ids in `unique_args`);
`/sandbox/` is the mailbox (HTML and JSON) and failure injection.
Run: `uvicorn --factory petcare_tools.sandboxes.sendgrid:create_app`.
"""

from .app import SendGridSandboxConfig, create_app

__all__ = ["SendGridSandboxConfig", "create_app"]
