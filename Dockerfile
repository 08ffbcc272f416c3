# One image for every platform service; docker-compose.yml picks the service with `command`
# (npx tsx services/<name>/src/main.ts). Without a command it runs the all-in-one platform (`npm start`).
FROM node:22-bookworm-slim

WORKDIR /app

# the whole workspace: services import the shared packages by workspace name, and run as TypeScript through tsx
# (a devDependency, hence the full install); .dockerignore keeps node_modules, data and git history out
COPY . .
RUN npm ci --no-audit --no-fund \
  && npm cache clean --force \
  && mkdir -p /data \
  && chown node:node /data

ENV NODE_ENV=production \
  DATA_DIR=/data \
  NPM_CONFIG_UPDATE_NOTIFIER=false

USER node
EXPOSE 1883 8083 8080 9101 9102

CMD ["npx", "tsx", "services/platform/src/main.ts"]
