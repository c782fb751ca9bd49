"""Clients for the external providers (Twilio, SendGrid), built from the official SDKs.

Each factory takes an optional sandbox address: set (the embedded dev run and the tests), the SDK
talks to the local sandbox from `petcare_tools.sandboxes`; unset, it talks to the real provider.
Either way the same SDK calls run, so the production code path is the one that gets tested.
The submodules import their SDK, an optional extra of petcare-kit (`petcare-kit[twilio]`,
`petcare-kit[sendgrid]`), so import them directly: `from petcare_kit.providers.twilio import ...`.
"""
