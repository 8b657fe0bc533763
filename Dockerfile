# AWS Step Functions local emulator. Same install steps as `make run`.
# BASE_IMAGE: any Debian-like image with python3 (3.11 or newer) and its venv module; `make image-check`
# builds on a local Debian base made by mmdebstrap.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/sfn-emulator/bin:$PATH \
    SFN_EMULATOR_HOST=0.0.0.0 \
    SFN_EMULATOR_PORT=8083

RUN useradd --create-home --uid 10001 emulator
WORKDIR /app
COPY pyproject.toml README.md ./
COPY emulator ./emulator
# The image reads every ItemReader format: the 'parquet' extra brings pyarrow (InputType PARQUET).
RUN python3 -m venv /opt/sfn-emulator \
    && /opt/sfn-emulator/bin/pip install --no-cache-dir '.[parquet]' \
    && rm -rf /root/.cache

# Durable state: mount a volume at /data and set SFN_DATA_DIR=/data (or pass --data-dir /data):
#   docker run -v sfn-data:/data -e SFN_DATA_DIR=/data -p 8083:8083 sfn-emulator
RUN mkdir -p /data && chown emulator /data
VOLUME ["/data"]
USER emulator
EXPOSE 8083
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8083/_emulator/health', timeout=2); sys.exit(0)"
CMD ["python", "-m", "emulator"]
