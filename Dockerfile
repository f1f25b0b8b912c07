# syntax=docker/dockerfile:1
# The app image: the API, the CLI and the built dashboard. Images are pinned to exact versions.

FROM node:20.18.1-bookworm-slim AS dashboard
WORKDIR /build
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    APP_FRONTEND_DIST=/app/frontend/dist
WORKDIR /app
RUN groupadd --system app && useradd --system --gid app --home /app app
# Dependencies from the lock first, so code changes do not reinstall them.
COPY requirements.lock pyproject.toml ./
RUN pip install -r requirements.lock
COPY src/ src/
COPY migrations/ migrations/
COPY alembic.ini ./
RUN pip install --no-deps . && mkdir -p var && chown app:app var
COPY --from=dashboard /build/dist/ frontend/dist/
USER app
EXPOSE 8888
# Wait for the database, migrate, seed (idempotent), then serve with several workers.
CMD ["fva", "prestart-and-serve"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8888/api/v1/health', timeout=2).status == 200 else 1)"
