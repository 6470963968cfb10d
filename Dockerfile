# One image for the api, the ingest worker and the CLI; the command picks the app.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --no-save
COPY tsconfig.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY schemas schemas
COPY scripts scripts
ENV NODE_ENV=production HOST=0.0.0.0
CMD ["npm", "run", "start:api"]
