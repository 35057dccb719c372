# syntax=docker/dockerfile:1
# Lanes as a container: compiled JavaScript only (no TypeScript, no tsx at run time), running as the
# unprivileged `node` user, SQLite data on the /data volume (or PostgreSQL through DATABASE_URL), healthy when
# /readyz answers 200 (the store answers a ping).
#
#   docker build -t lanes .
#   docker run -e LANES_WEBHOOK_SECRET=… -v lanes-data:/data -v ./lanes.yaml:/etc/lanes/lanes.yaml:ro -p 8080:8080 lanes
#
# Stages: `build` compiles dist/ and web/dist/ with the dev dependencies; `runtime-deps` installs the
# production dependencies only (better-sqlite3 may compile there, so the compilers stay in that stage);
# the final stage copies the two results onto a clean base.


FROM node:20-bookworm-slim AS build
WORKDIR /src
# better-sqlite3 falls back to node-gyp when no prebuilt binary matches the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
RUN npm run build

FROM node:20-bookworm-slim AS runtime-deps
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
  && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    LANES_HOST=0.0.0.0 \
    LANES_DATA_DIR=/data \
    LANES_CATALOG=/etc/lanes/lanes.yaml
WORKDIR /app
COPY --from=runtime-deps /app/node_modules ./node_modules
COPY package.json lanes.schema.json ./
COPY bin ./bin
COPY examples ./examples
COPY --from=build /src/dist ./dist
COPY --from=build /src/web/dist ./web/dist
# `lanes` on PATH for `docker compose exec … lanes token create`; /data owned by the user that writes it.
RUN ln -s /app/bin/lanes.js /usr/local/bin/lanes \
  && mkdir -p /data /etc/lanes \
  && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/lanes.js"]
CMD ["up"]
