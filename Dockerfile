# RNN Lab in one container: N app processes behind HAProxy (deploy/replicas.py), CPU-only PyTorch.
#   docker build -t rnnlab . && docker run -p 8500:8500 -e REPLICAS=2 rnnlab
# One replica per core is the measured sweet spot (a training uses one thread); RNNLAB_MAX_TRAININGS,
# RNNLAB_MAX_RUN_SECONDS and RNNLAB_MAX_RUN_MB set the admission and per-run budgets.
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends haproxy \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
# The CPU build of torch first, from PyTorch's CPU wheel index: PyPI's default Linux wheel carries CUDA (GBs).
RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && pip install --no-cache-dir -r requirements.txt

COPY . .
RUN useradd --create-home --uid 10001 rnnlab && chown -R rnnlab /app
USER rnnlab

ENV REPLICAS=2 \
    PYTHONUNBUFFERED=1
EXPOSE 8500
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8500/_stcore/health', timeout=3)"
CMD ["sh", "-c", "exec python -m deploy.replicas --replicas ${REPLICAS} --port 8500 --bind 0.0.0.0"]
