"""The benchmark table shows the instructions a frame costs (callgrind) beside the frame times,
or why they were not counted."""

from bench.run import AREAS, table


def test_the_table_shows_instructions_a_frame_or_why_not():
    assert "instructions" in AREAS
    counted = {"instructions": {"whole": {"per_frame_m": 38.31}, "live": {"per_frame_m": 20.63}}}
    row = next(line for line in table(counted).splitlines() if "instructions a frame" in line)
    assert "38.3 / 20.6 M" in row
    skipped = {"instructions": {"skipped": "valgrind is not installed"}}
    assert "skipped: valgrind is not installed" in table(skipped)
