# Build with the Swift toolchain image, run on slim Debian with only the shared libraries barrelman links.
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        libcurl4-openssl-dev libjansson-dev libyaml-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product barrelman --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/barrelman" /barrelman

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
        libcurl4 libjansson4 libyaml-0-2 libssl3 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /barrelman /usr/local/bin/barrelman
USER 65532:65532
EXPOSE 9193
ENTRYPOINT ["/usr/local/bin/barrelman"]
