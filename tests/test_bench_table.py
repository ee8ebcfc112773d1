"""The benchmark table shows the instructions a frame costs (callgrind) beside the frame times,
or why they were not counted, and what an exponential costs numpy and PyTorch."""

from bench.run import AREAS, table


def test_the_table_shows_instructions_a_frame_or_why_not():
    assert "instructions" in AREAS
    counted = {"instructions": {"whole": {"per_frame_m": 38.31}, "live": {"per_frame_m": 20.63}}}
    row = next(line for line in table(counted).splitlines() if "instructions a frame" in line)
    assert "38.3 / 20.6 M" in row and "whole / live (" in row
    counted["instructions"]["sliding"] = {"per_frame_m": 31.56}  # (session 22 on)
    row = next(line for line in table(counted).splitlines() if "instructions a frame" in line)
    assert "38.3 / 20.6 / 31.6 M" in row and "whole / live / sliding" in row
    skipped = {"instructions": {"skipped": "valgrind is not installed"}}
    assert "skipped: valgrind is not installed" in table(skipped)


def test_the_table_shows_what_an_exponential_costs_each_side():
    measured = {"engine": {"exponentials": {"numpy_exp": 5.27, "numpy_expm1": 9.86,
                                            "torch_exp": 2.82, "torch_expm1": 4.84}}}
    row = next(line for line in table(measured).splitlines() if "exp / expm1" in line)
    assert "numpy 5.3 / 9.9 ns" in row and "PyTorch 2.8 / 4.8 ns" in row
    del measured["engine"]["exponentials"]["torch_exp"]  # (no PyTorch installed)
    row = next(line for line in table(measured).splitlines() if "exp / expm1" in line)
    assert "numpy 5.3 / 9.9 ns" in row and "n/a" in row


def test_the_exponentials_are_timed_without_pytorch_too():
    from bench.engine import measure_exponentials

    res = measure_exponentials(None, size=1024)
    assert res["numpy_exp"] > 0 and res["numpy_expm1"] > 0 and "torch_exp" not in res
    assert isinstance(res["numpy_simd_found"], list)
