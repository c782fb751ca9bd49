"""Errors of billing a user can get that belong to no one area (each area's own errors live beside
its rules: domain/invoices.py, packages.py, ...). Each `code` is stable API (frontends branch on it);
the app maps them to their status and the one error shape {"error": {"code", "message", "details"}}."""
