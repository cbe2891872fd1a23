"""Small shared pieces used by every app: settings helpers, encryption, text normalising."""
