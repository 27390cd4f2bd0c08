# Kalan in a container: build with Swift, run on a slim Debian with the C libraries it links
# (libpq, cairo, libqrencode, and libxml2 for FoundationXML,
# which --static-swift-stdlib does not make static) and the fonts its PDFs embed.
# docker compose up starts it beside PostgreSQL 15 (see docker-compose.yml).
# The Swift version of development (6.3.1; some dependencies declare swift-tools-version 6.2).
FROM swift:6.3.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev libcairo2-dev libqrencode-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
# sql/ is the KalanMigrations target: its migrations and openapi.yaml are compiled into the binary
# (SwiftPM `.embedInCode`), so the image needs no file beside it.
COPY sql ./sql
RUN swift build -c release --static-swift-stdlib --product kalan \
    && cp "$(swift build -c release --show-bin-path)/kalan" /usr/local/bin/kalan

FROM debian:bookworm-slim
# postgresql-client: pg_dump and pg_restore for `kalan db backup` / `kalan db restore` (15, as the server).
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 libcairo2 libqrencode4 libxml2 zlib1g \
    fontconfig fonts-dejavu-core ca-certificates tzdata postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /var/lib/kalan --create-home kalan
COPY --from=build /usr/local/bin/kalan /usr/local/bin/kalan
# Every library the binary links must be here: the build fails on any "not found".
RUN ldd /usr/local/bin/kalan && ! ldd /usr/local/bin/kalan | grep -q "not found" && kalan --help >/dev/null
COPY fixtures /usr/share/kalan/fixtures
USER kalan
WORKDIR /var/lib/kalan
ENV KALAN_HOST=0.0.0.0 KALAN_PORT=8080 KALAN_DATA_DIR=/var/lib/kalan KALAN_FIXTURES_DIR=/usr/share/kalan/fixtures
EXPOSE 8080
# Ready: the database reachable and migrated (/readyz answers "ok", else a 503 problem).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD ["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '^ok' <&3"]
CMD ["kalan", "serve"]
