"""The bare floor of the gateway benchmarks (issue 17, point 1): a separate minimal Django
project, served by the same gunicorn configuration and database settings as the portal.

    DJANGO_SETTINGS_MODULE=floor.settings gunicorn --pythonpath bench floor.wsgi:application

Only CommonMiddleware; no sessions, auth, messages, CSP, catalogue or gateway logic. One
view parses the JSON body and commits a transaction row and a call-log row (the columns
and indexes of the portal's own) in one database transaction: what any durable C2B call
must do at the least. bench/gateway.py and bench/load.py report the portal as a ratio
of it.
"""
