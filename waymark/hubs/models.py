"""The hubs models."""
