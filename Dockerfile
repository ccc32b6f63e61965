FROM node:20-bookworm-slim
WORKDIR /opt/postroom
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY workers ./workers
COPY config ./config
WORKDIR /var/lib/postroom
USER node
ENTRYPOINT ["node", "/opt/postroom/bin/postroom.js"]
CMD ["run"]
