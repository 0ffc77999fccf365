"""Peak and current RSS from /proc (Linux), for child processes (not a benchmark itself).

Why not `ru_maxrss` in a child: Linux keeps the largest RSS across `execve`, and `subprocess`
spawns children from the parent's address space, so a child's RUSAGE_SELF ru_maxrss starts at the
benchmark process's own RSS at spawn time (a child of an 800 MB parent reports 810 MB while its
VmHWM is 8 MB). VmHWM belongs to the new address space only. Writing 5 to /proc/self/clear_refs
resets VmHWM to the current RSS, so a peak can be measured for one phase of a process.
"""

from __future__ import annotations

from pathlib import Path


def status_kib(field: str, pid: int | str = "self") -> int:
    """A `kB` field of /proc/<pid>/status (VmHWM, VmRSS, ...), in KiB; 0 if absent."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def hwm_mb(pid: int | str = "self") -> float:
    """Peak RSS of this address space (since exec, or since `reset_hwm`), MiB."""
    return status_kib("VmHWM", pid) / 1024


def rss_mb(pid: int | str = "self") -> float:
    return status_kib("VmRSS", pid) / 1024


def reset_hwm() -> bool:
    """Make VmHWM equal the current RSS; False where the kernel does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True
