# Kalan in a container: build with Swift, run on a slim Debian with libpq only.
# docker compose up starts it beside PostgreSQL 15 (see docker-compose.yml).
FROM swift:6.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev python3 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY sql ./sql
COPY scripts ./scripts
RUN python3 scripts/embed-migrations.py && swift build -c release --static-swift-stdlib --product kalan

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /var/lib/kalan --create-home kalan
COPY --from=build /src/.build/release/kalan /usr/local/bin/kalan
COPY fixtures /usr/share/kalan/fixtures
USER kalan
WORKDIR /var/lib/kalan
ENV KALAN_HOST=0.0.0.0 KALAN_PORT=8080 KALAN_DATA_DIR=/var/lib/kalan KALAN_FIXTURES_DIR=/usr/share/kalan/fixtures
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ok <&3"]
CMD ["kalan", "serve"]
