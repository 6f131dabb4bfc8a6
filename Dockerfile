# Airbyte custom connector image for tap-bookings.
# Build:    docker build -t tap-bookings/source-bookings:0.1.0 .
# Register: Airbyte UI → Settings → Sources → New connector → Add a new Docker connector,
#           image "tap-bookings/source-bookings", tag "0.1.0" (push it to a registry your Airbyte instance can pull
#           from). The repository and tag are metadata.yaml's dockerRepository and dockerImageTag.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
COPY spec.json catalog.json sample-state.json ./
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /airbyte/integration_code
COPY --from=build /app/package.json /app/spec.json /app/catalog.json /app/sample-state.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/src/schema ./src/schema
ENV AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/bin/tap-bookings.js"
ENTRYPOINT ["node", "/airbyte/integration_code/bin/tap-bookings.js"]
LABEL io.airbyte.name="tap-bookings/source-bookings" io.airbyte.version="0.1.0"
USER node
