"""The archive on a Dask cluster: executor.py runs in this process, worker.py on the workers."""
