"""How the world reaches the gateway: its HTTP routes."""
