"""Open Referral UK: the public API at /api/oruk/, import from other directories, export.

The official files (schemas, OpenAPI, the validator's fixtures) are in ``../standards/``.
"""
