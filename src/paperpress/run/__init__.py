"""Who runs a build's per-issue work: here, in a pool of processes (executor.py) or on a Dask cluster (dask/),
and the sidecar process that lays out an issue's PDF beside the rest (sidecar.py)."""
