"""The operating-system account the embedded PostgreSQL runs as.

PostgreSQL refuses to run as root. Under root (containers, CI) it runs as a dedicated system
account, created on first use, that must own the data directory and be able to walk to it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
from pathlib import Path

PG_SYSTEM_USER = "petcare_pg"


def postgres_os_user() -> str | None:
    """The account to run PostgreSQL as: None (the current user) unless we are root."""
    if os.geteuid() != 0:
        return None
    ensure_system_user(PG_SYSTEM_USER)
    return PG_SYSTEM_USER


def ensure_system_user(name: str) -> None:
    """Create a login-less system account `name` (with its own group) if it does not exist."""
    try:
        pwd.getpwnam(name)
        return
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    result = subprocess.run(
        [useradd, "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        capture_output=True,
        text=True,
        check=False,
    )
    # exit code 9: a parallel run created it meanwhile.
    if result.returncode not in (0, 9):
        raise RuntimeError(f"useradd {name} failed ({result.returncode}): {result.stderr.strip()}")


def hand_over(path: Path, user: str) -> None:
    """Make `path` and everything in it `user`'s, and its parents walkable.

    Parents only gain the search bit (o+x), not read: other users still cannot list them.
    """
    account = pwd.getpwnam(user)
    for parent in path.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)
    for item in [path, *(path.rglob("*") if path.is_dir() else [])]:
        if item.lstat().st_uid != account.pw_uid:
            os.chown(item, account.pw_uid, account.pw_gid, follow_symlinks=False)
