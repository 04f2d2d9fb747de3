# sendbot in a container: a static binary on a distroless base, run as a
# non-root user, with the corpus and the data (index, feedback, uploads)
# in volumes.
#
#   docker build -t sendbot --build-arg VERSION=$(git describe --tags --always) .
#   docker compose up -d          (see docker-compose.yml)

FROM golang:1.25-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.date=${DATE}" \
      -o /out/sendbot ./cmd/sendbot \
 && mkdir -p /out/data /out/corpus

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sendbot /usr/local/bin/sendbot
# Owned by the image's non-root user (65532), so the volumes start writable.
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build --chown=65532:65532 /out/corpus /corpus
USER 65532:65532
# SENDBOT_CORPUS is left empty, so the built-in corpus answers until you
# mount your own at /corpus and set SENDBOT_CORPUS=/corpus.
ENV SENDBOT_DATA=/data \
    SENDBOT_HTTP_ADDR=127.0.0.1:8089
VOLUME ["/data", "/corpus"]
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/sendbot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/sendbot"]
CMD ["serve"]
