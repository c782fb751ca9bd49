"""The API gateway: the one door frontends use to reach every pet-care service."""
