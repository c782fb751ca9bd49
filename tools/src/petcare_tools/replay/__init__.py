"""`petcare-replay`: the ops tool that re-sends messages when something went wrong (issue 13,
R-REPLAY-1..9). Commands: `export`, `import`, `replay`, `redrive`, `rewind`, `republish`.

Everywhere: a dry run is the default (counts per partition, samples, what would be skipped) and only
`--execute` writes; `--rate` paces writes; progress on a terminal, plain lines otherwise; every
executed command leaves an audit record (`audit.py`). Reading never joins or commits to a consumer
group (`reading.py`). Bad input exits with code 2 before anything is written. See docs/replay.md.
"""
