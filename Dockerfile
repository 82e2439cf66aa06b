# syntax=docker/dockerfile:1
# Build stage: install everything, compile TypeScript to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY service/package.json service/
COPY crm-extension/package.json crm-extension/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY shared shared
COPY service service
RUN npm run build

# Runtime stage: production dependencies and compiled code only, as a non-root user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY service/package.json service/
COPY crm-extension/package.json crm-extension/
# --omit=optional leaves out the embedded Postgres (~60 MB of binaries): the image always runs on DATABASE_URL.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund --workspace service --include-workspace-root=false \
  && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/shared/dist ./shared/dist
COPY migrations ./dist/migrations
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# A bounded heap keeps RSS flat under load (V8 otherwise sizes it from the host's memory).
CMD ["node", "--max-old-space-size=512", "dist/service/src/main.js"]
