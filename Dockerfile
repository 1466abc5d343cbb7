# syntax=docker/dockerfile:1
#
# cnsbot in a container: a static, pure-Go binary (SQLite is modernc.org/sqlite,
# no cgo) on distroless, running as uid 65532, its database under /data.
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t cnsbot .
#   docker run -d --name cnsbot \
#     -v cnsbot-data:/data -v /etc/cnsbot/config.yaml:/etc/cnsbot/config.yaml:ro \
#     -e CNSBOT_TELEGRAM_TOKEN -p 127.0.0.1:9090:9090 --stop-timeout 45 cnsbot
#
# The config must set http.listen: ":9090" for /healthz to be reachable from
# outside the container (the default, 127.0.0.1:9090, is the container's own
# loopback). See README, "Running in production".

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/cnsbot ./cmd/cnsbot \
 && mkdir -p /out/data

# static: no libc, no shell, no package manager; :nonroot runs as 65532.
# The time zone database is not needed from the image: the binary embeds
# it (cmd/cnsbot imports time/tzdata), so Asia/Ho_Chi_Minh always loads.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/cnsbot /cnsbot
COPY --from=build --chown=65532:65532 /out/data /data
ENV CNSBOT_DATABASE_PATH=/data/cnsbot.db
VOLUME /data
USER 65532:65532
# 8443: webhook.listen (webhook mode only); 9090: http.listen (/healthz).
EXPOSE 8443 9090
# No HEALTHCHECK: distroless has no shell or curl to run one. Let the
# orchestrator probe GET /healthz on port 9090 (200 ok or degraded, 503 down).
# SIGTERM drains updates in flight for up to 30 s: give it 45 (--stop-timeout).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/cnsbot"]
CMD ["run", "-config", "/etc/cnsbot/config.yaml"]
