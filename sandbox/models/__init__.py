"""Sandbox models, one module per topic: the call log here; the gateway's state
(sessions, transactions, mandates) in gateway.py; the callback outbox in callbacks.py."""

from sandbox.models.calllog import ApiCall

__all__ = ["ApiCall"]
