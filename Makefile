# Builds sendbot with its version stamped in. Needs only Go (and git, for
# the version); `go install github.com/sendbot/sendbot/cmd/sendbot@latest`
# works without it.
#
#   make            sendbot for this machine, in ./sendbot
#   make release    every supported platform, in dist/, with SHA256SUMS
#   make test       the tests, as the README gives them

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)

LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
GOFLAGS := -trimpath

# os/arch[/arm version]: 64-bit Linux PCs and VPSs, Raspberry Pi OS 64-bit,
# 32-bit Raspberry Pi OS (ARMv7), Intel and Apple Silicon Macs, Windows.
PLATFORMS := linux/amd64 linux/arm64 linux/arm/7 darwin/amd64 darwin/arm64 windows/amd64

.PHONY: build release test clean

build:
	CGO_ENABLED=0 go build $(GOFLAGS) -ldflags '$(LDFLAGS)' -o sendbot ./cmd/sendbot

release:
	rm -rf dist && mkdir -p dist
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%%/*}; rest=$${p#*/}; arch=$${rest%%/*}; arm=""; \
		if [ "$$arch" != "$$rest" ]; then arm=$${rest#*/}; fi; \
		name=sendbot-$$os-$$arch$${arm:+v$$arm}; \
		if [ "$$os" = windows ]; then name=$$name.exe; fi; \
		echo "building dist/$$name"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch GOARM=$$arm \
			go build $(GOFLAGS) -ldflags '$(LDFLAGS)' -o dist/$$name ./cmd/sendbot; \
	done
	cd dist && sha256sum sendbot-* > SHA256SUMS

test:
	go test ./...

clean:
	rm -rf dist sendbot
