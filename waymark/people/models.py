"""The people models."""
