# Front-end assets: GOV.UK Frontend from the npm registry, compiled with this service's settings.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=optional
COPY mach/web/scss mach/web/scss
RUN npm run build

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# Pango and a font for WeasyPrint (the safety plans' family version as PDF).
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY mach mach
COPY triage triage
COPY strategy_meetings strategy_meetings
COPY safety_plans safety_plans
COPY manage.py ./
COPY --from=assets /app/node_modules/govuk-frontend/dist/govuk node_modules/govuk-frontend/dist/govuk
COPY --from=assets /app/mach/static/mach/mach.css mach/static/mach/mach.css
RUN pip install --no-cache-dir .
RUN SECRET_KEY=collectstatic-only DATABASE_URL=postgres://unused/unused \
    python manage.py collectstatic --noinput
USER nobody
