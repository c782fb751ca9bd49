"""The dev launcher's parts, reusable by suite tests: infrastructure, sandboxes, services."""
