# Understudy image: a Swift builder stage, then a slim Debian runtime with exactly the
# shared libraries the binary links (`ldd` tells: libssl, libcrypto, zlib, libsqlite3 for the
# SQS queue storage; libc, libgcc_s and libstdc++ are in the base image). CI checks that with
# `scripts/check-runtime-libs.sh .build/release/understudy Dockerfile`, which reads the
# final stage's `apt-get install` line: keep the run-time packages on it.
#
#   docker build -t understudy .
#   docker run --rm -p 8080:8080 understudy
#   docker run --rm -p 8080:8080 -v "$PWD/config:/config:ro" understudy serve --config /config/scenarios/NAME.yaml
#
# The admin plane stays on the container's loopback (127.0.0.1:9901) unless you set both
# UNDERSTUDY_ADMIN__LISTEN=0.0.0.0:9901 and UNDERSTUDY_ADMIN__TOKEN.

# ---- build ---------------------------------------------------------------------------------
# Same major.minor as the toolchain CI builds and tests with.
FROM swift:6.3-bookworm AS build
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update \
    && apt-get install -y libssl-dev zlib1g-dev libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so editing the sources does not fetch them again.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
# The manifest declares the test targets too; SwiftPM wants their folders to exist.
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product understudy \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/understudy" /out/understudy

# ---- runtime -------------------------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 zlib1g libsqlite3-0 ca-certificates && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 understudy \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin understudy
COPY --from=build /out/understudy /usr/local/bin/understudy
COPY config/ /etc/understudy/
# the dashboard, where the binary looks for it (../share/understudy/Public from /usr/local/bin)
COPY Public/ /usr/local/share/understudy/Public/
# numeric, so Kubernetes' runAsNonRoot can verify it
USER 10001:10001
EXPOSE 8080
# The image's own checker: one HTTP check of /health (503 while draining fails it), exit 0/1.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/understudy", "probe", "--once", "--timeout", "2s", "http://127.0.0.1:8080/health"]
ENTRYPOINT ["/usr/local/bin/understudy"]
CMD ["serve"]
