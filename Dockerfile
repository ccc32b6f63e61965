# Build stage: compiles the TypeScript once, so the service starts from JavaScript (less memory).
FROM node:20-bookworm-slim AS build
WORKDIR /opt/postroom
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY workers ./workers
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /opt/postroom
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY workers ./workers
COPY config ./config
# Copied after the sources, so the build is newer than every source file and bin/postroom.js uses it.
COPY --from=build /opt/postroom/dist ./dist
WORKDIR /var/lib/postroom
USER node
ENTRYPOINT ["node", "/opt/postroom/bin/postroom.js"]
CMD ["run"]
