# syntax=docker/dockerfile:1
#
# gemini-live-search as one small container: the service compiled into one
# executable (web client embedded) on a distroless base, run as a non-root user.
#
#   docker build -t gemini-live-search .
#   docker run --rm -p 127.0.0.1:8000:8000 --env-file .env --stop-timeout 15 gemini-live-search
#
# The image listens on 0.0.0.0 (HOST), and on any HOST but 127.0.0.1 the server
# refuses to start without access control: set ACCESS_TOKEN (16+ characters),
# or TRUSTED_USER_HEADER behind an authenticating proxy, or ALLOW_PUBLIC=1 to
# accept the risk (see docs/security.md). compose.yaml runs it locally.

# --- build: Deno from npm, pinned as in the README and CI; `deno task compile`.
FROM node:22-bookworm-slim AS build
RUN npm install --global deno@2.9.6 && deno --version
WORKDIR /src
# Dependencies first, so code changes reuse this layer.
COPY deno.json deno.lock ./
RUN deno install --frozen
# The sources (.dockerignore leaves out tests, secrets and local installs).
COPY . .
# `deno compile` downloads the Deno runtime base (denort) for this platform.
RUN deno task compile
# The folder of the conversation history's SQLite file (HISTORY_PATH): mount a volume there to keep it.
RUN mkdir -p /out/data

# --- healthcheck: a static busybox for `wget`, since the runtime has no shell.
FROM busybox:1.37.0-musl AS busybox

# --- runtime: glibc and CA certificates, nothing else.
FROM gcr.io/distroless/cc-debian12 AS runtime
COPY --from=build /src/dist/gemini-live-search /app/gemini-live-search
COPY --from=build --chown=65532:65532 /out/data /app/data
COPY --from=busybox /bin/busybox /busybox/busybox
WORKDIR /app
ENV HOST=0.0.0.0 \
    PORT=8000
# distroless's "nonroot" user, by number so Kubernetes' runAsNonRoot can verify it.
USER 65532:65532
EXPOSE 8000
# SIGTERM drains: pages are told to reconnect, then the process exits within
# SHUTDOWN_TIMEOUT_MS (10 s); give `docker stop` more than that (--stop-timeout 15).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/busybox/busybox", "sh", "-c", "exec /busybox/busybox wget -q -O /dev/null \"http://127.0.0.1:${PORT}/healthz\""]
ENTRYPOINT ["/app/gemini-live-search"]
