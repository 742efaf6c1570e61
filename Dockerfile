FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
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
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
