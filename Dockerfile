# Airbyte source connector for Wolkvox. Build: docker build -t airbyte/source-wolkvox:dev .
# The io.airbyte.version label must equal metadata.yaml's dockerImageTag and package.json's version
# (integration_tests/packaging.test.ts checks it).

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

# --- deps: production dependencies only ----------------------------------------------------------------
FROM node:24-bookworm-slim AS deps
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

# --- runtime: dist/ + schemas/ + production node_modules, nothing else (no npm cache, no sources) --------
FROM node:24-bookworm-slim
ENV NODE_ENV=production
# V8 sizes its heap for the machine, not for the ~20 MB the connector keeps live: a 4 MB young
# generation and a capped old one hold a backfill's peak RSS under 150 MB at no measured cost in speed.
ENV NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=256"
WORKDIR /airbyte/integration_code
COPY --from=deps /deps/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY package.json ./
COPY schemas ./schemas

ENV AIRBYTE_ENTRYPOINT="/usr/local/bin/node /airbyte/integration_code/dist/index.js"
ENTRYPOINT ["/usr/local/bin/node", "/airbyte/integration_code/dist/index.js"]

LABEL io.airbyte.name=airbyte/source-wolkvox
LABEL io.airbyte.version=0.1.0

# The node user (uid 1000) of the base image: the connector only reads its files and the mounted config.
USER node
