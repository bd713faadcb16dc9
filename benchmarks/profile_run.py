"""Profile one in-process `dedup` folder run with pyinstrument; print self time per function.

Why self time aggregated per function: the call tree says where time goes
stage by stage, but the question "which functions dominate" is answered by
summing every frame's own time over the whole run.  Usage:
``python benchmarks/profile_run.py FOLDER [--top 20] [--tree TREE.txt]``.
"""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def self_times(frame, acc: Counter) -> Counter:
    """Own time of every frame below `frame`, summed by 'function (file:line)'."""
    stack = [frame]
    while stack:
        node = stack.pop()
        if not node.is_synthetic:
            acc[f"{node.function} ({node.file_path_short}:{node.line_no})"] += node.total_self_time
        stack.extend(node.children)
    return acc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--tree", type=Path)
    args = ap.parse_args()
    from pyinstrument import Profiler

    from dedup.neardup import NearDupOptions
    from dedup.pipeline import RunOptions, run

    profiler = Profiler(interval=0.002)
    profiler.start()
    run([args.folder], RunOptions(neardup=NearDupOptions(threshold=0.5)))
    profiler.stop()
    root = profiler.last_session.root_frame()
    total = root.time
    if args.tree:
        args.tree.write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    print(f"total {total:.2f} s")
    for name, secs in self_times(root, Counter()).most_common(args.top):
        print(f"{secs:8.2f} s {100 * secs / total:5.1f} %  {name}")


if __name__ == "__main__":
    main()
