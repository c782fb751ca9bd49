"""Errors of facility a user can get. Each `code` is stable API (frontends branch on it); the app
maps them to their status and the one error shape {"error": {"code", "message", "details"}}."""

from petcare_kit.errors import Conflict, NotFound


class ExampleNotFound(NotFound):
    code = "example_not_found"


class ExampleTitleTaken(Conflict):
    code = "example_title_taken"
