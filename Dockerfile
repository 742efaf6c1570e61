# --- Build stage: the library files (sdk/build.sh) ------------------------------------
# Built here, once, with a JDK the runtime image does not carry: the web process only
# serves them (apis/library.py) and its user may not write /app/sdk anyway.
FROM python:3.11-slim AS sdk
RUN apt-get update \
    && apt-get install -y --no-install-recommends default-jdk-headless \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
# build.sh needs only pip and flit_core (the wheel is built offline, without isolation).
RUN pip install --no-cache-dir "$(grep -i '^flit_core==' requirements.txt)"
COPY sdk sdk
RUN rm -rf sdk/python/dist sdk/java/build \
    && sdk/build.sh \
    && test -f sdk/java/build/portal-sdk.jar \
    && ls sdk/python/dist/mpesa_portal_sdk-*-py3-none-any.whl

# --- Translations: the .po files (django, djangojs) compiled to .mo (msgfmt only here) --
FROM python:3.11-slim AS messages
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY locale locale
RUN for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check -o "${po%.po}.mo" "$po"; done

# --- Runtime image ----------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=messages /app/locale locale
# The library files of the build stage replace whatever the build context held.
RUN rm -rf sdk/python/dist sdk/java/build
COPY --from=sdk /app/sdk/python/dist sdk/python/dist
COPY --from=sdk /app/sdk/java/build/portal-sdk.jar sdk/java/build/portal-sdk.jar
# Production storage (DEBUG off) is WhiteNoise's compressed manifest, so collectstatic
# runs with DEBUG off too; the secrets here are build-time placeholders only (the real
# ones come from the environment at run time, and settings refuse to start without them).
# SINGLE_PROCESS and ALLOW_CONSOLE_DELIVERY: the build is one process with no Redis that
# sends nothing; neither is set at run time.
RUN DEBUG=0 SECRET_KEY=collectstatic-build-placeholder-not-used-at-runtime-000000 \
    FIELD_ENCRYPTION_KEYS=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY= \
    SINGLE_PROCESS=1 ALLOW_CONSOLE_DELIVERY=1 \
    python manage.py collectstatic --noinput
RUN useradd --create-home portal && mkdir -p /app/var && chown -R portal /app/var
USER portal
EXPOSE 8000
# gunicorn.conf.py: bind 0.0.0.0:8000, WEB_CONCURRENCY workers (3), and Prometheus's
# multiprocess folder (/metrics sums the workers' counts). No gunicorn access log: its
# lines carry query strings and paths verbatim (reset and activation keys, gateway
# MSISDNs). The portal's own request log (portal.requests) is the access log: one line
# per request, no query string, secret URL arguments replaced, through the redaction
# filter (issue 18, finding 2; docs/security.md).
CMD ["gunicorn", "portal.wsgi:application", "--config", "gunicorn.conf.py"]
