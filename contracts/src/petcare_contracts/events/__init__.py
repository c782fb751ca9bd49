"""Payload models, one module per publishing service. Importing a module registers its events."""
