FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY factcheck ./factcheck
COPY annotations ./annotations
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir .
COPY . .
# collectstatic needs settings that load; the real key comes from the environment at run time.
RUN SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --no-input
RUN useradd --create-home app && mkdir -p /app/var && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "factcheck.wsgi:application", "--config", "deploy/gunicorn.conf.py"]
