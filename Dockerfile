# One image for the api, the ingest worker and the CLI; the command picks the app.
# Build stage: every dependency, the TypeScript compiler, dist/ and the web bundle.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm ci` refuses the lock file (chdb's optional darwin packages cannot be locked): see README
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
COPY schemas schemas
RUN npx tsc -p tsconfig.build.json && node apps/web/build.mjs

# Run stage: production dependencies, the compiled apps and the files they read at run time
# (schemas/clickhouse; schemas/events is compiled into dist/), as the image's non-root user.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
# the web dashboard and GraphiQL, served at / and GET /graphql
COPY --from=build /app/apps/web/dist apps/web/dist
COPY schemas schemas
COPY scripts/register-aliases.js scripts/run-compiled.sh scripts/
USER node
CMD ["node", "-r", "./scripts/register-aliases.js", "dist/apps/api/src/main.js"]
