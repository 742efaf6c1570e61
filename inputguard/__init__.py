"""Bounds on user input that several apps share (plain Python and Django core only, no app).

Named after its topic like `netguard`: each module guards one kind of input.
"""
