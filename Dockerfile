# syntax=docker/dockerfile:1
# The userbot's production image: one node process running the build (node dist/cli/start.js) as a
# non-root user, its sessions (login, update state, access rules) on the volume /app/sessions.
#   docker build -t tg-userbot .
#   docker run -it --rm --env-file .env -v tg-sessions:/app/sessions tg-userbot node dist/cli/login.js
#   docker run -d --restart unless-stopped --env-file .env -v tg-sessions:/app/sessions tg-userbot
# deploy/compose.yaml does the same with a health check; README: Run it for months.

# 1. build: every dependency (better-sqlite3 compiled here when no prebuilt binary fits), the TypeScript
#    build, then the development dependencies pruned away.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/emulator/package.json packages/emulator/package.json
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
RUN npm run build \
    && npm prune --omit=dev --no-audit --no-fund \
    && rm -rf node_modules/@tg-toolkit

# 2. runtime: the slim image with the build and the production dependencies only; no compiler, no sources.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
RUN groupadd --system userbot \
    && useradd --system --gid userbot --home-dir /app --shell /usr/sbin/nologin userbot \
    && mkdir -p /app/sessions \
    && chown userbot:userbot /app/sessions \
    && chmod 0700 /app/sessions
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER userbot
VOLUME ["/app/sessions"]
# SIGTERM (docker stop) stops gracefully: handlers get up to 10 s; give docker stop -t 20 or more.
STOPSIGNAL SIGTERM
CMD ["node", "dist/cli/start.js"]
