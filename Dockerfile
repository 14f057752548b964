# syntax=docker/dockerfile:1
# The live app in a container: one Streamlit replica on port 8501, runnable on a read-only root
# filesystem (the map's Leaflet and icon files are prepared here, at build time). See docs/deploy.md.
#   docker build -t jazari-atlas .
#   docker run --rm -p 8501:8501 --read-only --tmpfs /tmp jazari-atlas
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOME=/tmp \
    ATLAS_DATA_DIR=/app/data \
    ATLAS_TILES=none \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none

# fonts-dejavu-core: the Arabic glyphs of the PDF briefs (as scripts/setup.sh installs).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core=2.37-6 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY --chown=root:root . .
# Leaflet and Font Awesome into static/vendor now, so nothing is written at run time; byte-compile
# the code too (the root filesystem may be read-only).
RUN python -m atlas.assets \
    && python -m atlas.assets --check \
    && python -m compileall -q atlas ui pages app.py serve.py \
    && useradd --system --uid 10001 --home-dir /tmp --shell /usr/sbin/nologin atlas

USER 10001
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"]
CMD ["python", "-m", "streamlit", "run", "serve.py"]
