"""Guards for the portal's outbound connections (plain Python + Django settings, no app)."""
