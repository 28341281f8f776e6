"""ddsim: an agent-based simulation of how defence diplomacy builds trust between states.

Importing ``sim`` limits BLAS to one thread per process (override with the
environment variable ``DDSIM_BLAS_THREADS``). The model does many small array
operations, for which a multi-threaded BLAS is slower, and much slower on a
busy machine; parallelism comes from processes instead (``ddsim compare``,
``ddsim sweep``).
"""

import os

from threadpoolctl import threadpool_limits

__version__ = "0.1.0"

_threads = int(os.environ.get("DDSIM_BLAS_THREADS", "1"))
threadpool_limits(limits=_threads, user_api="blas")
