"""Where dump archives live: a local folder (default) or S3-compatible object storage.

Archives are always written to a local staging file first (pg_dump needs a file it can
seek in for its table of contents), checksummed while they are read back, then moved
into the store; for S3 they are uploaded in parts and the staging file is removed.
Restores download to a staging file, check the checksum, and remove it afterwards.
Nothing is ever held in memory whole.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Protocol

from ..errors import CheckpointFailed, ConfigError


class StoreError(CheckpointFailed):
    """The checkpoint store could not be written or read."""


class Store(Protocol):
    def reference(self, branch: str, name: str) -> str: ...
    def staging(self, reference: str) -> Path: ...
    def keep(self, staged: Path, reference: str) -> int: ...
    def fetch(self, reference: str) -> Path: ...
    def release(self, reference: str, fetched: Path) -> None: ...
    def delete(self, reference: str) -> None: ...
    def exists(self, reference: str) -> bool: ...
    def free_bytes(self) -> int | None: ...


class LocalStore:
    """``CHECKPOINT_DIR/<branch>/<id>.dump``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def reference(self, branch: str, name: str) -> str:
        return str(self.root / branch / f"{name}.dump")

    def staging(self, reference: str) -> Path:
        return _writable(Path(reference).with_suffix(".partial"), f"the checkpoint store {self.root}")

    def keep(self, staged: Path, reference: str) -> int:
        staged.rename(reference)
        return Path(reference).stat().st_size

    def fetch(self, reference: str) -> Path:
        return Path(reference)

    def release(self, reference: str, fetched: Path) -> None:
        """Nothing to clean: the archive is read where it lives."""

    def delete(self, reference: str) -> None:
        Path(reference).unlink(missing_ok=True)
        Path(reference).with_suffix(".partial").unlink(missing_ok=True)

    def exists(self, reference: str) -> bool:
        return Path(reference).is_file()

    def free_bytes(self) -> int | None:
        folder = self.root
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return shutil.disk_usage(folder).free if folder.is_dir() else None


class S3Store:
    """``s3://<bucket>/<prefix><branch>/<id>.dump`` on AWS S3 or any S3-compatible server."""

    def __init__(self, *, bucket: str, prefix: str, endpoint: str | None, region: str | None, staging: Path) -> None:
        try:
            import boto3
            from boto3.s3.transfer import TransferConfig
        except ImportError:
            raise ConfigError("CHECKPOINT_S3_BUCKET: S3 checkpoints need boto3: pip install 'dbadmin[s3]'") from None
        self.bucket, self.prefix, self.staging_root = bucket, prefix, Path(staging)
        self._client = boto3.client("s3", endpoint_url=endpoint, region_name=region)
        # Multipart in 64 MiB parts: memory stays flat whatever the archive's size.
        self._transfer = TransferConfig(multipart_chunksize=64 * 2**20, max_concurrency=4)

    def reference(self, branch: str, name: str) -> str:
        return f"s3://{self.bucket}/{self.prefix}{branch}/{name}.dump"

    def staging(self, reference: str) -> Path:
        path = self._staged(reference, ".partial")
        return _writable(path, f"the staging folder {path.parent}")

    def keep(self, staged: Path, reference: str) -> int:
        size = staged.stat().st_size
        try:
            self._client.upload_file(str(staged), self.bucket, self._key(reference), Config=self._transfer)
        except Exception as exc:
            raise StoreError(f"uploading to {reference} failed: {type(exc).__name__}: {exc}") from None
        finally:
            staged.unlink(missing_ok=True)
        return size

    def fetch(self, reference: str) -> Path:
        target = _writable(self._staged(reference, ".restore"), f"the staging folder {self.staging_root}")
        try:
            self._client.download_file(self.bucket, self._key(reference), str(target), Config=self._transfer)
        except Exception as exc:
            target.unlink(missing_ok=True)
            raise StoreError(f"downloading {reference} failed: {type(exc).__name__}: {exc}") from None
        os.chmod(target, 0o600)  # boto3 writes a temporary file and renames it over ours
        return target

    def release(self, reference: str, fetched: Path) -> None:
        fetched.unlink(missing_ok=True)

    def delete(self, reference: str) -> None:
        self._staged(reference, ".partial").unlink(missing_ok=True)
        try:
            self._client.delete_object(Bucket=self.bucket, Key=self._key(reference))
        except Exception as exc:
            raise StoreError(f"deleting {reference} failed: {type(exc).__name__}: {exc}") from None

    def exists(self, reference: str) -> bool:
        try:
            self._client.head_object(Bucket=self.bucket, Key=self._key(reference))
        except Exception:
            return False
        return True

    def free_bytes(self) -> int | None:
        return shutil.disk_usage(self.staging_root).free if self.staging_root.exists() else None

    def _key(self, reference: str) -> str:
        return reference.removeprefix(f"s3://{self.bucket}/")

    def _staged(self, reference: str, suffix: str) -> Path:
        return self.staging_root / "staging" / (self._key(reference).replace("/", "_") + suffix)


def _writable(path: Path, what: str) -> Path:
    """``path`` as an empty file only this user can read, in folders only this user can enter.

    A dump is a full copy of a branch: it must never be readable by other users of the
    host, whatever the process's umask.  The file is made 0600 before the tool writes into
    it (pg_dump keeps an existing file's mode), its folder 0700.
    """
    try:
        _private_folder(path.parent)
        os.close(os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)
    except OSError as exc:
        raise StoreError(f"{what} is not writable: {exc.strerror}") from None
    return path


def _private_folder(folder: Path) -> None:
    """Make ``folder`` (and the folders above it that do not exist yet) 0700."""
    made = [parent for parent in folder.parents if not parent.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    for each in (folder, *made):
        os.chmod(each, 0o700)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
