# Airbyte source connector for Wolkvox.
#
#   docker build -t source-wolkvox:0.2.0 .                          the connector (the last stage)
#   docker build --target simulator -t source-wolkvox-simulator .   the Wolkvox simulator, for acceptance tests
#   docker buildx build --platform linux/amd64,linux/arm64 -t <registry>/source-wolkvox:0.2.0 --push .
#
# The io.airbyte.version label must equal metadata.yaml's dockerImageTag and package.json's version, and
# io.airbyte.name metadata.yaml's dockerRepository (integration_tests/packaging.test.ts checks them).

# --- build: compile TypeScript (src/ -> dist/) with the dev dependencies --------------------------------
FROM node:24-bookworm-slim AS build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schemas ./schemas
RUN npm run build
# What the connector runs: dist/ without the simulator, the demo and source maps (nothing loads them).
RUN cp -r dist connector-dist \
  && rm -rf connector-dist/simulator connector-dist/demo \
  && find connector-dist -name '*.map' -delete

# --- deps: production dependencies only, without what Node never loads ----------------------------------
FROM node:24-bookworm-slim AS deps
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error \
  && find node_modules -type f \( -name '*.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' -o -name '*.md' \) -delete \
  && rm -rf node_modules/luxon/src node_modules/luxon/build/amd node_modules/luxon/build/cjs-browser node_modules/luxon/build/global

# --- simulator: the Wolkvox simulator as its own container (acceptance tests; see docs/wolkvox.md) --------
# Not part of the connector image. Listens on 0.0.0.0:8787; the default command serves the data that
# integration_tests/ describes. Any simulator option can be given instead (--help lists them).
FROM node:24-bookworm-slim AS simulator
ENV NODE_ENV=production
WORKDIR /simulator
COPY --from=deps /deps/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY package.json ./
USER 1000:1000
EXPOSE 8787
ENTRYPOINT ["/usr/local/bin/node", "/simulator/dist/simulator/cli.js", "--host", "0.0.0.0", "--port", "8787"]
CMD ["--preset", "quiet", "--seed", "7", "--days", "14", "--end", "2026-01-14"]

# --- runtime: the connector -------------------------------------------------------------------------------
FROM node:24-bookworm-slim
ENV NODE_ENV=production
# No NODE_OPTIONS heap flags: `read` applies its own (src/cli/heap.ts), in the image as everywhere.
# Like Airbyte's own images: user airbyte, uid/gid 1000, owning /airbyte. The base image's user node
# already has uid/gid 1000, so it is renamed rather than a second user added with the same ids.
RUN groupmod --new-name airbyte node \
  && usermod --login airbyte --home /home/airbyte --move-home node \
  && mkdir -p /airbyte/integration_code \
  && chown -R airbyte:airbyte /airbyte
WORKDIR /airbyte/integration_code
COPY --from=deps --chown=airbyte:airbyte /deps/node_modules ./node_modules
COPY --from=build --chown=airbyte:airbyte /build/connector-dist ./dist
COPY --chown=airbyte:airbyte package.json ./
COPY --chown=airbyte:airbyte schemas ./schemas

ENV AIRBYTE_ENTRYPOINT="/usr/local/bin/node /airbyte/integration_code/dist/index.js"
ENTRYPOINT ["/usr/local/bin/node", "/airbyte/integration_code/dist/index.js"]

LABEL io.airbyte.name=source-wolkvox
LABEL io.airbyte.version=0.2.0

# airbyte:airbyte, numeric so that Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 1000:1000
