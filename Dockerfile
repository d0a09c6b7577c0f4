FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY mach mach
COPY triage triage
COPY strategy_meetings strategy_meetings
COPY safety_plans safety_plans
COPY manage.py ./
RUN pip install --no-cache-dir .
RUN SECRET_KEY=collectstatic-only DATABASE_URL=postgres://unused/unused \
    python manage.py collectstatic --noinput
USER nobody

