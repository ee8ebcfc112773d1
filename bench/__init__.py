"""The benchmark suite (`make bench`): measures and reports, never asserts; not part of `make test`.

Each area runs in its own process (``python -m bench.<area> --out FILE``) so that imports, caches
and memory of one do not colour another; :mod:`bench.run` collects them into one table.
"""
