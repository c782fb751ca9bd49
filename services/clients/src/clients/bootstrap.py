"""The composition root: settings, runtime (database, outbox relay), routers."""

from fastapi import FastAPI
from petcare_kit.app import create_service_app
from petcare_kit.runtime import ServiceRuntime

from clients.config import ClientsSettings
from clients.entrypoints.api import auth, clients, people

DESCRIPTION = """The directory of a pet-care business: the company and its settings, staff, clients,
pets and portal accounts. Every change is published on `clients.events`."""


def create_app(settings: ClientsSettings | None = None) -> FastAPI:
    settings = settings or ClientsSettings()
    runtime = ServiceRuntime(settings, publishes=["clients.events"])
    return create_service_app(runtime, title="Clients", description=DESCRIPTION,
                              routers=[auth.router, people.router, clients.router])
