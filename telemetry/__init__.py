"""Telemetry shared by every layer: the Prometheus metric objects, the request id of the
current request or task, and the JSON log formatter.

A neutral package at the bottom of the layers (like `netguard`): the gateway and the
callbacks increment its counters with one line each, and `ops` (the top) serves them at
`/metrics` and adds the gauges computed at scrape time. It imports no app of the portal.
"""
