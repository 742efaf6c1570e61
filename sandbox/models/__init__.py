"""Sandbox models, one module per topic: the call log here; the gateway's state
(sessions, transactions, mandates) in gateway.py; the callback outbox in callbacks.py."""

from sandbox.models.callbacks import CallbackDelivery, CallbackSigningSecret, DeliveryAttempt
from sandbox.models.calllog import ApiCall
from sandbox.models.gateway import Mandate, Session, Transaction

__all__ = ["ApiCall"]
__all__ += ["Mandate", "Session", "Transaction"]
__all__ += ["CallbackDelivery", "CallbackSigningSecret", "DeliveryAttempt"]
