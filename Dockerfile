# Ting in a container: SQLite in /data by default; set TING_DATABASE_URL for PostgreSQL.
# docker-compose.yml runs it with PostgreSQL, two workers and a proxy (docs/deploy.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TING_DATABASE_URL=sqlite:////data/ting.db \
    TING_LOG_FORMAT=json

# the TrueType font of badge certificates (TING_CERTIFICATE_FONT)
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/ting
RUN useradd --create-home --uid 10001 ting && mkdir /data && chown ting /data

# the dependencies first, from an empty package, so that a change to the code rebuilds only
# the layers below (the editable install finds the real package in the same place)
COPY pyproject.toml README.md constraints.txt ./
RUN mkdir app && touch app/__init__.py && pip install -c constraints.txt -e .
COPY app ./app
COPY migrations ./migrations
COPY templates ./templates
COPY programs ./programs

USER ting
VOLUME ["/data"]
EXPOSE 8000
# alive: the process answers (/readyz, for a load balancer, also asks the database)
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# TING_SECRET_KEY must be set (the server refuses to start without it). With SQLite, serve
# migrates by itself; with PostgreSQL run `ting db upgrade` once per release as its own step
# (docker compose does: the migrate service), not in every replica at start. TING_WORKERS sets
# the worker processes. On SIGTERM, requests in flight get 30 s to finish.
CMD ["ting", "serve", "--host", "0.0.0.0", "--port", "8000"]
