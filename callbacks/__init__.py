"""Asynchronous results (docs/callbacks.md): the outbox the gateway writes to, signing,
delivery with retries, redelivery, and the developer's Callbacks page.

The gateway (sandbox) calls `callbacks.outbox.defer_result`; nothing here imports
sandbox (the delivery's link to the call log is the string reference "sandbox.ApiCall").
"""
