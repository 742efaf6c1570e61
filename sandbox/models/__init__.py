"""Sandbox models, one module per topic: the call log here; the gateway's state
(sessions, transactions, mandates) in gateway.py. The callback outbox is the callbacks
app's (callbacks/models.py)."""

from sandbox.models.calllog import ApiCall
from sandbox.models.gateway import Mandate, Session, Transaction

__all__ = ["ApiCall"]
__all__ += ["Mandate", "Session", "Transaction"]
